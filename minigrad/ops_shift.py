"""More rows of the op table (ops.py): flips, rolls, triangles and running sums.

These rows move or mask elements without reading their values, so their backward is the same
kind of move applied to the gradient, and they save no tensor.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.dispatch import OpDef, defop

flip: OpDef = defop(
    "flip",
    lambda x, dims: np.flip(x, dims).copy(),
    (lambda g, out, x, dims: flip(g, dims=dims),),
    rule="grad_self = grad flipped back along dims",
)
roll: OpDef = defop(
    "roll",
    lambda x, shifts, dims: np.roll(x, shifts, dims),
    (lambda g, out, x, shifts, dims: roll(g, shifts=_negated(shifts), dims=dims),),
    rule="grad_self = grad rolled back by -shifts",
)
tril: OpDef = defop(
    "tril",
    lambda x, diagonal: np.tril(x, diagonal),
    (lambda g, out, x, diagonal: tril(g, diagonal=diagonal),),
    rule="grad_self = grad's lower triangle",
)
triu: OpDef = defop(
    "triu",
    lambda x, diagonal: np.triu(x, diagonal),
    (lambda g, out, x, diagonal: triu(g, diagonal=diagonal),),
    rule="grad_self = grad's upper triangle",
)


def _cumsum_backward(g: Any, out: Any, x: Any, dim: int) -> Any:
    # each input adds into every later output: the reversed running sum of the gradient
    if x.ndim == 0:  # a 0-d cumsum is the identity
        return g
    return flip(cumsum(flip(g, dims=(dim,)), dim=dim), dims=(dim,))


def _cumsum_forward(x: np.ndarray, dim: int) -> np.ndarray:
    # integers (and bools) sum in int64; floats accumulate in float64 and round once (ATen's
    # CPU cumsum accumulates in acc_type, double for float), so float32 matches bit for bit
    if x.ndim == 0:  # PyTorch: a 0-d tensor's cumsum is a 0-d copy
        return x.astype(np.int64 if x.dtype.kind in "biu" else x.dtype)
    if x.dtype.kind in "biu":
        return np.cumsum(x, axis=dim, dtype=np.int64)
    return np.cumsum(x, axis=dim, dtype=np.float64).astype(x.dtype)


cumsum: OpDef = defop(
    "cumsum",
    _cumsum_forward,
    (_cumsum_backward,),
    rule="grad_self = reversed cumsum of grad along dim (grad itself if self is 0-d)",
)


def _negated(shifts: Any) -> Any:
    return tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts
