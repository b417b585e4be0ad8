"""Views and their base: which live views share a base, and where their elements sit in it.

PyTorch rebases a view's history when its base (or a sibling view) changes in place: the base
becomes `CopySlices`, every view `AsStridedBackward0` of the new base (see inplace.py). This
module only keeps the bookkeeping: one list of weak references per base, and `positions`.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

# id(base) -> (a weak reference to the base, [a weak reference to a view, the version its
# history was made at]); entries whose base is gone are swept when the table grows (cheaper
# than a finalizer per base)
_VIEWS: dict[int, tuple[weakref.ref[Any], list[list[Any]]]] = {}


def track(view: Any, base: Any) -> None:
    """Remember that `view` (a Tensor) is a view of `base` (a Tensor that is not a view)."""
    key = id(base)
    entry = _VIEWS.get(key)
    if entry is None or entry[0]() is not base:
        if len(_VIEWS) >= 4096:
            for k in [k for k, (b, _) in _VIEWS.items() if b() is None]:
                del _VIEWS[k]
        entry = _VIEWS[key] = (weakref.ref(base), [])
    refs = entry[1]
    if len(refs) >= 32:  # drop views that are gone, so the list stays short
        refs[:] = [r for r in refs if r[0]() is not None]
    refs.append([weakref.ref(view), view._version[0]])


# id(detached) -> weak references to (the detached tensor, the tensor it was detached from)
_ORIGINS: dict[int, tuple[weakref.ref[Any], weakref.ref[Any]]] = {}


def detached(t: Any, source: Any) -> None:
    """Remember that `t` is `source.detach()` (the same memory and version counter)."""
    if len(_ORIGINS) >= 4096:
        for k in [k for k, (a, b) in _ORIGINS.items() if a() is None or b() is None]:
            del _ORIGINS[k]
    _ORIGINS[id(t)] = (weakref.ref(t), weakref.ref(source))


def origin(t: Any) -> Any:
    """The tensor `t` was detached from (its base when that was a view), else `t` itself."""
    entry = _ORIGINS.get(id(t))
    if entry is None or entry[0]() is not t:
        return t
    source = entry[1]()
    if source is None:
        return t
    return source._base if source._base is not None else source


def live(base: Any, stale: bool = False) -> list[Any]:
    """The views of `base` still alive (Tensors sharing its memory); with `stale`, only those
    whose history was made before the data last changed (PyTorch's attr_version differs)."""
    version = base._version[0]
    entry = _VIEWS.get(id(base))
    if entry is None or entry[0]() is not base:
        return []
    return [
        v
        for v, made in ((r[0](), r[1]) for r in entry[1])
        if v is not None and v._base is base and not (stale and made == version)
    ]


def regenerated(base: Any) -> None:
    """Every live view's history is new as of `base`'s current version."""
    version = base._version[0]
    entry = _VIEWS.get(id(base))
    if entry is not None and entry[0]() is base:
        for r in entry[1]:
            r[1] = version


def overlaps(arr: Any) -> bool:
    """Whether two elements of `arr` share one memory location (an expanded array: stride 0)."""
    return (
        isinstance(arr, np.ndarray)
        and arr.size > 0
        and any(step == 0 and n > 1 for n, step in zip(arr.shape, arr.strides))
    )


def _dense(arr: np.ndarray) -> bool:
    """PyTorch's is_non_overlapping_and_dense: the elements fill a block, in some order."""
    expected = arr.itemsize
    for step, n in sorted((step, n) for n, step in zip(arr.shape, arr.strides) if n != 1):
        if step != expected:
            return False
        expected *= n
    return True


def overlap(a: np.ndarray, b: np.ndarray) -> str:
    """PyTorch's get_overlap_status of two arrays: "full" (the same elements, laid out the same
    way), "partial", "no", or "too_hard" (one is not dense: PyTorch does not look further)."""
    if a is b:
        return "full"
    if a.size == 0 or b.size == 0 or not np.may_share_memory(a, b):
        return "no"
    if not (_dense(a) and _dense(b)):
        return "too_hard"
    a_begin, b_begin = a.__array_interface__["data"][0], b.__array_interface__["data"][0]
    a_end, b_end = a_begin + a.nbytes, b_begin + b.nbytes
    if a_begin == b_begin and a_end == b_end:
        return "full" if a.strides == b.strides else "partial"
    return "partial" if a_begin < b_end and b_begin < a_end else "no"


def _offsets(arr: np.ndarray) -> np.ndarray:
    """Each element's byte offset from the array's first element."""
    off = np.zeros(arr.shape, np.int64)
    for d, (n, step) in enumerate(zip(arr.shape, arr.strides)):
        shape = [1] * arr.ndim
        shape[d] = n
        off = off + (np.arange(n, dtype=np.int64) * step).reshape(shape)
    return off


def positions(view: np.ndarray, base: np.ndarray) -> np.ndarray | None:
    """For each element of `view`, its row-major index in `base`; None if not a view of it."""
    if view.size == 0:
        return np.zeros(view.shape, np.int64)
    if base.size == 0 or not np.shares_memory(view, base):
        return None
    start = view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    where = _offsets(base).ravel()
    order = np.argsort(where, kind="stable")
    wanted = _offsets(view) + start
    found = np.searchsorted(where[order], wanted).clip(0, base.size - 1)
    if not np.array_equal(where[order][found], wanted):
        return None
    return order[found]


def writable(arr: np.ndarray) -> np.ndarray:
    """`arr`, or a writable alias of the same memory when numpy marked it read-only (an
    expanded view: `np.broadcast_to`); `arr` itself when its memory is not writable at all."""
    if arr.flags.writeable:
        return arr
    owner: Any = arr
    while getattr(owner, "base", None) is not None:  # as_strided's views go through a DummyArray
        owner = owner.base
    if not isinstance(owner, np.ndarray) or not owner.flags.writeable:
        return arr
    if not owner.flags.c_contiguous:
        return arr
    offset = arr.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    return np.ndarray(arr.shape, arr.dtype, buffer=owner, offset=offset, strides=arr.strides)
