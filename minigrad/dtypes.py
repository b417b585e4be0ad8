"""Data types: `minigrad.float32` and friends, the default dtype, and PyTorch's type promotion."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np


class dtype:  # noqa: N801 - spelled like torch.dtype
    """A tensor element type. Prints as `torch.float32`, exactly as PyTorch prints it.

    minigrad spells PyTorch's module name in every repr and message (`torch.float32`,
    `torch.Size`, `[torch.FloatTensor [2]]`): a lesson runs as `import minigrad as torch` and
    must print the text its PyTorch original printed.

    Args:
        name: PyTorch's name for the type (`float32`).
        np_type: the numpy type that stores it.
        category: 0 bool, 1 integer, 2 floating point (for type promotion).
        legacy: the legacy tensor type name (`FloatTensor`) used in some error messages.
    """

    __slots__ = ("name", "np_type", "category", "legacy")
    category: builtins.int

    def __init__(self, name: str, np_type: type, category: builtins.int, legacy: str) -> None:
        self.name = name
        self.np_type = np.dtype(np_type)
        self.category = category
        self.legacy = legacy

    @property
    def is_floating_point(self) -> builtins.bool:
        """True for float16/32/64."""
        return self.category == 2

    @property
    def itemsize(self) -> builtins.int:
        """Bytes per element."""
        return self.np_type.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        return self.name


float16 = half = dtype("float16", np.float16, 2, "HalfTensor")
float32 = float = dtype("float32", np.float32, 2, "FloatTensor")  # noqa: A001 - torch.float
float64 = double = dtype("float64", np.float64, 2, "DoubleTensor")
int8 = dtype("int8", np.int8, 1, "CharTensor")
uint8 = dtype("uint8", np.uint8, 1, "ByteTensor")
int16 = short = dtype("int16", np.int16, 1, "ShortTensor")
int32 = int = dtype("int32", np.int32, 1, "IntTensor")  # noqa: A001 - torch.int
int64 = long = dtype("int64", np.int64, 1, "LongTensor")
bool = dtype("bool", np.bool_, 0, "BoolTensor")  # noqa: A001 - torch.bool

ALL = (float16, float32, float64, int8, uint8, int16, int32, int64, bool)
_BY_NUMPY = {d.np_type: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}

_default = float32


def get_default_dtype() -> dtype:
    """The dtype of tensors made from Python floats (float32 unless changed)."""
    return _default


def set_default_dtype(d: dtype) -> None:
    """Set the dtype of tensors made from Python floats.

    Args:
        d: a floating point dtype, as in PyTorch (`minigrad.float64`).
    """
    global _default
    if not isinstance(d, dtype):
        raise TypeError(f"set_default_dtype(): argument 'd' must be dtype, not {type(d).__name__}")
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default = d


def from_numpy(np_dtype: Any) -> dtype:
    """The minigrad dtype that stores `np_dtype` (a numpy dtype or type)."""
    try:
        return _BY_NUMPY[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types "
            "are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def to_dtype(d: Any) -> dtype:
    """Accept a minigrad dtype, a numpy dtype, a torch dtype or a Python type; return ours."""
    if isinstance(d, dtype):
        return d
    if d is builtins_float:
        return _default
    if d is builtins_int:
        return int64
    if d is builtins_bool:
        return bool
    name = getattr(d, "name", None) if not isinstance(d, str) else d
    if isinstance(name, str) and name in _BY_NAME:  # e.g. torch.float32 or "float32"
        return _BY_NAME[name]
    text = str(d)
    if text.startswith("torch."):
        return _BY_NAME[text[len("torch.") :]]
    return from_numpy(d)


builtins_float, builtins_int, builtins_bool = builtins.float, builtins.int, builtins.bool


def scalar_category(value: object) -> builtins.int:
    """Promotion category of a Python number: 0 bool, 1 int, 2 float."""
    if isinstance(value, builtins_bool):
        return 0
    if isinstance(value, builtins_int):
        return 1
    return 2


def promote(a: dtype, b: dtype) -> dtype:
    """torch.promote_types: the smallest dtype both `a` and `b` convert to."""
    if a is b:
        return a
    if a.category != b.category:  # torch: float32 with int64 stays float32 (numpy: float64)
        return a if a.category > b.category else b
    return from_numpy(np.promote_types(a.np_type, b.np_type))


def result_type(dims: list[dtype], zero_dims: list[dtype], scalars: list[object]) -> dtype:
    """PyTorch's result dtype for an op on tensors with dimensions, 0-d tensors and Python numbers.

    Dimensioned tensors win over 0-d tensors, which win over Python numbers, unless the weaker
    group is of a higher category (bool < int < float): then that category's default is used
    (an int tensor times 2.5 gives the default float dtype, not float64 as in numpy).
    """
    result: dtype | None = None
    for group in (dims, zero_dims):
        if not group:
            continue
        best = group[0]
        for d in group[1:]:
            best = promote(best, d)
        if result is None:
            result = best
        elif best.category > result.category:
            result = best if group is zero_dims else promote(result, best)
    if scalars:
        cat = max(scalar_category(s) for s in scalars)
        if result is None or cat > result.category:
            result = (bool, int64, _default)[cat]
    assert result is not None
    return result
