"""`torch.accelerator` as on a CPU-only PyTorch build: there is no accelerator.

`torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"`
picks the CPU. Asking about the current device raises PyTorch's own RuntimeError.
"""

from __future__ import annotations

from typing import Any

from minigrad.errors import runtime

NO_ACCELERATOR = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    """False: minigrad computes on the CPU only."""
    return False


def device_count() -> int:
    """0 accelerators."""
    return 0


def current_accelerator(check_available: bool = False) -> None:
    """None: there is no accelerator (with or without `check_available`).

    Args:
        check_available: ignored, as nothing is available either way.
    """
    return None


def _none_available(*args: Any, **kwargs: Any) -> Any:
    """PyTorch's CPU-build error for every question about the current accelerator."""
    raise runtime("no_accelerator", NO_ACCELERATOR)


current_device_index = current_device_idx = synchronize = current_stream = _none_available
set_device_index = set_device_idx = empty_cache = memory_allocated = _none_available


def __getattr__(name: str) -> Any:
    from minigrad.missing import missing

    raise missing("minigrad.accelerator", "torch.accelerator", name)
