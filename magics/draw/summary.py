"""Pick what a drawing shows: every node of a small graph, a summary of a big one.

`summarise()` walks the graph once (`minigrad.graph.toposort`) and returns the items to draw,
each with its inputs. Above `max_nodes` it first collapses long linear chains (`x.exp().exp()...`)
into one `Elided` item, then, if still too big, cuts the part farthest from the outputs into one
`Elided` item that says how many nodes were left out. Nothing here recurses.
"""

from __future__ import annotations

import gc
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from minigrad.graph import toposort

CHAIN_MIN = 8  # collapse a linear chain only when it is at least this long
CHAIN_KEEP = 2  # nodes kept visible at each end of a collapsed chain
# torch 2.13 segfaults when it frees a deep graph (~50k+ nodes) whose nodes Python has touched
# (`next_functions` wrappers): so a torch graph is walked at most this far, breadth first.
TORCH_WALK_LIMIT = 10_000

Inputs = list[tuple[Any, int]]


@dataclass(eq=False)
class Elided:
    """Stands for nodes that are not drawn: a collapsed chain or the far part of the graph."""

    count: int
    kinds: Counter[str] = field(default_factory=Counter)
    far: bool = False
    at_least: bool = False  # the walk stopped early: `count` is a lower bound

    def describe(self) -> list[str]:
        """Label lines: how many nodes, and the most common node names among them."""
        what = "nodes not drawn" if self.far else "more ops in a chain"
        count = f"at least {self.count:,}" if self.at_least else f"{self.count:,}"
        top = ", ".join(f"{name} x{n:,}" for name, n in _top(self.kinds))
        return [f"... {count} {what}", f"({top})"] if top else [f"... {count} {what}"]


@dataclass
class Summary:
    """What to draw: `items` (nodes and `Elided`) inputs first, `inputs[id(item)]` for each."""

    items: list[Any]
    inputs: dict[int, Inputs]
    total: int  # autograd nodes in the whole graph
    left_out: int  # autograd nodes not drawn as themselves
    at_least: bool = False  # the walk stopped early (torch): `left_out` is a lower bound


def _top(kinds: Counter[str]) -> list[tuple[str, int]]:
    """The three most common names, ties broken by name so the text is deterministic."""
    return sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))[:3]


def node_name(node: Any) -> str:
    """The node's class name as PyTorch prints it (`MulBackward0`)."""
    name = getattr(node, "name", None)
    return name() if callable(name) else type(node).__name__


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC: the walk allocates ~3 objects per node, and each automatic
    collection would rescan the whole (already huge) graph, a third of the time at 100k nodes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def summarise(roots: list[Any], max_nodes: int, keep: set[int]) -> Summary:
    """Every node reachable from `roots` if there are at most `max_nodes`, else a summary.

    Args:
        roots: the root nodes (`grad_fn`s of the tensors drawn).
        max_nodes: the most autograd nodes to draw as themselves.
        keep: ids of nodes never collapsed into a chain (roots, highlighted nodes).
    """
    if roots and not type(roots[0]).__module__.startswith("minigrad"):  # torch: in builtins
        bounded = _bounded_walk(roots, TORCH_WALK_LIMIT)
        if bounded is not None:
            return _summarise_truncated(bounded, roots, max_nodes)
    with _gc_paused():
        nodes = toposort(roots)
        inputs: dict[int, Inputs] = {id(n): list(n.next_functions) for n in nodes}
        if len(nodes) <= max_nodes:
            return Summary(nodes, inputs, len(nodes), 0)
        items = _collapse_chains(nodes, inputs, keep | {id(r) for r in roots})
        if len(items) > max_nodes:
            items = _cut_far_part(items, inputs, roots, max_nodes, len(nodes))
    left_out = len(nodes) - sum(1 for i in items if not isinstance(i, Elided))
    return Summary(items, inputs, len(nodes), left_out)


def _bounded_walk(roots: list[Any], limit: int) -> list[Any] | None:
    """The first `limit` nodes breadth first from `roots`, or None if the graph is smaller."""
    order: list[Any] = []
    seen: set[int] = set()
    queue = deque(roots)
    while queue:
        node = queue.popleft()
        if id(node) in seen:
            continue
        if len(order) == limit:
            return order
        seen.add(id(node))
        order.append(node)
        queue.extend(c for c, _ in node.next_functions if c is not None and id(c) not in seen)
    return None


