"""The op-table rows of `minigrad.nn`: convolution, pooling, embedding, normalisation, BCE.

Rows as in `ops.py` (`defop(name, forward, backward, rule=...)`), registered into the same
`OPS` table when `minigrad.nn` is imported. Convolution and pooling are vectorised im2col:
a strided window view of the padded input, one `tensordot` (BLAS), and a loop over the
kernel's positions only (never over pixels).

These rules compute on numpy values. With `create_graph=True` they return constant tensors:
second derivatives through these ops are not recorded (PyTorch records them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from minigrad.dispatch import defop
from minigrad.ops import const, raw

Pair = tuple[int, int]


def _windows(xp: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair) -> np.ndarray:
    """(N, C, OH, OW, kh, kw) view of every window of the padded (N, C, H, W) input."""
    span = (dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1)
    view = sliding_window_view(xp, span, axis=(2, 3))
    return view[:, :, :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]


def _pad(x: np.ndarray, padding: Pair, value: float = 0.0) -> np.ndarray:
    if padding == (0, 0):
        return x
    (ph, pw) = padding
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def _scatter_windows(cols: np.ndarray, shape: tuple[int, ...], padding: Pair, stride: Pair,
                     dilation: Pair) -> np.ndarray:  # fmt: skip
    """Add (N, C, OH, OW, kh, kw) window values back onto an input of `shape` (im2col's adjoint)."""
    n, c, h, w = shape
    kh, kw = cols.shape[4:]
    oh, ow = cols.shape[2:4]
    out = np.zeros((n, c, h + 2 * padding[0], w + 2 * padding[1]), cols.dtype)
    for i in range(kh):  # a loop over kernel positions, each adding a whole strided slab
        for j in range(kw):
            r, s = i * dilation[0], j * dilation[1]
            out[:, :, r : r + stride[0] * oh : stride[0], s : s + stride[1] * ow : stride[1]] += (
                cols[:, :, :, :, i, j]
            )
    return out[:, :, padding[0] : padding[0] + h, padding[1] : padding[1] + w]


def _conv_forward(x: np.ndarray, w: np.ndarray, b: Any, stride: Pair, padding: Pair,
                  dilation: Pair) -> np.ndarray:  # fmt: skip
    cols = _windows(_pad(x, padding), w.shape[2:], stride, dilation)
    out = np.tensordot(cols, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
    if b is not None:
        out = out + b[:, None, None]
    return np.ascontiguousarray(out, dtype=x.dtype)


def _conv_backward(g: Any, out: Any, x: Any, w: Any, b: Any, stride: Pair, padding: Pair,
                   dilation: Pair) -> tuple[Any, Any, Any]:  # fmt: skip
    ga, xa, wa = raw(g), raw(x), raw(w)
    gx = gw = gb = None
    if isinstance(xa, np.ndarray):  # saved: the input's values are there
        cols = _windows(_pad(xa, padding), wa.shape[2:], stride, dilation)
        gw = const(np.tensordot(ga, cols, axes=([0, 2, 3], [0, 2, 3])), g)
    if isinstance(wa, np.ndarray):
        per_window = np.tensordot(ga, wa, axes=([1], [0])).transpose(0, 3, 1, 2, 4, 5)
        gx = const(_scatter_windows(per_window, tuple(x.shape), padding, stride, dilation), g)
    if b is not None:
        gb = const(ga.sum(axis=(0, 2, 3)), g)
    return gx, gw, gb


convolution = defop(
    "convolution",
    _conv_forward,
    _conv_backward,
    saves="SS-",
    rule="grad_input = conv_transpose(grad, weight); grad_weight = conv(input, grad); "
    "grad_bias = Σ grad (when there is a bias)",
)


def _pool_argmax(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair,
                 dilation: Pair) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Each window's maximum and its position (the first maximum, as PyTorch picks it)."""
    cols = _windows(_pad(x, padding, -np.inf), kernel, stride, dilation)
    flat = cols.reshape(cols.shape[:4] + (-1,))
    where = np.argmax(np.where(np.isnan(flat), np.inf, flat), axis=-1)
    return np.take_along_axis(flat, where[..., None], axis=-1)[..., 0], where


def _pool_forward(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair,
                  dilation: Pair) -> np.ndarray:  # fmt: skip
    return _pool_argmax(x, kernel, stride, padding, dilation)[0]


def _pool_backward(g: Any, out: Any, x: Any, kernel: Pair, stride: Pair, padding: Pair,
                   dilation: Pair) -> tuple[Any]:  # fmt: skip
    xa, ga = raw(x), raw(g)
    where = _pool_argmax(xa, kernel, stride, padding, dilation)[1]
    n, c, h, w = xa.shape
    hp, wp = h + 2 * padding[0], w + 2 * padding[1]
    oh, ow = where.shape[2:]
    rows = np.arange(oh)[:, None] * stride[0] + (where // kernel[1]) * dilation[0]
    cols = np.arange(ow)[None, :] * stride[1] + (where % kernel[1]) * dilation[1]
    planes = np.arange(n * c).reshape(n, c, 1, 1)
    flat = ((planes * hp + rows) * wp + cols).ravel()
    grad = np.bincount(flat, weights=ga.ravel(), minlength=n * c * hp * wp)
    grad = grad.reshape(n, c, hp, wp)[
        :, :, padding[0] : padding[0] + h, padding[1] : padding[1] + w
    ]
    return (const(grad.astype(xa.dtype), g),)


max_pool2d = defop(
    "max_pool2d",
    _pool_forward,
    _pool_backward,
    node="MaxPool2DWithIndicesBackward0",
    saves="S",
    rule="grad_self = zeros like self with grad put at each window's maximum (repeats add up)",
)


def _embedding_backward(g: Any, out: Any, weight: Any, indices: np.ndarray,
                        padding_idx: int) -> tuple[Any]:  # fmt: skip
    ga = raw(g)
    grad = np.zeros(tuple(weight.shape), ga.dtype)
    np.add.at(grad, indices.ravel(), ga.reshape(-1, grad.shape[1]))
    if padding_idx >= 0:
        grad[padding_idx] = 0
    return (const(grad, g),)


embedding = defop(
    "embedding",
    lambda weight, indices, padding_idx: weight[indices],
    _embedding_backward,
    saves_attrs=True,  # the indices
    rule="grad_weight = zeros like weight, grad added at each index's row (not padding_idx's)",
)


def _layer_norm_stats(x: np.ndarray, dims: int, eps: float) -> tuple[np.ndarray, np.ndarray]:
    axes = tuple(range(x.ndim - dims, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return mean, 1.0 / np.sqrt(var + eps)


def _layer_norm_forward(x: np.ndarray, w: Any, b: Any, dims: int, eps: float) -> np.ndarray:
    mean, rstd = _layer_norm_stats(x, dims, eps)
    out = (x - mean) * rstd
    out = out * w if w is not None else out
    return (out + b if b is not None else out).astype(x.dtype)


def _layer_norm_backward(g: Any, out: Any, x: Any, w: Any, b: Any, dims: int,
                         eps: float) -> tuple[Any, Any, Any]:  # fmt: skip
    ga, xa, wa = raw(g), raw(x), raw(w)
    mean, rstd = _layer_norm_stats(xa, dims, eps)
    xhat = (xa - mean) * rstd
    lead = tuple(range(xa.ndim - dims))
    gxhat = ga * wa if wa is not None else ga
    axes = tuple(range(xa.ndim - dims, xa.ndim))
    gx = rstd * (
        gxhat
        - gxhat.mean(axis=axes, keepdims=True)
        - xhat * (gxhat * xhat).mean(axis=axes, keepdims=True)
    )
    gw = const((ga * xhat).sum(axis=lead), g) if w is not None else None
    gb = const(ga.sum(axis=lead), g) if b is not None else None
    return const(gx, g), gw, gb


native_layer_norm = defop(
    "native_layer_norm",
    _layer_norm_forward,
    _layer_norm_backward,
    saves="SSS",
    rule="grad_input = rstd·(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)), ĝ = grad·weight, "
    "x̂ = (input - mean)·rstd; grad_weight = Σ grad·x̂; grad_bias = Σ grad (when there is a bias)",
)


def _batch_axes(x: Any) -> tuple[int, ...]:
    return (0,) + tuple(range(2, x.ndim))


def _channel(v: np.ndarray, ndim: int) -> np.ndarray:
    """A per-channel vector shaped to broadcast against (N, C, ...)."""
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def _batch_norm_stats(x: np.ndarray, mean: Any, var: Any, eps: float) -> tuple[Any, Any]:
    """The mean and 1/√(var + ε) used: the batch's (training) or the given running ones."""
    if mean is None:
        axes = _batch_axes(x)
        mean = x.mean(axis=axes)
        var = ((x - _channel(mean, x.ndim)) ** 2).mean(axis=axes)
    return _channel(mean, x.ndim), _channel(1.0 / np.sqrt(var + eps), x.ndim)


def _batch_norm_forward(x: np.ndarray, w: Any, b: Any, mean: Any, var: Any,
                        eps: float) -> np.ndarray:  # fmt: skip
    mu, rstd = _batch_norm_stats(x, mean, var, eps)
    out = (x - mu) * rstd
    out = out * _channel(w, x.ndim) if w is not None else out
    return (out + _channel(b, x.ndim) if b is not None else out).astype(x.dtype)


def _batch_norm_backward(g: Any, out: Any, x: Any, w: Any, b: Any, mean: Any, var: Any,
                         eps: float) -> tuple[Any, Any, Any]:  # fmt: skip
    ga, xa, wa = raw(g), raw(x), raw(w)
    mu, rstd = _batch_norm_stats(xa, mean, var, eps)
    xhat = (xa - mu) * rstd
    axes = _batch_axes(xa)
    gxhat = ga * _channel(wa, xa.ndim) if wa is not None else ga
    if mean is None:  # training: the batch statistics depend on x too
        gx = rstd * (
            gxhat
            - gxhat.mean(axis=axes, keepdims=True)
            - xhat * (gxhat * xhat).mean(axis=axes, keepdims=True)
        )
    else:
        gx = gxhat * rstd
    gw = const((ga * xhat).sum(axis=axes), g) if w is not None else None
    gb = const(ga.sum(axis=axes), g) if b is not None else None
    return const(gx.astype(xa.dtype), g), gw, gb


native_batch_norm = defop(
    "native_batch_norm",
    _batch_norm_forward,
    _batch_norm_backward,
    saves="SS-",
    rule="grad_input = rstd·(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)) in training, ĝ·rstd in eval, "
    "ĝ = grad·weight, x̂ = (input - mean)·rstd; grad_weight = Σ grad·x̂; "
    "grad_bias = Σ grad (when there is a bias)",
)


def _scaled(g: Any, v: Any, reduction: str, n: int) -> Any:
    """g·v for 'none' and 'sum', g·v/n for 'mean' (g is then a number or 0-d)."""
    return g * v / n if reduction == "mean" else g * v


def _reduced(v: np.ndarray, reduction: str, dtype: Any) -> np.ndarray:
    if reduction == "mean":
        return np.asarray(v.mean(), dtype)
    return np.asarray(v.sum(), dtype) if reduction == "sum" else v.astype(dtype)


def _bce_forward(x: np.ndarray, y: np.ndarray, reduction: str) -> np.ndarray:
    # PyTorch clamps each log at -100 so that x = 0 or 1 gives a finite loss
    with np.errstate(divide="ignore"):
        logs = np.maximum(np.log(x), -100), np.maximum(np.log1p(-x), -100)
    return _reduced(-(y * logs[0] + (1 - y) * logs[1]), reduction, x.dtype)


def _bce_input_grad(g: Any, out: Any, x: Any, y: Any, reduction: str) -> Any:
    xa, ya = raw(x), raw(y)
    per = (xa - ya) / np.maximum((1 - xa) * xa, 1e-12)
    return const(_scaled(raw(g), per, reduction, xa.size), g)


def _bce_target_grad(g: Any, out: Any, x: Any, y: Any, reduction: str) -> Any:
    xa = raw(x)
    with np.errstate(divide="ignore"):
        per = np.maximum(np.log1p(-xa), -100) - np.maximum(np.log(xa), -100)
    return const(_scaled(raw(g), per, reduction, xa.size), g)


binary_cross_entropy = defop(
    "binary_cross_entropy",
    _bce_forward,
    (_bce_input_grad, _bce_target_grad),
    saves="SS",
    rule="grad_input = grad·(input - target) / max(input·(1 - input), 1e-12); "
    "grad_target = grad·log((1 - input) / input)",
)


def _bce_logits_forward(x: np.ndarray, y: np.ndarray, reduction: str) -> np.ndarray:
    # (1 - y)·x + log(1 + e⁻ˣ), written to stay finite for large |x|
    per = (1 - y) * x + np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))
    return _reduced(per, reduction, x.dtype)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * x))


binary_cross_entropy_with_logits = defop(
    "binary_cross_entropy_with_logits",
    _bce_logits_forward,
    (
        lambda g, out, x, y, reduction: const(
            _scaled(raw(g), _sigmoid(raw(x)) - raw(y), reduction, raw(x).size), g
        ),
        lambda g, out, x, y, reduction: const(_scaled(raw(g), -raw(x), reduction, raw(x).size), g),
    ),
    saves="SS",
    rule="grad_input = grad·(σ(input) - target); grad_target = -grad·input",
)
