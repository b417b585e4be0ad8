"""Gradients of abs, relu and tanh under create_graph: torch's nodes, and a second backward."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minigrad

FORWARDS = {"abs": "abs", "relu": "relu", "tanh": "tanh"}


@pytest.mark.parametrize("method", sorted(FORWARDS))
def test_first_gradient_is_differentiable_like_torch(method: str) -> None:
    """`grad(f(x).mean(), x, create_graph=True)` gives torch's node, inputs and second grad."""
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor([1.5, -2.0, 0.5], requires_grad=True)
        (g,) = lib.autograd.grad(getattr(x, method)().mean(), x, create_graph=True)
        nexts = [None if f is None else f.name() for f, _ in g.grad_fn.next_functions]
        (g * g).sum().backward()
        results.append((g.requires_grad, g.grad_fn.name(), nexts, (lib.zeros(3) + x.grad).numpy()))
    ours, ref = results
    assert ours[:3] == ref[:3]
    np.testing.assert_allclose(ours[3], ref[3], rtol=1e-5)
