"""The IPython side of the explainer: exception handler, warning note, `%explain`.

`install(shell)` registers `_handler` with `shell.set_custom_exc` (its exception tuple also keeps
any previous handler's), wraps `warnings.showwarning` so the non-leaf `.grad` warning becomes a
note displayed after the cell (`post_run_cell`), and registers `%explain`. `uninstall(shell)`
puts back what was there. The handler never raises: it shows the original traceback through
IPython's `showtraceback` (so the cell still ends as an error for nbval, nbconvert and Run All),
then the explanation; errors without a row go to the previous handler or to IPython unchanged.
"""

from __future__ import annotations

import re
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import Any

from magics.explain import table
from magics.explain.context import site
from magics.explain.explanation import Explanation
from minigrad.errors import MinigradError


class _Installed:
    """What `install` changed on one shell, to undo it; and the last explanation."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.active = True
        self.exceptions = shell.custom_exceptions
        self.custom_tb = shell.CustomTB
        self.ours: Any = None
        self.showwarning = warnings.showwarning
        self.magic = shell.magics_manager.magics["line"].get("explain")
        self.last: Explanation | None = None
        self.pending: list[tuple[Any, str, int]] = []
        self.hook: Callable[..., None] | None = None  # our showwarning
        self.after: Callable[..., None] | None = None  # our post_run_cell callback


_STATE: dict[int, _Installed] = {}
NONLEAF = next(row.pattern for row in table.EXPLANATIONS if row.kind == "nonleaf_grad")


def _handler(self: Any, etype: Any, value: Any, tb: Any, tb_offset: Any = None) -> None:
    """IPython's custom exception handler: the real traceback, then an explanation.

    Returns None (a valid "structured traceback" for IPython): the traceback is already shown
    through `showtraceback`, which also sends it to the front end as the cell's error.
    """
    state = _STATE.get(id(self))
    try:
        row = table.match(value)[0] if state is not None and state.active else None
    except Exception:  # never raise: a failed match means "not ours"
        row = None
    if row is None:
        return _pass_through(self, state, (etype, value, tb), tb_offset)
    _show(self, (etype, value, tb), tb_offset)
    try:
        explanation = table.explain(self, value, tb)
        if explanation is not None and state is not None:
            state.last = explanation
            _display(explanation)
    except Exception:  # the explanation is extra: the traceback above already told the error
        pass
    return None


def _show(shell: Any, exc: tuple[Any, Any, Any], tb_offset: Any) -> None:
    """IPython's normal traceback (sent as an error to the front end); never raises."""
    try:
        shell.showtraceback(exc, tb_offset=tb_offset)
    except Exception:
        try:
            traceback.print_exception(*exc, file=sys.stderr)
        except Exception:  # nothing sensible is left to show
            pass


def _pass_through(shell: Any, state: Any, exc: tuple[Any, Any, Any], tb_offset: Any) -> Any:
    """An error we do not explain: the previous custom handler if it wanted it, else IPython's."""
    try:
        if state is not None and state.exceptions and issubclass(exc[0], state.exceptions):
            return state.custom_tb(*exc, tb_offset=tb_offset)
    except Exception:
        pass
    _show(shell, exc, tb_offset)
    return None


def _display(obj: Any) -> None:
    from IPython.display import display

    display(obj)


def _warning_hook(state: _Installed) -> Callable[..., None]:
    """A `warnings.showwarning` that shows the warning as before and remembers ours."""
    previous = state.showwarning

    def showwarning(message: Any, category: Any, filename: str, lineno: int, *args: Any) -> None:
        previous(message, category, filename, lineno, *args)
        try:
            if state.active and re.search(NONLEAF, str(message)):
                state.pending.append((message, filename, lineno))
        except Exception:  # showing the warning is what matters; the note is extra
            pass

    return showwarning


def _after_cell(state: _Installed) -> Callable[..., None]:
    """The post_run_cell callback: one note per non-leaf .grad warning of the cell."""

    def post_run_cell(result: Any = None) -> None:
        pending, state.pending = state.pending, []
        for message, filename, lineno in pending[:3]:
            try:
                error = message if isinstance(message, Warning) else UserWarning(str(message))
                at = site(state.shell, filename, lineno)
                note = table.explain(state.shell, error, None, at=at)
                if note is not None:
                    state.last = note
                    _display(note)
            except Exception:  # a note must never break the notebook
                pass

    return post_run_cell


def install(shell: Any) -> None:
    """Explain autograd errors in `shell`: handler, warning note and `%explain` (idempotent).

    Args:
        shell: the IPython `InteractiveShell`.
    """
    if id(shell) in _STATE:
        return
    state = _Installed(shell)
    _STATE[id(shell)] = state
    kinds = tuple(dict.fromkeys((MinigradError, RuntimeError, ValueError) + state.exceptions))
    shell.set_custom_exc(kinds, _handler)
    state.ours = shell.CustomTB
    state.hook = _warning_hook(state)
    warnings.showwarning = state.hook
    state.after = _after_cell(state)
    shell.events.register("post_run_cell", state.after)

    def explain_magic(line: str) -> Explanation | None:
        """%explain: the last error's explanation again, with the details."""
        if state.last is None:
            print("No autograd error explained yet in this session.")
            return None
        return state.last.more()

    shell.register_magic_function(explain_magic, "line", "explain")


def uninstall(shell: Any) -> None:
    """Undo `install(shell)`: previous exception handler, showwarning and magics.

    Args:
        shell: the IPython `InteractiveShell`.
    """
    state = _STATE.pop(id(shell), None)
    if state is None:
        return
    state.active = False
    if shell.CustomTB is state.ours or not shell.custom_exceptions:
        shell.CustomTB, shell.custom_exceptions = state.custom_tb, state.exceptions
    if warnings.showwarning is state.hook:
        warnings.showwarning = state.showwarning
    try:
        shell.events.unregister("post_run_cell", state.after)
    except ValueError:
        pass
    table = shell.magics_manager.magics["line"]
    if state.magic is not None:
        table["explain"] = state.magic
    else:
        table.pop("explain", None)
        if hasattr(shell.magics_manager.user_magics, "explain"):
            delattr(shell.magics_manager.user_magics, "explain")
