"""RMSprop and AdamW, with PyTorch's update order and printed settings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from minigrad.optim.adam import Adam
from minigrad.optim.optimizer import Optimizer, fused_add
from minigrad.tensor import Tensor


class AdamW(Adam):
    """Adam with decoupled weight decay: p ← p·(1 - lr·wd) before the Adam step.

    Args:
        params: tensors (or param-group dicts) to optimize.
        lr, betas, eps, amsgrad, maximize: as Adam.
        weight_decay: wd (default 0.01).
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:  # fmt: skip
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
            capturable=capturable, differentiable=differentiable, fused=fused,
            decoupled_weight_decay=True,
        )  # fmt: skip


class RMSprop(Optimizer):
    """v ← αv + (1-α)g², p ← p - lr·g / (√v + ε) (centered: √(v - ḡ²); momentum: a buffer).

    Args:
        params: tensors (or param-group dicts) to optimize.
        lr: learning rate.
        alpha: α, the decay of the running average of g².
        eps: ε, added to the denominator.
        weight_decay: L2 penalty added to g.
        momentum: μ of the update's buffer.
        centered: divide by the estimated variance instead.
        maximize: ascend the gradient instead.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, capturable: bool = False, foreach: bool | None = None,
                 maximize: bool = False, differentiable: bool = False) -> None:  # fmt: skip
        for value, what in ((lr, "learning rate"), (eps, "epsilon value"),
                            (momentum, "momentum value"), (weight_decay, "weight_decay value"),
                            (alpha, "alpha value")):  # fmt: skip
            if value < 0.0:
                raise ValueError(f"Invalid {what}: {value}")
        defaults = {
            "lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
            "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
            "maximize": maximize, "differentiable": differentiable,
        }  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: Any, group: dict[str, Any], state: dict[str, Any]) -> None:
        if not state:
            state["step"] = Tensor._make(np.array(0.0, np.float32))
            state["square_avg"] = Tensor._make(np.zeros_like(p._data))
            if group["momentum"] > 0:
                state["momentum_buffer"] = Tensor._make(np.zeros_like(p._data))
            if group["centered"]:
                state["grad_avg"] = Tensor._make(np.zeros_like(p._data))
        g = -grad if group["maximize"] else grad
        state["step"]._data += 1
        if group["weight_decay"] != 0:
            g = fused_add(g, p._data, group["weight_decay"])
        alpha = group["alpha"]
        v = state["square_avg"]._data
        v *= alpha
        v[...] = fused_add(v, g, (1 - alpha) * g)
        if group["centered"]:
            m = state["grad_avg"]._data
            m[...] = fused_add(m, g - m, 1 - alpha)
            avg = np.sqrt(fused_add(v, m, -m))
        else:
            avg = np.sqrt(v)
        avg = avg + np.asarray(group["eps"], avg.dtype)
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]._data
            buf *= group["momentum"]
            buf += g / avg
            p._data[...] = fused_add(p._data, buf, -group["lr"])
        else:
            p._data[...] = fused_add(p._data, g / avg, -group["lr"])
