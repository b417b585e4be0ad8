"""10 million float32 draws: minigrad's torch-identical rand/randn against numpy's generators.

Two numpy baselines: `default_rng()` (PCG64, numpy's default and fastest) and a Generator on
MT19937, the engine torch and minigrad share. Run: python benchmarks/random_draws.py (prints
the best of 3 runs and the ratios).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

import numpy as np

import minigrad

N = 10_000_000


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Print minigrad vs numpy for rand and randn."""
    pcg, mt = np.random.default_rng(0), np.random.Generator(np.random.MT19937(0))
    minigrad.manual_seed(0)
    rows = [
        ("rand", lambda: minigrad.rand(N), lambda g: g.random(N, dtype=np.float32)),
        ("randn", lambda: minigrad.randn(N), lambda g: g.standard_normal(N, dtype=np.float32)),
    ]
    for name, ours, theirs in rows:
        a = best(ours)
        b, c = (best(functools.partial(theirs, g)) for g in (pcg, mt))
        print(
            f"{name:6s} minigrad {a * 1e3:7.1f} ms  numpy PCG64 {b * 1e3:7.1f} ms ({a / b:4.2f}x)"
            f"  numpy MT19937 {c * 1e3:7.1f} ms ({a / c:4.2f}x)"
        )


if __name__ == "__main__":
    main()
