"""One rule, two ways: a plain backward runs the op table's rules on numpy arrays, and
create_graph runs the same rules on Tensors. Both must give the same gradients."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad import Tensor

import strategies as s
from op_specs import OP_SPECS, OpSpec, build


@pytest.mark.parametrize("spec", OP_SPECS, ids=lambda spec: spec.name)
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_rules_give_the_same_gradients_on_arrays_and_on_tensors(
    spec: OpSpec, data: st.DataObject
) -> None:
    items = data.draw(spec.inputs, label="inputs")
    args, leaves = build(minigrad, items, "float64")
    out = spec.call(minigrad, *args)
    upstream = minigrad.tensor(data.draw(s.arrays(tuple(out.shape)), label="upstream"))
    upstream = upstream.to(out.dtype)
    on_tensors = minigrad.autograd.grad(
        out, leaves, upstream, retain_graph=True, create_graph=True, allow_unused=True
    )
    out.backward(upstream)  # a plain backward: the rules run on numpy arrays
    for leaf, expected in zip(leaves, on_tensors):
        if expected is None:
            assert leaf.grad is None
            continue
        assert leaf.grad is not None and leaf.grad.grad_fn is None
        assert leaf.grad.dtype == expected.dtype and leaf.grad.shape == expected.shape
        np.testing.assert_allclose(leaf.grad.numpy(), expected.detach().numpy(), rtol=1e-12)


def test_plain_backward_makes_a_tensor_only_for_what_it_hands_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    x = minigrad.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    w = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x
    for _ in range(10):
        y = ((y @ w).tanh() * 0.5 + x).exp().sqrt().sum(dim=1, keepdim=True) * x
    loss = y.mean()
    made: list[Any] = []
    original = Tensor._make.__func__  # type: ignore[attr-defined]

    def counting(cls: type, arr: Any, node: Any = None) -> Tensor:
        made.append(arr)
        return original(cls, arr, node)

    monkeypatch.setattr(Tensor, "_make", classmethod(counting))
    loss.backward()
    # the seed gradient (ones); for each leaf the gradient AccumulateGrad is handed and the
    # copy kept as .grad: nothing for the 80 nodes in between
    assert len(made) == 1 + 2 * 2
    assert x.grad is not None and w.grad is not None


NUMPY_ARGUMENTS = [
    "lib.maximum(a, a)", "lib.minimum(a, a)", "lib.mm(m, m)", "lib.where(a > 0, a, 0.0)",
    "lib.cat([a, a])", "lib.stack([a, a])", "lib.nn.functional.tanh(a)",
    "lib.nn.functional.sigmoid(a)", "lib.nn.functional.relu(a)", "lib.matmul(m, m)",
    "lib.sum(a)", "lib.mean(a)", "lib.max(a)", "lib.exp(a)", "lib.maximum(lib.ones(2), a)",
    "lib.mm(lib.eye(2), m)", "lib.where(lib.ones(2) > 0, lib.ones(2), a)", "lib.exp(2.0)",
    "lib.add(2, lib.ones(2)).tolist()", "lib.clamp(2.0, min=0)",
]  # fmt: skip


@pytest.mark.parametrize("code", NUMPY_ARGUMENTS)
def test_public_functions_refuse_numpy_arrays_as_torch(code: str) -> None:
    """A numpy array (or a number) where torch wants a Tensor: torch's error class and its
    first line (ops given only numpy arrays run the bare numpy forward, as rules run)."""
    import torch

    a, m = np.ones(2), np.eye(2)
    outcomes = []
    for lib in (minigrad, torch):
        try:
            outcomes.append(repr(eval(code, {"lib": lib, "a": a, "m": m})))
        except Exception as e:
            outcomes.append(f"{type(e).__name__}: {str(e).splitlines()[0]}")
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("values", [(1.0, 0.0), (1, 0), (1, 0.5), (True, False)])
def test_where_of_two_numbers_has_torchs_dtype(values: tuple[Any, Any]) -> None:
    import torch

    ours = minigrad.where(minigrad.tensor([True, False]), *values)
    ref = torch.where(torch.tensor([True, False]), *values)
    assert ours.dtype.name == str(ref.dtype).split(".")[-1]
    assert ours.tolist() == ref.tolist()
