"""Properties without torch: every smooth op spec's gradients agree with float64 central
differences (`minigrad.autograd.gradcheck`), on Hypothesis-drawn shapes, broadcasting and values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad.autograd import gradcheck, gradgradcheck
from minigrad.dispatch import sum_to_shape

import strategies as s
from op_specs import OP_SPECS, OpSpec

# Kinks and ties (abs and relu at 0, clamp at its bounds, equal maxima) make finite
# differences meaningless there; torch's differential test covers these rows.
NOT_SMOOTH = {
    "relu", "abs", "clamp", "clamp_min", "maximum", "minimum", "max", "min", "max_dim", "min_dim",
    "mse_loss_sum",  # detaches its target on purpose: not a function of it for backward
}  # fmt: skip
SMOOTH = [spec for spec in OP_SPECS if spec.name not in NOT_SMOOTH]
# Not pow_tensor: like torch, its base gradient is masked to 0 where the exponent is 0, a
# discontinuity finite differences cannot see past (test_ops_torch checks it against torch).
SECOND_ORDER = ["mul", "div", "pow_scalar", "exp", "log", "tanh", "sigmoid", "mm", "softmax"]


def leaves(items: tuple[Any, ...]) -> tuple[Any, ...]:
    """float64 leaves for float arrays, constant tensors for the rest, ints as they are."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, np.ndarray):
            floating = item.dtype.kind == "f"
            out.append(minigrad.tensor(item, requires_grad=floating))
        else:
            out.append(item)
    return tuple(out)


@pytest.mark.parametrize("spec", SMOOTH, ids=lambda spec: spec.name)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_op_gradient_matches_finite_differences(spec: OpSpec, data: st.DataObject) -> None:
    args = leaves(data.draw(spec.inputs))
    assert gradcheck(lambda *a: spec.call(minigrad, *a), args, atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("name", SECOND_ORDER)
@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_op_second_derivative_matches_finite_differences(name: str, data: st.DataObject) -> None:
    spec = next(spec for spec in OP_SPECS if spec.name == name)
    args = leaves(data.draw(spec.inputs))
    assert gradgradcheck(lambda *a: spec.call(minigrad, *a), args, atol=1e-5, rtol=1e-3)


def reduce_to(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """numpy's answer: sum `g` over the leading and the stretched dims, back to `shape`."""
    g = g.sum(axis=tuple(range(g.ndim - len(shape))))
    return g.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1), keepdims=True).reshape(shape)


@settings(max_examples=30, deadline=None)
@given(shapes=s.broadcast_shapes(2), data=st.data())
def test_sum_to_shape_undoes_broadcasting(shapes: Any, data: st.DataObject) -> None:
    target = tuple(shapes[0])
    g = data.draw(s.arrays(np.broadcast_shapes(shapes[0], shapes[1])))
    summed = sum_to_shape(minigrad.tensor(g), target)
    assert tuple(summed.shape) == target
    np.testing.assert_allclose(summed.numpy(), reduce_to(g, target), rtol=1e-12, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(pair=s.array_tuple(s.floats(), s.floats()))
def test_broadcast_gradients_have_the_input_shapes(pair: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = leaves(pair)
    (x * y + x - y).sum().backward()  # d/dx = y + 1, d/dy = x - 1, each summed to its shape
    full = np.broadcast_shapes(pair[0].shape, pair[1].shape)
    gx = reduce_to(np.broadcast_to(pair[1] + 1, full), pair[0].shape)
    gy = reduce_to(np.broadcast_to(pair[0] - 1, full), pair[1].shape)
    np.testing.assert_allclose(x.grad.numpy(), gx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y.grad.numpy(), gy, rtol=1e-12, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(array=s.array())
def test_gradients_accumulate_linearly(array: np.ndarray) -> None:
    x = minigrad.tensor(array, requires_grad=True)
    (x.sin() * x).sum().backward()
    once = x.grad.numpy().copy()
    (x.sin() * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * once, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(once, np.cos(array) * array + np.sin(array), rtol=1e-10, atol=1e-12)
