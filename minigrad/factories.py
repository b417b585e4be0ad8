"""Ways to make tensors: `tensor`, `zeros`, `rand`, ... and the legacy `FloatTensor` family."""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import dtypes
from minigrad.errors import MinigradTypeError, MinigradValueError, runtime
from minigrad.methods import shape_args
from minigrad.random import generator
from minigrad.tensor import Tensor

COPY_WARNING = (
    "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
    "sourceTensor.detach().clone().requires_grad_(True), rather than "
    "torch.tensor(sourceTensor)."
)


def _ragged_message(data: Any) -> str:
    """PyTorch's text for nested lists of uneven lengths."""
    level: list[Any] = [data]
    dim = 0
    while level:
        seqs = [x for x in level if isinstance(x, (list, tuple))]
        if not seqs:
            break
        expected = len(seqs[0])
        for s in seqs:
            if len(s) != expected:
                return f"expected sequence of length {expected} at dim {dim} (got {len(s)})"
        level = [y for s in seqs for y in s]
        dim += 1
    return "could not build a tensor from ragged nested sequences"


def as_array(data: Any, dt: dtypes.dtype | None = None) -> np.ndarray:
    """`data` (numbers, nested lists, numpy arrays, tensors) as a fresh numpy array."""
    if isinstance(data, Tensor):
        arr = data._data.copy()
    elif isinstance(data, np.ndarray):
        arr = np.array(data)
        dtypes.from_numpy(arr.dtype)  # PyTorch's error for unsupported numpy dtypes
    else:
        native = _check_items(data)
        try:
            arr = np.array(_unwrap(data))
        except ValueError:
            raise MinigradValueError(_ragged_message(data)) from None
        if arr.dtype.kind not in "biuf":
            raise MinigradTypeError(f"new(): invalid data type '{type(data).__name__}'")
        if dt is None and (native or arr.size == 0) and arr.dtype.kind != "b":
            # Python numbers take PyTorch's defaults (floats the default dtype, ints int64);
            # numpy scalars alone keep their own dtype, as in PyTorch. Python floats are
            # doubles: they are cast once, here or to `dt` below, never through float32 first
            # (tensor([1.4], dtype=float64) holds 1.4 exactly).
            arr = _cast(arr, dtypes.get_default_dtype() if arr.dtype.kind == "f" else None)
    if dt is not None and arr.dtype != dt.np_type:
        if dt.np_type.kind in "iu" and arr.dtype.kind != "b" and not isinstance(data, np.ndarray):
            _check_fits(arr, dt)
        arr = _cast(arr, dt)
    return arr


def _cast(arr: np.ndarray, dt: dtypes.dtype | None) -> np.ndarray:
    """`arr` as `dt` (None: int64), overflowing to inf silently as PyTorch does (1e308)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return arr.astype(np.int64 if dt is None else dt.np_type)


def _check_fits(arr: np.ndarray, dt: dtypes.dtype) -> None:
    """PyTorch's error for a Python number outside an integer dtype's range."""
    info = np.iinfo(dt.np_type)  # type: ignore[type-var]
    nan = arr.dtype.kind == "f" and bool(np.isnan(arr).any())
    if arr.size and (nan or arr.min() < info.min or arr.max() > info.max):
        raise runtime("overflow", f"value cannot be converted to type {dt.name} without overflow")


def _unwrap(data: Any) -> Any:
    """Replace 0-d/1-element tensors inside nested lists by their values."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)):
        return [_unwrap(x) for x in data]
    return data


def _check_items(data: Any) -> builtins.bool:
    """Raise PyTorch's error for an item that is no number; True if any is a Python number."""
    native = False
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif not isinstance(x, (builtins.int, builtins.float, builtins.bool, np.number, Tensor)):
            raise MinigradTypeError(f"new(): invalid data type '{type(x).__name__}'")
        elif not isinstance(x, (np.number, Tensor)):
            native = True
    return native


