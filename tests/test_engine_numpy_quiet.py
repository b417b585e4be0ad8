"""No numpy RuntimeWarning reaches the student: PyTorch computes inf and nan silently.

Each expression runs under PyTorch and minigrad with every warning recorded: minigrad must
record none (as PyTorch), and the values (inf, nan, wrapped integers) must be PyTorch's.
Backward through the same cases is quiet too and gives PyTorch's gradients.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

FORWARD = [
    "torch.tensor([1e308]) * 10",
    "torch.tensor([1e308], dtype=torch.float64) * 10",
    "torch.tensor([1e30]) * torch.tensor([1e30])",
    "torch.log(torch.tensor([0.]))",
    "torch.log(torch.tensor([-1.]))",
    "torch.tensor([0.]) / 0",
    "torch.tensor([1.]) / 0",
    "torch.tensor([0.]) / torch.tensor([0.])",
    "torch.tensor([1, 2]) / torch.tensor([0, 0])",
    "torch.tensor([1.]).div(0.)",
    "torch.arange(0, 3.) / 0",
    "torch.exp(torch.tensor([1000.]))",
    "torch.tensor([1e30]).exp().log()",
    "torch.tensor([60000.], dtype=torch.float16) * 2",
    "torch.tensor([60000.], dtype=torch.float16) + torch.tensor([60000.], dtype=torch.float16)",
    "torch.tensor([2**62]) * 4",
    "torch.tensor([2**63 - 1]) + 1",
    "torch.tensor([127], dtype=torch.int8) + 1",
    "torch.tensor([1e308])",
    "torch.tensor(1e308)",
    "torch.tensor([1e5], dtype=torch.float16)",
    "torch.tensor([1e5]).half()",
    "torch.tensor([1e5]).to(torch.float16)",
    "torch.tensor([1e300], dtype=torch.float64).float()",
    "torch.sqrt(torch.tensor([-1.]))",
    "torch.tensor([-1.]) ** 0.5",
    "torch.tensor([0.]) ** -1",
    "torch.tensor([10.]) ** 100",
    "torch.tensor([3.]) ** torch.tensor([1000.])",
    "torch.tensor([0.]).reciprocal()",
    "torch.tensor([float('inf')]) - torch.tensor([float('inf')])",
    "torch.tensor([float('inf')]) * 0",
    "torch.full((2,), float('inf')) - float('inf')",
    "torch.tensor([-1000.]).sigmoid()",
    "torch.tensor([0.]).sigmoid().log()",
    "torch.tensor([1000.]).tanh()",
    "torch.tensor([1000.]).softmax(0)",
    "torch.tensor([1000., -1000.]).log_softmax(0)",
    "torch.tensor([]).mean()",
    "torch.tensor([[]]).mean(1)",
    "torch.tensor([3e38, 3e38]).sum()",
    "torch.tensor([3e38, 3e38]).mean()",
    "torch.tensor([1e308, 1e308], dtype=torch.float64).cumsum(0)",
    "torch.tensor([5.]).clamp(min=float('nan'))",
    "torch.tensor([1., 2.]) // 0",
    "torch.tensor([1., 2.]) % 0",
    "torch.logspace(0, 400, 2)",
    "torch.zeros(2, dtype=torch.float16).copy_(torch.tensor([1e10, 1.]))",
    "torch.ones(2).div_(0)",
    "torch.tensor([1e20]).to(torch.int32)",
    "torch.tensor([float('nan')]).long()",
    "torch.tensor([70000.]).to(torch.float16)",
    "torch.tensor([1e39], dtype=torch.float64).float()",
    "torch.ones(2, 2).mul(1e30) @ torch.ones(2, 2).mul(1e30)",
    "torch.tensor([float('-inf'), float('-inf')]).softmax(0)",
    "torch.nn.functional.layer_norm(torch.zeros(2, 3), (3,))",
    "torch.nn.functional.binary_cross_entropy(torch.tensor([1.]), torch.tensor([0.]))",
    "torch.tensor([1e38], requires_grad=True) * 10",
    "torch.tensor([0.], requires_grad=True).log()",
    "torch.tensor([-1.], requires_grad=True).sqrt()",
    "torch.nn.functional.binary_cross_entropy(torch.tensor([0.]), torch.tensor([1.]))",
    "torch.nn.functional.mse_loss(torch.tensor([1e30]), torch.tensor([-1e30]))",
    "torch.nn.functional.cross_entropy(torch.tensor([[1000., -1000.]]), torch.tensor([1]))",
]

# (leaf values, function of the leaf): backward runs on .sum() of the result
BACKWARD = [
    ([0.0], "x.log()"),
    ([0.0], "x.sqrt()"),
    ([-1.0], "x.sqrt()"),
    ([0.0], "x / 0"),
    ([0.0], "x ** 0.5"),
    ([0.0], "x ** -1"),
    ([1000.0], "x.exp()"),
    ([1e30], "x * x"),
    ([0.0, 1.0], "x.reciprocal()"),
    ([1000.0, -1000.0], "x.softmax(0)"),
    ([0.0], "torch.nn.functional.binary_cross_entropy(x.clamp(0, 1), torch.tensor([1.]))"),
]


def quietly(lib: Any, expr: str, **names: Any) -> tuple[Any, list[str]]:
    """The value of `expr` with `torch` = lib, and the warnings it gave."""
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        value = eval(expr, {"torch": lib, "np": np, **names})
    return value, [f"{w.category.__name__}: {w.message}" for w in log]


def values(t: Any) -> tuple[str, str]:
    """A tensor's values (as text, so that nan equals nan) and dtype."""
    return str(t.detach().numpy().tolist()), str(t.dtype)


@pytest.mark.parametrize("expr", FORWARD)
def test_forward_is_quiet_and_gives_torch_values(expr: str) -> None:
    ref, ref_log = quietly(torch, expr)
    ours, our_log = quietly(minigrad, expr)
    assert our_log == ref_log == []
    assert values(ours) == values(ref)


@pytest.mark.parametrize("data, expr", BACKWARD, ids=[e for _, e in BACKWARD])
def test_backward_is_quiet_and_gives_torch_gradients(data: list[float], expr: str) -> None:
    grads = []
    for lib in (torch, minigrad):
        x = lib.tensor(data, requires_grad=True)
        out, log = quietly(lib, f"({expr}).sum().backward()", x=x)
        assert out is None and log == [], log
        grads.append(values(x.grad))
    assert grads[1] == grads[0]


def test_numpy_error_state_is_left_as_it_was() -> None:
    before = np.geterr()
    minigrad.tensor([0.0]).log()
    assert np.geterr() == before
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        np.log(np.zeros(1))  # the student's own numpy still warns
    assert [w.category for w in log] == [RuntimeWarning]


def test_forward_is_quiet_without_numpy_2_error_state(monkeypatch: pytest.MonkeyPatch) -> None:
    from minigrad import dispatch

    monkeypatch.setattr(dispatch, "_QUIET_VAR", None)  # numpy 1.x: np.errstate per forward
    before = np.geterr()
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        out = minigrad.tensor([1e38]) * 10
    assert not log and out.tolist() == [float("inf")] and np.geterr() == before
