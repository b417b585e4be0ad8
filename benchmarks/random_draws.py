"""10 million float32 draws: minigrad's torch-identical rand/randn against numpy's own generator.

Run: python benchmarks/random_draws.py  (prints the best of 3 runs and the ratio).
"""

from __future__ import annotations

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
    rng = np.random.default_rng(0)
    minigrad.manual_seed(0)
    pairs = [
        ("rand", lambda: minigrad.rand(N), lambda: rng.random(N, dtype=np.float32)),
        ("randn", lambda: minigrad.randn(N), lambda: rng.standard_normal(N, dtype=np.float32)),
    ]
    for name, ours, theirs in pairs:
        a, b = best(ours), best(theirs)
        print(f"{name:6s} minigrad {a * 1e3:7.1f} ms  numpy {b * 1e3:7.1f} ms  ratio {a / b:5.2f}x")


if __name__ == "__main__":
    main()
