"""A custom Function's backward must return gradients of its inputs' shapes (torch's check)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import minigrad


def _backward(lib: Any, grad_shape: tuple[int, ...], in_shape: tuple[int, ...]) -> Any:
    """Run backward through a Function whose backward returns ones of `grad_shape`."""

    class F(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            return lib.ones(grad_shape)

    x = lib.ones(in_shape, requires_grad=True)
    F.apply(x).sum().backward()
    return x.grad


@pytest.mark.parametrize(("grad_shape", "in_shape"), [((5,), (3,)), ((1,), (3,)), ((3,), (2, 3))])
def test_function_wrong_shaped_gradient_is_torchs_error(
    grad_shape: tuple[int, ...], in_shape: tuple[int, ...]
) -> None:
    with pytest.raises(RuntimeError) as expected:
        _backward(torch, grad_shape, in_shape)
    with pytest.raises(RuntimeError) as got:
        _backward(minigrad, grad_shape, in_shape)
    assert type(got.value).__name__ == "RuntimeError"
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("grad_shape", [(1, 3), (2, 3)])
def test_function_expanded_gradient_is_summed_to_the_input(grad_shape: tuple[int, ...]) -> None:
    expected = _backward(torch, grad_shape, (3,))
    got = _backward(minigrad, grad_shape, (3,))
    assert tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_allclose(got.numpy(), expected.numpy())
