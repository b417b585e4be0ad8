"""What `%%trace` and `%backward` return: plain data that knows how to display itself.

A result shows as two outputs in a notebook: the graph (`image/svg+xml` + `text/plain`, from
`magics.draw`) and a table (`text/html` + `text/plain`). Both are deterministic: walk-order
ids, numbers printed with 4 significant digits, no memory addresses. `%backward --step` adds
a widget whose bundle also carries the final graph and text, for viewers without widgets.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from magics.stepping import Step, _fmt
from magics.tracing import TraceRow

TABLE_STYLE = "border-collapse:collapse;font-family:monospace;font-size:90%"
ERROR_STYLE = "background:#fde2e2"


def _cell(text: Any, tag: str = "td") -> str:
    return f'<{tag} style="padding:1px 8px;text-align:left">{html.escape(str(text))}</{tag}>'


def html_table(header: list[str], body: list[list[str]], marked: set[int] | None = None) -> str:
    """An HTML table of escaped text; rows whose index is in `marked` get the error colour."""
    head = "<tr>" + "".join(_cell(h, "th") for h in header) + "</tr>"
    rows = []
    for i, cells in enumerate(body):
        style = f' style="{ERROR_STYLE}"' if marked and i in marked else ""
        rows.append(f"<tr{style}>" + "".join(_cell(c) for c in cells) + "</tr>")
    return f'<table class="minigrad-table" style="{TABLE_STYLE}">{head}{"".join(rows)}</table>'


def text_table(header: list[str], body: list[list[str]]) -> str:
    """The same table as aligned plain text."""
    widths = [max(len(str(r[i])) for r in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header, *body]
    ]
    return "\n".join(lines)


def _show(graph: Any, bundle: dict[str, str]) -> None:
    from IPython.display import display

    if graph is not None:
        display(graph)
    display(bundle, raw=True)


TRACE_HEADER = ["#", "line", "source", "op", "inputs -> output", "grad_fn"]


@dataclass
class TraceResult:
    """What `%%trace` found: the ops in order, the graph, gradients and any error."""

    rows: list[TraceRow]
    graph: Any = None  # a `magics.draw` Graph, or None when the cell recorded no node
    names: list[str] = field(default_factory=list)  # variables labelled in the graph
    grads: dict[str, np.ndarray] = field(default_factory=dict)  # --backward: leaf name -> .grad
    error: str | None = None  # "RuntimeError: ..." when the cell raised
    limit: int = 50  # the table lists at most this many ops (plus the failing one)

    @property
    def dot(self) -> str:
        """The graph's DOT text ("" when there is no graph)."""
        return self.graph.dot if self.graph is not None else ""

    def shown(self) -> list[TraceRow]:
        """The rows the table lists: the first `limit`, and the failing op always."""
        head = self.rows[: self.limit]
        return head + [r for r in self.rows[self.limit :] if r.failed]

    def _body(self, rows: list[TraceRow]) -> list[list[str]]:
        body = [
            [
                str(r.index),
                r.line,
                r.source,
                r.op,
                f"{', '.join(r.inputs)} -> {r.output}",
                r.grad_fn,
            ]
            for r in rows
        ]
        if len(rows) < len(self.rows):
            body.append(
                ["...", "", f"{len(self.rows) - len(rows):,} more ops (--limit)", "", "", ""]
            )
        return body

    def _grad_lines(self) -> list[str]:
        return [f"{name}.grad = {_fmt(g)}" for name, g in self.grads.items()]

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.text())

    def text(self) -> str:
        """The table, gradients and error as plain text."""
        count = f"{len(self.rows):,} op{'' if len(self.rows) == 1 else 's'}"
        parts = [f"%%trace: {count}", text_table(TRACE_HEADER, self._body(self.shown()))]
        parts += self._grad_lines()
        if self.error:
            parts.append(f"error: {self.error}")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        rows = self.shown()
        marked = {k for k, r in enumerate(rows) if r.failed}
        out = [html_table(TRACE_HEADER, self._body(rows), marked)]
        out += [f"<pre>{html.escape(line)}</pre>" for line in self._grad_lines()]
        return "".join(out)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        return {"text/plain": self.text(), "text/html": self._repr_html_()}

    def _ipython_display_(self) -> None:
        _show(self.graph, self._repr_mimebundle_())


STEP_HEADER = ["step", "node", "rule", "grad in", "grads out"]


@dataclass
class BackwardResult:
    """What `%backward` did: the steps of the walk, each leaf's `.grad`, the graph."""

    steps: list[Step]
    grads: dict[str, np.ndarray]  # leaf label -> its .grad after backward
    graph: Any = None  # the final graph: `magics.draw(..., view="backward")`
    widget: Any = None  # the BackwardStepper with --step

    @property
    def dot(self) -> str:
        """The graph's DOT text ("" when there is no graph)."""
        return self.graph.dot if self.graph is not None else ""

    def _body(self) -> list[list[str]]:
        body = []
        for s in self.steps:
            outs = "; ".join(f"{s.target(t)}: {_fmt(g)}" for t, g in s.grads_out)
            if s.leaf is not None:
                outs = f"{s.leaf}.grad += {_fmt(s.grad_in)}"
            body.append([str(s.index), f"{s.name} ({s.node_id})", s.rule, _fmt(s.grad_in), outs])
        return body

    def text(self) -> str:
        """The steps and the final `.grad` of each leaf as plain text."""
        lines = [text_table(STEP_HEADER, self._body())]
        lines += [f"{name}.grad = {_fmt(g)}" for name, g in self.grads.items()]
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.text())

    def _repr_html_(self) -> str:
        grads = "".join(
            f"<pre>{html.escape(f'{n}.grad = {_fmt(g)}')}</pre>" for n, g in self.grads.items()
        )
        return html_table(STEP_HEADER, self._body()) + grads

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        if self.widget is None:
            return {"text/plain": self.text(), "text/html": self._repr_html_()}
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/plain"] = self.text()
        if self.graph is not None:
            bundle["image/svg+xml"] = self.graph.svg()
        return bundle

    def _ipython_display_(self) -> None:
        if self.widget is None:
            _show(self.graph, self._repr_mimebundle_())
        else:
            _show(None, self._repr_mimebundle_())
