"""The error explainer in a real IPython shell, for minigrad and for real PyTorch.

Each error runs in a cell: IPython's own traceback must still be printed (the cell fails),
the explanation must name the node and the user's line, and its suggested fix, run in the
same namespace, must work. Also: the handler never raises, unknown errors pass through, and
`uninstall` restores the shell.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from IPython.utils.capture import capture_output

from magics import explain
from magics.explain import table
from magics.explain.explanation import Explanation
from minigrad import graph
from minigrad.errors import MinigradError

ANSI = re.compile(r"\x1b\[[0-9;]*m")
SETUP = "import {lib} as torch\nx = torch.tensor([1., 2., 3.], requires_grad=True)"


@dataclass(frozen=True)
class Case:
    """A cell that fails, what its explanation must name, and a check that the fix worked."""

    kind: str
    cell: str
    node: str | None  # the node the explanation names (minigrad)
    line: str  # a user line the explanation shows (minigrad: where the node was made)
    check: str  # true after the suggested fix has run
    torch_node: str | None = None  # the node named for real PyTorch, when it can be found


CASES = [
    Case(
        "nonscalar_backward",
        "y = x * 2\ny.backward()",
        "MulBackward0",
        "y = x * 2",
        "x.grad.tolist() == [2.0, 2.0, 2.0]",
        "MulBackward0",
    ),
    Case(
        "backward_twice",
        "loss = (x * x).sum()\nloss.backward()\nloss.backward()",
        "MulBackward0",
        "loss = (x * x).sum()",
        "x.grad.tolist() == [4.0, 8.0, 12.0]",
        "MulBackward0",
    ),
    Case(
        "modified_saved",
        "y = x.exp()\nz = y.sum()\ny.add_(1)\nz.backward()",
        "ExpBackward0",
        "y.add_(1)",
        "abs(x.grad - x.exp()).max().item() < 1e-6",
        "ExpBackward0",
    ),
    Case(
        "modified_saved",
        "w = x * 2\nq = (w * w).sum()\nw += 1\nq.backward()",
        "MulBackward0",
        "w += 1",
        "x.grad.tolist() == [8.0, 16.0, 24.0]",
        "MulBackward0",
    ),
    Case("inplace_leaf", "x.add_(1)", None, "x.add_(1)", "x.tolist() == [2.0, 3.0, 4.0]"),
    Case(
        "inplace_leaf_view",
        "x[:1].mul_(2)",
        "SliceBackward0",
        "x[:1].mul_(2)",
        "x.tolist() == [2.0, 2.0, 3.0]",
    ),
    Case(
        "requires_grad_int",
        "n = torch.tensor([1, 2, 3], requires_grad=True)",
        None,
        "n = torch.tensor([1, 2, 3], requires_grad=True)",
        "n.requires_grad and n.is_floating_point()",
    ),
    Case(
        "requires_grad_nonleaf",
        "y = x * 2\ny.requires_grad = False",
        "MulBackward0",
        "y = x * 2",
        "y.grad_fn is None and not y.requires_grad",
        "MulBackward0",
    ),
    Case(
        "no_grad_fn",
        "with torch.no_grad():\n    u = (x * 2).sum()\nu.backward()",
        None,
        "u = (x * 2).sum()",
        "x.grad.tolist() == [2.0, 2.0, 2.0]",
    ),
    Case(
        "no_grad_fn",
        "c = torch.tensor([1., 2.])\nd = (c * c).sum()\nd.backward()",
        None,
        "d = (c * c).sum()",
        "c.grad.tolist() == [2.0, 4.0]",
    ),
    Case(
        "no_grad_fn",
        "v = (x.detach() * 3).sum()\nv.backward()",
        None,
        "v = (x.detach() * 3).sum()",
        "x.grad.tolist() == [3.0, 3.0, 3.0]",
    ),
    Case(
        "gradient_shape",
        "y = x * 2\ny.backward(torch.ones(1))",
        "MulBackward0",
        "y = x * 2",
        "x.grad.tolist() == [2.0, 2.0, 2.0]",
        "MulBackward0",
    ),
    Case(
        "matmul_shape",
        "A = torch.ones(4, 3)\nW = torch.ones(2, 3, requires_grad=True)\nh = A @ W",
        "MmBackward0",
        "h = A @ W",
        "tuple(h.shape) == (4, 2)",
        "MmBackward0",
    ),
    Case(
        "broadcast",
        "A = torch.ones(4, 3)\nb = torch.tensor([1., 2., 3., 4.], requires_grad=True)\ns = A + b",
        "AddBackward0",
        "s = A + b",
        "tuple(s.shape) == (4, 3) and s[:, 0].tolist() == [2.0, 3.0, 4.0, 5.0]",
        "AddBackward0",
    ),
    Case(
        "numpy_requires_grad",
        "y = x * 2\narr = y.numpy()",
        "MulBackward0",
        "y = x * 2",
        "arr.tolist() == [2.0, 4.0, 6.0]",
        "MulBackward0",
    ),
    Case(
        "item_multi",
        "y = x * 2\nv = y.item()",
        "MulBackward0",
        "y = x * 2",
        "v == [2.0, 4.0, 6.0]",
        "MulBackward0",
    ),
    Case(
        "item_multi",
        "y = x * 2\nv = float(y)",
        "MulBackward0",
        "y = x * 2",
        "v == [2.0, 4.0, 6.0]",
        "MulBackward0",
    ),
]


@contextmanager
def loaded(shell: Any) -> Iterator[Any]:
    """The explainer installed on `shell` with creation sites on (as `%load_ext` does)."""
    before = graph.recorder.sites
    graph.record_sites(True)
    explain.install(shell)
    try:
        yield shell
    finally:
        explain.uninstall(shell)
        graph.record_sites(before)


def run(shell: Any, cell: str) -> tuple[Any, Any]:
    """Run `cell` as a notebook does (its own In[n]); return the result and captured output."""
    with capture_output() as captured:
        result = shell.run_cell(cell, store_history=True)
    return result, captured


def shown(captured: Any) -> list[Explanation]:
    """The explanations displayed (as text/plain + text/html bundles) in captured output."""
    bundles = [o.data for o in captured.outputs]
    assert all("text/html" in b for b in bundles)
    return [b for b in bundles if "explains" in b["text/plain"] or "Note" in b["text/plain"]]


def last(shell: Any) -> Explanation:
    """The last explanation, through `%explain` (which adds the details)."""
    more = shell.run_line_magic("explain", "")
    assert isinstance(more, Explanation) and more.detailed
    return more


def check_case(shell: Any, case: Case, lib: str) -> Explanation:
    """Run the case's cell; assert the traceback and the explanation; run the fix."""
    run(shell, SETUP.format(lib=lib))[0].raise_error()
    result, captured = run(shell, case.cell)
    err = result.error_in_exec
    assert err is not None
    out = ANSI.sub("", captured.stdout)
    assert type(err).__name__ in out and str(err).splitlines()[0] in out  # IPython's traceback
    (bundle,) = shown(captured)
    ex = last(shell)
    assert ex.kind == case.kind
    failing = case.cell.splitlines()[-1].strip()
    assert failing in bundle["text/plain"]
    assert ex.fix_code, ex.text()
    run(shell, ex.fix_code)[0].raise_error()
    assert shell.ev(case.check), ex.fix_code
    return ex


@pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad=True")
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.kind}-{c.cell.splitlines()[-1]}")
def test_explain_minigrad_error_names_node_line_and_fix_works(ipython: Any, case: Case) -> None:
    with loaded(ipython):
        ex = check_case(ipython, case, "minigrad")
    text = ex.text()
    assert case.line in text
    if case.node:
        assert case.node in text
        assert ex.node == case.node or ex.kind in ("matmul_shape", "broadcast")
    assert isinstance(ipython.last_execution_result.error_in_exec, type(None))  # the fix ran


@pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad=True")
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.kind}-{c.cell.splitlines()[-1]}")
def test_explain_torch_error_matched_and_fix_works(ipython: Any, case: Case) -> None:
    pytest.importorskip("torch")
    with loaded(ipython):
        ex = check_case(ipython, case, "torch")
    assert not isinstance(ipython.user_ns["x"], MinigradError)
    assert type(ipython.user_ns["x"]).__module__.startswith("torch")
    if case.torch_node:
        assert case.torch_node in ex.text()
    assert "torch." in (ex.fix_code or "") or "minigrad" not in (ex.fix_code or "")


def test_explain_modified_saved_gives_versions(ipython: Any) -> None:
    with loaded(ipython):
        run(ipython, SETUP.format(lib="minigrad"))
        run(ipython, "y = x.exp()\nz = y.sum()\ny.add_(1)\ny.mul_(2)\nz.backward()")
        ex = last(ipython)
    assert "saved `y` at version 0" in ex.why and "now at version 2" in ex.why
    assert ex.node == "ExpBackward0"


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
def test_explain_nonleaf_grad_warning_is_a_note(ipython: Any, lib: str) -> None:
    if lib == "torch":
        pytest.importorskip("torch")
    with warnings.catch_warnings(record=True) as log, loaded(ipython):
        warnings.simplefilter("always")
        run(ipython, SETUP.format(lib=lib))
        result, captured = run(ipython, "y = x * 2\ny.sum().backward()\ng = y.grad")
        assert result.error_in_exec is None
        assert any("not a leaf Tensor" in str(w.message) for w in log)  # still shown as before
        log.clear()
        (bundle,) = shown(captured)
        ex = last(ipython)
        assert ex.note and ex.kind == "nonleaf_grad" and ex.fix_code == "x.grad"
        assert "MulBackward0" in bundle["text/plain"] and "g = y.grad" in bundle["text/plain"]
        result, captured = run(ipython, f"fixed = {ex.fix_code}")
        assert not log and not shown(captured)
        assert ipython.ev("fixed.tolist() == [2.0, 2.0, 2.0]")


