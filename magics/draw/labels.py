"""Label text for the DAG drawing: tensor boxes and op nodes, escaped for DOT.

Plain data in, lists of lines out. Values use the tensor's own `repr` (PyTorch's formatting),
so minigrad and torch tensors print the same numbers. Nothing here knows about DOT layout.
"""

from __future__ import annotations

import math
import re
from typing import Any

import graphviz

from magics.draw.summary import node_name

MAX_VALUES = 12  # show the values of tensors with at most this many elements
OP_SYMBOLS = {
    "add": "+",
    "sub": "-",
    "mul": "*",
    "div": "/",
    "pow": "**",
    "neg": "-",
    "matmul": "@",
}
_BACKWARD_SUFFIX = re.compile(r"Backward\d*$")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def escape(text: str) -> str:
    """Make user text literal inside a DOT string: backslashes, entities and `<...>` disarmed."""
    # `&` first: Graphviz keeps `&lt;`-style entities, so "&" must become "&amp;" to show as is.
    return str(graphviz.escape(text.replace("&", "&amp;")))


def join_lines(lines: list[str], left: bool) -> str:
    """One DOT label from escaped lines, left-justified (`\\l`) or centred (`\\n`)."""
    if left:
        return "".join(line + "\\l" for line in lines)
    return "\\n".join(lines)


def op_symbol(node: Any) -> str:
    """The op as a lesson writes it: `*` for MulBackward0, `mm` for MmBackward0."""
    op = getattr(node, "op", None)
    name = getattr(op, "name", None)
    if not isinstance(name, str):
        base = _BACKWARD_SUFFIX.sub("", node_name(node))
        name = _CAMEL.sub("_", base).lower()
    return OP_SYMBOLS.get(name, name)


def op_rule(node: Any) -> str | None:
    """The backward rule text of a minigrad op row (`grad_self = grad * other`), if any."""
    rule = getattr(getattr(node, "op", None), "rule", None)
    return rule if isinstance(rule, str) else None


def numel(t: Any) -> int:
    """Number of elements, from the shape (works for minigrad and torch tensors)."""
    return math.prod(tuple(t.shape))


def shape_text(t: Any) -> str:
    """`(1, 10) float32`: the shape as a tuple and the dtype without the `torch.` prefix."""
    dtype = str(t.dtype).removeprefix("torch.").removeprefix("minigrad.")
    return f"{tuple(t.shape)} {dtype}"


def values_lines(t: Any) -> list[str]:
    """The numbers as `repr` prints them (small tensors), else the range `[min .. max]`."""
    t = t.detach()
    if numel(t) <= MAX_VALUES:
        text = repr(t)
        body = text[len("tensor(") : -1] if text.startswith("tensor(") else text
        body = re.sub(r",\s*(dtype|requires_grad|grad_fn)=.*$", "", body, flags=re.DOTALL)
        return [line.removeprefix(" " * len("tensor(")) for line in body.split("\n")]
    try:
        data = t.numpy()
        return [f"[{float(data.min()):.4f} .. {float(data.max()):.4f}]"] if data.size else ["[]"]
    except (TypeError, RuntimeError, ValueError):  # e.g. bfloat16 has no numpy dtype
        return []


def tensor_lines(t: Any, name: str | None, values: bool, grads: bool) -> list[str]:
    """Escaped label lines for a tensor box: name, shape and dtype, values, grad, requires_grad."""
    lines = [escape(name)] if name else []
    lines.append(escape(shape_text(t)))
    if values:
        lines += [escape(v) for v in values_lines(t)]
    grad = getattr(t, "grad", None) if t.is_leaf else None
    if grads and grad is not None:
        grad_values = values_lines(grad)
        pad = " " * len("grad: ")
        lines += [escape(("grad: " if i == 0 else pad) + v) for i, v in enumerate(grad_values)]
    if t.is_leaf and t.requires_grad:
        lines.append("requires_grad=True")
    return lines


def saved_lines(node: Any) -> list[str]:
    """Escaped `name: value` lines for what the node saved for backward (`_saved_*`)."""
    lines = []
    for attr in sorted(a for a in dir(node) if a.startswith("_saved_")):
        key = attr.removeprefix("_saved_")
        try:
            value = getattr(node, attr)
        except RuntimeError:  # torch frees saved tensors after backward (retain_graph=False)
            lines.append(escape(f"{key}: (freed by backward)"))
            continue
        if value is None:
            continue
        if hasattr(value, "detach") and hasattr(value, "shape"):
            text = shape_text(value) + " " + " ".join(v.strip() for v in values_lines(value))
        else:
            text = repr(value)
        lines.append(escape(f"{key}: {text}"))
    return lines
