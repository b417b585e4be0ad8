"""`nn.Parameter`: a leaf tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

from typing import Any

from minigrad.tensor import Tensor


class Parameter(Tensor):
    """A Tensor that `Module.__setattr__` registers; prints `Parameter containing:` first.

    Args:
        data: the values (shared, not copied, as in PyTorch); an empty tensor if None.
        requires_grad: whether the parameter is trained (default True).
    """

    __slots__ = ()
    # type(p) prints as PyTorch's; pickling goes by _rebuild_parameter
    __module__ = "torch.nn.parameter"

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            from minigrad.factories import empty

            data = empty(0)
        p = cls._make(data._data)
        p._version = data._version  # type: ignore[attr-defined]
        p.requires_grad_(requires_grad)
        return p  # type: ignore[return-value]

    def __repr__(self, *, tensor_contents: Any = None) -> str:  # type: ignore[override]
        return "Parameter containing:\n" + super().__repr__()

    def __str__(self) -> str:  # type: ignore[override]
        return self.__repr__()

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (_rebuild_parameter, (self._data, self._requires_grad))


def _rebuild_parameter(arr: Any, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._make(arr), requires_grad)
