"""The op spec table: one row per public call, run the same way on minigrad and on torch.

`OpSpec.call(lib, *args)` takes the library module (`minigrad` or `torch`) and what `inputs`
drew: float arrays become float32/float64 tensors that require grad, bool and integer arrays
become constant tensors, Python ints (dims) pass through. `rows` names the rows of
`minigrad.ops.OPS` the call records, forward or (for index_put) in a create_graph backward.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

import strategies as s


@dataclass(frozen=True)
class OpSpec:
    """One differential test row: the call, what to draw, and the tolerances per dtype."""

    name: str
    call: Callable[..., Any]
    inputs: st.SearchStrategy[tuple[Any, ...]]
    rows: tuple[str, ...]
    rtol32: float = 1e-4
    atol32: float = 1e-5
    rtol64: float = 1e-10
    atol64: float = 1e-12


def build(lib: Any, items: tuple[Any, ...], dtype: str) -> tuple[list[Any], list[Any]]:
    """The call's arguments in `lib` and the leaves among them (float arrays require grad)."""
    args, leaves = [], []
    for item in items:
        if isinstance(item, np.ndarray) and item.dtype.kind == "f":
            t = lib.tensor(item, dtype=getattr(lib, dtype), requires_grad=True)
            leaves.append(t)
            args.append(t)
        elif isinstance(item, np.ndarray):
            args.append(lib.tensor(item))
        else:
            args.append(item)
    return args, leaves


def functional(lib: Any) -> Any:
    """`torch.nn.functional`, or minigrad's (falling back to the op rows while nn is missing)."""
    if lib.__name__ == "torch":
        return lib.nn.functional
    try:
        from minigrad.nn import functional as f
    except ImportError:
        return _RowFunctional
    return f


class _RowFunctional:
    """The loss rows called directly, with torch.nn.functional's signatures."""

    @staticmethod
    def mse_loss(x: Any, y: Any, reduction: str = "mean") -> Any:
        from minigrad import ops

        return ops.mse_loss(x, y, reduction=reduction)

    @staticmethod
    def nll_loss(x: Any, target: Any, reduction: str = "mean", ignore_index: int = -100) -> Any:
        from minigrad import ops

        return ops.nll_loss(x, target._data, reduction=reduction, ignore_index=ignore_index)

    @staticmethod
    def cross_entropy(x: Any, target: Any, reduction: str = "mean") -> Any:
        return _RowFunctional.nll_loss(x.log_softmax(1), target, reduction)


def _addmm(lib: Any, b: Any, x: Any, y: Any) -> Any:
    if lib.__name__ == "torch":
        return lib.addmm(b, x, y)
    from minigrad import ops

    return ops.addmm(b, x, y)


def _index_double_backward(lib: Any, x: Any) -> Any:
    """d/dx Σ x[idx]² with create_graph: its graph holds the index_put of index's backward."""
    picked = x.reshape(-1)[[0, 0, -1]]
    return lib.autograd.grad((picked * picked).sum(), x, create_graph=True)[0]


def _softmax_double_backward(lib: Any, x: Any, d: int, log: bool) -> Any:
    """d/dx Σ softmax(x)² with create_graph: its graph holds _softmax_backward_data (or the
    log_softmax one), whose own backward a further derivative runs."""
    out = x.log_softmax(d) if log else x.softmax(d)
    return lib.autograd.grad((out * out).sum(), x, create_graph=True)[0]


def _loss_double_backward(lib: Any, loss: Any, *inputs: Any) -> Any:
    """d/dx loss² with create_graph (times d/dtarget, for a float target): its graph holds the
    loss's gradient op (mse_loss_backward, nll_loss_backward)."""
    grads = lib.autograd.grad(loss * loss, inputs, create_graph=True)
    return grads[0] * grads[1] if len(grads) > 1 else grads[0]


def _setitem(lib: Any, x: Any, v: Any) -> Any:
    y = x * 1
    y[0] = v
    return y


def _copy(lib: Any, x: Any, v: Any) -> Any:
    y = x * 1
    y.copy_(v)  # broadcast inside copy_: no ExpandBackward0
    return y


def _setitem_whole(lib: Any, x: Any, v: Any) -> Any:
    y = x * 1
    y[...] = v  # copy_to: v viewed (ViewBackward0), expanded (ExpandBackward0), then copy_
    return y


def _index_put(lib: Any, x: Any, v: Any) -> Any:
    y = x * 1
    y[[-1]] = v  # one index: a repeated one would write its element twice
    return y


