"""The tensor card: a tensor's `text/html` display in a notebook (its `text/plain` stays the repr).

The card is the repr text, then badges (shape, dtype, requires_grad, is_leaf, grad_fn with its
`next_functions` inside a `<details>`, and `.grad` when set). `set_display("plain")` turns it
off; `register(shell)` / `unregister(shell)` add and remove the formatter. All user text is
escaped with `html.escape`.
"""

from __future__ import annotations

import html
from typing import Any

from magics.stepping import short_name
from minigrad.tensor import Tensor

MODES = ("card", "plain")
CARD_STYLE = "font-family:monospace;border-left:3px solid #4a7ab5;padding:2px 8px;margin:2px 0"
BADGE_STYLE = "display:inline-block;background:#eef2f8;border-radius:3px;padding:0 6px;margin:2px"


class _Settings:
    """Module state: which display mode is on (the card, or the repr only)."""

    mode: str = "card"
    previous: dict[int, Any] = {}  # shell id -> the html printer for Tensor before we registered


settings = _Settings()


def set_display(mode: str) -> None:
    """Show tensors as a card (`"card"`, the default) or as the repr only (`"plain"`).

    Args:
        mode: "card" or "plain".
    """
    if mode not in MODES:
        raise ValueError(f"display mode must be one of {', '.join(MODES)}, not {mode!r}")
    settings.mode = mode


def get_display() -> str:
    """The current display mode: "card" or "plain"."""
    return settings.mode


def _badge(label: str, value: Any) -> str:
    text = html.escape(f"{label}: {value}")
    return f'<span class="minigrad-badge" style="{BADGE_STYLE}">{text}</span>'


def _node_label(node: Any) -> str:
    """`MulBackward0`, or `AccumulateGrad` for a leaf's node; `None` for a missing input."""
    return "None" if node is None else short_name(node)


def grad_fn_details(t: Tensor) -> str:
    """The grad_fn badge, with its `next_functions` (one level) inside a `<details>`."""
    node = t.grad_fn
    if node is None:
        return _badge("grad_fn", "None")
    items = "".join(
        f"<li>({html.escape(_node_label(child))}, {int(k)})</li>"
        for child, k in node.next_functions
    )
    summary = _badge("grad_fn", short_name(node))
    return (
        f'<details class="minigrad-grad-fn" style="display:inline-block;vertical-align:top">'
        f"<summary>{summary}</summary>"
        f'<ul style="margin:0">next_functions:{items}</ul></details>'
    )


def tensor_card(t: Tensor) -> str:
    """The card's HTML: the escaped repr in a `<pre>`, then badges."""
    dtype = str(t.dtype)
    shape = "[" + ", ".join(str(n) for n in t.shape) + "]"
    parts = [
        f'<div class="minigrad-card" style="{CARD_STYLE}">',
        f'<pre style="margin:0">{html.escape(repr(t))}</pre>',
        _badge("shape", shape),
        _badge("dtype", dtype),
        _badge("requires_grad", t.requires_grad),
        _badge("is_leaf", t.is_leaf),
        grad_fn_details(t),
    ]
    grad = t._grad  # the attribute, not the property: reading .grad of a non-leaf warns
    if grad is not None:
        parts.append(f'<div>.grad</div><pre style="margin:0">{html.escape(repr(grad))}</pre>')
    parts.append("</div>")
    return "".join(parts)


def tensor_html(t: Tensor) -> str | None:
    """The formatter IPython calls for `text/html`: the card, or None in plain mode."""
    if settings.mode != "card":
        return None
    return tensor_card(t)


def register(shell: Any) -> None:
    """Add the `text/html` formatter for `Tensor` (again is harmless: the old printer is kept)."""
    formatter = shell.display_formatter.formatters["text/html"]
    current = formatter.type_printers.get(Tensor)
    if current is tensor_html:
        return
    settings.previous[id(shell)] = current
    formatter.for_type(Tensor, tensor_html)


def unregister(shell: Any) -> None:
    """Remove the formatter `register` added, restoring whatever was there before."""
    formatter = shell.display_formatter.formatters["text/html"]
    if formatter.type_printers.get(Tensor) is not tensor_html:
        return
    previous = settings.previous.pop(id(shell), None)
    if previous is None:
        formatter.type_printers.pop(Tensor, None)
    else:
        formatter.type_printers[Tensor] = previous
