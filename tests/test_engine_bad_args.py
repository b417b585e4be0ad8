"""Bad arguments a student can type: minigrad raises torch 2.13's exception class and text.

Each expression runs under real PyTorch and under minigrad (as `torch`): the class name and
the message must be the same, and minigrad's error must be its own (a `MinigradError`), never
numpy's. A few arguments that look wrong are accepted by PyTorch (`manual_seed(-5)`): those
must give PyTorch's result.
"""

from __future__ import annotations

import traceback
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad
from minigrad.errors import MinigradError

torch = pytest.importorskip("torch")

FACTORIES = [
    "torch.zeros(-1)",
    "torch.zeros(2, -3)",
    "torch.zeros(size=(2, -1))",
    "torch.ones(2, -3)",
    "torch.ones(2, -1, -2)",
    "torch.empty(-1)",
    "torch.full((2, -1), 1.)",
    "torch.zeros(2.5)",
    "torch.zeros(2, 2.5)",
    "torch.zeros((2.5, 2))",
    "torch.zeros([2, 3, 2.5])",
    "torch.zeros((2, 3, 'a'))",
    "torch.zeros(2.5, 2)",
    "torch.zeros('a')",
    "torch.zeros(None)",
    "torch.zeros(2, None)",
    "torch.zeros((True, 2))",
    "torch.zeros(2, np.float32(2))",
    "torch.zeros(torch.tensor(2.))",
    "torch.zeros([torch.tensor(2.), 3])",
    "torch.zeros(np.array([2, 3]))",
    "torch.zeros(range(3))",
    "torch.zeros(size=2.5)",
    "torch.zeros(size=[2.5])",
    "torch.zeros(size=(2.5,))",
    "torch.zeros(size='a')",
    "torch.zeros(2, size=(2,))",
    "torch.zeros(2, foo=1)",
    "torch.ones(2.5)",
    "torch.empty(2, 'a')",
    "torch.zeros(2, dtype='float32')",
    "torch.zeros(2, dtype=5)",
    "torch.zeros(2, dtype=np.float32)",
    "torch.ones(2, 3, requires_grad=1)",
    "torch.tensor([1.], requires_grad='a')",
    "torch.zeros_like(torch.ones(2), dtype='a')",
    "torch.ones_like([1, 2])",
    "torch.zeros_like(3)",
    "torch.full((2,), 'a')",
    "torch.full((2,), None)",
    "torch.full((2,), [1])",
    "torch.full((2,), 'a', dtype=torch.float32)",
    "torch.full(2, 1.)",
    "torch.full([2.5], 1.)",
    "torch.full((2, 2.5), 1.)",
    "torch.full((2,), 300, dtype=torch.uint8)",
    "torch.full((2,), -300, dtype=torch.uint8)",
    "torch.full((2,), 2**40, dtype=torch.int32)",
    "torch.full((2,), 1e10, dtype=torch.int32)",
    "torch.full((2,), float('nan'), dtype=torch.int64)",
    "torch.full((2,), 1e300)",
    "torch.full((2,), 1e300, dtype=torch.float16)",
    "torch.eye(-1)",
    "torch.eye(2, -3)",
    "torch.eye(-2, -3)",
    "torch.eye(2.5)",
    "torch.eye(None)",
    "torch.eye('a')",
    "torch.linspace(0, 1, -3)",
    "torch.linspace(0, 1, steps=-1)",
    "torch.logspace(0, 1, -3)",
    "torch.arange(0, 10, 0)",
    "torch.arange(0, 1, 0.)",
    "torch.arange(0, 10, 0, dtype=torch.float32)",
    "torch.arange(0, 10, -1)",
    "torch.arange(0., 10., -1.)",
    "torch.arange(10, 0)",
    "torch.arange(-1)",
    "torch.arange(float('inf'))",
    "torch.arange(float('nan'))",
    "torch.arange(float('-inf'), 0)",
    "torch.arange(1e20)",
    "torch.arange('a')",
    "torch.arange(None)",
    "torch.nn.Linear(-1, 2)",
    "torch.nn.Linear(2, -1)",
    "torch.nn.Linear(2.5, 2)",
    "torch.nn.Embedding(-1, 2)",
]

