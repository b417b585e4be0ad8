"""More rows of the op table (ops.py): ops that pick, place or mask elements by index.

gather reads `x` at an index tensor, scatter writes there; their gradients are each other
(gather's gradient adds the incoming gradient back where it was read, scatter's gradient of
`src` reads it where it was written). sort and topk pick with the indices they found, so their
gradient is scattered back through those indices. Indices and masks are numpy attributes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.dispatch import OpDef, defop
from minigrad.errors import MinigradNotImplementedError, runtime, typed
from minigrad.ops import _scatter_back, clip, raw, sum_all, where, zeros_of


def index_key(index: np.ndarray, dim: int) -> tuple[Any, ...]:
    """The numpy key that reaches `x[i][j]...` with the index's value in place of dim's."""
    if index.ndim == 0:
        return ()
    grid: list[Any] = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


def _gather_forward(x: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    return x[index_key(index, dim)].copy() if index.ndim else x.copy()


def _placed(x: np.ndarray, src: Any, dim: int, index: np.ndarray, add: bool) -> np.ndarray:
    out = x.copy()
    key = index_key(index, dim)
    if np.ndim(src):  # only the index-shaped corner of src is used, as in PyTorch
        src = src[tuple(slice(0, n) for n in index.shape)]
    if add:
        np.add.at(out, key, src)
    else:
        out[key] = src
    return out


gather: OpDef = defop(
    "gather",
    _gather_forward,
    (lambda g, out, x, dim, index: scatter_add(zeros_of(x, g), g, dim=dim, index=index),),
    saves="S",  # PyTorch saves self (and the index)
    saves_attrs=True,
    rule="grad_self = zeros like self with grad added at the index (scatter_add)",
)
scatter: OpDef = defop(
    "scatter",
    lambda x, src, dim, index: _placed(x, src, dim, index, False),
    (
        lambda g, out, x, src, dim, index: scatter_value(g, dim=dim, index=index, value=0),
        lambda g, out, x, src, dim, index: gather(g, dim=dim, index=index),
    ),
    saves_attrs=True,
    arg_names=("self", "src"),
    rule="grad_self = grad with the written places zeroed; grad_src = grad.gather(index)",
)
scatter_value: OpDef = defop(
    "scatter_value",
    lambda x, dim, index, value: _placed(x, value, dim, index, False),
    (lambda g, out, x, dim, index, value: scatter_value(g, dim=dim, index=index, value=0),),
    node="ScatterBackward1",
    saves_attrs=True,
    rule="grad_self = grad with the written places zeroed",
)
scatter_add: OpDef = defop(
    "scatter_add",
    lambda x, src, dim, index: _placed(x, src, dim, index, True),
    (
        lambda g, out, x, src, dim, index: g,
        lambda g, out, x, src, dim, index: gather(g, dim=dim, index=index),
    ),
    saves_attrs=True,
    arg_names=("self", "src"),
    rule="grad_self = grad; grad_src = grad.gather(index)",
)


def _picked(x: np.ndarray, dim: int, indices: np.ndarray) -> np.ndarray:
    return np.take_along_axis(x, indices, axis=dim) if x.ndim else x.copy()


def _unpick(g: Any, out: Any, x: Any, dim: int, indices: np.ndarray) -> Any:
    if not x.shape:
        return g
    return scatter(zeros_of(x, g), g, dim=dim, index=indices)


sort: OpDef = defop(
    "sort",
    _picked,
    (_unpick,),
    saves_attrs=True,  # the indices
    rule="grad_self = zeros like self with grad put back where each sorted value came from",
)
sort_stable: OpDef = defop(  # sort(stable=True) is another overload in PyTorch: SortBackward1
    "sort_stable",
    _picked,
    (_unpick,),
    node="SortBackward1",
    saves_attrs=True,
    rule="grad_self = zeros like self with grad put back where each sorted value came from",
)
topk: OpDef = defop(
    "topk",
    _picked,
    (_unpick,),
    saves_attrs=True,  # the indices
    rule="grad_self = zeros like self with grad at the k chosen elements",
)


def _filled(x: np.ndarray, mask: np.ndarray, value: Any) -> np.ndarray:
    return np.where(mask, np.asarray(value).astype(x.dtype), x)


masked_fill: OpDef = defop(
    "masked_fill",
    lambda x, mask, value: _filled(x, mask, value),
    (lambda g, out, x, mask, value: masked_fill(g, mask=mask, value=0),),
    saves_attrs=True,  # the mask
    rule="grad_self = grad, 0 where mask",
)
masked_fill_tensor: OpDef = defop(
    "masked_fill_tensor",
    lambda x, value, mask: _filled(x, mask, value),
    (
        lambda g, out, x, value, mask: masked_fill(g, mask=mask, value=0),
        lambda g, out, x, value, mask: sum_all(masked_fill(g, mask=~mask, value=0)),
    ),
    node="MaskedFillBackward1",
    saves_attrs=True,
    arg_names=("self", "value"),
    rule="grad_self = grad, 0 where mask; grad_value = Σ grad where mask",
)
clamp_min: OpDef = defop(
    "clamp_min",
    lambda x, min: clip(x, min, None),  # noqa: A006 - torch's argument name
    (lambda g, out, x, min: where(g, 0.0, condition=raw(x) >= min),),  # noqa: A006
    saves="S",
    rule="grad_self = grad where self >= min, else 0",
)
clamp_max: OpDef = defop(
    "clamp_max",
    lambda x, max: clip(x, None, max),  # noqa: A006
    (lambda g, out, x, max: where(g, 0.0, condition=raw(x) <= max),),  # noqa: A006
    saves="S",
    rule="grad_self = grad where self <= max, else 0",
)
MULTI_VIEW = (
    "Output {} of {} is a view and its base or another view of its base has been modified "
    "inplace. This view is the output of a function that returns multiple views. Such functions "
    "do not allow the output views to be modified inplace. You should replace the inplace "
    "operation by an out-of-place one."
)


def _piece(label: str) -> Any:
    """The backward of one piece of split: PyTorch's error if the base changed in place."""

    def backward(g: Any, out: Any, x: Any, key: Any, piece: int, counter: Any, made: int) -> Any:
        if counter[0] != made:
            raise runtime("multi_view_modified", MULTI_VIEW.format(piece, label))
        return _scatter_back(g, out, x, key)

    return backward


