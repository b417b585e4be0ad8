"""`minigrad.nn.functional`: layers as functions (activations, linear, losses).

Each function validates its arguments with PyTorch's messages and then calls op-table rows
(`ops.addmm`, `ops.mse_loss`, `ops.nll_loss`, ...); no formula is restated here.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad import ops
from minigrad.arguments import tensor_arg
from minigrad.errors import MinigradIndexError, MinigradValueError, runtime, typed
from minigrad.nn.dropout import dropout  # noqa: F401 - F.dropout

# the layers' functions live beside (functional_layers.py); torch.nn.functional has them here
from minigrad.nn.functional_layers import (
    batch_norm,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    conv2d,
    embedding,
    l1_loss,
    layer_norm,
    max_pool2d,
    one_hot,
)
from minigrad.nn.pooling import adaptive_avg_pool2d, avg_pool2d
from minigrad.nn.reduction import legacy_reduction
from minigrad.nn.reduction import reduction_mode as _reduction
from minigrad.shapes import broadcast_message
from minigrad.tensor import Tensor

# --- activations ------------------------------------------------------------------------------


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0) elementwise.

    Args:
        input: the tensor.
        inplace: overwrite `input`.
    """
    return input.relu_() if inplace else ops.relu(tensor_arg("relu", input))


def tanh(input: Tensor) -> Tensor:
    """tanh(x) elementwise."""
    return input.tanh()  # a numpy array: AttributeError, as torch's F.tanh


def sigmoid(input: Tensor) -> Tensor:
    """σ(x) = 1 / (1 + e⁻ˣ) elementwise."""
    return input.sigmoid()


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """exp(x) / Σ exp(x) along `dim`.

    Args:
        input: the tensor.
        dim: the dimension that sums to 1 (None: deprecated implicit choice, with a warning).
        dtype: cast the input to this dtype first.
    """
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return (input if dtype is None else input.to(dtype)).softmax(dim)


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """log(softmax(x)) along `dim`, computed stably.

    Args:
        input: the tensor.
        dim: the dimension (None: deprecated implicit choice, with a warning).
        dtype: cast the input to this dtype first.
    """
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return (input if dtype is None else input.to(dtype)).log_softmax(dim)


# --- linear ---------------------------------------------------------------------------------


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x Wᵀ + b, recorded as PyTorch records it (addmm for 2-D input with a bias).

    Args:
        input: (*, in_features).
        weight: (out_features, in_features).
        bias: (out_features) or None.
    """
    ndim = input._data.ndim  # numpy's ndim and dtype: cheaper than the Tensor properties
    if ndim == 0 or weight._data.ndim == 0:
        raise runtime(
            "matmul_shape",
            "both arguments to linear need to be at least 1D, but they are "
            f"{input.ndim}D and {weight.ndim}D",
        )
    if input._data.dtype != weight._data.dtype:
        raise _dtype_mismatch(input, weight, bias is not None)
    if bias is None:
        return input.mm(weight.t()) if ndim == 2 else input.matmul(weight.t())
    if ndim == 2:
        return ops.addmm(bias, input, weight.t())
    rows = input.view(1, -1) if input.ndim == 1 else input.reshape(-1, input.shape[-1])
    out = ops.addmm(bias, rows, weight.t())
    return out.view(*input.shape[:-1], out.shape[-1])


_CPP_NAMES = {
    "float32": "float",
    "float64": "double",
    "int64": "long int",
    "int32": "int",
    "float16": "c10::Half",
}


def _dtype_mismatch(input: Tensor, weight: Tensor, addmm: bool) -> Exception:
    """PyTorch's error for a Linear fed another dtype (a float64 batch into float32 weights)."""
    if addmm:
        message = (
            "mat1 and mat2 must have the same dtype, but got "
            f"{_scalar_name(input)} and {_scalar_name(weight)}"
        )
    else:
        a, b = (_CPP_NAMES.get(t.dtype.name, t.dtype.name) for t in (input, weight))
        message = f"expected m1 and m2 to have the same dtype, but got: {a} != {b}"
    return runtime("dtype_mismatch", message, shapes=[input.shape, weight.shape])


