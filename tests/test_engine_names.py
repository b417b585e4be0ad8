"""grad_fn names and whole `next_functions` chains, and in-place error texts, against torch."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
import torch

import minigrad


def chain(fn: Any) -> Any:
    """A node's name and, recursively, its inputs' chains (small test graphs only)."""
    if fn is None:
        return None
    return (fn.name(), [chain(f) for f, _ in fn.next_functions])


def outcome(lib: Any, program: str) -> Any:
    """Run `program` with `torch` bound to lib: the error (class, text) or y's chain and grads."""
    ns: dict[str, Any] = {"torch": lib, "np": np}
    try:
        exec(program, ns)
    except Exception as e:
        return type(e).__name__, str(e)
    y = ns["y"]
    grads = []
    if y.requires_grad:
        y.sum().backward()
        grads = [None if ns[k].grad is None else ns[k].grad.tolist() for k in ("x", "w")]
    return chain(y.grad_fn), tuple(y.shape), str(y.dtype), y.tolist(), grads


def same_as_torch(program: str) -> None:
    assert outcome(minigrad, program) == outcome(torch, program)


SHAPES = [(3,), (2, 3), (3, 4), (2, 2, 3), (2, 3, 4), (1, 3, 4), (2, 1, 3, 4), (5, 4, 2)]


@pytest.mark.parametrize("a, b", list(itertools.product(SHAPES, SHAPES)))
@pytest.mark.parametrize("grads", ["TT", "TF", "FT"])
def test_matmul_chain_matches_torch(a: tuple[int, ...], b: tuple[int, ...], grads: str) -> None:
    """Every 1-D/2-D/batched (broadcast) pair: the node chain, values, grads or the error."""
    rx, rw = (g == "T" for g in grads)
    same_as_torch(
        f"x = (torch.arange({int(np.prod(a))}.) - 2).reshape({a}).requires_grad_({rx})\n"
        f"w = (torch.arange({int(np.prod(b))}.) * 0.5).reshape({b}).requires_grad_({rw})\n"
        "y = x @ w"
    )


@pytest.mark.parametrize(
    "x", ["torch.ones(2, 4, 3).transpose(1, 2)", "torch.ones(4, 2, 3)[::2]", "torch.ones(2, 3, 4)"]
)
def test_matmul_folds_only_viewable_batches(x: str) -> None:
    """Without grad on the small operand, torch folds only a batch that views as rows."""
    same_as_torch(f"x = {x}.requires_grad_()\nw = torch.ones(4, 2)\ny = x @ w")
    same_as_torch(f"w = {x}.requires_grad_()\nx = torch.ones(3)\ny = x @ w.mT")


@pytest.mark.parametrize(
    "a, b", [((3,), (3,)), ((3,), (4,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 2)),
             ((2, 3), (4, 2)), ((2, 2, 3), (2, 3, 2)), ((2, 2, 3), (2, 4, 2)), ((3,), (2, 3, 2)),
             ((2, 2, 3), (3, 2)), ((2, 2, 3), (3,)), ((2, 3), (2, 3, 2))],
)  # fmt: skip
@pytest.mark.parametrize("dtypes", ["float32 float64", "float64 float32", "int64 float32"])
def test_matmul_mixed_dtypes_error_as_torch(a: Any, b: Any, dtypes: str) -> None:
    """Mixed dtypes are torch's error (dot checks dtypes first; mm, mv and bmm shapes first)."""
    da, db = dtypes.split()
    same_as_torch(
        f"x = torch.ones({a}, dtype=torch.{da})\nw = torch.ones({b}, dtype=torch.{db})\ny = x @ w"
    )


@pytest.mark.parametrize(
    "program",
    [
        "x = torch.ones(2, 3, dtype=torch.int32)\nw = torch.ones(3, 2, dtype=torch.int64)\n"
        "y = x.mm(w)",
        "x = torch.ones(3)\nw = torch.ones(3, dtype=torch.float64)\ny = x.dot(w)",
        "x = torch.ones(2, 3)\nw = torch.ones(3, dtype=torch.float64)\ny = torch.mv(x, w)",
        "x = torch.ones(2, 2, 3)\nw = torch.ones(2, 3, 1, dtype=torch.float64)\ny = x.bmm(w)",
        "x = torch.ones(2, 3, dtype=torch.int64)\nw = torch.ones(3, 2, dtype=torch.int64)\n"
        "y = x @ w",
    ],
)
def test_products_check_dtypes_as_torch(program: str) -> None:
    """mm, dot, mv and bmm called directly give torch's dtype errors (or torch's result)."""
    same_as_torch(program)


