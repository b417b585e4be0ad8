"""`minigrad.utils`: only `data` (datasets and the DataLoader), as `torch.utils`."""

from __future__ import annotations

from minigrad.utils import data

__all__ = ["data"]