def test_explain_html_is_escaped_and_self_contained(ipython: Any) -> None:
    with loaded(ipython):
        run(ipython, SETUP.format(lib="minigrad"))
        _, captured = run(ipython, "y = x * 2  # <b>bold</b> & <script>\ny.backward()")
    (bundle,) = shown(captured)
    page = bundle["text/html"]
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in page
    assert "<script" not in page and "<b>bold" not in page
    assert "MulBackward0" in page and "y.sum().backward()" in page


def test_explain_graph_drawn_with_node_highlighted(ipython: Any) -> None:
    with loaded(ipython):
        run(ipython, SETUP.format(lib="minigrad"))
        run(ipython, "y = x * 2\ny.backward()")
        ex = last(ipython)
    assert ex.graph_lines[0] == "MulBackward0 <- AccumulateGrad  <-- here"
    if ex.graph is not None:  # the drawing is optional (it needs the graphviz renderer)
        assert "MulBackward0" in ex.graph.dot
        assert "data:image/svg+xml;base64," in ex.html()


def test_explain_magic_shows_details(ipython: Any) -> None:
    with loaded(ipython):
        with capture_output() as captured:
            assert ipython.run_line_magic("explain", "") is None
        assert "No autograd error explained yet" in captured.stdout
        run(ipython, SETUP.format(lib="minigrad"))
        run(ipython, "y = x * x\ny.backward()")
        ex = last(ipython)
    text = ex.text()
    assert "Details:" in text and "grad_self = grad * other" in text
    assert "nonscalar_backward" in text


def test_explain_unrecognised_errors_pass_through(ipython: Any) -> None:
    with loaded(ipython):
        result, captured = run(ipython, "raise RuntimeError('something else entirely')")
        assert isinstance(result.error_in_exec, RuntimeError)
        assert "something else entirely" in ANSI.sub("", captured.stdout)
        assert not captured.outputs
        result, captured = run(ipython, "import minigrad\nminigrad.ones(2).view(3)")
        assert isinstance(result.error_in_exec, MinigradError)  # a kind with no row
        assert "is invalid for input of size 2" in ANSI.sub("", captured.stdout)
        assert not captured.outputs


class Weird(RuntimeError):
    """An error whose text cannot even be read."""

    def __str__(self) -> str:
        raise ValueError("no text")


