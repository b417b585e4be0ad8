"""`t[key]` and `t[key] = value`, decomposed as PyTorch decomposes them.

Basic indexing becomes a chain of Select/Slice/Unsqueeze nodes (left to right, full slices
skipped), advanced indexing (lists, integer or bool tensors) one Index node.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import ops, views
from minigrad.dispatch import OpNode
from minigrad.errors import (
    MinigradIndexError,
    MinigradTypeError,
    MinigradValueError,
    runtime,
    typed,
)
from minigrad.grad_mode import is_grad_enabled
from minigrad.inplace import OVERLAP, check_inference, check_inplace, inplace, rebase_views
from minigrad.tensor import Tensor

_VALID_KEYS = (
    "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
    "indices"
)
_KEY_TYPES = (int, float, slice, type(None), type(Ellipsis), np.ndarray, np.bool_, list, str, bytes)


def _has_text(k: Any) -> bool:
    """True if a key (or a list key, at any depth) holds a string: PyTorch's tensor() refuses it."""
    stack = [k]
    while stack:
        x = stack.pop()
        if isinstance(x, (str, bytes)):
            return True
        if isinstance(x, (list, tuple)):
            stack.extend(x)
    return False


def _plain_key(key: Any) -> tuple[Any, ...]:
    """The key as a tuple of ints, slices, None, Ellipsis and numpy arrays."""
    if not isinstance(key, tuple):
        key = (key,)
    out: list[Any] = []
    for k in key:
        if isinstance(k, Tensor):
            k = k._data if k._data.ndim or k._data.dtype == bool else k._data.item()
        elif isinstance(k, list) and not _has_text(k):
            k = np.asarray(k)
        elif isinstance(k, np.integer):
            k = int(k)
        if isinstance(k, (list, str, bytes)) and _has_text(k):
            name = type(k).__name__ if isinstance(k, (str, bytes)) else "str"
            raise typed(MinigradTypeError, "index_type", f"new(): invalid data type '{name}'")
        if not isinstance(k, _KEY_TYPES):
            raise typed(MinigradIndexError, "index_type", f"{_VALID_KEYS} (got {type(k).__name__})")
        if isinstance(k, float):
            raise typed(
                MinigradIndexError,
                "index_type",
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                "are valid indices (got float)",
            )
        if isinstance(k, slice) and k.step is not None and k.step <= 0:
            raise typed(MinigradValueError, "index_step", "step must be greater than zero")
        out.append(k)
    return tuple(out)


def _expand_ellipsis(key: tuple[Any, ...], ndim: int) -> tuple[Any, ...]:
    used = sum(
        (k.ndim if isinstance(k, np.ndarray) and k.dtype == bool else 1)
        for k in key
        if k is not None and k is not Ellipsis
    )
    spots = [i for i, k in enumerate(key) if k is Ellipsis]
    if not spots:
        return key + (slice(None),) * max(ndim - used, 0)
    i = spots[0]
    return key[:i] + (slice(None),) * max(ndim - used, 0) + key[i + 1 :]


def getitem(t: Any, key: Any) -> Any:
    """`t[key]` with PyTorch's nodes and errors."""
    bare = isinstance(key, slice)  # `t[:]` always slices; a tuple skips the no-op slices
    _check_zero_dim(t, key)
    key = _expand_ellipsis(_plain_key(key), t.ndim)
    if any(isinstance(k, np.ndarray) for k in key):
        return _advanced(t, key)
    check_basic(key, tuple(t.shape))
    full = slice(None)
    if not bare and all(isinstance(k, slice) for k in key) and not _slices_something(key, t.shape):
        return ops.alias(t)  # PyTorch 2.x: a key that keeps every element is an alias
    dim = 0
    for k in key:
        if k is None:
            t = ops.unsqueeze(t, dim=dim)
            dim += 1
        elif isinstance(k, slice):
            if (bare and dim == 0) or not _whole(k, t.shape[dim]):
                t = ops.slice_(t, key=(full,) * dim + (k,))
            dim += 1
        else:
            t = ops.select(t, key=(full,) * dim + (k,))
    return t


def _check_zero_dim(t: Any, key: Any) -> None:
    """PyTorch's own errors for a lone int or slice on a 0-dim tensor (`loss.data[0]`)."""
    if t.ndim:
        return
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        if key != 0:  # PyTorch names .item() only for t[0]
            message = f"index {key} is out of bounds for dimension 0 with size 0"
            raise typed(MinigradIndexError, "index_range", message)
        raise typed(
            MinigradIndexError,
            "index_zero_dim",
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
            "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number",
        )
    if isinstance(key, slice):
        raise typed(
            MinigradIndexError, "index_zero_dim", "slice() cannot be applied to a 0-dim tensor."
        )


def check_basic(key: tuple[Any, ...], shape: tuple[int, ...]) -> None:
    """PyTorch's IndexError for too many indices or an int out of range (original dims)."""
    if sum(k is not None and k is not Ellipsis for k in key) > len(shape):
        raise _out_of_range(0, len(shape), 0, len(shape))
    dim = 0  # torch's message counts every key entry before (None too), the size is the dim's
    for real, k in enumerate(key):
        if k is None or k is Ellipsis:
            continue
        if isinstance(k, int) and not -shape[dim] <= k < shape[dim]:
            raise _out_of_range(k, real, shape[dim], len(shape) + real + 1)
        dim += 1


