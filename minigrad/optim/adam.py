"""Adam (and AdamW through `decoupled_weight_decay`), with PyTorch's update order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from minigrad.optim.optimizer import Optimizer, fused_add
from minigrad.tensor import Tensor


class Adam(Optimizer):
    """m ← β₁m + (1-β₁)g, v ← β₂v + (1-β₂)g², p ← p - lr/(1-β₁ᵗ) · m / (√v/√(1-β₂ᵗ) + ε).

    `foreach`, `capturable`, `differentiable` and `fused` are kept for PyTorch's printed
    settings only.

    Args:
        params: tensors (or param-group dicts) to optimize.
        lr: learning rate.
        betas: (β₁, β₂), decay rates of the running averages of g and g².
        eps: ε, added to the denominator.
        weight_decay: L2 penalty added to g (or, if decoupled, p ← p·(1 - lr·wd) as AdamW).
        amsgrad: divide by the running maximum of v instead of v.
        maximize: ascend the gradient instead.
        decoupled_weight_decay: AdamW's weight decay.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: Any, group: dict[str, Any], state: dict[str, Any]) -> None:
        if not state:
            state["step"] = Tensor._make(np.array(0.0, np.float32))
            state["exp_avg"] = Tensor._make(np.zeros_like(p._data))
            state["exp_avg_sq"] = Tensor._make(np.zeros_like(p._data))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = Tensor._make(np.zeros_like(p._data))
        beta1, beta2 = group["betas"]
        lr, wd = group["lr"], group["weight_decay"]
        g = -grad if group["maximize"] else grad
        state["step"]._data += 1
        step = float(state["step"]._data)
        if wd != 0:
            if group["decoupled_weight_decay"]:
                p._data *= 1 - lr * wd
            else:
                g = fused_add(g, p._data, wd)
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        _lerp_(m, g, 1 - beta1)
        v *= beta2
        v[...] = fused_add(v, g, (1 - beta2) * g)  # addcmul_: v + (value·g)·g, one rounding
        for name in ("step", "exp_avg", "exp_avg_sq"):
            state[name]._version[0] += 1
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"]._data, v, out=state["max_exp_avg_sq"]._data)
            v = state["max_exp_avg_sq"]._data
        step_size = lr / (1 - beta1**step)
        denom = np.sqrt(v) / (1 - beta2**step) ** 0.5
        denom += group["eps"]
        p._data += -step_size * m / denom


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """start ← start + w·(end - start), in place, with PyTorch's two-sided formula for accuracy."""
    if weight < 0.5:
        start[...] = fused_add(start, end - start, weight)
    else:
        start[...] = fused_add(end, end - start, -(1 - weight))