def test_explain_handler_never_raises(ipython: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with loaded(ipython):
        handler = ipython.CustomTB
        nonscalar = RuntimeError("grad can be implicitly created only for scalar outputs")
        with capture_output():
            for etype, value, tb in [
                (RuntimeError, nonscalar, None),
                (RuntimeError, nonscalar, "not a traceback"),
                (Weird, Weird(), None),
                (ValueError, None, 42),
                (None, None, None),
            ]:
                handler(etype, value, tb)
        broken = dataclasses.replace(table.EXPLANATIONS[0], facts=lambda case: 1 / 0)
        monkeypatch.setattr(table, "EXPLANATIONS", (broken,) + table.EXPLANATIONS[1:])
        run(ipython, SETUP.format(lib="minigrad"))
        result, captured = run(ipython, "y = x * 2\ny.backward()")
        assert "grad can be implicitly created" in ANSI.sub("", captured.stdout)
        assert not shown(captured)
        assert ipython.CustomTB is handler  # IPython did not switch the handler off
        assert MinigradError in ipython.custom_exceptions


def shell_state(shell: Any) -> dict[str, Any]:
    """What install() touches: handler, warning hook, post_run_cell callbacks, line magics."""
    return {
        "exceptions": shell.custom_exceptions,
        "handler": shell.CustomTB,
        "showwarning": warnings.showwarning,
        "post_run_cell": list(shell.events.callbacks["post_run_cell"]),
        "magics": dict(shell.magics_manager.magics["line"]),
        "user_magic": hasattr(shell.magics_manager.user_magics, "explain"),
    }


def test_explain_uninstall_restores_everything(ipython: Any) -> None:
    before = shell_state(ipython)
    explain.install(ipython)
    explain.install(ipython)  # twice is harmless
    during = shell_state(ipython)
    assert during["handler"] is not before["handler"] and "explain" in during["magics"]
    assert during["showwarning"] is not before["showwarning"]
    explain.uninstall(ipython)
    explain.uninstall(ipython)
    assert shell_state(ipython) == before


def test_explain_keeps_a_previous_custom_handler(ipython: Any) -> None:
    seen: list[str] = []
    before = shell_state(ipython)

    def previous(self: Any, etype: Any, value: Any, tb: Any, tb_offset: Any = None) -> None:
        seen.append(str(value))

    ipython.set_custom_exc((KeyError,), previous)
    mine = shell_state(ipython)
    try:
        with loaded(ipython):
            run(ipython, "{}['missing']")
            assert seen == ["'missing'"]
        assert shell_state(ipython) == mine
    finally:
        ipython.CustomTB, ipython.custom_exceptions = before["handler"], before["exceptions"]


def test_explain_load_ext_minigrad_installs_it(ipython: Any) -> None:
    ipython.run_line_magic("load_ext", "minigrad")
    try:
        run(ipython, SETUP.format(lib="minigrad"))
        result, captured = run(ipython, "y = x * 2\ny.backward()")
        assert result.error_in_exec is not None
        (bundle,) = shown(captured)
        assert "y = x * 2" in bundle["text/plain"] and "MulBackward0" in bundle["text/plain"]
    finally:
        ipython.run_line_magic("unload_ext", "minigrad")
    assert "explain" not in ipython.magics_manager.magics["line"]


@pytest.mark.parametrize(
    "code, kind",
    [
        ("x = t.ones(3, requires_grad=True); (x * 2).backward()", "nonscalar_backward"),
        (
            "x = t.ones(3, requires_grad=True); y = (x * x).sum(); y.backward(); y.backward()",
            "backward_twice",
        ),
        (
            "x = t.ones(3, requires_grad=True); y = x.exp(); y.add_(1); y.sum().backward()",
            "modified_saved",
        ),
        ("x = t.ones(3, requires_grad=True); x.add_(1)", "inplace_leaf"),
        ("x = t.ones(3, requires_grad=True); x[0].add_(1)", "inplace_leaf_view"),
        ("t.tensor([1, 2], requires_grad=True)", "requires_grad_int"),
        ("x = t.tensor([1, 2]); x.requires_grad = True", "requires_grad_int"),
        (
            "x = t.ones(3, requires_grad=True); y = x * 2; y.requires_grad = False",
            "requires_grad_nonleaf",
        ),
        ("t.ones(3).sum().backward()", "no_grad_fn"),
        ("x = t.ones(3, requires_grad=True); (x * 2).backward(t.ones(2))", "gradient_shape"),
        ("t.ones(2, 3) @ t.ones(2, 3)", "matmul_shape"),
        ("t.ones(2, 3) @ t.ones(4)", "matmul_shape"),
        ("t.ones(3) @ t.ones(4)", "matmul_shape"),
        ("t.ones(4, 3) + t.ones(4)", "broadcast"),
        ("t.ones(3, requires_grad=True).numpy()", "numpy_requires_grad"),
        ("t.ones(3).item()", "item_multi"),
        ("float(t.ones(3))", "item_multi"),
    ],
)
def test_explain_match_real_torch_errors(code: str, kind: str) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as info:
        exec(code, {"t": torch})
    assert not isinstance(info.value, MinigradError)
    row, _ = explain.match(info.value)
    assert row is not None and row.kind == kind


KERNEL_CELLS = [
    "%load_ext minigrad\nimport minigrad as torch\n"
    "x = torch.tensor([1., 2., 3.], requires_grad=True)",
    "y = x * 2\ny.backward()",
    "y.sum().backward()\ny.grad",
    "%explain",
]


def test_explain_in_a_real_kernel_keeps_the_error_output() -> None:
    nbformat = pytest.importorskip("nbformat")
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    if "minigrad" not in KernelSpecManager().find_kernel_specs():
        pytest.skip("no 'minigrad' kernel spec")
    cells = [nbformat.v4.new_code_cell(c) for c in KERNEL_CELLS]
    nb = nbformat.v4.new_notebook(cells=cells)
    repo = str(Path(__file__).resolve().parents[1])
    client = NotebookClient(
        nb,
        kernel_name="minigrad",
        timeout=120,
        allow_errors=True,
        resources={"metadata": {"path": repo}},
    )
    client.execute()
    setup, failing, warned, again = ([dict(o) for o in c["outputs"]] for c in nb.cells)
    assert not [o for o in setup if o["output_type"] == "error"]
    kinds = [o["output_type"] for o in failing if o["output_type"] != "stream"]
    assert kinds == ["error", "display_data"], failing  # the real error, then the explanation
    assert failing[0]["ename"] == "RuntimeError"
    assert "scalar outputs" in failing[0]["evalue"]
    shown = failing[1]["data"]
    assert "MulBackward0" in shown["text/html"] and "y = x * 2" in shown["text/html"]
    assert "y.sum().backward()" in shown["text/plain"]
    streams = "".join(o.get("text", "") for o in warned if o["output_type"] == "stream")
    assert "not a leaf Tensor" in streams
    notes = [o["data"]["text/plain"] for o in warned if o["output_type"] == "display_data"]
    assert len(notes) == 1 and "x.grad" in notes[0], warned
    assert "Details:" in again[0]["data"]["text/plain"]


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
def test_explain_unnamed_expression_is_used_in_the_fix(ipython: Any, lib: str) -> None:
    if lib == "torch":
        pytest.importorskip("torch")
    with loaded(ipython):
        run(ipython, SETUP.format(lib=lib))
        run(ipython, "(x * 2).backward()")
        ex = last(ipython)
        assert ex.fix_code is not None and ex.fix_code.startswith("(x * 2).sum().backward()")
        assert "`(x * 2)`" in ex.what
        run(ipython, ex.fix_code)[0].raise_error()
    assert ipython.ev("x.grad.tolist() == [2.0, 2.0, 2.0]")


def test_explain_shapes_without_named_operands(ipython: Any) -> None:
    with loaded(ipython):
        run(ipython, "import minigrad\nminigrad.ones(4, 3) + minigrad.ones(4)")
        ex = last(ipython)
    assert "tensor a has shape [4, 3] and tensor b has shape [4]" in ex.what
    assert "AddBackward0" in ex.why and ex.fix_code is None and ex.fix.endswith(".")
