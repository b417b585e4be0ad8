"""Devices: `torch.device` objects, and the one check every `device=` argument goes through.

minigrad computes on the CPU only. A `device` for `cuda` can still be made and printed (lessons
write `device = "cuda" if torch.cuda.is_available() else "cpu"`), but putting a tensor there
fails as it does on a CPU-only PyTorch build: `AssertionError: Torch not compiled with CUDA
enabled`.
"""

from __future__ import annotations

import builtins
from typing import Any

from minigrad.errors import MinigradRuntimeError

# The device types PyTorch's parser knows, in the order its error message lists them.
DEVICE_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
    "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip

CUDA_MISSING = "Torch not compiled with CUDA enabled"


class device:  # torch's name
    """Where a tensor's data lives: `device("cpu")`, `device("cuda", 0)`, `device("cuda:1")`.

    Only "cpu" can hold tensors here; other types exist so that code naming them runs.

    Args:
        type: a device type ("cpu", "cuda", ...), optionally with ":index"; or an int (cuda).
        index: the device ordinal, or None.
    """

    __module__ = "torch"  # type(d) prints <class 'torch.device'>; pickled by _rebuild
    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: builtins.int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index  # noqa: A001
        elif isinstance(type, builtins.int) and not isinstance(type, builtins.bool):
            type, index = "cuda", type  # noqa: A001
        elif not isinstance(type, str):
            raise TypeError(
                f"device() received an invalid combination of arguments - got "
                f"({builtins.type(type).__name__})"
            )
        else:
            type, index = _parse(type, index)  # noqa: A001
        self.type: str = type
        self.index: builtins.int | None = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, device):  # device("cpu") == "cpu" is False in PyTorch too
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> builtins.int:
        return hash((self.type, self.index))

    def __reduce__(self) -> Any:
        return (_rebuild, (self.type, self.index))


def _rebuild(kind: str, index: builtins.int | None) -> device:
    return device(kind, index)


def _parse(text: str, index: builtins.int | None) -> tuple[str, builtins.int | None]:
    kind, sep, ordinal = text.partition(":")
    if kind not in DEVICE_TYPES:
        raise MinigradRuntimeError(
            f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: "
            f"{text}"
        )
    if sep:
        if not ordinal.isdigit():
            raise MinigradRuntimeError(f"Invalid device string: '{text}'")
        if index is not None:
            raise MinigradRuntimeError(
                "type (string) must not include an index because index was passed explicitly: "
                f"{text}"
            )
        index = builtins.int(ordinal)
    if index is not None and index < 0:
        raise MinigradRuntimeError("Device index must not be negative")
    return kind, index


CPU = device("cpu")
_default = {"device": CPU}


def check_device(where: Any) -> device:
    """The device a `device=` argument names, if tensors can live there; else torch's error.

    None means the default device (`set_default_device`). cuda gives PyTorch's CPU-build
    `AssertionError: Torch not compiled with CUDA enabled`; another type, a RuntimeError.

    Args:
        where: None, a str such as "cpu" or "cuda:0", an int (a cuda ordinal) or a `device`.
    """
    if where is None:
        where = _default["device"]
    if where is CPU:
        return CPU
    dev = where if isinstance(where, device) else device(where)
    if dev.type == "cpu":
        return CPU
    if dev.type == "cuda":
        raise AssertionError(CUDA_MISSING)
    raise MinigradRuntimeError(
        f"Could not run this operation on the '{dev.type.upper()}' backend: minigrad computes "
        "on the CPU only."
    )


def set_default_device(where: Any) -> None:
    """Where new tensors are made by default; only the CPU (None or "cpu") is accepted.

    Args:
        where: None (the CPU), a str or a `device`; as in PyTorch, "cuda" is accepted here and
            the next factory call raises.
    """
    _default["device"] = CPU if where is None else device(where)


def get_default_device() -> device:
    """The device new tensors are made on: `device(type='cpu')`."""
    return _default["device"]