# --- losses -----------------------------------------------------------------------------------


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean squared error: mean((input - target)²) (or the sum, or each term).

    Args:
        input: predictions.
        target: wanted values, ideally of the same shape (else a warning, then broadcasting).
        reduction: 'mean', 'sum' or 'none'.
        weight: not supported by minigrad (must be None).
    """
    if weight is not None:
        raise NotImplementedError("minigrad's mse_loss does not support weight")
    from minigrad.random.checks import kernel_dtype

    same_shape = target.size() == input.size()  # as torch: target.size() first
    kernel_dtype("mse_cpu", np.result_type(input._data.dtype, target._data.dtype))
    if not same_shape:
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=2,
        )
    reduction = (
        legacy_reduction(size_average, reduce)
        if size_average is not None or reduce is not None
        else reduction
    )
    if not same_shape:
        message = broadcast_message([tuple(input.shape), tuple(target.shape)])
        if message:
            raise runtime("broadcast", message, shapes=[input.shape, target.shape])
        shape = np.broadcast_shapes(tuple(input.shape), tuple(target.shape))
        # torch.broadcast_tensors: only a tensor of another shape is expanded
        if tuple(input.shape) != shape:
            input = input.expand(*shape)
        if tuple(target.shape) != shape:
            target = target.expand(*shape)
    return ops.mse_loss(input, target, reduction=_reduction(reduction))


def _scalar_name(t: Tensor) -> str:
    return t.dtype.legacy.removesuffix("Tensor")


def _class_indices(input: Tensor, target: Tensor, ignore_index: int) -> np.ndarray:
    """The target as int64 numpy, after PyTorch's checks of dtype, batch size and range."""
    if input.ndim == 0:
        raise MinigradValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if target.dtype.name not in ("int64", "uint8"):
        raise runtime(
            "target_dtype",
            f"expected target dtype to be Long or Byte, but got {_scalar_name(target)}",
        )
    labels = target._data.astype(np.int64)
    if input.ndim == 1:
        labels = labels.reshape(()) if labels.size == 1 else labels
    elif labels.ndim == 0 or labels.shape[0] != input.shape[0]:
        got = labels.shape[0] if labels.ndim else 0
        raise typed(
            MinigradValueError,
            "target_batch",
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({got}).",
        )
    elif input.ndim > 2 and labels.shape != (input.shape[0],) + tuple(input.shape[2:]):
        want = [input.shape[0], *input.shape[2:]]
        raise runtime("target_shape", f"Expected target size {want}, got {list(labels.shape)}")
    classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    bad = (labels != ignore_index) & ((labels < 0) | (labels >= classes))
    if bad.any():
        raise typed(
            MinigradIndexError, "target_range", f"Target {labels[bad].flat[0]} is out of bounds."
        )
    return labels


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood: -input[i, target[i]], averaged over the rows not ignored.

    Inputs of shape (N, C, d1, ...) are moved to (N·d1·..., C) first, so their graph has a
    permute and a reshape where PyTorch records a single NllLoss2dBackward0.

    Args:
        input: log-probabilities, (C), (N, C) or (N, C, d1, ...).
        target: class indices (int64), () / (N) / (N, d1, ...).
        weight: per-class weights; not supported by minigrad (must be None).
        ignore_index: target value whose rows count for nothing.
        reduction: 'mean', 'sum' or 'none'.
    """
    if weight is not None:
        raise NotImplementedError("minigrad's nll_loss does not support class weights")
    reduction = _reduction(reduction, size_average, reduce)
    labels = _class_indices(input, target, ignore_index)
    if input.ndim <= 2:
        return ops.nll_loss(input, target=labels, reduction=reduction, ignore_index=ignore_index)
    dims = (0,) + tuple(range(2, input.ndim)) + (1,)
    rows = input.permute(*dims).reshape(-1, input.shape[1])
    out = ops.nll_loss(
        rows, target=labels.reshape(-1), reduction=reduction, ignore_index=ignore_index
    )
    return out.view(*labels.shape) if reduction == "none" else out


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross entropy of logits: nll_loss(log_softmax(input, class dim), target).

    Args:
        input: unnormalised scores, (C), (N, C) or (N, C, d1, ...).
        target: class indices (int64), or class probabilities shaped like `input`.
        weight: per-class weights; not supported by minigrad (must be None).
        ignore_index: target value whose rows count for nothing.
        reduction: 'mean', 'sum' or 'none'.
        label_smoothing: ε in [0, 1]: the target becomes (1-ε)·one-hot + ε/C.
    """
    if weight is not None:
        raise NotImplementedError("minigrad's cross_entropy does not support class weights")
    reduction = _reduction(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise runtime(
            "label_smoothing",
            f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}",
        )
    if target.shape == input.shape and not target.is_floating_point():
        raise runtime(
            "target_dtype",
            "Expected floating point type for target with class probabilities, "
            f"got {_scalar_name(target)}",
        )
    class_dim = 0 if input.ndim <= 1 else 1
    logp = input.log_softmax(class_dim)
    if target.shape == input.shape:
        return _soft_cross_entropy(logp, target, class_dim, reduction, label_smoothing)
    loss = nll_loss(logp, target, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return loss
    return _smoothed(loss, logp, target, class_dim, ignore_index, reduction, label_smoothing)


def _soft_cross_entropy(
    logp: Tensor, target: Tensor, class_dim: int, reduction: str, smoothing: float
) -> Tensor:
    """-Σ target · log p over classes, as PyTorch computes it for probability targets."""
    classes = logp.shape[class_dim]
    if smoothing > 0:
        target = target * (1 - smoothing) + smoothing / classes
    terms = logp * target
    if reduction == "none":
        return -terms.sum(class_dim)
    if reduction == "sum":
        return -terms.sum()
    return -terms.sum() / (logp.numel() / classes)


def _smoothed(
    loss: Tensor,
    logp: Tensor,
    target: Tensor,
    class_dim: int,
    ignore_index: int,
    reduction: str,
    smoothing: float,
) -> Tensor:
    """(1-ε)·nll + ε/C · Σ(-log p), ignored rows excluded, as PyTorch's label smoothing."""
    from minigrad.factories import tensor

    classes = logp.shape[class_dim]
    keep = target._data != ignore_index
    smooth = (-logp.sum(class_dim)) * tensor(keep.astype(logp._data.dtype))
    if reduction == "mean":
        smooth = smooth.sum() / int(keep.sum())
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - smoothing) * loss + smooth * (smoothing / classes)


__all__ = [
    "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits", "conv2d",
    "cross_entropy", "embedding", "l1_loss", "layer_norm", "legacy_reduction", "linear",
    "log_softmax", "max_pool2d", "mse_loss", "nll_loss", "one_hot", "relu", "sigmoid",
    "softmax", "tanh", "adaptive_avg_pool2d", "avg_pool2d",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    from minigrad.nn.helpers import missing_name

    raise missing_name("minigrad.nn.functional", name)
