"""SGD's options, Adam, AdamW, RMSprop and the lr schedulers, step by step against torch."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

import minigrad

CASES = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01, "dampening": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.1}),
]


def _run(lib: Any, name: str, kw: dict[str, Any]) -> tuple[np.ndarray, str]:
    w = lib.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    opt = getattr(lib.optim, name)([w], **kw)
    sched = lib.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for i in range(5):
        opt.zero_grad()
        ((w * w * w).sum() + w[0, 0] * i).backward()
        opt.step()
        sched.step()
        lrs.append((sched.get_last_lr(), opt.param_groups[0]["lr"]))
    return w.detach().numpy(), repr(opt) + repr(lrs)


@pytest.mark.parametrize(("name", "kw"), CASES)
def test_optimizer_steps_as_torch(name: str, kw: dict[str, Any]) -> None:
    ours, ref = _run(minigrad, name, kw), _run(torch, name, kw)
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-5, atol=1e-6)
    assert ours[1] == ref[1]


def _warned(lib: Any) -> list[str]:
    w = lib.tensor([1.0], requires_grad=True)
    opt = lib.optim.SGD([w], lr=1.0)
    sched = lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sched.step()
    return [str(c.message) for c in caught] + [repr(sched.get_last_lr())]


def test_scheduler_before_optimizer_warns_as_torch() -> None:
    assert _warned(minigrad) == _warned(torch)
