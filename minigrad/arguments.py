"""Argument checks for factories and samplers, worded as PyTorch's argument parser words them.

PyTorch parses `zeros(2, 3)`, `zeros((2, 3))` and `zeros(size=[2, 3])` in C++ and raises
`TypeError: zeros(): argument 'size' (position 1) must be tuple of ints, not float` and the
like before any work is done; a negative size is a RuntimeError naming the whole shape. These
helpers give the same class and text, so a student never sees numpy's own error instead.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from minigrad import dtypes
from minigrad.errors import MinigradTypeError, runtime, typed


def cpp_number(value: Any) -> str:
    """A number as ATen's messages print it: C++ streams' `%g` (`-1`, `1.5`, `1e+10`, `nan`)."""
    return f"{float(value):g}"


def tensor_arg(fn: str, value: Any, name: str = "input", position: int = 1) -> Any:
    """`value`, if it is a Tensor; else PyTorch's TypeError for a function's tensor argument."""
    if not (hasattr(value, "_data") and hasattr(value, "grad_fn")):
        raise MinigradTypeError(
            f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
            f"{type_name(value)}"
        )
    return value


def invalid_combination(fn: str, args: tuple[Any, ...], kwargs: Any = None) -> MinigradTypeError:
    """PyTorch's TypeError for arguments no signature of an overloaded function takes (its
    first line; PyTorch then lists the signatures, minigrad points to them)."""
    got = [type_name(a) for a in args] + [f"{k}={type_name(v)}" for k, v in (kwargs or {}).items()]
    return MinigradTypeError(
        f"{fn}() received an invalid combination of arguments - got ({', '.join(got)}), but "
        f"expected one of:\n * (Tensor input, ...): see help(torch.{fn}) for the signatures"
    )


def type_name(value: Any) -> str:
    """The type's name as PyTorch's messages print it (`float`, `numpy.float32`, `Tensor`)."""
    cls = type(value)
    if hasattr(value, "_data") and hasattr(value, "grad_fn"):
        return "Tensor"
    module = cls.__module__
    return cls.__name__ if module == "builtins" else f"{module.split('.')[0]}.{cls.__name__}"


def _is_index(value: Any, first: bool) -> bool:
    """True if `value` may stand for one size: an int (not bool first), or a one-element int
    tensor; PyTorch checks the first element strictly and unpacks the rest by `__index__`."""
    if isinstance(value, builtins.bool):
        return not first
    if isinstance(value, (builtins.int, np.integer)):
        return True
    data = getattr(value, "_data", None)
    return isinstance(data, np.ndarray) and data.size == 1 and data.dtype.kind in "iu"


def _bad(fn: str, message: str) -> Exception:
    return typed(MinigradTypeError, "bad_argument", f"{fn}(): {message}")


def int_list(
    fn: str, value: Any, name: str = "size", position: int | None = 1, one_int: bool = True
) -> tuple[int, ...]:
    """One `tuple of ints` argument (a shape), checked as PyTorch's parser checks it.

    Args:
        fn: the function's name for the message (`zeros`).
        value: what was passed: an int, a tuple, list or Size of ints.
        name: the argument's name.
        position: its 1-based position, or None when it was passed by keyword.
        one_int: a lone int stands for a 1-d shape (`zeros(3)`; not `randint(5, 3)`).
    """
    where = f"argument '{name}'" + (f" (position {position})" if position else "")
    single = one_int and _is_index(value, first=True)
    if single and not isinstance(value, (tuple, list)):
        return (int(value),)
    if not isinstance(value, (tuple, list)):
        raise _bad(fn, f"{where} must be tuple of ints, not {type_name(value)}")
    return _unpack(fn, tuple(value), where, name, type(value).__name__)


def _unpack(
    fn: str, items: tuple[Any, ...], where: str, name: str, container: str = "tuple"
) -> tuple[int, ...]:
    """The ints of a sequence; PyTorch's two texts for a first or a later bad element."""
    if items and not _is_index(items[0], first=True):
        if "position" not in where:  # by keyword PyTorch names the container's type
            raise _bad(fn, f"{where} must be tuple of ints, not {container}")
        raise _bad(
            fn,
            f"{where} must be tuple of ints, but found element of type "
            f"{type_name(items[0])} at pos 0",
        )
    for i, item in enumerate(items):
        if not _is_index(item, first=False):
            raise _bad(
                fn,
                f"argument '{name}' failed to unpack the object at pos {i + 1} with error "
                f'"type must be tuple of ints,but got {type_name(item)}"',
            )
    return tuple(int(n) for n in items)


def size_args(fn: str, args: tuple[Any, ...], kw: dict[str, Any]) -> tuple[int, ...]:
    """The shape of `fn(2, 3)`, `fn((2, 3))` or `fn(size=(2, 3))`: no negative size.

    Args:
        fn: the function's name for messages.
        args: the positional arguments.
        kw: the other keyword arguments (`size` is taken from it; others are unexpected).
    """
    return nonnegative(fn, shape_of(fn, args, kw))


