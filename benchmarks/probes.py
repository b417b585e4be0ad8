"""Measurements that need a fresh interpreter: start-up, the Jupyter layer, the million-op chain.

Each probe is a small script run with `sys.executable`; it prints one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Every probe measures CPU time (see timing.cpu_seconds), its own plus its finished children's.
CPU = """
import resource, time
def cpu():
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
"""

IMPORT = (
    CPU
    + """
start = cpu()
import {module}
print({{"seconds": cpu() - start}})
"""
)

# A lesson cell: a tiny two-layer network and its loss, as a notebook would write it.
LESSON = """\
x = minigrad.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
w = minigrad.tensor([[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6]], requires_grad=True)
b = minigrad.tensor([0.01, -0.02], requires_grad=True)
h = (x @ w + b).tanh()
loss = (h * h).mean()
"""

SHELL = (
    CPU
    + """
import json, statistics
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_cell("import minigrad", store_history=False)
start = cpu()
shell.run_line_magic("load_ext", "minigrad")
load = cpu() - start
CELL = {cell!r}

def timed(before, code, repeats={repeats}):
    samples = []
    for i in range(repeats + 1):  # the first run warms up
        shell.run_cell(before, store_history=False, silent=True)
        start = cpu()
        result = shell.run_cell(code, store_history=False)
        samples.append(cpu() - start)
        result.raise_error()
    return statistics.median(samples[1:])

out = {{"load_ext": load}}
out["cell"] = timed("pass", CELL)
out["trace"] = timed("pass", "%%trace\\n" + CELL)
out["backward_plain"] = timed(CELL, "loss.backward()")
out["backward_magic"] = timed(CELL, "%backward loss")
print(json.dumps(out))
"""
)

MILLION = (
    CPU
    + """
import json, sys

def peak_kb():  # VmHWM: this process's peak RSS (ru_maxrss would include the parent's)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))

sys.setrecursionlimit(1000)  # nothing may recurse over the graph
import numpy as np
import minigrad
before = peak_kb()
x = minigrad.tensor(0.3, requires_grad=True)
y = x
start = cpu()
for i in range({n}):
    step = i % 3
    y = y * 0.5 if step == 0 else y + 0.5 if step == 1 else y.tanh()
y.backward()
seconds = cpu() - start
peak = peak_kb()
print(json.dumps({{"seconds": seconds, "peak_mb": (peak - before) / 1024,
                  "grad": float(x.grad)}}))
"""
)


# W4 with one library alone: in the benchmark's own process torch's ~170,000 Python objects
# would be rescanned by every full garbage collection while minigrad builds its graph.
ALONE = (
    CPU
    + """
import json, statistics, sys
sys.path.insert(0, {benchmarks!r})
import numpy as np
import workloads
rng = np.random.default_rng(1)
x0 = rng.uniform(-1, 1, ()).astype(np.float32)
c0 = np.full((), 0.5, np.float32)
if {lib!r} == "numpy":
    run = lambda: workloads.chain_numpy(x0, c0, {n})
else:
    import {lib} as lib
    if {lib!r} == "torch":
        lib.set_num_threads(1)
    run = lambda: workloads.chain(lib, x0, c0, {n})
value, grad = run()  # the warm-up; its results are compared across the libraries
samples = []
for _ in range({repeats}):
    start = cpu()
    run()
    samples.append(cpu() - start)
print(json.dumps({{"seconds": statistics.median(samples), "value": float(value),
                  "grad": float(grad)}}))
"""
)


def run_probe(script: str) -> dict[str, Any]:
    """Run `script` in a fresh interpreter (repo root on sys.path) and parse its JSON output.

    The child may write bytecode caches (`__pycache__`, git-ignored) as a user's Python does,
    even where PYTHONDONTWRITEBYTECODE is set: otherwise every import would recompile minigrad.

    Args:
        script: Python source that prints one JSON object (or a dict literal) last.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + script],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise RuntimeError(f"probe failed:\n{out.stderr[-2000:]}")
    last = out.stdout.strip().splitlines()[-1]
    return json.loads(last.replace("'", '"'))


# minigrad's own modules: numpy is imported first, then minigrad is timed alone
OWN_IMPORT = (
    CPU
    + """
import numpy
start = cpu()
import minigrad
print({"seconds": cpu() - start})
"""
)


def _median_seconds(script: str, repeats: int) -> float:
    """Median of the "seconds" `script` reports over `repeats` fresh interpreters, after a
    warm-up one (which writes the bytecode caches)."""
    samples = [float(run_probe(script)["seconds"]) for _ in range(repeats + 1)]
    return statistics.median(samples[1:])


def own_import_seconds(repeats: int) -> float:
    """Median seconds of `import minigrad` in a fresh interpreter that has imported numpy.

    Args:
        repeats: how many fresh interpreters to time (after a warm-up one).
    """
    return _median_seconds(OWN_IMPORT, repeats)


def import_seconds(module: str, repeats: int) -> float:
    """Median seconds that `import module` takes in a fresh interpreter, after a warm-up one.

    Args:
        module: what to import.
        repeats: how many fresh interpreters to time.
    """
    return _median_seconds(IMPORT.format(module=module), repeats)


def shell_latency(repeats: int) -> dict[str, float]:
    """`%load_ext minigrad` (fresh kernel), a lesson cell plain, under %%trace, and %backward."""
    return run_probe(SHELL.format(cell=LESSON, repeats=repeats))


def million_chain(n: int) -> dict[str, float]:
    """A chain of `n` scalar minigrad ops then backward: seconds and peak extra memory (MB)."""
    return run_probe(MILLION.format(n=n))


def chain_alone(lib: str, n: int, repeats: int) -> dict[str, float]:
    """W4's chain of `n` scalar ops with `lib` alone in a fresh interpreter: median seconds.

    Args:
        lib: "minigrad", "torch" or "numpy" (by hand).
        n: the number of ops.
        repeats: timed runs after one warm-up.
    """
    benchmarks = str(ROOT / "benchmarks")
    return run_probe(ALONE.format(lib=lib, n=n, repeats=repeats, benchmarks=benchmarks))
