"""`t[key] = value` with a tensor value: nodes, edges, gradients and errors, against torch."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import torch

import minigrad

from line_programs import errors, same_as_torch

HEAD = (
    "x = torch.tensor([[0.5, -1., 2.], [1.5, 0.25, -2.]], requires_grad=True)\n"
    "w = torch.tensor([-1., 2., 0.5], requires_grad=True)\n"
)
VALUES = [
    "w * 2",  # (3,): broadcast into (2, 3) through ViewBackward0 and ExpandBackward0
    "(w * 2)[None]",  # (1, 3): its leading 1 viewed away
    "(x * 2)",  # the same shape: copied as it is
    "w[0] * 2",  # 0-d: a fill (FillBackward3) of another shape, a copy of the same
    "w.double()",  # float64 into float32: CopyBackwards casts, no ToCopyBackward0
    "torch.ones(3)",  # no grad: the value's edge is None
    "0.5",
]


@pytest.mark.parametrize(
    "key, value",
    list(itertools.product(["[...]", "[:]", "[:, :]", "[()]", "[0:1]", "[None]"], VALUES)),
)
def test_setitem_basic_key_records_torch_nodes_and_gradients(key: str, value: str) -> None:
    # whole keys copy into t itself (CopyBackwards), others through a view (CopySlices)
    if value == "(x * 2)" and key in ("[0:1]", "[None]"):
        value = "(x * 2)[:1]" if key == "[0:1]" else "(x * 2)[None]"
    same_as_torch(HEAD + f"t = x * 3\nt{key} = {value}\n(t * t * x).sum().backward()")


@pytest.mark.parametrize(
    "key, value",
    [
        ("[[0, 1]]", "w * 2"),
        ("[[0, 1]]", "(w * 2)[None, None]"),  # leading 1s: ViewBackward0 before index_put_
        ("[[0, 1]]", "w[0] * 2"),
        ("[[0]]", "0.5"),
        ("[t > 0]", "w[0] * 2"),
        ("[t > 0]", "w[:1] * 2"),
        ("[t > 0]", "w.double()[0]"),  # one value under a single mask: a fill, cast
        ("[torch.tensor([1, 0])]", "x * 3"),
        ("[:, [0, 2]]", "w[:2] * 2"),
        ("[0, [0, 2]]", "w[1:]"),  # the int selects first: CopySlices
        ("[1:, [0]]", "w[:1]"),
        ("[None, [0]]", "w"),
        ("[[0], 1:]", "w[None, None, 1:]"),
    ],
)
def test_setitem_advanced_key_records_index_put_as_torch(key: str, value: str) -> None:
    same_as_torch(HEAD + f"t = x * 3\nt{key} = {value}\n(t * t * x).sum().backward()")


@pytest.mark.parametrize(
    "program",
    [
        "t = torch.ones(2, 3)\nt[...] = w",  # t needs no grad: the copy still records
        "t = torch.ones(2, 3)\nt[:] = x",
        "t = torch.ones(2, 3)\nt[[1]] = w",
        "t = torch.ones(2, 3)\nt[0] = w",
        "t = x * 1\nt[...] = torch.ones(1, 3)",
        "t = torch.zeros(3, dtype=torch.long)\nt[...] = w * 2.5",  # no grad for integers
        "t = torch.zeros(3, dtype=torch.long)\nt[1:] = w[1:] * 2.5",
        "t = x[0] * 1\nt[...] = 0.5",
        "t = x[0, 0] * 1\nt[...] = 0.5",  # a 0-d t: copied (CopyBackwards), not filled
        "t = x[0, 0] * 1\nt[...] = w[0]",
        "t = x[0, 0] * 1\nt[...] = w[0].double()",
        "t = x[0] * 1\nt[0] = w[:1]",  # (1,) into 0-d: viewed to 0-d, no expand
        "t = x[0] * 1\nt[0] = w[1]",
        "t = x * 1\nt.copy_(w)",  # copy_ broadcasts itself: no ExpandBackward0
        "t = x * 1\nt.copy_(torch.ones(3))",
        "t = x * 1\nt[0].copy_(w.double())",
        "t = x * 1\nt[False] = w",  # nothing happens
        "t = torch.zeros(3, dtype=torch.long)\nt.copy_(w * 2.5)",
        "t = torch.zeros(3)\nwith torch.no_grad(): t.copy_(w)",
        "t = x * 1\nt[True] = w",
        "t = (x * 1)[:, :0]\nt[...] = w[:0]",
    ],
)
def test_setitem_value_and_target_grad_cases_as_torch(program: str) -> None:
    same_as_torch(HEAD + program + "\nt.sum().backward() if t.requires_grad else None")


@pytest.mark.parametrize(
    "change", ["t[...] = w", "t[:] = w[None]", "t[[0, 1]] = w", "t[t > 0] = w[1]", "t[1] = w"]
)
def test_setitem_rebases_views_of_t_as_torch(change: str) -> None:
    same_as_torch(
        HEAD + f"t = x * 1\nv = t[1:]\nu = t.t()\n{change}\n"
        "(v * v).sum().backward(retain_graph=True)\n(u * x.t()).sum().backward()"
    )


@pytest.mark.parametrize("change", ["t[...] = w", "t[:] = w.double()", "t[[0, 1]] = w"])
def test_setitem_under_create_graph_as_torch(change: str) -> None:
    same_as_torch(
        HEAD + f"t = x * 1\n{change}\n"
        "a, b = torch.autograd.grad((t * t * x).sum(), [x, w], create_graph=True)\n"
        "(a.sum() + (b * b).sum()).backward()"
    )


def second_grads(lib: Any, change: str) -> list[Any]:
    """First and second gradients of a write, values only (a view's double-backward graph is
    torch's CopySlices machinery, which minigrad does not rebuild node for node)."""
    ns: dict[str, Any] = {"torch": lib}
    exec(HEAD + f"t = x * 1\n{change}", ns)
    x, w, t = ns["x"], ns["w"], ns["t"]
    a, b = lib.autograd.grad((t * t * x).sum(), [x, w], create_graph=True)
    (a.sum() + (b * b).sum()).backward()
    return [a.tolist(), b.tolist(), x.grad.tolist(), w.grad.tolist()]


@pytest.mark.parametrize(
    "change", ["t[0] = w", "t[0:1] = w[None]", "t[1:, [0, 2]] = w[:2]", "t[:, 1] = w[0]"]
)
def test_setitem_through_a_view_has_torch_second_gradients(change: str) -> None:
    assert second_grads(minigrad, change) == second_grads(torch, change)


def test_copy_backwards_is_named_as_torch() -> None:
    for lib in (minigrad, torch):
        t = lib.ones(2, 3, requires_grad=True) * 1
        t[...] = lib.ones(3, requires_grad=True)
        assert t.grad_fn.name() == "torch::autograd::CopyBackwards"
        assert repr(t.grad_fn).startswith("<CopyBackwards object at 0x")


@pytest.mark.parametrize(
    "line",
    [
        "t[0:2] = torch.ones(3, 2)",
        "t[...] = torch.ones(3, 2)",
        "t[:] = torch.ones(2, 2, 3)",
        "t[0] = torch.ones(2)",
        "t[0, 0] = torch.ones(2)",
        "t[[0, 1]] = torch.ones(3, 2)",
        "t[[0, 1]] = torch.ones(2, 2, 3)",
        "t[t > 0] = torch.ones(5)",
        "t[[0]] = torch.ones(3, dtype=torch.float64)",
        "t[[0]] = torch.tensor(2, dtype=torch.long)",
        "t[torch.ones(3, dtype=torch.bool)] = 1.",
        "t[1:, torch.ones(2, dtype=torch.bool)] = torch.ones(2)",
        "t[0, [5]] = 1.",
        "t[:, [5]] = 1.",
        "t[0, 0, [0]] = 1.",
        "t[5, [0]] = 1.",
        "t[[0]] = [1., 2., 3.]",
        "t[0] = None",
        "t.copy_(torch.ones(2))",
        "t.copy_(torch.ones(1, 2, 3))",
        "t[0].copy_(torch.ones(2, 3))",
    ],
)
@pytest.mark.parametrize("start", ["torch.ones(2, 3)", "x * 1", "x"])
def test_setitem_errors_as_torch(line: str, start: str) -> None:
    program = f"x = torch.ones(2, 3, requires_grad=True)\nt = {start}\n{line}"
    assert errors(minigrad, program) == errors(torch, program)
