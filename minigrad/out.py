"""`out=` on the top-level functions: compute, then write the result into the given tensor.

PyTorch's rules: no autograd through `out=` (an error when an argument requires grad); the
result must be castable to out's dtype (float into an integer tensor is refused); an out of
another shape is resized, with a deprecation warning unless it was empty; out is returned.
Functions that return (values, indices) take a pair of tensors.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.errors import MinigradTypeError, runtime, typed

# the functions minigrad has whose torch 2.13 counterpart accepts out= (found by calling each)
OUT_NAMES = frozenset(
    """add sub mul div neg pow abs sqrt exp log sin cos tanh sigmoid clamp clip softmax
    log_softmax dot mv bmm argmax argmin reciprocal eq sign outer tril triu cumsum norm cat stack
    where maximum minimum max min sum mean mm matmul std var prod cumprod gather scatter
    scatter_add clamp_min clamp_max sort topk""".split()
)
PAIRS = frozenset({"max", "min", "sort", "topk"})  # (values, indices) with a dim
RESIZED = (
    "An output with one or more elements was resized since it had shape {}, which does not "
    "match the required output shape {}. This behavior is deprecated, and in a future PyTorch "
    "release outputs will not be resized unless they have zero elements. You can explicitly "
    "reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0)."
)
GRAD_MESSAGE = (
    "{}(): functions with out=... arguments don't support automatic differentiation, but one "
    "of the arguments requires grad."
)


def takes_out(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` with PyTorch's `out=` keyword (or PyTorch's TypeError where torch has none)."""
    name = fn.__name__

    @functools.wraps(fn)
    def call(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        if out is None:
            return fn(*args, **kwargs)
        if name not in OUT_NAMES:
            raise typed(
                MinigradTypeError, "out_arg", f"{name}() got an unexpected keyword argument 'out'"
            )
        _check_grad(name, (*args, *kwargs.values(), out))
        result = fn(*args, **kwargs)
        if isinstance(result, tuple):
            return _write_pair(name, result, out)
        if not hasattr(out, "_data"):
            raise typed(
                MinigradTypeError,
                "out_arg",
                f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}",
            )
        return write_into(name, result, out)

    return call


def _check_grad(name: str, args: tuple[Any, ...]) -> None:
    from minigrad.grad_mode import is_grad_enabled

    if not is_grad_enabled():
        return
    for a in args:
        items = a if isinstance(a, (list, tuple)) else (a,)
        if any(getattr(t, "_requires_grad", False) for t in items):
            raise runtime("out_grad", GRAD_MESSAGE.format(name))


def _write_pair(name: str, result: tuple[Any, ...], out: Any) -> Any:
    from minigrad.methods import return_type

    if not isinstance(out, (list, tuple)) or len(out) != 2:
        raise typed(
            MinigradTypeError, "out_arg", f"{name}(): argument 'out' must be a tuple of 2 Tensors"
        )
    write_into(name, result[0], out[0])
    write_into(name, result[1], out[1])
    return return_type(name + "_out", out[0], out[1])


def write_into(name: str, result: Any, out: Any) -> Any:
    """Copy `result` into `out` with PyTorch's cast and resize rules; return `out`."""
    from minigrad.inplace import _type_word

    src, dst = result._data, out._data
    if name in ("argmax", "argmin") and dst.dtype != np.int64:
        word = {"float32": "float", "float64": "double", "int32": "int"}.get(dst.dtype.name, "")
        raise runtime(
            "out_dtype", f"Expected out tensor to have dtype long int, but got {word} instead"
        )
    if src.dtype != dst.dtype and not np.can_cast(src.dtype, dst.dtype, "same_kind"):
        raise runtime(
            "out_dtype",
            f"result type {_type_word(result)} can't be cast to the desired output type "
            f"{_type_word(out)}",
        )
    if src.shape != dst.shape:
        if dst.size:
            warnings.warn(
                RESIZED.format(list(dst.shape), list(src.shape)), UserWarning, stacklevel=3
            )
        out._data = np.empty(src.shape, dst.dtype)
    np.copyto(out._data, src, casting="unsafe")
    out._version[0] += 1
    return out
