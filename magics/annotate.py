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

from magics.dot import HIGHLIGHT_COLOR, HIGHLIGHT_WIDTH
from magics.graph import Graph
from magics.stepping import Step

EDGE = re.compile(r"^\t(n\d+) -> (n\d+)(?: \[(.*)\])?$")
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
    for step in steps:
        pattern = rf'^\t{step.node_id} \[label="{re.escape(step.name)}(\\[lnr]|")'
        if not re.search(pattern, dot, re.MULTILINE):
            return False
    return True


def label_edges(dot: str, steps: list[Step]) -> str:
    """`dot` with each edge from a step's node labelled with the gradient sent along it."""
    if not steps or not matches(dot, steps):
        return dot
    pending: dict[tuple[str, str], deque[str]] = defaultdict(deque)
    for step in steps:
        for target, g in step.grads_out:
            if target != "None":
                pending[(step.node_id, target)].append("None" if g is None else short(g))
    lines = dot.split("\n")
    for k, line in enumerate(lines):
        found = EDGE.match(line)
        if found is None or not pending.get((found[1], found[2])):
            continue
        text = pending[(found[1], found[2])].popleft().replace("\\", "\\\\").replace('"', '\\"')
        attrs = f'label="{text}" fontcolor={EDGE_FONT_COLOR} fontsize={EDGE_FONT_SIZE}'
        lines[k] = f"\t{found[1]} -> {found[2]} [{attrs}{' ' + found[3] if found[3] else ''}]"
    return "\n".join(lines)


def highlight(dot: str, node_id: str) -> str:
    """`dot` with node `node_id` drawn as `magics.draw(highlight=...)` draws it (thick, red)."""
    pattern = re.compile(rf"^(\t{node_id} \[.*)\]$", re.MULTILINE)
    marks = f" color={HIGHLIGHT_COLOR} penwidth={HIGHLIGHT_WIDTH}"
    return pattern.sub(lambda m: m[1] + marks + "]", dot, count=1)


def frames(base: Graph, steps: list[Step]) -> list[Graph]:
    """One drawing per step: its node highlighted, edges labelled up to and including it."""
    return [
        Graph(
            highlight(label_edges(base.dot, steps[: k + 1]), step.node_id), base.nodes, base.edges
        )
        for k, step in enumerate(steps)
    ]


def annotated(graph: Graph | None, steps: list[Step]) -> Graph | None:
    """A copy of `graph` with per-edge gradients from `steps` (None stays None)."""
    if graph is None:
        return None
    return Graph(label_edges(graph.dot, steps), graph.nodes, graph.edges, graph.left_out)
