"""A view's `requires_grad` follows its base, as in torch: a view made before its base was
made to require grad, or made under no_grad, reports requires_grad=True, its ops record nodes
whose edge to it is None (nothing accumulates), and changing it in place raises torch's error."""

from __future__ import annotations

import pytest
import torch

import minigrad

from cells import masked, run_snippet
from line_programs import same_as_torch

BEFORE = """
a = torch.ones(3)
v = a[1:]
r = a.view(3, 1)
d = a.detach()
a.requires_grad_()
"""

NO_GRAD = """
a = torch.ones(3, requires_grad=True)
b = torch.ones(3)
with torch.no_grad(): v = a[1:]; r = a.view(3, 1); s = a * 2; d = a.detach(); e = a.expand(2, 3)
with torch.no_grad(): n = b[1:]; t = b.t(); q = a.reshape(3)
w = torch.ones(2, requires_grad=True)
"""

AFTER = [
    "m = v * 2",
    "m = v * 2\nm.sum().backward()",
    "m = (v * v).sum()\nm.backward()",
    "m = v[0:1]",
    "m = v[0:1] * 3\nm.sum().backward()",
    "m = v + w\nm.sum().backward()",
    "m = r.t()\nk = m * m",
    "v.add_(1)",
    "v.mul_(w)",
    "v[0] = 5.0",
    "v.zero_()",
    "v.fill_(2.0)",
    "v.copy_(w)",
    "v.unsqueeze_(0)",
    "g = torch.autograd.grad((v * 2).sum(), v)",
    "g = torch.autograd.grad((v * v).sum(), a)",
    "g = torch.autograd.grad((v * 2).sum(), a, allow_unused=True)",
    "v.retain_grad()",
    "v.requires_grad_(False)",
    "v.requires_grad_(True)\nm = (v * 2).sum()\nm.backward()",
    "v.requires_grad_(True)\nv.add_(1)",
    "a.requires_grad_(False)\nm = v * 2",
    "k = v.detach() * 2",
    "k = v.clone()",
    "k = torch.stack([v, w])",
    "k = torch.cat([v, w])",
    "k = v @ w",
    "h = v.register_hook(lambda g: g)",
]


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize("setup", [BEFORE, NO_GRAD], ids=["made-before", "made-in-no_grad"])
def test_a_view_follows_its_base_as_torch(setup: str, after: str) -> None:
    same_as_torch(setup + after)


@pytest.mark.parametrize("after", ["with torch.no_grad(): v.add_(1)", "k = v * 2"])
def test_a_view_made_before_is_regenerated_after_a_change_under_no_grad_as_torch(
    after: str,
) -> None:
    same_as_torch(BEFORE + "with torch.no_grad(): v.add_(1)\n" + after)


@pytest.mark.parametrize(
    "change",
    ["n.add_(1)", "n.mul_(w)", "n[0] = w[0]", "n.copy_(w)", "t.mul_(w)", "n.add_(w * 2)",
     "n[0:1].mul_(w)", "n[0] = w", "n[1:] = w", "n[[0]] = w", "n.t().mul_(w)", "n.fill_(w[0])",
     "v[0] = 5.0", "v[0:1] = 5.0", "r[:, 0] = 5.0", "r[0, :] = 5.0", "r[0, 0:] = 5.0",
     "r[0, 1:] = 5.0", "v[...] = 5.0", "v[:] = 5.0", "v[0:1].add_(1)", "r.t().add_(1)",
     "v[[0]] = 1.0", "v[v > 0] = 1.0", "r.view(-1).add_(1)", "r.t()[0].add_(1)", "v[None] = 1.0",
     "q.unsqueeze(0)[0].zero_()"],
)  # fmt: skip
def test_a_view_made_in_no_grad_is_not_changed_in_place_with_grad_as_torch(change: str) -> None:
    same_as_torch(NO_GRAD + change)


@pytest.mark.parametrize(
    "source",
    [
        BEFORE + "v, r, d, a",
        NO_GRAD + "v, r, s, d, e, n, q",
        NO_GRAD + "v._is_view(), d._is_view(), s._is_view(), n._is_view()",
        NO_GRAD + "v.numpy()",
        NO_GRAD + "float(v[0])",
    ],
)
def test_what_such_a_view_prints_as_torch(source: str) -> None:
    torch.set_warn_always(True)
    minigrad.set_warn_always(True)
    try:
        assert masked(run_snippet(minigrad, source)) == masked(run_snippet(torch, source))
    finally:
        torch.set_warn_always(False)
        minigrad.set_warn_always(False)


@pytest.mark.parametrize("change", ["t0.div_(2.0)", "t0[0] = 5.0", "t0.zero_()", ""])
def test_views_made_before_an_untracked_change_are_regenerated_as_torch(change: str) -> None:
    same_as_torch(
        "t0 = torch.ones(2, 3)\nt2 = t0.expand(2, -1)\nt3 = t0[0]\nt4 = t0.t()\n"
        f"{change}\nt5 = t0[1]\nt0.requires_grad_()\nk = (t2 * t3 * t4.t() * t5).sum()\n"
        "k.backward()"
    )