SAMPLERS = [
    "torch.rand(-1)",
    "torch.rand(-1, 2)",
    "torch.randn(-1)",
    "torch.randn(2, -1)",
    "torch.rand(2.5)",
    "torch.randn(2, 2.5)",
    "torch.rand(size=(2.5,))",
    "torch.rand(2, dtype=torch.int64)",
    "torch.randn(2, dtype=torch.int64)",
    "torch.randint(5, 2, (3,))",
    "torch.randint(5, 5, (3,))",
    "torch.randint(0, (3,))",
    "torch.randint(-2, (3,))",
    "torch.randint(0, 5, (-1,))",
    "torch.randint(5, (2, -1))",
    "torch.randint(2.5, (3,))",
    "torch.randint(5, (2.5,))",
    "torch.randint(5, (2, 2.5))",
    "torch.randint(5, 3)",
    "torch.randint(2**63, (3,))",
    "torch.randint(5, (3,), dtype=torch.bool)",
    "torch.randint(300, (3,), dtype=torch.uint8)",
    "torch.randint(-1, 5, (3,), dtype=torch.uint8)",
    "torch.randint(200, (3,), dtype=torch.int8)",
    "torch.randint(2**40, (3,), dtype=torch.int16)",
    "torch.randint(2**40, (3,), dtype=torch.int32)",
    "torch.randint(2**40, (3,), dtype=torch.float16)",
    "torch.randperm(-1)",
    "torch.randperm(2.5)",
    "torch.randperm('a')",
    "torch.normal(0., -1., (2,))",
    "torch.normal(0., 1., (-1,))",
    "torch.normal(torch.zeros(2), -1.)",
    "torch.normal(torch.ones(2), torch.tensor([-1., 1.]))",
    "torch.normal(0., torch.tensor([-1., 1.]))",
    "torch.bernoulli(torch.tensor([1.5]))",
    "torch.bernoulli(torch.tensor([-0.5]))",
    "torch.bernoulli(torch.tensor([float('nan')]))",
    "torch.bernoulli(torch.tensor([1, 0]))",
    "torch.bernoulli(torch.ones(2), 1.5)",
    "torch.bernoulli(torch.ones(2), -0.5)",
    "torch.multinomial(torch.tensor([0., 0.]), 1)",
    "torch.multinomial(torch.tensor([[1., 2.], [0., 0.]]), 1)",
    "torch.multinomial(torch.tensor([-1., 2.]), 1)",
    "torch.multinomial(torch.tensor([1., float('nan')]), 1)",
    "torch.multinomial(torch.tensor([1., float('inf')]), 1)",
    "torch.multinomial(torch.tensor([1., 2.]), 3)",
    "torch.multinomial(torch.tensor([1., -2.]), 3)",
    "torch.multinomial(torch.zeros(0), 1)",
    "torch.multinomial(torch.tensor([1., 2.]), 0)",
    "torch.multinomial(torch.tensor([1., 2.]), -1)",
    "torch.multinomial(torch.tensor([1., 2.]), 2.5)",
    "torch.multinomial(torch.tensor(1.), 1)",
    "torch.multinomial(torch.ones(2, 2, 2), 1)",
    "torch.multinomial(torch.tensor([1, 2]), 1)",
    "torch.multinomial(torch.tensor([-1., 2.]), 2, True)",
    "torch.multinomial(torch.tensor([0., 0.]), 2, True)",
    "torch.multinomial(torch.tensor([1., float('inf')]), 2, True)",
    "torch.multinomial(torch.tensor([1., float('nan')]), 2, True)",
    "torch.manual_seed(2**64)",
    "torch.manual_seed(-2**63 - 1)",
    "torch.Generator().manual_seed(2**64)",
    "torch.randint_like(torch.ones(2), 0)",
    "torch.randint_like(torch.ones(2), 5, 2)",
    "torch.randint_like(torch.ones(2, dtype=torch.uint8), 300)",
    "torch.rand_like(torch.tensor([1, 2]))",
    "torch.randn_like(torch.tensor([1, 2]))",
    "torch.ones(2).normal_(0, -1)",
    "torch.ones(2).normal_(0, float('nan'))",
    "torch.tensor([1, 2]).normal_()",
    "torch.ones(2).uniform_(1, 0)",
    "torch.ones(2).uniform_(float('nan'), 1)",
    "torch.ones(2).uniform_(-1e39, 0)",
    "torch.ones(2, dtype=torch.float16).uniform_(0, 1e10)",
    "torch.tensor([1, 2]).uniform_()",
    "torch.ones(2).random_(5, 2)",
    "torch.ones(2).random_(0)",
    "torch.ones(2).random_(-5)",
    "torch.ones(2).bernoulli_(1.5)",
    "torch.ones(2).bernoulli_(torch.tensor([1.5, 0.]))",
    "torch.ones(2).exponential_(-1)",
    "torch.ones(2).exponential_(0)",
    "torch.tensor([1, 2]).exponential_()",
    "torch.nn.init.normal_(torch.ones(2), std=-1)",
    "torch.nn.init.uniform_(torch.ones(2), 1, 0)",
    "torch.set_rng_state(torch.ones(3))",
    "torch.set_rng_state([1, 2])",
]

