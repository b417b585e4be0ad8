"""Tensor state: requires_grad, .grad warnings, versions, detach, in-place rules, Variable."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad
from minigrad.autograd import Variable


def _count_warnings(lib: Any, cells: list[str], action: str) -> int:
    """Read a non-leaf's .grad in notebook-like cells under a warnings filter action."""
    env = {"torch": lib}
    exec(compile("x = torch.tensor([1.0], requires_grad=True)\ny = x * 2", "<cell0>", "exec"), env)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter(action)
        for n, cell in enumerate(cells, start=1):
            exec(compile(cell, f"<cell{n}>", "exec"), env)
    assert all(w.category is UserWarning for w in caught)
    assert all(str(w.message).startswith("The .grad attribute of a Tensor that") for w in caught)
    return len(caught)


@pytest.mark.parametrize("action", ["always", "default"])
def test_tensor_nonleaf_grad_warns_as_often_as_torch(action: str) -> None:
    """No once-only flag: every read warns that Python's filter lets through, as in torch."""
    import torch

    cells = ["for _ in range(3):\n    y.grad", "y.grad\ny.grad", "print(y.grad)"]
    counts = [_count_warnings(lib, cells, action) for lib in (minigrad, torch)]
    assert counts[0] == counts[1]
    assert counts[0] == 6 or action == "default"


def test_tensor_leaf_and_retained_grad_do_not_warn() -> None:
    x = minigrad.tensor([1.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.grad is None and y.grad is None


def test_tensor_requires_grad_flows_to_results() -> None:
    x = minigrad.tensor([1.0])
    assert not (x * 2).requires_grad
    x.requires_grad_()
    assert x.requires_grad and x.is_leaf and (x * 2).requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad


def test_tensor_requires_grad_needs_a_float_leaf() -> None:
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        minigrad.tensor([1, 2]).requires_grad_()
    y = minigrad.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf"):
        y.requires_grad_(False)
    assert y.requires_grad_() is y  # True on a non-leaf that already requires grad is fine


def test_tensor_version_counts_inplace_changes_shared_with_views() -> None:
    x = minigrad.zeros(2, 2)
    assert x._version == 0
    x.add_(1)
    x.mul_(2)
    x[0] = 5.0
    row = x[1]
    row.zero_()
    assert x._version == 4 and row._version == 4
    assert x.tolist() == [[5.0, 5.0], [0.0, 0.0]]


def test_tensor_inplace_on_a_leaf_that_requires_grad_fails_outside_no_grad() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    for op in (lambda: x.add_(1), lambda: x.zero_(), lambda: x.copy_(minigrad.ones(2))):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            op()
    with minigrad.no_grad():
        x.sub_(1)
    assert x.tolist() == [0.0, 1.0] and x.is_leaf and x.requires_grad


def test_tensor_inplace_on_a_non_leaf_is_recorded() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y.mul_(3)
    y.add_(x)
    assert y.grad_fn.name() == "AddBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [4.0, 4.0]


def test_tensor_modified_after_being_saved_fails_backward() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    a = x * 1
    b = a.exp() * a
    a.add_(1)
    with pytest.raises(RuntimeError, match="is at version 1; expected version 0 instead"):
        b.sum().backward()


def test_tensor_detach_shares_data_and_version() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf
    d[0] = 10.0
    assert x.tolist() == [10.0, 2.0]
    assert x._version == d._version == 1
    assert np.shares_memory(x.detach().numpy(), d.numpy())


def test_tensor_detach_inplace_cuts_the_graph() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert y.detach_() is y
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf


def test_tensor_data_is_a_detached_view() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    x.data.mul_(2)
    assert x.tolist() == [2.0, 4.0] and not x.data.requires_grad


def test_tensor_grad_can_be_set_and_zeroed() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    x.grad.zero_()
    assert x.grad.tolist() == [0.0, 0.0]
    x.grad = None
    assert x.grad is None


def test_variable_returns_a_plain_tensor() -> None:
    v = Variable(minigrad.tensor([1.0]))
    assert type(v) is minigrad.Tensor and not v.requires_grad
    w = Variable(minigrad.tensor([1.0]), requires_grad=True)
    assert w.requires_grad and w.is_leaf
    with pytest.warns(UserWarning, match="volatile was removed and now has no effect"):
        Variable(minigrad.tensor([1.0]), volatile=True)


def test_tensor_conversions() -> None:
    x = minigrad.tensor([[1.5, 2.0]])
    assert x.tolist() == [[1.5, 2.0]] and x[0, 0].item() == 1.5
    assert float(x[0, 1]) == 2.0 and int(x[0, 0]) == 1
    assert x.shape == (1, 2) and x.size(1) == 2 and x.ndim == 2 and x.numel() == 2
    assert x.dtype is minigrad.float32 and x.double().dtype is minigrad.float64
    assert len(minigrad.ones(3, 2)) == 3
    assert [t.item() for t in minigrad.tensor([4, 5])] == [4, 5]


OVERWRITES = {
    "zero_": lambda y, L: y.zero_(),
    "fill_": lambda y, L: y.fill_(2.0),
    "copy_": lambda y, L: y.copy_(L.tensor([3.0, 4.0])),
    "copy_grad_src": lambda y, L: y.copy_(y.detach() * 0 + L.ones(2, requires_grad=True)),
    "setitem": lambda y, L: y.__setitem__(0, 7.0),
}


@pytest.mark.parametrize("name", OVERWRITES)
def test_tensor_overwritten_values_get_no_gradient(name: str) -> None:
    """Values replaced in place in a graph pass no gradient back, as in torch, under torch's
    node names (ZeroBackward0, FillBackward2, CopyBackwards, CopySlices)."""
    import torch

    grads = []
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        OVERWRITES[name](y, lib)
        (y * y).sum().backward()
        grads.append((x.grad.tolist(), y.tolist(), y.grad_fn.name()))
    assert grads[0] == grads[1]


def test_tensor_inplace_broadcast_into_a_smaller_tensor_fails_as_torch() -> None:
    with pytest.raises(RuntimeError, match=r"output with shape \[2\] doesn't match the broadcast"):
        x = minigrad.ones(2)
        x += minigrad.ones(2, 2)
