"""Tensor methods for ops_select.py's index rows: gather, scatter, masked_fill, clamp_min/max.

Each checks its arguments as PyTorch does (PyTorch's error texts), then calls one row.
`MoreTensorMethods` (methods_more.py) inherits these.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from minigrad.errors import MinigradTypeError, runtime, typed

_Int = int  # shadowed by the .int() method inside Tensor's classes
_Bool = bool
TYPE_WORDS = {
    "int64": "long int",
    "int32": "int",
    "float32": "float",
    "float64": "double",
    "uint8": "unsigned char",
    "int8": "signed char",
    "int16": "short",
}


def numpy_names(method: Any) -> Any:
    """Accept numpy's `axis=` and `keepdims=` for `dim=` and `keepdim=`, as PyTorch does."""

    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        if "axis" in kwargs:
            kwargs["dim"] = kwargs.pop("axis")
        if "keepdims" in kwargs:
            kwargs["keepdim"] = kwargs.pop("keepdims")
        return method(self, *args, **kwargs)

    return call


def _dim(dim: Any, ndim: int) -> int:
    from minigrad.tensor import normalize_dim

    return normalize_dim(int(dim), ndim)


def _index_array(name: str, index: Any) -> np.ndarray:
    arr = np.asarray(index._data if hasattr(index, "_data") else index)
    if arr.dtype not in (np.int64, np.int32):
        raise runtime("index_dtype", f"{name}(): Expected dtype int32/int64 for index")
    return arr.astype(np.int64, copy=False)


def _check_index(x: np.ndarray, dim: int, index: np.ndarray, src: Any, gather: bool) -> None:
    """PyTorch's checks of an index tensor against self (and src) for gather and scatter."""
    if index.ndim != x.ndim:
        raise runtime(
            "index_dims",
            "Index tensor must have the same number of dimensions as "
            + ("input tensor" if gather else "self tensor"),
        )
    big = [d for d in range(x.ndim) if d != dim and index.shape[d] > x.shape[d]]
    shapes = f"index {list(index.shape)} to be no larger than self {list(x.shape)}"
    if gather and big:
        raise runtime(
            "index_size",
            f"Size does not match at dimension {big[0]} expected {shapes} apart from dimension "
            f"{dim}",
        )
    src_shape = np.shape(src)
    if big or (src_shape and any(i > s for i, s in zip(index.shape, src_shape))):
        tail = f" and to be no larger size than src {list(src_shape)}" if src_shape else ""
        raise runtime("index_size", f"Expected {shapes} apart from dimension {dim}{tail}")
    size = x.shape[dim] if x.ndim else 1
    bad = index[(index < 0) | (index >= size)]
    if bad.size:
        raise runtime(
            "index_range",
            f"index {int(bad.flat[0])} is out of bounds for dimension {dim} with size {size}",
        )


