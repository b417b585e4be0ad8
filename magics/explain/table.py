"""Friendly explanations of autograd errors, shown under IPython's own traceback.

`EXPLANATIONS` is the table: one row per error kind, matched by minigrad's `err.kind` or, for
real PyTorch errors, by exception type and message regex (its named groups become facts).
A row's texts are templates filled with the facts its `facts` function finds (node, shapes,
versions, the user's variable names and lines); `fix_code` is code that fixes this very case.

Its neighbours in `magics/explain/`: `case.py` (the error's context), `facts.py` (one facts
function per row), `context.py` (lines, names, graph), `explanation.py` (HTML and text) and
`shell.py` (the IPython handler, the non-leaf `.grad` note and `%explain`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from magics.explain import facts
from magics.explain.case import Case
from magics.explain.context import (
    draw,
    graph_text,
    module_alias,
    node_label,
    node_site,
    tensors_in,
    user_site,
)
from magics.explain.explanation import Explanation
from minigrad.errors import MinigradError

T = r"(?:torch|minigrad)"  # PyTorch's messages say torch., minigrad's say minigrad.


@dataclass(frozen=True)
class Row:
    """One error kind: how to recognise it and what to say (templates over the facts)."""

    kind: str
    error: tuple[type[BaseException], ...]  # the builtin class(es) PyTorch raises
    pattern: str  # regex on the message; named groups become facts
    facts: Callable[[Case], dict[str, Any]]
    title: str
    what: str
    why: str
    fix: str
    wrong: str
    more: str = ""  # background that %explain adds


RE = (RuntimeError,)
EXPLANATIONS: tuple[Row, ...] = (
    Row(
        "nonscalar_backward",
        RE,
        r"grad can be implicitly created only for scalar outputs",
        facts.nonscalar,
        "backward() needs a scalar (one-number) output",
        "`{name}.backward()` was called on `{name}`, which holds {numel} numbers (shape {shape}), "
        "not one.",
        "backward() computes d(output)/d(leaves) and starts from d(output)/d(output) = 1, which "
        "only makes sense for one number. `{name}` (made by {node}) has {numel} numbers, so "
        "autograd would need a starting gradient for each of them, and it will not guess.",
        "Reduce `{name}` to one number first (usually your loss: sum or mean), or pass the "
        "starting gradient yourself, a tensor shaped like `{name}`:",
        "Adding retain_graph=True or create_graph=True changes nothing here, and downgrading "
        "PyTorch does not help: every version needs a scalar or an explicit gradient. "
        "`{name}.backward({mod}.tensor(1.0))` fails too: the gradient must have `{name}`'s shape.",
        "`{name}.sum().backward()` and `{name}.backward({mod}.ones_like({name}))` fill the same "
        ".grad: the backward of sum sends a gradient of 1 to every element. `.mean()` instead "
        "divides each gradient by {numel}.",
    ),
    Row(
        "backward_twice",
        RE,
        r"Trying to backward through the graph a second time",
        facts.backward_twice,
        "backward through the same graph a second time",
        "backward() ran through a graph that an earlier backward() already used and freed.",
        "To save memory, backward() frees the values each node saved for its gradient as soon as "
        "it has used them. {node} in the graph of `{name}` lost its saved values in the first "
        "backward(), so a second backward() through it cannot run.",
        "Compute the forward pass again before each backward(): each pass builds a fresh graph "
        "(in a training loop, compute everything from the parameters inside the loop):",
        "Blindly adding retain_graph=True: the error goes away, but the whole graph stays in "
        "memory, backward() adds the same gradients into .grad again (they double unless you "
        "zero them), and if the parameters changed since the graph was built, the gradients use "
        "stale values. It is right only when you really need two backward passes through one "
        "graph (e.g. two losses sharing a part), and then only on the first backward().",
        "Nodes that save values: Mul saves its inputs, Exp and Tanh their result, Sum nothing.",
    ),
    Row(
        "modified_saved",
        RE,
        r"modified by an inplace operation: \[" + T + r"\.(?P<dtype>\w+) \[(?P<shape>[\d, ]*)\]\]"
        r"(?:, which is output \d+ of (?P<producer>\w+))?, is at version (?P<version>\d+); "
        r"expected version (?P<expected>\d+) instead",
        facts.modified_saved,
        "a tensor saved for backward was changed in place",
        "`{name}` (shape {shape}) was changed in place after {saver} saved it for its gradient, "
        "so backward() cannot compute that gradient.",
        "Every tensor has a version counter that each in-place change bumps. {saver} saved "
        "`{name}` at version {expected}; `{name}` is now at version {version} (changed by "
        "`{inplace}`). Its gradient formula needs the old values, which are gone.",
        "Do not change a tensor the graph still needs: make a new tensor instead (`y = y + 1` "
        "rather than `y += 1` or `y.add_(1)`), or change a copy (`.clone()`):",
        "Doing the change under `with {mod}.no_grad():` or on `{name}.data` only hides it from "
        "the version counter: backward() then uses the new values and silently gives wrong "
        "gradients. retain_graph=True and downgrading PyTorch do not help either.",
        "`{mod}.autograd.set_detect_anomaly(True)` makes the error also show the forward line of "
        "the node that failed. {name} was produced by {producer}.",
    ),
    Row(
        "inplace_leaf",
        RE,
        r"^a leaf Variable that requires grad is being used in an in-place",
        facts.inplace_leaf,
        "in-place change of a leaf that requires grad",
        "`{name}` is a leaf tensor (you made it, no op did) with requires_grad=True, and this "
        "line changes it in place.",
        "autograd computes gradients with respect to leaves like `{name}`; every node that used "
        "`{name}` needs its values exactly as they were. Changing a leaf in place while it is "
        "being recorded would make those gradients meaningless, so autograd refuses.",
        "If this updates a parameter (a gradient descent step), do it outside the graph, under "
        "no_grad. If you want a new value in the graph, make a new tensor "
        "(`{name}2 = {name} + 1`):",
        "Setting `{name}.requires_grad = False` first: the error goes away, and so does every "
        "gradient for `{name}`. Changing `{name}.data` is not tracked at all: gradients already "
        "recorded through `{name}` silently use the new values.",
    ),
    Row(
        "inplace_leaf_view",
        RE,
        r"^a view of a leaf Variable that requires grad is being used in an in-place",
        facts.inplace_leaf,
        "in-place change of a view of a leaf that requires grad",
        "This line changes part of `{base}` in place (through a view such as `{base}[0]`), and "
        "`{base}` is a leaf that requires grad.",
        "A view shares memory with its base, so changing the view changes the leaf `{base}`, "
        "which every node that used it needs unchanged.",
        "If this updates a parameter, do it under no_grad; otherwise build a new tensor (for "
        "example with `{mod}.where` or `{mod}.cat`):",
        "`{base}.data[...] = ...` hides the change from autograd: gradients already recorded "
        "through `{base}` silently use the new values. `.requires_grad = False` drops its "
        "gradient.",
    ),
    Row(
        "requires_grad_int",
        RE,
        r"(?i)^only Tensors of floating point (?:and complex )?dtype can require gradients",
        facts.requires_grad_int,
        "only floating point tensors can require gradients",
        "A tensor of {dtype} was asked to require grad.",
        "A gradient is a rate of change, and integers cannot change by a small amount, so an "
        "integer tensor cannot have one. `{mod}.tensor([1, 2, 3])` is int64 because all the "
        "numbers are written as integers.",
        "Make the tensor floating point: pass dtype={mod}.float32, write the numbers as floats "
        "(1.0), or convert with .float():",
        "Converting after the fact (`.float()` on a result) does not give the integer tensor a "
        "gradient, and downgrading PyTorch does not help: no version allows it.",
    ),
    Row(
        "requires_grad_nonleaf",
        RE,
        r"you can only change requires_grad flags of leaf variables",
        facts.requires_grad_nonleaf,
        "requires_grad can only be changed on leaf tensors",
        "This line turns off requires_grad on `{name}`, which was computed by {node}.",
        "`{name}` is not a leaf: its grad_fn {node} links it to its inputs in the graph, and "
        "whether it requires grad follows from them. The flag cannot be switched off.",
        "To use `{name}`'s values without their history, detach it (same data, no graph):",
        "`{name}.requires_grad_(False)` is the same operation and fails the same way; wrapping "
        "later code in no_grad() does not change `{name}` itself.",
    ),
    Row(
        "no_grad_fn",
        RE,
        r"element (?P<index>\d+) of tensors does not require grad and does not have a grad_fn",
        facts.no_grad_fn,
        "backward() on a tensor that has no graph",
        "`{name}.backward()` was called, but `{name}` does not require grad and has no grad_fn: "
        "no graph was recorded for it.",
        "No graph, because {cause}. autograd records operations only on tensors that require "
        "grad, and only while grad mode is on.",
        "Record the graph: compute `{name}` with grad mode on, from leaves that require grad, "
        "without .detach():",
        "Setting `{name}.requires_grad = True` afterwards: backward() then runs, but `{name}` "
        "is a new leaf with no link to its inputs, so they get no gradient.",
    ),
    Row(
        "gradient_shape",
        RE,
        r"Mismatch in shape: grad_output\[\d+\] has a shape of " + T + r"\.Size\(\[(?P<gshape>"
        r"[\d, ]*)\]\) and output\[\d+\] has a shape of " + T + r"\.Size\(\[(?P<oshape>[\d, ]*)",
        facts.gradient_shape,
        "the gradient passed to backward() has the wrong shape",
        "`{name}.backward(gradient)` got a gradient of shape [{gshape}] for an output of shape "
        "[{oshape}].",
        "The gradient argument is d(result)/d({name}): one number per element of `{name}` "
        "(made by {node}), so it must have exactly `{name}`'s shape. It is never broadcast.",
        "Pass a gradient shaped like `{name}` (ones give the gradient of the sum):",
        "A scalar such as {mod}.tensor(1.0) or {mod}.ones(1) fails the same way, and reshaping "
        "a wrongly sized gradient gives the right shape with meaningless numbers.",
    ),
    Row(
        "matmul_shape",
        RE,
        r"mat1 and mat2 shapes cannot be multiplied \((?P<sa>\d+x\d+) and (?P<sb>\d+x\d+)\)"
        r"|size mismatch, got input|inconsistent tensor size, expected tensor"
        r"|Expected size for first two dimensions of batch2|(?:self|mat2) must be a matrix",
        facts.matmul_shape,
        "matrix product with mismatched sizes",
        "{a} ({a_shape}) and {b} ({b_shape}) cannot be matrix-multiplied ({shapes}).",
        "In A @ B the number of columns of A must equal the number of rows of B: (n x k) @ "
        "(k x m) gives (n x m). Here the inner sizes differ, so no {node} node could be made.",
        "Transpose the operand that is the wrong way round (.T), or check which shape you meant "
        "(nn.Linear stores its weight as out x in and computes x @ W.T):",
        "Forcing the sizes with .reshape() or .view(): it keeps the numbers in memory order, so "
        "rows and columns get mixed up and the result is silently wrong.",
    ),
    Row(
        "broadcast",
        RE,
        r"The size of tensor a \((?P<sa>\d+)\) must match the size of tensor b \((?P<sb>\d+)\) "
        r"at non-singleton dimension (?P<dim>\d+)",
        facts.broadcast,
        "shapes that cannot broadcast",
        "{a} has shape {a_shape} and {b} has shape {b_shape}: lined up from the right, "
        "dimension {dim} has sizes {sa} and {sb}.",
        "Elementwise ops line shapes up from the right; each pair of sizes must be equal or one "
        "of them 1 (that one is repeated). Sizes {sa} and {sb} are neither, so no {node} node "
        "could be made.",
        "Give the smaller tensor a size-1 dimension where it should be repeated ({reshaped}):",
        "Reshaping or .expand()-ing one tensor to the other's shape when its numbers do not "
        "belong there: the shapes fit but the wrong numbers get paired. .T on one side changes "
        "which axis means what.",
    ),
    Row(
        "numpy_requires_grad",
        RE,
        r"Can't call numpy\(\) on Tensor that requires grad",
        facts.numpy_requires_grad,
        ".numpy() on a tensor that requires grad",
        "`{name}.numpy()` was called, and `{name}` requires grad.",
        "A numpy array shares the tensor's memory but records nothing: work done on it is "
        "invisible to autograd. So you must say that you leave the graph, with .detach().",
        "Detach first (same memory, no graph):",
        "`{name}.requires_grad = False` fails when `{name}` was computed by an op, and on a "
        "leaf it stops every gradient for `{name}`.",
    ),
    Row(
        "item_multi",
        (RuntimeError, ValueError),
        r"a Tensor with (?P<count>\d+) elements cannot be converted to Scalar"
        r"|only one element tensors can be converted to Python scalars",
        facts.item_multi,
        ".item() needs a one-element tensor",
        "`{name}` has {numel} elements (shape {shape}); .item(), float() and int() turn exactly "
        "one element into a Python number.",
        "There is no single number to return.",
        "Get all values as a Python list with .tolist(), pick one (`{name}[0].item()`), or "
        "reduce first (`{name}.sum().item()`):",
        "float({name}) fails the same way; {name}.numpy()[0] hides which element you meant "
        "(and fails if {name} requires grad).",
    ),
    Row(
        "nonleaf_grad",
        (UserWarning,),
        r"The \.grad attribute of a Tensor that is not a leaf Tensor is being accessed",
        facts.nonleaf_grad,
        ".grad of a non-leaf tensor is not kept",
        "`{name}.grad` was read, but `{name}` is not a leaf (it was computed by {node}), so its "
        ".grad is None.",
        "backward() stores gradients only in leaves (tensors you created with "
        "requires_grad=True: here {leaves}). Gradients of intermediate tensors such as "
        "d(result)/d({name}) flow through the graph and are then dropped.",
        "Read the leaf's gradient instead, or call `{name}.retain_grad()` before backward() to "
        "keep `{name}.grad`:",
        "Setting `{name}.requires_grad = True`: it already requires grad; that is not why its "
        ".grad is None.",
    ),
)

DEFAULTS = {
    "name": "the tensor",
    "node": "its node",
    "saver": "a node",
    "leaves": "none here",
    "a": "tensor a",
    "b": "tensor b",
    "reshaped": "for example `b.unsqueeze(-1)` turns shape [n] into [n, 1]",
}


class _Fields(dict):  # type: ignore[type-arg]
    """Template fields; a fact that could not be found reads as a neutral phrase."""

    def __missing__(self, key: str) -> str:
        return DEFAULTS.get(key, "?")


def match(error: BaseException) -> tuple[Row | None, dict[str, str]]:
    """The row for `error` (by minigrad's `kind`, else by type and message) and its groups."""
    kind, message = getattr(error, "kind", None), str(error)
    for row in EXPLANATIONS:
        found = re.search(row.pattern, message)
        if kind == row.kind or (isinstance(error, row.error) and found):
            groups = found.groupdict() if found else {}
            return row, {k: v for k, v in groups.items() if v is not None}
    return None, {}


def explain(shell: Any, error: BaseException, tb: Any, at: Any = None) -> Explanation | None:
    """The explanation of `error` raised in `shell` (None if no row matches it).

    Args:
        shell: the IPython shell (its user namespace and cell sources).
        error: the exception (or a warning's message object).
        tb: its traceback, or None.
        at: the user's `Site` that raised, when there is no traceback (warnings).
    """
    row, groups = match(error)
    if row is None:
        return None
    ns = shell.user_ns
    ours = isinstance(error, MinigradError)
    mod = module_alias(ns, ("minigrad",) if ours else ("torch", "minigrad"))
    line = at or user_site(shell, tb)
    case = Case(shell, error, tb, groups, ns, line, mod)
    found = row.facts(case)
    fields = _Fields(groups, mod=case.mod, line=case.text)
    fields.update((k, v) for k, v in found.items() if not k.startswith("_") and v is not None)
    return _assemble(row, fields, found, case, error)


def _assemble(
    row: Row, fields: _Fields, found: dict[str, Any], case: Any, error: Any
) -> Explanation:
    """Fill the row's templates and gather where, graph and details."""
    node, tensor = found.get("_node"), found.get("_tensor")
    said = "warned" if issubclass(row.error[0], Warning) else "raised"
    where = [(f"{said} in {case.line.label}", case.line.text)] if case.line else []
    created = node_site(case.shell, node) if node is not None else None
    extra = [(f"{label} in {s.label}", s.text) for label, s in found.get("_sites", []) if s]
    if created and (not case.line or created.order != case.line.order):
        extra.insert(0, (f"{fields['node']} created in {created.label}", created.text))
    where += [w for w in dict.fromkeys(extra) if w not in where]
    named = dict(tensors_in(case.ns))
    root = getattr(tensor, "grad_fn", None) or node
    ids = {id(t): n for n, t in named.items()}
    graph = None
    if getattr(tensor, "grad_fn", None) is not None:
        graph = draw([tensor], named, [node] if node is not None else [tensor])
    details = [("error", f"{type(error).__name__}: {error}"), ("kind", row.kind)]
    details += [(k, str(v)) for k, v in sorted(fields.items())]
    rule = getattr(getattr(node, "op", None), "rule", "")
    if rule:
        details.append((f"{fields['node']} backward rule", rule))
    if row.more:
        details.append(("background", row.more.format_map(fields)))
    return Explanation(
        kind=row.kind,
        title=row.title,
        message=str(error).splitlines()[0] if str(error) else "",
        what=row.what.format_map(fields),
        why=row.why.format_map(fields),
        where=where,
        fix=_fix_words(row.fix.format_map(fields), fields.get("fix_code")),
        fix_code=fields.get("fix_code"),
        wrong=row.wrong.format_map(fields),
        node=node_label(node) if node is not None else None,
        graph=graph,
        graph_lines=graph_text(root, node, ids),
        details=details,
        note=issubclass(row.error[0], Warning),
    )


def _fix_words(text: str, code: str | None) -> str:
    """The fix in words; it ends with a colon only when code for this case follows."""
    return text if code or not text.endswith(":") else text[:-1] + "."


__all__ = ["EXPLANATIONS", "Row", "explain", "match"]
