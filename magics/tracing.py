"""Run a cell while recording its ops, and describe each op as one table row (`%%trace`).

`run_cell(shell, cell)` executes the cell in the user namespace (IPython syntax such as `%magic`
lines is transformed first; the last expression's value is returned, not printed) inside
`minigrad.graph.recording()`, and never raises: a failure is returned in `Run.error`.
`rows(run)` turns the recorded nodes into `TraceRow`s. Plain data only, no display.
"""

from __future__ import annotations

import ast
import linecache
import os
from dataclasses import dataclass, field
from typing import Any

from magics.stepping import short_name
from minigrad.dispatch import OpDef
from minigrad.graph import recording
from minigrad.node import AccumulateGrad
from minigrad.tensor import Tensor


@dataclass
class Run:
    """What running one cell produced: its nodes, names, last value and error (if any)."""

    filename: str
    nodes: list[Any]  # every node created by the cell, in creation order
    assigned: list[str]  # names the cell stores to, in source order
    loaded: list[str]  # names the cell reads, in source order
    value: Any = None  # the value of the cell's last expression (None if it ends in a statement)
    cells: dict[str, int] = field(default_factory=dict)  # IPython's cell filename -> In[n]
    error: BaseException | None = None


@dataclass
class TraceRow:
    """One op the cell ran: where, what, input shapes -> output shape, and its grad_fn."""

    index: int
    line: str  # "3" for line 3 of the cell, "other.py:12" for code outside it
    source: str  # the source line, stripped
    op: str  # the op-table row name (`mul`), or the node name for custom Functions
    inputs: list[str] = field(default_factory=list)  # "[2, 3]" for tensors, repr for numbers
    output: str = "?"
    grad_fn: str = ""
    failed: bool = False  # the op that raised (recorded from the error, it made no node)


def _names(tree: ast.AST) -> tuple[list[str], list[str]]:
    """The names the code stores to and reads, each once, in source order."""
    assigned: list[str] = []
    loaded: list[str] = []
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Name)]
    for node in sorted(found, key=lambda n: (n.lineno, n.col_offset)):
        target = assigned if isinstance(node.ctx, ast.Store) else loaded
        if node.id not in target:
            target.append(node.id)
    return assigned, loaded


def run_cell(shell: Any, cell: str) -> Run:
    """Execute `cell` in the user namespace, recording every node it creates.

    Args:
        shell: the `InteractiveShell`.
        cell: the cell's source (IPython syntax allowed).
    """
    __tracebackhide__ = True  # IPython hides this frame in the user's traceback
    transformed = shell.transform_cell(cell)
    filename = shell.compile.cache(transformed, shell.execution_count, raw_code=cell)
    try:
        tree = ast.parse(transformed, filename)
    except SyntaxError as exc:
        raise exc.with_traceback(None) from None  # the user's error: no frames of ours
    assigned, loaded = _names(tree)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    run = Run(filename, [], assigned, loaded)
    run.cells = dict(getattr(shell.compile, "_filename_map", {}))
    ns = shell.user_ns
    with recording() as log:
        try:
            exec(shell.compile(ast.Module(tree.body, []), filename, "exec"), ns)
            if last is not None:
                code = shell.compile(ast.Expression(last.value), filename, "eval")
                run.value = eval(code, ns)
        except BaseException as exc:  # reported to the caller, who re-raises it
            run.error = exc
    run.nodes = log
    return run


