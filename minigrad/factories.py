"""Ways to make tensors: `tensor`, `zeros`, `arange`, ... (legacy `FloatTensor`: legacy.py)."""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import dtypes
from minigrad.arguments import (
    bool_arg,
    cpp_number,
    dtype_arg,
    int_arg,
    int_list,
    nonnegative,
    number_arg,
    size_args,
    tensor_arg,
)
from minigrad.device import check_device
from minigrad.errors import MinigradTypeError, MinigradValueError, runtime
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
    """`arr` as `dt` (None: int64), quietly: the one cast of the factories.

    PyTorch overflows to inf (`tensor([1e308])`), wraps integers (`full((2,), -1, dtype=uint8)`)
    and rounds float16 without a word; numpy would warn "overflow encountered in cast".
    """
    with np.errstate(all="ignore"):
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
        elif isinstance(x, (str, bytes)):
            raise MinigradTypeError(f"new(): invalid data type '{type(x).__name__}'")
        elif not isinstance(x, (builtins.int, builtins.float, builtins.bool, np.number, Tensor)):
            raise runtime("dtype", f"Could not infer dtype of {type(x).__name__}")
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
    check_device(device)
    dt = dtype_arg("tensor", dtype)
    return _leaf(as_array(data, dt), bool_arg("tensor", "requires_grad", requires_grad))


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like `tensor`, but returns `data` itself when it already is a tensor of that dtype."""
    check_device(device)
    if isinstance(data, Tensor) and (dtype is None or dtypes.to_dtype(dtype) is data.dtype):
        return data
    return tensor(data, dtype=dtype)


def from_numpy(arr: np.ndarray) -> Tensor:
    """A tensor sharing memory with the numpy array `arr`."""
    dtypes.from_numpy(arr.dtype)
    return Tensor._make(arr)


def _filled(fn: str, fill: Any, shape: tuple[int, ...], dtype: Any, requires_grad: Any,
            device: Any = None) -> Tensor:  # fmt: skip
    """A leaf of `shape` filled with `fill`; `fn` names the factory in argument errors."""
    check_device(device)
    dt = dtype_arg(fn, dtype) or dtypes.get_default_dtype()
    grad = bool_arg(fn, "requires_grad", requires_grad)
    check_fill(fill, dt)
    return _leaf(np.full(shape, _cast(np.array(fill), dt), dt.np_type), grad)


# the C++ type ATen names when a fill value does not fit (c10::checked_convert)
_C_TYPES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
            "int64": "int64_t", "float16": "c10::Half", "float32": "float"}  # fmt: skip


def check_fill(fill: Any, dt: dtypes.dtype) -> None:
    """PyTorch's error for a fill value outside the dtype's range (uint8 wraps down to -255)."""
    name = dt.np_type.name
    if name not in _C_TYPES or isinstance(fill, (builtins.bool, np.bool_)):
        return
    if dt.np_type.kind == "f":
        info = np.finfo(dt.np_type)
        fits = not np.isfinite(fill) or float(info.min) <= fill <= float(info.max)
    else:
        limits = np.iinfo(dt.np_type)  # type: ignore[type-var]
        lowest = -int(limits.max) if name == "uint8" else int(limits.min)
        fits = bool(np.isfinite(fill)) and lowest <= fill <= int(limits.max)
    if not fits:
        msg = f"value cannot be converted to type {_C_TYPES[name]} without overflow"
        raise runtime("overflow", msg)


def zeros(*size: Any, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, **kw: Any) -> Tensor:  # fmt: skip
    """A tensor of zeros of the given shape."""
    return _filled("zeros", 0, size_args("zeros", size, kw), dtype, requires_grad, device)


def ones(*size: Any, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, **kw: Any) -> Tensor:  # fmt: skip
    """A tensor of ones of the given shape."""
    return _filled("ones", 1, size_args("ones", size, kw), dtype, requires_grad, device)


def empty(*size: Any, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, **kw: Any) -> Tensor:  # fmt: skip
    """A tensor of the given shape (minigrad fills it with zeros; PyTorch leaves it unset)."""
    return _filled("empty", 0, size_args("empty", size, kw), dtype, requires_grad, device)


def full(size: Sequence[int], fill_value: Any, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:  # fmt: skip
    """A tensor of the given shape filled with `fill_value` (its dtype inferred from it)."""
    shape = nonnegative("full", int_list("full", size, one_int=False))
    fill_value = number_arg("full", "fill_value", fill_value, 2)
    if dtype is None:
        dtype = dtypes.to_dtype(type(fill_value)) if not isinstance(fill_value, float) else None
    return _filled("full", fill_value, shape, dtype, requires_grad, device)


def eye(n: int, m: int | None = None, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:  # fmt: skip
    """The n x m identity matrix."""
    check_device(device)
    for name, value, position in (("n", n, 1), ("m", m, 2)):
        if (value is not None or name == "n") and int_arg("eye", name, value, position) < 0:
            raise runtime("negative_size", f"{name} must be greater or equal to 0, got {value}")
    dt = dtype_arg("eye", dtype) or dtypes.get_default_dtype()
    return _leaf(np.eye(n, m, dtype=dt.np_type), bool_arg("eye", "requires_grad", requires_grad))


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Values from start to end (exclusive) by step; int64 when all arguments are integers."""
    check_device(device)
    if end is None:
        start, end = 0, number_arg("arange", "end", start, 1)
    start, end, step = (
        number_arg("arange", name, value, pos)
        for name, value, pos in (("start", start, 1), ("end", end, 2), ("step", step, 3))
    )
    if dtype is None:
        is_int = all(isinstance(v, (builtins.int, np.integer)) for v in (start, end, step))
        dt = dtypes.int64 if is_int else dtypes.get_default_dtype()
    else:
        dt = dtype_arg("arange", dtype) or dtypes.get_default_dtype()
    _check_range(start, end, step)
    values = _cast(np.arange(start, end, step), dt)
    return _leaf(values, bool_arg("arange", "requires_grad", requires_grad))


