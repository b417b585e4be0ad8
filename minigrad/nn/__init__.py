"""`minigrad.nn`: Module, Parameter and the course's layers and losses, as `torch.nn`.

Differences from PyTorch: Linear's initial values come from minigrad's own seeded stream (same
distribution, other numbers); losses take no class `weight`; modules have forward hooks but no
backward hooks; an (N, C, d1, ...) nll_loss records permute + reshape before NllLossBackward0.
"""

from __future__ import annotations

from minigrad.nn import functional, init
from minigrad.nn.layers import (
    Flatten,
    Identity,
    Linear,
    LogSoftmax,
    ModuleList,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
)
from minigrad.nn.loss import CrossEntropyLoss, MSELoss, NLLLoss
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter

__all__ = [
    "CrossEntropyLoss",
    "Flatten",
    "Identity",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "functional",
    "init",
]
