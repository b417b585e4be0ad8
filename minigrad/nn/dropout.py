"""Dropout as PyTorch's CPU kernel: noise = bernoulli_(1 - p) / (1 - p), then input * noise."""

from __future__ import annotations

from typing import Any

from minigrad.errors import MinigradValueError
from minigrad.nn.module import Module


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Any:
    """Zero each value with probability p and scale the rest by 1/(1-p) (identity in eval).

    Args:
        input: the tensor.
        p: the probability of zeroing a value.
        training: apply dropout (False: return input).
        inplace: multiply into input.
    """
    if p < 0.0 or p > 1.0:
        raise MinigradValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    from minigrad.factories import zeros, zeros_like
    from minigrad.grad_mode import no_grad

    if p == 1:
        noise = zeros((), dtype=input.dtype)
    else:
        with no_grad():
            noise = zeros_like(input).bernoulli_(1 - p)
            noise.div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


class Dropout(Module):
    """Randomly zero values with probability p in training mode (torch.nn.Dropout).

    Args:
        p: the probability of zeroing a value.
        inplace: multiply into the input.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise MinigradValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Any) -> Any:
        """Dropout in training mode, identity in eval mode."""
        return dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        """`p=0.5, inplace=False`, as torch prints."""
        return f"p={self.p}, inplace={self.inplace}"
