"""Stochastic gradient descent, with PyTorch's momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from minigrad.optim.optimizer import Optimizer, fused_add
from minigrad.tensor import Tensor


class SGD(Optimizer):
    """p ← p - lr·d, where d = g + wd·p, or with momentum b ← μ·b + (1-τ)·d and d = b.

    With `nesterov=True`, d = d + μ·b instead. The first step sets b = d (as PyTorch).
    `foreach`, `differentiable` and `fused` are kept for PyTorch's printed settings only.

    Args:
        params: tensors (or param-group dicts) to optimize.
        lr: learning rate.
        momentum: μ.
        dampening: τ.
        weight_decay: wd (L2 penalty).
        nesterov: use Nesterov momentum.
        maximize: ascend the gradient instead.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: Any, group: dict[str, Any], state: dict[str, Any]) -> None:
        d = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            d = fused_add(d, p._data, group["weight_decay"])
        momentum = group["momentum"]
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = Tensor._make(np.array(d, copy=True))
            else:
                buf._data *= momentum
                buf._data[...] = fused_add(buf._data, d, 1 - group["dampening"])
                buf._version[0] += 1
            d = fused_add(d, buf._data, momentum) if group["nesterov"] else buf._data
        p._data[...] = fused_add(p._data, d, -group["lr"])
