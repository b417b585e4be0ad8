"""Calls tutorials make, with right and wrong arguments, give torch's result or its error
(found by the fuzzer's wider vocabulary): dtype checks of softmax, losses and norms, 0-d
tensors in cat and cumsum, non-tensor arguments, dot's ranks, integer powers, in-place
operators with a list."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import minigrad

CALLS = [
    "torch.tensor(2.5).cumsum(0)", "torch.tensor(2.5, requires_grad=True).cumsum(0)",
    "torch.tensor([[1, 2, 3]]).softmax(-1)", "torch.tensor([[1, 2, 3]]).log_softmax(-1)",
    "torch.softmax(torch.tensor([[1, 2, 3]]), 0)", "torch.tensor([True]).softmax(0)",
    "torch.nn.functional.mse_loss(torch.tensor([1, 2]), torch.tensor([1, 2]))",
    "torch.nn.functional.mse_loss(torch.tensor([1., 2]), torch.tensor([1, 2]))",
    "torch.tensor([1, 2]).norm()", "torch.linalg.vector_norm(torch.tensor([1, 2]))",
    "torch.cat([torch.tensor(1.), torch.tensor([1.])])",
    "torch.cat([torch.tensor([1.]), torch.tensor(1.)])",
    "torch.stack([torch.tensor(1.), True])", "torch.cat([torch.tensor([1.]), [2.0]])",
    "torch.stack(torch.ones(2))", "torch.exp(2.0)", "torch.sigmoid(2.0)", "torch.tanh(1)",
    "torch.where(True, True, True)", "torch.where(torch.tensor(True), 1.0, 2.0)",
    "torch.tensor([1., 2]).dot(torch.tensor([[1., 2]]))",
    "torch.tensor(1.).dot(torch.tensor(1.))",
    "torch.tensor([1., 2]).dot(torch.tensor([1, 2]))",
    "torch.tensor([[1., 2]]).dot(torch.tensor([1, 2]))",
    "torch.tensor(2.56).log_softmax(1)", "torch.tensor(2.56, requires_grad=True).softmax(0)",
    "torch.tensor([0, 1, -1, 2, -2, 3]) ** torch.tensor(-1)",
    "torch.tensor([0, 1, -1, 2, -2]) ** torch.tensor([-2])", "torch.tensor([2]) ** -1",
    "torch.ones(2).mul_([1, 2])", "torch.ones(2).add_('a')", "torch.ones(2).div_(None)",
    "torch.ones(2).__iadd__([1])", "torch.ones(2).__imul__('a')",
]  # fmt: skip


def _outcome(lib: Any, code: str) -> str:
    try:
        value = eval(code, {"torch": lib, "np": np})
    except Exception as e:
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"
    text = repr(value)
    return text.split(" object at ")[0]  # a grad_fn's address differs


@pytest.mark.parametrize("code", CALLS)
def test_call_gives_torchs_result_or_error(code: str) -> None:
    assert _outcome(minigrad, code) == _outcome(torch, code)


def test_in_place_operator_with_a_list_is_pythons_type_error() -> None:
    outcomes = []
    for lib in (minigrad, torch):
        x = lib.ones(2)
        try:
            x *= [1.0, 2.0]
        except TypeError as e:
            outcomes.append(str(e))
    assert outcomes == ["unsupported operand type(s) for *=: 'Tensor' and 'list'"] * 2


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_a_0d_tensor_has_a_zero_gradient(name: str) -> None:
    grads = []
    for lib in (minigrad, torch):
        x = lib.tensor(2.56, requires_grad=True)
        getattr(x, name)(-1).sum().backward()
        (g,) = lib.autograd.grad(getattr(x, name)(0) * x, x, create_graph=True)
        grads.append((float(x.grad), float(g)))
    assert grads[0] == grads[1]


def test_warn_once_warnings_are_given_once_per_process() -> None:
    """`x.T` of a 1-D tensor and float() of a tensor that requires grad warn the first time
    only, as torch's TORCH_WARN_ONCE (a test run shares torch's process, so minigrad alone)."""
    import warnings

    from minigrad import errors
    from minigrad.methods import T_WARNING
    from minigrad.tensor import SCALAR_WARNING

    errors._WARNED.difference_update({T_WARNING, SCALAR_WARNING})
    x = minigrad.ones(3, requires_grad=True)
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        x.T, x.T, float(x.sum()), float(x.sum())
    assert [str(w.message) for w in log] == [T_WARNING, SCALAR_WARNING]


def test_set_warn_always_makes_warn_once_warnings_repeat() -> None:
    import warnings

    logs = []
    for lib in (minigrad, torch):
        assert lib.is_warn_always_enabled() is False
        lib.set_warn_always(True)
        try:
            x = lib.ones(3)
            with warnings.catch_warnings(record=True) as log:
                warnings.simplefilter("always")
                pair = (x.T, x.T)
            assert len(pair) == 2
            logs.append([str(w.message).split(" (Triggered")[0] for w in log])
            assert lib.is_warn_always_enabled() is True
        finally:
            lib.set_warn_always(False)
    assert logs[0] == logs[1] and len(logs[0]) == 2


def test_set_warn_always_wants_a_bool() -> None:
    messages = []
    for lib in (minigrad, torch):
        with pytest.raises(RuntimeError) as info:
            lib.set_warn_always(1)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
