"""Learning-rate schedules: StepLR, MultiStepLR, ExponentialLR, LambdaLR, CosineAnnealingLR."""

from __future__ import annotations

import collections
import functools
import math
import types
import warnings
from typing import Any

from minigrad.errors import MinigradTypeError, MinigradValueError, typed
from minigrad.nn.helpers import missing_name
from minigrad.optim.optimizer import Optimizer

ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and "
    "later, you should call them in the opposite order: `optimizer.step()` before "
    "`lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first "
    "value of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)


GET_LR_WARNING = (
    "To get the last learning rate computed by the scheduler, please use `get_last_lr()`."
)


class LRScheduler:
    """Sets each group's 'lr' per epoch; `step()` after `optimizer.step()`.

    Args:
        optimizer: the optimizer whose param_groups' 'lr' it sets.
        last_epoch: the epoch to resume from (-1: start).
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            message = f"{type(optimizer).__name__} is not an Optimizer"
            raise typed(MinigradTypeError, "type", message)
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._count_optimizer_steps(optimizer)
        self._step_count = 0
        # PyTorch keeps these two flags as attributes, so they show in state_dict() too
        self._is_initial = True
        self._get_lr_called_within_step = False
        self.step()
        self._is_initial = False

    @staticmethod
    def _count_optimizer_steps(optimizer: Any) -> None:
        if getattr(optimizer.step, "_counted", False):
            return
        inner = optimizer.step

        @functools.wraps(inner)
        def step(*args: Any, **kwargs: Any) -> Any:
            optimizer._opt_called = True
            return inner(*args, **kwargs)

        step._counted = True  # type: ignore[attr-defined]
        optimizer.step = step
        optimizer._opt_called = False

    def get_lr(self) -> list[float]:
        """The learning rates for the current epoch."""
        raise NotImplementedError

    def _warn_outside_step(self) -> None:
        if not self._get_lr_called_within_step:
            warnings.warn(GET_LR_WARNING, UserWarning, stacklevel=3)

    def get_last_lr(self) -> list[float]:
        """The learning rates the last `step()` set."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Move to the next epoch and set each group's lr (warns if before optimizer.step).

        Args:
            epoch: deprecated in PyTorch; not supported here (must be None).
        """
        # as PyTorch, only the first step() after the constructor's checks the order
        if self._step_count == 1 and not getattr(self.optimizer, "_opt_called", False):
            warnings.warn(ORDER_WARNING, UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            raise NotImplementedError("minigrad's schedulers take no epoch argument")
        self.last_epoch += 1
        self._get_lr_called_within_step = True
        try:
            values = self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state (everything but the optimizer)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what `state_dict()` returned.

        Args:
            state_dict: the saved state.
        """
        self.__dict__.update(state_dict)


class StepLR(LRScheduler):
    """lr ← lr·γ every `step_size` epochs.

    Args:
        optimizer: the optimizer.
        step_size: epochs between decays.
        gamma: γ.
        last_epoch: the epoch to resume from.
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:  # fmt: skip
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """lr·γ at multiples of step_size, else the current lr."""
        self._warn_outside_step()
        groups = self.optimizer.param_groups
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [group["lr"] for group in groups]
        return [group["lr"] * self.gamma for group in groups]


class ExponentialLR(LRScheduler):
    """lr ← lr·γ every epoch.

    Args:
        optimizer: the optimizer.
        gamma: γ.
        last_epoch: the epoch to resume from.
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """lr·γ (the constructor's step keeps the current lr)."""
        self._warn_outside_step()
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [group["lr"] for group in groups]
        return [group["lr"] * self.gamma for group in groups]


class MultiStepLR(LRScheduler):
    """lr ← lr·γ at each milestone epoch (γ^k when a milestone is listed k times).

    Args:
        optimizer: the optimizer.
        milestones: the epochs at which to decay.
        gamma: γ.
        last_epoch: the epoch to resume from.
    """

    def __init__(self, optimizer: Optimizer, milestones: Any, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:  # fmt: skip
        self.milestones = collections.Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """lr·γ^count at a milestone, else the current lr."""
        self._warn_outside_step()
        groups = self.optimizer.param_groups
        if self.last_epoch not in self.milestones:
            return [group["lr"] for group in groups]
        return [group["lr"] * self.gamma ** self.milestones[self.last_epoch] for group in groups]


class LambdaLR(LRScheduler):
    """lr = initial lr · λ(epoch), one λ for all groups or one per group.

    Args:
        optimizer: the optimizer.
        lr_lambda: a function of the epoch, or a list with one per param group.
        last_epoch: the epoch to resume from.
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: Any, last_epoch: int = -1) -> None:
        self.optimizer = optimizer
        groups = len(optimizer.param_groups)
        if isinstance(lr_lambda, list | tuple):
            if len(lr_lambda) != groups:
                msg = f"Expected {groups} lr_lambdas, but got {len(lr_lambda)}"
                raise typed(MinigradValueError, "value", msg)
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * groups
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """initial lr · λ(last_epoch) per group."""
        self._warn_outside_step()
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """The state without the functions (PyTorch keeps only callable objects' __dict__)."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else fn.__dict__.copy()
            for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the state; callable objects get their saved __dict__ back.

        Args:
            state_dict: what `state_dict()` returned.
        """
        state = dict(state_dict)
        saved = state.pop("lr_lambdas")
        self.__dict__.update(state)
        for fn, attrs in zip(self.lr_lambdas, saved):
            if attrs is not None:
                fn.__dict__.update(attrs)


class CosineAnnealingLR(LRScheduler):
    """lr follows η_min + (η_0 - η_min)(1 + cos(π·epoch/T_max))/2, as PyTorch's recursive form.

    Args:
        optimizer: the optimizer.
        T_max: epochs of half a cosine period.
        eta_min: η_min, the lowest lr.
        last_epoch: the epoch to resume from.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:  # fmt: skip
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The next lr from the current one (PyTorch's update, so the floats agree)."""
        self._warn_outside_step()
        groups, low, period = self.optimizer.param_groups, self.eta_min, self.T_max
        epoch = self.last_epoch
        if self._is_initial:
            return [group["lr"] for group in groups]
        if self._step_count == 1 and epoch > 0:  # resumed: the closed form
            return [low + (b - low) * (1 + math.cos(epoch * math.pi / period)) / 2
                    for b in self.base_lrs]  # fmt: skip
        if (epoch - 1 - period) % (2 * period) == 0:  # the bottom of a period: climb back
            rise = (1 - math.cos(math.pi / period)) / 2
            return [g["lr"] + (b - low) * rise for b, g in zip(self.base_lrs, groups)]
        ratio = (1 + math.cos(math.pi * epoch / period)) / (
            1 + math.cos(math.pi * (epoch - 1) / period)
        )
        return [ratio * (group["lr"] - low) + low for group in groups]


def __getattr__(name: str) -> Any:
    raise missing_name("minigrad.optim.lr_scheduler", name)
