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
from minigrad.grad_mode import NO_GRAD_VIEWS, is_grad_enabled
from minigrad.inplace import (
    OVERLAP,
    check_inference,
    check_inplace,
    check_no_overlap,
    inplace,
    no_grad_view_error,
    rebase_views,
)
from minigrad.shapes import broadcast_message
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
    """`t[key] = value` as PyTorch's `THPVariable_setitem`: a key of ints, slices and None
    `copy_to`s the value into `t[key]` (CopyBackwards, CopySlices through a view), a key with
    lists, int or bool tensors calls `index_put_` (IndexPutBackward0)."""
    check_inference(t)
    if key is False:
        return  # PyTorch skips `t[False] = v` before it reads the key or the value
    _check_zero_dim(t, key)
    key = _plain_key(key)
    advanced = any(isinstance(k, np.ndarray) for k in key)
    value = _value_of(t, value)
    given = value
    # PyTorch's applySlicing checks the ints first (before the leaf checks)
    check_basic(_expand_ellipsis(_basic_part(key), t.ndim), tuple(t.shape))
    region = None if advanced else t._data[key]  # what a basic key writes
    if region is None:
        value = _strip_ones(value)
    else:
        value = _copy_source(value, region.shape)
    grad = is_grad_enabled() and (t.requires_grad or getattr(value, "requires_grad", False))
    grad = grad and t._data.dtype.kind == "f"  # an integer tensor takes the values, no graph
    if is_grad_enabled() and NO_GRAD_VIEWS and t in NO_GRAD_VIEWS:
        if t.requires_grad or getattr(value, "requires_grad", False):
            raise no_grad_view_error(t, _view_op(key, t.shape) if t.requires_grad else None)
    if is_grad_enabled() and t.grad_fn is None and t.requires_grad and _makes_view(key, t.shape):
        # PyTorch writes through a view (select/slice) of the leaf, so it names the view
        raise runtime(
            "inplace_leaf_view",
            "a view of a leaf Variable that requires grad is being used in an in-place operation.",
            tensor=t,
        )
    if is_grad_enabled():
        check_inplace(t, (value,))  # PyTorch's leaf errors come before the writing op's checks
    _check_source_overlap(t, key, given, region)
    if region is None:
        _check_index_put(t, key, value)
    elif views.overlaps(region):  # a copy into an expanded region writes one element twice
        raise runtime("internal_overlap", OVERLAP, tensor=t)
    if grad:
        _record_write(t, key, value, advanced)
        return
    target = views.writable(t._data)  # an expanded tensor: PyTorch writes the shared memory
    target[key] = value._data if isinstance(value, Tensor) else value
    t._version[0] += 1
    # the memory may be a leaf's (`leaf.detach()[i] = v`, no_grad): its views are regenerated
    rebase_views(t._base if t._base is not None else t)


def _check_source_overlap(
    t: Tensor, key: tuple[Any, ...], value: Any, region: np.ndarray | None
) -> None:
    """PyTorch's error for a value that shares memory with what `t[key] = value` writes: a
    copy (basic key: `region` is t[key]) refuses a partial overlap with it; index_put_ any
    overlap with t. A 0-d value is a fill, and one element under a single bool mask a
    masked_fill: unchecked."""
    if not isinstance(value, Tensor):
        return
    if region is None:
        mask = len(key) == 1 and key[0].dtype == bool
        if not (mask and value._data.size == 1):
            check_no_overlap(t, value, partial_only=False)
    elif value._data.ndim:
        check_no_overlap(t, value, target=region)


def _value_of(t: Tensor, value: Any) -> Any:
    """A tensor or a number, as PyTorch's valueToTensor takes them; a numpy array becomes a
    constant tensor (Tensor's own fills write one, `uniform_`), where PyTorch refuses it."""
    if isinstance(value, np.ndarray):
        return Tensor._make(value)
    if not isinstance(value, (Tensor, int, float, np.number)):
        raise typed(
            MinigradTypeError,
            "setitem_value",
            f"can't assign a {type(value).__name__} to a torch.{t.dtype.legacy}",
        )
    return value


def _record_write(t: Tensor, key: tuple[Any, ...], value: Any, advanced: bool) -> None:
    """The write as a node: CopyBackwards or FillBackward3 into all of t, IndexPutBackward0,
    or CopySlices when torch writes through a view of t (`t[0]`, `t[1:, [0]]`)."""
    if not isinstance(value, Tensor):  # torch makes a number a 0-d tensor of t's dtype
        value = Tensor._make(np.asarray(value, t._data.dtype))
    if _makes_view(key, t.shape):
        inplace(ops.copy_slices, t, value, key=key, accumulate=False)
        node = t.grad_fn
        if isinstance(node, OpNode):  # CopySlices frees its in-place node: no second backward
            node._ctx.versions = ()
    elif advanced:
        inplace(ops.index_put_, t, value, key=key, accumulate=False)
    elif value.shape != t.shape:  # copy_to fills with a 0-d value of another shape
        inplace(ops.fill_tensor, t, value)
    else:
        inplace(ops.copy_, t, value)


def _copy_source(value: Any, shape: tuple[int, ...]) -> Any:
    """What PyTorch's `copy_to` copies into a destination of `shape`: the value itself when the
    shapes match or it is 0-d (a fill), else the value without its leading 1s
    (ViewBackward0), expanded to `shape` (ExpandBackward0) when that still differs."""
    if not isinstance(value, Tensor) or value.shape == shape or value.ndim == 0:
        return value
    src = ops.view(value, shape=_without_leading_ones(value.shape))
    return src if src.shape == shape else src.expand(shape)


