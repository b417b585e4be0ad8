"""minigrad's exceptions: PyTorch's built-in classes and wording, plus the facts as attributes.

Every error subclasses both `MinigradError` (so the Jupyter layer can explain it) and the
built-in class PyTorch raises (so `except RuntimeError:` in a lesson still works).
"""

from __future__ import annotations

from typing import Any


class MinigradError(Exception):
    """Base of every minigrad error. Facts about the failure live in attributes.

    Args:
        message: the text, worded as PyTorch words it.
        **facts: what the explainer needs (`node`, `tensor`, `shapes`, `op`, ...).
    """

    kind = "error"
    _key = "MinigradError"  # the class's name in this module (see _named_as_builtin)

    def __init__(self, message: str, **facts: Any) -> None:
        super().__init__(message)
        self.facts = facts
        for key, value in facts.items():
            setattr(self, key, value)

    def __reduce__(self) -> Any:
        # by this module's own name (the class calls itself `builtins.RuntimeError`); the
        # facts (graph nodes, tensors) stay behind
        return (_rebuild, (self._key, self.args, self.kind))


def _named_as_builtin(cls: type[MinigradError]) -> type[MinigradError]:
    """Give `cls` the name of the built-in class it extends, module `builtins` included.

    A traceback then ends in `RuntimeError: ...` exactly as PyTorch's does, and nbval, which
    compares a failing cell's `ename` (the class `__name__`), sees PyTorch's class name.
    `except minigrad.MinigradError` and `except RuntimeError` both still catch it.
    """
    builtin = cls.__mro__[2]
    cls._key = cls.__name__  # the name it is found under in this module, for pickling
    cls.__name__ = cls.__qualname__ = builtin.__name__
    cls.__module__ = "builtins"
    return cls


@_named_as_builtin
class MinigradRuntimeError(MinigradError, RuntimeError):
    """A RuntimeError, as PyTorch raises for most autograd mistakes."""


@_named_as_builtin
class MinigradTypeError(MinigradError, TypeError):
    """A TypeError (wrong argument type)."""


@_named_as_builtin
class MinigradValueError(MinigradError, ValueError):
    """A ValueError (bad value, e.g. ragged nested lists)."""


@_named_as_builtin
class MinigradIndexError(MinigradError, IndexError):
    """An IndexError (index or dimension out of range)."""


@_named_as_builtin
class MinigradNotImplementedError(MinigradError, NotImplementedError):
    """A NotImplementedError, as ATen raises for a kernel without a loop for a dtype."""


def runtime(kind: str, message: str, **facts: Any) -> MinigradRuntimeError:
    """A RuntimeError tagged with `kind` (the explainer's key, e.g. "nonscalar_backward")."""
    err = MinigradRuntimeError(message, **facts)
    err.kind = kind
    return err


def typed(cls: type[MinigradError], kind: str, message: str, **facts: Any) -> MinigradError:
    """An error of class `cls` tagged with `kind`."""
    err = cls(message, **facts)
    err.kind = kind
    return err


def _rebuild(key: str, args: tuple[Any, ...], kind: str) -> MinigradError:
    """An unpickled error: the class named `key` here, same message and kind, no facts."""
    err: MinigradError = globals()[key](*args)
    err.kind = kind
    return err


_WARNED: set[str] = set()
_WARN_ALWAYS = [False]


def set_warn_always(b: bool) -> None:
    """torch.set_warn_always: True makes the warn-once warnings warn every time."""
    if not isinstance(b, bool):
        got = type(b).__name__
        raise runtime("warn_always_bool", f"setWarnOnlyOnce expects a bool, but got {got}")
    _WARN_ALWAYS[0] = b


def is_warn_always_enabled() -> bool:
    """torch.is_warn_always_enabled."""
    return _WARN_ALWAYS[0]


def warn_once(message: str, stacklevel: int) -> None:
    """A UserWarning the first time only, as PyTorch's TORCH_WARN_ONCE (once per process),
    or every time after set_warn_always(True)."""
    if _WARN_ALWAYS[0] or message not in _WARNED:
        import warnings

        _WARNED.add(message)
        warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)
