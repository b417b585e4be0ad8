"""One real Jupyter kernel (through nbclient) runs `%load_ext minigrad`, `%%trace`, `%backward`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
CELLS = [
    "%load_ext minigrad\nimport minigrad\n"
    "x = minigrad.tensor([1.0, 2.0], requires_grad=True)\n"
    "w = minigrad.tensor([3.0, -1.0], requires_grad=True)",
    "%%trace\ny = x * w\nloss = y.sum()\nprint('cell output')",
    "%backward loss --step",
    "x",
    "%%trace\nz = x @ minigrad.ones(3)",
]


def kernel_name() -> str:
    """The project's kernel when installed, else the one running this interpreter."""
    specs = KernelSpecManager().find_kernel_specs()
    if "minigrad" in specs:
        return "minigrad"
    pytest.skip(f"no 'minigrad' kernel spec for {sys.executable}")


def outputs(cell: Any) -> list[dict[str, Any]]:
    return [dict(o) for o in cell["outputs"]]


def test_kernel_runs_the_magics_end_to_end() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    client = NotebookClient(
        nb,
        kernel_name=kernel_name(),
        timeout=120,
        allow_errors=True,
        resources={"metadata": {"path": str(REPO)}},
    )
    client.execute()
    setup, trace, backward, card, failing = (outputs(c) for c in nb.cells)
    assert not [o for o in setup if o["output_type"] == "error"]
    streams = "".join(o.get("text", "") for o in trace if o["output_type"] == "stream")
    assert "cell output" in streams
    mimes = [set(o.get("data", {})) for o in trace]
    assert {"image/svg+xml", "text/plain"} in mimes and {"text/html", "text/plain"} in mimes
    step = [o["data"] for o in backward if "data" in o]
    assert len(step) == 1
    assert "application/vnd.jupyter.widget-view+json" in step[0]
    assert "<svg" in step[0]["image/svg+xml"] and "x.grad = [ 3., -1.]" in step[0]["text/plain"]
    assert card[0]["data"]["text/plain"] == "tensor([1., 2.], requires_grad=True)"
    assert "minigrad-card" in card[0]["data"]["text/html"]
    errors = [o for o in failing if o["output_type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] in ("RuntimeError", "MinigradRuntimeError")
    assert any("image/svg+xml" in o.get("data", {}) for o in failing)
