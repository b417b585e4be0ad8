"""std, var, prod, sort, topk, unique, gather, scatter, masks, splits, einsum and out=, against
torch 2.13: printed results, warnings and errors of short lesson-style snippets, then gradients.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad

from cells import masked, run_snippet
from op_specs import MORE_SPECS, OpSpec, build  # op_specs first: it loads op_specs_more

SETUP = "x = torch.tensor([[1.0, -2.0, 3.0], [4.0, 0.5, -6.0]], requires_grad=True)\n"

SNIPPETS = [
    # statistics: values, dtypes, grad_fn names, PyTorch's warnings and errors
    "x.std()",
    "x.var(1)",
    "x.var(True)",
    "x.var(1, True)",
    "torch.std(x, 0, unbiased=False, keepdim=True)",
    "torch.var(x, dim=(0, 1), correction=0)",
    "x.var(dim=[0, 0])",
    "torch.tensor([1.0]).std()",
    "torch.tensor([2.0, 3.0]).var(correction=2)",
    "torch.tensor(5.0).std()",
    "torch.tensor(5.0).std(dim=(0, 1))",
    "torch.tensor(5.0).var(1)",
    "torch.tensor([1, 2]).var()",
    "x.double().std(1)",
    "x.std(axis=0)",
    "torch.var(x, axis=1, keepdims=True)",
    # products
    "x.prod()",
    "torch.prod(x, 1)",
    "x.prod(0, keepdim=True)",
    "x.prod(dtype=torch.float64)",
    "torch.tensor([1, 2, 3]).prod()",
    "torch.tensor([True, False]).prod()",
    "torch.tensor(5.0, requires_grad=True).prod(0)",
    "x.cumprod(1)",
    "torch.cumprod(x, dim=0)",
    "torch.tensor([1, 2, 3]).cumprod(0)",
    "torch.tensor(5.0, requires_grad=True).cumprod(0)",
    # sorting
    "x.sort()",
    "x.sort(0, True)",
    "torch.sort(x, dim=1, descending=True, stable=True)",
    "torch.tensor([3.0, 1.0, 2.0, 1.0]).sort()",
    "torch.tensor([3.0, 1.0, 2.0, 1.0]).sort(descending=True)",
    "torch.tensor(5.0).sort()",
    "v, i = x.sort(); v, i",
    "x.topk(2)",
    "x.topk(1, axis=0)",
    "x.sort(axis=0)",
    "x.prod(axis=0)",
    "x.cumprod(axis=0)",
    "x.gather(axis=1, index=torch.tensor([[0], [1]]))",
    "x.chunk(2, axis=1)",
    "torch.topk(x, 1, dim=0, largest=False)",
    "x.topk(2).indices",
    "x.topk(4)",
    "x.topk(-1)",
    "torch.tensor(5.0).topk(1)",
    "torch.unique(torch.tensor([3, 1, 2, 1]))",
    "x.unique()",
    "x.unique(dim=1)",
    "x.unique(return_counts=True)",
    "x.unique().sum().backward()",
    "x.unique(dim=0).sum().backward()",
    "with torch.no_grad(): x.unique()",
    "torch.tensor([3.0, 1.0, 2.0, 1.0]).unique(return_inverse=True, return_counts=True)",
    "torch.tensor([[1, 2], [1, 2], [0, 5]]).unique(dim=0, return_counts=True)",
    "torch.tensor([[2, 1], [1, 2]]).unique(return_inverse=True)",
    # gather, scatter
    "x.gather(1, torch.tensor([[0, 0], [2, 1]]))",
    "torch.gather(x, 0, torch.tensor([[1, 0, 1]]))",
    "x.gather(1, torch.tensor([[5]]))",
    "x.gather(1, torch.tensor([[-1]]))",
    "x.gather(1, torch.tensor([0]))",
    "x.gather(1, torch.tensor([[0], [0], [0]]))",
    "x.gather(1, torch.tensor([[0.0]]))",
    "x.scatter(1, torch.tensor([[2], [0]]), 9.0)",
    "torch.scatter(x, 0, torch.tensor([[1, 0, 1]]), torch.tensor([[7.0, 8.0, 9.0]]))",
    "torch.zeros(2, 3).scatter_(1, torch.tensor([[1], [2]]), torch.tensor([[5.0], [6.0]]))",
    "torch.zeros(3).scatter_add(0, torch.tensor([0, 0, 2]), torch.tensor([1.0, 2.0, 3.0]))",
    "torch.zeros(3).scatter_add_(0, torch.tensor([1, 1]), torch.tensor([1.0, 2.0]))",
    "x.scatter(1, torch.tensor([[0], [0], [0]]), 1.0)",
    "x.scatter(1, torch.tensor([[0, 1]]), torch.tensor([[1.0]]))",
    "x.scatter(1, torch.tensor([[3]]), 1.0)",
    "labels = torch.tensor([0, 2, 1]); torch.zeros(3, 4).scatter_(1, labels.unsqueeze(1), 1)",
    "probs = x.softmax(1); probs.gather(1, torch.tensor([2, 0]).view(-1, 1)).log().mean()",
    "x.double().scatter_add(0, torch.tensor([[0, 0, 0]]), torch.ones(1, 3))",
    "x.scatter(0, torch.tensor([[0]]), torch.ones(1, 1, dtype=torch.float64))",
    # masks and bounds
    "x[..., 1:1].masked_fill(torch.tensor([True, False, True]), -1.0)",
    "x.masked_fill(torch.tensor([True, False]), -1.0)",
    "x.masked_fill(x > 1, 0.0)",
    "torch.masked_fill(x, torch.tensor([True, False, True]), -1.0)",
    "x.masked_fill(x < 0, torch.tensor(10.0))",
    "x.masked_fill(x < 0, torch.tensor([1.0, 2.0]))",
    "x.masked_fill(torch.tensor([1, 0, 1]), 1.0)",
    "x.masked_fill(torch.tensor([1.0, 0.0, 1.0]), 1.0)",
    "torch.arange(4).masked_fill(torch.tensor([True, False, True, False]), 9)",
    "y = torch.zeros(2, 3); y.masked_fill_(y == 0, 2.5); y",
    "x.clamp_min(0.5)",
    "torch.clamp_max(x, 0.5)",
    "torch.arange(4).clamp_min(1.5)",
    "torch.arange(4).clamp_max(2)",
    "y = torch.arange(4.0); y.clamp_min_(1.0); y.clamp_max_(2.0)",
    # pieces, diagonals, moved dimensions
    "x.chunk(2, 1)",
    "torch.chunk(x, 2)",
    "torch.arange(5.0).chunk(3)",
    "torch.arange(6.0).chunk(4)",
    "x.chunk(0)",
    "x.split(1, 1)",
    "torch.split(x, [1, 2], dim=1)",
    "torch.arange(5.0).split(2)",
    "torch.arange(5.0).split([2, 2])",
    "x.split(0)",
    "torch.tensor(2.0).split(1)",
    "torch.tensor(2.0).chunk(2)",
    "x.split([1, 1], -1)",
    "x.scatter(1, torch.tensor([0]), 1.0)",
    "torch.tensor(2.0, requires_grad=True).movedim(0, 0)",
    "torch.ones(3, requires_grad=True).movedim(0, -1)",
    "torch.tensor(2.0, requires_grad=True).std(-1, keepdim=True)",
    "y = torch.tensor([2.0], requires_grad=True); y.std().backward(); y.grad",
    "y = torch.tensor([[2.0, 3.0]], requires_grad=True); g, = torch.autograd.grad("
    "y.cumprod(0).sum(), y, create_graph=True); g",
    "x.diagonal()",
    "torch.diagonal(x, 1)",
    "torch.arange(24.0).reshape(2, 3, 4).diagonal(-1, 1, 2)",
    "x.diagonal(0, 1, 1)",
    "x.movedim(0, 1)",
    "torch.movedim(torch.zeros(2, 3, 4), (0, 1), (2, 0)).shape",
    "torch.zeros(2, 3, 4).moveaxis(-1, 0).shape",
    # einsum
    "torch.einsum('ij,kj->ik', x, x)",
    "torch.einsum('ij,jk', x, x.t())",
    "torch.einsum('ij->j', x)",
    "torch.einsum('ij->', x)",
    "torch.einsum('i,j->ij', x[0], x[1])",
    "torch.einsum('ii', x[:, :2])",
    "torch.einsum('ii->i', x[:, :2])",
    "torch.einsum('...j,j', x, x[0])",
    "torch.einsum('bij,bjk->bik', x[None], x.t()[None])",
    "torch.einsum('ij,jk->ik', [x, x.t()])",
    "torch.einsum('ij, jk -> ik', x, x.t())",
    "torch.einsum('Ab,bA->', x, x.t())",
    "torch.einsum('ij,jk->ik', x, x)",
    "torch.einsum('ij->ik', x)",
    "torch.einsum('ij->jj', x)",
    "torch.einsum('i', x)",
    "torch.einsum('ij,jk', x)",
    "torch.einsum('ij', x, x)",
    "torch.einsum('i.j', x)",
    "torch.einsum('ii->i', x)",
    "torch.einsum('i1', x)",
    "torch.topk(x.detach().flatten(), 3).indices.tolist()",
    "(x - x.mean(dim=1, keepdim=True)) / x.std(dim=1, keepdim=True)",
    "x.var(1).sum().backward(); x.grad",
    "torch.einsum('ij,ij->i', x, x).sum().backward(); x.grad",
    # out=
    "o = torch.empty(2, 3); r = torch.exp(x.detach(), out=o); r is o, o",
    "o = torch.empty(0); torch.add(x.detach(), 1, out=o); o",
    "o = torch.empty(3); torch.mul(x.detach(), 2, out=o); o",
    "o = torch.empty(2, 3, dtype=torch.float64); torch.sub(x.detach(), 1, out=o)",
    "torch.exp(x.detach(), out=torch.empty(2, 3, dtype=torch.long))",
    "torch.add(torch.tensor([1, 2]), 1, out=torch.empty(2))",
    "torch.exp(x, out=torch.empty(2, 3))",
    "torch.sum(x, 0, out=torch.empty(3))",
    "with torch.no_grad(): torch.exp(x, out=torch.empty(2, 3))",
    "torch.exp(x.detach(), out=torch.empty(2, 3, requires_grad=True))",
    "o = torch.empty(0); torch.sum(x.detach(), 1, out=o); o",
    "o = torch.empty(0); torch.std(x.detach(), 1, out=o); o",
    "o = torch.empty(0); torch.matmul(x.detach(), x.detach().t(), out=o); o",
    "o = torch.empty(0); torch.cat([x.detach(), x.detach()], out=o); o.shape",
    "v, i = torch.empty(0), torch.empty(0, dtype=torch.long); torch.max(x.detach(), 1, out=(v, i))",
    "v, i = torch.empty(0), torch.empty(0, dtype=torch.long); torch.sort(x.detach(), out=(v, i))",
    "torch.topk(x.detach(), 1, out=(torch.empty(0), torch.empty(0, dtype=torch.long)))",
    "torch.argmax(x.detach(), out=torch.empty(0))",
    "o = torch.empty(0, dtype=torch.long); torch.argmax(x.detach(), out=o); o",
    "torch.exp(x.detach(), out=(torch.empty(2),))",
    "torch.t(x, out=x)",
    "torch.flip(x, (0,), out=torch.empty(0))",
    "o = torch.empty(0); torch.gather(x.detach(), 1, torch.tensor([[0], [1]]), out=o); o",
]


def outcome(lib: Any, snippet: str) -> dict[str, Any]:
    return masked(run_snippet(lib, SETUP + snippet))


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_snippet_prints_warns_and_fails_as_torch(snippet: str) -> None:
    assert outcome(minigrad, snippet) == outcome(torch, snippet)


GRADIENT_PROGRAMS = [
    # every piece of one split feeds the loss: one node per piece, same gradient as torch's one
    lambda L, x: sum((p * (i + 1)).sum() for i, p in enumerate(x.split([1, 2], dim=1))),
    lambda L, x: sum(p.exp().sum() for p in x.chunk(2)),
    # products with zeros: the gradient is the product of the others
    lambda L, x: (x * L.tensor([[0.0, 1.0, 1.0], [0.0, 0.0, 1.0]])).prod(),
    lambda L, x: (x * L.tensor([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]])).prod(1).sum(),
    lambda L, x: (x * L.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])).cumprod(1).sum(),
    # a lesson's standardisation and a mask
    lambda L, x: ((x - x.mean(0)) / x.std(0)).pow(2).sum(),
    lambda L, x: x.masked_fill(x > 1, float("-inf")).softmax(1)[:, 0].sum(),
    # einsum through both operands, then a second einsum
    lambda L, x: L.einsum("ij,kj->ik", x, x * 2).sum(),
    lambda L, x: L.einsum("i,i->", L.einsum("ij->i", x), x[:, 0]),
    # in place on a non-leaf
    lambda L, x: (x * 1).scatter_(1, L.tensor([[0], [2]]), 0.0).masked_fill_(x < 0, 1.0).sum(),
]


@pytest.mark.parametrize("index", range(len(GRADIENT_PROGRAMS)))
def test_gradients_match_torch(index: int) -> None:
    program = GRADIENT_PROGRAMS[index]
    grads = []
    for lib in (minigrad, torch):
        x = lib.tensor([[1.0, -2.0, 3.0], [4.0, 0.5, -6.0]], requires_grad=True)
        program(lib, x).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5, atol=1e-6)


def test_second_derivatives_match_torch() -> None:
    """create_graph through std, prod, cumprod, sort, gather and einsum, then backward again."""
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor([[1.5, -2.0, 3.0], [4.0, 0.5, -6.0]], dtype=lib.float64, requires_grad=True)
        y = x.std(1).sum() + x.prod() + x.cumprod(1).sum() + x.sort(1).values[:, 0].pow(3).sum()
        y = y + x.gather(1, lib.tensor([[0, 0], [2, 1]])).pow(2).sum()
        y = y + lib.einsum("ij,kj->ik", x, x).pow(2).sum() + x.diagonal().pow(3).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), x)
        results.append((g.detach().numpy(), gg.numpy()))
    for ours, ref in zip(*results):
        np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-10)


def test_out_writes_in_place_and_bumps_the_version() -> None:
    x = minigrad.tensor([1.0, 2.0])
    out = minigrad.zeros(2)
    view = out[:]
    before = int(out._version)
    assert minigrad.add(x, 1, out=out) is out
    assert int(out._version) == before + 1
    assert view.tolist() == [2.0, 3.0]  # same shape: written in place, views see it


def test_scatter_reduce_is_refused_clearly() -> None:
    """PyTorch deprecates scatter's reduce= (and cannot differentiate it): minigrad says so."""
    x = minigrad.zeros(2, 3)
    with pytest.raises(TypeError, match="minigrad's scatter has no reduce="):
        x.scatter(1, minigrad.tensor([[0]]), 1.0, reduce="add")


