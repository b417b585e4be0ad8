"""The backward pass: walk the graph once in reverse, add up gradients, call each node's rule.

`backward()` and `grad()` in `autograd.py` are thin fronts for `run_backward` here.
Nothing recurses, so a graph of any depth works. Saved tensors are freed as the walk goes,
unless `retain_graph`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import anomaly, graph
from minigrad.function import AccumulateGrad, Node, accumulator
from minigrad.grad_mode import _state, set_grad_enabled
from minigrad.tensor import Tensor, tensor_of


def root_node(t: Tensor) -> Node:
    """The node backward starts from for output `t`: its grad_fn, or its AccumulateGrad."""
    return t.grad_fn if t.grad_fn is not None else accumulator(t)


def _call(node: Node, grad: Tensor) -> tuple[Any, ...]:
    """Run one node with its hooks: tensor hooks, retain_grad, pre-hooks, rule, post-hooks."""
    hooks = node._hooks
    if hooks:
        for hook in hooks.get("tensor", ()):
            new = hook(grad)
            if new is not None:
                grad = new
        for hook in hooks.get("retain", ()):
            hook(grad)
        for hook in hooks.get("pre", ()):
            new = hook((grad,))
            if new is not None:
                grad = new[0]
    grads = node.apply(grad)
    if hooks and hooks.get("post"):
        for hook in hooks["post"]:
            new = hook(grads, (grad,))
            if new is not None:
                grads = tuple(new)
    return grads


def _needed(order: list[Node], targets: set[Node]) -> set[Node]:
    """The nodes from which some target can be reached (the only ones worth running)."""
    needed: set[Node] = set()
    for node in reversed(order):  # inputs first, so children are decided before parents
        if node in targets or any(c in needed for c, _ in node.next_functions if c is not None):
            needed.add(node)
    return needed


def run_backward(
    roots: list[tuple[Node, Tensor]],
    retain_graph: bool,
    create_graph: bool,
    capture: dict[Node, Tensor] | None = None,
    accumulate: bool = True,
) -> dict[Node, Tensor]:
    """Propagate gradients from `roots` ((node, grad) pairs) back through the graph.

    Without create_graph the gradients travel as numpy arrays: op-table nodes run their rules
    on arrays, and a Tensor is made only where one is handed out (`.grad`, hooks, captures,
    custom Functions). With create_graph they are Tensors, so the backward pass is recorded.

    Args:
        roots: where to start, with the gradient of each.
        retain_graph: keep saved tensors so backward can run again.
        create_graph: record the backward computations (for higher-order gradients).
        capture: nodes whose incoming gradient is wanted (autograd.grad, backward(inputs=)).
        accumulate: add into leaves' `.grad` (False for autograd.grad).

    Returns the incoming gradient of each captured node that received one.
    """
    __tracebackhide__ = True  # IPython shows the user's line, not ours
    order = graph.backward_order([n for n, _ in roots])
    keep = _needed(order, set(capture)) if capture is not None else None
    arrays = not create_graph
    buffers: dict[Node, Any] = {}
    for node, g in roots:
        value = g._data if arrays else g
        buffers[node] = buffers[node] + value if node in buffers else value
    captured: dict[Node, Tensor] = {}
    checking = _state.anomaly
    # PyTorch gives inf and nan silently: numpy's floating-point warnings never reach a student
    with set_grad_enabled(create_graph), np.errstate(all="ignore"):
        for node in order:
            grad = buffers.pop(node, None)
            if grad is None or (keep is not None and node not in keep):
                continue
            if capture is not None and node in capture:
                captured[node] = _hooked(node, tensor_of(grad))
                if not accumulate:
                    continue
            if isinstance(node, AccumulateGrad):
                if accumulate and (capture is None or node in capture):
                    _call(node, tensor_of(grad))
                continue
            if checking:
                grads = _checked_call(node, grad, arrays)
            else:
                grads = _run(node, grad, arrays)
            if not retain_graph:
                node.release()
            for (child, _), g in zip(node.next_functions, grads):
                if child is not None and g is not None:
                    prev = buffers.get(child)
                    buffers[child] = g if prev is None else prev + g
    return captured


def _run(node: Node, grad: Any, arrays: bool) -> tuple[Any, ...]:
    """Run one node; one with hooks or a custom Function gets Tensors (arrays back if `arrays`)."""
    if not node._hooks and (not arrays or node.takes_arrays):
        return node.apply(grad)
    grads = _call(node, tensor_of(grad))
    if arrays:
        grads = tuple([None if g is None else _array(g) for g in grads])
    return grads


def _checked_call(node: Node, grad: Any, arrays: bool) -> tuple[Any, ...]:
    """Run a node in anomaly mode: a failure or a nan output names the forward call."""
    try:
        grads = _run(node, grad, arrays)
    except Exception as exc:
        raise anomaly.annotate(exc, node)  # noqa: B904 - the same exception, annotated
    if _state.check_nan:
        anomaly.check_outputs(node, grads)
    return grads


def _array(grad: Any) -> Any:
    """A gradient as a numpy array."""
    return grad._data if isinstance(grad, Tensor) else np.asarray(grad)


def _hooked(node: Node, grad: Tensor) -> Tensor:
    """A captured gradient after the tensor's own hooks, as PyTorch's autograd.grad gives it."""
    if isinstance(node, AccumulateGrad):
        hooks = node.variable._hooks or ()
    else:
        hooks = node._hooks.get("tensor", ()) if node._hooks else ()
    for hook in hooks:
        new = hook(grad)
        if new is not None:
            grad = new
    return grad
