"""`%%trace`, `%backward` and `%minigrad` driven through a real `InteractiveShell`."""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from IPython.core.error import UsageError

import minigrad
from magics.commands import MinigradMagics
from magics.results import BackwardResult, TraceResult
from minigrad.graph import recorder

SETUP = (
    "import minigrad\n"
    "x = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
    "w = minigrad.tensor([0.5, -1.0, 2.0], requires_grad=True)\n"
)


@pytest.fixture
def shell(ipython: Any) -> Iterator[Any]:
    """The shell with the extension loaded and two leaves `x`, `w` defined."""
    ipython.run_line_magic("load_ext", "minigrad")
    ipython.run_cell(SETUP).raise_error()
    yield ipython
    for name in ("x", "w", "y", "z", "loss", "T", "B"):
        ipython.user_ns.pop(name, None)


def run(shell: Any, cell: str) -> Any:
    """Run a cell without storing history (so Out[] keeps nothing alive)."""
    return shell.run_cell(cell, store_history=False)


def test_trace_lists_ops_in_order_with_lines_and_shapes(shell: Any) -> None:
    r = run(shell, "%%trace -o T\ny = x * w\nz = y.sum()\n")
    r.raise_error()
    result = shell.user_ns["T"]
    assert isinstance(result, TraceResult)
    assert [(row.line, row.op, row.grad_fn) for row in result.rows] == [
        ("1", "mul", "MulBackward0"),
        ("2", "sum", "SumBackward0"),
    ]
    assert result.rows[0].inputs == ["[3]", "[3]"] and result.rows[0].output == "[3]"
    assert result.rows[1].output == "[]"
    assert result.rows[0].source == "y = x * w"
    assert "y = x * w" in result.text() and "[3], [3] -> [3]" in result.text()
    assert result.names[:2] == ["y", "z"] and set(result.names) == {"y", "z", "x", "w"}


def test_trace_keeps_cell_output(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    run(shell, "%%trace\ny = x * 2\nprint('hello from the cell')\n").raise_error()
    assert "hello from the cell" in capsys.readouterr().out


def test_trace_returns_result_as_cell_value(shell: Any) -> None:
    r = run(shell, "%%trace\ny = x + 1\n")
    assert isinstance(r.result, TraceResult) and r.result.graph is not None
    bundle = r.result._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert "<table" in bundle["text/html"] and "AddBackward0" in bundle["text/html"]


def test_trace_backward_matches_real_grads(shell: Any) -> None:
    run(shell, "%%trace --backward -o T\nloss = (x * w).sum()\n").raise_error()
    result = shell.user_ns["T"]
    np.testing.assert_allclose(result.grads["x"], [0.5, -1.0, 2.0])
    np.testing.assert_allclose(result.grads["w"], [1.0, 2.0, 3.0])
    np.testing.assert_allclose(shell.user_ns["x"].grad.numpy(), result.grads["x"])
    assert "x.grad = " in result.text()


def test_trace_backward_needs_a_scalar(shell: Any) -> None:
    r = run(shell, "%%trace --backward\ny = x * w\n")
    assert isinstance(r.error_in_exec, UsageError)
    assert "not a scalar" in str(r.error_in_exec)


def test_trace_failing_cell_still_errors_and_shows_partial(shell: Any) -> None:
    r = run(shell, "%%trace -o T\ny = x * w\nz = y @ minigrad.ones(2)\n")
    assert isinstance(r.error_in_exec, RuntimeError)
    assert not isinstance(r.error_in_exec, UsageError)
    result = shell.user_ns["T"]
    assert [row.failed for row in result.rows] == [False, True]
    failed = result.rows[-1]
    assert failed.line == "2" and failed.op == "dot" and failed.inputs == ["[3]", "[2]"]
    assert result.error is not None and result.error.startswith("RuntimeError: ")
    assert result.graph is not None
    assert "#fde2e2" in result._repr_html_()  # the failing row is marked
    marked = [line for line in result.dot.splitlines() if "color=red" in line]
    assert len(marked) == 1 and 'label="y\\l' in marked[0]  # y, the failing op's drawn input


def test_trace_options_reach_the_drawing(shell: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from magics.draw import dag as graph

    seen: list[dict[str, Any]] = []
    real = graph.draw

    def spy(*tensors: Any, **options: Any) -> Any:
        seen.append(options)
        return real(*tensors, **options)

    monkeypatch.setattr(graph, "draw", spy)
    run(shell, "%%trace --view backward --no-values --max-nodes 7\ny = x * w\n").raise_error()
    assert seen[-1]["view"] == "backward" and seen[-1]["values"] is False
    assert seen[-1]["max_nodes"] == 7


@pytest.mark.parametrize(
    ("line", "cell", "message"),
    [
        ("", "   \n", "the cell is empty"),
        ("--bogus", "y = x * 2", "unrecognized arguments: --bogus"),
        ("--view sideways", "y = x * 2", "invalid choice"),
        ("--max-nodes 0", "y = x * 2", "--max-nodes must be at least 1"),
        ("--max-nodes many", "y = x * 2", "invalid int value"),
        ("--limit -1", "y = x * 2", "--limit must be at least 1"),
    ],
)
def test_trace_bad_input_is_one_line_usage_error(
    shell: Any, capsys: pytest.CaptureFixture[str], line: str, cell: str, message: str
) -> None:
    r = run(shell, f"%%trace {line}\n{cell}")
    assert isinstance(r.error_in_exec, UsageError)
    assert message in str(r.error_in_exec)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_trace_documents_itself() -> None:
    doc = MinigradMagics.trace.__doc__ or ""
    for option in ("--backward", "--view", "--no-values", "--max-nodes", "-o NAME"):
        assert option in doc
    assert "--step" in (MinigradMagics.backward.__doc__ or "")


def test_trace_does_not_keep_the_graph_alive(shell: Any) -> None:
    run(shell, "%%trace\ny = x * w\n").raise_error()
    node = weakref.ref(shell.user_ns["y"].grad_fn)
    del shell.user_ns["y"]
    shell.displayhook.flush()
    gc.collect()
    assert node() is None


def test_trace_thousand_cells_do_not_grow_memory(shell: Any) -> None:
    cell = "y = (x * w).sum()\n"
    for _ in range(20):
        shell.run_cell_magic("trace", "", cell)
    first = weakref.ref(shell.run_cell_magic("trace", "", cell))
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(1000):
        shell.run_cell_magic("trace", "", cell)
    gc.collect()
    assert first() is None
    assert len(gc.get_objects()) - before < 50  # no objects pile up, one trace or a thousand


def test_trace_memory_is_flat_under_tracemalloc(shell: Any) -> None:
    cell = "y = (x * w).sum()\n"
    for _ in range(20):
        shell.run_cell_magic("trace", "", cell)
    tracemalloc.start()
    try:
        sizes = []
        for _ in range(3):
            for _ in range(50):
                shell.run_cell_magic("trace", "", cell)
            gc.collect()
            sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert sizes[2] - sizes[1] < 16 * 1024


def test_backward_steps_and_grads_equal_real_backward(shell: Any) -> None:
    run(shell, "y = x * x + x.exp() * w\nloss = y.sum()\n").raise_error()
    r = run(shell, "%backward loss -o B")
    r.raise_error()
    result = shell.user_ns["B"]
    assert isinstance(result, BackwardResult)
    x, w = shell.user_ns["x"], shell.user_ns["w"]
    np.testing.assert_allclose(result.grads["x"], x.grad.numpy())
    np.testing.assert_allclose(result.grads["w"], w.grad.numpy())
    totals = {s.leaf: s.grad_in for s in result.steps if s.leaf}
    np.testing.assert_allclose(totals["x"], x.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(totals["w"], w.grad.numpy(), rtol=1e-6)
    assert result.steps[0].name == "SumBackward0"
    assert [s.index for s in result.steps] == list(range(len(result.steps)))
    mul = next(s for s in result.steps if s.name == "MulBackward0")
    assert mul.rule == minigrad.ops.OPS["mul"].rule


def test_backward_without_retain_frees_graph(shell: Any) -> None:
    run(shell, "loss = (x * w).sum()\n%backward loss").raise_error()
    r = run(shell, "%backward loss")
    assert isinstance(r.error_in_exec, RuntimeError)
    assert "second time" in str(r.error_in_exec)
    assert not isinstance(r.error_in_exec, UsageError)


def test_backward_retain_graph_allows_a_second_run(shell: Any) -> None:
    run(shell, "loss = (x * w).sum()\n%backward loss --retain-graph").raise_error()
    run(shell, "%backward loss").raise_error()
    np.testing.assert_allclose(shell.user_ns["x"].grad.numpy(), [1.0, -2.0, 4.0])


def test_backward_gradient_for_nonscalar(shell: Any) -> None:
    r = run(shell, "y = x * w\n%backward y --gradient minigrad.tensor([1.0, 0.0, 2.0]) -o B")
    r.raise_error()
    np.testing.assert_allclose(shell.user_ns["x"].grad.numpy(), [0.5, 0.0, 4.0])
    np.testing.assert_allclose(shell.user_ns["B"].grads["w"], [1.0, 0.0, 6.0])


def test_backward_nonscalar_without_gradient_is_torchs_error(shell: Any) -> None:
    r = run(shell, "y = x * w\n%backward y")
    assert isinstance(r.error_in_exec, RuntimeError)
    assert str(r.error_in_exec) == "grad can be implicitly created only for scalar outputs"
    assert shell.user_ns["x"].grad is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[1, 2]", "'[1, 2]' is a list, not a minigrad Tensor"),
        ("nothing_here", "NameError"),
        ("x --bogus", "unrecognized arguments: --bogus"),
        ("", "the following arguments are required: expr"),
        ("x --gradient 3", "'3' is a int, not a minigrad Tensor"),
    ],
)
def test_backward_bad_input_is_one_line_usage_error(
    shell: Any, capsys: pytest.CaptureFixture[str], line: str, message: str
) -> None:
    r = run(shell, f"%backward {line}")
    assert isinstance(r.error_in_exec, UsageError)
    assert message in str(r.error_in_exec)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_backward_result_text_is_deterministic(shell: Any) -> None:
    texts = []
    for _ in range(2):
        cell = "x.grad = None\nw.grad = None\nloss = (x * w).sum()\n%backward loss -o B"
        run(shell, cell).raise_error()
        texts.append(shell.user_ns["B"].text())
    assert texts[0] == texts[1]
    assert "0x" not in texts[0]
    assert "x.grad = [ 0.5, -1. ,  2. ]" in texts[0]


def test_extension_turns_creation_sites_on_and_back_off(ipython: Any) -> None:
    before = recorder.sites
    ipython.run_line_magic("load_ext", "minigrad")
    assert recorder.sites is True
    ipython.run_line_magic("unload_ext", "minigrad")
    assert recorder.sites is before


def test_backward_graph_labels_each_edge_with_its_gradient(shell: Any) -> None:
    run(shell, "loss = (x * w).sum()\n%backward loss -o B").raise_error()
    dot = shell.user_ns["B"].dot
    assert 'label="[ 0.5, -1. , 2. ]"' in dot  # MulBackward0 -> x's AccumulateGrad
    assert 'label="[1., 2., 3.]"' in dot  # MulBackward0 -> w's AccumulateGrad
    assert 'label="[1., 1., 1.]"' in dot  # SumBackward0 -> MulBackward0
    assert "\\lloss\\l" in dot or "loss\\l" in dot  # the output is named after the variable


def test_backward_of_a_leaf(shell: Any) -> None:
    run(shell, "%backward x --gradient minigrad.ones(3) --step -o B").raise_error()
    result = shell.user_ns["B"]
    assert [s.name for s in result.steps] == ["AccumulateGrad"]
    np.testing.assert_array_equal(result.grads["x"], [1.0, 1.0, 1.0])


def test_backward_of_a_tensor_without_grad_is_torchs_error(shell: Any) -> None:
    r = run(shell, "%backward minigrad.ones(())")
    assert isinstance(r.error_in_exec, RuntimeError)
    assert "does not require grad" in str(r.error_in_exec)


def test_trace_help_through_the_shell(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    run(shell, "%%trace?")
    out = capsys.readouterr().out
    assert "--max-nodes N" in out and "Run the cell, then draw the graph" in out


def test_trace_error_traceback_shows_user_code_not_the_extension(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    run(shell, "%%trace\ny = x * w\nz = y @ minigrad.ones(2)\n")
    out = capsys.readouterr()
    text = out.out + out.err
    assert "z = y @ minigrad.ones(2)" in text
    assert "tracing.py" not in text and "commands.py" not in text


def test_trace_limit_shortens_the_table_but_keeps_every_row(shell: Any) -> None:
    cell = "%%trace --limit 3 -o T\nh = x\nfor _ in range(10):\n    h = h * 1.5\n"
    run(shell, cell).raise_error()
    result = shell.user_ns["T"]
    assert len(result.rows) == 10 and result.text().startswith("%%trace: 10 ops")
    assert "7 more ops (--limit)" in result.text() and result._repr_html_().count("<tr") == 5


def test_trace_names_lines_of_other_cells_like_tracebacks(shell: Any) -> None:
    shell.run_cell("def double(a):\n    return a * 2\n", store_history=True).raise_error()
    count = shell.execution_count - 1
    run(shell, "%%trace -o T\ny = double(x)\n").raise_error()
    row = shell.user_ns["T"].rows[0]
    assert (row.line, row.source) == (f"In[{count}]:2", "return a * 2")


def test_trace_backward_on_a_failing_cell_keeps_the_cells_error(shell: Any) -> None:
    r = run(shell, "%%trace --backward\nloss = (x @ minigrad.ones(2)).sum()\n")
    assert isinstance(r.error_in_exec, RuntimeError)
    assert not isinstance(r.error_in_exec, UsageError)


def test_trace_cell_without_ops(shell: Any) -> None:
    r = run(shell, "%%trace -o T\na = 1\n")
    r.raise_error()
    assert shell.user_ns["T"].rows == [] and shell.user_ns["T"].graph is None
    assert shell.user_ns["T"].text().startswith("%%trace: 0 ops")
