"""The graph walks, shared by backward(), %%trace and the DAG drawing.

`toposort` works on any object graph shaped like PyTorch's: a node has `next_functions`, a
tuple of `(node_or_None, input_nr)` pairs. So the same walk serves minigrad and real torch
graphs (%%trace, draw()). `backward_order` is the order the engine runs nodes in (newest
first, as PyTorch's engine does); the step-through shows that same order. No gradient maths
and no drawing here; nothing recurses, so any depth works.
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any


def toposort(roots: Sequence[Any]) -> list[Any]:
    """Every node reachable from `roots`, each after all of its inputs (inputs first).

    The order is deterministic: a depth-first walk that follows `next_functions` in order.
    Reverse it to get an order in which backward can run.

    Args:
        roots: the starting nodes (`grad_fn`s); `None` entries are skipped.
    """
    order: list[Any] = []
    seen: set[int] = set()
    stack: list[tuple[Any, bool]] = [(r, False) for r in reversed(roots) if r is not None]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for child, _ in reversed(node.next_functions):
            if child is not None and id(child) not in seen:
                stack.append((child, False))
    return order


def creation_order(roots: Sequence[Any]) -> list[Any]:
    """Every minigrad node reachable from `roots`, oldest first: also an order with inputs first.

    A node is always created after the nodes of its inputs, so sorting by creation number
    (`_seq`) is a topological order, and cheaper than `toposort`'s two visits per node.
    Newest first is the order PyTorch's engine runs nodes in.

    Args:
        roots: the starting nodes; `None` entries are skipped.
    """
    seen = {r for r in roots if r is not None}
    stack = list(seen)
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append(child)
    return sorted(seen, key=_creation_number)


_creation_number = operator.attrgetter("_seq")


def backward_order(roots: Sequence[Any]) -> list[Any]:
    """The order backward runs minigrad nodes in: newest first, so each node before its inputs.

    PyTorch's engine also runs the most recently created ready node first (a priority queue
    on sequence numbers), so its pre-hooks fire in this order too.

    Args:
        roots: the starting nodes; `None` entries are skipped.
    """
    order = creation_order(roots)
    order.reverse()
    return order


def edges(nodes: Sequence[Any]) -> Iterator[tuple[Any, Any, int]]:
    """Yield `(node, input_node, position)` for each input edge of each node, in walk order."""
    for node in nodes:
        for position, (child, _) in enumerate(node.next_functions):
            if child is not None:
                yield node, child, position


class _Recorder:
    """Module state for `recording()`: None when no one records (the fast path checks this)."""

    log: list[Any] | None = None
    sites: bool = False


recorder = _Recorder()


def user_frame() -> Any:
    """The first caller frame outside minigrad's own modules (None if there is none)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("minigrad"):
        frame = frame.f_back  # type: ignore[assignment]
    return frame


def creation_site() -> tuple[str, int] | None:
    """The (filename, line) of the first caller frame outside minigrad's own modules."""
    frame = user_frame()
    if frame is None:
        return None
    return frame.f_code.co_filename, frame.f_lineno


def record_sites(on: bool) -> None:
    """Remember where each node is created (`node._site`) from now on; the Jupyter layer's switch.

    Args:
        on: True to record creation sites for every new node; False (the default) costs nothing.
    """
    recorder.sites = on


@contextmanager
def recording() -> Iterator[list[Any]]:
    """Collect every node created inside the block, in creation order: `with recording() as log:`.

    Each node also gets its creation site (`node._site`, a (filename, line) pair).
    Nested recordings each see all the nodes made inside them.
    """
    outer = recorder.log
    log: list[Any] = []
    recorder.log = log
    try:
        yield log
    finally:
        if outer is not None:
            outer.extend(log)
        recorder.log = outer