def run_lines(lib: Any, program: str) -> list[Any]:
    """Run `program` line by line with `torch` bound to lib; after each line, what it shows."""
    ns: dict[str, Any] = {"torch": lib, "np": np}
    seen: list[Any] = []
    for line in program.strip().splitlines():
        try:
            exec(line, ns)
        except Exception as e:
            seen.append((type(e).__name__, str(e)))
            continue
        for name in sorted(k for k in ns if len(k) <= 2 and hasattr(ns[k], "grad_fn")):
            t = ns[name]
            grad = t.grad if t.is_leaf or t.retains_grad else None
            seen.append((line, name, chain(t.grad_fn), t.requires_grad, str(t.dtype), t.tolist(),
                         None if grad is None else grad.tolist()))  # fmt: skip
    return seen


@pytest.mark.parametrize(
    "program",
    [
        # a view changed in place: the base becomes CopySlices, the view AsStridedBackward0
        "x = torch.tensor([1., 2., 3.], requires_grad=True)\nb = x * 1\nv = b[:2]\nv.mul_(2)\n"
        "b.sum().backward()",
        # the base changed in place: every view is regenerated as AsStridedBackward0
        "x = torch.tensor([1., 2., 3.], requires_grad=True)\nb = x * 1\nv = b[:2]\nw = b[1:]\n"
        "b.mul_(2)\n(v.sum() + w.sum()).backward()",
        # a view of a view: the root base takes the history, sibling views are rebased
        "x = torch.ones(2, 3, requires_grad=True)\nb = x * 2\nv = b[0]\nu = v[1:]\ns = b.t()\n"
        "u.mul_(3)\n(b * b).sum().backward()",
        # assignment into a view of a non-leaf, then into a slice of that view
        "x = torch.tensor(5.25, requires_grad=True)\nb = torch.ones(2, 3) / x\nb[:1] = 0.5\n"
        "v = b[:, :1]\nv[:1] = 1e-3\nb.sum().backward()",
        # a view of a tensor without grad, changed by an op whose operand needs grad
        "w = torch.tensor([2., 3.], requires_grad=True)\nb = torch.zeros(3)\nv = b[1:]\n"
        "v.add_(w)\nb.sum().backward()",
        # retain_grad follows the tensor's new version; a view's retained grad stays behind
        "x = torch.ones(3, requires_grad=True)\nb = x * 1\nb.retain_grad()\nb.mul_(3)\n"
        "b.sum().backward()",
        "x = torch.ones(3, requires_grad=True)\nb = x * 1\nv = b[:2]\nv.retain_grad()\n"
        "b.retain_grad()\nv.mul_(3)\nb.sum().backward()",
        # a transposed view changed in place
        "x = torch.ones(2, 3, requires_grad=True)\nb = x * 1\nv = b.t()\nv.add_(1)\n"
        "(b * x).sum().backward()",
    ],
)
def test_view_inplace_rebase_matches_torch(program: str) -> None:
    """Names, next_functions, values, flags and gradients after each line, as torch."""
    assert run_lines(minigrad, program) == run_lines(torch, program)


