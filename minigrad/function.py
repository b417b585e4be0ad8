"""User-defined ops: `Function` and its `ctx` (`FunctionCtx`), as `torch.autograd.Function`.

`Function.apply` runs the user's forward and records a `BackwardCFunction` node, which calls
the user's backward. Built on `Tensor` and the dispatcher; graph nodes are in `node.py`.
"""

from __future__ import annotations

import weakref
from typing import Any

from minigrad.dispatch import sum_to_shape
from minigrad.errors import runtime
from minigrad.grad_mode import is_grad_enabled, no_grad
from minigrad.node import BACKWARD_TWICE, Node, modified_message
from minigrad.tensor import Tensor, edge_of


class FunctionCtx:
    """The `ctx` of a custom Function: save tensors and values for backward."""

    def __init__(self) -> None:
        self.saved_for_backward: tuple[Any, ...] = ()
        self.needs_input_grad: tuple[bool, ...] = ()
        self.freed = False

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep `tensors` for `backward`; read them back as `ctx.saved_tensors`."""
        self.saved_for_backward = tensors
        self._versions = tuple(t._version[0] if t is not None else 0 for t in tensors)

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The tensors given to `save_for_backward`, checked for in-place changes."""
        if self.freed:
            raise runtime("backward_twice", BACKWARD_TWICE)
        for t, v in zip(self.saved_for_backward, self._versions or ()):
            if t is not None and t._version[0] != v:
                raise runtime("modified_saved", modified_message(t, v), tensor=t)
        return self.saved_for_backward

    _versions: tuple[int, ...] = ()

    def mark_non_differentiable(self, *tensors: Any) -> None:
        """Accepted for PyTorch compatibility; minigrad Functions have one output."""

    def set_materialize_grads(self, value: bool) -> None:
        """Accepted for PyTorch compatibility: gradients are always materialized."""


class BackwardCFunction(Node):
    """The node of a custom Function: calls the user's `backward(ctx, grad)`."""

    __slots__ = ("ctx", "fn_cls", "shapes")
    ctx: FunctionCtx
    fn_cls: type[Function]
    shapes: tuple[tuple[int, ...] | None, ...]  # each input's shape (None: not a Tensor)

    def apply(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        """Run the user's backward and check it returned one gradient per input."""
        grads = self.fn_cls.backward(self.ctx, grad)
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(self.next_functions):
            raise runtime(
                "function_backward",
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {len(self.next_functions)}, got {len(grads)})",
            )
        return tuple([self._checked(i, g) for i, g in enumerate(grads)])

    def _checked(self, index: int, g: Any) -> Any:
        """`g` summed to its input's shape when that shape expands to g's, else torch's error."""
        shape = self.shapes[index] if index < len(self.shapes) else None
        if g is None or shape is None or not hasattr(g, "shape") or tuple(g.shape) == shape:
            return g
        got = tuple(g.shape)
        if len(got) >= len(shape) and all(n in (1, m) for n, m in zip(shape[::-1], got[::-1])):
            return sum_to_shape(g, shape)  # torch's validate_outputs reduces an expanded grad
        raise runtime(
            "function_backward",
            f"Function {self.name()} returned an invalid gradient at index {index} - got "
            f"{list(got)} but expected shape compatible with {list(shape)}",
        )

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """What forward saved with ctx.save_for_backward (an error once backward freed it)."""
        return self.ctx.saved_tensors

    def release(self) -> None:
        """Free the ctx's saved tensors."""
        if self.ctx.saved_for_backward:
            self.ctx.saved_for_backward = ()
            self.ctx.freed = True

    def name(self) -> str:
        """`<FunctionName>Backward`, as PyTorch names a custom Function's node."""
        return f"{self.fn_cls.__name__}Backward"


class Function:
    """A user-defined op with its own backward, as `torch.autograd.Function`.

    Subclass it with static `forward(ctx, *args)` and `backward(ctx, *grads)`, then call
    `MyOp.apply(*args)`. `ctx.save_for_backward`, `ctx.saved_tensors` and
    `ctx.needs_input_grad` work as in PyTorch. One output tensor per Function.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any, **kwargs: Any) -> Any:
        """Compute the output from the inputs; runs with grad mode off."""
        raise NotImplementedError("You must implement the forward function for custom Function.")

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        """Return one gradient (or None) per input of forward."""
        raise NotImplementedError("You must implement the backward function for custom Function.")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward and, when an input requires grad, record a node for backward."""
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        if not (is_grad_enabled() and any(ctx.needs_input_grad)):
            return out
        node = BackwardCFunction(tuple(edge_of(a) for a in args))
        node.ctx, node.fn_cls = ctx, cls
        node.shapes = tuple(tuple(a.shape) if isinstance(a, Tensor) else None for a in args)
        result = Tensor._make(out._data, node)
        node._out_ref = weakref.ref(result)
        return result