def _unary(name: str, call: Callable[..., Any], rows: tuple[str, ...], elements: Any = None,
           min_dims: int = 0, max_dims: int = 3, **kw: Any) -> OpSpec:  # fmt: skip
    drawn = s.array(elements, min_dims=min_dims, max_dims=max_dims)
    return OpSpec(name, call, st.tuples(drawn), rows, **kw)


def _binary(name: str, call: Callable[..., Any], rows: tuple[str, ...], second: Any = None,
            first: Any = None, **kw: Any) -> OpSpec:  # fmt: skip
    first = s.floats() if first is None else first
    second = s.floats() if second is None else second
    return OpSpec(name, call, s.array_tuple(first, second), rows, **kw)


POSITIVE = s.floats(0.25, 3.0)
# k + [0.1, 0.4]: no integer and no half, where rounding jumps (finite differences need that)
OFF_INTEGERS = s.floats(-3.0, 3.0).map(lambda v: np.floor(v) + 0.1 + 0.3 * (v - np.floor(v)))
CLASSES = st.integers(1, 4).flatmap(
    lambda c: st.integers(1, 4).flatmap(
        lambda n: st.tuples(s.arrays((n, c)), s.arrays((n,), st.integers(0, c - 1)).map(
            lambda a: a.astype(np.int64)))
    )
)  # fmt: skip
MATMUL_CASES = st.one_of(
    s.matrices("a", "a"), s.matrices("ab", "b"), s.matrices("a", "ab"), s.matrices("ab", "bc"),
    s.matrices("nab", "nbc"), s.matrices("nab", "bc"), s.matrices("a", "nab"),
)  # fmt: skip

