"""Autograd graph -> DOT text: pure and deterministic (walk-order ids `n0`, `n1`, ...).

Two views of the same graph. `forward`: tensors as boxes, ops as ellipses between them, in
data-flow order, as a lesson draws it. `backward`: what autograd stores, `grad_fn` nodes linked
by `next_functions` down to `AccumulateGrad` leaves. Works on minigrad and PyTorch graphs alike.
DOT comes from the `graphviz` package (it quotes); every user string goes through `escape`.
Node and edge lines are written with the package's own quoting, but each distinct attribute list
is quoted once per drawing (a 500-node graph has a handful), not once per node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import graphviz
from graphviz.quoting import a_list, quote

from magics.draw.labels import escape, join_lines, op_rule, op_symbol, saved_lines, tensor_lines
from magics.draw.summary import Elided, Summary, node_name

LEAF_GRAD_COLOR = "lightblue"  # leaf that requires grad (a parameter)
LEAF_CONST_COLOR = "white"  # leaf or constant that does not require grad
INTERMEDIATE_COLOR = "lightyellow"
OUTPUT_COLOR = "darkolivegreen1"  # the tensors passed to draw()
OP_COLOR = "lightgrey"
ELIDED_COLOR = "whitesmoke"
HIGHLIGHT_COLOR = "red"
HIGHLIGHT_WIDTH = "3"
FONT = "Helvetica"
VALUE_FONT = "Courier"  # monospace so matrix rows line up

LEGEND = (
    ("leaf (requires grad)", LEAF_GRAD_COLOR, "box"),
    ("leaf (no grad)", LEAF_CONST_COLOR, "box"),
    ("intermediate", INTERMEDIATE_COLOR, "box"),
    ("output", OUTPUT_COLOR, "box"),
)
# Positions of an op's inputs -> the `_saved_*` names torch uses for them (to show constants).
SAVED_INPUT_NAMES = (
    ("self", "input", "mat1"),
    ("other", "mat2", "weight", "exponent", "tensor", "vec", "target"),
    ("bias",),
)


@dataclass
class Context:
    """Everything a view needs: the summary, names, options, and what to highlight."""

    summary: Summary
    outputs: list[Any]  # the tensors passed to draw()
    names: dict[int, str]  # id(tensor) -> user name
    by_node: dict[int, Any]  # id(grad_fn) -> a known output tensor of that node
    values: bool = True
    grads: bool = True
    saved: bool = False
    highlight: set[int] = field(default_factory=set)  # ids of nodes and tensors


class Builder:
    """Accumulates nodes and edges with walk-order ids; counts what it drew.

    `node()` and `edge()` append the lines `Digraph.node()` / `.edge()` would (same bytes), but
    quote each distinct label and attribute list once: ops repeat (`*`, `MulBackward0`), and
    quoting every attribute of every node was half of `draw()`'s own time on 500 nodes.
    """

    def __init__(self, ctx: Context, view: str) -> None:
        self.ctx = ctx
        self.dot = graphviz.Digraph("minigrad", comment=f"{view} view")
        self.dot.attr(rankdir="TB", nodesep="0.25", ranksep="0.35")
        self.dot.attr("node", fontname=FONT, fontsize="10", style="filled", penwidth="1")
        self.dot.attr("edge", arrowsize="0.7")
        self.nodes = 0
        self.edges = 0
        self._labels: dict[str, str] = {}  # label -> quoted label
        self._quoted: dict[tuple[tuple[str, str], ...], str] = {}  # attributes -> DOT a_list

    def _a_list(self, attrs: dict[str, str]) -> str:
        """`k=v k=v`, sorted by key and quoted by `graphviz` (as `Digraph.node()` writes them)."""
        key = tuple(attrs.items())
        if key not in self._quoted:
            self._quoted[key] = a_list(None, kwargs=attrs)
        return self._quoted[key]

    def node(self, lines: list[str], fill: str, shape: str, marked: bool, **attrs: str) -> str:
        """Add a node with escaped `lines`; return its id (`n0`, `n1`, ...).

        Tensor boxes (monospace font) are left-justified so matrix rows line up.
        """
        ident = f"n{self.nodes}"
        self.nodes += 1
        label = join_lines(lines, left=attrs.get("fontname") == VALUE_FONT)
        attrs.update(fillcolor=fill, shape=shape)
        if marked:
            attrs.update(color=HIGHLIGHT_COLOR, penwidth=HIGHLIGHT_WIDTH)
        quoted = self._labels.get(label)
        if quoted is None:
            quoted = self._labels[label] = quote(graphviz.nohtml(label))
        self.dot.body.append(f"\t{ident} [label={quoted} {self._a_list(attrs)}]\n")
        return ident

    def edge(self, tail: str, head: str, **attrs: str) -> None:
        """Add an edge `tail -> head` between two walk-order ids (plain DOT ids: no quoting)."""
        self.edges += 1
        more = f" [{self._a_list(attrs)}]" if attrs else ""
        self.dot.body.append(f"\t{tail} -> {head}{more}\n")

    def tensor(self, t: Any, fill: str) -> str:
        """A box for tensor `t`, labelled with its name, shape, values and grad."""
        ctx = self.ctx
        lines = tensor_lines(t, ctx.names.get(id(t)), ctx.values, ctx.grads)
        marked = id(t) in ctx.highlight
        return self.node(lines, fill, "box", marked, fontname=VALUE_FONT)

    def elided(self, item: Elided) -> str:
        """A dashed note standing for nodes not drawn."""
        lines = [escape(line) for line in item.describe()]
        return self.node(lines, ELIDED_COLOR, "note", False, style="filled,dashed")

    def legend(self, op_label: str, op_shape: str) -> None:
        """A small cluster naming each colour, like torchviz's scheme."""
        with self.dot.subgraph(name="cluster_legend") as sub:
            sub.attr(label="legend", fontname=FONT, fontsize="10", color="grey")
            entries = [*LEGEND, (op_label, OP_COLOR, op_shape)]
            for k, (text, fill, shape) in enumerate(entries):
                sub.node(f"legend{k}", text, fillcolor=fill, shape=shape, fontsize="9")
            for k in range(len(entries) - 1):
                sub.edge(f"legend{k}", f"legend{k + 1}", style="invis")

    def source(self) -> str:
        """The DOT text."""
        return self.dot.source