def _shape(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None:
        return "[" + ", ".join(str(n) for n in shape) + "]"
    return repr(value)


def _where(site: Any, filename: str, cells: dict[str, int]) -> tuple[str, str]:
    """("line", "source") for a node's creation site: "3", "In[2]:3" or "file.py:3"."""
    if not site:
        return "", ""
    file, lineno = site
    source = linecache.getline(file, lineno).strip()
    if file == filename:
        return str(lineno), source
    if file in cells:  # another cell, named as IPython's tracebacks name it
        return f"In[{cells[file]}]:{lineno}", source
    return f"{os.path.basename(file)}:{lineno}", source


def _output_shapes(nodes: list[Any]) -> dict[int, str]:
    """Each node's output shape: from its live output, else from a consumer's saved input."""
    shapes: dict[int, str] = {}
    for node in nodes:
        for (child, _), inp in zip(node.next_functions, getattr(node, "_inputs", ())):
            if child is not None and hasattr(inp, "shape"):
                shapes.setdefault(id(child), _shape(inp))
    for node in nodes:
        out = node._out_ref() if node._out_ref is not None else None
        if out is not None:
            shapes[id(node)] = _shape(out)
    return shapes


def rows(run: Run) -> list[TraceRow]:
    """One row per op node the cell created, in creation order (leaves' nodes are skipped)."""
    ops = [n for n in run.nodes if not isinstance(n, AccumulateGrad)]
    shapes = _output_shapes(ops)
    found: list[TraceRow] = []
    for node in ops:
        line, source = _where(node._site, run.filename, run.cells)
        op = getattr(node, "op", None)
        inputs = [_shape(v) for v in getattr(node, "_inputs", ())]
        name = short_name(node)
        row = TraceRow(len(found), line, source, op.name if op is not None else name)
        row.inputs, row.output, row.grad_fn = inputs, shapes.get(id(node), "?"), name
        found.append(row)
    return found


def failing_call(run: Run) -> tuple[int | None, Any, tuple[Any, ...]]:
    """Where the cell failed: its line, and the outermost op-table row running with its args."""
    lineno, row_def, args = None, None, ()
    tb = run.error.__traceback__ if run.error is not None else None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename == run.filename:
            lineno = tb.tb_lineno
        if row_def is None and isinstance(frame.f_locals.get("self"), OpDef):
            row_def, args = frame.f_locals["self"], tuple(frame.f_locals.get("args", ()))
        tb = tb.tb_next
    return lineno, row_def, args


def failed_row(run: Run, index: int) -> TraceRow | None:
    """The row for the op that raised (from the error's `.op`/`.shapes` and the traceback)."""
    if run.error is None:
        return None
    lineno, row_def, args = failing_call(run)
    line, source = _where((run.filename, lineno) if lineno else None, run.filename, run.cells)
    op = getattr(run.error, "op", None) or (row_def.name if row_def is not None else "?")
    shapes = getattr(run.error, "shapes", None) or [a.shape for a in args if hasattr(a, "shape")]
    inputs = ["[" + ", ".join(str(n) for n in s) + "]" for s in shapes]
    row = TraceRow(index, line, source, str(op), inputs, "error")
    row.grad_fn, row.failed = error_line(run.error), True
    return row


def error_line(error: BaseException) -> str:
    """`RuntimeError: message` (the builtin PyTorch would raise, not minigrad's subclass)."""
    kind = next(c for c in type(error).__mro__ if c.__module__ == "builtins")
    text = str(error).splitlines()
    return f"{kind.__name__}: {text[0] if text else ''}"


def named_tensors(run: Run, ns: dict[str, Any]) -> dict[str, Tensor]:
    """The cell's variable names for drawing: tensors it assigned, and grad leaves it read."""
    named: dict[str, Tensor] = {}
    for name in run.assigned:
        if isinstance(ns.get(name), Tensor):
            named[name] = ns[name]
    for name in run.loaded:
        value = ns.get(name)
        if name in named or name.startswith("_") or not isinstance(value, Tensor):
            continue
        if value.requires_grad:
            named[name] = value
    return named


def final_tensor(run: Run, ns: dict[str, Any]) -> Tensor | None:
    """The cell's final tensor: its last expression's value, else the last tensor it assigned."""
    if isinstance(run.value, Tensor):
        return run.value
    for name in reversed(run.assigned):
        if isinstance(ns.get(name), Tensor):
            return ns[name]
    return None
