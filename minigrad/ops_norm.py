"""A row of the op table (ops.py): the vector p-norm, `torch.linalg.vector_norm`.

‖x‖_p = (Σ |x|^p)^(1/p); p = inf is max |x|. `torch.norm`, `Tensor.norm` and `linalg.norm`
(vectors, and the Frobenius norm of matrices) all record this one node, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.dispatch import OpDef, defop
from minigrad.ops import _expand_back, absolute, raw, where


def _norm_forward(x: np.ndarray, ord: float, dim: Any, keepdim: bool) -> np.ndarray:  # noqa: A002
    a = np.abs(x)
    if ord == np.inf:
        return a.max(axis=dim, keepdims=keepdim)
    if ord == 1:
        return a.sum(axis=dim, keepdims=keepdim)
    if ord == 2:  # scaled by the largest |x| first, so tiny or huge values do not underflow
        top = a.max(axis=dim, keepdims=True) if a.size else np.ones((1,) * a.ndim, a.dtype)
        top = np.where(top == 0, 1, top).astype(a.dtype)
        total = np.sqrt(((a / top) ** 2).sum(axis=dim, keepdims=True)) * top
        return total if keepdim else np.squeeze(total, dim)
    return (a**ord).sum(axis=dim, keepdims=keepdim) ** (1.0 / ord)


def _norm_backward(g: Any, out: Any, x: Any, ord: float, dim: Any, keepdim: bool) -> Any:  # noqa: A002
    dims = tuple(range(len(x.shape))) if dim is None else dim
    sign = np.sign(raw(x))
    if ord == 1:
        return _expand_back(g, x, dims, keepdim) * sign
    if ord == np.inf:  # shared evenly among the largest |x|, as PyTorch does
        values = raw(out) if keepdim else np.expand_dims(raw(out), dims)
        mask = (np.abs(raw(x)) == values).astype(raw(x).dtype)
        share = sign * mask / mask.sum(axis=dims, keepdims=True)
        return _expand_back(g, x, dims, keepdim) * share
    safe = where(out, 1.0, condition=raw(out) != 0)  # ‖x‖ = 0: gradient 0, as in PyTorch
    if ord == 2:
        return _expand_back(g / safe, x, dims, keepdim) * x
    scale = _expand_back(g / safe ** (ord - 1), x, dims, keepdim)
    return scale * sign * absolute(x) ** (ord - 1)


vector_norm: OpDef = defop(
    "linalg_vector_norm",
    _norm_forward,
    (_norm_backward,),
    saves="S",
    saves_out=True,
    float_op=True,
    rule="grad_self = grad * sign(self) |self|^(p-1) / result^(p-1), result = ‖self‖",
)
