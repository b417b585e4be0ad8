"""The legacy constructors `torch.Tensor(...)`, `torch.FloatTensor(...)`, ...: data or a shape.

PyTorch reads the arguments as one of: nothing (an empty tensor), a tensor (`Tensor(other)`),
sizes (`Tensor(2, 3)`), or data (`Tensor([1, 2])`). A lone number is not data: `Tensor(2.5)` is
PyTorch's TypeError "new(): data must be a sequence (got float)", where `torch.tensor(2.5)`
makes a 0-d tensor. These are PyTorch 2.13's texts.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from minigrad import dtypes
from minigrad.arguments import nonnegative, type_name
from minigrad.errors import MinigradTypeError, typed
from minigrad.factories import as_array
from minigrad.tensor import Tensor

_OVERLOADS = (
    " * (*, torch.device device = None)\n"
    "      didn't match because some of the arguments have invalid types: ({marked})\n"
    " * (torch.Storage storage)\n"
    " * (Tensor other)\n"
    " * (tuple of ints size, *, torch.device device = None)\n"
    " * (object data, *, torch.device device = None)\n"
)
# ATen's TensorOptions spelling of a dtype, for FloatTensor(a LongTensor) and the like
_CPP_TYPES = {
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}


def _is_size(x: Any) -> bool:
    return isinstance(x, (builtins.int, np.integer)) and not isinstance(
        x, (builtins.bool, np.bool_)
    )


def _options(dt: dtypes.dtype) -> str:
    return (
        f"TensorOptions(dtype={_CPP_TYPES.get(dt.name, dt.name)}, device=cpu, layout=Strided, "
        "requires_grad=false (default), pinned_memory=false (default), "
        "memory_format=(nullopt))"
    )


def _from_tensor(dt: dtypes.dtype, other: Tensor, strict: bool) -> Tensor:
    """`Tensor(other)`: the same data (an alias); a typed constructor wants its own dtype."""
    have = dtypes.from_numpy(other._data.dtype)
    if strict and have != dt:
        message = f"expected {_options(dt)} (got {_options(have)})"
        raise typed(MinigradTypeError, "legacy_dtype", message)
    return Tensor._make(other._data)


def _bad_sizes(args: tuple[Any, ...]) -> Exception:
    """PyTorch's TypeError for sizes that are not all ints."""
    if _is_size(args[0]):
        pos = next(i for i, a in enumerate(args) if not _is_size(a))
        message = (
            f"new(): argument 'size' failed to unpack the object at pos {pos + 1} with error "
            f'"type must be tuple of ints,but got {type_name(args[pos])}"'
        )
        return typed(MinigradTypeError, "legacy_args", message)
    names = [type_name(a) for a in args]
    marked = ", ".join(f"!{n}!" for n in names)
    message = (
        f"new() received an invalid combination of arguments - got ({', '.join(names)}), "
        "but expected one of:\n" + _OVERLOADS.format(marked=marked)
    )
    return typed(MinigradTypeError, "legacy_args", message)


def legacy_new(dt: dtypes.dtype, args: tuple[Any, ...], strict: bool) -> Tensor:
    """What `torch.Tensor(*args)` (strict=False) or `torch.FloatTensor(*args)` makes.

    Args:
        dt: the constructor's dtype (the default dtype for torch.Tensor).
        args: the positional arguments as given.
        strict: a tensor argument must already have `dt` (the typed constructors).
    """
    if not args:
        return Tensor._make(np.zeros((0,), dt.np_type))
    if len(args) == 1:
        (data,) = args
        if isinstance(data, Tensor):
            return _from_tensor(dt, data, strict)
        if isinstance(data, str):
            raise typed(MinigradTypeError, "legacy_data", "new(): invalid data type 'str'")
        if not _is_size(data):
            if data is None or isinstance(data, (builtins.float, builtins.bool, np.generic)):
                message = f"new(): data must be a sequence (got {type_name(data)})"
                raise typed(MinigradTypeError, "legacy_data", message)
            return Tensor._make(as_array(data, dt))
    if not all(_is_size(a) for a in args):
        raise _bad_sizes(args)
    shape = nonnegative("Tensor", tuple(builtins.int(a) for a in args))
    return Tensor._make(np.zeros(shape, dt.np_type))


def _legacy(dt: dtypes.dtype) -> Any:
    def make(*args: Any) -> Tensor:
        return legacy_new(dt, args, strict=True)

    make.__name__ = dt.legacy
    make.__doc__ = f"Legacy constructor: a {dt.name} tensor from data or a shape."
    return make


FloatTensor = _legacy(dtypes.float32)
DoubleTensor = _legacy(dtypes.float64)
LongTensor = _legacy(dtypes.int64)
IntTensor = _legacy(dtypes.int32)
BoolTensor = _legacy(dtypes.bool)
