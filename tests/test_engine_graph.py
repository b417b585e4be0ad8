"""The graph: node names and edges as torch builds them, freeing by refcount, threads."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import torch

import minigrad
from minigrad import graph


@pytest.fixture
def no_gc() -> Iterator[None]:
    """Only reference counting may free objects inside the test."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def shape_of(node: Any) -> list[Any]:
    """Every node's name and its edges' (name or None, input index), inputs first."""
    rows = []
    for n in graph.toposort([node]):
        edges = [(None if c is None else _name(c), i) for c, i in n.next_functions]
        rows.append((_name(n), edges))
    return rows


def _name(node: Any) -> str:
    return node.name()


EXPRESSIONS: dict[str, Callable[[Any, Any], Any]] = {
    "mul_scalar": lambda L, x: x * 2,
    "mul_const_tensor": lambda L, x: x * L.ones(2),
    "diamond": lambda L, x: (x * 2) * (x + 1),
    "x_times_x": lambda L, x: (x * x).sum(),
    "rsub_pow": lambda L, x: (1 - x) ** 2,
    "mean_of_exp": lambda L, x: x.exp().mean(),
    "sum_dim": lambda L, x: x.view(2, 1).sum(1),
    "max_dim": lambda L, x: x.view(1, 2).max(1).values,
    "t_mm": lambda L, x: x.view(2, 1).t().mm(x.view(2, 1)),
    "setitem": lambda L, x: _setitem(x),
    "detach_mix": lambda L, x: x * x.detach(),
    "cat_stack": lambda L, x: L.stack([L.cat([x, x]), L.cat([x, x * 2])]),
}


def _setitem(x: Any) -> Any:
    y = x * 1
    y[0] = x[1] * 3
    return y


@pytest.mark.parametrize("name", EXPRESSIONS)
def test_graph_nodes_and_edges_match_torch(name: str) -> None:
    shapes = []
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        shapes.append(shape_of(EXPRESSIONS[name](lib, x).grad_fn))
    assert shapes[0] == shapes[1]


def test_graph_leaf_has_no_grad_fn_and_one_accumulate_grad() -> None:
    x = minigrad.tensor([1.0], requires_grad=True)
    a, b = x * 2, x * 3
    assert x.grad_fn is None and x.is_leaf and not a.is_leaf
    acc = a.grad_fn.next_functions[0][0]
    assert acc is b.grad_fn.next_functions[0][0]
    assert acc.variable is x and acc.next_functions == ()


def test_graph_toposort_puts_inputs_first_and_walks_torch_graphs() -> None:
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = ((x * 2).exp() + x).sum()
        order = graph.toposort([y.grad_fn])
        position = {n: i for i, n in enumerate(order)}
        for n in order:
            for child, _ in n.next_functions:
                if child is not None:
                    assert position[child] < position[n]
        assert order[-1] is y.grad_fn


def test_graph_recording_collects_nodes_in_creation_order() -> None:
    x = minigrad.tensor([1.0], requires_grad=True)
    with graph.recording() as log:
        y = (x * 2).exp()
    ops = [n.name() for n in log if "AccumulateGrad" not in n.name()]
    assert ops == ["MulBackward0", "ExpBackward0"]
    assert log[-1] is y.grad_fn
    assert all(n._site is not None for n in log)


def test_graph_is_freed_by_refcount_when_the_output_goes(no_gc: None) -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    hidden = (x * 2).exp()
    y = (hidden * hidden).sum()
    refs = [weakref.ref(y.grad_fn), weakref.ref(hidden.grad_fn), weakref.ref(hidden)]
    del hidden, y
    assert [r() for r in refs] == [None, None, None]


def test_graph_is_freed_by_refcount_after_backward(no_gc: None) -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = (x.tanh() * x).sum()
    y.backward()
    node, out = weakref.ref(y.grad_fn), weakref.ref(y)
    del y
    assert node() is None and out() is None
    assert x.grad is not None


def test_graph_with_hooks_and_retain_grad_is_freed_by_refcount(no_gc: None) -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.retain_grad()
    h.register_hook(lambda g: g * 1)
    y = (h * h).sum()
    y.backward()
    refs = [weakref.ref(h), weakref.ref(h.grad_fn), weakref.ref(y)]
    del h, y
    assert [r() for r in refs] == [None, None, None]


def test_graph_deep_chain_is_freed_without_gc(no_gc: None) -> None:
    x = minigrad.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0
    first = weakref.ref(y.grad_fn)
    del y
    assert first() is None


def test_graph_backward_in_threads_gives_each_its_own_gradients() -> None:
    results: dict[int, list[float]] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for _ in range(30):
                x = minigrad.tensor([1.0, 2.0], requires_grad=True)
                ((x * k) ** 2).sum().backward()  # d/dx (kx)² = 2k²x
                results[k] = x.grad.tolist()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == {k: [2.0 * k * k, 4.0 * k * k] for k in range(1, 5)}


@pytest.mark.parametrize(
    "expression",
    ["m[None].bmm(m.t()[None])", "v ** (v * 1)", "v.dot(v * 2)", "m.mv(v * 2)", "v * (v * 2)"],
)
def test_graph_saved_tensors_have_torch_names(expression: str) -> None:
    def saved(lib: Any) -> list[str]:
        v = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        m = lib.ones(2, 3, requires_grad=True)
        node = eval(expression, {"v": v, "m": m}).grad_fn
        return [n for n in dir(node) if n.startswith("_saved_") and "sym_" not in n]

    assert saved(minigrad) == saved(torch)


def test_graph_saved_tensors_are_the_inputs_until_backward() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    w = minigrad.tensor([3.0, 4.0], requires_grad=True)
    y = x * w
    assert y.grad_fn._saved_self is x and y.grad_fn._saved_other is w
    y.sum().backward()
    with pytest.raises(RuntimeError, match="after they have already been freed"):
        y.grad_fn._saved_self  # noqa: B018 - the access itself is the test
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])
