"""The notebooks print what PyTorch prints: their code cells run again under real torch 2.13.

Each course notebook `notebooks/0*.ipynb` (and the seed lesson) runs cell by cell, in order and
in one namespace, with `import minigrad` turned into `import torch`. What a cell prints (stdout,
warnings on stderr, the text of its result, its error's class and message) must equal what
the notebook stores. Course notebooks store minigrad's output, so this is minigrad against
torch; the seed lesson stores torch's own output, so this checks it was made by torch.

`python tests/test_notebooks_torch.py notebooks/seed/00_seed_lesson.ipynb` re-makes the seed
lesson's outputs: it runs a torch copy of the notebook in a Jupyter kernel (as nbval will run
the minigrad one) and stores those outputs in the notebook.
"""

from __future__ import annotations

import ast
import contextlib
import io
import linecache
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SEED = NOTEBOOKS / "seed" / "00_seed_lesson.ipynb"
COURSE = sorted(NOTEBOOKS.glob("0*.ipynb"))

# Cells that cannot run under torch: they use the Jupyter layer (a %magic or `draw`, which
# exist only in minigrad), or they need what such a cell made. A test checks the list is
# complete and has no stale entries.
SKIPPED = {
    "01-20": "draw() from magics",
    "01-28": "draw() from magics",
    "01-54": "draw() from magics",
    "02-06": "draw() from magics",
    "02-17": "draw() from magics",
    "03-03": "%%trace",
    "03-04": "uses x and y made in the %%trace cell 03-03",
    "03-07": "%%trace",
    "03-08": "%%trace",
    "03-10": "uses `out` made in the %%trace cell 03-08",
    "03-13": "%%trace --backward",
    "03-14": "uses `steps` and v.grad made by the %%trace --backward cell 03-13",
    "03-15": "%%trace --view backward",
    "04-04": "%backward (it also runs backward, so the cells reading .grad depend on it)",
    "04-06": "reads W_x.grad, computed by the %backward cell 04-04",
    "04-07": "reads W_x.grad, computed by the %backward cell 04-04",
    "05-39": "%explain",
    "07-05": "draw() from magics",
}

# Differences from torch that are minigrad's to fix, with what differs (strict xfail: an entry
# fails once the difference is gone, so it must then be removed).
KNOWN = {
    "07-12": "torch's w.grad prints grad_fn=<CopyBackwards>, minigrad's <AddBackward0>; torch's "
    "create_graph warning names the line of torch/autograd/graph.py that called its C++ engine, "
    "minigrad's names the cell's line",
}

# What differs from run to run (and only that): the file a kernel gives each cell, addresses.
# torch's generator seeds itself from the OS at start-up, so a notebook that prints random
# numbers must call manual_seed first; nothing masks them.
_CELL_FILE = re.compile(r"/tmp/ipykernel_\d+/\d+\.py|<cell-\d+>")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
# torch's C++ warnings end with the source line of the torch build that raised them.
_TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)")
_IMPORT = re.compile(r"^(\s*)(from|import) minigrad\b", re.MULTILINE)
_JUPYTER_LAYER = re.compile(r"^\s*(%load_ext minigrad|from magics import .*)$\n?", re.MULTILINE)


def torch_source(source: str) -> str:
    """`source` for real torch: imports of minigrad import torch; the Jupyter layer's set-up
    lines go (they print nothing); `plt.show()` closes the figures (images are not compared).

    Args:
        source: a code cell's source.
    """
    source = _JUPYTER_LAYER.sub("", source)
    source = _IMPORT.sub(r"\1\2 torch", source)
    return source.replace("plt.show()", 'plt.close("all")')


def normalised(text: str) -> str:
    """`text` with what changes from run to run masked: cell file names and memory addresses.

    Args:
        text: printed text.
    """
    return _ADDRESS.sub("0xADDRESS", _CELL_FILE.sub("<cell>", text))


def stored_text(cell: Any) -> dict[str, Any]:
    """What a stored code cell printed: stdout, stderr, its result's text, its error."""
    seen: dict[str, Any] = {"stdout": "", "stderr": "", "result": None, "error": None}
    for out in cell.outputs:
        if out.output_type == "stream":
            seen[out.name] += out.text
        elif out.output_type == "execute_result":
            seen["result"] = out.data.get("text/plain")
        elif out.output_type == "error":
            seen["error"] = (out.ename, out.evalue)
    return _masked(seen)


def _masked(seen: dict[str, Any]) -> dict[str, Any]:
    error = seen["error"] and (seen["error"][0], normalised(seen["error"][1]))
    result = seen["result"] and normalised(seen["result"])
    stderr = _TRIGGERED.sub("", normalised(seen["stderr"]))
    stdout = normalised(seen["stdout"])
    return {"stdout": stdout, "stderr": stderr, "result": result, "error": error}


