"""`minigrad.nn.init`: fill parameters in place, drawing what torch.nn.init draws (same values)."""

from __future__ import annotations

import math
from typing import Any

from minigrad.grad_mode import no_grad
from minigrad.tensor import Tensor

_GAINS = {
    "linear": 1.0,
    "conv1d": 1.0,
    "conv2d": 1.0,
    "conv3d": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3,
    "relu": math.sqrt(2.0),
    "selu": 3.0 / 4,
}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended std multiplier for a nonlinearity (√2 for relu, 5/3 for tanh, ...).

    Args:
        nonlinearity: the function's name, e.g. "relu" or "leaky_relu".
        param: leaky_relu's negative slope (default 0.01).
    """
    if nonlinearity in _GAINS:
        return _GAINS[nonlinearity]
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out): inputs and outputs per unit of a weight of shape (out, in, *kernel)."""
    if tensor.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    receptive = 1
    for size in tensor.shape[2:]:
        receptive *= size
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with U(a, b) values, in place.

    Args:
        tensor: the tensor to fill.
        a: lower bound.
        b: upper bound.
    """
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with N(mean, std²) values, in place.

    Args:
        tensor: the tensor to fill.
        mean: the mean.
        std: the standard deviation.
    """
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with `val`, in place.

    Args:
        tensor: the tensor to fill.
        val: the value.
    """
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros, in place."""
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones, in place."""
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Glorot init: U(-a, a) with a = gain·√(6 / (fan_in + fan_out)), in place.

    Args:
        tensor: a weight of at least 2 dimensions.
        gain: a multiplier (see calculate_gain).
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(2.0 / float(fan_in + fan_out)) * math.sqrt(3.0)
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Glorot init: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)), in place.

    Args:
        tensor: a weight of at least 2 dimensions.
        gain: a multiplier (see calculate_gain).
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Any = None,
) -> Tensor:
    """He init: U(-b, b) with b = gain·√(3 / fan), in place (Linear uses a=√5: b = 1/√fan_in).

    Args:
        tensor: a weight of at least 2 dimensions.
        a: leaky_relu's negative slope.
        mode: "fan_in" or "fan_out".
        nonlinearity: the nonlinearity that follows.
    """
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Any = None,
) -> Tensor:
    """He init: N(0, std²) with std = gain / √fan, in place.

    Args:
        tensor: a weight of at least 2 dimensions.
        a: leaky_relu's negative slope.
        mode: "fan_in" or "fan_out".
        nonlinearity: the nonlinearity that follows.
    """
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def _layer_default(weight: Any, bias: Any, zero_fan_draws: bool) -> None:
    """PyTorch's default for Linear and ConvNd: kaiming_uniform_(a=√5) for the weight,
    U(-1/√fan_in, 1/√fan_in) for the bias.

    Args:
        weight: the weight parameter.
        bias: the bias parameter, or None.
        zero_fan_draws: with fan_in 0, Linear still draws U(0, 0) (consuming the generator as
            PyTorch's does); ConvNd draws nothing.
    """
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is None:
        return
    fan_in, _ = _calculate_fan_in_and_fan_out(weight)
    if fan_in > 0 or zero_fan_draws:
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)
