"""Under create_graph, each rule records the nodes PyTorch's derivative formula records.

For every expression: the first gradients (with a gradient that itself requires grad) and the
gradients of their squares, compared with torch: the graph's node names three levels deep,
`next_functions` order included, the order the backward passes recorded the nodes in (which
decides the order a later backward sums a tensor's gradients in: AddBackward0's inputs), and
the values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import minigrad
from minigrad import graph

EXPRESSIONS = [
    "x.cos()", "x.sin()", "x.abs()", "x.reciprocal()", "x.pow(2)", "x.pow(3)", "x.pow(0.5)",
    "x ** y", "y ** x", "2 ** x", "x.abs() ** y", "x.sqrt()", "x.exp()", "x.log()",
    "x.tanh()", "x.sigmoid()", "x.relu()", "2 - x", "x - y", "torch.sub(x, y, alpha=2)",
    "torch.add(x, y, alpha=2)", "x.max()", "x.min()", "x[0].max()", "x.max(0)[0]",
    "x.max(1, keepdim=True)[0]", "x.min(-1)[0]", "torch.maximum(x, y)", "torch.minimum(x, y)",
    "torch.maximum(x, b)", "x.clamp(-0.5, 0.5)", "x.clamp(min=0.1)", "x.clamp(max=0.1)",
    "torch.where(x > 0, x, y)", "x.mean()", "x.mean(-1)", "x.mean((0, 1))", "x.sum(0)",
    "x.sum(1, keepdim=True)", "x + b", "x * b", "x @ m", "m.t() @ x.t()", "m.t().mm(x.t())",
    "x[0] @ m", "x @ m[:, 0]", "torch.nn.functional.linear(x, m.t(), b[0, :2])", "x[0]",
    "x[:, :1]", "x[0, 1:]", "x.squeeze()", "x[0:1].squeeze(0)", "x.unsqueeze(1)", "x.t()",
    "x.reshape(-1)", "x / y", "y / x", "2 / x", "x / 2", "x * 2", "s * x", "s.max(0)[0] * x",
    "x.neg()", "b.t().expand(3, 1).t() @ m", "x @ b.expand(1, 3).t()",
    "torch.clamp_min(x, 0.1)", "torch.clamp_max(x, 0.1)", "x.relu().relu()",
    # a tensor used two or three times: its gradients are summed in torch's order
    "x * x", "x + x", "x * x * y", "x * y * x * y", "(x * y).exp() * x", "x.sin() + x.cos() * x",
    "x / x", "x ** x", "(x * y) / (x + y)", "(x ** y) * (y ** x)", "x.exp() * x.exp()",
    "x.reciprocal() * x", "x.sqrt().log()", "x.tanh() * x", "x.sigmoid() * x", "x.relu() * x",
    "x.mean() * x", "(x * y).sum() * x", "x.max() * x", "torch.clamp(x, -0.5, 0.5) * x",
    "torch.maximum(x, y) * x", "torch.where(x > 0, x * y, y * x)", "torch.sub(x * y, x, alpha=2)",
    "x * b + b * x", "s * x * s", "x @ m @ m.t() @ x.t()", "x.t().mm(x * y)",
    "torch.dot(x[0], y[0] * x[0])", "torch.mv(x, x[0] * y[0])", "torch.stack([x, x * y, y])",
    "torch.bmm(x.unsqueeze(0), y.t().unsqueeze(0))",
    "torch.nn.functional.linear(x, m.t() * 2, b[0, :2])",
]  # fmt: skip


def _chain(fn: Any, depth: int) -> Any:
    if fn is None:
        return None
    if depth == 0:
        return fn.name()
    return (fn.name(), [_chain(f, depth - 1) for f, _ in fn.next_functions])


def _recorded(grads: Any, after: int) -> list[Any]:
    """The nodes made by the backward passes (numbered after `after`), in walk order: the rank of
    each in the order they were made (an AccumulateGrad or an older node: None)."""
    made = graph.toposort([g.grad_fn for g in grads if g is not None])
    numbers = sorted(n._sequence_nr() for n in made if not _accumulator(n))
    rank = {n: i for i, n in enumerate(q for q in numbers if q > after)}
    return [None if _accumulator(n) else rank.get(n._sequence_nr()) for n in made]


def _accumulator(node: Any) -> bool:
    return bool(node.name().endswith("AccumulateGrad"))  # torch numbers it 2**64 - 1


def _values(grads: Any) -> list[Any]:
    # force: torch's gradient of sgn is a ZeroTensor, which numpy() refuses without it
    return [None if g is None else g.detach().numpy(force=True).astype(np.float64) for g in grads]


def _evaluated(lib: Any, expression: str) -> tuple[Any, tuple[Any, ...]]:
    """`expression` of the float64 leaves x, y, b, m, s (all requiring grad), and the leaves."""
    f64 = lib.float64
    x = lib.tensor([[0.5, -1.25, 2.0], [1.5, 0.25, -0.75]], dtype=f64, requires_grad=True)
    y = lib.tensor([[0.5, 1.0, -2.0], [1.0, 0.25, 3.0]], dtype=f64, requires_grad=True)
    b = lib.tensor([[1.0, 2.0, 3.0]], dtype=f64, requires_grad=True)
    m = lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=f64, requires_grad=True)
    s = lib.tensor(2.0, dtype=f64, requires_grad=True)
    out = eval(expression, {"torch": lib, "x": x, "y": y, "b": b, "m": m, "s": s})
    return out, (x, y, b, m, s)


def _graphs(lib: Any, expression: str) -> tuple[Any, Any, list[Any], list[Any]]:
    f64 = lib.float64
    out, leaves = _evaluated(lib, expression)
    upstream = lib.ones(out.shape, dtype=f64, requires_grad=True) * 2
    firsts = lib.autograd.grad(out, leaves, upstream, create_graph=True, allow_unused=True)
    used = [g for g in firsts if g is not None and g.requires_grad]
    total = sum((g * g).sum() for g in used)
    seconds = lib.autograd.grad(total, leaves, create_graph=True, allow_unused=True)
    first_nodes = [None if g is None else _chain(g.grad_fn, 4) for g in firsts]
    second_nodes = [None if g is None else _chain(g.grad_fn, 3) for g in seconds]
    order = _recorded(firsts + seconds, upstream.grad_fn._sequence_nr())
    return first_nodes, second_nodes, order, _values(firsts) + _values(seconds)


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_gradient_graphs_match_torch(expression: str) -> None:
    first, second, order, values = _graphs(minigrad, expression)
    want_first, want_second, want_order, want_values = _graphs(torch, expression)
    assert first == want_first
    assert second == want_second
    assert order == want_order
    for got, want in zip(values, want_values, strict=True):
        assert (got is None) == (want is None)
        if got is not None:
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


F = "torch.nn.functional."
LABELS = "torch.tensor([2, 0])"
FORMULA_OPS = [
    # var_backward: (2 / (N - correction)) * grad * (self - self.mean(dim, true)); std divides
    # grad by 2 * result first (masked to 0 where result is 0)
    "x.var()", "x.std()", "x.var(0)", "x.std(1)", "x.std(1, keepdim=True)", "x[0].std()",
    "x.var((0, 1), correction=0)", "x.var(-1, keepdim=True, correction=2)", "x.std(0) * x",
    "x.var(0, correction=2)", "x.var(correction=6)", "x.std(correction=6)", "(x * 0).std(1)",
    "torch.var(x, 1, unbiased=False)", "torch.std(x, dim=(0, 1), keepdim=True)",
    # one node for each softmax's gradient: _softmax_backward_data, _log_softmax_backward_data
    "x.softmax(-1)", "x.softmax(0)", "x.log_softmax(1)", "x.log_softmax(0)",
    "x.softmax(-1) * x", "x.log_softmax(-1).exp()", "s.softmax(0)", "s.log_softmax(0)",
    F + "softmax(x * y, 1)", F + "log_softmax(x + y, 0)",
    # the losses' gradients: MseLossBackwardBackward0, NllLossBackwardBackward0
    F + "mse_loss(x, y)", F + "mse_loss(x, y, reduction='sum')",
    F + "mse_loss(x, y, reduction='none')", F + "mse_loss(x * y, b)",
    F + f"nll_loss(x, {LABELS})", F + f"nll_loss(x, {LABELS}, reduction='sum')",
    F + f"nll_loss(x, {LABELS}, reduction='none')", F + "nll_loss(x, torch.tensor([1, -100]))",
    F + f"cross_entropy(x, {LABELS})", F + f"cross_entropy(x * y, {LABELS}, reduction='sum')",
    F + f"cross_entropy(x, {LABELS}, reduction='none')",
]  # fmt: skip


@pytest.mark.parametrize("expression", FORMULA_OPS)
def test_formula_op_gradient_graphs_match_torch(expression: str) -> None:
    test_gradient_graphs_match_torch(expression)


def _third_order(lib: Any, expression: str) -> tuple[list[Any], list[Any]]:
    """Gradients of a weighted sum, of their weighted squares and of those: the second
    gradients' graphs and the values of all three orders."""
    f64 = lib.float64
    out, leaves = _evaluated(lib, expression)
    weights = lib.tensor(np.linspace(-1.0, 2.0, out.numel()).reshape(tuple(out.shape)), dtype=f64)
    grads = [lib.autograd.grad((out * weights).sum(), leaves, create_graph=True, allow_unused=True)]
    graphs = []
    for _ in range(2):
        used = [g for g in grads[-1] if g is not None and g.requires_grad]
        if not used:
            break
        total = sum((g * g * 0.5 + g.sin()).sum() for g in used)
        grads.append(lib.autograd.grad(total, leaves, create_graph=True, allow_unused=True))
        graphs.append([None if g is None else _chain(g.grad_fn, 3) for g in grads[-1]])
    return graphs, [v for level in grads for v in _values(level)]


@pytest.mark.parametrize("expression", FORMULA_OPS)
def test_formula_op_third_order_gradients_match_torch(expression: str) -> None:
    graphs, values = _third_order(minigrad, expression)
    want_graphs, want_values = _third_order(torch, expression)
    assert graphs == want_graphs
    assert len(values) == len(want_values)
    for got, want in zip(values, want_values, strict=True):
        assert (got is None) == (want is None)
        if got is not None:
            np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12)