@pytest.mark.parametrize(
    "program",
    [
        "x = torch.tensor([1., 2., 3.], requires_grad=True)\nb = -1.5 - x\nc = b.pow(2)\n"
        "b.clamp_(-1, 1)\n(b * c).sum().backward()",  # output 0 of Clamp1
        "x = torch.tensor([1., 2., 3.], requires_grad=True)\ny = x * 1\nz = y.pow(y)\n"
        "z.mul_(2)\nz.sum().backward()",  # output 0 of Pow1
        "x = torch.tensor([1., 2., 3.], requires_grad=True)\ny = x * 1\nz = y.exp()\n"
        "z.add_(1)\nz.sum().backward()",  # output 0 of Exp
        "x = torch.tensor([1., 2., 3.], requires_grad=True)\nb = x * 1\nv = b[:2]\nw = v * v\n"
        "b.add_(1)\nw.sum().backward()",  # output 0 of AsStrided
        "x = torch.tensor([1., 2., 3.], requires_grad=True)\nb = x * 1\nv = b.t()\n"
        "w = v.pow(2)\nb.mul_(2)\nw.sum().backward()",  # output 0 of AsStrided
    ],
)
def test_modified_saved_tensor_names_forward_op_as_torch(program: str) -> None:
    """The error names the forward op as torch 2.13's Node::forward_op_name does."""
    ours, ref = run_lines(minigrad, program)[-1], run_lines(torch, program)[-1]
    assert ours == ref
    assert "modified by an inplace operation" in ref[1]


@pytest.mark.parametrize(
    "line",
    ["y[0, 1] = 2", "y[:, 5] = 2", "y[5] = 2", "y[-5] = 2", "y[1, 1, 1] = 2", "y[..., 3] = 2",
     "z = y[1, 1]", "z = y[1, -2]", "z = y[None, 0, 4]", "z = y[0, 0, 0]"],
)  # fmt: skip
@pytest.mark.parametrize("grad", [False, True])
def test_index_errors_as_torch(line: str, grad: bool) -> None:
    """IndexError texts name the original dimension; setitem checks the key before the leaf."""
    program = f"y = torch.ones(3, 1, requires_grad={grad})\n{line}"
    assert run_lines(minigrad, program) == run_lines(torch, program)


@pytest.mark.parametrize("dims", ["0, -1", "0, 0", "-1, -1"])
def test_transpose_of_a_number_as_torch(dims: str) -> None:
    """A 0-d tensor transposes to itself (TransposeBackward0), as in torch."""
    program = f"x = torch.tensor(2.5, requires_grad=True)\ny = x.transpose({dims})\ny.backward()"
    assert run_lines(minigrad, program) == run_lines(torch, program)


@pytest.mark.parametrize(
    "expr", ["0.5 - x", "-1.5 - x", "2 - x", "x - 0.5", "x.clamp(-0.5, 0.5)", "x.clamp(min=0.1)",
             "x.clamp(max=2.5)", "x.clamp(1, 2)", "torch.clamp(x, 0.5)"],
)  # fmt: skip
def test_int_tensor_with_float_scalar_is_float32(expr: str) -> None:
    """An integer tensor meeting a Python float gives the default float dtype, as torch."""
    program = f"x = torch.tensor([[1, 2, 3], [4, 5, 6]])\ny = {expr}"
    assert run_lines(minigrad, program) == run_lines(torch, program)


@pytest.mark.parametrize(
    "line",
    ["y.zero_()", "y.fill_(2.0)", "y.fill_(torch.tensor(2.0))", "y[...] = 0.5", "y[:] = 0.5",
     "y[:, :3] = 2", "y[0] = 0.5", "y[0, 1] = 2", "y[0].zero_()", "v = y[1:]\nv.zero_()",
     "y.fill_(torch.tensor(2.0, requires_grad=True))"],
)  # fmt: skip
def test_fill_and_zero_nodes_as_torch(line: str) -> None:
    """zero_ is ZeroBackward0, fill_ FillBackward2/3, a full-key assignment fills t itself."""
    program = (
        f"x = torch.ones(2, 3, requires_grad=True)\ny = x * 2\n{line}\n(y * x).sum().backward()"
    )
    assert run_lines(minigrad, program) == run_lines(torch, program)


@pytest.mark.parametrize(
    "program",
    [
        "x = torch.ones(3, requires_grad=True)\nh = x.register_hook(lambda g: g * 2)\n"
        "g, = torch.autograd.grad(x.sum(), x, create_graph=True)",
        "x = torch.ones(3, requires_grad=True)\ny = x * 1\nh = y.register_hook(lambda g: g * 3)\n"
        "g, = torch.autograd.grad(y.sum(), y)",
        "x = torch.ones(3, requires_grad=True)\nh = x.register_hook(lambda g: g * 2)\n"
        "g, = torch.autograd.grad((x * x).sum(), x)",
    ],
)
def test_autograd_grad_applies_tensor_hooks_as_torch(program: str) -> None:
    """The gradient autograd.grad returns has been through the input's tensor hooks."""
    assert run_lines(minigrad, program) == run_lines(torch, program)