def _slices_something(key: tuple[Any, ...], shape: tuple[int, ...]) -> bool:
    """False when every slice of `key` is written as a whole dimension: start None or 0, step
    None or 1, stop None or past the end (PyTorch reads the numbers as written: `t[:, -3:]` of
    a size-3 dim is still a slice, and so is `t[..., 1:]` of an empty one)."""
    return not all(_whole(k, n) for k, n in zip(key, shape))


def _whole(k: slice, n: int) -> bool:
    """True for a slice written as all of a dimension of size n (`:`, `0:`, `:n`, `::1`)."""
    return k.start in (None, 0) and k.step in (None, 1) and (k.stop is None or k.stop >= n)


def _out_of_range(k: int, dim: int, size: int, ndim: int) -> Exception:
    if dim >= ndim:
        return typed(
            MinigradIndexError,
            "index_range",
            f"too many indices for tensor of dimension {ndim}",
        )
    return typed(
        MinigradIndexError,
        "index_range",
        f"index {k} is out of bounds for dimension {dim} with size {size}",
    )


def _advanced(t: Any, key: tuple[Any, ...]) -> Any:
    full = slice(None)
    for dim, k in enumerate(key):
        if isinstance(k, slice) and k != full:  # PyTorch slices first, then indexes
            t = ops.slice_(t, key=(full,) * dim + (k,))
    rest = tuple(full if isinstance(k, slice) else k for k in key)
    for dim, k in enumerate(rest):
        if isinstance(k, np.ndarray) and k.dtype != bool and k.size:
            size = t.shape[dim] if dim < t.ndim else 0
            bad = k[(k >= size) | (k < -size)]
            if bad.size:
                raise _out_of_range(int(bad.flat[0]), dim, size, t.ndim)
    return ops.index(t, key=rest)


def setitem(t: Any, key: Any, value: Any) -> None:
    """`t[key] = value`: in place, recorded as CopySlices when gradients are involved."""
    check_inference(t)
    _check_zero_dim(t, key)
    key = _plain_key(key)
    if not any(isinstance(k, np.ndarray) for k in key):
        check_basic(_expand_ellipsis(key, t.ndim), tuple(t.shape))  # before the leaf checks
        # a copy into an expanded region would write one element twice
        if views.overlaps(t._data[key]):
            if is_grad_enabled():
                check_inplace(t)  # PyTorch's leaf errors come first
            raise runtime("internal_overlap", OVERLAP, tensor=t)
    if is_grad_enabled() and t.grad_fn is None and t.requires_grad and _makes_view(key, t.shape):
        # PyTorch writes through a view (select/slice) of the leaf, so it names the view
        raise runtime(
            "inplace_leaf_view",
            "a view of a leaf Variable that requires grad is being used in an in-place operation.",
            tensor=t,
        )
    if is_grad_enabled() and (t.requires_grad or getattr(value, "requires_grad", False)):
        plain = not any(isinstance(k, np.ndarray) for k in key)
        if plain and _fills(value, t) and not _makes_view(key, t.shape):
            # the key keeps all of t: torch's copy_to fills t itself with a 0-d value
            if not isinstance(value, Tensor):
                value = Tensor._make(np.asarray(value, t._data.dtype))
            inplace(ops.fill_tensor, t, value)
            return
        v = (
            value
            if isinstance(value, Tensor)
            else float(value)
            if isinstance(value, (int, float, np.number))
            else value
        )
        inplace(ops.copy_slices, t, v, key=key, accumulate=False)
        node = t.grad_fn
        if isinstance(node, OpNode) and (not plain or _makes_view(key, t.shape)):
            # torch's node here (CopySlices, IndexPutBackward0) frees what it keeps, so a second
            # backward fails; for a whole-tensor copy (CopyBackwards) it keeps nothing
            node._ctx.versions = ()
        return
    if is_grad_enabled():
        check_inplace(t)
    target = views.writable(t._data)  # an expanded tensor: PyTorch writes the shared memory
    target[key] = value._data if isinstance(value, Tensor) else value
    t._version[0] += 1
    # the memory may be a leaf's (`leaf.detach()[i] = v`, no_grad): its views are regenerated
    rebase_views(t._base if t._base is not None else t)


def _fills(value: Any, t: Tensor) -> bool:
    """True when torch's `copy_to` fills: a number (made a 0-d tensor) or a 0-d tensor written
    into a tensor of another shape (one of t's shape is copied: CopyBackwards)."""
    if isinstance(value, Tensor):
        return value.ndim == 0 and t.ndim > 0
    return isinstance(value, (int, float))


def _makes_view(key: tuple[Any, ...], shape: tuple[int, ...]) -> bool:
    """True when `t[key]` is a view (select, unsqueeze, a partial slice), not t or an index."""
    if any(isinstance(k, np.ndarray) for k in key):
        return False
    dim = 0
    for k in _expand_ellipsis(key, len(shape)):
        if k is None or not isinstance(k, slice):
            return True
        if dim < len(shape) and not _whole(k, shape[dim]):
            return True  # as written: `t[..., 1:]` of an empty dim is still a view
        dim += 1
    return False