def leaf_fill(t: Any) -> str:
    """Leaf colour: blue when it requires grad, white when it is a constant."""
    return LEAF_GRAD_COLOR if t.requires_grad else LEAF_CONST_COLOR


def output_tensor(ctx: Context, node: Any) -> Any:
    """The tensor a node produced, if still known (minigrad's weakref, or a named tensor)."""
    ref = getattr(node, "_out_ref", None)
    out = ref() if callable(ref) else None
    return out if out is not None else ctx.by_node.get(id(node))


def constant_input(node: Any, position: int) -> Any:
    """The tensor saved for input `position` when it needs no grad (torch keeps no edge)."""
    if position >= len(SAVED_INPUT_NAMES):
        return None
    for name in SAVED_INPUT_NAMES[position]:
        try:
            value = getattr(node, f"_saved_{name}", None)
        except RuntimeError:  # freed after backward
            return None
        if value is not None and (hasattr(value, "shape") or isinstance(value, (int, float))):
            return value
    return None


def op_sources(b: Builder, node: Any, value: dict[int, str]) -> list[str]:
    """DOT ids of the boxes feeding `node`, drawing constants (inputs with no edge) on the way."""
    sources = []
    for position, (child, _) in enumerate(b.ctx.summary.inputs[id(node)]):
        if child is not None:
            sources.append(value[id(child)])
            continue
        const = constant_input(node, position)
        if const is None:  # no edge and nothing saved (or freed): still show the operand
            sources.append(b.node(["constant"], LEAF_CONST_COLOR, "box", False))
        elif isinstance(const, (int, float)):  # a Python number, e.g. the 2 in x * 2
            sources.append(b.node([repr(const)], LEAF_CONST_COLOR, "box", False))
        else:
            sources.append(b.tensor(const, LEAF_CONST_COLOR))
    return sources


