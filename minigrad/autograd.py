"""`minigrad.autograd`: backward(), grad(), Variable, Function, gradcheck, anomaly mode.

The `torch.autograd` namespace: it gathers names from the layers below (backward and grad from
engine.py, Function from function.py, gradcheck, anomaly) and defines only `Variable`.
"""

from __future__ import annotations

import warnings
from typing import Any

from minigrad.anomaly import (
    detect_anomaly,
    set_detect_anomaly,
)
from minigrad.engine import backward, grad
from minigrad.errors import MinigradTypeError, typed
from minigrad.function import Function, FunctionCtx
from minigrad.gradcheck import gradcheck, gradgradcheck
from minigrad.tensor import Tensor

__all__ = [
    "Function",
    "FunctionCtx",
    "Variable",
    "backward",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "set_detect_anomaly",
    "detect_anomaly",
]


class _VariableMeta(type):
    # every tensor is a Variable, as in PyTorch: isinstance(torch.ones(1), Variable) is True
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """The deprecated Variable API: `Variable(t)` returns a tensor (sharing t's data).

    Args:
        data: a tensor.
        requires_grad: set requires_grad on the result.
        volatile: removed; only warns, as in PyTorch.
    """

    def __new__(  # type: ignore[misc]
        cls, data: Any, requires_grad: bool = False, volatile: bool = False
    ) -> Tensor:
        if volatile:
            warnings.warn(
                "volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                UserWarning,
                stacklevel=2,
            )
        if not isinstance(data, Tensor):
            raise typed(
                MinigradTypeError,
                "variable_data",
                "Variable data has to be a tensor, but got " + type(data).__name__,
            )
        t = data.detach()
        return t.requires_grad_(requires_grad) if requires_grad else t


def __getattr__(name: str) -> Any:
    # `autograd.functional` loads on first use (jacobian, hessian, vjp, jvp)
    if name == "functional":
        import sys

        from minigrad import autograd_functional

        sys.modules.setdefault("minigrad.autograd.functional", autograd_functional)
        return autograd_functional
    from minigrad.missing import missing

    raise missing("minigrad.autograd", "torch.autograd", name)
