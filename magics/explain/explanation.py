"""An explanation as the notebook shows it: escaped, self-contained HTML and plain text.

`Explanation` is plain data (what the explainer found) plus `_repr_mimebundle_`, so
`IPython.display.display(explanation)` shows HTML in JupyterLab and text in a terminal.
No JavaScript; the graph is an inline `<img>` of the drawing's SVG.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from typing import Any

BOX_STYLE = "border-left:4px solid #c0392b;background:#fdf3f2;padding:6px 10px;margin:4px 0"
NOTE_STYLE = "border-left:4px solid #2874a6;background:#f2f7fb;padding:6px 10px;margin:4px 0"
CODE_STYLE = "background:#f4f4f4;padding:4px 8px;margin:2px 0;white-space:pre-wrap"
LABEL_STYLE = "font-weight:bold;margin-top:6px"


@dataclass
class Explanation:
    """What went wrong, why (in graph terms), where, and how to fix it, for one error."""

    kind: str
    title: str
    message: str  # the error's (or warning's) first line
    what: str
    why: str
    where: list[tuple[str, str]]  # (label, line text): the failing line, the node's line
    fix: str  # how to fix, in words
    fix_code: str | None  # code that fixes this case, runnable in the user's namespace
    wrong: str  # the common fix that is wrong, and why
    node: str | None = None  # the offending node's name (`MulBackward0`)
    graph: Any = None  # a drawing from `magics.draw`, when available
    graph_lines: list[str] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)  # shown by %explain
    note: bool = False  # a warning's note rather than an error's explanation
    detailed: bool = False

    def more(self) -> Explanation:
        """The same explanation, with the details `%explain` shows."""
        copy = Explanation(**{k: getattr(self, k) for k in self.__dataclass_fields__})
        copy.detailed = True
        return copy

    def text(self) -> str:
        """The plain-text rendering (a terminal IPython, `text/plain`)."""
        head = "Note" if self.note else "minigrad explains"
        out = [f"{head}: {self.title}", "", f"What happened: {self.what}", f"Why: {self.why}"]
        out += [f"Where: {label}: {line}" for label, line in self.where]
        if self.graph_lines:
            out += ["The graph (output first):"] + [f"    {g}" for g in self.graph_lines]
        out.append(f"How to fix: {self.fix}")
        if self.fix_code:
            out += [f"    {line}" for line in self.fix_code.splitlines()]
        out.append(f"Not a fix: {self.wrong}")
        if self.detailed:
            out += ["", "Details:"] + [f"    {k}: {v}" for k, v in self.details]
        elif not self.note:
            out.append("(%explain shows more detail)")
        return "\n".join(out)

    def html(self) -> str:
        """The HTML rendering: every user-supplied string escaped, no scripts."""
        e = _escape
        parts = [
            f"<div><b>{'Note' if self.note else 'minigrad explains'}: {e(self.title)}</b></div>"
        ]
        parts.append(_section("What happened", e(self.what)))
        parts.append(_section("Why", e(self.why)))
        for label, line in self.where:
            parts.append(
                _section(f"Where: {label}", f'<pre style="{CODE_STYLE}">{html.escape(line)}</pre>')
            )
        parts.append(_graph_html(self.graph, self.graph_lines))
        fix = e(self.fix)
        if self.fix_code:
            fix += f'<pre style="{CODE_STYLE}">{html.escape(self.fix_code)}</pre>'
        parts.append(_section("How to fix", fix))
        parts.append(_section("Not a fix", e(self.wrong)))
        if self.detailed:
            rows = "".join(
                f"<tr><td><code>{html.escape(k)}</code></td><td><code>{html.escape(v)}</code></td></tr>"
                for k, v in self.details
            )
            parts.append(_section("Details", f"<table>{rows}</table>"))
        style = NOTE_STYLE if self.note else BOX_STYLE
        return f'<div class="minigrad-explain" style="{style}">{"".join(parts)}</div>'

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": self.text(), "text/html": self.html()}

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.text())


def _escape(text: str) -> str:
    """HTML-escape `text`, then show `code spans` in backticks as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _section(label: str, body: str) -> str:
    return f'<div style="{LABEL_STYLE}">{html.escape(label)}</div><div>{body}</div>'


def _graph_html(graph: Any, lines: list[str]) -> str:
    """The drawing as an inline image (its SVG, base64), else the text listing of the graph."""
    if graph is not None:
        try:
            svg = graph.svg()
            data = base64.b64encode(svg.encode() if isinstance(svg, str) else svg).decode()
            img = f'<img alt="the graph" src="data:image/svg+xml;base64,{data}"/>'
            return _section("The graph (offending node highlighted)", img)
        except Exception:  # a drawing that fails to render falls back to the text listing
            pass
    if not lines:
        return ""
    text = html.escape("\n".join(lines))
    return _section("The graph (output first)", f'<pre style="{CODE_STYLE}">{text}</pre>')
