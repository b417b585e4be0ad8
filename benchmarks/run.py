"""Benchmarks for minigrad, run by `make bench`: minigrad, PyTorch and numpy by hand, side by side.

Every workload runs the same data through the three, checks that their results agree, then
times each: the median of several repetitions after a warm-up, one thread for every library.
`--quick` runs smaller repetition counts and a shorter deep chain (under a minute).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
LIBS = ("minigrad", "torch", "numpy", "other")  # other: graphviz, or the plain cell


def single_threaded() -> None:
    """Re-run this script with every BLAS limited to one thread, unless it already is.

    OPENBLAS_CORETYPE is left as the machine sets it.
    """
    if all(os.environ.get(v) == "1" for v in THREAD_VARS):
        return
    env = dict(os.environ, **{v: "1" for v in THREAD_VARS})
    os.execve(sys.executable, [sys.executable, *sys.argv], env)


def cpu_seconds() -> float:
    """CPU time used so far by this process and its finished children (e.g. Graphviz).

    The machine may be shared: CPU time, unlike wall-clock time, does not count the time other
    processes hold the cores. Every workload here runs on one thread, so on an idle machine
    the two agree.
    """
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def median_times(fns: Mapping[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """Median CPU seconds of each function, timed in turns (a, b, c, a, b, c, ...).

    Taking turns spreads the machine's slow and fast moments over all of them alike, where
    timing one library's runs after the other's would hand a slow spell to one of them.

    Args:
        fns: name -> the work to time (already warmed up).
        repeats: how many timed calls of each.
    """
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = cpu_seconds()
            fn()
            samples[name].append(cpu_seconds() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


class Table:
    """Rows of (workload, unit, a value per library, ratio, target), printed as text."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, Mapping[str, float | None], str, str]] = []

    def add(
        self,
        name: str,
        unit: str,
        values: Mapping[str, float | None],
        against: str | None = None,
        target: float | None = None,
        limit: float | None = None,
    ) -> None:
        """Add one row; the ratio is minigrad's value over `against`'s, checked against target.

        Args:
            name: the workload.
            unit: what the values are (e.g. "us/op").
            values: library -> value (None: not measured).
            against: the library the ratio divides by (None: no ratio).
            target: the ratio minigrad must stay at or under (None: no target).
            limit: a bound on minigrad's value itself, in `unit` (None: no bound).
        """
        ratio, verdict = "", ""
        base = values.get(against) if against else None
        if base:
            r = (values["minigrad"] or 0) / base
            ratio = f"{r:.2f}x {against}"
            if target is not None:
                verdict = f"<= {target:g}x: " + ("met" if r <= target else "NOT met")
        if limit is not None:
            met = (values["minigrad"] or 0) < limit
            verdict = f"< {limit:g} {unit}: " + ("met" if met else "NOT met")
        self.rows.append((name, unit, values, ratio, verdict))
        print(_format_row(self.rows[-1]), flush=True)

    def note(self, name: str, text: str) -> None:
        """A row with text instead of numbers (e.g. "n/a (not available)")."""
        self.rows.append((name, "", {}, text, ""))
        print(_format_row(self.rows[-1]), flush=True)


def _format_row(row: tuple[str, str, Mapping[str, float | None], str, str]) -> str:
    name, unit, values, ratio, verdict = row
    cells = [f"{name:<36}{unit:<8}"]
    for lib in LIBS:
        v = values.get(lib)
        cells.append(f"{'' if v is None else _number(v):>10}")
    return "".join(cells) + f"  {ratio:<18}{verdict}"


def _number(v: float) -> str:
    return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"


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


def freeze() -> None:
    """Move every object made so far out of the garbage collector's sight (before timing).

    The three libraries share this process. torch's import, and its first calls, leave
    ~170,000 Python objects that every full collection would rescan while minigrad builds a
    graph; PyTorch's own graph lives in C++, out of the collector's sight, and a student's
    notebook has no torch in it. `gc.freeze()` spares the workloads that scan, and changes
    nothing else; each workload calls it after its warm-up run.
    """
    gc.collect()
    gc.freeze()


if __name__ == "__main__":
    main()