def _warning_text(caught: list[warnings.WarningMessage]) -> str:
    # IPython's kernel shows a warning once per cell line (the "default" filter)
    shown, text = set(), ""
    for w in caught:
        key = (str(w.message), w.category, w.filename, w.lineno)
        if key not in shown:
            shown.add(key)
            text += warnings.formatwarning(w.message, w.category, w.filename, w.lineno)
    return text


def run_cell(source: str, env: dict[str, Any], number: int) -> dict[str, Any]:
    """Run `source` in `env` as IPython's kernel does and return what it printed, as stored.

    Args:
        source: the cell's code.
        env: the notebook's namespace.
        number: the cell's number (names its file, as ipykernel does, for warning lines).
    """
    from IPython.core.formatters import PlainTextFormatter

    filename = f"<cell-{number}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    tree = ast.parse(source)
    shows = tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";")
    last = tree.body.pop() if shows else None
    seen: dict[str, Any] = {"stdout": "", "stderr": "", "result": None, "error": None}
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        try:
            exec(compile(tree, filename, "exec"), env)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), filename, "eval"), env)
                if value is not None:
                    seen["result"] = PlainTextFormatter()(value)
                    # the kernel shows a failing rich display (an Image of a missing file)
                    # as the cell's error, after the text
                    getattr(value, "_repr_mimebundle_", lambda: None)()
        except Exception as exc:
            seen["error"] = (type(exc).__name__, str(exc))
    seen["stdout"], seen["stderr"] = out.getvalue(), _warning_text(caught)
    return _masked(seen)


def code_cells(path: Path) -> list[Any]:
    """The code cells of the notebook at `path`."""
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def run_with_torch(path: Path) -> dict[str, dict[str, Any]]:
    """Each code cell's printed text under real torch, by cell id (skipped cells left out)."""
    import matplotlib

    matplotlib.use("agg")
    import torch

    dtype, cwd, env = torch.get_default_dtype(), os.getcwd(), {"__name__": "__main__"}
    os.chdir(path.parent)  # a kernel runs in its notebook's folder
    try:
        return {
            cell.id: run_cell(torch_source(cell.source), env, number)
            for number, cell in enumerate(code_cells(path))
            if cell.id not in SKIPPED
        }
    finally:
        os.chdir(cwd)
        torch.set_default_dtype(dtype)


_RUNS: dict[Path, dict[str, dict[str, Any]]] = {}


def _cases() -> list[Any]:
    cases = []
    for path in [*COURSE, SEED]:
        for cell in code_cells(path):
            if cell.id in SKIPPED:
                continue
            marks = [pytest.mark.xfail(reason=KNOWN[cell.id])] if cell.id in KNOWN else []
            cases.append(pytest.param(path, cell, id=f"{path.stem}:{cell.id}", marks=marks))
    return cases


@pytest.mark.parametrize(("path", "cell"), _cases())
def test_cell_prints_what_torch_prints(path: Path, cell: Any) -> None:
    if path not in _RUNS:
        _RUNS[path] = run_with_torch(path)
    assert _RUNS[path][cell.id] == stored_text(cell), cell.source


def _uses_jupyter_layer(source: str) -> bool:
    return bool(re.search(r"^\s*%|\bdraw\(", _JUPYTER_LAYER.sub("", source), re.MULTILINE))


def test_skipped_cells_are_exactly_those_that_need_minigrad() -> None:
    cells = {c.id: c.source for path in COURSE for c in code_cells(path)}
    magic = {cell_id for cell_id, source in cells.items() if _uses_jupyter_layer(source)}
    assert magic <= SKIPPED.keys()
    assert SKIPPED.keys() <= cells.keys(), "stale entries"


def store_torch_outputs(path: Path) -> None:
    """Run a torch copy of the notebook at `path` in a Jupyter kernel; store its outputs there.

    Args:
        path: the notebook (its code imports minigrad).
    """
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    copy = nbformat.from_dict(notebook)
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.source = torch_source(cell.source)
    client = NotebookClient(
        copy, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    for mine, ran in zip(notebook.cells, copy.cells):
        if mine.cell_type == "code":
            mine.outputs, mine.execution_count = ran.outputs, ran.execution_count
            mine.metadata.pop("execution", None)
            for out in mine.outputs:  # tracebacks name this machine's folders (nbval skips them)
                if out.output_type == "error":
                    out.traceback = [_portable(line) for line in out.traceback]
    nbformat.write(notebook, path)


def _portable(text: str) -> str:
    """`text` with the paths of the checkout and of the Python environment made relative."""
    root = str(NOTEBOOKS.parent) + os.sep
    return text.replace(sys.prefix + os.sep, ".venv" + os.sep).replace(root, "")


if __name__ == "__main__":
    for name in sys.argv[1:]:
        store_torch_outputs(Path(name))
