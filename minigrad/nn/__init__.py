"""`minigrad.nn`: Module, Parameter and the course's layers and losses, as `torch.nn`.

Initial values (Linear, Conv2d, Embedding, ...) and Dropout masks are PyTorch's for the same
seed. Differences from PyTorch: losses take no class `weight`; modules have forward hooks but no
backward hooks; an (N, C, d1, ...) nll_loss records permute + reshape before NllLossBackward0;
Conv2d has no groups and MaxPool2d no ceil_mode; second derivatives through conv, pooling,
embedding, the norms and BCE are not recorded. A torch.nn name minigrad lacks raises an
AttributeError saying so.
"""

from __future__ import annotations

from typing import Any

from minigrad import nn_ops  # noqa: F401  (registers the rows of these layers in OPS)
from minigrad.nn import functional, init, utils
from minigrad.nn.containers import ModuleDict
from minigrad.nn.conv import Conv2d, MaxPool2d
from minigrad.nn.dropout import Dropout
from minigrad.nn.helpers import missing_name
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
from minigrad.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
)
from minigrad.nn.module import Module
from minigrad.nn.normalization import BatchNorm1d, Embedding, LayerNorm
from minigrad.nn.parameter import Parameter
from minigrad.nn.pooling import AdaptiveAvgPool2d, AvgPool2d

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "Conv2d", "CrossEntropyLoss", "Dropout",
    "Embedding",
    "Flatten", "Identity", "L1Loss", "LayerNorm", "Linear", "LogSoftmax", "MSELoss",
    "MaxPool2d", "Module", "ModuleDict", "ModuleList", "NLLLoss", "Parameter", "ReLU",
    "Sequential", "Sigmoid", "Softmax", "Tanh", "functional", "init", "utils",
    "AdaptiveAvgPool2d", "AvgPool2d",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    raise missing_name("minigrad.nn", name)
