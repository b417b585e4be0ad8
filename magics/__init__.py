"""The Jupyter layer of minigrad: magics, graph drawing, widgets and error explanations.

`%load_ext minigrad` (or `%load_ext magics`) calls `load_ipython_extension` below. It only
registers things with IPython: the magics (`%%trace`, `%backward`, `%minigrad`), the
`text/html` tensor card, per-node creation sites and the error explainer (`magics.explain`).
`unload_ipython_extension` undoes each registration, so `%unload_ext` leaves the shell as it
found it. Loading twice is harmless.
"""

from __future__ import annotations

from typing import Any

from magics.display import get_display, set_display
from magics.draw.dag import Graph, draw
from magics.widgets import inspect

__all__ = [
    "Graph",
    "draw",
    "get_display",
    "inspect",
    "load_ipython_extension",
    "set_display",
    "unload_ipython_extension",
]


class _State:
    """Which shells this module registered on, so loading twice does nothing."""

    loaded: set[int] = set()
    sites: bool = False  # whether creation sites were recorded before we turned them on


def load_ipython_extension(ipython: Any) -> None:
    """Register minigrad's magics, formatters and error handler on `ipython`.

    Args:
        ipython: the running `InteractiveShell`.
    """
    from magics import display, explain, lite
    from magics.commands import MinigradMagics
    from minigrad.graph import record_sites, recorder

    if id(ipython) in _State.loaded:
        return
    _State.loaded.add(id(ipython))
    _State.sites = recorder.sites
    ipython.register_magics(MinigradMagics)
    display.register(ipython)
    record_sites(True)
    explain.install(ipython)
    lite.install(ipython)  # in the browser (Pyodide) only


def unload_ipython_extension(ipython: Any) -> None:
    """Undo everything `load_ipython_extension` registered on `ipython`.

    Args:
        ipython: the running `InteractiveShell`.
    """
    from magics import display, explain, lite
    from magics.commands import MinigradMagics
    from minigrad.graph import record_sites

    if id(ipython) not in _State.loaded:
        return
    _State.loaded.discard(id(ipython))
    explain.uninstall(ipython)
    lite.uninstall(ipython)
    record_sites(_State.sites)
    display.unregister(ipython)
    magics = ipython.magics_manager.magics
    for kind, names in MinigradMagics.magics.items():
        for name in names:
            magics[kind].pop(name, None)
    ipython.magics_manager.registry.pop(MinigradMagics.__name__, None)
