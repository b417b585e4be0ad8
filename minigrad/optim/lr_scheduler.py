"""Learning-rate schedules: StepLR and ExponentialLR (PyTorch's chainable forms and warning)."""

from __future__ import annotations

import functools
import warnings
from typing import Any

from minigrad.errors import MinigradTypeError, typed
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


def __getattr__(name: str) -> Any:
    raise missing_name("minigrad.optim.lr_scheduler", name)
