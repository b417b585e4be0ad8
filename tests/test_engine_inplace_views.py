"""Views, in-place writes, freed graphs and retain_grad, line by line against torch."""

from __future__ import annotations

import itertools

import pytest
import torch

import minigrad

from line_programs import errors, same_as_torch


@pytest.mark.parametrize(
    "change",
    [
        "d = a.detach()\nd[..., 1:] = 3",
        "with torch.no_grad(): a[0] = 1",
        "with torch.no_grad(): a[:, 1:] = torch.tensor(4.)",
        "b.detach()[0] = 5",
        "d = b.detach()[1]\nd[0] = 7",
        "with torch.no_grad(): b[1] = torch.ones(3)",
    ],
)
def test_setitem_through_detach_or_no_grad_regenerates_views_as_torch(change: str) -> None:
    # torch regenerates a view (AsStridedBackward0) whenever its memory's version moved on
    same_as_torch(
        "a = torch.tensor([[1., -2., 3.], [2., -1., 4.]], requires_grad=True)\nb = a * 1\n"
        f"v = a[:1]\nw = b[1:]\n{change}\n(v.sum() + w.sum()).backward()"
    )


@pytest.mark.parametrize("change", ["y.add_(1.0)", "y.sub_(0.5)", "y.mul_(y)", "y[0] = 2"])
@pytest.mark.parametrize("grads", ["x", "w", "xw"])
def test_matmul_of_a_vector_and_a_matrix_is_not_a_view_as_torch(change: str, grads: str) -> None:
    # _matmul_impl squeezes mm's own result in place (squeeze_): y is no view, so an in-place
    # op on it records its own node, not a regenerated AsStridedBackward0
    same_as_torch(
        f"x = torch.tensor([-1.5, 0.5, 2.], requires_grad={'x' in grads})\n"
        f"w = torch.tensor([[0.5, 1.], [-0.25, 2.], [1., 3.]], requires_grad={'w' in grads})\n"
        f"y = x @ w\nv1 = y._version == 1\nb = y._base is None\n{change}\n"
        "v2 = y._version == 2\ny.sum().backward()"
    )


@pytest.mark.parametrize(
    "shape, key",
    list(
        itertools.product(
            [(3, 0), (3, 1), (2, 3), (0,)],
            ["[..., 1:]", "[:, :3]", "[:, :5]", "[0:, ...]", "[:]", "[-3:]", "[...]", "[..., :0]"],
        )
    ),
)
@pytest.mark.parametrize(
    "value", ["0.5", "torch.tensor(2.)", "torch.tensor(2., requires_grad=True)"]
)
def test_setitem_fills_only_when_the_key_keeps_the_tensor_as_torch(
    shape: tuple[int, ...], key: str, value: str
) -> None:
    # copy_to fills t itself (FillBackward3) when the key is t; a slice as written (`1:` of an
    # empty dim, `:3` of a size-1 dim) is a view, so the fill is wrapped in CopySlices
    same_as_torch(
        f"x = torch.ones({shape}, requires_grad=True)\nt = x.tanh()\nt{key} = {value}\n"
        "t.sum().backward()"
    )


@pytest.mark.parametrize(
    "change",
    ["y[:, :1] = 2", "y[0] = torch.ones(3, requires_grad=True)", "y[[0]] = 2", "y[y > 0] = 2",
     "y[0].add_(1)", "y[:, 1:].mul_(2)", "y[...] = 2", "y.fill_(2)",
     "y[...] = torch.ones(3, requires_grad=True)", "y.copy_(torch.ones(2, 3))"],
)  # fmt: skip
@pytest.mark.parametrize("second", ["y.sum().backward()", "y.view(-1).sum().backward()"])
def test_second_backward_after_a_write_as_torch(change: str, second: str) -> None:
    # CopySlices drops its in-place node after backward and IndexPutBackward0 its indices, so
    # a second backward fails even when nothing else was saved (`.double()`, `add_`)
    program = (
        "x = torch.tensor([[-2.9, 2.7, 1.8], [-1.7, -3., -0.9]], requires_grad=True)\n"
        f"y = x.double()\n{change}\ny.view(-1).sum().backward()\n{second}"
    )
    assert errors(minigrad, program) == errors(torch, program)


def test_backward_with_retain_graph_after_a_write_runs_again_as_torch() -> None:
    same_as_torch(
        "x = torch.ones(2, 3, requires_grad=True)\ny = x + 0\ny[:, :1] = 2\ny[1].add_(1)\n"
        "y.sum().backward(retain_graph=True)\ny.sum().backward()\n"
        "g, = torch.autograd.grad(y.sum(), y)\ny.sum().backward()"
    )


@pytest.mark.parametrize("create", [False, True])
@pytest.mark.parametrize(
    "program",
    [
        # a retained non-leaf that is the input: its hook fills .grad, and accumulates
        "t = x.clamp(min=0.1)\nt.retain_grad()\nr, = G((t * t).sum(), t)\nr, = G(t.sum(), t)",
        "t = (x / x).transpose(0, -1)\nt.retain_grad()\nr, = G(t.sum(), t)",
        # a retained view regenerated after its base changed keeps retaining (not other hooks)
        "b = x / x\nt = b.transpose(0, -1)\nt.retain_grad()\nh = t.register_hook(lambda g: g * 3)"
        "\nb[-1] = 0.5\nr, = G(t.sum(), t)\nb.sum().backward()",
        # a retained tensor on the way to the input, and one behind it (never reached)
        "a = x * 5\na.retain_grad()\nb = a * 2\nb.retain_grad()\nr, = G(b.sum(), b)\n"
        "r, = G(b.sum(), x)",
        # an input needed for another input: captured before its hooks, which run once
        "v = x * 4\nh = v.register_hook(lambda g: g * 10)\nv.retain_grad()\nw = v * 2\n"
        "r = G(w.sum() + v.sum(), [v, x])",
        # hooks run before retain_grad's, whichever was registered first
        "c = x * 6\nc.retain_grad()\nh = c.register_hook(lambda g: g * 10)\nr, = G(c.sum(), c)",
        # after a backward, the retained grad accumulates; a leaf input's .grad stays
        "e = x * 8\ne.retain_grad()\ne.sum().backward(retain_graph=True)\nr, = G(e.sum() * 3, e)"
        "\nr, = G(e.sum(), x)",
        # backward(inputs=) retains a non-leaf input's grad (once, after its hooks)
        "t = x * 2\nu = t * 3\nh = t.register_hook(lambda g: g * 100)\n"
        "(u * u).sum().backward(inputs=[t], retain_graph=True)\n(u * u).sum().backward()",
    ],
)
def test_retain_grad_with_autograd_grad_as_torch(program: str, create: bool) -> None:
    head = "x = torch.tensor([[0.8, 1.], [2., -2.8]], dtype=torch.float64, requires_grad=True)\n"
    head += f"G = lambda *a: torch.autograd.grad(*a, create_graph={create}, retain_graph=True)\n"
    same_as_torch(head + program)
