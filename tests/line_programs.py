"""Programs run line by line with torch and with minigrad, and what each line left behind:
each short-named tensor's graph, flags, values and `.grad`, or the line's error."""

from __future__ import annotations

import warnings
from typing import Any

import torch

import minigrad


def chain(fn: Any) -> Any:
    """A node's name and, recursively, its inputs' chains (small test graphs only)."""
    if fn is None:
        return None
    return (fn.name(), [chain(f) for f, _ in fn.next_functions])


def grad_state(t: Any) -> Any:
    """What `.grad` holds, where it is meant to be read (leaves, retain_grad)."""
    grad = t.grad if t.is_leaf or t.retains_grad else None
    if grad is None:
        return None
    return grad.tolist(), grad.requires_grad, grad.grad_fn and grad.grad_fn.name()


def run_lines(lib: Any, program: str) -> list[Any]:
    """Each line's error, or every short-named tensor's graph, flags, values and `.grad` (and
    every short-named int or bool)."""
    ns: dict[str, Any] = {"torch": lib}
    seen: list[Any] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for line in program.strip().splitlines():
            try:
                exec(line, ns)
            except Exception as e:
                seen.append((line, type(e).__name__, str(e)))
                continue
            for name in sorted(k for k in ns if len(k) <= 2):
                t = ns[name]
                if isinstance(t, (bool, int)):
                    seen.append((line, name, t))
                elif hasattr(t, "grad_fn"):
                    seen.append((line, name, chain(t.grad_fn), t.requires_grad, t.is_leaf,
                                 t.tolist(), grad_state(t)))  # fmt: skip
    return seen


def same_as_torch(program: str) -> None:
    assert run_lines(minigrad, program) == run_lines(torch, program)


def errors(lib: Any, program: str) -> list[Any]:
    """Each line's error or None (for writes whose node names still differ: IndexPut, Copy)."""
    ns: dict[str, Any] = {"torch": lib}
    seen: list[Any] = []
    for line in program.strip().splitlines():
        try:
            exec(line, ns)
            seen.append(None)
        except Exception as e:
            seen.append((type(e).__name__, str(e)))
    return seen
