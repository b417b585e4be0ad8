"""PyTorch's argument errors for the samplers: bounds, probabilities, sample counts, dtypes.

The texts are ATen's (`DistributionTemplates.h`, `Distributions.cpp`); each check runs before
anything is drawn, so a bad call leaves the generator's state as it was, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.arguments import cpp_number
from minigrad.errors import MinigradNotImplementedError, MinigradValueError, runtime, typed

INT64_MIN, UINT64_MAX = -(2**63), 2**64 - 1
# the C++ type names ATen prints for a dtype (TypeMeta names) and its short names (toString)
C_NAMES = {
    "uint8": "unsigned char", "int8": "signed char", "int16": "short int", "int32": "int",
    "int64": "long int", "float16": "c10::Half", "float32": "float", "float64": "double",
    "bool": "bool",
}  # fmt: skip
SHORT_NAMES = {
    "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long",
    "float16": "Half", "float32": "Float", "float64": "Double", "bool": "Bool",
}  # fmt: skip


def long_long(value: Any) -> int:
    """`value` as a C++ long long, or the ValueError PyTorch's binding raises."""
    n = int(value)
    if not INT64_MIN <= n <= 2**63 - 1:
        raise typed(MinigradValueError, "overflow", "Overflow when unpacking long long")
    return n


def seed_value(seed: Any) -> int:
    """A seed as torch takes it: any int from -2**63 to 2**64 - 1, modulo 2**64."""
    n = int(seed)
    if not INT64_MIN <= n <= UINT64_MAX:
        raise typed(MinigradValueError, "overflow", "Overflow when unpacking long long")
    return n % 2**64


def kernel_dtype(kernel: str, np_type: np.dtype, kinds: str = "f") -> None:
    """ATen's NotImplementedError for a kernel that has no loop for this dtype."""
    if np_type.kind not in kinds:
        name = SHORT_NAMES[np_type.name]
        raise typed(
            MinigradNotImplementedError,
            "dtype",
            f"\"{kernel}\" not implemented for '{name}'",
        )


def from_to(low: int, high: int, np_type: np.dtype) -> None:
    """randint's checks: low < high, and both inside the result dtype's range."""
    if low >= high:
        msg = f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        raise runtime("bad_range", msg)
    info: Any = np.finfo(np_type) if np_type.kind == "f" else None
    lowest: float
    highest: float
    if np_type.kind == "b":
        lowest, highest = 0, 1
    elif info is not None:
        lowest, highest = float(info.min), float(info.max)
    else:
        lowest, highest = int(np.iinfo(np_type).min), int(np.iinfo(np_type).max)
    for name, value in (("from", low), ("to - 1", high - 1)):
        if not lowest <= value <= highest:
            raise runtime("bad_range", f"{name} is out of bounds for {C_NAMES[np_type.name]}")


def std_scalar(std: float) -> None:
    """normal's check on a number std."""
    if not std >= 0.0:
        raise runtime("bad_std", f"normal expects std >= 0.0, but found std {cpp_number(std)}")


def std_tensor(std: np.ndarray) -> None:
    """normal's check on a tensor of std."""
    if std.size and not bool((std >= 0.0).all()):
        raise runtime("bad_std", "normal expects all elements of std >= 0.0")


def probability(p: float) -> None:
    """bernoulli's check on a number p."""
    if not 0 <= p <= 1:
        raise runtime("bad_p", f"bernoulli_ expects p to be in [0, 1], but got p={cpp_number(p)}")


def probabilities(p: np.ndarray) -> None:
    """bernoulli's check on a tensor of probabilities (ATen's own, unimproved, words)."""
    if p.size and not bool(((p >= 0) & (p <= 1)).all()):
        raise runtime(
            "bad_p",
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)",
        )


def multinomial(probs: np.ndarray, num_samples: int, replacement: bool) -> None:
    """multinomial's checks, in ATen's order."""
    if probs.dtype.kind != "f":
        msg = "multinomial only supports floating-point dtypes for input, got: "
        raise runtime("bad_p", msg + SHORT_NAMES[probs.dtype.name])
    if probs.ndim not in (1, 2):
        raise runtime("bad_p", "prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise runtime("bad_p", "cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > probs.shape[-1]:
        msg = "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        raise runtime("bad_p", msg)
    rows = probs.reshape(-1, probs.shape[-1]).astype(np.float64)
    if not replacement or num_samples == 1:
        if rows.size and not (rows.max() < np.inf and rows.min() >= 0):  # nan fails both
            msg = "probability tensor contains either `inf`, `nan` or element < 0"
            raise runtime("bad_p", msg)
        if (rows.sum(axis=-1) == 0).any():
            raise runtime("bad_p", "invalid multinomial distribution (sum of probabilities <= 0)")
        return
    for row in rows:  # ATen's with-replacement kernel checks each row as it sums it
        if not (row >= 0).all():
            msg = "invalid multinomial distribution (encountering probability entry < 0)"
            raise runtime("bad_p", msg)
        if not np.isfinite(row).all():
            msg = (
                "invalid multinomial distribution (encountering probability entry = infinity or "
                "NaN)"
            )
            raise runtime("bad_p", msg)
        if not row.sum() > 0:
            raise runtime("bad_p", "invalid multinomial distribution (sum of probabilities <= 0)")


def uniform_bounds(low: float, high: float, np_type: np.dtype) -> None:
    """uniform_'s checks: a float dtype, both bounds inside it, low <= high."""
    kernel_dtype("check_uniform_bounds", np_type)
    info = np.finfo(np_type)
    for name, value in (("from", low), ("to", high)):
        if not float(info.min) <= value <= float(info.max):  # nan fails too
            raise runtime("bad_range", f"{name} is out of bounds for {C_NAMES[np_type.name]}")
    if low > high:
        msg = f"uniform_ expects to return a [from, to) range, but found from={cpp_number(low)} > "
        raise runtime("bad_range", msg + f"to={cpp_number(high)}")


def exponential(lambd: float, np_type: np.dtype) -> None:
    """exponential_'s checks: a float dtype and a positive rate."""
    if np_type.kind != "f":
        raise runtime(
            "dtype",
            "Exponential distribution is a continuous probability distribution. dtype must be a "
            f"floating point but you specified {SHORT_NAMES[np_type.name]}",
        )
    if not lambd > 0.0:
        msg = f"exponential_ expects lambda > 0.0, but found lambda={cpp_number(lambd)}"
        raise runtime("bad_range", msg)
