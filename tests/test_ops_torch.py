"""Differential tests: every op spec gives torch's values, gradients and node names."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad import graph
from minigrad.ops import OPS

import strategies as s
from op_specs import OP_SPECS, OpSpec, build

DTYPES = ("float32", "float64")
SECOND_ORDER = (
    "mul", "div", "pow_scalar", "pow_tensor", "exp", "log", "sqrt", "sin", "cos", "tanh",
    "sigmoid", "mm", "matmul", "softmax", "log_softmax", "mse_loss", "cross_entropy",
    "softmax_backward_data", "log_softmax_backward_data", "mse_loss_backward",
    "mse_loss_backward_none", "nll_loss_backward",
)  # fmt: skip


def assert_close(ours: Any, ref: Any, spec: OpSpec, dtype: str, what: str) -> None:
    """Same shape, dtype name and values within the spec's tolerance for `dtype`."""
    assert tuple(ours.shape) == tuple(ref.shape), what
    assert str(ours.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1], what
    rtol, atol = (spec.rtol32, spec.atol32) if dtype == "float32" else (spec.rtol64, spec.atol64)
    np.testing.assert_allclose(
        ours.detach().numpy(), ref.detach().numpy(), rtol=rtol, atol=atol, err_msg=what
    )


def node_names(t: Any) -> list[str]:
    """Names of every node of t's graph, inputs first, `torch::` spelled `minigrad::`."""
    order = graph.toposort([t.grad_fn]) if t.grad_fn is not None else []
    return [node.name() for node in order]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec", OP_SPECS, ids=lambda spec: spec.name)
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_op_matches_torch(spec: OpSpec, dtype: str, data: st.DataObject) -> None:
    items = data.draw(spec.inputs, label="inputs")
    args, leaves = build(minigrad, items, dtype)
    ref_args, ref_leaves = build(torch, items, dtype)
    out, ref = spec.call(minigrad, *args), spec.call(torch, *ref_args)
    assert_close(out, ref, spec, dtype, "value")
    assert node_names(out) == node_names(ref)
    upstream = data.draw(s.arrays(tuple(ref.shape)), label="upstream gradient")
    out.backward(minigrad.tensor(upstream, dtype=out.dtype))
    ref.backward(torch.tensor(upstream, dtype=ref.dtype))
    for i, (leaf, ref_leaf) in enumerate(zip(leaves, ref_leaves)):
        assert (leaf.grad is None) == (ref_leaf.grad is None)
        if ref_leaf.grad is not None:
            assert_close(leaf.grad, ref_leaf.grad, spec, dtype, f"grad of input {i}")


@pytest.mark.parametrize(
    "spec", [s for s in OP_SPECS if s.name in SECOND_ORDER], ids=lambda spec: spec.name
)
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_op_second_derivative_matches_torch(spec: OpSpec, data: st.DataObject) -> None:
    items = data.draw(spec.inputs, label="inputs")
    results = []
    for lib in (minigrad, torch):
        args, leaves = build(lib, items, "float64")
        out = spec.call(lib, *args)
        firsts = lib.autograd.grad(out.sum(), leaves, create_graph=True)
        weights = [lib.tensor(np.linspace(-1, 1, f.numel()).reshape(f.shape)) for f in firsts]
        total = sum((f * w).sum() for f, w in zip(firsts, weights))
        results.append(lib.autograd.grad(total, leaves, allow_unused=True))
    for ours, ref in zip(*results):
        assert (ours is None) == (ref is None)
        if ref is not None:
            assert_close(ours, ref, spec, "float64", "second derivative")


def test_op_specs_cover_every_row() -> None:
    covered = {row for spec in OP_SPECS for row in spec.rows}
    assert sorted(set(OPS) - covered) == []
    assert covered <= set(OPS)


@pytest.mark.parametrize("spec", OP_SPECS, ids=lambda spec: spec.name)
@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_op_spec_records_its_rows(spec: OpSpec, data: st.DataObject) -> None:
    """The call records its first row, and only rows the spec names (so coverage is honest)."""
    args, leaves = build(minigrad, data.draw(spec.inputs), "float32")
    with graph.recording() as log:
        spec.call(minigrad, *args)
    recorded = {node.op.name for node in log if hasattr(node, "op")}
    assert recorded <= set(spec.rows)
    if spec.name != "matmul":  # matmul's first node depends on the drawn ranks
        assert spec.rows[0] in recorded


def _backward_twice(lib: Any, spec: OpSpec, items: tuple[Any, ...]) -> str:
    """'ok' when a second backward works without retain_graph, else the error's first words."""
    args, _ = build(lib, items, "float64")
    out = spec.call(lib, *args)
    upstream = lib.ones_like(out)
    out.backward(upstream)
    try:
        out.backward(upstream)
    except RuntimeError as exc:
        return str(exc).split(" (or ")[0]
    return "ok"


@pytest.mark.parametrize("spec", OP_SPECS, ids=lambda spec: spec.name)
@settings(max_examples=2, deadline=None)
@given(data=st.data())
def test_op_second_backward_fails_exactly_when_torch_fails(
    spec: OpSpec, data: st.DataObject
) -> None:
    """Only nodes that saved tensors refuse a second backward (add, sum, view ... do not)."""
    items = data.draw(spec.inputs)
    assert _backward_twice(minigrad, spec, items) == _backward_twice(torch, spec, items)


def _modify_then_backward(lib: Any, spec: OpSpec, items: tuple[Any, ...], which: int) -> str:
    """Change input `which` in place after the forward pass: 'ok' or backward's error."""
    args, leaves = build(lib, items, "float64")
    inputs = [a * 1 if any(a is leaf for leaf in leaves) else a for a in args]
    out = spec.call(lib, *inputs)
    floats = [a for a in inputs if any(a is leaf for leaf in leaves) or hasattr(a, "grad_fn")]
    floats = [a for a in floats if getattr(a, "grad_fn", None) is not None]
    if which >= len(floats):
        return "no such input"
    with lib.no_grad():
        floats[which].add_(1)
    try:
        out.backward(lib.ones_like(out))
    except RuntimeError as exc:
        # a view whose base changed: torch names its regenerated view "AsStrided" (documented)
        return re.sub(r"output 0 of \w+,", "output 0 of <op>,", str(exc)).replace(
            "torch.", "minigrad."
        )
    return "ok"


@pytest.mark.parametrize("spec", OP_SPECS, ids=lambda spec: spec.name)
@settings(max_examples=2, deadline=None)
@given(data=st.data())
def test_op_inplace_change_of_an_input_fails_exactly_when_torch_fails(
    spec: OpSpec, data: st.DataObject
) -> None:
    """What each node saves decides the version-counter error: same inputs as torch."""
    items = data.draw(spec.inputs)
    for which in range(2):
        ours = _modify_then_backward(minigrad, spec, items, which)
        assert ours == _modify_then_backward(torch, spec, items, which)
