"""Backward: the chain rule on small graphs, accumulation, retain_graph, hooks, grad(), Function."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import minigrad
from minigrad.autograd import Function, gradcheck


def pair(values: Any = (1.0, 2.0, 3.0)) -> tuple[Any, Any]:
    """The same leaf in minigrad and torch."""
    return (
        minigrad.tensor(list(values), requires_grad=True),
        torch.tensor(list(values), requires_grad=True),
    )


def test_backward_x_times_x_is_2x() -> None:
    x = minigrad.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, -4.0, 6.0]


def test_backward_x_plus_x_is_2() -> None:
    x = minigrad.tensor([1.0, -2.0], requires_grad=True)
    (x + x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_backward_diamond_adds_both_paths() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 2, x * 3
    (a * b + a).sum().backward()  # d/dx (6x² + 2x) = 12x + 2
    assert x.grad.tolist() == [14.0, 26.0]


def test_backward_accumulates_across_calls() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):
        (x * x).sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]
    x.grad.zero_()
    (x * 5).sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


def test_backward_retain_graph_allows_a_second_pass() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


GRAPHS: dict[str, Callable[[Any], Any]] = {
    "add": lambda x: (x + 1).sum(),
    "sum": lambda x: x.sum(),
    "mean": lambda x: x.mean(),
    "view": lambda x: x.view(3, 1).sum(),
    "neg": lambda x: (-x).sum(),
    "mul_scalar": lambda x: (x * 2).sum(),
    "mul_tensor": lambda x: (x * x).sum(),
    "div_scalar": lambda x: (x / 2).sum(),
    "exp": lambda x: x.exp().sum(),
    "tanh": lambda x: x.tanh().sum(),
    "pow": lambda x: (x**2).sum(),
    "relu": lambda x: x.relu().sum(),
    "t_mm": lambda x: x.view(1, 3).mm(x.view(3, 1)).sum(),
}


@pytest.mark.parametrize("name", GRAPHS)
def test_backward_twice_fails_only_where_torch_fails(name: str) -> None:
    results = []
    for x in pair():
        y = GRAPHS[name](x)
        y.backward()
        try:
            y.backward()
            results.append(("ok", x.grad.tolist()))
        except RuntimeError as exc:
            results.append(("error", str(exc)))
    assert results[0] == results[1]


def test_backward_nonscalar_needs_a_gradient() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
        y.backward()
    y.backward(minigrad.tensor([1.0, 10.0]))
    assert x.grad.tolist() == [3.0, 30.0]


def test_backward_inputs_fills_only_those_leaves() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    z = minigrad.tensor([3.0, 4.0], requires_grad=True)
    (x * z).sum().backward(inputs=[x])
    assert x.grad.tolist() == [3.0, 4.0]
    assert z.grad is None


def test_grad_returns_without_touching_dot_grad() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (g,) = minigrad.autograd.grad((x * x).sum(), x)
    assert g.tolist() == [2.0, 4.0]
    assert x.grad is None


def test_grad_create_graph_gives_second_derivatives() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (g,) = minigrad.autograd.grad((x**3).sum(), x, create_graph=True)
    assert g.requires_grad
    (h,) = minigrad.autograd.grad(g.sum(), x)
    assert h.tolist() == [6.0, 12.0]  # d²/dx² x³ = 6x


def test_grad_allow_unused_returns_none() -> None:
    x = minigrad.tensor([1.0], requires_grad=True)
    z = minigrad.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        minigrad.autograd.grad((x * 2).sum(), [x, z])
    gx, gz = minigrad.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gx.tolist() == [2.0] and gz is None


def test_retain_grad_keeps_a_non_leaf_gradient() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    (y * y).sum().backward()
    assert y.grad.tolist() == [4.0, 8.0]
    assert x.grad.tolist() == [8.0, 16.0]


def test_tensor_hook_sees_and_replaces_the_gradient() -> None:
    seen: list[list[float]] = []
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: seen.append(g.tolist()))
    handle = x.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert seen == [[1.0, 1.0]] and x.grad.tolist() == [20.0, 20.0]
    handle.remove()
    x.grad = None
    y = x * 2
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_node_hooks_match_torch() -> None:
    logs: list[list[Any]] = []
    for x in pair():
        log: list[Any] = []
        y = x * 3
        y.grad_fn.register_prehook(lambda go, log=log: log.append(("pre", go[0].tolist())))
        y.grad_fn.register_hook(
            lambda gi, go, log=log: log.append(
                ("post", [None if g is None else g.tolist() for g in gi], go[0].tolist())
            )
        )
        y.sum().backward()
        logs.append(log)
    assert logs[0] == logs[1]


def test_node_post_hook_can_replace_grad_inputs() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.grad_fn.register_hook(lambda gi, go: (gi[0] * 0 + 7, gi[1]))
    y.sum().backward()
    assert x.grad.tolist() == [7.0, 7.0]


class Cube(Function):
    """x³ with a hand-written backward."""

    @staticmethod
    def forward(ctx: Any, x: Any, scale: float) -> Any:
        ctx.save_for_backward(x)
        ctx.scale = scale
        ctx.seen_needs = ctx.needs_input_grad
        return x**3 * scale

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * 3 * x**2 * ctx.scale, None


def test_custom_function_saves_tensors_and_reports_needs_input_grad() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x, 2.0)
    assert y.grad_fn.name() == "CubeBackward"
    assert y.grad_fn.ctx.seen_needs == (True, False)
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 24.0]
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.sum().backward()


def test_custom_function_passes_gradcheck() -> None:
    x = minigrad.tensor([0.5, -1.5], dtype=minigrad.float64, requires_grad=True)
    assert gradcheck(lambda t: Cube.apply(t, 2.0), (x,))


def test_gradcheck_names_the_input_and_element_that_differ() -> None:
    class Wrong(Function):
        @staticmethod
        def forward(ctx: Any, x: Any, y: Any) -> Any:
            return x * y

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            return grad * 0, grad * 0

    x = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64, requires_grad=True)
    y = minigrad.tensor([3.0, 4.0], dtype=minigrad.float64, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        gradcheck(Wrong.apply, (x, y))
    assert info.value.element == (0, 0)

    class TorchWrong(torch.autograd.Function):
        forward, backward = Wrong.forward, Wrong.backward

    xt, yt = (torch.tensor(t.tolist(), dtype=torch.float64, requires_grad=True) for t in (x, y))
    with pytest.raises(RuntimeError) as expected:
        torch.autograd.gradcheck(TorchWrong.apply, (xt, yt))
    assert (type(info.value).__name__, str(info.value)) == (
        type(expected.value).__name__,
        str(expected.value),
    )
    assert gradcheck(Wrong.apply, (x, y), raise_exception=False) is False


def _chain(x: Any, depth: int) -> Any:
    y = x
    for _ in range(depth):
        y = y * 1.0 + 0.0
    return y


def test_backward_through_a_10000_deep_chain() -> None:
    x = minigrad.tensor(2.0, requires_grad=True)
    _chain(x, 5_000).backward()  # 10,000 ops
    assert x.grad.item() == 1.0


def test_backward_through_a_million_node_chain_without_recursion() -> None:
    """A million pass-through nodes: the engine walk alone (ops would take minutes)."""
    from minigrad.engine import run_backward
    from minigrad.node import Node

    class Pass(Node):
        __slots__ = ()

        def apply(self, grad: Any) -> tuple[Any, ...]:
            return (grad,)

    x = minigrad.tensor(1.0, requires_grad=True)
    gc.disable()  # a million new objects would trigger many full collections: slow, not wrong
    try:
        node = (x * 3.0).grad_fn
        for _ in range(1_000_000):
            node = Pass(((node, 0),))
        run_backward([(node, minigrad.tensor(1.0))], retain_graph=False, create_graph=False)
        del node  # freed by reference counting, one node after another, without recursion
    finally:
        gc.enable()
    assert x.grad.item() == 3.0


def test_backward_values_match_torch_on_a_small_network() -> None:
    rng = np.random.default_rng(0)
    w_np, x_np = rng.normal(size=(3, 4)), rng.normal(size=(5, 3))
    grads = []
    for lib in (minigrad, torch):
        w = lib.tensor(w_np, requires_grad=True)
        x = lib.tensor(x_np)
        h = (x @ w).tanh()
        loss = ((h.softmax(1) - 0.25) ** 2).mean() + h.relu().sum() * 0.1
        loss.backward()
        grads.append(w.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)