TENSORS = [
    "torch.zeros(2, 3)['a']",
    "torch.zeros(2, 3)[None, 'a']",
    "torch.zeros(2, 3)[0, 'a']",
    "torch.zeros(2, 3)[b'a']",
    "torch.zeros(2, 3)[[0, 'a']]",
    "torch.zeros(2, 3)[{}]",
    "torch.zeros(2, 3)[1.5]",
    "torch.tensor([1, 2]) // 0",
    "torch.tensor([1, 2]) % 0",
    "torch.tensor(5) // 0",
    "torch.tensor([1, 2]) // torch.tensor([0, 1])",
    "torch.tensor([1, 2]) % torch.tensor([0, 1])",
    "torch.tensor([5]) // torch.tensor(0)",
    "torch.tensor([1, 2], dtype=torch.uint8) // 0",
    "torch.zeros(6).reshape(4, 2)",
    "torch.zeros(6).reshape(-1, 4)",
    "torch.zeros(6).reshape(-1, -1)",
    "torch.zeros(6).view(-1, -1)",
    "torch.zeros(6).view(2, -1, -1)",
    "torch.zeros(6).view(4, 2)",
    "torch.zeros(6).view(-2, 3)",
    "torch.zeros(6).view(-3)",
    "torch.zeros(6).reshape(-2, -1)",
    "torch.zeros(0).view(-1, 0)",
    "torch.zeros(0).reshape(0, -1)",
    "torch.zeros(6).reshape(2.5, 2)",
    "torch.zeros(6).reshape((2, 3.5))",
    "torch.ones(2, 3).argmax(3)",
    "torch.ones(2, 3).argmin(-3)",
    "torch.ones(0).argmax()",
    "torch.ones(2, 3).permute(0, 0)",
    "torch.ones(2, 3).permute(0, 2)",
    "torch.ones(2, 3).permute(0)",
    "torch.ones(2, 3).sum(2)",
    "torch.ones(2, 3).max(dim=3)",
    "torch.ones(2, 3).squeeze(5)",
    "torch.ones(2, 3).unsqueeze(-4)",
    "torch.ones(2, 3)[5]",
    "torch.ones(2, 3).new_zeros(-1)",
    "torch.ones(2, 3).new_ones(2.5)",
    "torch.ones(2, 3).new_empty(2, 'a')",
    "torch.ones(2, 3).new_full((2,), 'a')",
    "torch.ones(2, 3).new_full((-2,), 1.)",
    "torch.tensor(None)",
    "torch.tensor([1, None])",
    "torch.tensor([[1], None])",
    "torch.tensor({})",
    "torch.tensor('a')",
    "torch.tensor([1, b'a'])",
    "torch.tensor([[1], [1, 2]])",
    "torch.tensor(np.array(['a']))",
    "torch.tensor(np.array([None]))",
    "torch.tensor([1.], dtype='float32')",
    "torch.tensor([300], dtype=torch.uint8)",
    "torch.ones(2).backward()",
    "torch.ones(2, 3) @ torch.ones(2)",
    "torch.ones(2) + torch.ones(3)",
    "torch.stack([])",
    "torch.utils.data.DataLoader([1, 2], batch_size=0)",
    "torch.utils.data.DataLoader([1, 2], batch_size=-1)",
    "torch.zeros(2, dtype=torch.float16).fill_(70000.)",
    "torch.zeros(2).fill_(1e300)",
    "torch.zeros(2, dtype=torch.int32).fill_(2**40)",
    "torch.ones(2, 3).flatten(1, 0)",
    "torch.ones(2, 3).flatten(3)",
]

# operands of the wrong type: the operator gives up (NotImplemented), so Python's own TypeError
OPERATORS = [
    "torch.ones(2) + 'a'",
    "'a' + torch.ones(2)",
    "None * torch.ones(2)",
    "torch.ones(2) * None",
    "'a' - torch.ones(2)",
    "None / torch.ones(2)",
    "torch.ones(2) ** 'a'",
    "torch.ones(2) @ 'a'",
    "torch.ones(2) + [1, 2]",
    "torch.ones(2) + (1, 2)",
    "torch.ones(2) < 'a'",
    "torch.ones(2) // 'a'",
    "torch.ones(2) % None",
    "torch.tensor([True]) & 'a'",
]