class SelectTensorMethods:
    """Tensor methods for the index and mask rows of ops_select.py."""

    __slots__ = ()
    _data: np.ndarray

    # --- gather, scatter, masks, bounds ---------------------------------------------------------
    @numpy_names
    def gather(self, dim: _Int, index: Any, *, sparse_grad: _Bool = False) -> Any:
        """out[i][j] = self[index[i][j]][j] for dim 0 (likewise for other dims)."""
        from minigrad import ops_select

        d = _dim(dim, self._data.ndim)
        idx = _index_array("gather", index)
        _check_index(self._data, d, idx, None, gather=True)
        return ops_select.gather(self, dim=d, index=idx)

    def _scatter_args(self, dim: Any, index: Any, src: Any, value: Any, reduce: Any) -> Any:
        if reduce is not None:
            raise typed(
                MinigradTypeError,
                "scatter_reduce",
                "minigrad's scatter has no reduce= "
                "(scatter_add adds; PyTorch deprecates reduce= with a tensor src)",
            )
        d = _dim(dim, self._data.ndim)
        idx = _index_array("scatter", index)
        source = src if src is not None else value
        if hasattr(source, "_data") and source._data.dtype != self._data.dtype:
            raise runtime(
                "scatter_dtype", "scatter(): Expected self.dtype to be equal to src.dtype"
            )
        _check_index(self._data, d, idx, getattr(source, "_data", None), gather=False)
        return d, idx, source

    def _scatter(self, dim: Any, index: Any, src: Any, value: Any, reduce: Any, place: Any) -> Any:
        from minigrad import ops_select
        from minigrad.methods import TensorMethods

        d, idx, source = self._scatter_args(dim, index, src, value, reduce)
        if isinstance(source, TensorMethods):
            return place(ops_select.scatter, source, dim=d, index=idx)
        return place(ops_select.scatter_value, dim=d, index=idx, value=source)

    @numpy_names
    def scatter(
        self, dim: _Int, index: Any, src: Any = None, value: Any = None, *, reduce: Any = None
    ) -> Any:
        """A copy with src's values (or `value`) written at the index: out[index[i][j]][j] = src."""
        return self._scatter(dim, index, src, value, reduce, self._call)

    @numpy_names
    def scatter_(
        self, dim: _Int, index: Any, src: Any = None, value: Any = None, *, reduce: Any = None
    ) -> Any:
        """scatter, in place."""
        return self._scatter(dim, index, src, value, reduce, self._inplace)  # type: ignore[attr-defined]

    def _call(self, op: Any, *args: Any, **attrs: Any) -> Any:
        return op(self, *args, **attrs)

    @numpy_names
    def scatter_add(self, dim: _Int, index: Any, src: Any) -> Any:
        """A copy with src's values added at the index (repeated indices add up)."""
        from minigrad import ops_select

        d, idx, source = self._scatter_args(dim, index, src, None, None)
        return ops_select.scatter_add(self, source, dim=d, index=idx)

    @numpy_names
    def scatter_add_(self, dim: _Int, index: Any, src: Any) -> Any:
        """scatter_add, in place."""
        from minigrad import ops_select

        d, idx, source = self._scatter_args(dim, index, src, None, None)
        return self._inplace(ops_select.scatter_add, source, dim=d, index=idx)  # type: ignore[attr-defined]

    def _mask_fill(self, mask: Any, value: Any, place: Any) -> Any:
        from minigrad import ops_select
        from minigrad.dispatch import broadcast_message
        from minigrad.methods import TensorMethods

        m = np.asarray(mask._data if isinstance(mask, TensorMethods) else mask)
        if m.dtype != np.bool_:
            word = TYPE_WORDS.get(m.dtype.name, m.dtype.name)
            raise runtime(
                "mask_dtype",
                f"masked_fill_ only supports boolean masks, but got mask with dtype {word}",
            )
        if broadcast_message([m.shape, self._data.shape]) is not None:
            raise runtime("broadcast", broadcast_message([m.shape, self._data.shape]) or "")
        if isinstance(value, TensorMethods):
            if value._data.ndim:
                raise runtime(
                    "mask_value",
                    "masked_fill_ only supports a 0-dimensional value tensor, but got "
                    f"tensor with {value._data.ndim} dimension(s).",
                )
            return place(ops_select.masked_fill_tensor, value, mask=m)
        return place(ops_select.masked_fill, mask=m, value=value)

    def masked_fill(self, mask: Any, value: Any) -> Any:
        """A copy with `value` where `mask` (a bool tensor, broadcast) is True."""
        return self._mask_fill(mask, value, self._call)

    def masked_fill_(self, mask: Any, value: Any) -> Any:
        """masked_fill, in place."""
        return self._mask_fill(mask, value, self._inplace)  # type: ignore[attr-defined]

    def _bound(self, which: str, bound: Any) -> tuple[Any, Any]:
        from minigrad import ops_select
        from minigrad.methods import TensorMethods, _float_for

        if isinstance(bound, TensorMethods):
            raise typed(
                MinigradTypeError,
                "clamp_tensor",
                f"minigrad's {which} takes a number, "
                "not a tensor (use torch.maximum / torch.minimum)",
            )
        return getattr(ops_select, which), _float_for(self, bound)

    def clamp_min(self, min: Any) -> Any:  # noqa: A002
        """max(self, min), elementwise: the gradient passes where self >= min."""
        row, x = self._bound("clamp_min", min)
        return row(x, min=min)

    def clamp_max(self, max: Any) -> Any:  # noqa: A002
        """min(self, max), elementwise: the gradient passes where self <= max."""
        row, x = self._bound("clamp_max", max)
        return row(x, max=max)

    def clamp_min_(self, min: Any) -> Any:  # noqa: A002
        """clamp_min, in place."""
        return self._inplace(self._bound("clamp_min", min)[0], min=min)  # type: ignore[attr-defined]

    def clamp_max_(self, max: Any) -> Any:  # noqa: A002
        """clamp_max, in place."""
        return self._inplace(self._bound("clamp_max", max)[0], max=max)  # type: ignore[attr-defined]
