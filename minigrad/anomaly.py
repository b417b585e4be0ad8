"""Anomaly mode: remember where each node was made, and stop backward at the first nan.

`with torch.autograd.detect_anomaly():` does what PyTorch's does: every node made inside it
keeps the traceback of the forward call that made it (`node.metadata["traceback_"]`), and a
backward that computes nan, or fails in a node, warns "Error detected in SqrtBackward0.
Traceback of forward call that caused the error: ..." and raises.

Beyond PyTorch: notebooks lose warnings easily (pytorch issue 101069), so the error itself
carries the forward traceback too: as `err.forward_traceback` (the formatted lines), as an
exception note under the message, and as `err.node` for the Jupyter layer to highlight.

The mode is per thread, like grad mode, and is restored when a `with` block ends.
"""

from __future__ import annotations

import functools
import traceback
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from minigrad import graph
from minigrad.errors import runtime
from minigrad.grad_mode import _state

F = TypeVar("F", bound=Callable[..., Any])

ENABLED_WARNING = (
    "Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
    "enabled for debugging."
)


def is_anomaly_enabled() -> bool:
    """True while anomaly detection is on in this thread."""
    return _state.anomaly


def is_anomaly_check_nan_enabled() -> bool:
    """True while anomaly detection also checks every backward output for nan."""
    return _state.check_nan


class set_detect_anomaly:  # noqa: N801 - torch's name
    """Turn anomaly detection on or off: called, for good; in a `with` block, until it ends.

    Args:
        mode: True to turn anomaly detection on.
        check_nan: also stop at the first backward output that holds nan.
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = (_state.anomaly, _state.check_nan)
        _state.anomaly, _state.check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        _state.anomaly, _state.check_nan = self._prev


class detect_anomaly:  # noqa: N801 - torch's name
    """Anomaly detection inside a `with` block or a decorated function.

    Args:
        check_nan: also stop at the first backward output that holds nan.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        warnings.warn(ENABLED_WARNING, UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        self._prev = (_state.anomaly, _state.check_nan)
        _state.anomaly, _state.check_nan = True, self.check_nan

    def __exit__(self, *exc: object) -> None:
        _state.anomaly, _state.check_nan = self._prev

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def forward_stack() -> list[str]:
    """The formatted stack of the user's code that is running an op (minigrad's frames cut)."""
    frame = graph.user_frame()
    return traceback.format_stack(frame) if frame is not None else []


def check_outputs(node: Any, grads: tuple[Any, ...]) -> None:
    """PyTorch's anomaly error if one of `node`'s gradients holds nan."""
    for i, g in enumerate(grads):
        if g is None:
            continue
        arr = g._data if hasattr(g, "_data") else np.asarray(g)
        if arr.dtype.kind == "f" and np.isnan(arr).any():
            err = runtime(
                "anomaly_nan",
                f"Function '{node.name()}' returned nan values in its {i}th output.",
                node=node,
                output=i,
            )
            raise annotate(err, node)


def annotate(err: BaseException, node: Any) -> BaseException:
    """Warn as PyTorch does with the forward traceback of `node`, and put it on `err` too."""
    lines = node.metadata.get("traceback_", []) if node._meta is not None else []
    text = "".join(lines)
    warnings.warn(
        f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
        + text,
        UserWarning,
        stacklevel=3,
    )
    if getattr(err, "forward_traceback", None) is None:
        err.forward_traceback = lines  # type: ignore[attr-defined]
        err.node = node  # type: ignore[attr-defined]
        if lines and hasattr(err, "add_note"):
            err.add_note(f"The forward call that made {node.name()}:\n" + text.rstrip("\n"))
    return err
