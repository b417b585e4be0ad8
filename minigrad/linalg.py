"""`matmul` (the `@` operator) built from mm, mv, dot and bmm, as PyTorch builds it."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import ops, ops_norm
from minigrad.errors import runtime
from minigrad.methods_extra import restride
from minigrad.shapes import broadcast_message, normalize_dims

# the C++ type names PyTorch's mm prints ("expected m1 and m2 to have the same dtype")
_CPP_NAMES = {
    "float32": "float",
    "float64": "double",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "float16": "c10::Half",
    "bfloat16": "c10::BFloat16",
}


def _scalar_name(t: Any) -> str:
    """PyTorch's ScalarType name: Float, Double, Long."""
    return str(t.dtype.legacy).removesuffix("Tensor")


def _dtype_error(message: str) -> Exception:
    return runtime("matmul_dtype", message)


def dot(x: Any, y: Any) -> Any:
    """Dot product of two 1-D tensors; PyTorch checks the ranks, the dtypes, then the sizes."""
    if x.ndim != 1 or y.ndim != 1:
        raise runtime(
            "matmul_shape", f"1D tensors expected, but got {x.ndim}D and {y.ndim}D tensors"
        )
    if x.dtype != y.dtype:
        raise _dtype_error(
            "dot : expected both vectors to have same dtype, but found "
            f"{_scalar_name(x)} and {_scalar_name(y)}"
        )
    return ops.dot(x, y)


def mm(x: Any, y: Any) -> Any:
    """Matrix product of two 2-D tensors; PyTorch checks the shapes before the dtypes."""
    if x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0] and x.dtype != y.dtype:
        a, b = (_CPP_NAMES.get(t.dtype.name, t.dtype.name) for t in (x, y))
        raise _dtype_error(f"expected m1 and m2 to have the same dtype, but got: {a} != {b}")
    return ops.mm(x, y)


def mv(x: Any, y: Any) -> Any:
    """Matrix-vector product; PyTorch checks the shapes before the dtypes (as addmv)."""
    if x.ndim == 2 and y.ndim == 1 and x.shape[1] == y.shape[0] and x.dtype != y.dtype:
        v, m = _scalar_name(y), _scalar_name(x)
        raise _dtype_error(
            f"addmv input tensors must have the same dtype, but got {v}, {m}, and {v}"
        )
    return ops.mv(x, y)


def bmm(x: Any, y: Any) -> Any:
    """Batched matrix product of two 3-D tensors; shapes are checked before dtypes."""
    fits = x.ndim == 3 and y.ndim == 3 and y.shape[:2] == (x.shape[0], x.shape[2])
    if fits and x.dtype != y.dtype:
        raise _dtype_error(f"expected scalar type {_scalar_name(x)} but found {_scalar_name(y)}")
    return ops.bmm(x, y)


def matmul(x: Any, y: Any) -> Any:
    """Matrix product with PyTorch's rules for 1-D, 2-D and batched (broadcast) operands.

    The same decomposition as PyTorch's `_matmul_impl` (aten/src/ATen/native/LinearAlgebra.cpp),
    so the graph has its nodes: dot, mv, mm (`unsqueeze(0)`, `squeeze_(0)` for 1-D @ 2-D), a
    fold of the batch into the rows of an mm or mv when `_should_fold`, else expand + bmm.
    """
    a, b = x.ndim, y.ndim
    if a == 0 or b == 0:
        raise runtime(
            "matmul_shape",
            f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D",
        )
    if a == 1 and b == 1:
        return dot(x, y)
    if a == 2 and b == 1:
        return mv(x, y)
    if a == 1 and b == 2:
        out = mm(x.unsqueeze(0), y)  # squeeze_ keeps mm's tensor: not a view, version 1
        return restride(out, ops.squeeze_inplace(out, dim=0))
    if a == 2 and b == 2:
        return mm(x, y)
    if _should_fold(x, y):
        return _folded(x, y)
    if a == 3 and b == 3 and x.shape[0] != y.shape[0]:  # PyTorch folds a size-1 batch needing grad
        if x.shape[0] == 1 and x.requires_grad:
            return matmul(x.squeeze(0), y)
        if y.shape[0] == 1 and y.requires_grad:
            return matmul(x, y.squeeze(0))
    return _batched(x, y)


def _should_fold(x: Any, y: Any) -> bool:
    """PyTorch's `should_fold`: fold the larger operand's batch into an mm/mv."""
    larger = x.ndim >= y.ndim
    big, small_ndim = (x, y.ndim) if larger else (y.mT, x.ndim)
    if not (big.ndim >= 3 and small_ndim <= 2):
        return False
    if (y if larger else x).requires_grad:  # PyTorch folds to keep the gradient small
        return True
    if x.ndim == 2:
        return False
    if big.numel() == 0:
        return True
    arr = big._data
    strides = [s // arr.itemsize for s in arr.strides]
    shape = arr.shape
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(arr.ndim - 2))


def _folded(x: Any, y: Any) -> Any:
    """The batch of the larger operand folded into the rows of one mm or mv."""
    transpose = y.ndim > x.ndim
    big = y.mT if transpose else x
    small = (x.t() if x.ndim == 2 else x) if transpose else y
    shape = tuple(big.shape[:-1])
    rows = int(np.prod(shape, dtype=np.int64))
    flat = big.reshape(rows, big.shape[-1])
    if small.ndim == 2:
        out = ops.unsafe_view(mm(flat, small), shape=shape + (small.shape[1],))
        return out.mT.contiguous() if transpose else out
    return ops.unsafe_view(mv(flat, small), shape=shape)


def _batched(x: Any, y: Any) -> Any:
    """Both operands expanded to the broadcast batch, flattened to 3-D, one bmm."""
    n = x.shape[-2] if x.ndim > 1 else 1
    m1, m2 = x.shape[-1], y.shape[-2] if y.ndim > 1 else y.shape[0]
    p = y.shape[-1] if y.ndim > 1 else 1
    bx, by = tuple(x.shape[: max(x.ndim - 2, 0)]), tuple(y.shape[: max(y.ndim - 2, 0)])
    try:
        batch = tuple(np.broadcast_shapes(bx, by))
    except ValueError:
        raise runtime("broadcast", broadcast_message([bx, by]) or "") from None
    count = int(np.prod(batch, dtype=np.int64))
    xb = x.expand(batch + (n, m1)).reshape(count, n, m1)
    if y.ndim == 1:
        yb = y.expand(batch + (m2,)).reshape(count, m2).unsqueeze(2)
    else:
        yb = y.expand(batch + (m2, p)).reshape(count, m2, p)
    shape = batch + ((n,) if x.ndim > 1 else ()) + ((p,) if y.ndim > 1 else ())
    out = bmm(xb, yb)
    return ops.unsafe_view(out.squeeze(-1) if y.ndim == 1 else out, shape=shape)


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A002
    """‖x‖_ord over all elements, or along `dim` (an int or a tuple); ord 2, 1, inf or p > 0.

    Args:
        x: the tensor.
        ord: the order p (float("inf") for the largest |x|).
        dim: the dimensions to reduce, or None for all.
        keepdim: keep the reduced dimensions with size 1.
    """
    if x.dtype.np_type.kind != "f":
        raise runtime(
            "norm_dtype",
            "linalg.vector_norm: Expected a floating point or complex tensor as input. "
            f"Got {_scalar_name(x)}",
        )
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
