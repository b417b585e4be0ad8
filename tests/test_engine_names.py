"""grad_fn names and whole `next_functions` chains, and in-place error texts, against torch."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
import torch

import minigrad


def chain(fn: Any) -> Any:
    """A node's name and, recursively, its inputs' chains (small test graphs only)."""
    if fn is None:
        return None
    return (fn.name(), [chain(f) for f, _ in fn.next_functions])


def outcome(lib: Any, program: str) -> Any:
    """Run `program` with `torch` bound to lib: the error (class, text) or y's chain and grads."""
    ns: dict[str, Any] = {"torch": lib, "np": np}
    try:
        exec(program, ns)
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return type(e).__name__, str(e)
    y = ns["y"]
    grads = []
    if y.requires_grad:
        y.sum().backward()
        grads = [None if ns[k].grad is None else ns[k].grad.tolist() for k in ("x", "w")]
    return chain(y.grad_fn), tuple(y.shape), str(y.dtype), y.tolist(), grads


def same_as_torch(program: str) -> None:
    assert outcome(minigrad, program) == outcome(torch, program)


SHAPES = [(3,), (2, 3), (3, 4), (2, 2, 3), (2, 3, 4), (1, 3, 4), (2, 1, 3, 4), (5, 4, 2)]


@pytest.mark.parametrize("a, b", list(itertools.product(SHAPES, SHAPES)))
@pytest.mark.parametrize("grads", ["TT", "TF", "FT"])
def test_matmul_chain_matches_torch(a: tuple[int, ...], b: tuple[int, ...], grads: str) -> None:
    """Every 1-D/2-D/batched (broadcast) pair: the node chain, values, grads or the error."""
    rx, rw = (g == "T" for g in grads)
    same_as_torch(
        f"x = (torch.arange({int(np.prod(a))}.) - 2).reshape({a}).requires_grad_({rx})\n"
        f"w = (torch.arange({int(np.prod(b))}.) * 0.5).reshape({b}).requires_grad_({rw})\n"
        "y = x @ w"
    )


@pytest.mark.parametrize(
    "x", ["torch.ones(2, 4, 3).transpose(1, 2)", "torch.ones(4, 2, 3)[::2]", "torch.ones(2, 3, 4)"]
)
def test_matmul_folds_only_viewable_batches(x: str) -> None:
    """Without grad on the small operand, torch folds only a batch that views as rows."""
    same_as_torch(f"x = {x}.requires_grad_()\nw = torch.ones(4, 2)\ny = x @ w")
    same_as_torch(f"w = {x}.requires_grad_()\nx = torch.ones(3)\ny = x @ w.mT")


@pytest.mark.parametrize(
    "a, b", [((3,), (3,)), ((3,), (4,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 2)),
             ((2, 3), (4, 2)), ((2, 2, 3), (2, 3, 2)), ((2, 2, 3), (2, 4, 2)), ((3,), (2, 3, 2)),
             ((2, 2, 3), (3, 2)), ((2, 2, 3), (3,)), ((2, 3), (2, 3, 2))],
)  # fmt: skip
@pytest.mark.parametrize("dtypes", ["float32 float64", "float64 float32", "int64 float32"])
def test_matmul_mixed_dtypes_error_as_torch(a: Any, b: Any, dtypes: str) -> None:
    """Mixed dtypes are torch's error (dot checks dtypes first; mm, mv and bmm shapes first)."""
    da, db = dtypes.split()
    same_as_torch(
        f"x = torch.ones({a}, dtype=torch.{da})\nw = torch.ones({b}, dtype=torch.{db})\ny = x @ w"
    )


@pytest.mark.parametrize(
    "program",
    [
        "x = torch.ones(2, 3, dtype=torch.int32)\nw = torch.ones(3, 2, dtype=torch.int64)\n"
        "y = x.mm(w)",
        "x = torch.ones(3)\nw = torch.ones(3, dtype=torch.float64)\ny = x.dot(w)",
        "x = torch.ones(2, 3)\nw = torch.ones(3, dtype=torch.float64)\ny = torch.mv(x, w)",
        "x = torch.ones(2, 2, 3)\nw = torch.ones(2, 3, 1, dtype=torch.float64)\ny = x.bmm(w)",
        "x = torch.ones(2, 3, dtype=torch.int64)\nw = torch.ones(3, 2, dtype=torch.int64)\n"
        "y = x @ w",
    ],
)
def test_products_check_dtypes_as_torch(program: str) -> None:
    """mm, dot, mv and bmm called directly give torch's dtype errors (or torch's result)."""
    same_as_torch(program)
