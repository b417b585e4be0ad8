"""Write the gradient that flows along each edge onto a backward-view drawing (`%backward`).

`magics.draw(t, view="backward")` numbers the nodes of `toposort([t.grad_fn])` in walk order
(`n0`, `n1`, ...), the same ids `stepping.backward_steps` uses, so a step's outgoing gradients
can be matched to the DOT edges `n<consumer> -> n<input>`, in `next_functions` order. The
match is checked first (each step's id must name a node of the same class in the DOT text);
if the drawing was summarised or numbered differently, the DOT is returned unchanged.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque

import numpy as np

from magics.draw.dag import Graph
from magics.draw.dot import HIGHLIGHT_COLOR, HIGHLIGHT_WIDTH
from magics.stepping import Step

EDGE = re.compile(r"^\t(n\d+) -> (n\d+)(?: \[(.*)\])?$")
NODE = re.compile(r'^\t(n\d+) \[label="([^"\\]*)', re.MULTILINE)
EDGE_FONT_COLOR = "blue4"
EDGE_FONT_SIZE = "8"
MAX_VALUES = 4  # a gradient with more elements is labelled by its shape


def short(g: np.ndarray) -> str:
    """A gradient as a short label: its values (up to 4 elements), else its shape."""
    if g.size <= MAX_VALUES:
        text = np.array2string(g, precision=3, separator=", ", suppress_small=True)
        return " ".join(text.split())
    return f"grad {list(g.shape)}"


def matches(dot: str, steps: list[Step]) -> bool:
    """Whether every step's node id names a node of the same class in `dot`."""
    first = {m[1]: m[2] for m in NODE.finditer(dot)}  # DOT id -> first label line
    return all(first.get(step.node_id) == step.name for step in steps)


class Labeller:
    """Labels the edges of one DOT text step by step (each edge line found once, up front)."""

    def __init__(self, dot: str) -> None:
        self.lines = dot.split("\n")
        self.edges: dict[tuple[str, str], deque[int]] = defaultdict(deque)
        for k, line in enumerate(self.lines):
            found = EDGE.match(line)
            if found is not None:
                self.edges[(found[1], found[2])].append(k)

    def add(self, step: Step) -> None:
        """Label the edges along which `step` sent gradients (in `next_functions` order)."""
        for target, g in step.grads_out:
            where = self.edges.get((step.node_id, target))
            if not where:
                continue
            k = where.popleft()
            found = EDGE.match(self.lines[k])
            assert found is not None
            text = ("None" if g is None else short(g)).replace("\\", "\\\\").replace('"', '\\"')
            attrs = f'label="{text}" fontcolor={EDGE_FONT_COLOR} fontsize={EDGE_FONT_SIZE}'
            self.lines[k] = (
                f"\t{found[1]} -> {found[2]} [{attrs}{' ' + found[3] if found[3] else ''}]"
            )

    def text(self) -> str:
        """The DOT text with the labels added so far."""
        return "\n".join(self.lines)


def label_edges(dot: str, steps: list[Step]) -> str:
    """`dot` with each edge from a step's node labelled with the gradient sent along it."""
    if not steps or not matches(dot, steps):
        return dot
    labeller = Labeller(dot)
    for step in steps:
        labeller.add(step)
    return labeller.text()


def highlight(dot: str, node_id: str) -> str:
    """`dot` with node `node_id` drawn as `magics.draw(highlight=...)` draws it (thick, red)."""
    pattern = re.compile(rf"^(\t{node_id} \[.*)\]$", re.MULTILINE)
    marks = f" color={HIGHLIGHT_COLOR} penwidth={HIGHLIGHT_WIDTH}"
    return pattern.sub(lambda m: m[1] + marks + "]", dot, count=1)


def frames(base: Graph, steps: list[Step]) -> list[Graph]:
    """One drawing per step: its node highlighted, edges labelled up to and including it."""
    labeller = Labeller(base.dot) if matches(base.dot, steps) else None
    found = []
    for step in steps:
        if labeller is not None:
            labeller.add(step)
        dot = labeller.text() if labeller is not None else base.dot
        found.append(Graph(highlight(dot, step.node_id), base.nodes, base.edges))
    return found


def annotated(graph: Graph | None, steps: list[Step]) -> Graph | None:
    """A copy of `graph` with per-edge gradients from `steps` (None stays None)."""
    if graph is None:
        return None
    return Graph(label_edges(graph.dot, steps), graph.nodes, graph.edges, graph.left_out)
