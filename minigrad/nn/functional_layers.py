"""The rest of `torch.nn.functional`: conv2d, max_pool2d, embedding, norms, BCE, l1, one_hot.

Each function checks its arguments with PyTorch's messages, then calls a row of
`minigrad.nn_ops` (or, for l1_loss, the ops PyTorch itself records: sub, abs, mean).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad import nn_ops
from minigrad.errors import MinigradIndexError, MinigradValueError, runtime, typed
from minigrad.factories import as_tensor
from minigrad.nn.reduction import reduction_mode
from minigrad.tensor import Tensor


def _pair(v: Any) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _batched(input: Tensor, name: str) -> bool:
    """True for a 4-D batch, False for a 3-D single image; PyTorch's error otherwise."""
    if input.ndim not in (3, 4):
        raise runtime(
            "conv_input",
            f"Expected 3D (unbatched) or 4D (batched) input to {name}, but got input of size: "
            f"{list(input.shape)}",
        )
    return input.ndim == 4


def _same_padding(weight: Tensor, dilation: tuple[int, int]) -> tuple[int, int]:
    """padding='same' for stride 1; minigrad pads symmetrically, so odd kernels only."""
    total = [d * (k - 1) for d, k in zip(dilation, weight.shape[2:])]
    if any(t % 2 for t in total):
        raise NotImplementedError("minigrad's padding='same' needs an odd kernel size")
    return (total[0] // 2, total[1] // 2)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:  # fmt: skip
    """2-D cross-correlation of (N, C, H, W) images with (O, C, kh, kw) filters, plus bias.

    Args:
        input: (N, C, H, W), or (C, H, W) for one image.
        weight: the filters.
        bias: one number per output channel, or None.
        stride: the step between windows.
        padding: zeros added on each side, or 'valid' / 'same'.
        dilation: the spacing between kernel elements.
        groups: only 1 (minigrad has no grouped convolution).
    """
    if groups != 1:
        raise NotImplementedError("minigrad's conv2d has no groups yet (groups must be 1)")
    batched = _batched(input, "conv2d")
    x = input if batched else input.unsqueeze(0)
    dilation = _pair(dilation)
    if padding == "valid":
        padding = 0
    pad = _same_padding(weight, dilation) if padding == "same" else _pair(padding)
    if x.shape[1] != weight.shape[1]:
        raise runtime(
            "conv_channels",
            f"Given groups=1, weight of size {list(weight.shape)}, expected input"
            f"{list(x.shape)} to have {weight.shape[1]} channels, but got {x.shape[1]} "
            "channels instead",
        )
    padded = [x.shape[2 + i] + 2 * pad[i] for i in range(2)]
    span = [dilation[i] * (weight.shape[2 + i] - 1) + 1 for i in range(2)]
    if any(p < k for p, k in zip(padded, span)):
        raise runtime(
            "conv_size",
            f"Calculated padded input size per channel: ({padded[0]} x {padded[1]}). Kernel "
            f"size: ({span[0]} x {span[1]}). Kernel size can't be greater than actual input size",
        )
    out = nn_ops.convolution(x, weight, bias, stride=_pair(stride), padding=pad, dilation=dilation)
    return out if batched else out.squeeze(0)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor:  # fmt: skip
    """The maximum of each kernel_size window of (N, C, H, W) or (C, H, W) input.

    Args:
        input: the images.
        kernel_size: the window's size.
        stride: the step between windows (default: kernel_size).
        padding: -inf added on each side (at most half the kernel).
        dilation: the spacing between window elements.
        ceil_mode: not supported by minigrad (must be False).
        return_indices: not supported by minigrad (must be False).
    """
    if ceil_mode or return_indices:
        raise NotImplementedError("minigrad's max_pool2d has no ceil_mode or return_indices")
    kernel = _pair(kernel_size)
    steps = kernel if stride is None or stride == [] else _pair(stride)
    pad, dil = _pair(padding), _pair(dilation)
    if any(p > (d * (k - 1) + 1) // 2 for p, k, d in zip(pad, kernel, dil)):
        raise runtime(
            "pool_padding",
            f"pad should be at most half of effective kernel size, but got pad={pad[0]}, "
            f"kernel_size={kernel[0]} and dilation={dil[0]}",
        )
    batched = _batched(input, "max_pool2d")
    x = input if batched else input.unsqueeze(0)
    out = nn_ops.max_pool2d(x, kernel=kernel, stride=steps, padding=pad, dilation=dil)
    return out if batched else out.squeeze(0)


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:  # fmt: skip
    """Rows of `weight` picked by the integer `input`: weight[input].

    Args:
        input: int64 (or int32) indices of any shape.
        weight: the (num_embeddings, embedding_dim) table.
        padding_idx: a row whose gradient stays 0.
        max_norm, norm_type, scale_grad_by_freq, sparse: not supported by minigrad.
    """
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "minigrad's embedding has no max_norm, scale_grad_by_freq or sparse"
        )
    input = as_tensor(input)
    if input.dtype.name not in ("int64", "int32"):
        raise runtime(
            "index_dtype",
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got torch.{input.dtype.legacy} instead (while checking "
            "arguments for embedding)",
        )
    indices = input._data.astype(np.int64)
    if indices.size and (indices.min() < 0 or indices.max() >= weight.shape[0]):
        raise typed(MinigradIndexError, "index_range", "index out of range in self")
    pad = -1 if padding_idx is None else padding_idx % weight.shape[0]
    return nn_ops.embedding(weight, indices=indices, padding_idx=pad)


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """(x - mean) / √(var + ε) · weight + bias, statistics over the last dims.

    Args:
        input: the tensor.
        normalized_shape: the trailing shape normalised over.
        weight, bias: elementwise affine parameters, or None.
        eps: ε.
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape) :]) != shape or input.ndim < len(shape):
        raise runtime(
            "layer_norm_shape",
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of size{list(input.shape)}",
        )
    return nn_ops.native_layer_norm(input, weight, bias, dims=len(shape), eps=eps)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Tensor:  # fmt: skip
    """(x - mean) / √(var + ε) · weight + bias per channel (dim 1).

    Training uses the batch's statistics and updates the running ones in place:
    r ← (1 - momentum)·r + momentum·batch (the variance unbiased); eval uses the running ones.

    Args:
        input: (N, C) or (N, C, L).
        running_mean, running_var: (C) buffers, or None.
        weight, bias: (C) affine parameters, or None.
        training: use (and record) the batch statistics.
        momentum: the running statistics' update factor.
        eps: ε.
    """
    channels = input.shape[1]
    if running_mean is not None and running_mean.shape[0] != channels:
        raise runtime(
            "batch_norm_size",
            f"running_mean should contain {channels} elements not {running_mean.shape[0]}",
        )
    if training:
        _check_batch(input)
        if running_mean is not None and running_var is not None:
            _update_running(input._data, running_mean, running_var, momentum)
        return nn_ops.native_batch_norm(input, weight, bias, mean=None, var=None, eps=eps)
    if running_mean is None or running_var is None:
        raise runtime("batch_norm_stats", "running_mean and running_var must be defined")
    mean, var = running_mean._data, running_var._data
    return nn_ops.native_batch_norm(input, weight, bias, mean=mean, var=var, eps=eps)


def _check_batch(input: Tensor) -> None:
    values = input.numel() // input.shape[1]
    if values <= 1:
        raise MinigradValueError(
            f"Expected more than 1 value per channel when training, got input size {input.size()}"
        )


def _update_running(x: np.ndarray, mean: Tensor, var: Tensor, momentum: float) -> None:
    axes = (0,) + tuple(range(2, x.ndim))
    n = x.size // x.shape[1]
    batch_mean = x.mean(axis=axes)
    batch_var = x.var(axis=axes) * (n / (n - 1))
    for buf, new in ((mean, batch_mean), (var, batch_var)):
        buf._data[...] = (1 - momentum) * buf._data + momentum * new
        buf._version[0] += 1


def _loss_shapes(input: Tensor, target: Tensor, logits: bool) -> None:
    if tuple(target.shape) == tuple(input.shape):
        return
    if logits:
        message = f"Target size ({target.size()}) must be the same as input size ({input.size()})"
    else:
        message = (
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}) is deprecated. Please ensure they have the same size."
        )
    raise MinigradValueError(message)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: Any = None, reduce: Any = None,
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    """-(y·log x + (1 - y)·log(1 - x)) for probabilities x (each log clamped at -100).

    Args:
        input: probabilities in [0, 1].
        target: the same shape, values in [0, 1].
        weight: not supported by minigrad (must be None).
        reduction: 'mean', 'sum' or 'none'.
    """
    if weight is not None:
        raise NotImplementedError("minigrad's binary_cross_entropy does not support weight")
    reduction = reduction_mode(reduction, size_average, reduce)
    _loss_shapes(input, target, logits=False)
    values = input._data
    if values.size and ((values < 0) | (values > 1) | np.isnan(values)).any():
        raise runtime("bce_range", "all elements of input should be between 0 and 1")
    return nn_ops.binary_cross_entropy(input, target, reduction=reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average: Any = None,
                                     reduce: Any = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:  # fmt: skip
    """binary_cross_entropy(σ(x), y), computed stably from the logits x.

    Args:
        input: logits.
        target: the same shape, values in [0, 1].
        weight, pos_weight: not supported by minigrad (must be None).
        reduction: 'mean', 'sum' or 'none'.
    """
    if weight is not None or pos_weight is not None:
        raise NotImplementedError(
            "minigrad's binary_cross_entropy_with_logits does not support weight or pos_weight"
        )
    reduction = reduction_mode(reduction, size_average, reduce)
    _loss_shapes(input, target, logits=True)
    return nn_ops.binary_cross_entropy_with_logits(input, target, reduction=reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:  # fmt: skip
    """Mean absolute error: mean(|input - target|), recorded as PyTorch records it.

    Args:
        input: predictions.
        target: wanted values (a different shape warns, then broadcasts).
        reduction: 'mean', 'sum' or 'none'.
        weight: not supported by minigrad (must be None).
    """
    if weight is not None:
        raise NotImplementedError("minigrad's l1_loss does not support weight")
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=2,
        )
    reduction = reduction_mode(reduction, size_average, reduce)
    diff = (input - target).abs()
    return diff.mean() if reduction == "mean" else diff.sum() if reduction == "sum" else diff


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 rows with a 1 at each index: shape tensor.shape + (num_classes,).

    Args:
        tensor: int64 class indices.
        num_classes: the number of classes (-1: the largest index + 1).
    """
    from minigrad.factories import tensor as make

    if tensor.dtype.name != "int64":
        raise runtime(
            "one_hot_dtype", "one_hot is only applicable to index tensor of type LongTensor."
        )
    labels = tensor._data
    if labels.size and labels.min() < 0:
        raise runtime("one_hot_range", "Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    elif labels.size and labels.max() >= num_classes:
        raise runtime("one_hot_range", "Class values must be smaller than num_classes.")
    return make((labels[..., None] == np.arange(num_classes)).astype(np.int64))
