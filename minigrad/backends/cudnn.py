"""`torch.backends.cudnn` without CUDA: flags can be set and read; they change nothing here.

minigrad is deterministic on the CPU already, so `deterministic = True` and
`benchmark = False` (common lines in lessons) are accepted as plain module attributes.
"""

from __future__ import annotations

enabled = True
deterministic = False
benchmark = False
allow_tf32 = True


def is_available() -> bool:
    """False: there is no cuDNN (PyTorch's CPU build answers the same)."""
    return False


def version() -> None:
    """None: no cuDNN library, as on PyTorch's CPU build."""
    return None
