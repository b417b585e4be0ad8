"""Facts for the error explainer: the user's lines, variable names and graph around an error.

Works for minigrad and for real PyTorch objects alike: it only reads `grad_fn`,
`next_functions`, `name()`, `_version` and, when minigrad recorded it, `node._site`.
Source lines come from `linecache`, where IPython registers each cell it runs.
"""

from __future__ import annotations

import linecache
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from minigrad.graph import toposort

GRAPH_TEXT_LIMIT = 12  # nodes listed in the text drawing of a graph
MARK = "  <-- here"


@dataclass(frozen=True)
class Site:
    """A line of user code: where it is (`cell In[3], line 2`) and its text."""

    filename: str
    lineno: int
    text: str
    label: str
    order: tuple[int, int]  # (cell index, line): sorts lines in the order they ran
    top_level: bool  # not indented: the line is a whole statement of its cell


def _cells(shell: Any) -> dict[str, Any]:
    """IPython's map from a cell's linecache filename to its execution count, in run order."""
    return getattr(getattr(shell, "compile", None), "_filename_map", None) or {}


def site(shell: Any, filename: str, lineno: int) -> Site | None:
    """The `Site` of line `lineno` of `filename` (a cell or a file), or None if unreadable."""
    text = linecache.getline(filename, lineno)
    if not text.strip():
        return None
    cells = _cells(shell)
    if filename in cells:
        label = f"cell In[{cells[filename]}], line {lineno}"
        order = (list(cells).index(filename), lineno)
    else:
        label = f"{os.path.basename(filename)}, line {lineno}"
        order = (-1, lineno)
    top = not text[:1].isspace()
    return Site(filename, lineno, text.rstrip("\n").strip(), label, order, top)


def node_site(shell: Any, node: Any) -> Site | None:
    """Where `node` was created (minigrad records `node._site` when sites are on)."""
    where = getattr(node, "_site", None)
    return site(shell, *where) if where else None


def frames(tb: Any) -> Iterator[Any]:
    """The frames of a traceback, outermost first."""
    while tb is not None:
        yield tb.tb_frame, tb.tb_lineno
        tb = tb.tb_next


def user_site(shell: Any, tb: Any) -> Site | None:
    """The innermost line of the traceback that is in a notebook cell (the user's code)."""
    cells = _cells(shell)
    found = None
    for frame, lineno in frames(tb):
        if frame.f_code.co_filename in cells:
            found = (frame.f_code.co_filename, lineno)
    return site(shell, *found) if found else None


def frame_self(tb: Any, function: str, attr: str) -> Any:
    """`self` of the innermost frame running `function` whose `self` has `attr`, or None."""
    found = None
    for frame, _ in frames(tb):
        obj = frame.f_locals.get("self") if frame.f_code.co_name == function else None
        if obj is not None and hasattr(obj, attr):
            found = obj
    return found


def name_of(obj: Any, ns: dict[str, Any], line: str = "") -> str | None:
    """A user variable bound to `obj` (one used in `line` first); never IPython's `_` names."""
    if obj is None:
        return None
    names = [k for k, v in list(ns.items()) if v is obj and not k.startswith("_")]
    used = [k for k in names if re.search(rf"\b{re.escape(k)}\b", line)]
    found = used or names
    return found[0] if found else None


def lookup(name: str | None, ns: dict[str, Any]) -> Any:
    """The user's variable `name` (a plain identifier), or None."""
    return ns.get(name) if name and name.isidentifier() else None


def module_alias(ns: dict[str, Any], libraries: tuple[str, ...]) -> str:
    """What the user calls the first of `libraries` they imported (`import minigrad as torch`).

    Args:
        ns: the user's variables.
        libraries: module names in order of preference, e.g. ("torch", "minigrad").
    """
    modules = {
        getattr(v, "__name__", None): k
        for k, v in list(ns.items())
        if type(v).__name__ == "module" and not k.startswith("_")
    }
    for library in libraries:
        if library in modules:
            return modules[library]
    return libraries[0]


