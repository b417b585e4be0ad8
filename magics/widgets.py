"""Widgets built from standard ipywidgets (no front-end build): `inspect(t)` and the stepper.

Both hold snapshots (numpy copies, strings, DOT text), never the live objects: a `TensorView`
keeps only a weak reference for its refresh button, a `BackwardStepper` keeps the steps of a
dry-run backward and one drawing per step. Nothing recurses over the graph.
"""

from __future__ import annotations

import html
import weakref
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np
from traitlets import Bool, Int, Unicode, observe

from magics.stepping import Step, _fmt, node_ids, short_name
from minigrad.graph import toposort
from minigrad.node import AccumulateGrad
from minigrad.tensor import Tensor

MAX_TREE_NODES = 200


def _pre(text: str) -> str:
    return f'<pre style="margin:0;font-size:90%">{html.escape(text)}</pre>'


def _label(node: Any, ids: dict[int, str]) -> str:
    name = short_name(node)
    if isinstance(node, AccumulateGrad):
        shape = ", ".join(str(n) for n in node.variable.shape)
        name += f" (leaf, shape [{shape}])"
    return f"{name} [{ids[id(node)]}]"


def grad_fn_tree(root: Any) -> str:
    """The grad_fn chain as nested `<details>` (a node reached twice is named, not repeated)."""
    if root is None:
        return _pre("grad_fn: None (a leaf, or made without grad)")
    ids = node_ids(toposort([root]))
    out: list[str] = []
    seen: set[int] = set()
    stack: list[Any] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):  # a closing tag pushed when its node was opened
            out.append(item)
            continue
        if item is None:
            out.append("<li>None</li>")
            continue
        label = html.escape(_label(item, ids))
        if id(item) in seen or len(seen) >= MAX_TREE_NODES:
            note = "shown above" if id(item) in seen else "not shown"
            out.append(f"<li>{label} ({note})</li>")
            continue
        seen.add(id(item))
        children = [c for c, _ in item.next_functions]
        if not children:
            out.append(f"<li>{label}</li>")
            continue
        out.append(f"<li><details open><summary>{label}</summary><ul>")
        stack.append("</ul></details></li>")
        stack.extend(reversed(children))
    return '<ul class="minigrad-tree" style="font-family:monospace">' + "".join(out) + "</ul>"


class TensorView(widgets.VBox):
    """`magics.inspect(t)`: data and grad tabs, the grad_fn tree, a refresh button."""

    shape = Unicode("", help="The tensor's shape when the snapshot was taken.").tag(sync=True)
    dtype = Unicode("", help="The tensor's dtype, as minigrad prints it.").tag(sync=True)
    requires_grad = Bool(False, help="Whether the tensor requires grad.").tag(sync=True)
    has_grad = Bool(False, help="Whether the tensor had a .grad at the snapshot.").tag(sync=True)
    grad_fn = Unicode("None", help="The name of the tensor's grad_fn.").tag(sync=True)

    def __init__(self, t: Tensor, **kwargs: Any) -> None:
        self._ref = weakref.ref(t)
        self.data: np.ndarray = np.empty(0)
        self.grad: np.ndarray | None = None
        self._header = widgets.HTML()
        self._data_view, self._grad_view, self._tree = (
            widgets.HTML(),
            widgets.HTML(),
            widgets.HTML(),
        )
        self._tabs = widgets.Tab(children=[self._data_view, self._grad_view])
        self._tabs.titles = ("data", "grad")
        self._button = widgets.Button(description="refresh", tooltip="Take a new snapshot")
        self._button.on_click(lambda _: self.refresh())
        tree = widgets.Accordion(children=[self._tree], titles=("grad_fn",))
        super().__init__(children=[self._header, self._tabs, tree, self._button], **kwargs)
        self._snapshot(t)

    def _snapshot(self, t: Tensor) -> None:
        """Copy what the view shows out of `t` (values, grad, the grad_fn tree as text)."""
        self.data = np.array(t._data, copy=True)
        grad = t._grad
        self.grad = None if grad is None else np.array(grad._data, copy=True)
        self.shape = "[" + ", ".join(str(n) for n in t.shape) + "]"
        self.dtype, self.requires_grad = str(t.dtype), t.requires_grad
        self.grad_fn = "None" if t.grad_fn is None else short_name(t.grad_fn)
        self.has_grad = grad is not None
        self._header.value = _pre(
            f"shape {self.shape}  dtype {self.dtype}  requires_grad={self.requires_grad}  "
            f"is_leaf={t.is_leaf}  grad_fn={self.grad_fn}"
        )
        self._data_view.value = _pre(repr(t))
        self._grad_view.value = _pre(repr(grad) if grad is not None else "None (no backward yet)")
        self._tree.value = grad_fn_tree(t.grad_fn)

    def refresh(self) -> None:
        """Take a new snapshot of the tensor (e.g. after backward), if it still exists."""
        t = self._ref()
        if t is None:
            self._header.value = _pre("the tensor no longer exists")
            return
        self._snapshot(t)


