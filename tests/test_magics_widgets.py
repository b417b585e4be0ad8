"""`magics.inspect(t)` and the `%backward --step` widget: traits, snapshots, buttons, fallback."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import magics
import minigrad
from magics.draw.annotate import EDGE_FONT_COLOR
from magics.widgets import BackwardStepper, TensorView, grad_fn_tree


def test_inspect_snapshot_traits() -> None:
    x = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * 2
    view = magics.inspect(y)
    assert isinstance(view, TensorView)
    assert (view.shape, view.dtype, view.grad_fn) == ("[2, 2]", "torch.float32", "MulBackward0")
    assert view.requires_grad is True and view.has_grad is False
    assert view._tabs.titles == ("data", "grad")
    assert "MulBackward0" in view._tree.value and "AccumulateGrad" in view._tree.value
    np.testing.assert_array_equal(view.data, [[2.0, 4.0], [6.0, 8.0]])


def test_inspect_traits_sync_and_document_themselves() -> None:
    for name in ("shape", "dtype", "requires_grad", "has_grad", "grad_fn"):
        trait = TensorView.class_traits()[name]
        assert trait.metadata.get("sync") is True and trait.help
    for name in ("step", "count"):
        trait = BackwardStepper.class_traits()[name]
        assert trait.metadata.get("sync") is True and trait.help


def test_inspect_holds_a_snapshot_until_refresh() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    view = magics.inspect(x)
    with minigrad.no_grad():
        x.add_(10.0)
    np.testing.assert_array_equal(view.data, [1.0, 2.0])
    (x * x).sum().backward()
    assert view.has_grad is False
    view._button.click()
    np.testing.assert_array_equal(view.data, [11.0, 12.0])
    assert view.has_grad is True
    np.testing.assert_array_equal(view.grad, [22.0, 24.0])
    assert "22." in view._grad_view.value


def test_inspect_does_not_keep_the_tensor_alive() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    view = magics.inspect(y)
    ref = weakref.ref(y)
    del y
    gc.collect()
    assert ref() is None
    view.refresh()
    assert "no longer exists" in view._header.value


def test_inspect_rejects_non_tensors() -> None:
    with pytest.raises(TypeError, match="expects a minigrad Tensor, not list"):
        magics.inspect([1.0])  # type: ignore[arg-type]


def test_grad_fn_tree_names_shared_nodes_once() -> None:
    x = minigrad.tensor([1.0], requires_grad=True)
    y = x * x
    tree = grad_fn_tree((y + y).grad_fn)
    assert tree.count("MulBackward0") == 2 and "shown above" in tree
    assert tree.count("<details") == tree.count("</details>")


def test_grad_fn_tree_of_a_deep_chain() -> None:
    x = minigrad.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    tree = grad_fn_tree(y.grad_fn)
    assert "not shown" in tree and tree.count("<details") == tree.count("</details>")


@pytest.fixture
def stepped(ipython: Any) -> Iterator[tuple[Any, Any]]:
    """`%backward loss --step` on loss = sum(x * w + x), its result and the shell."""
    ipython.run_line_magic("load_ext", "minigrad")
    cell = (
        "import minigrad\n"
        "x = minigrad.tensor([1.0, 2.0], requires_grad=True)\n"
        "w = minigrad.tensor([3.0, -1.0], requires_grad=True)\n"
        "loss = (x * w + x).sum()\n"
        "%backward loss --step -o B\n"
    )
    ipython.run_cell(cell, store_history=False).raise_error()
    yield ipython.user_ns["B"], ipython
    for name in ("x", "w", "loss", "B"):
        ipython.user_ns.pop(name, None)


def test_stepper_positions_and_buttons(stepped: tuple[Any, Any]) -> None:
    result, _ = stepped
    widget = result.widget
    assert isinstance(widget, BackwardStepper)
    assert widget.count == len(result.steps) + 1 and widget.step == 0
    assert widget._slider.max == widget.count - 1
    assert "SumBackward0" in widget._text.value
    widget._next.click()
    assert widget.step == 1 and widget._slider.value == 1
    assert result.steps[1].name in widget._text.value
    widget._prev.click()
    widget._prev.click()
    assert widget.step == 0
    widget._slider.value = widget.count - 1
    assert widget.step == widget.count - 1 and "final .grad" in widget._text.value
    widget._next.click()
    assert widget.step == widget.count - 1


def test_stepper_shows_rule_numbers_and_final_grads(stepped: tuple[Any, Any]) -> None:
    result, shell = stepped
    mul = next(k for k, s in enumerate(result.steps) if s.name == "MulBackward0")
    text = result.widget.text(mul)
    assert minigrad.ops.OPS["mul"].rule in text
    assert "self = [1., 2.]" in text and "other = [ 3., -1.]" in text
    final = result.widget.text(result.widget.count - 1)
    assert "x.grad = [4., 0.]" in final and "w.grad = [1., 2.]" in final
    np.testing.assert_array_equal(shell.user_ns["x"].grad.numpy(), [4.0, 0.0])


def test_stepper_highlights_the_current_node(stepped: tuple[Any, Any]) -> None:
    result, _ = stepped
    widget = result.widget
    frames = [widget.frames[k].dot for k in range(widget.count)]
    assert len(set(frames[:-1])) == len(frames) - 1  # each step marks a different node
    assert "red" in frames[0]
    assert widget._picture.value.startswith("<svg")  # inline: no XML prolog or DOCTYPE


def test_stepper_bundle_has_static_fallback(stepped: tuple[Any, Any]) -> None:
    result, _ = stepped
    bundle = result._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "<svg" in bundle["image/svg+xml"]
    assert "x.grad = [4., 0.]" in bundle["text/plain"]
    assert "0x" not in bundle["text/plain"]


def test_stepper_frames_label_edges_as_gradients_arrive(stepped: tuple[Any, Any]) -> None:
    result, _ = stepped
    frames = [f.dot for f in result.widget.frames]
    labels = [dot.count(f"fontcolor={EDGE_FONT_COLOR}") for dot in frames]
    assert labels == sorted(labels) and labels[0] < labels[-1]
    assert frames[-1] == result.dot


def test_edge_labels_skip_a_drawing_numbered_differently(stepped: tuple[Any, Any]) -> None:
    from magics.draw.annotate import label_edges

    result, _ = stepped
    plain = result.widget.frames[0].dot.replace("SumBackward0", "Renamed")
    assert label_edges(plain, result.steps) == plain


def _prehook_order(lib: Any) -> tuple[Any, list[Any], dict[Any, str]]:
    """`z = v + u` with u made before v; the nodes in the order their pre-hooks fire."""
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([3.0, 4.0], requires_grad=True)
    u = b * 2
    v = a * 3
    z = (v + u).sum()
    names = {u.grad_fn: "u", v.grad_fn: "v", z.grad_fn: "z"}
    seen: list[Any] = []
    for node in (z.grad_fn, u.grad_fn, v.grad_fn):
        node.register_prehook(lambda g, node=node: seen.append(node))
    z.backward(retain_graph=True)
    return z, seen, names


def test_stepping_order_is_the_order_prehooks_see() -> None:
    """The step-through lists nodes in the order backward runs them, as in torch."""
    import torch

    from magics.stepping import backward_steps

    _, seen_torch, names_torch = _prehook_order(torch)
    z, seen, names = _prehook_order(minigrad)
    assert [names[n] for n in seen] == [names_torch[n] for n in seen_torch] == ["z", "v", "u"]
    steps, order = backward_steps(z)
    stepped = [order[int(s.node_id[1:])] for s in steps]
    assert [names[n] for n in stepped if n in names] == ["z", "v", "u"]