def _leaf(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._make(arr)
    if requires_grad:
        if arr.dtype.kind != "f":
            raise runtime(
                "requires_grad_int",
                "Only Tensors of floating point and complex dtype can require gradients",
            )
        t._requires_grad = True
    return t


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new leaf tensor holding a copy of `data`, with the dtype inferred as PyTorch does.

    Args:
        data: a number, nested lists, a numpy array or a tensor.
        dtype: the element type; default inferred (Python floats give the default dtype).
        device: accepted for compatibility; only "cpu".
        requires_grad: record operations on the result for backward.
    """
    if isinstance(data, Tensor):
        warnings.warn(COPY_WARNING, UserWarning, stacklevel=2)
    dt = dtypes.to_dtype(dtype) if dtype is not None else None
    return _leaf(as_array(data, dt), requires_grad)


def as_tensor(data: Any, dtype: Any = None) -> Tensor:
    """Like `tensor`, but returns `data` itself when it already is a tensor of that dtype."""
    if isinstance(data, Tensor) and (dtype is None or dtypes.to_dtype(dtype) is data.dtype):
        return data
    return tensor(data, dtype=dtype)


def from_numpy(arr: np.ndarray) -> Tensor:
    """A tensor sharing memory with the numpy array `arr`."""
    dtypes.from_numpy(arr.dtype)
    return Tensor._make(arr)


def _filled(fill: Any, size: tuple[Any, ...], dtype: Any, requires_grad: bool) -> Tensor:
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _leaf(np.full(shape_args(size), fill, dt.np_type), requires_grad)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of the given shape."""
    return _filled(0, size, dtype, requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones of the given shape."""
    return _filled(1, size, dtype, requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape (minigrad fills it with zeros; PyTorch leaves it unset)."""
    return _filled(0, size, dtype, requires_grad)


def full(size: Sequence[int], fill_value: Any, dtype: Any = None, requires_grad: bool = False):
    """A tensor of the given shape filled with `fill_value` (its dtype inferred from it)."""
    if dtype is None:
        dtype = dtypes.to_dtype(type(fill_value)) if not isinstance(fill_value, float) else None
    return _filled(fill_value, (tuple(size),), dtype, requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix."""
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _leaf(np.eye(n, m, dtype=dt.np_type), requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None, requires_grad=False):
    """Values from start to end (exclusive) by step; int64 when all arguments are integers."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        is_int = all(isinstance(v, (builtins.int, np.integer)) for v in (start, end, step))
        dt = dtypes.int64 if is_int else dtypes.get_default_dtype()
    else:
        dt = dtypes.to_dtype(dtype)
    return _leaf(np.arange(start, end, step).astype(dt.np_type), requires_grad)


def linspace(start: float, end: float, steps: int, dtype: Any = None, requires_grad=False):
    """`steps` evenly spaced values from start to end (inclusive)."""
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _leaf(np.linspace(start, end, steps).astype(dt.np_type), requires_grad)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform random values in [0, 1) (seeded by manual_seed)."""
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _leaf(generator().random(shape_args(size)).astype(dt.np_type), requires_grad)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal random values (seeded by manual_seed)."""
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _leaf(generator().standard_normal(shape_args(size)).astype(dt.np_type), requires_grad)


def randint(low: int, high: Any = None, size: Any = None, dtype: Any = None) -> Tensor:
    """Random integers in [low, high) as int64 (`randint(high, size)` also works)."""
    if size is None:
        low, high, size = 0, low, high
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    return Tensor._make(generator().integers(low, high, tuple(size)).astype(dt.np_type))


def randperm(n: int) -> Tensor:
    """A random permutation of 0..n-1."""
    return Tensor._make(generator().permutation(n).astype(np.int64))


def _like(maker: Any, t: Tensor, dtype: Any, requires_grad: bool) -> Tensor:
    return maker(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with t's shape and dtype."""
    return _like(zeros, t, dtype, requires_grad)


def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with t's shape and dtype."""
    return _like(ones, t, dtype, requires_grad)


def empty_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor with t's shape and dtype (zeros in minigrad)."""
    return _like(zeros, t, dtype, requires_grad)


def rand_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform random values with t's shape and dtype."""
    return _like(rand, t, dtype, requires_grad)


def randn_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Normal random values with t's shape and dtype."""
    return _like(randn, t, dtype, requires_grad)


def full_like(t: Tensor, fill_value: Any, dtype: Any = None, requires_grad=False) -> Tensor:
    """`fill_value` everywhere, with t's shape and dtype."""
    return full(t.shape, fill_value, dtype=dtype or t.dtype, requires_grad=requires_grad)


def _legacy(dt: dtypes.dtype) -> Any:
    def make(*args: Any) -> Tensor:
        if len(args) == 1 and not isinstance(args[0], builtins.int):
            return Tensor._make(as_array(args[0], dt))
        return Tensor._make(np.zeros(shape_args(args), dt.np_type))

    make.__name__ = dt.legacy
    make.__doc__ = f"Legacy constructor: a {dt.name} tensor from data or a shape."
    return make


FloatTensor = _legacy(dtypes.float32)
DoubleTensor = _legacy(dtypes.float64)
LongTensor = _legacy(dtypes.int64)
IntTensor = _legacy(dtypes.int32)
BoolTensor = _legacy(dtypes.bool)
