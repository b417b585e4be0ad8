"""Run a notebook-style cell and capture what a student sees: shared by the output tests."""

from __future__ import annotations

import ast
import contextlib
import io
import re
import warnings
from collections.abc import Callable
from typing import Any

ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)")


def builtin_name(exc: BaseException) -> str:
    """The builtin exception class an error is (minigrad's errors subclass torch's builtins)."""
    return next(c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins")


def run_cell(source: str, env: dict[str, Any], show: Callable[[Any], str] = repr) -> dict[str, Any]:
    """Run `source` in `env` like a Jupyter cell: stdout, the last expression shown with `show`,
    warnings as (category, message) without torch's "(Triggered internally ...)", and the error
    as (builtin class name, message) or None."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out, error = io.StringIO(), None
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        try:
            exec(compile(tree, "<cell>", "exec"), env)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), env)
                if value is not None:
                    print(show(value))
        except Exception as exc:  # noqa: BLE001 - the error is part of what we compare
            error = (builtin_name(exc), str(exc))
    warned = [(w.category.__name__, TRIGGERED.sub("", str(w.message))) for w in caught]
    return {"stdout": out.getvalue(), "warnings": warned, "error": error}
