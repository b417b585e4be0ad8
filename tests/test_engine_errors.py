"""Errors: torch's builtin class and exact message, plus minigrad's `kind` and facts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch

import minigrad
from minigrad import MinigradError


def _backward_twice(L: Any) -> None:
    x = L.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).sum()
    y.backward()
    y.backward()


def _modified_saved(L: Any) -> None:
    x = L.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    b = a * a
    a.add_(1)
    b.sum().backward()


def _modified_saved_output(L: Any) -> None:
    x = L.tensor([1.0, 2.0], requires_grad=True)
    y = x.sigmoid()
    y.mul_(2)
    y.sum().backward()


def _setitem_on_leaf(L: Any) -> None:
    x = L.tensor([1.0, 2.0], requires_grad=True)
    x[0] = 3.0


def _requires_grad_nonleaf(L: Any) -> None:
    x = L.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).requires_grad_(False)


def _gradient_shape(L: Any) -> None:
    x = L.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).backward(L.ones(3))


CASES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "nonscalar": ("nonscalar_backward", lambda L: (L.ones(2, requires_grad=True) * 2).backward()),
    "twice": ("backward_twice", _backward_twice),
    "modified": ("modified_saved", _modified_saved),
    "modified_output": ("modified_saved", _modified_saved_output),
    "inplace_leaf": ("inplace_leaf", lambda L: L.ones(2, requires_grad=True).mul_(2)),
    "inplace_leaf_view": ("inplace_leaf_view", _setitem_on_leaf),
    "requires_grad_int": ("requires_grad_int", lambda L: L.tensor([1, 2]).requires_grad_()),
    "requires_grad_int_factory": (
        "requires_grad_int",
        lambda L: L.tensor([1, 2], requires_grad=True),
    ),
    "requires_grad_nonleaf": ("requires_grad_nonleaf", _requires_grad_nonleaf),
    "no_grad_fn": ("no_grad_fn", lambda L: L.ones(2).sum().backward()),
    "gradient_shape": ("gradient_shape", _gradient_shape),
    "mm_shape": ("matmul_shape", lambda L: L.ones(2, 3) @ L.ones(2, 3)),
    "mv_shape": ("matmul_shape", lambda L: L.ones(2, 3).mv(L.ones(2))),
    "dot_shape": ("matmul_shape", lambda L: L.ones(3).dot(L.ones(2))),
    "bmm_shape": ("matmul_shape", lambda L: L.ones(2, 2, 3).bmm(L.ones(2, 2, 3))),
    "broadcast": ("broadcast", lambda L: L.ones(2, 3) + L.ones(3, 2)),
    "numpy": ("numpy_requires_grad", lambda L: L.ones(2, requires_grad=True).numpy()),
    "item": ("item_multi", lambda L: L.ones(2).item()),
    "view": ("view_size", lambda L: L.ones(2, 3).view(4)),
    "dim": ("dim_range", lambda L: L.ones(2, 3).sum(2)),
    "index": ("index_range", lambda L: L.ones(2, 3)[2]),
    "too_many_indices": ("index_range", lambda L: L.ones(2)[0, 0]),
}


def _raised(fn: Callable[[Any], Any], lib: Any) -> BaseException:
    with pytest.raises(Exception) as info:
        fn(lib)
    return info.value


@pytest.mark.parametrize("case", CASES)
def test_error_matches_torch_class_and_message(case: str) -> None:
    kind, fn = CASES[case]
    ours, ref = _raised(fn, minigrad), _raised(fn, torch)
    assert isinstance(ours, MinigradError)
    assert ours.kind == kind
    builtin = next(c for c in type(ref).__mro__ if c.__module__ == "builtins")
    assert isinstance(ours, builtin)
    assert str(ours) == str(ref)


def test_error_modified_saved_carries_the_tensor_and_node() -> None:
    err = _raised(_modified_saved, minigrad)
    assert err.tensor.shape == (2,)
    assert err.node.name() == "AddBackward0"  # the tensor's grad_fn now, named in the message
    assert "output 0 of Add," in str(err)
    assert err.tensor._version == 1


def test_error_backward_twice_names_the_node() -> None:
    err = _raised(_backward_twice, minigrad)
    assert err.node.name() == "MulBackward0"


def test_error_matmul_carries_the_shapes() -> None:
    err = _raised(lambda L: L.ones(2, 3).mm(L.ones(2, 3)), minigrad)
    assert [tuple(s) for s in err.shapes] == [(2, 3), (2, 3)]


def test_error_broadcast_carries_op_and_shapes() -> None:
    err = _raised(lambda L: L.ones(2, 3) * L.ones(3, 2), minigrad)
    assert err.op == "mul"
    assert [tuple(s) for s in err.shapes] == [(2, 3), (3, 2)]


def test_error_numpy_failures_never_reach_the_user() -> None:
    attempts = [
        lambda: minigrad.ones(2, 3) @ minigrad.ones(4),
        lambda: minigrad.ones(2, 3).reshape(5),
        lambda: minigrad.ones(2, 3).expand(3, 3),
        lambda: minigrad.ones(2, 3).permute(1),
        lambda: minigrad.cat([minigrad.ones(2, 3), minigrad.ones(3, 2)]),
        lambda: minigrad.ones(2, 3)[:, 5],
        lambda: minigrad.ones(2, 3).transpose(0, 3),
    ]
    for attempt in attempts:
        with pytest.raises(MinigradError):
            attempt()