def shape_of(
    fn: str, args: tuple[Any, ...], kw: dict[str, Any], name: str = "size"
) -> tuple[int, ...]:
    """The ints of a `*size` argument (`view(2, -1)` too), checked as PyTorch's parser does.

    Args:
        fn: the function's name for messages.
        args: the positional arguments.
        kw: the other keyword arguments (`name` is taken from it; others are unexpected).
        name: the argument's name (`size`, `shape`).
    """
    kw = dict(kw)
    size = kw.pop(name, None)
    if kw:
        msg = f"{fn}() got an unexpected keyword argument '{next(iter(kw))}'"
        raise typed(MinigradTypeError, "bad_argument", msg)
    if size is not None:
        if args:
            msg = f"{fn}() got multiple values for argument '{name}'"
            raise typed(MinigradTypeError, "bad_argument", msg)
        return int_list(fn, size, name, position=None)
    if len(args) == 1:
        return int_list(fn, args[0], name)
    if args and not _is_index(args[0], first=True):
        msg = f"{fn}() takes 1 positional argument but {len(args)} were given"
        raise typed(MinigradTypeError, "bad_argument", msg)
    return _unpack(fn, args, f"argument '{name}' (position 1)", name)


def nonnegative(fn: str, shape: tuple[int, ...]) -> tuple[int, ...]:
    """`shape`, or PyTorch's RuntimeError for its first negative size."""
    for n in shape:
        if n < 0:
            if fn == "zeros":  # zeros checks its sizes itself, with its own words
                raise runtime("negative_size", "zeros: Dimension size must be non-negative.")
            dims = ", ".join(map(str, shape))
            raise runtime(
                "negative_size", f"Trying to create tensor with negative dimension {n}: [{dims}]"
            )
    return shape


def int_arg(fn: str, name: str, value: Any, position: int | None) -> int:
    """An `int` argument (`eye(n)`, `randperm(n)`), or PyTorch's TypeError.

    Args:
        fn: the function's name.
        name: the argument's name.
        value: what was passed.
        position: its 1-based position, or None when passed by keyword.
    """
    if isinstance(value, (builtins.int, np.integer)) and not isinstance(value, builtins.bool):
        return int(value)
    where = f"argument '{name}'" + (f" (position {position})" if position else "")
    raise _bad(fn, f"{where} must be int, not {type_name(value)}")


def dtype_arg(fn: str, dtype: Any) -> dtypes.dtype | None:
    """The `dtype=` argument: a torch dtype or Python's float, int, bool; else the TypeError."""
    if dtype is None:
        return None
    if dtype is builtins.float:  # Python's float is a double: float64, whatever the default
        return dtypes.float64
    if isinstance(dtype, dtypes.dtype) or dtype in (builtins.int, builtins.bool):
        return dtypes.to_dtype(dtype)
    raise _bad(fn, f"argument 'dtype' must be torch.dtype, not {type_name(dtype)}")


def number_arg(fn: str, name: str, value: Any, position: int | None) -> Any:
    """A `Number` argument (`full`'s fill value), or PyTorch's TypeError."""
    if isinstance(value, (builtins.int, builtins.float, builtins.bool, np.number, np.bool_)):
        return value
    data = getattr(value, "_data", None)
    if isinstance(data, np.ndarray) and data.size == 1:
        return data.reshape(()).item()
    where = f"argument '{name}'" + (f" (position {position})" if position else "")
    raise _bad(fn, f"{where} must be Number, not {type_name(value)}")


def bool_arg(fn: str, name: str, value: Any) -> builtins.bool:
    """A `bool` keyword argument (`requires_grad=`), or PyTorch's TypeError."""
    if isinstance(value, (builtins.bool, np.bool_)):
        return builtins.bool(value)
    raise _bad(fn, f"argument '{name}' must be bool, not {type_name(value)}")


def infer_size(shape: tuple[int, ...], numel: int) -> tuple[int, ...]:
    """`shape` with its one -1 filled in; ATen's infer_size errors when it cannot be.

    Args:
        shape: the asked shape (`view(2, -1)`).
        numel: the number of elements to arrange.
    """
    infer, known = None, 1
    for i, n in enumerate(shape):
        if n == -1:
            if infer is not None:
                raise runtime("view_size", "only one dimension can be inferred")
            infer = i
        elif n >= 0:
            known *= n
        else:
            dims = ", ".join(map(str, shape))
            msg = f"invalid shape dimension {n} at index {i} of shape [{dims}]"
            raise runtime("view_size", msg)
    dims = ", ".join(map(str, shape))
    if numel == known or (infer is not None and known > 0 and numel % known == 0):
        if infer is None:
            return shape
        if known == 0:
            raise runtime(
                "view_size",
                f"cannot reshape tensor of {numel} elements into shape [{dims}] because the "
                "unspecified dimension size -1 can be any value and is ambiguous",
            )
        return shape[:infer] + (numel // known,) + shape[infer + 1 :]
    raise runtime("view_size", f"shape '[{dims}]' is invalid for input of size {numel}")


def int_divisor(t: Any, other: Any) -> Any:
    """`other`, or PyTorch's error for an integer `//` or `%` by zero (floats give inf/nan)."""
    data = getattr(other, "_data", other)
    ints = t._data.dtype.kind in "iu" and np.asarray(data).dtype.kind in "iu"
    if ints and not isinstance(other, bool) and not np.all(data):
        raise runtime("zero_division", "ZeroDivisionError")
    return other
