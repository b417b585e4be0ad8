"""Timing helpers for the benchmarks: CPU time, medians taken in turns, the results table."""

from __future__ import annotations

import gc
import resource
import statistics
import time
from collections.abc import Callable, Mapping
from typing import Any

LIBS = ("minigrad", "torch", "numpy", "other")  # other: graphviz, or the plain cell


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