def _strip_ones(value: Any) -> Any:
    """index_put_'s value: a tensor's leading 1s viewed away (ViewBackward0) if it has any."""
    if isinstance(value, Tensor) and value.shape != _without_leading_ones(value.shape):
        return ops.view(value, shape=_without_leading_ones(value.shape))
    return value


def _without_leading_ones(shape: tuple[int, ...]) -> tuple[int, ...]:
    """PyTorch's slicePrefix1sSize: the shape after its leading size-1 dims."""
    i = 0
    while i < len(shape) and shape[i] == 1:
        i += 1
    return tuple(shape[i:])


def _check_index_put(t: Tensor, key: tuple[Any, ...], value: Any) -> None:
    """index_put_'s errors on the sliced tensor (ints selected away, as PyTorch's applySlicing
    does): a mask of the wrong shape, an index out of range, then a value that does not
    broadcast to the indexing result or is of another dtype (one value under a single bool
    mask is a masked fill, which casts)."""
    sliced, probe, arrays = _applied_slicing(t, key)
    _check_indices(sliced.shape, arrays)
    if not isinstance(value, Tensor) or (
        value._data.size == 1 and len(arrays) == 1 and arrays[0][1].dtype == bool
    ):
        return
    result = tuple(sliced[probe].shape)
    if broadcast_message([tuple(value.shape), result]) or value.ndim > len(result):
        raise runtime(
            "broadcast",
            f"shape mismatch: value tensor of shape [{', '.join(map(str, value.shape))}] cannot "
            f"be broadcast to indexing result of shape [{', '.join(map(str, result))}]",
        )
    if value._data.dtype != t._data.dtype:
        raise runtime(
            "index_put_dtype",
            "Index put requires the source and destination dtypes match, got "
            f"{_scalar_name(t)} for the destination and {_scalar_name(value)} for the source.",
        )


def _check_indices(shape: tuple[int, ...], arrays: list[tuple[int, np.ndarray]]) -> None:
    """PyTorch's IndexErrors for a mask of the wrong shape or an index out of range (its
    message counts the dimension among the indexed ones)."""
    done = 0
    for dim, k in arrays:
        if k.dtype == bool and tuple(k.shape) != shape[dim : dim + k.ndim]:
            j = next(i for i, n in enumerate(k.shape) if shape[dim + i : dim + i + 1] != (n,))
            raise typed(
                MinigradIndexError,
                "index_mask",
                f"The shape of the mask [{', '.join(map(str, k.shape))}] at index {j} does not "
                f"match the shape of the indexed tensor [{', '.join(map(str, shape))}] at index "
                f"{dim + j}",
            )
        if k.dtype != bool and k.size:
            bad = k[(k >= shape[dim]) | (k < -shape[dim])]
            if bad.size:
                raise _out_of_range(int(bad.flat[0]), done, shape[dim], len(shape) + 1)
        done += k.ndim if k.dtype == bool else 1


def _applied_slicing(
    t: Tensor, key: tuple[Any, ...]
) -> tuple[np.ndarray, tuple[Any, ...], list[tuple[int, np.ndarray]]]:
    """`t` with the key's ints, slices and None applied; a key for it whose index arrays hold
    zeros (the indexing result's shape, whatever the indices); each array with its dim."""
    basic: list[Any] = []
    probe: list[Any] = []
    arrays: list[tuple[int, np.ndarray]] = []
    dim = 0  # the dim of the sliced tensor the next entry stands at
    for k in _expand_ellipsis(key, t.ndim):
        if isinstance(k, np.ndarray):
            n = k.ndim if k.dtype == bool else 1
            arrays.append((dim, k))
            basic.extend([slice(None)] * n)
            probe.append(k if k.dtype == bool else np.zeros(k.shape, np.intp))
            dim += n
        elif k is None or isinstance(k, slice):
            basic.append(k)
            probe.append(slice(None))
            dim += 1
        else:
            basic.append(k)
    return t._data[tuple(basic)], tuple(probe), arrays


def _basic_part(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """The key with each index array as the whole dims it indexes (a mask spans its ndim)."""
    out: list[Any] = []
    for k in key:
        if isinstance(k, np.ndarray):
            out.extend([slice(None)] * (k.ndim if k.dtype == bool else 1))
        else:
            out.append(k)
    return tuple(out)


def _scalar_name(t: Tensor) -> str:
    """PyTorch's ScalarType name of t's dtype (`Float`, `Double`, `Long`)."""
    return t.dtype.legacy.removesuffix("Tensor")


def _view_op(key: tuple[Any, ...], shape: tuple[int, ...]) -> str | None:
    """The forward name of the last view PyTorch makes to write `t[key]` (Select for an int,
    Slice for a partial slice, Unsqueeze for None); None when it writes into t itself."""
    name, dim = None, 0
    for k in _expand_ellipsis(key, len(shape)):
        if isinstance(k, np.ndarray):
            dim += k.ndim if k.dtype == bool else 1
        elif k is None:
            name = "Unsqueeze"
        elif not isinstance(k, slice):
            name, dim = "Select", dim + 1
        else:
            if dim < len(shape) and not _whole(k, shape[dim]):
                name = "Slice"
            dim += 1
    return name


def _makes_view(key: tuple[Any, ...], shape: tuple[int, ...]) -> bool:
    """True when PyTorch writes through a view of t: the key's ints, None or partial slices
    (applied before any index array) make one; t itself, or t indexed, is no view."""
    dim = 0
    for k in _expand_ellipsis(key, len(shape)):
        if isinstance(k, np.ndarray):
            dim += k.ndim if k.dtype == bool else 1
        elif k is None or not isinstance(k, slice):
            return True
        elif dim < len(shape) and not _whole(k, shape[dim]):
            return True  # as written: `t[..., 1:]` of an empty dim is still a view
        else:
            dim += 1
    return False