def tensors_in(ns: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(name, value) for each user variable that looks like a tensor (minigrad or torch)."""
    for key, value in list(ns.items()):
        if not key.startswith("_") and hasattr(value, "grad_fn") and hasattr(value, "shape"):
            yield key, value


def version_of(t: Any) -> int | None:
    """The tensor's version counter (bumped by each in-place change), minigrad or torch."""
    v = getattr(t, "_version", None)
    if isinstance(v, list):
        return int(v[0])
    return v if isinstance(v, int) else None


def same_storage(a: Any, b: Any) -> bool:
    """True if two minigrad tensors share a version counter or memory."""
    if getattr(a, "_version", None) is not None and a._version is getattr(b, "_version", None):
        return True
    try:
        import numpy as np

        return bool(np.shares_memory(a._data, b._data))
    except (AttributeError, TypeError):
        return False


def dims(shape: Any) -> str:
    """A shape as PyTorch's messages write it: `[2, 3]`."""
    return "[" + ", ".join(str(int(n)) for n in tuple(shape)) + "]"


def leaves(root: Any) -> list[Any]:
    """The leaf tensors (AccumulateGrad variables) that `root`'s graph reaches."""
    found = []
    for node in toposort([root]):
        variable = getattr(node, "variable", None)
        if variable is not None:
            found.append(variable)
    return found


def node_label(node: Any) -> str:
    """The node's name as PyTorch prints it, without C++ namespaces (`AccumulateGrad`)."""
    name = node.name() if callable(getattr(node, "name", None)) else type(node).__name__
    return str(name).rsplit("::", 1)[-1]


def graph_text(root: Any, highlight: Any = None, names: dict[int, str] | None = None) -> list[str]:
    """The graph as text, output first: one line per node, the highlighted one marked."""
    if root is None:
        return []
    order = list(reversed(toposort([root])))
    lines = []
    for node in order[:GRAPH_TEXT_LIMIT]:
        label = node_label(node)
        variable = getattr(node, "variable", None)
        if variable is not None and names and id(variable) in names:
            label += f" ({names[id(variable)]})"
        inputs = [node_label(c) for c, _ in node.next_functions if c is not None]
        text = f"{label} <- {', '.join(inputs)}" if inputs else label
        lines.append(text + (MARK if node is highlight else ""))
    if len(order) > GRAPH_TEXT_LIMIT:
        lines.append(f"... {len(order) - GRAPH_TEXT_LIMIT} more nodes")
    return lines


def replay(
    shell: Any,
    sites: Sequence[Site],
    last: Site | None,
    rewrites: dict[tuple[int, int], str] | None = None,
) -> str | None:
    """The user's lines that built a graph, in run order, then `last`: code to run them again.

    None when a line is not a whole statement of a cell (inside a loop or a function, or in a
    file): re-running it alone would not mean the same thing.

    Args:
        shell: the IPython shell (for cell order).
        sites: the lines to run, any order, duplicates allowed.
        last: the line that failed; it runs last.
        rewrites: replacement text for some lines, keyed by `Site.order`.
    """
    if last is None:
        return None
    chosen = {s.order: s for s in sites if s.order < last.order}
    new = rewrites or {}
    lines = []
    for order in sorted(chosen):
        s = chosen[order]
        if not s.top_level or s.order[0] < 0:
            return None
        lines.append(new.get(order, s.text))
    lines.append(new.get(last.order, last.text))
    return "\n".join(lines)


def cell_sites(shell: Any, pattern: str, before: Site | None) -> list[Site]:
    """Lines of the cells run so far that match regex `pattern`, up to `before` (excluded)."""
    found = []
    for filename in list(_cells(shell)):
        for lineno, text in enumerate(linecache.getlines(filename), start=1):
            if re.search(pattern, text):
                s = site(shell, filename, lineno)
                if s is not None and (before is None or s.order < before.order):
                    found.append(s)
    return found


def draw(tensors: list[Any], names: dict[str, Any], highlight: list[Any]) -> Any:
    """The graph drawing from `magics.draw` with `highlight` marked, or None if unavailable."""
    try:
        import magics

        drawer = getattr(magics, "draw", None)
        if drawer is None:
            return None
        graph = drawer(*tensors, names=names, highlight=highlight, view="backward")
        graph.svg()  # render now: a drawing that fails must not break the explanation later
        return graph
    except Exception:  # the drawing is optional: the explanation stands without it
        return None
