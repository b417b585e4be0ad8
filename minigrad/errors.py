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

    def __init__(self, message: str, **facts: Any) -> None:
        super().__init__(message)
        self.facts = facts
        for key, value in facts.items():
            setattr(self, key, value)


class MinigradRuntimeError(MinigradError, RuntimeError):
    """A RuntimeError, as PyTorch raises for most autograd mistakes."""


class MinigradTypeError(MinigradError, TypeError):
    """A TypeError (wrong argument type)."""


class MinigradValueError(MinigradError, ValueError):
    """A ValueError (bad value, e.g. ragged nested lists)."""


class MinigradIndexError(MinigradError, IndexError):
    """An IndexError (index or dimension out of range)."""


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
