"""The context of one error (`Case`) and the helpers every fact function shares.

A `Case` holds the error, its traceback, the message's regex groups, the user's failing line and
namespace. The helpers find the tensor a method was called on, the lines that built a graph,
the assignment of a variable, and the two operands of a failing expression.
"""

from __future__ import annotations

import itertools
import linecache
import re
from dataclasses import dataclass
from typing import Any

from magics.explain.context import (
    Site,
    cell_sites,
    dims,
    frame_self,
    lookup,
    name_of,
    node_label,
    node_site,
    tensors_in,
)
from minigrad.graph import toposort

Facts = dict[str, Any]
SEARCH_LIMIT = 2000  # nodes asked for their saved tensors (dir() is slow on huge graphs)


@dataclass
class Case:
    """An error to explain and where to look for its facts."""

    shell: Any
    error: BaseException
    tb: Any
    groups: dict[str, str]  # named groups of the row's message regex
    ns: dict[str, Any]  # the user's variables
    line: Site | None  # the user's line that raised
    mod: str  # what the user calls the library (`torch` for `import minigrad as torch`)

    @property
    def text(self) -> str:
        """The failing line's text ("" if unknown)."""
        return self.line.text if self.line else ""

    def named(self, pattern: str) -> tuple[Any, str | None]:
        """The error's tensor (or the variable `pattern`'s group 1 names in the line), its name."""
        t = getattr(self.error, "tensor", None)
        m = re.search(pattern, self.text)
        if t is None and m:
            t = lookup(m.group(1), self.ns)
        name = name_of(t, self.ns, self.text) or (m.group(1) if m else None)
        return t, name or receiver(self.text)

    def output(self, from_error: bool = True) -> tuple[Any, str | None]:
        """The tensor `backward()` ran on (from its frame, so PyTorch works too) and its name.

        Args:
            from_error: use the error's `tensor` fact when it has one (it is the output).
        """
        t = getattr(self.error, "tensor", None) if from_error else None
        if t is None:
            t = frame_self(self.tb, "backward", "grad_fn")
        if t is None:
            return self.named(r"(\w+)\s*\.\s*backward\s*\(")
        return t, name_of(t, self.ns, self.text) or receiver(self.text)


METHODS = r"\.\s*(?:backward|numpy|item|requires_grad)\b"


def receiver(text: str) -> str | None:
    """The expression a tensor method is called on in `text` (`(t * 2)` in `(t * 2).backward()`)."""
    m = re.search(METHODS, text)
    if m is None:
        return None
    expr = re.sub(r"^\s*[\w.]+\s*=(?!=)\s*", "", text[: m.start()]).strip()
    balanced = expr.count("(") == expr.count(")") and expr.count("[") == expr.count("]")
    return expr if expr and balanced and len(expr) <= 40 else None


def basics(t: Any, name: str | None, node: Any = None) -> Facts:
    """Fields every row may use: the tensor's name, shape, node name, and what to draw."""
    node = node if node is not None else getattr(t, "grad_fn", None)
    facts: Facts = {"_tensor": t, "_node": node}
    if name:
        facts["name"] = name
    if t is not None and hasattr(t, "shape"):
        facts["shape"] = dims(t.shape)
        facts["numel"] = int(t.numel())
    if node is not None:
        facts["node"] = node_label(node)
    return facts


def sub(pattern: str, new: str, text: str) -> str | None:
    """`text` with the first match of `pattern` replaced, or None when nothing matched."""
    out, n = re.subn(pattern, new, text, count=1)
    return out if n else None


def graph_sites(case: Case, root: Any, also: tuple[str, ...] = ()) -> list[Site]:
    """Whole-statement lines that built `root`'s graph: node sites and named assignments.

    minigrad records each node's line; for PyTorch (and nodes made inside functions) the
    lines assigning the user's variables whose grad_fn is in the graph stand in for them.

    Args:
        case: the error.
        root: the graph's output node.
        also: more variable names whose last assignment belongs to the replay.
    """
    nodes = toposort([root]) if root is not None else []
    ids = {id(n) for n in nodes}
    names = [k for k, t in tensors_in(case.ns) if id(t.grad_fn) in ids] + list(also)
    sites = [node_site(case.shell, n) for n in nodes if not hasattr(n, "variable")]
    sites += [assignment(case, k) for k in dict.fromkeys(names)]
    return [s for s in sites if s is not None and s.top_level]


def failing_node(root: Any, needle: str) -> Any:
    """The first node of `root`'s graph whose saved tensors fail to read (error text has `needle`).

    PyTorch checks saved tensors when they are read, so this finds the freed node (after a
    backward) or the one whose saved tensor was modified, without running backward.
    """
    nodes = reversed(toposort([root])) if root is not None else iter(())
    for node in itertools.islice(nodes, SEARCH_LIMIT):
        for attr in dir(node):
            if attr.startswith("_saved_"):
                try:
                    getattr(node, attr)
                except RuntimeError as err:
                    if needle in str(err):
                        return node
    return None


def assignment(case: Case, name: str) -> Site | None:
    """The last line before the error that assigned `name`."""
    found = cell_sites(case.shell, rf"^\s*{name}\s*=[^=]", case.line)
    return found[-1] if found else None


def under_no_grad(site: Site) -> bool:
    """True if `site` is inside a `with ...no_grad():` (or inference_mode) block."""
    lines = linecache.getlines(site.filename)[: site.lineno]
    depth = _indent(lines[-1])
    for text in reversed(lines[:-1]):
        if text.strip() and _indent(text) < depth:
            if re.match(r"\s*with\b.*(no_grad|inference_mode)\(", text):
                return True
            depth = _indent(text)
    return False


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def operands(case: Case, patterns: tuple[str, ...]) -> tuple[Any, ...] | None:
    """The two tensors of the failing expression: (a, b, match) from the line, or None."""
    for pattern in patterns:
        for m in re.finditer(pattern, case.text):
            a, b = lookup(m.group("a"), case.ns), lookup(m.group("b"), case.ns)
            if hasattr(a, "shape") and hasattr(b, "shape"):
                return a, b, m
    return None


def with_suffix(text: str, m: Any, group: str, suffix: str) -> str:
    """`text` with `suffix` put right after the operand `group` of match `m`."""
    end = m.end(group)
    return text[:end] + suffix + text[end:]