def forward_dot(ctx: Context) -> Builder:
    """The lesson's picture: tensors as boxes, each op between its inputs and its output."""
    b = Builder(ctx, "forward")
    value: dict[int, str] = {}  # id(node) -> DOT id of the box (or note) holding its output
    roots = {id(t.grad_fn): t for t in ctx.outputs if t.grad_fn is not None}
    for item in ctx.summary.items:
        if isinstance(item, Elided):
            value[id(item)] = b.elided(item)
            for child, _ in ctx.summary.inputs[id(item)]:
                if child is not None:
                    b.edge(value[id(child)], value[id(item)], style="dashed")
            continue
        variable = getattr(item, "variable", None)
        if variable is not None:  # AccumulateGrad: the leaf itself
            value[id(item)] = b.tensor(variable, leaf_fill(variable))
            continue
        sources = op_sources(b, item, value)
        lines = [escape(op_symbol(item)), escape(node_name(item))]
        op = b.node(lines, OP_COLOR, "ellipse", id(item) in ctx.highlight)
        for src in sources:
            b.edge(src, op)
        out = roots[id(item)] if id(item) in roots else output_tensor(ctx, item)
        if out is None:
            value[id(item)] = op  # the tensor is gone (torch keeps no reference to it)
            continue
        fill = OUTPUT_COLOR if id(item) in roots else INTERMEDIATE_COLOR
        value[id(item)] = b.tensor(out, fill)
        b.edge(op, value[id(item)])
    for t in ctx.outputs:
        if t.grad_fn is None:
            b.tensor(t, OUTPUT_COLOR if not t.is_leaf else leaf_fill(t))
    b.legend("op (backward node)", "ellipse")
    return b


def backward_dot(ctx: Context) -> Builder:
    """What autograd stores: grad_fn nodes, next_functions edges, AccumulateGrad leaves."""
    b = Builder(ctx, "backward")
    ident: dict[int, str] = {}
    for item in ctx.summary.items:
        if isinstance(item, Elided):
            ident[id(item)] = b.elided(item)
            continue
        variable = getattr(item, "variable", None)
        marked = id(item) in ctx.highlight
        if variable is not None:
            lines = [
                "AccumulateGrad",
                *tensor_lines(variable, ctx.names.get(id(variable)), ctx.values, ctx.grads),
            ]
            marked = marked or id(variable) in ctx.highlight
            ident[id(item)] = b.node(lines, leaf_fill(variable), "box", marked, fontname=VALUE_FONT)
            continue
        lines = [escape(node_name(item))]
        rule = op_rule(item)
        if rule:
            lines.append(escape(rule))
        if ctx.saved:
            lines += saved_lines(item)
        ident[id(item)] = b.node(lines, OP_COLOR, "box", marked, style="filled,rounded")
    for item in ctx.summary.items:  # gradient flows from each node to its next_functions
        for child, _ in ctx.summary.inputs[id(item)]:
            if child is not None:
                if isinstance(child, Elided) or isinstance(item, Elided):
                    b.edge(ident[id(item)], ident[id(child)], style="dashed")
                else:
                    b.edge(ident[id(item)], ident[id(child)])
    for t in ctx.outputs:
        box = b.tensor(t, OUTPUT_COLOR if t.grad_fn is not None else leaf_fill(t))
        if t.grad_fn is not None and id(t.grad_fn) in ident:
            b.edge(box, ident[id(t.grad_fn)])
    b.legend("grad_fn node", "box")
    return b
