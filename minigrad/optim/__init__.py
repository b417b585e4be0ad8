"""`minigrad.optim`: optimizers that update parameters from their `.grad`, as `torch.optim`."""

from __future__ import annotations

from minigrad.optim.adam import Adam
from minigrad.optim.optimizer import Optimizer
from minigrad.optim.sgd import SGD

__all__ = ["Adam", "Optimizer", "SGD"]
