"""Shape helpers shared by tensors, the dispatcher and factories: no Tensor, only tuples of ints.

A low module: it imports numpy and `errors` only, so every layer above may use it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.errors import MinigradIndexError, runtime, typed


def shape_args(args: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept `f(2, 3)`, `f((2, 3))`, `f([2, 3])` or `f(Size)`; return a tuple of ints."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    return tuple(int(a) for a in args)


def infer_shape(shape: tuple[int, ...], numel: int) -> tuple[int, ...]:
    """Fill in one -1 in `shape`, with PyTorch's error when the sizes do not fit."""
    if shape.count(-1) > 1:
        raise runtime("view_size", "only one dimension can be inferred")
    known = int(np.prod([n for n in shape if n != -1], dtype=np.int64))
    if shape.count(-1) == 1 and known and numel % known == 0:
        shape = tuple(numel // known if n == -1 else n for n in shape)
    if int(np.prod(shape, dtype=np.int64)) != numel or -1 in shape:
        dims = ", ".join(map(str, shape))
        raise runtime("view_size", f"shape '[{dims}]' is invalid for input of size {numel}")
    return shape


def normalize_dim(dim: int, ndim: int) -> int:
    """`dim` as a non-negative index, or PyTorch's IndexError when out of range."""
    top = max(ndim, 1)
    if not -top <= dim < top:
        raise typed(
            MinigradIndexError,
            "dim_range",
            f"Dimension out of range (expected to be in range of [{-top}, {top - 1}], "
            f"but got {dim})",
        )
    return dim % top


def normalize_dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """One dim or a list of dims as sorted non-negative indices (PyTorch's IndexError if out).

    Args:
        dim: an int, or a list or tuple of ints.
        ndim: the number of dimensions of the tensor.
    """
    if isinstance(dim, (list, tuple)):
        return tuple(sorted(normalize_dim(d, ndim) for d in dim))
    return (normalize_dim(dim, ndim),)


def broadcast_message(shapes: list[tuple[int, ...]]) -> str | None:
    """PyTorch's text when two shapes cannot broadcast, or None if they can."""
    a, b = shapes[0], shapes[1]
    ndim = max(len(a), len(b))
    for i in range(ndim - 1, -1, -1):
        ia, ib = i - (ndim - len(a)), i - (ndim - len(b))
        sa = a[ia] if ia >= 0 else 1
        sb = b[ib] if ib >= 0 else 1
        if sa != sb and sa != 1 and sb != 1:
            return (
                f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) "
                f"at non-singleton dimension {i}"
            )
    return None