def _summarise_truncated(bounded: list[Any], roots: list[Any], max_nodes: int) -> Summary:
    """Summary of a graph walked only partly: the nodes nearest the roots, and a lower bound."""
    keep = bounded[:max_nodes]
    kept = {id(n) for n in keep}
    far = Elided(len(bounded) - len(keep), far=True, at_least=True)
    far.kinds.update(node_name(n) for n in bounded[len(keep) :])
    inputs: dict[int, Inputs] = {id(far): []}
    for node in keep:
        rewired = [
            (far if c is not None and id(c) not in kept else c, k) for c, k in node.next_functions
        ]
        inputs[id(node)] = _dedupe_far(rewired, far)
    order: list[Any] = [far]  # inputs first: an iterative depth-first walk over the kept nodes
    done: set[int] = {id(far)}
    stack: list[tuple[Any, bool]] = [(r, False) for r in reversed(roots)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
        elif id(node) not in done:
            done.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c, _ in reversed(inputs[id(node)]) if c is not None)
    return Summary(order, inputs, len(bounded), far.count, at_least=True)


def _collapse_chains(nodes: list[Any], inputs: dict[int, Inputs], keep: set[int]) -> list[Any]:
    """Replace the middle of each long linear chain (one input, one consumer) by an `Elided`."""
    consumers: dict[int, int] = {}
    consumer: dict[int, Any] = {}
    sole: dict[int, Any] = {}  # id(node) -> its only input node
    for node in nodes:
        children = [c for c, _ in inputs[id(node)] if c is not None]
        if len(children) == 1:
            sole[id(node)] = children[0]
        for child in children:
            key = id(child)
            consumers[key] = consumers.get(key, 0) + 1
            consumer[key] = node
    linear = {k for k in sole if consumers.get(k) == 1 and k not in keep}
    hidden: dict[int, Elided] = {}
    for node in nodes:
        if id(node) not in linear or id(sole[id(node)]) in linear:
            continue  # not the bottom of a chain
        chain = [node]
        while id(consumer[id(chain[-1])]) in linear:
            chain.append(consumer[id(chain[-1])])
        if len(chain) >= CHAIN_MIN:
            _elide(chain[CHAIN_KEEP:-CHAIN_KEEP], consumer, inputs, hidden)
    items: list[Any] = []
    for node in nodes:
        elided = hidden.get(id(node))
        if elided is None:
            items.append(node)
            continue
        if elided.count == 0:  # the first hidden node of its chain stands for the chain
            items.append(elided)
        elided.count += 1
    return items


def _elide(
    middle: list[Any],
    consumer: dict[int, Any],
    inputs: dict[int, Inputs],
    hidden: dict[int, Elided],
) -> None:
    """Hide `middle` (bottom to top) behind one `Elided`, rewiring the chain around it."""
    elided = Elided(0, Counter(map(node_name, middle)))
    inputs[id(elided)] = list(inputs[id(middle[0])])
    above = consumer[id(middle[-1])]
    inputs[id(above)] = [(elided if c is middle[-1] else c, k) for c, k in inputs[id(above)]]
    for node in middle:
        hidden[id(node)] = elided


def _cut_far_part(
    items: list[Any], inputs: dict[int, Inputs], roots: list[Any], max_nodes: int, total: int
) -> list[Any]:
    """Keep the `max_nodes` items nearest the roots (breadth first); one `Elided` for the rest."""
    kept: set[int] = set()
    queue = deque(r for r in roots if r is not None)
    while queue and len(kept) < max_nodes:
        item = queue.popleft()
        if id(item) in kept:
            continue
        kept.add(id(item))
        queue.extend(c for c, _ in inputs[id(item)] if c is not None and id(c) not in kept)
    far = Elided(0, far=True)
    inputs[id(far)] = []
    shown = 0
    for item in items:
        if id(item) in kept:
            shown += item.count if isinstance(item, Elided) else 1
            continue
        far.kinds.update(item.kinds if isinstance(item, Elided) else [node_name(item)])
    for item in items:
        if id(item) in kept:
            rewired = [
                (far if c is not None and id(c) not in kept else c, k) for c, k in inputs[id(item)]
            ]
            inputs[id(item)] = _dedupe_far(rewired, far)
    far.count = total - shown
    return [far] + [i for i in items if id(i) in kept]


def _dedupe_far(rewired: Inputs, far: Elided) -> Inputs:
    """Keep one edge to the far part per item (several cut inputs would draw parallel edges)."""
    out: Inputs = []
    for child, k in rewired:
        if child is far and any(c is far for c, _ in out):
            continue
        out.append((child, k))
    return out
