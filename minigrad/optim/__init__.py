"""`minigrad.optim`: optimizers that update parameters from their `.grad`, as `torch.optim`."""

from __future__ import annotations

from typing import Any

from minigrad.nn.helpers import missing_name
from minigrad.optim import lr_scheduler
from minigrad.optim.adam import Adam
from minigrad.optim.optimizer import Optimizer
from minigrad.optim.rmsprop import AdamW, RMSprop
from minigrad.optim.sgd import SGD

__all__ = ["Adam", "AdamW", "Optimizer", "RMSprop", "SGD", "lr_scheduler"]


def __getattr__(name: str) -> Any:
    raise missing_name("minigrad.optim", name)
