"""The one switch: whether new operations are recorded for autograd, per thread.

A `threading.local`, because it must persist across notebook cells (a `ContextVar` may not)
and each thread has its own mode, as in PyTorch.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradState(threading.local):
    enabled = True
    inference = False


_state = _GradState()


def is_grad_enabled() -> bool:
    """True when new operations are recorded in this thread."""
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    """True inside `inference_mode()` in this thread."""
    return _state.inference


class _DecoratorContextManager:
    """A context manager that also decorates functions, with a fresh instance per call."""

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def clone(self) -> _DecoratorContextManager:
        """A fresh instance with the same settings (safe under recursion and threads)."""
        return type(self)()

    def __enter__(self) -> None:
        raise NotImplementedError

    def __exit__(self, *exc: object) -> None:
        raise NotImplementedError


class no_grad(_DecoratorContextManager):  # noqa: N801 - torch's name
    """Stop recording the graph in this thread: `with no_grad():` or `@no_grad()`."""

    def __enter__(self) -> None:
        self._prev, _state.enabled = _state.enabled, False

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self._prev


class enable_grad(_DecoratorContextManager):  # noqa: N801 - torch's name
    """Record the graph again, e.g. inside a `no_grad` block: `with enable_grad():`."""

    def __enter__(self) -> None:
        self._prev, _state.enabled = _state.enabled, True

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self._prev


class set_grad_enabled(_DecoratorContextManager):  # noqa: N801 - torch's name
    """Set grad mode to `mode`; used as a function it sets it for good, as in PyTorch.

    Args:
        mode: True to record operations, False not to.
    """

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._prev = _state.enabled
        _state.enabled = self.mode

    def clone(self) -> set_grad_enabled:
        """A fresh instance with the same mode, restoring the mode it found."""
        prev = _state.enabled
        fresh = type(self)(self.mode)
        _state.enabled = prev
        return fresh

    def __call__(self, fn: F) -> F:
        _state.enabled = self._prev  # as a decorator, the mode applies only inside `fn`
        return super().__call__(fn)

    def __enter__(self) -> None:
        _state.enabled = self.mode  # _prev was taken in __init__, before the mode changed

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self._prev


class inference_mode(_DecoratorContextManager):  # noqa: N801 - torch's name
    """Like `no_grad`, for code that will never need gradients.

    Args:
        mode: True (default) turns inference mode on, False leaves grad mode as it is.
    """

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)

    def clone(self) -> inference_mode:
        """A fresh instance with the same mode."""
        return type(self)(self.mode)

    def __enter__(self) -> None:
        self._prev = (_state.enabled, _state.inference)
        if self.mode:
            _state.enabled, _state.inference = False, True

    def __exit__(self, *exc: object) -> None:
        _state.enabled, _state.inference = self._prev
