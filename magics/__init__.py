"""The Jupyter layer of minigrad: magics, graph drawing, widgets and error explanations.

`%load_ext minigrad` (or `%load_ext magics`) calls `load_ipython_extension` below. It only
registers things with IPython, and `unload_ipython_extension` undoes each registration, so
`%unload_ext` leaves the shell as it found it. Nothing is registered yet: the magics, the
`Tensor` formatter and the error explainer are added here as they land.
"""

from __future__ import annotations

from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    """Register minigrad's magics, formatters and error handler on `ipython`.

    Args:
        ipython: the running `InteractiveShell`.
    """


def unload_ipython_extension(ipython: Any) -> None:
    """Undo everything `load_ipython_extension` registered on `ipython`.

    Args:
        ipython: the running `InteractiveShell`.
    """
