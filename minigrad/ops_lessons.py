"""More rows of the op table (ops.py) that lessons use: `log10`.

makemore plots `loss.log10()`; PyTorch's formula is grad / (self * ln 10).
"""

from __future__ import annotations

import math

import numpy as np

from minigrad.dispatch import OpDef, defop

LN10 = math.log(10.0)  # PyTorch's derivatives.yaml writes 2.3025850929940456

log10: OpDef = defop(
    "log10", np.log10, (lambda g, out, x: g / (x * LN10),), saves="S", float_op=True,
    quiet=True, rule="grad_self = grad / (self * ln 10)",
)  # fmt: skip
