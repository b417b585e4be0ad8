"""Facts for anomaly mode's error: the node whose backward made nan, and the forward line.

minigrad's error carries the node (`err.node`) and its forward traceback
(`err.forward_traceback`); for PyTorch the node is found by the name in the message in the
graph `backward()` ran on, and its traceback in `node.metadata["traceback_"]`, which PyTorch
fills in anomaly mode. The forward line is the innermost frame of that traceback in a cell.
"""

from __future__ import annotations

import re
from typing import Any

from magics.explain.case import Case, Facts, basics
from magics.explain.context import Site, node_label, node_site, site
from minigrad.graph import toposort
from minigrad.ops import OPS

FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')
EPS = "1e-12"
# ops whose derivative is infinite at 0: their input is kept away from 0 in the fix
AT_ZERO = ("sqrt", "log", "rsqrt", "reciprocal", "log2", "log10")


def anomaly_nan(case: Case) -> Facts:
    """backward() stopped by anomaly detection: a node's gradient holds nan."""
    out, name = case.output(from_error=False)
    node = getattr(case.error, "node", None)
    if node is None:  # PyTorch: the node named in the message, in the graph backward ran on
        node = _named_node(getattr(out, "grad_fn", None), case.groups.get("fn", ""))
    facts = basics(out, name, node)
    facts["index"] = case.groups.get("index", "0")
    rule = _rule(node)
    facts["rule"] = f"`{rule}`" if rule else "its gradient formula"
    made = forward_site(case, node)
    if made is None:
        return facts
    facts["forward"] = made.text
    fixed = _keep_from_zero(made.text, node_label(node))
    if fixed and case.line is not None:
        facts["fix_code"] = f"{fixed}\n{case.text}"
    return facts


def _rule(node: Any) -> str:
    """The backward rule in words from minigrad's op table (for PyTorch's node too, by name)."""
    rule = getattr(getattr(node, "op", None), "rule", "")
    if rule or node is None:
        return rule
    label = node_label(node)
    return next((row.rule for row in OPS.values() if row.node_cls.__name__ == label), "")


def _named_node(root: Any, wanted: str) -> Any:
    """The first node called `wanted` in `root`'s graph, output first (None if absent)."""
    if root is None:
        return None
    for node in reversed(toposort([root])):
        if node_label(node) == wanted:
            return node
    return None


def forward_site(case: Case, node: Any) -> Site | None:
    """The user's line that made `node`: its recorded site, the error's forward traceback, or
    (PyTorch in anomaly mode) the node's metadata; None when none is known."""
    recorded = node_site(case.shell, node)
    if recorded is not None:
        return recorded
    lines = getattr(case.error, "forward_traceback", None)
    if lines is None:
        metadata = getattr(node, "metadata", None)
        lines = metadata.get("traceback_", []) if isinstance(metadata, dict) else []
    if isinstance(lines, str):
        lines = [lines]
    cells = getattr(getattr(case.shell, "compile", None), "_filename_map", None) or {}
    found = None
    for match in FRAME.finditer("".join(lines)):
        if match.group("file") in cells:
            found = site(case.shell, match.group("file"), int(match.group("line")))
    return found


def _keep_from_zero(text: str, node: str) -> str | None:
    """The forward line with the op's input clamped away from 0 (`sqrt(x)` -> at least eps)."""
    op = node.removesuffix("Backward0").lower()
    if op not in AT_ZERO:
        return None
    arg = r"(?P<arg>[A-Za-z_][\w.]*)"
    clamp = rf"\g<arg>.clamp(min={EPS})"
    for pattern, new in (
        (rf"\b(?P<fn>\w+\.{op})\({arg}\)", rf"\g<fn>({clamp})"),
        (rf"{arg}\.{op}\(\)", rf"{clamp}.{op}()"),
    ):
        fixed, n = re.subn(pattern, new, text, count=1)
        if n:
            return fixed.strip()
    return None
