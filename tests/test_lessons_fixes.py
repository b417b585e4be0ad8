"""Differences from torch that the lessons found, each compared with torch 2.13 directly."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

import minigrad


def _scheduler_story(lib: Any, name: str, kwargs: dict[str, Any]) -> list[Any]:
    w = lib.tensor([1.0, -2.0], requires_grad=True)
    opt = lib.optim.SGD([w], lr=0.5)
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
    story: list[Any] = [sched.state_dict()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(4):  # the scheduler before the optimizer, every time
            sched.step()
            opt.step()
        story.append(sched.get_lr())  # outside step(): warns
    story.append([str(c.message) for c in caught])
    return story + [sched.state_dict(), opt.param_groups[0]["lr"]]


SCHEDULERS = [
    ("StepLR", {"step_size": 2, "gamma": 0.5}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("MultiStepLR", {"milestones": [1, 3, 3], "gamma": 0.5}),
    ("CosineAnnealingLR", {"T_max": 3, "eta_min": 0.01}),
]


@pytest.mark.parametrize(("name", "kwargs"), SCHEDULERS)
def test_scheduler_state_and_warnings_as_torch(name: str, kwargs: dict[str, Any]) -> None:
    assert _scheduler_story(minigrad, name, kwargs) == _scheduler_story(torch, name, kwargs)


def test_scheduler_resumed_from_state_dict_as_torch() -> None:
    def story(lib: Any) -> list[float]:
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0)
        first = lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        opt.step()
        first.step()
        second = lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5, last_epoch=0)
        second.load_state_dict(first.state_dict())
        opt.step()
        second.step()
        return [first.get_last_lr()[0], second.get_last_lr()[0], opt.param_groups[0]["lr"]]

    assert story(minigrad) == story(torch)


def test_scheduler_needs_an_optimizer_as_torch() -> None:
    for lib in (torch, minigrad):
        with pytest.raises(TypeError, match="^list is not an Optimizer$"):
            lib.optim.lr_scheduler.StepLR([], step_size=1)


BAD_SAMPLING = [
    ("multinomial", ([0.5, 0.5],), {"num_samples": 3}),
    ("multinomial", ([1, 2],), {"num_samples": 1}),
    ("multinomial", ([[[0.5, 0.5]]],), {"num_samples": 1}),
    ("multinomial", ([0.5, 0.5],), {"num_samples": 0}),
    ("multinomial", ([0.5, -0.5],), {"num_samples": 1}),
    ("multinomial", ([float("nan"), 1.0],), {"num_samples": 1}),
    ("multinomial", ([[0.0, 0.0], [1.0, 1.0]],), {"num_samples": 1, "replacement": True}),
    ("randint", (5, 2, (3,)), {}),
    ("randint", (2, 2, (3,)), {}),
    ("random_", ([0.5, 0.5], 5, 2), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), BAD_SAMPLING)
def test_bad_sampling_arguments_fail_as_torch(name: str, args: tuple, kwargs: dict) -> None:
    def error(lib: Any) -> tuple[str, str]:
        first, *rest = args
        try:
            if name == "randint":
                lib.randint(*args, **kwargs)
            elif name == "random_":
                lib.tensor(first).random_(*rest, **kwargs)
            else:
                getattr(lib, name)(lib.tensor(first), *rest, **kwargs)
        except Exception as err:
            return type(err).__name__, str(err)
        return "no error", ""

    assert error(minigrad) == error(torch)
    assert error(torch)[0] == "RuntimeError"


def _np_batches() -> list[list[Any]]:
    return [
        [np.array([1.0, 2.0]), np.array([3.0, 4.0])],
        [np.float32(1.5), np.float32(2.0)],
        [np.int64(1), np.int64(2)],
        ["a", "b"],
        [("a", 1), ("b", 2)],
        [["a", 1.5], ["b", 2.5]],
        [{"name": "x", "v": np.ones(2, np.float32)}, {"name": "y", "v": np.zeros(2, np.float32)}],
        [object(), object()],
        [(1, 2), (1,)],
        [np.array(["a"]), np.array(["b"])],
    ]


@pytest.mark.parametrize("index", range(len(_np_batches())))
def test_default_collate_as_torch(index: int) -> None:
    def collated(lib: Any) -> str:
        try:
            return repr(lib.utils.data.default_collate(_np_batches()[index]))
        except Exception as err:
            return f"{type(err).__name__}: {err}"

    import torch.utils.data

    assert collated(minigrad) == collated(torch)


class Warmup:
    """A callable object: LambdaLR saves its __dict__ in state_dict()."""

    def __init__(self, steps: int) -> None:
        self.steps = steps

    def __call__(self, epoch: int) -> float:
        return min(1.0, (epoch + 1) / self.steps)


def _schedule(lib: Any, name: str, kwargs: dict[str, Any], epochs: int = 12) -> list[Any]:
    params = [lib.zeros(1, requires_grad=True), lib.zeros(1, requires_grad=True)]
    opt = lib.optim.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.3}], lr=1.0)
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
    lrs = []
    for _ in range(epochs):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr() + [group["lr"] for group in opt.param_groups])
    state = sched.state_dict()
    state.pop("lr_lambda", None)
    return [lrs, repr(opt), {k: v for k, v in state.items() if k != "lr_lambdas"}]


SCHEDULES = [
    ("MultiStepLR", {"milestones": [2, 5, 5, 9], "gamma": 0.3}),
    ("CosineAnnealingLR", {"T_max": 4}),
    ("CosineAnnealingLR", {"T_max": 5, "eta_min": 0.05}),
    ("LambdaLR", {"lr_lambda": lambda epoch: 0.9**epoch}),
    ("LambdaLR", {"lr_lambda": [Warmup(4), lambda epoch: 1 / (epoch + 1)]}),
]


@pytest.mark.parametrize(("name", "kwargs"), SCHEDULES, ids=lambda v: str(v)[:30])
def test_schedule_as_torch(name: str, kwargs: dict[str, Any]) -> None:
    assert _schedule(minigrad, name, kwargs) == _schedule(torch, name, kwargs)


def test_lambda_lr_state_dict_as_torch() -> None:
    def saved(lib: Any) -> list[Any]:
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0)
        sched = lib.optim.lr_scheduler.LambdaLR(opt, [Warmup(3)])
        state = sched.state_dict()
        fresh = lib.optim.lr_scheduler.LambdaLR(opt, [Warmup(7)])
        fresh.load_state_dict(state)
        return [state["lr_lambdas"], fresh.lr_lambdas[0].steps, sorted(state)]

    assert saved(minigrad) == saved(torch)
    with pytest.raises(ValueError, match="^Expected 1 lr_lambdas, but got 2$"):
        minigrad.optim.lr_scheduler.LambdaLR(
            minigrad.optim.SGD([minigrad.zeros(1, requires_grad=True)], lr=1.0), [abs, abs]
        )


CLIPS = [
    ("norm", {"max_norm": 1.0}),
    ("norm", {"max_norm": 100.0}),
    ("norm", {"max_norm": 0.5, "norm_type": 1}),
    ("norm", {"max_norm": 2.0, "norm_type": float("inf")}),
    ("value", {"clip_value": 0.7}),
]


@pytest.mark.parametrize(("kind", "kwargs"), CLIPS)
def test_clip_grad_as_torch(kind: str, kwargs: dict[str, Any]) -> None:
    def clipped(lib: Any) -> list[Any]:
        import torch.nn.utils  # noqa: F401  (loads torch's submodule; minigrad's is loaded)

        a = lib.tensor([[0.5, -2.0], [1.5, 0.25]], requires_grad=True)
        b = lib.tensor([3.0, -1.0], requires_grad=True)
        unused = lib.tensor([1.0], requires_grad=True)
        ((a * a * a).sum() + (b * b).sum()).backward()
        fn = getattr(lib.nn.utils, f"clip_grad_{kind}_")
        total = fn([a, b, unused], **kwargs)
        return [repr(total), a.grad.numpy().round(5).tolist(), b.grad.numpy().round(5).tolist()]

    assert clipped(minigrad) == clipped(torch)


def test_clip_grad_norm_nonfinite_as_torch() -> None:
    def failed(lib: Any) -> str:
        import torch.nn.utils  # noqa: F401

        w = lib.tensor([1.0, 2.0], requires_grad=True)
        (w * float("inf")).sum().backward()
        try:
            lib.nn.utils.clip_grad_norm_(w, 1.0, error_if_nonfinite=True)
        except RuntimeError as err:
            return str(err)
        return "no error"

    assert failed(minigrad) == failed(torch)
    assert repr(minigrad.nn.utils.clip_grad_norm_([], 1.0)) == repr(
        torch.nn.utils.clip_grad_norm_([], 1.0)
    )
