"""Graphs in the browser: under Pyodide (JupyterLite) DOT becomes SVG through WebAssembly Graphviz.

Pyodide cannot start the pip Graphviz binary (no subprocess), so in a JupyterLite site the same
DOT is laid out by `@viz-js/viz` (Graphviz compiled to WebAssembly, MIT), which the site ships as
`static/viz/viz.js`. `%load_ext minigrad` starts loading it; a graph drawn before it is ready
waits for it where Pyodide can block on a promise (`pyodide.ffi.run_sync`, JSPI stack switching:
Chromium 137+), else says so and asks to run the cell again. Nothing here runs outside Pyodide.
"""

from __future__ import annotations

import sys
from typing import Any

IN_BROWSER = sys.platform == "emscripten"
VIZ_PATH = "static/viz/viz.js"  # where lite/build.py puts viz.js, relative to the site root

# The kernel runs in a Web Worker served from <site>/extensions/...: the site root precedes it.
_LOAD_JS = f"""(() => {{
  const g = globalThis;
  if (!g.__minigradVizLoading) {{
    const here = String(self.location.href);
    const root = here.includes('/extensions/') ? here.split('/extensions/')[0] : '.';
    g.__minigradVizLoading = import(root + '/{VIZ_PATH}')
      .then(m => m.instance())
      .then(v => {{ g.__minigradViz = v; }}, e => {{ g.__minigradVizError = String(e); }});
  }}
  return g.__minigradViz ? 'ready' : (g.__minigradVizError || '');
}})()"""
_RENDER_JS = "(dot) => globalThis.__minigradViz.renderString(dot, {format: 'svg'})"


def _run_js(code: str) -> Any:
    """Evaluate JavaScript in the kernel's worker (Pyodide only)."""
    from pyodide.code import run_js  # type: ignore[import-not-found]

    return run_js(code)


def start() -> str:
    """Start loading Graphviz-in-WebAssembly once; return 'ready', an error text, or ''."""
    return str(_run_js(_LOAD_JS))


def _wait() -> str:
    """Block until viz.js has loaded, where Pyodide can (JSPI stack switching); else ''."""
    from pyodide import ffi  # type: ignore[import-not-found]

    can = getattr(ffi, "can_run_sync", None)
    if can is None or not can():
        return ""
    ffi.run_sync(_run_js("globalThis.__minigradVizLoading"))
    return start()


def render(source: str, fmt: str, error: type[Exception]) -> bytes:
    """Lay out DOT `source` as SVG in the browser.

    Args:
        source: DOT text.
        fmt: must be "svg" (the browser renderer makes no PNG).
        error: the exception class to raise (the caller's `RenderError`).
    """
    if fmt != "svg":
        raise error(f"in the browser (JupyterLite) graphs render as SVG only, not {fmt!r}")
    state = start()
    if state != "ready":
        state = _wait()
    if state != "ready":
        detail = f"it failed to load: {state}" if state else "it is still loading"
        raise error(
            f"Graphviz for the browser ({VIZ_PATH}) is not ready yet: {detail}. "
            "Run the cell again in a moment."
        )
    try:
        svg = _run_js(_RENDER_JS)(source)
    except Exception as failure:  # a JsException carries Graphviz's own message
        raise error(f"Graphviz (WebAssembly) could not draw the graph: {failure}") from None
    return str(svg).encode("utf-8")


def install(shell: Any) -> None:
    """In the browser: start loading viz.js, and publish no empty results, as ipykernel does.

    A magic's result that displayed itself formats to {}; ipykernel then sends nothing, but
    the Pyodide kernel's display hook (0.5) sends an empty `execute_result`. Its JavaScript side
    sets `publish_execution_result` again before every cell, so the check wraps the finish step.

    Args:
        shell: the running `InteractiveShell`.
    """
    if not IN_BROWSER:
        return
    start()
    hook = shell.displayhook
    if "finish_displayhook" in vars(hook):
        return
    finish = hook.finish_displayhook

    def finish_nonempty() -> None:
        if hook.data:
            finish()
        else:
            hook.data, hook.metadata = {}, {}

    hook.finish_displayhook = finish_nonempty


def uninstall(shell: Any) -> None:
    """Undo `install`: the display hook publishes as before.

    Args:
        shell: the running `InteractiveShell`.
    """
    hook = getattr(shell, "displayhook", None)
    if hook is not None and "finish_displayhook" in vars(hook):
        del hook.finish_displayhook


if IN_BROWSER:
    start()