@pytest.mark.parametrize(
    "stmt",
    ["x.add_(1)", "x.mul_(2)", "x.zero_()", "x[0, 0] = 7", "x.fill_(2)", "x.sum(0)", "x[0] = 7"]
    + ["x[:, :3] = 1e-3", "x[...] = 2", "x[:, 1] = 5"],
)
def test_writing_an_expanded_tensor_as_torch(stmt: str) -> None:
    # ops that read and write refuse overlapping memory; fills write the shared memory
    def run(lib: Any) -> str:
        a = lib.ones(3)
        x = a.expand(2, 3)
        try:
            exec(stmt)
        except RuntimeError as err:
            return str(err)
        return f"{a.tolist()} {x.tolist()}"

    assert run(minigrad) == run(torch)


@pytest.mark.parametrize("expr", ["x.sum(0)", "x.sum(-1, keepdim=True)", "x.mean(0)", "x.sum(1)"])
def test_reducing_a_0d_tensor_over_dim_0_as_torch(expr: str) -> None:
    def run(lib: Any) -> str:
        x = lib.tensor(2.5, requires_grad=True)
        try:
            y = eval(expr)
        except IndexError as err:
            return str(err)
        y.backward()
        return f"{y} {x.grad}"

    assert run(minigrad) == run(torch)


@pytest.mark.parametrize(
    "expr",
    [
        "T.tensor(2.0).expand(2, -1)",
        "T.tensor(2.0).expand(-2, 2)",
        "T.ones(3).expand(-1, 3)",
        "T.ones(3).expand(2, -5, 3)",
        "T.ones(1, 3).expand(-2, 3)",
        "T.ones(1, 3).expand(2, -2)",
        "T.ones(1, 3).expand(-1, -1).shape",
    ],
)
def test_expand_with_negative_sizes_as_torch(expr: str) -> None:
    def run(lib: Any) -> str:
        try:
            return str(eval(expr, {"T": lib}))
        except RuntimeError as err:
            return str(err)

    assert run(minigrad) == run(torch)


@pytest.mark.parametrize("shape", [(2, 0), (2, 3)])
@pytest.mark.parametrize(
    "key", ["[..., 1:]", "[..., 0:]", "[..., :5]", "[:, 2:3]", "[0:, :]", "[:, -3:]", "[:, 3:]"]
)
def test_whole_slices_are_aliases_as_torch(shape: tuple[int, ...], key: str) -> None:
    def name(lib: Any) -> str:
        x = lib.ones(shape, requires_grad=True) * 1
        return str(eval("x" + key, {"x": x}).grad_fn.name())

    assert name(minigrad) == name(torch)


def test_in_place_on_a_gradient_of_a_0d_tensor_as_torch() -> None:
    # autograd.grad of a 0-d output is an expanded 0-d array (read-only in numpy): torch writes
    def run(lib: Any) -> str:
        a = lib.tensor(-2.0, requires_grad=True)
        b = a * 3
        (g,) = lib.autograd.grad(b.sum(), b, create_graph=True)
        g.div_(2.0)
        return repr(g)

    assert run(minigrad) == run(torch)


@pytest.mark.parametrize(
    "change", ["with T.no_grad(): a.add_(1)", "a.detach().clamp_(-1, 1)", "b.detach().mul_(2)"]
)
def test_views_regenerate_after_a_change_of_their_base_as_torch(change: str) -> None:
    # a view of a leaf (or of b) changed under no_grad or through .detach() is AsStridedBackward0
    def run(lib: Any) -> str:
        a = lib.ones(2, 3, requires_grad=True)
        b = a * 1
        v, w = a[0, 1], b[1]
        exec(change, {"T": lib, "a": a, "b": b})
        (v + w.sum()).backward()
        return f"{v.grad_fn.name()} {w.grad_fn.name()} {a.grad}"

    assert run(minigrad) == run(torch)