# arguments that look wrong but PyTorch accepts: same value (and dtype) as PyTorch
ACCEPTED = [
    "torch.manual_seed(-5).initial_seed()",
    "torch.manual_seed(-(2**63)).initial_seed()",
    "torch.manual_seed(2**64 - 1).initial_seed()",
    "torch.Generator().manual_seed(-5).initial_seed()",
    "torch.zeros(2, True)",
    "torch.zeros(2, np.int64(2))",
    "torch.zeros(2, torch.tensor(2))",
    "torch.zeros(torch.tensor([2]))",
    "torch.zeros(torch.Size([2, 3]))",
    "torch.zeros(0, 3)",
    "torch.zeros(2, dtype=float)",
    "torch.ones(2, dtype=int)",
    "torch.full((2,), -1, dtype=torch.uint8)",
    "torch.full((2,), 1.5, dtype=torch.int64)",
    "torch.full((2,), 2, dtype=torch.bool)",
    "torch.full((2,), float('inf'), dtype=torch.float16)",
    "torch.eye(0)",
    "torch.eye(3, 0)",
    "torch.linspace(0, 1, 0)",
    "torch.arange(5, 0, -1)",
    "torch.arange(0, 1, 0.25)",
    "torch.arange(torch.tensor(3))",
    "torch.arange(np.int64(3))",
    "torch.arange(0, 1, 0.1)",
    "torch.full((2,), torch.tensor(1.5))",
    "torch.randperm(0)",
    "torch.randint(-5, -2, (3,)).shape",
    "torch.randint(5, (3,), dtype=torch.float64).dtype",
    "torch.tensor([1., 2.]) // 0",
    "torch.tensor([1., 2.]) % 0",
    "torch.tensor([1, 2]) / 0",
    "torch.tensor([-7]) // 2",
    "torch.tensor([-7]) % -2",
    "torch.zeros(2, dtype=torch.uint8).fill_(-1)",
    "torch.zeros(2).fill_(float('inf'))",
    "torch.ones(2) == 'a'",
    "torch.ones(2) != None",
    "np.float64(2) * torch.ones(2)",
    "torch.ones(2) * np.float64(2)",
    "torch.ones(2, dtype=torch.float16) * np.float32(2)",
    "torch.tensor([1, 2]) * np.float32(2.5)",
    "torch.ones(2) + np.array([1., 2.])",
    "2 ** torch.ones(2)",
    "torch.zeros(6).view(2, 3, -1).shape",
    "torch.zeros(0).view(0, 2, 0).shape",
]


def outcome(lib: Any, expr: str) -> tuple[str, Any]:
    """('ok', value) or (error class name, message), evaluating `expr` with `torch` = lib."""
    if hasattr(lib, "manual_seed"):
        lib.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about a str key before it raises
        try:
            return "ok", eval(expr, {"torch": lib, "np": np})
        except Exception as err:
            return type(err).__name__, err


@pytest.mark.parametrize("expr", FACTORIES + SAMPLERS + TENSORS)
def test_bad_argument_raises_torch_error(expr: str) -> None:
    want, ref = outcome(torch, expr)
    got, ours = outcome(minigrad, expr)
    assert want != "ok", f"torch accepts {expr}: move it to ACCEPTED"
    assert (got, str(ours)) == (want, str(ref))
    assert isinstance(ours, MinigradError), type(ours).__mro__  # ours, never numpy's
    assert "minigrad" not in str(ours)


@pytest.mark.parametrize("expr", OPERATORS)
def test_bad_operand_gives_pythons_type_error(expr: str) -> None:
    want, ref = outcome(torch, expr)
    got, ours = outcome(minigrad, expr)
    assert (got, str(ours)) == (want, str(ref)) and want == "TypeError"
    assert ours.__traceback__ is not None
    frames = [f.f_code.co_filename for f, _ in traceback.walk_tb(ours.__traceback__)]
    assert not any("numpy" in f for f in frames)  # numpy was never asked


def plain(value: Any) -> Any:
    """A comparable form of a result: (values, dtype name) for tensors, else the value."""
    if hasattr(value, "detach"):
        return str(value.detach().numpy().tolist()), str(value.dtype)  # str: nan == nan
    return value if isinstance(value, int) else str(value)


@pytest.mark.parametrize("expr", ACCEPTED)
def test_odd_but_accepted_argument_gives_torch_result(expr: str) -> None:
    want, ref = outcome(torch, expr)
    got, ours = outcome(minigrad, expr)
    assert (got, plain(ours)) == (want, plain(ref))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning on the way either
        eval(expr, {"torch": minigrad, "np": np})
