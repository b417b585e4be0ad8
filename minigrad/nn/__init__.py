"""`minigrad.nn`: Module, Parameter and the course's layers and losses, as `torch.nn`.

Linear's initial values are PyTorch's for the same seed. Differences from PyTorch: losses
take no class `weight`; modules have forward hooks but no
backward hooks; an (N, C, d1, ...) nll_loss records permute + reshape before NllLossBackward0.
"""

from __future__ import annotations

from minigrad.nn import functional, init
from minigrad.nn.dropout import Dropout
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
    "Dropout",
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
