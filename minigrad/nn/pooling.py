"""Average pooling: the avg_pool2d row, F.avg_pool2d, F.adaptive_avg_pool2d and their modules.

"What is torch.nn really?" ends its CNN with `F.avg_pool2d(xb, 4)` and then
`nn.AdaptiveAvgPool2d(1)`. Windows count the zero padding (PyTorch's default
count_include_pad=True); ceil_mode and divisor_override are not supported.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.dispatch import defop
from minigrad.errors import MinigradIndexError, runtime, typed
from minigrad.nn.module import Module
from minigrad.nn_ops import Pair, _pad, _scatter_windows, _windows
from minigrad.ops import const, raw
from minigrad.tensor import Tensor

ONE: Pair = (1, 1)


def _avg_forward(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair) -> np.ndarray:
    cols = _windows(_pad(x, padding), kernel, stride, ONE)
    return (cols.sum(axis=(4, 5)) / (kernel[0] * kernel[1])).astype(x.dtype)


def _avg_backward(g: Any, out: Any, x: Any, kernel: Pair, stride: Pair,
                  padding: Pair) -> tuple[Any]:  # fmt: skip
    ga = raw(g) / (kernel[0] * kernel[1])
    per_window = np.broadcast_to(ga[..., None, None], ga.shape + kernel)
    grad = _scatter_windows(per_window, tuple(x.shape), padding, stride, ONE)
    return (const(grad.astype(ga.dtype), g),)


avg_pool2d_row = defop(
    "avg_pool2d",
    _avg_forward,
    _avg_backward,
    node="AvgPool2DBackward0",
    saves="S",  # PyTorch saves the input (an in-place change of it then fails backward)
    rule="grad_self = zeros like self with grad / (kh * kw) spread over each window",
)


def _pair(v: Any) -> Pair:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _check(input: Tensor, kernel: Pair, stride: Pair, pad: Pair) -> None:
    """PyTorch's errors for a too-small input, too much padding, or fewer than 3 dims."""
    if input.ndim < 3:
        raise typed(
            MinigradIndexError,
            "dim_range",
            f"Dimension out of range (expected to be in range of [{-input.ndim}, "
            f"{input.ndim - 1}], but got -3)",
        )
    if any(p > k // 2 for p, k in zip(pad, kernel)):
        raise runtime(
            "pool_padding",
            f"pad should be at most half of effective kernel size, but got pad={pad[0]}, "
            f"kernel_size={kernel[0]} and dilation=1",
        )
    h, w = input.shape[-2:]
    oh = (h + 2 * pad[0] - kernel[0]) // stride[0] + 1
    ow = (w + 2 * pad[1] - kernel[1]) // stride[1] + 1
    if oh < 1 or ow < 1:
        c = input.shape[-3]
        raise runtime(
            "pool_size",
            f"Given input size: ({c}x{h}x{w}). Calculated output size: "
            f"({c}x{max(oh, 0)}x{max(ow, 0)}). Output size is too small",
        )


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: Any = None) -> Tensor:  # fmt: skip
    """The mean of each kernel_size window of (N, C, H, W) or (C, H, W) input.

    Args:
        input: the images.
        kernel_size: the window's size.
        stride: the step between windows (default: kernel_size).
        padding: zeros added on each side (at most half the kernel), counted in the mean.
        ceil_mode, count_include_pad, divisor_override: only PyTorch's defaults.
    """
    if ceil_mode or not count_include_pad or divisor_override is not None:
        raise NotImplementedError(
            "minigrad's avg_pool2d has no ceil_mode, count_include_pad=False or divisor_override"
        )
    kernel = _pair(kernel_size)
    steps = kernel if stride is None or stride == [] else _pair(stride)
    pad = _pair(padding)
    _check(input, kernel, steps, pad)
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    out = avg_pool2d_row(x, kernel=kernel, stride=steps, padding=pad)
    return out if batched else out.squeeze(0)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Means over a grid of `output_size` windows that tile the (H, W) plane.

    Output 1 is `input.mean((-1, -2), keepdim=True)`, as PyTorch computes it (MeanBackward1).
    Other sizes must divide H and W: minigrad then records an AvgPool2DBackward0 where
    PyTorch records AdaptiveAvgPool2DBackward0 (the same values and gradients).

    Args:
        input: (N, C, H, W) or (C, H, W) images.
        output_size: (oh, ow), or one int for both; None keeps that size.
    """
    h, w = input.shape[-2:]
    oh, ow = (output_size, output_size) if isinstance(output_size, int) else output_size
    oh, ow = h if oh is None else oh, w if ow is None else ow
    if (oh, ow) == (1, 1):
        return input.mean((-1, -2), keepdim=True)
    if h % oh or w % ow:
        raise NotImplementedError(
            "minigrad's adaptive_avg_pool2d needs an output size that divides the input's"
        )
    return avg_pool2d(input, (h // oh, w // ow))


class AvgPool2d(Module):
    """The mean of each kernel_size window (stride defaults to kernel_size).

    Args:
        kernel_size: the window's size.
        stride: the step between windows (default: kernel_size).
        padding: zeros added on each side.
        ceil_mode, count_include_pad, divisor_override: only PyTorch's defaults.
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        """avg_pool2d(input)."""
        return avg_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
            self.count_include_pad, self.divisor_override,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Means over a grid of output_size windows (1 gives one mean per channel).

    Args:
        output_size: (oh, ow), or one int for both.
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        """adaptive_avg_pool2d(input, output_size)."""
        return adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
