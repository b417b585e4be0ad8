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

from line_programs import same_as_torch

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


OVERLAPS = [
    "x[1:] = x[:-1]", "x[:2] = x[3:]", "x[:4].copy_(x[1:])", "x.add_(x)", "x[:3].add_(x[2:])",
    "x[:2].add_(x[2:4])", "y = x.view(1, 5)\nx.add_(y)", "x.add_(x[0])", "x[0].add_(x)",
    "m = torch.ones(2, 3)\nm.t().add_(m.t())", "m = torch.ones(3, 3)\nm.add_(m.t())",
    "m = torch.ones(2, 2)\nm[0].mul_(m[:, 0])", "m = torch.ones(3, 3)\nm.clamp_(m.t(), None)",
    "x.masked_fill_(x > 1, x[0])", "x[:3] += x[2:]", "x.fill_(x[0])", "x[[0, 1]] = x[2:4]",
    "x[[0, 1]] = x[0:2]", "x.copy_(x)", "x[:] = x", "x[...] = x[0]", "x[1:3] = x[0]",
    "x.scatter_add_(0, torch.tensor([0, 1]), x[1:3])", "x[x > 1] = x[0]", "x.clamp_(x[0], x[4])",
    "x[:2].mul_(x[:2])", "x[:2].mul_(x[:2].view(2, 1))", "x[1:2] = x[1]", "x.sub_(x[1:2])",
    "m = torch.ones(2, 3)\nm *= m[0]", "m = torch.ones(2, 3)\nm[1] = m[0]",
    "m = torch.ones(2, 3)\nm[1:] = m[:1]", "m = torch.ones(3, 1)\nm.add_(m.t())",
    "x[[0, 1]] = x[0]", "x[x > 2] = x[0:1]", "x[x > 2] = x[3:5]", "x.copy_(x[:1])",
    "w = torch.ones(5, requires_grad=True)\nz = w * 1\nz[1:] = z[:-1]",
    "w = torch.arange(5., requires_grad=True)\nz = w * 1\nz[z > 2] = z[0:1]",
    "w = torch.arange(5., requires_grad=True)\nz = w * 1\nz[[0, 1]] = z[3:]",
    "w = torch.arange(5., requires_grad=True)\nz = w * 1\nz.copy_(z[:1])",
    "w = torch.arange(5., requires_grad=True)\nz = w * 1\nz[:] = z",
    "w = torch.ones(5, requires_grad=True)\nz = w * 1\nz[1:] = z[:1].detach()\nz.sum().backward()",
]  # fmt: skip


@pytest.mark.parametrize("program", OVERLAPS)
def test_in_place_ops_refuse_a_source_that_partly_shares_memory_as_torch(program: str) -> None:
    """torch's assert_no_partial_overlap (index_put_: assert_no_overlap) for in-place reads."""
    same_as_torch("x = torch.arange(5.)\n" + program)


BOOL_SUBTRACTIONS = [
    "b - True", "b - 1", "1 - b", "b - np.bool_(True)", "f - b", "torch.sub(f, True)",
    "torch.sub(2, f)", "f.sub(True, alpha=2)", "f -= True", "b.sub_(1)", "f - np.bool_(True)",
    "True - f", "b - b", "f + True",
]  # fmt: skip


@pytest.mark.parametrize("expression", BOOL_SUBTRACTIONS)
def test_subtraction_with_a_bool_tensor_raises_torchs_error(expression: str) -> None:
    setup = "import numpy as np\nb = torch.ones(2, dtype=torch.bool)\nf = torch.ones(2)\n"
    same_as_torch(setup + ("k = " + expression if "=" not in expression else expression))


@pytest.mark.parametrize(
    "call",
    ["F.mse_loss(x, True)", "F.mse_loss(True, x)", "F.mse_loss(x.tolist(), x)",
     "F.mse_loss(x, 1.0)", "torch.autograd.grad(y, True)", "torch.autograd.grad(True, x)",
     "torch.autograd.grad(y, {'a': x})['a']", "torch.autograd.grad(y, [x])[0]",
     "torch.autograd.grad(y, x.tolist())", "torch.autograd.grad(y, [x, 1.0])"],
)  # fmt: skip
def test_non_tensor_arguments_fail_as_in_torch(call: str) -> None:
    setup = "F = torch.nn.functional\nx = torch.ones(2, requires_grad=True)\ny = (x * 2).sum()\n"
    same_as_torch(setup + "k = " + call)


@pytest.mark.parametrize(
    "expression",
    ["True @ t", "2.0 @ t", "t @ 2", "t @ True", "t.matmul(2)", "t.dot(2.0)", "torch.dot(t, 2.0)",
     "torch.dot(2.0, t)", "torch.matmul(t, 2)", "m.mm(2)", "m.mv(2)", "torch.mv(m, 1.0)",
     "torch.mm(1.0, m)", "t.outer(2)", "torch.outer(t, 2)", "m.bmm(2)", "t @ t", "m @ t"],
)  # fmt: skip
def test_matrix_products_take_tensors_only_as_torch(expression: str) -> None:
    same_as_torch("t = torch.ones(3)\nm = torch.ones(2, 3)\nk = " + expression)


@pytest.mark.parametrize(
    "program",
    ["e = torch.ones(3).expand(2, 3)\ne *= torch.ones(3, 3)",
     "e = torch.ones(3).expand(2, 3)\ne += e[0]", "e = torch.ones(1).expand(3)\ne.add_(1)"],
)  # fmt: skip
def test_writing_into_an_expanded_tensor_fails_before_shapes_are_checked(program: str) -> None:
    same_as_torch(program)
