"""The one switch: whether new operations are recorded for autograd, per thread.

A `threading.local`, because it must persist across notebook cells (a `ContextVar` may not)
and each thread has its own mode, as in PyTorch.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradState(threading.local):
    enabled = True
    inference = False
    anomaly = False  # anomaly mode (minigrad.anomaly): per thread too
    check_nan = True


_state = _GradState()


class _Registry:
    """Tensors by identity, held weakly: those made inside inference_mode
    (`x.is_inference()`), and the views made under no_grad.

    Empty, and never consulted, in lessons that don't use them: a registry rather than a
    Tensor field keeps Tensor._make lean. (A WeakSet would compare tensors with `==`.)
    """

    def __init__(self) -> None:
        self._refs: dict[int, weakref.ref[Any]] = {}

    def add(self, t: Any) -> None:
        key = id(t)

        def forget(_: Any) -> None:
            self._refs.pop(key, None)

        self._refs[key] = weakref.ref(t, forget)

    def __contains__(self, t: Any) -> bool:
        ref = self._refs.get(id(t))
        return ref is not None and ref() is t

    def __bool__(self) -> bool:
        return bool(self._refs)


INFERENCE_TENSORS = _Registry()
# views made under no_grad, and views of them (PyTorch's CreationMeta::NO_GRAD_MODE)
NO_GRAD_VIEWS = _Registry()

INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`."
)
INFERENCE_INPLACE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
    "clone to get a normal tensor before doing inplace update.See "
    "https://github.com/pytorch/rfcs/pull/17 for more details."
)
NO_GRAD_VIEW_INPLACE = (
    "{} no_grad mode and is being modified inplace with grad mode enabled. Given that this "
    "use case is ambiguous and error-prone, it is forbidden. You can clarify "
    "your code by moving both the view and the inplace either both inside the no_grad block "
    "(if you don't want the inplace to be tracked) or both outside (if you want the inplace to "
    "be tracked)."
)
INFERENCE_REQUIRES_GRAD = (
    "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."
)


def is_inference(t: Any) -> bool:
    """True if `t` was made inside `inference_mode()`."""
    return t in INFERENCE_TENSORS


def is_grad_enabled() -> bool:
    """True when new operations are recorded in this thread."""
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    """True inside `inference_mode()` in this thread."""
    return _state.inference


class _DecoratorContextManager:
    """A context manager that also decorates functions, with a fresh instance per call.

    As in PyTorch, `@no_grad` works without parentheses too: called with a function as its
    only argument, the class returns that function decorated. A class whose first argument is
    a mode (set_grad_enabled) sets `bare_decorator = False`.
    """

    bare_decorator = True

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls.bare_decorator and len(args) == 1 and not kwargs and callable(args[0]):
            return cls()(args[0])
        return super().__new__(cls)

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


class no_grad(_DecoratorContextManager):  # torch's name
    """Stop recording the graph in this thread: `with no_grad():` or `@no_grad()`."""

    def __enter__(self) -> None:
        self._prev, _state.enabled = _state.enabled, False

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self._prev


class enable_grad(_DecoratorContextManager):  # torch's name
    """Record the graph again, e.g. inside a `no_grad` block: `with enable_grad():`."""

    def __enter__(self) -> None:
        self._prev, _state.enabled = _state.enabled, True

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self._prev


class set_grad_enabled(_DecoratorContextManager):  # torch's name
    """Set grad mode to `mode`; used as a function it sets it for good, as in PyTorch.

    Args:
        mode: True to record operations, False not to.
    """

    bare_decorator = False  # its one argument is the mode, never the function

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


class inference_mode(_DecoratorContextManager):  # torch's name
    """Like `no_grad`, for code that will never need gradients.

    Args:
        mode: True (default) turns inference mode on; False turns it off and grad mode on.
    """

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)

    def clone(self) -> inference_mode:
        """A fresh instance with the same mode."""
        return type(self)(self.mode)

    def __enter__(self) -> None:
        self._prev = (_state.enabled, _state.inference)
        # as PyTorch's C++ guard: grad mode becomes `not mode` (inference_mode(False) turns
        # grad mode on, even inside no_grad)
        _state.enabled, _state.inference = not self.mode, self.mode

    def __exit__(self, *exc: object) -> None:
        _state.enabled, _state.inference = self._prev
