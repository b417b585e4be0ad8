"""`Optimizer`: parameter groups, per-parameter state, zero_grad and state_dict.

Subclasses implement `step()`; their updates write into the parameters' numpy arrays in place
(no graph is recorded, as under `no_grad`) and bump each parameter's version counter, as an
in-place op does, so a graph that saved the old values reports the change on backward.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from minigrad.grad_mode import enable_grad
from minigrad.nn.helpers import typename, zero_grad_of
from minigrad.tensor import Tensor


class Optimizer:
    """Base class of optimizers: holds `param_groups` (dicts of params and settings) and `state`.

    Args:
        params: an iterable of tensors, or of dicts with a "params" entry and overrides.
        defaults: the settings each group gets unless it names its own.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {typename(params)}"
            )
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own settings (e.g. a smaller lr).

        Args:
            param_group: a dict with "params" and any settings to override.
        """
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {typename(p)}"
                )
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = {"params": params}
        for key, value in param_group.items():
            group[key] = value
        group["params"] = params
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in taken for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's `.grad`: to None (default, as PyTorch 2), or to zeros.

        Args:
            set_to_none: drop the gradient tensors instead of filling them with zeros.
        """
        for group in self.param_groups:
            for p in group["params"]:
                zero_grad_of(p, set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns closure()'s loss if given.

        Args:
            closure: re-evaluates the model and returns the loss (called with grad enabled).
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    state = self.state[p]
                    self._update(p, p.grad._data, group, state)
                    p._version[0] += 1
                    if not state:  # plain SGD keeps nothing: torch's state_dict shows {}
                        del self.state[p]
        return loss

    def _update(self, p: Tensor, grad: Any, group: dict[str, Any], state: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not define _update")

    def state_dict(self) -> dict[str, Any]:
        """{'state': {index: per-param state}, 'param_groups': [settings + param indices]}."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: s for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore settings and per-parameter state saved by `state_dict()`.

        Args:
            state_dict: what `state_dict()` returned (for an optimizer over the same params).
        """
        state_dict = copy.deepcopy(state_dict)
        saved = state_dict["param_groups"]
        if len(saved) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(a["params"]) != len(b["params"]) for a, b in zip(self.param_groups, saved)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group"
            )
        by_index = {
            i: p for g, s in zip(self.param_groups, saved) for i, p in zip(s["params"], g["params"])
        }
        self.state = defaultdict(dict)
        for i, s in state_dict["state"].items():
            if i in by_index:
                self.state[by_index[i]] = s
        self.param_groups = [{**s, "params": g["params"]} for g, s in zip(self.param_groups, saved)]

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def fused_add(acc: np.ndarray, x: np.ndarray, scale: Any) -> np.ndarray:
    """acc + scale·x rounded once, as PyTorch's CPU kernels do it (a fused multiply-add).

    float32 is computed in float64 (the product of two float32 values is exact there) and
    rounded back, so updates match torch's bit for bit rather than to within a few ulps.

    Args:
        acc: the array added to.
        x: the array scaled.
        scale: a number (cast to acc's dtype first, as PyTorch casts `alpha`) or an array.
    """
    if acc.dtype != np.float32:
        return acc + scale * x
    factor = np.asarray(scale, np.float32).astype(np.float64)
    return (acc.astype(np.float64) + factor * x.astype(np.float64)).astype(np.float32)
