"""Loss modules: MSELoss, NLLLoss, CrossEntropyLoss (each a thin holder of its settings)."""

from __future__ import annotations

from typing import Any

from minigrad.nn import functional as F
from minigrad.nn.module import Module
from minigrad.tensor import Tensor


class _Loss(Module):
    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = F.legacy_reduction(size_average, reduce)
        self.reduction = reduction


class MSELoss(_Loss):
    """Mean squared error between input and target: mean((x - y)²).

    Args:
        reduction: 'mean' (default), 'sum' or 'none'.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """mse_loss(input, target)."""
        return F.mse_loss(input, target, reduction=self.reduction)


class NLLLoss(_Loss):
    """Negative log likelihood of log-probabilities at the target classes.

    Args:
        weight: per-class weights; not supported by minigrad (must be None).
        ignore_index: target value whose rows count for nothing.
        reduction: 'mean' (default), 'sum' or 'none'.
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        if weight is not None:
            raise NotImplementedError("minigrad's losses do not support class weights")
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", None)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """nll_loss(input, target)."""
        return F.nll_loss(input, target, ignore_index=self.ignore_index, reduction=self.reduction)


class CrossEntropyLoss(NLLLoss):
    """Cross entropy of logits and class indices (or probabilities): log_softmax then nll.

    Args:
        weight: per-class weights; not supported by minigrad (must be None).
        ignore_index: target value whose rows count for nothing.
        reduction: 'mean' (default), 'sum' or 'none'.
        label_smoothing: ε in [0, 1] mixed into the target as ε/C.
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, size_average, ignore_index, reduce, reduction)
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """cross_entropy(input, target)."""
        return F.cross_entropy(
            input,
            target,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class L1Loss(_Loss):
    """Mean absolute error between input and target: mean(|x - y|).

    Args:
        reduction: 'mean' (default), 'sum' or 'none'.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """l1_loss(input, target)."""
        return F.l1_loss(input, target, reduction=self.reduction)


class BCELoss(_Loss):
    """Binary cross entropy of probabilities: -(y·log x + (1 - y)·log(1 - x)).

    Args:
        weight: per-element weights; not supported by minigrad (must be None).
        reduction: 'mean' (default), 'sum' or 'none'.
    """

    def __init__(self, weight: Tensor | None = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:  # fmt: skip
        if weight is not None:
            raise NotImplementedError("minigrad's BCELoss does not support weight")
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", None)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """binary_cross_entropy(input, target)."""
        return F.binary_cross_entropy(input, target, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross entropy of logits: BCELoss(σ(x), y), computed stably.

    Args:
        weight, pos_weight: not supported by minigrad (must be None).
        reduction: 'mean' (default), 'sum' or 'none'.
    """

    def __init__(self, weight: Tensor | None = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean", pos_weight: Tensor | None = None) -> None:  # fmt: skip
        if weight is not None or pos_weight is not None:
            raise NotImplementedError("minigrad's BCEWithLogitsLoss has no weight or pos_weight")
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", None)
        self.register_buffer("pos_weight", None)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """binary_cross_entropy_with_logits(input, target)."""
        return F.binary_cross_entropy_with_logits(input, target, reduction=self.reduction)
