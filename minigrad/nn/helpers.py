"""What Module needs besides the class: tree walks, state_dict loading, names, zero_grad."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from minigrad.tensor import Tensor

if TYPE_CHECKING:
    from minigrad.nn.module import Module


def typename(value: Any) -> str:
    """PyTorch's `torch.typename`: `minigrad.FloatTensor` for tensors, else the class name."""
    if isinstance(value, Tensor):
        return f"torch.{value.dtype.legacy}"
    cls = type(value)
    module = cls.__module__
    return (
        cls.__qualname__ if module in ("builtins", "__main__") else f"{module}.{cls.__qualname__}"
    )


class IncompatibleKeys(NamedTuple):
    """What load_state_dict returns: the missing and unexpected keys."""

    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (
            f"_IncompatibleKeys(missing_keys={self.missing_keys!r}, "
            f"unexpected_keys={self.unexpected_keys!r})"
        )

    def __str__(self) -> str:
        return self.__repr__()


def addindent(text: str, spaces: int) -> str:
    """Indent every line of `text` but the first by `spaces` (nested module reprs)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def preorder(
    root: Module, prefix: str = "", reverse_children: bool = False
) -> Iterator[tuple[str, Module]]:
    """(name, module) for root and its submodules, depth first; iterative, any depth."""
    stack = [(prefix, root)]
    while stack:
        name, module = stack.pop()
        yield name, module
        kids = [
            ((name + "." if name else "") + key, child)
            for key, child in module._modules.items()
            if child is not None
        ]
        stack.extend(kids if reverse_children else reversed(kids))


def load_one(key: str, target: Tensor, value: Any, assign: bool) -> list[str]:
    """Copy one state_dict entry into `target`; PyTorch's error text if it does not fit."""
    if not isinstance(value, Tensor):
        return [
            f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like '
            f"object from checkpoint but received {type(value)}"
        ]
    if value.shape != target.shape:
        return [
            f"size mismatch for {key}: copying a param with shape {value.shape} from checkpoint, "
            f"the shape in current model is {target.shape}."
        ]
    if assign:
        target._data = value._data
    else:
        target.copy_(value)
    return []


def zero_grad_of(p: Tensor, set_to_none: bool) -> None:
    """Reset one tensor's `.grad` as `zero_grad` does: drop it, or detach it and fill zeros."""
    if p._grad is None:
        return
    if set_to_none:
        p._grad = None
        return
    if p._grad.grad_fn is not None:
        p._grad.detach_()
    else:
        p._grad.requires_grad_(False)
    p._grad.zero_()


def cast_floats(tensors: list[Tensor | None], np_type: Any) -> None:
    """Give each floating point tensor (and its grad) a new dtype, keeping the same objects."""
    for t in tensors:
        if t is not None and t._data.dtype.kind == "f":
            t._data = t._data.astype(np_type)
            if t._grad is not None:
                t._grad._data = t._grad._data.astype(np_type)


def target_dtype(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The numpy dtype named by `Module.to(...)`'s arguments (None if none); CPU only."""
    from minigrad import dtypes
    from minigrad.device import check_device

    target = kwargs.get("dtype")
    if kwargs.get("device") is not None:
        check_device(kwargs["device"])
    for a in args:
        if isinstance(a, dtypes.dtype):
            target = a
        elif isinstance(a, Tensor):
            target = a.dtype
        elif a is not None:
            check_device(a)  # "cpu" passes; "cuda" raises PyTorch's CPU-build AssertionError
    return None if target is None else dtypes.to_dtype(target).np_type


class MissingNameError(AttributeError):
    """A torch name minigrad does not have (yet): an AttributeError, so hasattr() still works."""


def missing_name(module: str, name: str) -> AttributeError:
    """The error for `module.name` when minigrad lacks it (dunders get Python's usual text).

    Args:
        module: the module's name as users import it (`minigrad.nn`).
        name: the attribute asked for.
    """
    if name.startswith("__") and name.endswith("__"):
        return AttributeError(f"module '{module}' has no attribute '{name}'")
    return MissingNameError(
        f"{module} has no '{name}' yet: minigrad implements part of "
        f"{module.replace('minigrad', 'torch', 1)}; dir({module}) lists what it has"
    )
