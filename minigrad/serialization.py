"""`save` / `load`: tensors, dicts of tensors and state dicts in a minigrad file (pickle).

The format is minigrad's own: a pickle of plain numpy arrays tagged as tensors. It does not
read or write PyTorch's zip files (a file from `torch.save` cannot be loaded here).
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np

from minigrad.tensor import Tensor

MAGIC = "minigrad-save-1"


class _Packed:
    """A tensor in the file: its array, and whether it required grad / was a Parameter."""

    def __init__(self, data: np.ndarray, requires_grad: bool, parameter: bool) -> None:
        self.data, self.requires_grad, self.parameter = data, requires_grad, parameter


def _pack(obj: Any) -> Any:
    if isinstance(obj, Tensor):
        from minigrad.nn.parameter import Parameter

        return _Packed(np.array(obj._data), obj.requires_grad, isinstance(obj, Parameter))
    if isinstance(obj, dict):
        return type(obj)((k, _pack(v)) for k, v in obj.items())
    if isinstance(obj, list | tuple):
        return type(obj)(_pack(v) for v in obj)
    return obj


def _unpack(obj: Any) -> Any:
    if isinstance(obj, _Packed):
        from minigrad.factories import tensor
        from minigrad.nn.parameter import Parameter

        t = tensor(obj.data)
        return (
            Parameter(t, obj.requires_grad)
            if obj.parameter
            else t.requires_grad_(obj.requires_grad)
        )
    if isinstance(obj, dict):
        return type(obj)((k, _unpack(v)) for k, v in obj.items())
    if isinstance(obj, list | tuple):
        return type(obj)(_unpack(v) for v in obj)
    return obj


def save(obj: Any, f: Any, **kwargs: Any) -> None:
    """Write `obj` (tensors, nested dicts/lists of them, numbers, strings) to a path or file.

    Args:
        obj: what to save.
        f: a path or a binary file object.
    """
    payload = (MAGIC, _pack(obj))
    if hasattr(f, "write"):
        pickle.dump(payload, f)
        return
    with open(f, "wb") as handle:
        pickle.dump(payload, handle)


def load(f: Any, map_location: Any = None, weights_only: bool | None = None, **kwargs: Any) -> Any:
    """Read what `save` wrote (a minigrad file only, not PyTorch's zip format).

    Args:
        f: a path or a binary file object.
        map_location: only None or "cpu".
        weights_only: accepted for PyTorch's signature.
    """
    from minigrad.device import check_device

    check_device(map_location)
    if hasattr(f, "read"):
        payload = pickle.load(f)  # the user's own file, as torch.load
    else:
        with open(f, "rb") as handle:
            payload = pickle.load(handle)
    if not (isinstance(payload, tuple) and payload and payload[0] == MAGIC):
        raise RuntimeError("not a minigrad file: minigrad.load reads only what minigrad.save wrote")
    return _unpack(payload[1])
