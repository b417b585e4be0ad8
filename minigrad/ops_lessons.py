"""More rows of the op table (ops.py) that lessons use: `log10`, rounding, inverse sines.

makemore plots `loss.log10()` (PyTorch's formula: grad / (self * ln 10)); the PyTorch
"Introduction to tensors" shows ceil, floor and asin. Rounding is flat almost everywhere, so
its gradient is zeros, as PyTorch's derivatives.yaml has it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.dispatch import OpDef, defop
from minigrad.ops import sqrt, zeros_of

LN10 = math.log(10.0)  # PyTorch's derivatives.yaml writes 2.3025850929940456

log10: OpDef = defop(
    "log10",
    np.log10,
    (lambda g, out, x: g / (x * LN10),),
    saves="S",
    float_op=True,
    quiet=True,
    rule="grad_self = grad / (self * ln 10)",
)
asin: OpDef = defop(
    "asin",
    np.arcsin,
    (lambda g, out, x: g / sqrt(1 - x * x),),
    saves="S",
    float_op=True,
    quiet=True,
    rule="grad_self = grad / sqrt(1 - self²)",
)


def _rounding(fn: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """`fn` on floats; integers and bools come back unchanged (a copy), as in PyTorch."""
    return lambda x: fn(x) if x.dtype.kind == "f" else x.copy()


def _zero_grad(g: Any, out: Any, x: Any) -> Any:
    return zeros_of(g, g)


ceil: OpDef = defop(
    "ceil",
    _rounding(np.ceil),
    (_zero_grad,),
    rule="grad_self = 0",
)
floor: OpDef = defop(
    "floor",
    _rounding(np.floor),
    (_zero_grad,),
    rule="grad_self = 0",
)
# np.round rounds half to even, as PyTorch's round does
round_: OpDef = defop(
    "round",
    _rounding(np.round),
    (_zero_grad,),
    rule="grad_self = 0",
)
trunc: OpDef = defop(
    "trunc",
    _rounding(np.trunc),
    (_zero_grad,),
    rule="grad_self = 0",
)


linalg_cross: OpDef = defop(
    "linalg_cross",
    lambda x, y, dim: np.cross(x, y, axis=dim),
    (
        lambda g, out, x, y, dim: linalg_cross(y, g, dim=dim),
        lambda g, out, x, y, dim: linalg_cross(g, x, dim=dim),
    ),
    saves="OO",
    rule="grad_self = other × grad; grad_other = grad × self",
)
