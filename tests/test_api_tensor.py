"""Tensor helpers lessons use (new_*, argsort, isclose, outer, stride), against torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from test_api_device import outcome

import minigrad


def _a(lib: Any) -> Any:
    return lib.tensor([[3.0, 1.0, 2.0], [0.5, 0.5, -1.0]])


CALLS = [
    lambda L: _a(L).new_zeros(2, 3),
    lambda L: _a(L).new_ones((2,), dtype=L.int64),
    lambda L: _a(L).new_full((2, 2), 7.0, device="cpu"),
    lambda L: _a(L).new_empty(0).shape,
    lambda L: _a(L).new_tensor([1, 2]),
    lambda L: _a(L).new_tensor([1, 2], dtype=L.int64),
    lambda L: _a(L).new_ones(2, requires_grad=True),
    lambda L: _a(L).new_zeros(2, device="cuda"),
    lambda L: _a(L).element_size(),
    lambda L: _a(L).double().element_size(),
    lambda L: _a(L).stride(),
    lambda L: _a(L).t().stride(),
    lambda L: _a(L).stride(-1),
    lambda L: _a(L).argsort(),
    lambda L: _a(L).argsort(dim=0, descending=True),
    lambda L: L.tensor(3.0).argsort(),
    lambda L: L.argsort(_a(L)[0], descending=True),
    lambda L: L.isclose(_a(L), _a(L) + 1e-7),
    lambda L: _a(L).isclose(_a(L) * 1.1, rtol=0.05),
    lambda L: L.outer(_a(L)[0], _a(L)[1]),
    lambda L: L.tensor([1, 2, 3], dtype=L.int32).cumsum(0),
    lambda L: L.tensor([True, True]).cumsum(0),
    lambda L: _a(L).cumsum(dim=-1, dtype=L.float64),
    lambda L: L.cumsum(_a(L), 0),
    lambda L: L.ones(3).tril(),
    lambda L: L.arange(6).reshape(2, 3).triu(-1),
    lambda L: L.arange(6).reshape(2, 3).roll(1, 1),
    lambda L: L.arange(6).reshape(2, 3).roll(-2),
    lambda L: L.arange(6).reshape(2, 3).flip(1),
    lambda L: L.flip(L.arange(4), [0]),
]


@pytest.mark.parametrize("index", range(len(CALLS)))
def test_tensor_helper_prints_as_torch(index: int) -> None:
    call = CALLS[index]
    assert outcome(lambda: call(minigrad)) == outcome(lambda: call(torch))


def test_outer_records_torch_graph_and_gradients() -> None:
    grads = []
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = lib.tensor([3.0, -1.0, 0.5], requires_grad=True)
        out = lib.outer(x, y)
        assert type(out.grad_fn).__name__ == "MulBackward0"
        out.sum().backward()
        grads.append((str(x.grad), str(y.grad)))
    assert grads[0] == grads[1]


ALIAS_CALLS = [
    lambda L: _a(L).sum(axis=1),
    lambda L: _a(L).sum(axis=0, keepdims=True),
    lambda L: _a(L).mean(axis=(0, 1)),
    lambda L: L.sum(_a(L), axis=1, keepdim=True),
    lambda L: L.sum(input=_a(L), dim=0),
    lambda L: L.mean(input=_a(L)),
    lambda L: L.matmul(input=_a(L), other=_a(L).t()),
    lambda L: L.exp(input=_a(L)),
    lambda L: L.add(input=_a(L), other=1.5),
]


@pytest.mark.parametrize("index", range(len(ALIAS_CALLS)))
def test_argument_names_and_aliases_as_torch(index: int) -> None:
    call = ALIAS_CALLS[index]
    assert outcome(lambda: call(minigrad)) == outcome(lambda: call(torch))


NORM_CALLS = [
    lambda L: _a(L).norm(),
    lambda L: _a(L).norm(p="fro"),
    lambda L: _a(L).norm(1, dim=1),
    lambda L: _a(L).norm(float("inf")),
    lambda L: L.norm(_a(L), dim=0, keepdim=True),
    lambda L: L.linalg.norm(_a(L)),
    lambda L: L.linalg.norm(_a(L)[0], ord=1),
    lambda L: L.linalg.norm(_a(L), dim=(0, 1)),
    lambda L: L.linalg.vector_norm(_a(L), ord=3),
    lambda L: L.zeros(3, requires_grad=True).norm(),
    lambda L: type(_a(L).requires_grad_().norm().grad_fn).__name__,
]


@pytest.mark.parametrize("index", range(len(NORM_CALLS)))
def test_norm_prints_as_torch(index: int) -> None:
    call = NORM_CALLS[index]
    assert outcome(lambda: call(minigrad)) == outcome(lambda: call(torch))


def test_norm_of_zeros_has_zero_gradient() -> None:
    grads = []
    for lib in (minigrad, torch):
        x = lib.zeros(3, requires_grad=True)
        x.norm().backward()
        grads.append(str(x.grad))
    assert grads[0] == grads[1]


@pytest.mark.parametrize("seed", range(5))
def test_float32_cumsum_is_bit_exact(seed: int) -> None:
    # ATen accumulates a float32 cumsum in double and rounds once; a float32 running sum differs
    a = np.random.default_rng(seed).standard_normal((40, 9)).astype(np.float32)
    for dim in (0, 1):
        ours = minigrad.from_numpy(a).cumsum(dim).numpy()
        assert np.array_equal(ours, torch.from_numpy(a).cumsum(dim).numpy())
