"""The benchmark workloads compute the same numbers in minigrad, PyTorch and numpy by hand."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import minigrad

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import workloads  # noqa: E402


def _results(runs: dict[str, workloads.Run]) -> dict[str, list[np.ndarray]]:
    return {lib: run() for lib, run in runs.items()}


@pytest.mark.parametrize("shape", [(3, 3), ()], ids=["3x3", "scalar"])
def test_bench_chain_agrees_across_libraries(shape: tuple[int, ...]) -> None:
    workloads.check_equal(_results(workloads.chain_runs(torch, minigrad, shape, 60)), 1e-4, 1e-6)


def test_bench_mlp_agrees_across_libraries() -> None:
    workloads.check_equal(_results(workloads.mlp_runs(torch, minigrad, 5)), 1e-3, 1e-4)


def test_bench_layers_agree_across_libraries_and_repeat() -> None:
    runs = workloads.layers_runs(torch, minigrad, 16)
    first = _results(runs)
    workloads.check_equal(first, 1e-4, 1e-4)
    again = runs["minigrad"]()  # leaves are reused: their grads must be reset, not accumulated
    for a, b in zip(again, first["minigrad"]):
        np.testing.assert_allclose(a, b)


def test_bench_check_equal_rejects_a_difference() -> None:
    good = [np.ones(3)]
    with pytest.raises(AssertionError, match="torch result 0 differs"):
        workloads.check_equal({"numpy": good, "torch": [np.ones(3) * 1.1]}, 1e-4, 1e-6)


def test_bench_chain_alone_runs_each_library_in_a_fresh_process() -> None:
    import probes  # benchmarks/ is on sys.path (above)

    alone = {lib: probes.chain_alone(lib, 30, 1) for lib in ("minigrad", "numpy")}
    assert alone["minigrad"]["seconds"] > 0
    np.testing.assert_allclose(alone["minigrad"]["value"], alone["numpy"]["value"], rtol=1e-5)
    np.testing.assert_allclose(alone["minigrad"]["grad"], alone["numpy"]["grad"], rtol=1e-4)
    assert alone["numpy"]["grad"] != 0  # a short chain: the gradient has not vanished yet


def test_bench_median_times_takes_turns() -> None:
    from timing import median_times

    calls: list[str] = []
    times = median_times({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, 3)
    assert calls == ["a", "b"] * 3
    assert set(times) == {"a", "b"} and all(t >= 0 for t in times.values())


def test_bench_own_import_times_minigrad_after_numpy() -> None:
    import probes  # benchmarks/ is on sys.path (above)

    assert 0 < probes.own_import_seconds(1) < 5