@pytest.mark.parametrize("spec", MORE_SPECS, ids=lambda spec: spec.name)
@settings(max_examples=int(os.environ.get("MORE_EXAMPLES", "3")), deadline=None)
@given(data=st.data())
def test_second_derivatives_of_each_spec_match_torch(spec: OpSpec, data: st.DataObject) -> None:
    """create_graph through every new row (zeros in prod and cumprod too), then backward."""
    items = data.draw(spec.inputs, label="inputs")
    results = []
    for lib in (minigrad, torch):
        args, leaves = build(lib, items, "float64")
        out = spec.call(lib, *args)
        weights = lib.tensor(np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape)))
        firsts = lib.autograd.grad((out * weights).sum(), leaves, create_graph=True)
        total = sum((f * f).sum() for f in firsts if f.requires_grad)
        if not isinstance(total, (lib.Tensor, torch.Tensor)):  # a linear op: no second order
            results.append(None)
            continue
        results.append(lib.autograd.grad(total, leaves, allow_unused=True))
    if results[0] is None or results[1] is None:
        assert results[0] is None and results[1] is None
        return
    for ours, ref in zip(*results):
        assert (ours is None) == (ref is None)
        if ref is not None:
            np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-9, atol=1e-10)


def test_float32_statistics_are_torch_bit_for_bit() -> None:
    """std, var, cumprod accumulate in float64 (as PyTorch's CPU kernels), prod in float32."""
    rng = np.random.default_rng(7)
    for _ in range(50):
        x = (rng.standard_normal((3, int(rng.integers(2, 20)))) * 30).astype(np.float32)
        for call in (lambda t: t.std(1), lambda t: t.var(0, unbiased=False), lambda t: t.std(),
                     lambda t: t.cumprod(1), lambda t: t.prod(1)):  # fmt: skip
            assert np.array_equal(call(minigrad.tensor(x)).numpy(), call(torch.tensor(x)).numpy())
