"""The random-program fuzzer, bounded: seeded programs agree with torch (FUZZ_SEED, N override)."""

from __future__ import annotations

import os

import fuzzing
import pytest
import torch

import minigrad

SEED = int(os.environ.get("FUZZ_SEED", "0"))
COUNT = int(os.environ.get("N", "150"))


def test_random_programs_agree_with_torch() -> None:
    """Every program gives torch's outcomes and tensors, or a listed known difference."""
    stats = fuzzing.fuzz(COUNT, SEED)
    assert not stats["failures"], fuzzing.report(stats)
    assert stats["agree"] > COUNT // 2  # the comparison must not be excusing most programs


def test_a_mismatch_is_found_and_shrunk() -> None:
    """The comparison sees a wrong grad_fn name and the shrinker keeps only what shows it."""
    program = ["t0 = torch.ones(2, 3, requires_grad=True)", "t1 = t0 * 2", "t2 = t0.exp()"]
    assert fuzzing.run(program) is None
    real = minigrad.Tensor.exp
    minigrad.Tensor.exp = lambda self: self.sin()  # type: ignore[method-assign]
    try:
        small = fuzzing.shrink(program)
        assert small == [program[0], program[2]]
        assert "grad_fn: 'SinBackward0' != 'ExpBackward0'" in str(fuzzing.run(small))
    finally:
        minigrad.Tensor.exp = real  # type: ignore[method-assign]


@pytest.mark.parametrize(
    "key", ["[:]", "[:5]", "[...]", "[:, :3]", "[..., :9]", "[:, :2]", "[0:2, 1:]"]
)
def test_slice_nodes_match_torch(key: str) -> None:
    """A tuple key keeping every element is AliasBackward0 (torch 2.x); `t[:]` is a slice."""
    names = []
    for lib in (minigrad, torch):
        x = lib.ones(2, 3, requires_grad=True)
        y = eval(f"x{key}")
        y.sum().backward()
        names.append((y.grad_fn.name(), tuple(y.shape), x.grad.tolist()))
    assert names[0] == names[1]
