"""`minigrad.autograd`: backward(), grad(), Variable, Function, gradcheck, anomaly mode."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad.anomaly import (
    detect_anomaly,
    set_detect_anomaly,
)
from minigrad.engine import root_node, run_backward
from minigrad.errors import MinigradTypeError, runtime, typed
from minigrad.function import Function, FunctionCtx
from minigrad.function import accumulator as _accumulator
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


def _seq(x: Any) -> list[Any]:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


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
    targets = _seq(inputs)
    if not targets:
        raise runtime("backward_inputs", "`inputs` argument to `backward()` cannot be empty.")
    capture = {root_node(t): t for t in targets}
    got = run_backward(roots, retain, create_graph, capture)
    for node, g in got.items():
        t = capture[node]
        if t.grad_fn is not None:  # a non-leaf input: PyTorch fills its .grad too
            t._grad = g if t._grad is None else t._grad + g


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of `outputs` w.r.t. `inputs`, returned (no `.grad` is changed).

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
    targets = _seq(inputs)
    if not targets:
        raise runtime("grad_inputs", "`inputs` argument to `grad()` cannot be empty.")
    roots = _roots(_seq(outputs), _seq(grad_outputs))  # PyTorch checks the outputs first
    for t in targets:
        if not t.requires_grad:
            raise runtime("grad_input", "One of the differentiated Tensors does not require grad")
    retain = create_graph if retain_graph is None else retain_graph
    nodes = [t.grad_fn if t.grad_fn is not None else _accumulator(t) for t in targets]
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
    return tuple(result)


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
