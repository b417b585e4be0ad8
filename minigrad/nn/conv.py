"""Conv2d and MaxPool2d (PyTorch's reprs and default initialisation)."""

from __future__ import annotations

from typing import Any

from minigrad import dtypes
from minigrad.factories import empty
from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.functional_layers import _pair
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.tensor import Tensor


class Conv2d(Module):
    """2-D convolution: out[n, o] = bias[o] + Σ_c weight[o, c] ⋆ input[n, c].

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output (number of filters).
        kernel_size: the filters' height and width.
        stride: the step between windows.
        padding: zeros added on each side, or 'valid' / 'same'.
        dilation: the spacing between kernel elements.
        groups: only 1 (minigrad has no grouped convolution).
        bias: whether to add a learnable bias.
        padding_mode: only 'zeros'.
        device: only None or "cpu".
        dtype: the parameters' dtype (default float32).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        if groups != 1 or padding_mode != "zeros":
            raise NotImplementedError("minigrad's Conv2d needs groups=1 and padding_mode='zeros'")
        from minigrad.device import check_device

        check_device(device)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _pair(kernel_size), _pair(stride)
        self.padding = padding if isinstance(padding, str) else _pair(padding)
        self.dilation, self.groups, self.padding_mode = _pair(dilation), groups, padding_mode
        kind = dtypes.to_dtype(dtype) if dtype is not None else None
        self.weight = Parameter(empty(out_channels, in_channels, *self.kernel_size, dtype=kind))
        if bias:
            self.bias = Parameter(empty(out_channels, dtype=kind))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: kaiming_uniform_(a=√5) for W, U(-1/√fan_in, 1/√fan_in) for b."""
        init._layer_default(self.weight, self.bias, zero_fan_draws=False)

    def forward(self, input: Tensor) -> Tensor:
        """conv2d(input, weight, bias)."""
        return F.conv2d(
            input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * 2:
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.bias is None:
            text += ", bias=False"
        return text


class MaxPool2d(Module):
    """The maximum of each kernel_size window (stride defaults to kernel_size).

    Args:
        kernel_size: the window's size.
        stride: the step between windows (default: kernel_size).
        padding: -inf added on each side.
        dilation: the spacing between window elements.
        return_indices: not supported by minigrad (must be False).
        ceil_mode: not supported by minigrad (must be False).
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        """max_pool2d(input)."""
        return F.max_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.dilation,
            ceil_mode=self.ceil_mode, return_indices=self.return_indices,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )
