"""Benchmarks for minigrad, run by `make bench`: each result is measured now, on this machine.

Start-up cost: `import minigrad` against `import numpy` and `import torch`, each timed inside a
fresh interpreter (so nothing is cached in sys.modules), repeated, and the median reported.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

IMPORT_PROBE = """
import time
start = time.perf_counter()
import {module}
print(time.perf_counter() - start)
"""


def time_import(module: str, repeats: int) -> float:
    """Median seconds that `import module` takes in a fresh interpreter.

    Args:
        module: the module to import.
        repeats: how many fresh interpreters to time.
    """
    samples = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_PROBE.format(module=module)],
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(float(out.stdout.strip()))
    return statistics.median(samples)


def import_table(repeats: int) -> list[tuple[str, float]]:
    """(module, median import seconds) for numpy, minigrad and torch."""
    return [(m, time_import(m, repeats)) for m in ("numpy", "minigrad", "torch")]


def print_table(rows: list[tuple[str, float]], baseline: str) -> None:
    """Print median times and their ratio to `baseline`'s time.

    Args:
        rows: (name, seconds) pairs.
        baseline: the row name every ratio divides by.
    """
    base = dict(rows)[baseline]
    print(f"{'import':<10} {'median ms':>10} {'x ' + baseline:>10}")
    for name, seconds in rows:
        print(f"{name:<10} {seconds * 1e3:>10.1f} {seconds / base:>10.2f}")


def main() -> None:
    """Run every benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="Fresh interpreters per timing.")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {args.repeats} fresh interpreters per import\n")
    print_table(import_table(args.repeats), baseline="numpy")


if __name__ == "__main__":
    main()
