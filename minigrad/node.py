"""Graph nodes: the `Node` base class and `AccumulateGrad`, the node of a leaf tensor.

A node is what `tensor.grad_fn` points to. Like PyTorch's, it has `name()`, `next_functions`
(one `(node_or_None, 0)` pair per input), `register_hook`, `register_prehook` and `metadata`.
This module sits below `tensor.py`; op-table nodes (`dispatch.OpNode`) and custom Function
nodes (`function.BackwardCFunction`) subclass `Node` above it.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from minigrad import graph
from minigrad.anomaly import forward_stack
from minigrad.grad_mode import _state

if TYPE_CHECKING:
    from minigrad.tensor import Tensor

_sequence = itertools.count()
_recorder = graph.recorder


class RemovableHandle:
    """What `register_hook` returns: `.remove()` takes the hook out again."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        """Remove the hook (a second call does nothing)."""
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class Node:
    """A backward function in the graph; subclasses implement `apply(grad) -> input grads`."""

    __slots__ = ("next_functions", "_seq", "_hooks", "_site", "_out_ref", "_meta", "__weakref__")

    def __init__(self, next_functions: tuple[tuple[Node | None, int], ...]) -> None:
        self.next_functions = next_functions
        self._seq = next(_sequence)
        self._hooks: dict[str, list[Any]] | None = None
        self._out_ref: Callable[[], Tensor | None] | None = None
        self._meta: dict[str, Any] | None = None
        self._site: tuple[str, int] | None = None
        if _recorder.log is not None or _recorder.sites or _state.anomaly:
            self._site = graph.creation_site()
            if _state.anomaly:  # where PyTorch keeps it: the forward call's traceback
                self._meta = {"traceback_": forward_stack()}
            if _recorder.log is not None:
                _recorder.log.append(self)

    def name(self) -> str:
        """The node's class name, as PyTorch names it (`MulBackward0`)."""
        return type(self).__name__

    def _sequence_nr(self) -> int:
        """Creation order: a node is always created after the nodes of its inputs."""
        return self._seq

    @property
    def metadata(self) -> dict[str, Any]:
        """A dict where users may keep their own notes about this node."""
        if self._meta is None:
            self._meta = {}
        return self._meta

    def _hook_list(self, kind: str) -> list[Any]:
        if self._hooks is None:
            self._hooks = {}
        return self._hooks.setdefault(kind, [])

    def register_hook(self, fn: Callable[..., Any]) -> RemovableHandle:
        """Call `fn(grad_inputs, grad_outputs)` after this node runs; it may return new grad_inputs.

        Args:
            fn: the hook.
        """
        hooks = self._hook_list("post")
        hooks.append(fn)
        return RemovableHandle(hooks, fn)

    def register_prehook(self, fn: Callable[..., Any]) -> RemovableHandle:
        """Call `fn(grad_outputs)` before this node runs; it may return new grad_outputs.

        Args:
            fn: the hook.
        """
        hooks = self._hook_list("pre")
        hooks.append(fn)
        return RemovableHandle(hooks, fn)

    # A plain backward passes gradients as numpy arrays to nodes that take them (op-table
    # nodes); other nodes (custom Functions) get and return Tensors.
    takes_arrays = False

    def apply(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        """The local backward rule: gradients for each input, given the output's gradient."""
        raise NotImplementedError

    def release(self) -> None:
        """Free what was saved for backward (after a backward without retain_graph)."""

    def __call__(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        return self.apply(grad)

    def __repr__(self) -> str:
        # nodes written in PyTorch's C++ core are named `torch::autograd::X` but print as `<X ...>`
        return f"<{self.name().rsplit('::', 1)[-1]} object at {hex(id(self))}>"


class AccumulateGrad(Node):
    """The node of a leaf tensor that requires grad: adds the incoming gradient into `.grad`."""

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        super().__init__(())
        self.variable = variable

    def name(self) -> str:
        """`minigrad::autograd::AccumulateGrad`, as PyTorch spells its C++ node's name."""
        return "torch::autograd::AccumulateGrad"

    def apply(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        """Accumulate `grad` into `variable.grad` (after the leaf's tensor hooks)."""
        self.variable._accumulate(grad)
        return ()


def accumulator(t: Tensor) -> AccumulateGrad:
    """The leaf's AccumulateGrad node: the same object while any graph still uses it."""
    ref = t._acc
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(t)
        t._acc = weakref.ref(node)
    return node


BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward."
)


def forward_op_name(node: Node) -> str:
    """torch 2.13's Node::forward_op_name: the name without "Backward<N>", N kept unless 0."""
    return re.sub(r"Backward(\d*)$", lambda m: "" if m[1] in ("", "0") else m[1], node.name())


def modified_message(t: Tensor, expected: int, grad_fn: Node | None = None) -> str:
    """PyTorch's text for a saved tensor changed in place after it was saved.

    Args:
        t: the saved tensor (its current version is reported).
        expected: the version it had when it was saved.
        grad_fn: the node that made it (default: `t.grad_fn`).
    """
    node = t.grad_fn if grad_fn is None else grad_fn
    where = ""
    if node is not None:
        where = ", which is output 0 of " + forward_op_name(node) + ","
    return (
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [torch.{t.dtype.legacy} [{', '.join(map(str, t.shape))}]]{where} "
        f"is at version {t._version[0]}; expected version {expected} instead. Hint: enable "
        "anomaly detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )
