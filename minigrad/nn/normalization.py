"""LayerNorm, BatchNorm1d and Embedding (PyTorch's reprs, buffers and initialisation)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import dtypes
from minigrad.factories import empty, tensor
from minigrad.grad_mode import no_grad
from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.tensor import Tensor


def _kind(dtype: Any, device: Any) -> Any:
    from minigrad.device import check_device

    check_device(device)
    return dtypes.to_dtype(dtype) if dtype is not None else None


class LayerNorm(Module):
    """(x - mean) / √(var + ε) · weight + bias, statistics over the last dims of each sample.

    Args:
        normalized_shape: the trailing shape to normalise (an int or a tuple).
        eps: ε.
        elementwise_affine: learn weight (ones) and bias (zeros).
        bias: learn the bias too.
        device: only None or "cpu".
        dtype: the parameters' dtype.
    """

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        kind = _kind(dtype, device)
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
        self.normalized_shape = tuple(shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(empty(*self.normalized_shape, dtype=kind))
            if bias:
                self.bias = Parameter(empty(*self.normalized_shape, dtype=kind))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight ← 1, bias ← 0."""
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        """layer_norm(input)."""
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )


class BatchNorm1d(Module):
    """Per-channel (x - mean) / √(var + ε) · weight + bias over a batch of (N, C) or (N, C, L).

    Training normalises with the batch's statistics and updates `running_mean` / `running_var`
    (and counts `num_batches_tracked`); `eval()` normalises with the running statistics.

    Args:
        num_features: C.
        eps: ε.
        momentum: the running statistics' update factor (None: a cumulative average).
        affine: learn weight (ones) and bias (zeros).
        track_running_stats: keep running statistics (else always use the batch's).
        device: only None or "cpu".
        dtype: the parameters' dtype.
        bias: learn the bias (when affine).
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:  # fmt: skip
        super().__init__()
        kind = _kind(dtype, device)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(empty(num_features, dtype=kind))
            if bias:
                self.bias = Parameter(empty(num_features, dtype=kind))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            np_type = (kind or dtypes.get_default_dtype()).np_type
            self.register_buffer("running_mean", tensor(np.zeros(num_features, np_type)))
            self.register_buffer("running_var", tensor(np.ones(num_features, np_type)))
            self.register_buffer("num_batches_tracked", tensor(0))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """running_mean ← 0, running_var ← 1, num_batches_tracked ← 0."""
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Reset the running statistics; weight ← 1, bias ← 0."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.ndim}D input)")

    def forward(self, input: Tensor) -> Tensor:
        """batch_norm with the batch's (training) or the running (eval) statistics."""
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked._data += 1
            self.num_batches_tracked._version[0] += 1
            if self.momentum is None:  # a cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked._data)
        use_batch = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if track else None,
            self.running_var if track else None,
            self.weight,
            self.bias,
            use_batch,
            factor,
            self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class Embedding(Module):
    """A lookup table: row i of `weight` for each index i (weight ~ N(0, 1)).

    Args:
        num_embeddings: the number of rows.
        embedding_dim: the length of each row.
        padding_idx: a row initialised to 0 whose gradient stays 0.
        max_norm, norm_type, scale_grad_by_freq, sparse: not supported by minigrad.
        _weight: an initial weight tensor instead of N(0, 1).
        _freeze: make the weight not require grad.
        device: only None or "cpu".
        dtype: the weight's dtype.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False,
                 _weight: Tensor | None = None, _freeze: bool = False, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        kind = _kind(dtype, device)
        if max_norm is not None or scale_grad_by_freq or sparse:
            raise NotImplementedError(
                "minigrad's Embedding has no max_norm, scale_grad_by_freq or sparse"
            )
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx %= num_embeddings
        self.padding_idx = padding_idx
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = Parameter(empty(num_embeddings, embedding_dim, dtype=kind))
            self.reset_parameters()
        else:
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """weight ~ N(0, 1), then the padding row ← 0."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input: Tensor) -> Tensor:
        """weight[input]."""
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text