def _check_range(start: Any, end: Any, step: Any) -> None:
    """PyTorch's errors for a zero step, an infinite range and a step of the wrong sign."""
    if step == 0:
        raise runtime("bad_range", "step must be nonzero")
    if not (np.isfinite(start) and np.isfinite(end)):
        raise runtime("bad_range", f"unsupported range: {cpp_number(start)} -> {cpp_number(end)}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise runtime("bad_range", "upper bound and lower bound inconsistent with step sign")
    if abs((end - start) / step) > np.iinfo(np.int64).max:
        raise runtime("bad_range", "invalid size, possible overflow?")


def _steps(fn: str, steps: Any) -> int:
    """`steps` of linspace/logspace, or PyTorch's error."""
    steps = int_arg(fn, "steps", steps, 3)
    if steps < 0:
        raise runtime("bad_range", "number of steps must be non-negative")
    return steps


def linspace(start: float, end: float, steps: int, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
    """`steps` evenly spaced values from start to end (inclusive)."""
    check_device(device)
    dt = dtype_arg("linspace", dtype) or dtypes.get_default_dtype()
    for name, bound, position in (("start", start, 1), ("end", end, 2)):
        check_fill(number_arg("linspace", name, bound, position), dt)
    values = _cast(np.linspace(start, end, _steps("linspace", steps)), dt)
    return _leaf(values, bool_arg("linspace", "requires_grad", requires_grad))


def _like(fn: str, fill: Any, t: Tensor, dtype: Any, requires_grad: Any, device: Any) -> Tensor:
    tensor_arg(fn, t)
    dt = dtype_arg(fn, dtype) or t.dtype
    return _filled(fn, fill, tuple(t.shape), dt, requires_grad, device)


# the *_like functions keep torch's argument name `input` (hence noqa: A002)
def zeros_like(
    input: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False  # noqa: A002
) -> Tensor:  # fmt: skip
    """Zeros with t's shape and dtype."""
    return _like("zeros_like", 0, input, dtype, requires_grad, device)


def ones_like(
    input: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False  # noqa: A002
) -> Tensor:  # fmt: skip
    """Ones with t's shape and dtype."""
    return _like("ones_like", 1, input, dtype, requires_grad, device)


def empty_like(
    input: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False  # noqa: A002
) -> Tensor:  # fmt: skip
    """A tensor with t's shape and dtype (zeros in minigrad)."""
    return _like("empty_like", 0, input, dtype, requires_grad, device)


def full_like(
    input: Any, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False  # noqa: A002
) -> Tensor:  # fmt: skip
    """`fill_value` everywhere, with input's shape and dtype."""
    fill_value = number_arg("full_like", "fill_value", fill_value, 2)
    return _like("full_like", fill_value, input, dtype, requires_grad, device)


def logspace(start: float, end: float, steps: int, base: float = 10.0, dtype: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """`steps` values from base**start to base**end, evenly spaced in the exponent."""
    check_device(device)
    dt = dtype_arg("logspace", dtype) or dtypes.get_default_dtype()
    with np.errstate(all="ignore"):  # base**400 is inf, silently, as in PyTorch
        values = np.logspace(start, end, _steps("logspace", steps), base=base)
    return _leaf(_cast(values, dt), bool_arg("logspace", "requires_grad", requires_grad))
