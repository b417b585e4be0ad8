"""The benchmark suites: each checks that the libraries agree, times them, and adds table rows."""

from __future__ import annotations

import subprocess
from typing import Any

import numpy as np
import probes
import workloads
from timing import Table, freeze, median_times

LIBRARIES = ("minigrad", "torch", "numpy")  # numpy: by hand


def _agree_then_time(
    runs: dict[str, workloads.Run], repeats: int, rtol: float, atol: float
) -> dict[str, float]:
    """Check the libraries' results agree (this run is also the warm-up), then time each."""
    workloads.check_equal({lib: run() for lib, run in runs.items()}, rtol, atol)
    freeze()
    return median_times(runs, repeats)


def compute(table: Table, repeats: int, quick: bool) -> None:
    """W1-W4: per-op overhead, an MLP, large arrays, a deep chain (and a million-op one)."""
    import torch

    import minigrad

    torch.set_num_threads(1)
    t = _agree_then_time(workloads.chain_runs(torch, minigrad, (3, 3), 1000), repeats, 1e-4, 1e-6)
    table.add("W1 per op, (3,3) chain of 1000", "us/op", _scaled(t, 1e6 / 1000), "torch", 1.0)

    steps = 50 if quick else 200
    t = _agree_then_time(workloads.mlp_runs(torch, minigrad, steps), repeats, 1e-3, 1e-4)
    table.add(f"W2 MLP SGD step ({steps} steps)", "ms/step", _scaled(t, 1e3 / steps), "torch", 0.5)

    size = 512 if quick else 1024
    t = _agree_then_time(workloads.layers_runs(torch, minigrad, size), repeats, 1e-3, 1e-2)
    table.add(f"W3 {size}x{size} x4 tanh fwd+bwd", "ms", _scaled(t, 1e3), "numpy", 1.05)

    # W4 runs each library alone in a fresh interpreter, as a student's notebook runs minigrad
    # (a deep graph is where the garbage collector's work shows); then here, with torch's
    # objects frozen out of the collector's sight (timing.freeze)
    alone = {lib: probes.chain_alone(lib, 20_000, repeats) for lib in LIBRARIES}
    results = {lib: [np.asarray(r["value"]), np.asarray(r["grad"])] for lib, r in alone.items()}
    workloads.check_equal(results, 1e-4, 1e-6)
    t = {lib: r["seconds"] for lib, r in alone.items()}
    table.add("W4 20,000 scalar ops + backward", "ms", _scaled(t, 1e3), "torch", 1.0)
    t = _agree_then_time(workloads.chain_runs(torch, minigrad, (), 20_000), repeats, 1e-4, 1e-6)
    table.add("   the same in this process", "ms", _scaled(t, 1e3), "torch", None)

    n = 100_000 if quick else 1_000_000
    deep = probes.million_chain(n)
    table.add(f"W4 {n:,} scalar ops (minigrad)", "s", {"minigrad": deep["seconds"]}, None, None)
    per_op = deep["peak_mb"] * 2**20 / n
    table.add("   peak extra memory", "MB", {"minigrad": deep["peak_mb"]}, None, None)
    table.note("   per op", f"{per_op:.0f} bytes/op, freed as backward walks")


def jupyter(table: Table, repeats: int, quick: bool) -> None:
    """Start-up, `%load_ext`, `%%trace` and `%backward` latency, and W5 (drawing)."""
    imports = {lib: probes.import_seconds(lib, repeats) * 1e3 for lib in LIBRARIES}
    table.add("import (fresh process)", "ms", imports, "torch", None, limit=100)
    own = {"minigrad": probes.own_import_seconds(repeats) * 1e3}
    table.add("   of which minigrad's own modules", "ms", own, None, None)
    _drawing(table, repeats)
    try:
        shell = probes.shell_latency(repeats)
    except RuntimeError as exc:
        table.note("%load_ext / %%trace / %backward", f"n/a (not available: {exc})"[:120])
        return
    table.add("%load_ext minigrad (fresh kernel)", "ms", {"minigrad": shell["load_ext"] * 1e3})
    cell = shell["cell"] * 1e3
    trace = {"minigrad": shell["trace"] * 1e3, "other": cell}
    table.add("lesson cell: %%trace vs plain", "ms", trace, "other", None)
    back = {"minigrad": shell["backward_magic"] * 1e3, "other": shell["backward_plain"] * 1e3}
    table.add("%backward loss vs loss.backward()", "ms", back, "other", None)


def _drawing(table: Table, repeats: int) -> None:
    """W5: `magics.draw(...).svg()` on a ~500-node graph against graphviz-pure on its DOT."""
    try:
        import magics
        from magics.draw import render
    except ImportError as exc:
        table.note("W5 draw ~500 nodes to SVG", f"n/a (not available: {exc})")
        return
    loss, names = _lesson_graph()
    graph = magics.draw(loss, names=names, max_nodes=1000)
    exe = render.executable()

    def plain() -> bytes:
        return subprocess.run([exe, "-Tsvg"], input=graph.dot.encode(), capture_output=True).stdout

    def ours() -> str:
        return magics.draw(loss, names=names, max_nodes=1000).svg()

    assert ours().encode() == plain(), "draw() and plain graphviz-pure gave different SVG"
    freeze()
    t = _scaled(median_times({"minigrad": ours, "other": plain}, repeats), 1e3)
    table.add(f"W5 draw {graph.nodes} nodes to SVG", "ms", t, "other", 1.0)
    # draw() is this much work plus the very Graphviz run it is compared with
    own = median_times(
        {"minigrad": lambda: magics.draw(loss, names=names, max_nodes=1000).dot}, repeats
    )
    table.add("   draw()'s own work (walk + DOT)", "ms", _scaled(own, 1e3), None, None)


def _lesson_graph() -> tuple[Any, dict[str, Any]]:
    """A ~500-node minigrad graph, wide as a lesson's: 100 terms tanh(x[i] * w + 0.1), stacked."""
    import minigrad

    rng = np.random.default_rng(5)
    w = minigrad.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
    xs = minigrad.tensor(rng.standard_normal((100, 4)).astype(np.float32))
    loss = minigrad.stack([(xs[i] * w + 0.1).tanh() for i in range(100)]).sum()
    return loss, {"w": w, "xs": xs, "loss": loss}


def _scaled(times: dict[str, float], factor: float) -> dict[str, float | None]:
    return {lib: seconds * factor for lib, seconds in times.items()}
