"""The backward pass as a list of steps, for `%backward` and its step-through widget.

`backward_steps(t, gradient)` walks the graph in the engine's own order (`backward_order` in
`minigrad/graph.py`, which `run_backward` runs too), calling each node's rule (`node.apply`), as a
dry run: nothing is freed (retain_graph semantics), nothing is accumulated into `.grad`, and
no hooks run. Each step keeps numpy copies of the incoming gradient, the saved values and the
gradients sent to each input, so later changes to the tensors do not change the steps.
Nothing recurses, so any depth works.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from minigrad.engine import root_node
from minigrad.function import AccumulateGrad
from minigrad.grad_mode import no_grad
from minigrad.graph import backward_order, toposort
from minigrad.tensor import Tensor

ACCUMULATE_RULE = "grad_variable += grad"
MAX_SHOWN = 12  # arrays with more elements are shown as shape, min and max


@dataclass
class Step:
    """One node run by backward: what came in, the rule, and what went to each input."""

    index: int  # position in the backward order (0 = the root)
    node_id: str  # walk-order id, `n<k>` with k the node's index in `toposort` (inputs first)
    name: str  # `MulBackward0`, `AccumulateGrad`
    rule: str  # the op table's rule text
    grad_in: np.ndarray  # the gradient arriving at this node (summed over its consumers)
    saved: dict[str, Any] = field(default_factory=dict)  # saved values: numpy copies or numbers
    grads_out: list[tuple[str, np.ndarray | None]] = field(default_factory=list)  # (input id, g)
    leaf: str | None = None  # for AccumulateGrad: the leaf's label
    targets: dict[str, str] = field(default_factory=dict)  # input id -> "MulBackward0 (n2)"

    def target(self, node_id: str) -> str:
        """How an input is named in text: `x (n0)` for a named leaf, `MulBackward0 (n2)`."""
        return self.targets.get(node_id, node_id)

    def describe(self) -> str:
        """Plain-text lines: rule, incoming gradient, saved values, outgoing gradients."""
        lines = [f"step {self.index}: {self.name} ({self.node_id})", f"  rule: {self.rule}"]
        lines.append(_field("  grad = ", self.grad_in))
        lines += [_field(f"  {k} = ", v) for k, v in self.saved.items()]
        for target, g in self.grads_out:
            lines.append(_field(f"  -> {self.target(target)}: ", g))
        return "\n".join(lines)


def _field(prefix: str, value: Any) -> str:
    """`prefix` then the value, continuation lines indented under its first character."""
    return prefix + _fmt(value).replace("\n", "\n" + " " * len(prefix))


def short_name(node: Any) -> str:
    """The node's name without PyTorch's namespace: `AccumulateGrad`, `MulBackward0`."""
    return str(node.name()).rsplit("::", 1)[-1]


def _fmt(value: Any) -> str:
    """Numbers in a short fixed format (4 digits), deterministic; big arrays as a summary."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray) and value.size > MAX_SHOWN:
        low, high = float(value.min()), float(value.max())
        return f"<{list(value.shape)}: min {low:.4g}, max {high:.4g}>"
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, separator=", ")
    return repr(value)


def _copy(value: Any) -> Any:
    if isinstance(value, Tensor):
        return np.array(value._data, copy=True)
    return value


def node_ids(order: list[Any]) -> dict[int, str]:
    """Walk-order ids for nodes in `order`: `n0`, `n1`, ... keyed by `id(node)`."""
    return {id(node): f"n{k}" for k, node in enumerate(order)}


def _start(t: Tensor, gradient: Tensor | None) -> Tensor:
    """The root's gradient: `gradient`, or ones for a scalar (torch's implicit gradient)."""
    if gradient is not None:
        return gradient
    return Tensor._make(np.ones_like(t._data))


def backward_steps(
    t: Tensor, gradient: Tensor | None = None, labels: dict[int, str] | None = None
) -> tuple[list[Step], list[Any]]:
    """Dry-run backward from `t`; returns the steps in the engine's order and the `toposort` order.

    Args:
        t: the output tensor backward starts from (it must require grad).
        gradient: the output's gradient (None means ones, as for a scalar).
        labels: leaf labels keyed by `id(AccumulateGrad node)`, e.g. the user's variable names.
    """
    root = root_node(t)
    order = toposort([root])
    ids = node_ids(order)
    buffers: dict[int, Tensor] = {id(root): _start(t, gradient)}
    steps: list[Step] = []
    with no_grad():
        for node in backward_order([root]):
            grad = buffers.pop(id(node), None)
            if grad is None:
                continue
            step = Step(len(steps), ids[id(node)], short_name(node), _rule(node), _copy(grad))
            steps.append(step)
            if isinstance(node, AccumulateGrad):
                step.leaf = (labels or {}).get(id(node), ids[id(node)])
                continue
            step.saved = {k: _copy(v) for k, v in _saved(node).items()}
            grads = node.apply(grad)
            for (child, _), g in zip(node.next_functions, grads):
                target = ids[id(child)] if child is not None else "None"
                step.grads_out.append((target, _copy(g) if g is not None else None))
                if child is not None:
                    step.targets[target] = _display(child, target, labels or {})
                if child is not None and g is not None:
                    prev = buffers.get(id(child))
                    buffers[id(child)] = g if prev is None else prev + g
    return steps, order


def _display(node: Any, node_id: str, labels: dict[int, str]) -> str:
    """`x (n0)` for a labelled leaf's node, else `MulBackward0 (n2)`."""
    return f"{labels.get(id(node), short_name(node))} ({node_id})"


def _rule(node: Any) -> str:
    """The rule text of the node's op-table row (custom Functions: their backward's name)."""
    if isinstance(node, AccumulateGrad):
        return ACCUMULATE_RULE
    rule: Any = getattr(getattr(node, "op", None), "rule", None)
    if rule:
        return str(rule)
    return f"{short_name(node)}.backward(ctx, grad)"


def _saved(node: Any) -> dict[str, Any]:
    """The node's saved values (tensors and numbers), {} when it has none or was freed."""
    values = getattr(node, "saved_values", None)
    if values is None:
        return {}
    return {k: v for k, v in values().items() if isinstance(v, (Tensor, int, float))}


def leaf_totals(steps: list[Step]) -> dict[str, np.ndarray]:
    """Each leaf's total incoming gradient in the dry run: what backward adds to its `.grad`."""
    return {s.leaf: s.grad_in for s in steps if s.leaf is not None}


def edge_grads(steps: list[Step]) -> dict[tuple[str, str], np.ndarray]:
    """The gradient sent along each edge, keyed by (consumer id, input id)."""
    found: dict[tuple[str, str], np.ndarray] = {}
    for step in steps:
        for target, g in step.grads_out:
            if g is not None:
                key = (step.node_id, target)
                found[key] = g if key not in found else found[key] + g
    return found
