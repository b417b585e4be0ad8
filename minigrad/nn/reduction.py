"""Loss reductions: 'mean', 'sum' or 'none', and PyTorch's deprecated size_average/reduce flags.

The shared helper of `functional.py` and `functional_layers.py` (PyTorch's `nn._reduction`).
"""

from __future__ import annotations

import warnings
from typing import Any

REDUCTIONS = ("none", "mean", "sum")


def reduction_mode(reduction: str, size_average: Any = None, reduce: Any = None) -> str:
    """The reduction to use, honouring the deprecated size_average/reduce flags (with a warning)."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def legacy_reduction(size_average: Any, reduce: Any, emit_warning: bool = True) -> str:
    """PyTorch's `_Reduction.legacy_get_string`: old flags -> 'mean' / 'sum' / 'none'.

    Args:
        size_average: average (True) or sum (False) the losses; None means True.
        reduce: reduce at all; None means True.
        emit_warning: warn that the flags are deprecated.
    """
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = "mean" if size_average and reduce else "sum" if reduce else "none"
    if emit_warning:
        warnings.warn(
            "size_average and reduce args will be deprecated, please use "
            f"reduction='{result}' instead.",
            stacklevel=3,
        )
    return result
