"""`torch.backends`: the flags lessons set (`cudnn.deterministic = True`) and `mps`."""

from __future__ import annotations

from typing import Any

from minigrad.backends import cudnn, mps

__all__ = ["cudnn", "mps"]


def __getattr__(name: str) -> Any:
    from minigrad.missing import missing

    raise missing("minigrad.backends", "torch.backends", name)
