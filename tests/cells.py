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


def shown_name(exc: BaseException) -> str:
    """The class name a traceback's last line shows (`RuntimeError`, `mod.MyError`)."""
    cls = type(exc)
    if cls.__module__ in ("builtins", "__main__"):
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def run_cell(source: str, env: dict[str, Any], show: Callable[[Any], str] = repr) -> dict[str, Any]:
    """Run `source` in `env` like a Jupyter cell: stdout, the last expression shown with `show`,
    warnings as (category, message) without torch's "(Triggered internally ...)", and the error
    as (the class name a traceback shows, message) or None."""
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
            error = (shown_name(exc), str(exc))
    warned = [(w.category.__name__, TRIGGERED.sub("", str(w.message))) for w in caught]
    return {"stdout": out.getvalue(), "warnings": warned, "error": error}


def run_snippet(lib: Any, source: str) -> dict[str, Any]:
    """Run `source` with `lib` bound to `torch` (and `Variable`, `F`): stdout, warnings, error."""
    env = {
        "torch": lib,
        "Variable": lib.autograd.Variable,
        "F": lib.nn.functional,
        "__name__": "lesson",
    }
    return run_cell(source, env)


def masked(result: dict[str, Any]) -> dict[str, Any]:
    """`result` with memory addresses masked, ready to compare."""

    def fix(text: str) -> str:
        return ADDRESS.sub("0xADDR", text)

    return {
        "stdout": fix(result["stdout"]),
        "warnings": [(c, fix(m)) for c, m in result["warnings"]],
        "error": None if result["error"] is None else (result["error"][0], fix(result["error"][1])),
    }