def inspect(t: Tensor) -> TensorView:
    """An ipywidgets view of one tensor: data and grad tabs, its grad_fn tree, refresh.

    Args:
        t: the tensor to look at (the view keeps a snapshot of it).
    """
    if not isinstance(t, Tensor):
        raise TypeError(f"inspect() expects a minigrad Tensor, not {type(t).__name__}")
    return TensorView(t)


class BackwardStepper(widgets.VBox):
    """`%backward EXPR --step`: a slider and previous/next buttons over the backward steps."""

    step = Int(0, help="The step shown: 0 is the root; the last one is the final .grad.").tag(
        sync=True
    )
    count = Int(0, help="How many positions: one per backward step, plus the final state.").tag(
        sync=True
    )

    def __init__(
        self,
        steps: list[Step],
        grads: dict[str, np.ndarray],
        frames: list[Any],
        render: Callable[[Any], str],
        **kwargs: Any,
    ) -> None:
        self.steps, self.grads, self.frames, self._render = steps, grads, frames, render
        self._svgs: dict[int, str] = {}
        self._slider = widgets.IntSlider(0, 0, len(steps), description="step")
        self._prev = widgets.Button(description="previous", icon="arrow-left")
        self._next = widgets.Button(description="next", icon="arrow-right")
        self._prev.on_click(lambda _: self._move(-1))
        self._next.on_click(lambda _: self._move(1))
        self._picture, self._text = widgets.HTML(), widgets.HTML()
        widgets.link((self._slider, "value"), (self, "step"))
        controls = widgets.HBox([self._prev, self._slider, self._next])
        super().__init__(children=[controls, self._picture, self._text], **kwargs)
        self.count = len(steps) + 1
        self._show(self.step)

    def _move(self, delta: int) -> None:
        self.step = min(max(self.step + delta, 0), self.count - 1)

    @observe("step")
    def _on_step(self, change: Any) -> None:
        self._show(change["new"])

    def svg(self, position: int) -> str:
        """The drawing for one position (rendered once, then cached)."""
        if position not in self._svgs:
            svg = self._render(self.frames[position])
            self._svgs[position] = svg[svg.find("<svg") :] if "<svg" in svg else svg  # no prolog
        return self._svgs[position]

    def text(self, position: int) -> str:
        """What the panel says at one position: the step's numbers, or the final grads."""
        if position < len(self.steps):
            return self.steps[position].describe()
        lines = [f"done: {len(self.steps)} steps; final .grad values"]
        return "\n".join(lines + [f"  {n}.grad = {_fmt(g)}" for n, g in self.grads.items()])

    def _show(self, position: int) -> None:
        if self.frames:
            self._picture.value = self.svg(position)
        self._text.value = _pre(self.text(position))