OP_SPECS: list[OpSpec] = [
    _binary("add", lambda L, x, y: x + y, ("add",)),
    _unary("add_scalar", lambda L, x: 2.5 + x, ("add",)),
    _binary("sub", lambda L, x, y: x - y, ("sub",)),
    _binary("sub_alpha", lambda L, x, y: L.sub(x, y, alpha=2), ("sub_alpha",)),
    _binary("add_alpha", lambda L, x, y: x.add(y, alpha=-1.5), ("add_alpha",)),
    _unary("rsub_scalar", lambda L, x: 1.5 - x, ("rsub",)),
    _binary("mul", lambda L, x, y: x * y, ("mul",)),
    _unary("mul_scalar", lambda L, x: x * 3.0, ("mul",)),
    _binary("div", lambda L, x, y: x / y, ("div",), second=s.away_from_zero(), rtol32=1e-3),
    _unary("div_scalar", lambda L, x: x / 4.0, ("div",)),
    _unary("rdiv_scalar", lambda L, x: 2.0 / x, ("reciprocal", "mul"), s.away_from_zero()),
    _unary("reciprocal", lambda L, x: x.reciprocal(), ("reciprocal",), s.away_from_zero()),
    _unary("neg", lambda L, x: -x, ("neg",)),
    _unary("pow_scalar", lambda L, x: x**3, ("pow", "mul_scalar")),
    _unary("pow_fraction", lambda L, x: x**2.5, ("pow",), POSITIVE, rtol32=1e-3),
    _unary("pow_zero", lambda L, x: x**0, ("pow",)),
    _binary(
        "pow_tensor",
        lambda L, x, y: x**y,
        ("pow_tensor", "sub_scalar"),
        first=POSITIVE,
        rtol32=1e-3,
    ),
    _unary("pow_scalar_base", lambda L, x: 2.0**x, ("pow_scalar_base",), rtol32=1e-3),
    _unary("exp", lambda L, x: x.exp(), ("exp",), rtol32=1e-3),
    _unary("log", lambda L, x: L.log(x), ("log",), POSITIVE),
    _unary("log10", lambda L, x: L.log10(x), ("log10",), POSITIVE),
    _unary("asin", lambda L, x: L.asin(x), ("asin",), s.floats(-0.875, 0.875), rtol32=1e-3),
    _unary("ceil", lambda L, x: x.ceil() * x, ("ceil", "mul"), OFF_INTEGERS),
    _unary("floor", lambda L, x: L.floor(x) * x, ("floor", "mul"), OFF_INTEGERS),
    _unary("round", lambda L, x: L.round(x) * x, ("round", "mul"), OFF_INTEGERS),
    _unary("trunc", lambda L, x: x.trunc() * x, ("trunc", "mul"), OFF_INTEGERS),
    OpSpec(
        "linalg_cross",
        lambda L, x, y: L.linalg.cross(x, y),
        st.sampled_from([((3,), (3,)), ((2, 3), (2, 3)), ((1, 3), (2, 3))]).flatmap(
            lambda ab: st.tuples(s.arrays(ab[0]), s.arrays(ab[1]))
        ),
        ("linalg_cross",),
    ),
    _unary("sqrt", lambda L, x: x.sqrt(), ("sqrt",), POSITIVE),
    _unary("sin", lambda L, x: L.sin(x), ("sin",)),
    _unary("cos", lambda L, x: x.cos(), ("cos",)),
    _unary("tanh", lambda L, x: x.tanh(), ("tanh", "tanh_backward")),
    _unary("sigmoid", lambda L, x: L.sigmoid(x), ("sigmoid", "sigmoid_backward", "add_scalar")),
    _unary("relu", lambda L, x: x.relu(), ("relu", "threshold_backward")),
    _unary("abs", lambda L, x: x.abs(), ("abs", "sgn")),
    _unary("clamp", lambda L, x: x.clamp(-0.5, 0.5), ("clamp",)),
    _unary("clamp_min", lambda L, x: L.clamp(x, min=0.0), ("clamp",)),
    OpSpec(
        "where",
        lambda L, x, y, c: L.where(c, x, y),
        s.broadcast_shapes(3).flatmap(
            lambda ss: st.tuples(
                s.arrays(ss[0]),
                s.arrays(ss[1]),
                s.arrays(ss[2], st.booleans()).map(lambda a: a.astype(bool)),
            )
        ),  # fmt: skip
        ("where",),
    ),
    _binary("maximum", lambda L, x, y: L.maximum(x, y), ("maximum",)),
    _binary("minimum", lambda L, x, y: x.minimum(y), ("minimum",)),
    _unary("to_double", lambda L, x: x.double() * 2, ("_to_copy", "mul")),
    _unary("clone", lambda L, x: x.clone(), ("clone",)),
    _unary("sum", lambda L, x: x.sum(), ("sum",)),
    OpSpec("sum_dim", lambda L, x, d: x.sum(d), s.with_dim(), ("sum_dim",)),
    OpSpec("sum_keepdim", lambda L, x, d: x.sum((d,), keepdim=True), s.with_dim(), ("sum_dim",)),
    _unary("mean", lambda L, x: x.mean(), ("mean", "div_scalar")),
    OpSpec("mean_dim", lambda L, x, d: L.mean(x, d, keepdim=True), s.with_dim(), ("mean_dim",)),
    _unary("max", lambda L, x: x.max(), ("max",)),
    _unary("min", lambda L, x: L.min(x), ("min",)),
    OpSpec(
        "max_dim",
        lambda L, x, d: x.max(dim=d).values,
        s.shapes(min_dims=1).flatmap(
            lambda sh: st.tuples(s.distinct_arrays(sh), st.integers(-len(sh), len(sh) - 1))
        ),
        ("max_dim",),
    ),
    OpSpec(
        "min_dim",
        lambda L, x, d: x.min(d, keepdim=True)[0],
        s.shapes(min_dims=1).flatmap(
            lambda sh: st.tuples(s.distinct_arrays(sh), st.integers(-len(sh), len(sh) - 1))
        ),
        ("min_dim",),
    ),
    OpSpec("mm", lambda L, x, y: L.mm(x, y), s.matrices("ab", "bc"), ("mm",)),
    OpSpec("dot", lambda L, x, y: x.dot(y), s.matrices("a", "a"), ("dot",)),
    OpSpec("mv", lambda L, x, y: x.mv(y), s.matrices("ab", "b"), ("mv",)),
    OpSpec("bmm", lambda L, x, y: L.bmm(x, y), s.matrices("nab", "nbc"), ("bmm",)),
    OpSpec("addmm", _addmm, s.matrices("c", "ab", "bc"), ("addmm",)),
    OpSpec(
        "matmul",
        lambda L, x, y: x @ y,
        MATMUL_CASES,
        (
            "mm",
            "bmm",
            "_unsafe_view",
            "_reshape_alias",
            "dot",
            "mv",
            "unsqueeze",
            "squeeze_",
            "view",
            "expand",
            "transpose",
            "clone",
        ),
    ),  # fmt: skip
    _unary("t", lambda L, x: x.t(), ("t",), max_dims=2),
    _unary("T", lambda L, x: x.T * 1, ("mul", "permute"), min_dims=2, max_dims=2),
    _unary("transpose", lambda L, x: x.transpose(0, -1), ("transpose",), min_dims=1),
    _unary("permute", lambda L, x: x.reshape(1, -1, 1).permute(2, 0, 1), ("view", "permute")),
    _unary("view", lambda L, x: x.view(-1), ("view",)),
    _unary(
        "reshape_copy",
        lambda L, x: x.t().reshape(-1),
        ("t", "clone", "_unsafe_view", "view"),
        min_dims=2,
        max_dims=2,
    ),  # fmt: skip
    _unary(
        "reshape_alias",
        lambda L, x: x.t().reshape(x.shape[1], -1),  # non-contiguous but viewable
        ("t", "_reshape_alias", "view"),
        min_dims=2,
        max_dims=2,
    ),  # fmt: skip
    _unary("flatten", lambda L, x: x.flatten(), ("view",), min_dims=2),
    _unary("squeeze", lambda L, x: x.reshape(1, -1, 1).squeeze(), ("view", "squeeze")),
    _unary("squeeze_dim", lambda L, x: x.reshape(1, -1).squeeze(0), ("view", "squeeze_dim")),
    _unary("unsqueeze", lambda L, x: L.unsqueeze(x, 0), ("unsqueeze",)),
    _unary("expand", lambda L, x: x.reshape(1, -1).expand(3, -1), ("view", "expand")),
    _unary("select", lambda L, x: x[-1], ("select", "select_backward"), min_dims=1),
    _unary("flip", lambda L, x: x.flip(0, -1), ("flip",), min_dims=2),
    _unary("flip_fn", lambda L, x: L.flip(x, (0,)), ("flip",), min_dims=1),
    _unary("roll", lambda L, x: x.roll(1), ("roll",)),
    _unary("roll_dims", lambda L, x: L.roll(x, (2, -1), (0, -1)), ("roll",), min_dims=1),
    OpSpec(
        "tril",
        lambda L, x, k: x.tril(k),
        st.tuples(s.array(min_dims=2), st.integers(-2, 2)),
        ("tril",),
    ),
    OpSpec(
        "triu",
        lambda L, x, k: L.triu(x, diagonal=k),
        st.tuples(s.array(min_dims=2), st.integers(-2, 2)),
        ("triu",),
    ),
    _unary("norm", lambda L, x: x.norm(), ("linalg_vector_norm",), s.away_from_zero()),
    _unary("norm_p1", lambda L, x: L.norm(x, p=1), ("linalg_vector_norm",), s.away_from_zero()),
    _unary(
        "norm_p3", lambda L, x: x.norm(3), ("linalg_vector_norm",), s.away_from_zero(), rtol32=1e-3
    ),  # fmt: skip
    OpSpec(
        "norm_dim",
        lambda L, x, d: L.linalg.norm(x, dim=d, keepdim=True),
        s.shapes(min_dims=1).flatmap(  # away from |x|'s kink at 0, for finite differences
            lambda sh: st.tuples(
                s.arrays(sh, s.away_from_zero()), st.integers(-len(sh), len(sh) - 1)
            )
        ),
        ("linalg_vector_norm",),
        rtol32=1e-3,
    ),
    OpSpec(
        "vector_norm_inf",
        lambda L, x, d: L.linalg.vector_norm(x, float("inf"), dim=d),
        s.shapes(min_dims=1).flatmap(
            lambda sh: st.tuples(s.spread_arrays(sh), st.integers(-len(sh), len(sh) - 1))
        ),
        ("linalg_vector_norm",),
    ),
    OpSpec("cumsum", lambda L, x, d: x.cumsum(d), s.with_dim(), ("cumsum",)),
    _unary("slice", lambda L, x: x[1:], ("slice", "slice_backward"), min_dims=1),
    _unary("alias", lambda L, x: x[..., :], ("alias",), min_dims=1),
    _unary("index", lambda L, x: x[[0, -1, 0]], ("index",), min_dims=1),
    _unary(
        "index_put",
        _index_double_backward,
        ("index_put", "index", "view", "mul", "sum", "add", "expand"),
    ),  # fmt: skip
    _unary("zero_", lambda L, x: (x * 1).zero_() + x, ("zero_", "mul", "add")),
    _unary("fill_scalar", lambda L, x: (x * 1).fill_(2.5) * x, ("fill_scalar", "mul")),
    OpSpec(
        "fill_tensor",
        lambda L, x, v: (x * 1).fill_(v.sum()) * x,
        s.shapes().flatmap(lambda sh: st.tuples(s.arrays(sh), s.arrays(()))),
        ("fill_tensor", "mul", "sum", "expand"),
    ),
    OpSpec(
        "setitem",
        _setitem,
        s.shapes(min_dims=1).flatmap(lambda sh: st.tuples(s.arrays(sh), s.arrays(sh[1:]))),
        ("copy_slices", "mul", "select"),
    ),
    OpSpec(
        "copy_",
        _copy,
        s.shapes(min_dims=1).flatmap(lambda sh: st.tuples(s.arrays(sh), s.arrays(sh[1:]))),
        ("copy_", "mul"),
    ),
    OpSpec(
        "setitem_whole",
        _setitem_whole,
        s.shapes(min_dims=2).flatmap(lambda sh: st.tuples(s.arrays(sh), s.arrays(sh[1:]))),
        ("copy_", "mul", "view", "expand"),
    ),
    OpSpec(
        "index_put_",
        _index_put,
        s.shapes(min_dims=1).flatmap(lambda sh: st.tuples(s.arrays(sh), s.arrays(sh[1:]))),
        ("index_put_", "mul", "view"),  # a value with leading 1s is viewed first
    ),
    OpSpec(
        "cat",
        lambda L, x, y: L.cat([x, y], dim=1),
        s.matrices("ab", "ac"),
        ("cat",),
    ),
    OpSpec("stack", lambda L, x, y: L.stack((x, y), dim=-1), s.matrices("ab", "ab"), ("stack",)),
    OpSpec("softmax", lambda L, x, d: x.softmax(d), s.with_dim(), ("softmax",)),
    OpSpec("log_softmax", lambda L, x, d: L.log_softmax(x, d), s.with_dim(), ("log_softmax",)),
    OpSpec(
        "softmax_backward_data",
        lambda L, x, d: _softmax_double_backward(L, x, d, log=False),
        s.with_dim(),
        ("_softmax_backward_data", "softmax", "mul", "sum", "expand", "add"),
    ),
    OpSpec(
        "log_softmax_backward_data",
        lambda L, x, d: _softmax_double_backward(L, x, d, log=True),
        s.with_dim(),
        ("_log_softmax_backward_data", "log_softmax", "mul", "sum", "expand", "add"),
    ),
    OpSpec(
        "mse_loss_backward",
        lambda L, x, y: _loss_double_backward(L, functional(L).mse_loss(x, y), x, y),
        s.shapes().flatmap(lambda sh: st.tuples(s.arrays(sh), s.arrays(sh))),
        ("mse_loss_backward", "mse_loss", "mul", "add"),
    ),
    OpSpec(
        "mse_loss_backward_none",
        lambda L, x, y: _loss_double_backward(
            L, functional(L).mse_loss(x, y, reduction="none").sum(), x
        ),
        s.shapes().flatmap(lambda sh: st.tuples(s.arrays(sh), s.arrays(sh))),
        ("mse_loss_backward", "mse_loss", "mul", "sum", "expand", "add"),
    ),
    OpSpec(
        "nll_loss_backward",
        lambda L, x, t: _loss_double_backward(L, functional(L).nll_loss(x, t), x),
        CLASSES,
        ("nll_loss_backward", "nll_loss", "mul", "add"),
    ),
    OpSpec(
        "mse_loss",
        lambda L, x, y: functional(L).mse_loss(x, y),
        s.shapes().flatmap(lambda sh: st.tuples(s.arrays(sh), s.arrays(sh))),
        ("mse_loss",),
    ),
    OpSpec(
        "mse_loss_sum",
        lambda L, x, y: functional(L).mse_loss(x, y.detach(), reduction="sum"),
        s.shapes().flatmap(lambda sh: st.tuples(s.arrays(sh), s.arrays(sh))),
        ("mse_loss",),
    ),
    OpSpec("nll_loss", lambda L, x, t: functional(L).nll_loss(x, t), CLASSES, ("nll_loss",)),
    OpSpec(
        "nll_loss_none",
        lambda L, x, t: functional(L).nll_loss(x, t, reduction="none"),
        CLASSES,
        ("nll_loss",),
    ),
    OpSpec(
        "cross_entropy",
        lambda L, x, t: functional(L).cross_entropy(x, t),
        CLASSES,
        ("log_softmax", "nll_loss"),
    ),
]

from op_specs_nn import NN_SPECS  # noqa: E402  (the nn rows' specs, in their own file)

OP_SPECS += NN_SPECS

from op_specs_more import MORE_SPECS  # noqa: E402  (std, sort, gather, einsum, ...: own file)

OP_SPECS += MORE_SPECS