split: OpDef = defop(  # one node per piece; PyTorch's one SplitBackward0 serves all pieces
    "split",
    lambda x, key, piece, counter, made: x[key],
    (_piece("Split"),),
    view=True,
    rule="grad_self = zeros like self with grad put in this piece's (result's) place",
)
split_with_sizes: OpDef = defop(
    "split_with_sizes",
    lambda x, key, piece, counter, made: x[key],
    (_piece("SplitWithSizes"),),
    view=True,
    rule="grad_self = zeros like self with grad put in this piece's (result's) place",
)


def _diagonal(x: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
    key = [slice(None)] * x.ndim  # start where the diagonal starts, then walk it
    if offset >= 0:
        key[dim2] = slice(offset, None)
    else:
        key[dim1] = slice(-offset, None)
    start = x[tuple(key)]
    d = start.diagonal(0, dim1, dim2)  # numpy's diagonal is read-only: a writable twin
    return np.lib.stride_tricks.as_strided(start, d.shape, d.strides, writeable=x.flags.writeable)


def _diagonal_backward_forward(g: np.ndarray, shape: tuple[int, ...], offset: int, dim1: int,
                               dim2: int) -> np.ndarray:  # fmt: skip
    out = np.zeros(shape, g.dtype)
    _diagonal(out, offset, dim1, dim2)[...] = g
    return out


diagonal_backward: OpDef = defop(  # diagonal's gradient as an op, as in PyTorch
    "diagonal_backward",
    _diagonal_backward_forward,
    (
        lambda gg, out, g, shape, offset, dim1, dim2: diagonal(
            gg, offset=offset, dim1=dim1, dim2=dim2
        ),
    ),  # fmt: skip
    rule="grad_grad = the diagonal of grad",
)
diagonal: OpDef = defop(
    "diagonal",
    _diagonal,
    (
        lambda g, out, x, offset, dim1, dim2: diagonal_backward(
            g, shape=tuple(x.shape), offset=offset, dim1=dim1, dim2=dim2
        ),
    ),
    view=True,
    rule="grad_self = zeros like self with grad on the diagonal",
)


def _no_derivative(name: str) -> Any:
    def backward(g: Any, out: Any, x: Any, values: Any) -> Any:
        raise typed(
            MinigradNotImplementedError,
            "no_derivative",
            f"the derivative for '{name}' is not implemented.",
        )

    return backward


# unique has no derivative: PyTorch still records a node, whose backward fails. Not table rows
# (defop), since there is no rule to declare; the same OpDef machinery makes the node.
unique_values = OpDef("_unique2", lambda x, values: values, (_no_derivative("_unique2"),))
unique_dim = OpDef("unique_dim", lambda x, values: values, (_no_derivative("unique_dim"),))
