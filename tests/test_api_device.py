"""Devices, torch.cuda/backends, missing-name errors and functional autograd, against torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import minigrad


def outcome(call: Any) -> str:
    """The printed result of `call()`, or its error's class and message."""
    try:
        return str(call())
    except Exception as exc:  # the class is part of what is compared
        return f"{type(exc).__name__}: {exc}"


DEVICE_CALLS = [
    lambda L: L.zeros(2, 3, device="cpu"),
    lambda L: L.zeros(size=(2, 3)),
    lambda L: L.ones((2,), device=L.device("cpu"), dtype=L.float64),
    lambda L: L.zeros(2, device="cuda"),
    lambda L: L.tensor([1.0, 2.0], device="cuda:0"),
    lambda L: L.full((2,), 3.0, device="cpu"),
    lambda L: L.eye(2, device="cpu"),
    lambda L: L.arange(3, device="cpu"),
    lambda L: L.linspace(0, 1, 3, device="cpu"),
    lambda L: L.logspace(0, 2, 3),
    lambda L: L.logspace(0, 3, 4, base=2.0, dtype=L.float64),
    lambda L: L.zeros_like(L.ones(2), device="cpu"),
    lambda L: L.full_like(L.ones(2), 7, device="cpu"),
    lambda L: L.as_tensor([1, 2], device="cpu"),
    lambda L: L.ones(2).cuda(),
    lambda L: L.ones(2).to("cuda"),
    lambda L: L.ones(2).to("cpu"),
    lambda L: L.ones(2).to(L.device("cpu"), L.float64),
    lambda L: L.ones(2).to("cpu", dtype=L.int64),
    lambda L: L.ones(2).to(L.tensor([1])),
    lambda L: L.ones(2).cpu(),
    lambda L: L.ones(2).is_cuda,
    lambda L: L.ones(2).device,
    lambda L: L.cuda.is_available(),
    lambda L: L.cuda.device_count(),
    lambda L: L.cuda.manual_seed(0),
    lambda L: L.cuda.manual_seed_all(0),
    lambda L: L.cuda.current_device(),
    lambda L: L.cuda.is_initialized(),
    lambda L: L.backends.mps.is_available(),
    lambda L: L.backends.mps.is_built(),
    lambda L: L.backends.cudnn.is_available(),
    lambda L: L.backends.cudnn.version(),
    lambda L: L.tensor([1.0]).to("cuda" if L.cuda.is_available() else "cpu"),
]


@pytest.mark.parametrize("index", range(len(DEVICE_CALLS)))
def test_device_call_prints_as_torch(index: int) -> None:
    call = DEVICE_CALLS[index]
    assert outcome(lambda: call(minigrad)) == outcome(lambda: call(torch))


def test_cudnn_flags_can_be_set() -> None:
    minigrad.backends.cudnn.deterministic = True
    minigrad.backends.cudnn.benchmark = False
    assert minigrad.backends.cudnn.deterministic is True


def test_missing_module_name_says_minigrad_lacks_it() -> None:
    with pytest.raises(AttributeError, match="minigrad has no 'fft' yet"):
        _ = minigrad.fft
    assert not hasattr(minigrad, "fft")
    assert not hasattr(minigrad.autograd, "forward_ad")
    assert outcome(lambda: minigrad.no_such_thing) == outcome(lambda: torch.no_such_thing)


def test_missing_tensor_attribute_starts_with_torch_text() -> None:
    t, ref = minigrad.ones(2), torch.ones(2)
    assert outcome(lambda: t.foo) == outcome(lambda: ref.foo)
    text = outcome(lambda: t.stft)
    assert text.startswith("AttributeError: 'Tensor' object has no attribute 'stft'")
    assert "minigrad has no Tensor.stft yet" in text
    assert not hasattr(t, "stft")


def _x(lib: Any) -> Any:
    return lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64)


FUNCTIONAL_CALLS = [
    lambda L: L.autograd.functional.jacobian(lambda x: x**2 * x.sum(), _x(L)),
    lambda L: L.autograd.functional.jacobian(lambda x, y: x * y, (_x(L), _x(L) + 1)),
    lambda L: L.autograd.functional.jacobian(lambda x: (x.exp(), x.sum()), _x(L)),
    lambda L: L.autograd.functional.jacobian(lambda x: x.reshape(3, 1) * x, _x(L)),
    lambda L: L.autograd.functional.hessian(lambda x: (x**3).sum() * x.sum(), _x(L)),
    lambda L: L.autograd.functional.hessian(lambda x, y: (x * y * y).sum(), (_x(L), _x(L))),
    lambda L: L.autograd.functional.vjp(lambda x: x.sin(), _x(L), L.ones(3, dtype=L.float64)),
    lambda L: L.autograd.functional.vjp(lambda x: (x**2).sum(), _x(L)),
    lambda L: L.autograd.functional.jvp(lambda x: x.exp() * 2, _x(L), L.ones(3, dtype=L.float64)),
    lambda L: L.autograd.functional.jacobian(lambda x, y: x * 2, (_x(L), _x(L)), strict=True),
    lambda L: L.autograd.functional.vjp(lambda x: x * 2, _x(L)),
    lambda L: L.func.grad(lambda x: (x**2).sum())(_x(L)),
    lambda L: L.func.grad(lambda x, y: (x * y).sum(), argnums=1)(_x(L), _x(L) * 3),
    lambda L: L.func.grad(lambda x, y: (x * y).sum(), argnums=(0, 1))(_x(L), _x(L) * 3),
    lambda L: L.func.vmap(lambda r: (r * r).sum())(L.tensor([[1.0, 2.0], [3.0, 4.0]])),
    lambda L: L.func.vmap(lambda r, w: r * w, in_dims=(0, None))(L.ones(2, 3), L.arange(3.0)),
]


@pytest.mark.parametrize("index", range(len(FUNCTIONAL_CALLS)))
def test_functional_autograd_matches_torch(index: int) -> None:
    call = FUNCTIONAL_CALLS[index]
    assert outcome(lambda: call(minigrad)) == outcome(lambda: call(torch))


def test_jacobian_create_graph_is_differentiable() -> None:
    results = []
    for lib in (minigrad, torch):
        x = _x(lib).requires_grad_(True)
        jac = lib.autograd.functional.jacobian(lambda v: v**3, x, create_graph=True)
        (g,) = lib.autograd.grad(jac.sum(), x)
        results.append(np.asarray(g.detach().numpy()))
    np.testing.assert_allclose(results[0], results[1])
