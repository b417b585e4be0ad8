"""`minigrad.nn.utils`: clip_grad_norm_ and clip_grad_value_, as `torch.nn.utils`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad.errors import runtime
from minigrad.grad_mode import no_grad
from minigrad.nn.helpers import missing_name
from minigrad.tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters: Any) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


def _norm(values: np.ndarray, p: float) -> np.ndarray:
    """The p-norm of all of `values`, computed in their dtype (PyTorch's CPU float32 norm
    accumulates in float32 too, so a float64 sum would round differently)."""
    a = np.abs(values)
    kind = a.dtype.type
    if p == math.inf:
        total = a.max(initial=kind(0))
    elif p == 0:
        total = kind(np.count_nonzero(a))
    elif p == 2:
        total = np.sqrt((a * a).sum(dtype=kind))
    else:
        total = (a ** kind(p)).sum(dtype=kind) ** kind(1.0 / p)
    return np.asarray(total, values.dtype)


def clip_grad_norm_(parameters: Any, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:  # fmt: skip
    """Scale all gradients by min(1, max_norm / (‖g‖ + 1e-6)); returns ‖g‖ (all grads as one).

    As PyTorch: ‖g‖ is the norm of the per-tensor norms, and the scaling is done in place.
    The float32 norm can differ from PyTorch's in the last bit (its summation order differs).

    Args:
        parameters: a tensor or an iterable of tensors whose `.grad` to clip.
        max_norm: the largest total norm allowed.
        norm_type: p of the p-norm (`float('inf')` for the largest absolute value).
        error_if_nonfinite: raise if the total norm is nan or inf.
        foreach: accepted and ignored (there is one CPU implementation).
    """
    from minigrad import tensor

    grads, norm_type = _grads(parameters), float(norm_type)
    if not grads:
        return tensor(0.0)
    with np.errstate(invalid="ignore", over="ignore"):  # inf grads: PyTorch is silent
        total = _norm(np.stack([_norm(g._data, norm_type) for g in grads]), norm_type)
        if error_if_nonfinite and not np.isfinite(total):
            raise runtime(
                "nonfinite_norm",
                f"The total norm of order {norm_type} for gradients from `parameters` is "
                "non-finite, so it cannot be clipped. To disable this error and scale the "
                "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`",
            )
        kind = total.dtype.type
        coef = np.minimum(kind(max_norm) / (total + kind(1e-6)), kind(1.0))
    with no_grad():
        for g in grads:
            g.mul_(float(coef))
    return tensor(total)


def clip_grad_value_(parameters: Any, clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient element into [-clip_value, clip_value], in place.

    Args:
        parameters: a tensor or an iterable of tensors whose `.grad` to clip.
        clip_value: the largest absolute value allowed.
        foreach: accepted and ignored.
    """
    value = float(clip_value)
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(min=-value, max=value)


def __getattr__(name: str) -> Any:
    raise missing_name("minigrad.nn.utils", name)
