"""`draw(loss)`: any autograd DAG (minigrad or PyTorch) as an inline picture.

`draw()` walks the graph once, names tensors after the caller's variables, and returns a `Graph`:
DOT text now, SVG/PNG on demand through the pinned Graphviz (`magics.draw.render`). In Jupyter the
`Graph` shows itself as `image/svg+xml` (never `text/html`, which JupyterLab would prefer).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from types import FrameType
from typing import Any

from magics.draw import dot, render
from magics.draw.summary import Summary, summarise

VIEWS = ("forward", "backward")


class Graph:
    """A drawn autograd graph: `.dot` text, `.svg()`, `.png()`, `.save(path)`; shows inline.

    Args:
        source: DOT text.
        nodes: how many graph nodes it draws (the legend not counted).
        edges: how many edges it draws.
        left_out: autograd nodes summarised instead of drawn (big graphs).
        at_least: True when `left_out` is a lower bound (a huge torch graph, walked partly).
    """

    def __init__(
        self, source: str, nodes: int, edges: int, left_out: int = 0, at_least: bool = False
    ) -> None:
        self.dot = source
        self.nodes = nodes
        self.edges = edges
        self.left_out = left_out
        self.at_least = at_least
        self._cache: dict[str, bytes] = {}

    def _render(self, fmt: str) -> bytes:
        if fmt not in self._cache:
            self._cache[fmt] = render.render(self.dot, fmt)
        return self._cache[fmt]

    def svg(self) -> str:
        """The picture as SVG text (same bytes on every machine with the pinned renderer)."""
        return self._render("svg").decode("utf-8")

    def png(self) -> bytes:
        """The picture as PNG bytes."""
        return self._render("png")

    def save(self, path: str | Path) -> Path:
        """Write the picture; the suffix picks the format (`.svg`, `.png`, `.dot`/`.gv`).

        Args:
            path: where to write.
        """
        path = Path(path)
        fmt = path.suffix.lower().lstrip(".")
        if fmt in ("dot", "gv"):
            path.write_text(self.dot, encoding="utf-8")
        elif fmt in render.FORMATS:
            path.write_bytes(self._render(fmt))
        else:
            raise ValueError(f"cannot tell the format from {path.name!r}: use .svg, .png or .dot")
        return path

    def __repr__(self) -> str:
        plus = "+" if self.at_least else ""
        more = f", {self.left_out:,}{plus} not drawn" if self.left_out else ""
        return f"<Graph: {self.nodes} nodes, {self.edges} edges{more}>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"image/svg+xml": self.svg(), "text/plain": repr(self)}


def tensor_types() -> tuple[type, ...]:
    """The tensor classes already imported (minigrad's, torch's); never imports torch."""
    found = []
    for module_name in ("minigrad", "torch"):
        cls = getattr(sys.modules.get(module_name), "Tensor", None)
        if isinstance(cls, type):
            found.append(cls)
    return tuple(found)


def caller_names(frame: FrameType | None) -> dict[int, tuple[str, Any]]:
    """id(tensor) -> (name, tensor) for tensors bound to names in `frame` and its callers.

    The innermost binding wins; `_`-prefixed names (IPython's `_`, `_3`) are skipped. In a
    notebook the cell's frame has the user namespace as globals, so walking up finds it.
    """
    kinds = tensor_types()
    found: dict[int, tuple[str, Any]] = {}
    while frame is not None and kinds:
        for scope in (frame.f_locals, frame.f_globals):
            for name, value in list(scope.items()):
                if isinstance(value, kinds) and not name.startswith("_"):
                    found.setdefault(id(value), (name, value))
        frame = frame.f_back
    return found


def _as_list(highlight: Any) -> list[Any]:
    if highlight is None:
        return []
    if isinstance(highlight, (list, tuple, set, frozenset)):
        return list(highlight)
    return [highlight]


def _context(
    tensors: tuple[Any, ...],
    names: Mapping[str, Any] | None,
    known: dict[int, tuple[str, Any]] | None,
    view: str,
    highlight: Any,
) -> dot.Context:
    """Names, known output tensors and highlighted ids for a drawing (summary filled in later)."""
    if known is None:
        known = {id(t): (str(name), t) for name, t in (names or {}).items()}
    marked = _as_list(highlight)
    by_node = {id(t.grad_fn): t for _, t in known.values() if t.grad_fn is not None}
    by_node.update({id(t.grad_fn): t for t in marked if getattr(t, "grad_fn", None) is not None})
    highlight_ids = {id(h) for h in marked}
    if view == "backward":  # a tensor is marked through the node that made it
        highlight_ids |= {id(t.grad_fn) for t in marked if getattr(t, "grad_fn", None) is not None}
    return dot.Context(
        summary=Summary([], {}, 0, 0),
        outputs=list(tensors),
        names={key: name for key, (name, _) in known.items()},
        by_node=by_node,
        highlight=highlight_ids,
    )


def draw(
    *tensors: Any,
    names: Mapping[str, Any] | None = None,
    view: str = "forward",
    values: bool = True,
    grads: bool = True,
    saved: bool = False,
    highlight: Any = None,
    max_nodes: int = 200,
) -> Graph:
    """Draw the autograd graph that produced `tensors` (minigrad or PyTorch).

    Args:
        *tensors: the outputs to draw back from (e.g. `loss`).
        names: {name: tensor} labels; None looks names up in the caller's variables.
        view: "forward" (tensors and ops, as a lesson draws it) or "backward" (grad_fn nodes).
        values: show the values of tensors with at most 12 elements (else their range).
        grads: show `.grad` of leaves once backward has run.
        saved: in the backward view, list what each node saved for backward.
        highlight: a node, a tensor, or a list of them, drawn with a thick red border.
        max_nodes: above this many autograd nodes, collapse chains and cut the far part.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    if not tensors:
        raise ValueError("draw() needs at least one tensor, e.g. draw(loss)")
    known = caller_names(sys._getframe(1)) if names is None else None
    ctx = _context(tensors, names, known, view, highlight)
    ctx.values, ctx.grads, ctx.saved = values, grads, saved
    ctx.summary = summarise(
        [t.grad_fn for t in tensors if t.grad_fn is not None], max(1, max_nodes), ctx.highlight
    )
    builder = dot.forward_dot(ctx) if view == "forward" else dot.backward_dot(ctx)
    summary = ctx.summary
    return Graph(builder.source(), builder.nodes, builder.edges, summary.left_out, summary.at_least)
