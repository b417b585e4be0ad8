"""`torch.cuda` as on a CPU-only PyTorch build: no device is available.

`device = "cuda" if torch.cuda.is_available() else "cpu"` picks the CPU. The seeding calls are
no-ops, as PyTorch's are without CUDA; asking for the current device raises PyTorch's error.
"""

from __future__ import annotations

from typing import Any

from minigrad.device import CUDA_MISSING


def is_available() -> bool:
    """False: minigrad computes on the CPU only."""
    return False


def device_count() -> int:
    """0 CUDA devices."""
    return 0


def is_initialized() -> bool:
    """False: there is no CUDA to initialise."""
    return False


def manual_seed(seed: int) -> None:
    """A no-op without CUDA, as in PyTorch.

    Args:
        seed: ignored.
    """


def manual_seed_all(seed: int) -> None:
    """A no-op without CUDA, as in PyTorch.

    Args:
        seed: ignored.
    """


def synchronize(device: Any = None) -> None:
    """PyTorch's CPU-build error: `AssertionError: Torch not compiled with CUDA enabled`.

    Args:
        device: ignored.
    """
    raise AssertionError(CUDA_MISSING)


def current_device() -> int:
    """PyTorch's CPU-build error: `AssertionError: Torch not compiled with CUDA enabled`."""
    raise AssertionError(CUDA_MISSING)


def get_device_name(device: Any = None) -> str:
    """PyTorch's CPU-build error: `AssertionError: Torch not compiled with CUDA enabled`.

    Args:
        device: ignored.
    """
    raise AssertionError(CUDA_MISSING)


def empty_cache() -> None:
    """A no-op: there is no CUDA memory to free."""


def __getattr__(name: str) -> Any:
    from minigrad.missing import missing

    raise missing("minigrad.cuda", "torch.cuda", name)
