"""The magics: `%%trace`, `%backward` and `%minigrad`, thin adapters over plain functions.

Each magic parses its options with IPython's `magic_arguments` (so `%%trace?` documents it),
calls the plain logic in `tracing`, `stepping` and `magics.draw`, and returns a result that
displays itself. Bad input (an unknown option, an empty cell, an EXPR that is not a tensor)
is a one-line `UsageError`; errors from the user's own code propagate unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from magics import display as card
from magics import tracing
from magics.draw import dag as drawing
from magics.draw.annotate import annotated, frames
from magics.results import BackwardResult, TraceResult
from magics.stepping import backward_steps
from magics.widgets import BackwardStepper
from minigrad.engine import root_node
from minigrad.function import AccumulateGrad
from minigrad.graph import toposort
from minigrad.tensor import Tensor


def draw_graph(named: dict[str, Tensor], roots: list[Tensor], **options: Any) -> Any:
    """`magics.draw(*roots)`, labelled with the user's variable names; None with no roots."""
    if not roots:
        return None
    return drawing.draw(*roots, names=named, **options)


def graph_names(order: list[Any], ns: dict[str, Any]) -> dict[str, Tensor]:
    """The user's variables that hold a tensor of the graph (`order`): leaves and results."""
    leaves = {id(n.variable) for n in order if isinstance(n, AccumulateGrad)}
    nodes = {id(n) for n in order}
    named: dict[str, Tensor] = {}
    for name, value in ns.items():
        if name.startswith("_") or not isinstance(value, Tensor):
            continue
        if id(value) in leaves or (value.grad_fn is not None and id(value.grad_fn) in nodes):
            named[name] = value
    return named


def leaf_labels(order: list[Any], named: dict[str, Tensor]) -> dict[int, str]:
    """Labels for the leaves' AccumulateGrad nodes: the first variable name holding the leaf."""
    accs = {id(n.variable): n for n in order if isinstance(n, AccumulateGrad)}
    labels: dict[int, str] = {}
    for name, value in named.items():
        if id(value) in accs:
            labels.setdefault(id(accs[id(value)]), name)
    return labels


def _evaluate(shell: Any, expr: str, what: str) -> Tensor:
    """Evaluate `expr` in the user namespace; a UsageError unless it gives a Tensor."""
    try:
        value = shell.ev(expr)
    except Exception as exc:  # noqa: BLE001 - any failure is the user's expression's
        raise UsageError(f"{what}: cannot evaluate {expr!r}: {type(exc).__name__}: {exc}") from None
    if not isinstance(value, Tensor):
        raise UsageError(f"{what}: {expr!r} is a {type(value).__name__}, not a minigrad Tensor")
    return value


@magics_class
class MinigradMagics(Magics):
    """minigrad's magics: `%%trace`, `%backward`, `%minigrad`."""

    @property
    def ns(self) -> dict[str, Any]:
        """The user namespace."""
        shell: Any = self.shell
        return shell.user_ns

    @magic_arguments()
    @argument("--backward", action="store_true", help="Call backward() on the cell's final tensor.")
    @argument(
        "--view", choices=["forward", "backward"], default="forward", help="Which graph to draw."
    )
    @argument("--no-values", action="store_true", help="Leave tensor values out of the graph.")
    @argument("--max-nodes", type=int, default=200, metavar="N", help="Draw at most N nodes.")
    @argument("--limit", type=int, default=50, metavar="N", help="List at most N ops.")
    @argument("-o", dest="name", metavar="NAME", help="Store the TraceResult in variable NAME.")
    @cell_magic
    def trace(self, line: str, cell: str) -> TraceResult | None:
        """Run the cell, then draw the graph it built and list its ops in order."""
        __tracebackhide__ = True
        args = parse_argstring(self.trace, line)
        if not cell.strip():
            raise UsageError("%%trace: the cell is empty; put the code to trace below %%trace")
        for option, value in (("--max-nodes", args.max_nodes), ("--limit", args.limit)):
            if value < 1:
                raise UsageError(f"%%trace: {option} must be at least 1, not {value}")
        run = tracing.run_cell(self.shell, cell)
        if run.value is not None and run.error is None:
            display(run.value)
        result = self._trace_result(run, args)
        if args.name:
            self.ns[args.name] = result
        if run.error is not None:
            display(result)
            error, run.error = run.error, None
            raise error
        return result

    def _trace_result(self, run: tracing.Run, args: Any) -> TraceResult:
        ns = self.ns
        rows = tracing.rows(run)
        failed = tracing.failed_row(run, len(rows))
        named = tracing.named_tensors(run, ns)
        grads: dict[str, np.ndarray] = {}
        final = tracing.final_tensor(run, ns) if run.error is None else None
        if args.backward and run.error is None:
            grads = self._backward_of(final, named)
        sinks = _sinks(run.nodes) or list(named.values())
        highlight = _failed_inputs(run, failed) if failed else None
        options = {"values": not args.no_values, "grads": args.backward, "highlight": highlight}
        graph = draw_graph(named, sinks, view=args.view, max_nodes=args.max_nodes, **options)
        result = TraceResult(rows + ([failed] if failed else []), graph, list(named), grads)
        result.error = failed.grad_fn if failed else None
        result.limit = args.limit
        return result

    def _backward_of(self, final: Tensor | None, named: dict[str, Tensor]) -> dict[str, Any]:
        if final is None:
            raise UsageError("%%trace --backward: the cell made no tensor to call backward() on")
        if final.ndim != 0:
            shape = list(final.shape)
            raise UsageError(
                f"%%trace --backward: the final tensor has shape {shape}, not a scalar"
            )
        final.backward()
        return {
            n: np.array(t._grad._data, copy=True)
            for n, t in named.items()
            if t.is_leaf and t._grad is not None
        }

    @magic_arguments()
    @argument("expr", nargs="+", help="A tensor expression, e.g. loss (quote it if it has spaces).")
    @argument("--retain-graph", action="store_true", help="Keep the graph for another backward.")
    @argument(
        "--gradient", nargs="+", metavar="EXPR", help="The output's gradient (non-scalar EXPR)."
    )
    @argument("--step", action="store_true", help="Step through backward with a widget.")
    @argument("-o", dest="name", metavar="NAME", help="Store the BackwardResult in variable NAME.")
    @line_magic
    def backward(self, line: str) -> BackwardResult:
        """Run backward on EXPR; show each edge's gradient and every leaf's .grad."""
        __tracebackhide__ = True
        args = parse_argstring(self.backward, line)
        expr = " ".join(args.expr)
        t = _evaluate(self.shell, expr, "%backward")
        gradient = (
            _evaluate(self.shell, " ".join(args.gradient), "%backward --gradient")
            if args.gradient
            else None
        )
        result = backward_result(t, gradient, args.retain_graph, self.ns, args.step)
        if args.name:
            self.ns[args.name] = result
        return result

    @magic_arguments()
    @argument("setting", choices=["display"], help="What to set.")
    @argument("value", choices=list(card.MODES), help="card: the HTML card; plain: repr only.")
    @line_magic
    def minigrad(self, line: str) -> None:
        """Settings: `%minigrad display plain|card` turns the tensor card off or on."""
        args = parse_argstring(self.minigrad, line)
        card.set_display(args.value)


