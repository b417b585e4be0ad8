"""Benchmarks for minigrad, run by `make bench`: minigrad, PyTorch and numpy by hand, side by side.

Every workload runs the same data through the three, checks that their results agree, then
times each: the median of several repetitions after a warm-up, one thread for every library.
`--quick` runs smaller repetition counts and a shorter deep chain (under a minute).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
from pathlib import Path

from timing import LIBS, Table

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded() -> None:
    """Re-run this script with every BLAS limited to one thread, unless it already is.

    OPENBLAS_CORETYPE is left as the machine sets it.
    """
    if all(os.environ.get(v) == "1" for v in THREAD_VARS):
        return
    env = dict(os.environ, **{v: "1" for v in THREAD_VARS})
    os.execve(sys.executable, [sys.executable, *sys.argv], env)


def header() -> str:
    """Machine, date and versions, for the table's heading."""
    import numpy as np
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = ""
    try:
        from threadpoolctl import threadpool_info

        infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        blas = ", ".join(
            f"{i['internal_api']} {i.get('architecture')} x{i['num_threads']}" for i in infos
        )
    except ImportError:
        blas = "threadpoolctl not installed"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{now}; {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"numpy {np.__version__}, torch {torch.__version__} (1 thread); BLAS: {blas}; "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}"
    )


def main() -> None:
    """Run every benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Fewer repetitions; under a minute.")
    parser.add_argument("--repeats", type=int, default=None, help="Timed repetitions per cell.")
    args = parser.parse_args()
    single_threaded()
    import suites

    repeats = args.repeats or (3 if args.quick else 7)
    print(header())
    quick = " (--quick)" if args.quick else ""
    print(f"CPU time (process + children), medians of {repeats} runs after a warm-up{quick}")
    print(f"{'workload':<36}{'unit':<8}" + "".join(f"{lib:>10}" for lib in LIBS) + "  ratio")
    table = Table()
    suites.compute(table, repeats, args.quick)
    suites.jupyter(table, repeats, args.quick)


if __name__ == "__main__":
    main()
