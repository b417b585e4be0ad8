"""The backward pass: walk the graph once in reverse, add up gradients, call each node's rule.

`backward()` and `grad()` (re-exported by `autograd.py`, torch's `torch.autograd` namespace)
check their arguments with PyTorch's errors and call `run_backward`.
Nothing recurses, so a graph of any depth works. Saved tensors are freed as the walk goes,
unless `retain_graph`.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad import anomaly, graph
from minigrad.errors import runtime
from minigrad.grad_mode import _state, set_grad_enabled
from minigrad.node import AccumulateGrad, Node, accumulator
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
    keep = _needed(order, set(capture)) if capture is not None else set()
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
            if grad is None or (capture is not None and node not in keep):
                continue
            if capture is not None and node in capture:
                if accumulate or any(c in keep for c, _ in node.next_functions):
                    # the node runs (its hooks too, below): PyTorch captures the raw gradient
                    captured[node] = tensor_of(grad)
                else:
                    captured[node] = _hooked(node, tensor_of(grad))
                    continue
            if isinstance(node, AccumulateGrad):
                if accumulate:
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


def _seq(x: Any) -> list[Any]:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _given(x: Any) -> list[Any]:
    """A tensor, or the items of an iterable (Python's TypeError for anything else)."""
    return [x] if isinstance(x, Tensor) else list(x)


def _roots(outputs: list[Tensor], grads: list[Any]) -> list[tuple[Any, Tensor]]:
    """Pair each output's node with its gradient, with PyTorch's checks and errors."""
    if len(grads) < len(outputs):
        grads = grads + [None] * (len(outputs) - len(grads))
    roots = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if not out.requires_grad:
            raise runtime(
                "no_grad_fn",
                f"element {i} of tensors does not require grad and does not have a grad_fn",
                tensor=out,
            )
        if g is None:
            if out._data.size != 1:
                raise runtime(
                    "nonscalar_backward",
                    "grad can be implicitly created only for scalar outputs",
                    tensor=out,
                    node=out.grad_fn,
                )
            g = Tensor._make(np.ones(out._data.shape, out._data.dtype))
        elif not isinstance(g, Tensor):
            g = Tensor._make(np.asarray(g, out._data.dtype))
        if g._data.shape != out._data.shape:
            raise runtime(
                "gradient_shape",
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape!r} and output[{i}] "
                f"has a shape of {out.shape!r}.",
                tensor=out,
                gradient=g,
                node=out.grad_fn,
            )
        roots.append((root_node(out), g))
    return roots


CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter "
    "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
    "creating the graph to avoid this. If you have to use this function, make sure to reset the "
    ".grad fields of your parameters to None after use to break the cycle and avoid the leak."
)


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Accumulate into the leaves' `.grad` the gradient of `tensors` (see Tensor.backward).

    One difference from PyTorch: with `create_graph=True` a leaf's first `.grad` keeps the
    gradient's own `grad_fn` (e.g. `MulBackward0`), where PyTorch shows a copy (`CopyBackwards`).

    Args:
        tensors: output tensor(s).
        grad_tensors: the gradient of each output (None for a scalar output).
        retain_graph: keep saved tensors for another backward (default: create_graph).
        create_graph: record the backward pass, for higher-order gradients.
        inputs: accumulate only into these tensors.
    """
    __tracebackhide__ = True  # IPython shows the user's line, not ours
    outputs = _seq(tensors)
    roots = _roots(outputs, _seq(grad_tensors))
    retain = create_graph if retain_graph is None else retain_graph
    if create_graph:
        warnings.warn(CREATE_GRAPH_WARNING, UserWarning, stacklevel=3)
    if inputs is None:
        run_backward(roots, retain, create_graph)
        return
    outputs = _given(outputs)  # as torch.autograd.grad: outputs first, then inputs
    targets = _given(inputs.values() if type(inputs) is dict else inputs)
    if not targets:
        raise runtime("backward_inputs", "`inputs` argument to `backward()` cannot be empty.")
    for t in targets:
        t.retain_grad()  # as PyTorch: a non-leaf input gets its .grad through retain_grad
    run_backward(roots, retain, create_graph, {root_node(t): t for t in targets})


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of `outputs` w.r.t. `inputs`, returned: no leaf's `.grad` is changed, but
    a non-leaf that retains grad gets its gradient in `.grad`, as in PyTorch (an input too).

    Args:
        outputs: output tensor(s).
        inputs: the tensors to differentiate with respect to.
        grad_outputs: the gradient of each output (None for scalar outputs).
        retain_graph: keep saved tensors (default: create_graph).
        create_graph: record this computation, so the result can be differentiated again.
        allow_unused: return None for inputs the outputs do not depend on, instead of failing.
        materialize_grads: return zeros instead of None for unused inputs.
    """
    __tracebackhide__ = True  # IPython shows the user's line, not ours
    outputs = _given(outputs)  # as torch.autograd.grad: outputs first, then inputs
    targets = _given(inputs.values() if type(inputs) is dict else inputs)
    if not targets:
        raise runtime("grad_inputs", "`inputs` argument to `grad()` cannot be empty.")
    roots = _roots(outputs, _seq(grad_outputs))  # PyTorch checks the outputs first
    for t in targets:
        if not isinstance(t, Tensor):
            raise runtime(
                "grad_input_type",
                f"all inputs have to be Tensors or GradientEdges, but got {type(t).__name__}",
            )
        if not t.requires_grad:
            raise runtime("grad_input", "One of the differentiated Tensors does not require grad")
    retain = create_graph if retain_graph is None else retain_graph
    nodes = [t.grad_fn if t.grad_fn is not None else accumulator(t) for t in targets]
    wanted: dict[Any, Any] = dict.fromkeys(nodes)
    got = run_backward(roots, retain, create_graph, wanted, accumulate=False)
    result: list[Tensor | None] = []
    for i, (t, node) in enumerate(zip(targets, nodes)):
        g = got.get(node)
        if g is None:
            if materialize_grads:
                g = Tensor._make(np.zeros_like(t._data))
            elif not allow_unused:
                raise runtime(
                    "unused_input",
                    f"The differentiated Tensor at index {i} appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.",
                    tensor=t,
                )
        result.append(g)
    if type(inputs) is dict:  # torch 2.13 answers a dict of inputs with a dict of gradients
        return dict(zip(inputs, result))  # type: ignore[return-value]
    return tuple(result)


def _hooked(node: Node, grad: Tensor) -> Tensor:
    """A captured gradient after the tensor's own hooks, as PyTorch's autograd.grad gives it;
    a non-leaf that retains grad gets it in `.grad` too (PyTorch runs retain_grad's hook with
    the tensor's hooks, whether or not the node itself runs)."""
    if isinstance(node, AccumulateGrad):
        return grad if not node.variable._hooks else _after(node.variable._hooks, grad)
    hooks = node._hooks or {}
    grad = _after(hooks.get("tensor", ()), grad)
    for hook in hooks.get("retain", ()):
        hook(grad)
    return grad


def _after(hooks: Any, grad: Tensor) -> Tensor:
    """`grad` after each tensor hook (a hook may return a replacement)."""
    for hook in hooks:
        new = hook(grad)
        if new is not None:
            grad = new
    return grad