def backward_result(
    t: Tensor, gradient: Tensor | None, retain_graph: bool, ns: dict[str, Any], step: bool = False
) -> BackwardResult:
    """Dry-run backward step by step, then run the real `t.backward()` once; collect the result.

    Args:
        t: the output tensor.
        gradient: its gradient (None for a scalar).
        retain_graph: keep the graph for another backward.
        ns: the user namespace, for variable names.
        step: also build the step-through widget.
    """
    __tracebackhide__ = True
    if (
        not t.requires_grad
        or (gradient is None and t.numel() != 1)
        or (gradient is not None and tuple(gradient.shape) != tuple(t.shape))
    ):
        t.backward(gradient)  # raises PyTorch's own error, before any dry run
    order = toposort([root_node(t)])
    named = graph_names(order, ns)
    labels = leaf_labels(order, named)
    steps, order = backward_steps(t, gradient, labels)
    t.backward(gradient, retain_graph=retain_graph)
    grads = _final_grads(order, labels)
    graph = annotated(draw_graph(named, [t], view="backward", grads=True), steps)
    widget = _stepper(steps, grads, named, t, graph) if step else None
    return BackwardResult(steps, grads, graph, widget)


def _final_grads(order: list[Any], labels: dict[int, str]) -> dict[str, np.ndarray]:
    """Every leaf's `.grad` after backward, labelled, in walk order."""
    grads: dict[str, np.ndarray] = {}
    for k, node in enumerate(order):
        if isinstance(node, AccumulateGrad) and node.variable._grad is not None:
            label = labels.get(id(node), f"n{k}")
            grads[label] = np.array(node.variable._grad._data, copy=True)
    return grads


def _stepper(
    steps: list[Any], grads: dict[str, Any], named: dict[str, Tensor], t: Tensor, final: Any
) -> Any:
    """The step-through widget: one drawing per step (the node highlighted), then `final`."""
    base = draw_graph(named, [t], view="backward", grads=False)
    pictures = [*frames(base, steps), final] if base is not None else []
    return BackwardStepper(steps, grads, pictures, render=lambda g: g.svg())


def _sinks(nodes: list[Any]) -> list[Tensor]:
    """Output tensors of the recorded nodes no other recorded node consumes (still alive)."""
    used = {id(c) for n in nodes for c, _ in n.next_functions if c is not None}
    found = []
    for node in nodes:
        out = node._out_ref() if node._out_ref is not None else None
        if id(node) not in used and out is not None:
            found.append(out)
    return found


def _failed_inputs(run: tracing.Run, failed: Any) -> list[Any]:
    """What to highlight when the cell raised: the failing op's input tensors if known, else
    the nodes made on the failing line, else the last node made."""
    _, _, args = tracing.failing_call(run)
    tensors = [a for a in args if isinstance(a, Tensor)]
    if tensors:
        return tensors
    ops = [n for n in run.nodes if not isinstance(n, AccumulateGrad)]
    on_line = [
        n for n in ops if n._site and n._site[0] == run.filename and str(n._site[1]) == failed.line
    ]
    return on_line or ops[-1:]
