"""`matmul` (the `@` operator) built from mm, mv, dot and bmm, as PyTorch builds it."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import ops, ops_norm
from minigrad.errors import runtime
from minigrad.shapes import broadcast_message, normalize_dims


def matmul(x: Any, y: Any) -> Any:
    """Matrix product with PyTorch's rules for 1-D, 2-D and batched (broadcast) operands.

    The graph has PyTorch's nodes in every case but 2-D @ batched (PyTorch transposes both
    operands and the result; minigrad expands and uses bmm): same values and gradients.
    """
    a, b = x.ndim, y.ndim
    if a == 0 or b == 0:
        raise runtime(
            "matmul_shape",
            f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D",
        )
    if a == 1 and b == 1:
        return ops.dot(x, y)
    if a == 2 and b == 1:
        return ops.mv(x, y)
    if a == 1 and b == 2:
        return ops.squeeze_inplace(ops.mm(x.unsqueeze(0), y), dim=0)
    if a == 2 and b == 2:
        return ops.mm(x, y)
    if b <= 2 and a >= 3:  # fold the batch into the rows, as PyTorch does
        k = x.shape[-1]
        flat = (ops.mm if b == 2 else ops.mv)(x.reshape(-1, k), y)
        return ops.unsafe_view(flat, shape=tuple(x.shape[:-1]) + tuple(y.shape[1:]))
    if a == 1 and b >= 3 and x.shape[0] == y.shape[-2]:  # (yᵀ folded) @ x, as PyTorch does
        flat = ops.mv(y.transpose(-1, -2).reshape(-1, x.shape[0]), x)
        return ops.unsafe_view(flat, shape=tuple(y.shape[:-2]) + (y.shape[-1],))
    return _batched(x, y)


def _batched(x: Any, y: Any) -> Any:
    xx = x.unsqueeze(0) if x.ndim == 1 else x
    yy = y.unsqueeze(1) if y.ndim == 1 else y
    if xx.shape[-1] != yy.shape[-2]:
        raise runtime(
            "matmul_shape",
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{int(np.prod(xx.shape[:-2]))}, {xx.shape[-1]}] but got: "
            f"[{int(np.prod(yy.shape[:-2]))}, {yy.shape[-2]}].",
        )
    try:
        batch = tuple(np.broadcast_shapes(tuple(xx.shape[:-2]), tuple(yy.shape[:-2])))
    except ValueError:
        raise runtime(
            "broadcast", broadcast_message([tuple(xx.shape[:-2]), tuple(yy.shape[:-2])]) or ""
        ) from None
    n, k, m = xx.shape[-2], xx.shape[-1], yy.shape[-1]
    xb = xx.expand(batch + (n, k)).reshape(-1, n, k)
    yb = yy.expand(batch + (k, m)).reshape(-1, k, m)
    out = ops.unsafe_view(ops.bmm(xb, yb), shape=batch + (n, m))
    if x.ndim == 1:
        out = out.squeeze(-2)
    if y.ndim == 1:
        out = out.squeeze(-1)
    return out


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A002
    """‖x‖_ord over all elements, or along `dim` (an int or a tuple); ord 2, 1, inf or p > 0.

    Args:
        x: the tensor.
        ord: the order p (float("inf") for the largest |x|).
        dim: the dimensions to reduce, or None for all.
        keepdim: keep the reduced dimensions with size 1.
    """
    if isinstance(ord, str) or not (ord == float("inf") or ord > 0):
        raise runtime("norm_ord", f"minigrad's vector_norm has no ord={ord!r} yet")
    dims = None if dim is None else normalize_dims(dim, x.ndim)
    return ops_norm.vector_norm(x, ord=float(ord), dim=dims, keepdim=keepdim)


def norm(x: Any, ord: Any = None, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A002
    """`torch.linalg.norm`: vector norms, and the Frobenius norm ("fro", the default) of matrices.

    Args:
        x: the tensor.
        ord: None or "fro" (2-norm of all elements), or a vector order (with a 1-D x or an int dim).
        dim: the dimensions to reduce, or None for all.
        keepdim: keep the reduced dimensions with size 1.
    """
    if ord is None or ord == "fro":
        return vector_norm(x, 2, dim, keepdim)
    if x.ndim == 1 or isinstance(dim, int):
        return vector_norm(x, ord, dim, keepdim)
    raise runtime("norm_ord", f"minigrad has no matrix norm ord={ord!r} yet (only 'fro')")


def cross(input: Any, other: Any, *, dim: int = -1) -> Any:  # noqa: A002 - torch's name
    """`torch.linalg.cross`: a × b of 3-vectors along `dim` (see methods_extra.py).

    Args:
        input: the left vectors.
        other: the right vectors.
        dim: the dimension of length 3.
    """
    from minigrad.methods_extra import linalg_cross

    return linalg_cross(input, other, dim)


def __getattr__(name: str) -> Any:
    from minigrad.missing import missing

    raise missing("minigrad.linalg", "torch.linalg", name)
