"""More rows of the op table (ops.py): variance, standard deviation, products, running products.

var(x) = Σ (x - mean)² / (N - correction); std = √var. PyTorch's gradients:
d var / dx = 2 (x - mean) / (N - correction); d std / dx = d var / dx / (2 std), 0 where std = 0.
A product's gradient is the product of the other elements, computed without dividing by x
when x holds zeros (as PyTorch does).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad import dtypes
from minigrad.dispatch import OpDef, defop
from minigrad.ops import (
    _count,
    _expand_back,
    _numel,
    cat,
    const,
    index,
    mean,
    mean_dim,
    mul_scalar,
    np_dtype,
    raw,
    stack,
    sum_dim,
    unsqueeze,
)
from minigrad.ops_select import masked_fill
from minigrad.ops_shift import cumsum, flip


def _all_dims(x: Any, dim: Any) -> tuple[int, ...]:
    return tuple(range(len(x.shape))) if dim is None else dim


def _var_forward(x: np.ndarray, dim: Any, correction: float, keepdim: bool) -> np.ndarray:
    return _spread(x, dim, correction, keepdim, root=False)


def _spread(x: np.ndarray, dim: Any, correction: float, keepdim: bool, root: bool) -> np.ndarray:
    """var (or std, with root) computed in float64, rounded once to x's dtype.

    PyTorch accumulates float32 in double precision too: this gives its float32 results.
    """
    with warnings.catch_warnings():  # numpy's own dof warning: the method gives PyTorch's
        warnings.simplefilter("ignore", RuntimeWarning)
        v = np.var(x.astype(np.float64), axis=dim, ddof=correction, keepdims=keepdim)
    return (np.sqrt(v) if root else v).astype(x.dtype)


def _var_backward(g: Any, out: Any, x: Any, dim: Any, correction: float, keepdim: bool) -> Any:
    """PyTorch's var_backward: `(2 / (N - correction)) * grad * (self - self.mean(dim, true))`,
    the scalar product first (MulBackward1), grad unsqueezed back where dims were dropped."""
    if x.ndim == 0 or dim is None:
        dof = _numel(x) - correction
        if dof <= 0:  # 2 / 0 is inf: nan where self is its mean (inf * 0), else inf
            values = raw(x)
            at_mean = values == mean(values)
            # at::where of two Python floats: the default dtype (a 0-d grad takes it)
            fill = np.where(at_mean, np.nan, np.inf).astype(dtypes.get_default_dtype().np_type)
            return g * const(fill, g)
        centred = x - mean(x)  # C++ evaluates the right operand first
        return mul_scalar(g, other=2.0 / dof) * centred
    if not keepdim and x.ndim > 1:  # PyTorch's unsqueeze_multiple: one unsqueeze per dim
        for d in sorted(dim):
            g = unsqueeze(g, dim=d)
    with np.errstate(divide="ignore"):  # N == correction: inf, as PyTorch's double division
        scale = float(np.float64(2.0) / np.float64(_count(x, dim) - correction))
    centred = x - mean_dim(x, dim=dim, keepdim=True)
    return mul_scalar(g, other=scale) * centred


def _std_backward(g: Any, out: Any, x: Any, dim: Any, correction: float, keepdim: bool) -> Any:
    """PyTorch's std_backward: var_backward of `(grad / (result * 2)).masked_fill_(result == 0,
    0)` (std = 0: gradient 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        g_var = masked_fill(g / mul_scalar(out, other=2), mask=raw(out) == 0, value=0)
    return _var_backward(g_var, None, x, dim, correction, keepdim)


var: OpDef = defop(
    "var",
    _var_forward,
    (_var_backward,),
    saves="S",
    float_op=True,
    quiet=True,  # N <= correction: nan or inf; the method warns in PyTorch's words
    rule="grad_self = (2 / (N - correction)) * grad * (self - mean)",
)
std: OpDef = defop(
    "std",
    lambda x, dim, correction, keepdim: _spread(x, dim, correction, keepdim, root=True),
    (_std_backward,),
    saves="S",
    saves_out=True,
    float_op=True,
    quiet=True,
    rule="grad_self = (2 / (N - correction)) * grad / (2 * result) * (self - mean), "
    "0 where result = 0",
)


def _exclusive_cumprod(x: Any, dim: int) -> Any:
    """[1, x0, x0 x1, ...] along dim: the product of the elements before each one."""
    shape = list(x.shape)
    n, shape[dim] = shape[dim], 1
    ones = const(np.ones(tuple(shape), np_dtype(x)), x)
    head = index(x, key=(slice(None),) * dim + (slice(0, n - 1),))
    return cat(ones, cumprod(head, dim=dim), dim=dim)


def _others(x: Any, dim: int) -> Any:
    """Π_{j≠i} x_j along `dim` for each i, without dividing (x may hold zeros).

    Built from this table's ops, so create_graph differentiates it again.
    """
    after = flip(_exclusive_cumprod(flip(x, dims=(dim,)), dim), dims=(dim,))
    return _exclusive_cumprod(x, dim) * after


def _int64_for_ints(x: np.ndarray) -> Any:
    return np.int64 if x.dtype.kind in "biu" else None


def _prod_backward(g: Any, out: Any, x: Any) -> Any:
    if not x.shape:  # a 0-d tensor is its own product
        return g
    grown = _expand_back(g, x, _all_dims(x, None), False)
    values = raw(x)
    if values.all():  # no zero: result / x, which create_graph can differentiate again
        return grown * (_expand_back(out, x, _all_dims(x, None), False) / x)
    if values.size == 1:  # the product of no other element is 1 (a constant, as in PyTorch)
        return grown
    return grown * _others(x.reshape((-1,)), 0).reshape(tuple(x.shape))


def _prod_dim_backward(g: Any, out: Any, x: Any, dim: int, keepdim: bool) -> Any:
    if not x.shape:  # a 0-d tensor is its own product
        return g
    grown = _expand_back(g, x, (dim,), keepdim)
    values = raw(x)
    if values.all():
        return grown * (_expand_back(out, x, (dim,), keepdim) / x)
    if x.shape[dim] == 1:
        return grown
    return grown * _others(x, dim)


prod: OpDef = defop(
    "prod",
    lambda x: np.prod(x, dtype=_int64_for_ints(x)),
    (_prod_backward,),
    saves="S",
    saves_out=True,
    rule="grad_self = grad * result / self (the product of the others where self has a 0)",
)
prod_dim: OpDef = defop(
    "prod_dim",
    lambda x, dim, keepdim: np.prod(
        x, axis=dim if x.ndim else None, keepdims=keepdim, dtype=_int64_for_ints(x)
    ),
    (_prod_dim_backward,),
    node="ProdBackward1",
    saves="S",
    saves_out=True,
    rule="grad_self = grad * result / self along dim (the others' product at a 0)",
)


def _cumprod_backward(g: Any, out: Any, x: Any, dim: int) -> Any:
    values = raw(x)
    if values.size <= 1 or values.shape[dim] == 1:  # out = x: grad passes (as PyTorch)
        return g
    if values.all():  # d out_i / d x_k = out_i / x_k for i >= k: a reversed running sum
        return flip(cumsum(flip(g * out, dims=(dim,)), dim=dim), dims=(dim,)) / x
    # zeros: grad_k = Σ_{i >= k} g_i Π_{j <= i, j != k} x_j, one k at a time
    n = values.shape[dim]
    shape = [1] * values.ndim
    shape[dim] = n
    positions = np.arange(n).reshape(shape)
    columns = []
    for k in range(n):
        at_k = (positions == k).astype(values.dtype)
        replaced = x * const(1 - at_k, x) + const(at_k, x)  # x_k set to 1
        weights = cumprod(replaced, dim=dim) * const((positions >= k).astype(values.dtype), x)
        columns.append(sum_dim(g * weights, dim=(dim,), keepdim=False))
    return stack(*columns, dim=dim)


def _cumprod_forward(x: np.ndarray, dim: int) -> np.ndarray:
    # integers in int64; floats run in float64 and are rounded once, as PyTorch's CPU kernel
    if x.dtype.kind in "biu":
        return np.cumprod(x, axis=dim, dtype=np.int64).reshape(x.shape)
    return np.cumprod(x, axis=dim, dtype=np.float64).astype(x.dtype).reshape(x.shape)


cumprod: OpDef = defop(
    "cumprod",
    _cumprod_forward,
    (_cumprod_backward,),
    saves="S",
    saves_out=True,
    rule="grad_self = reversed cumsum of grad * result, divided by self",
)
