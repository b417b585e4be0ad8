"""Re-execute the course notebooks in place (kernel `minigrad`), as they are committed.

Run: python notebooks/execute.py [NOTEBOOK ...] (`make notebooks`; default: the course
notebooks in notebooks/, not the seed lesson, which keeps PyTorch's own outputs). Tracebacks
name files by absolute path: this makes the checkout's and site-packages' paths relative, so a
committed notebook does not carry the machine it ran on (nbval compares an error's class and
message, not its traceback).
"""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor

ROOT = Path(__file__).resolve().parent.parent


def _relative(text: str) -> str:
    """`text` with this checkout's and site-packages' absolute paths made relative."""
    site = sysconfig.get_paths()["purelib"]
    return text.replace(site + "/", "site-packages/").replace(str(ROOT) + "/", "")


def _merged(outputs: list[Any]) -> list[Any]:
    """Consecutive stream outputs of one stream joined, as JupyterLab shows them (how many
    chunks a cell's prints arrive in depends on timing)."""
    merged: list[Any] = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (
            last is not None
            and out.get("output_type") == "stream"
            and last.get("output_type") == "stream"
            and last.get("name") == out.get("name")
        ):
            last["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def execute(path: Path) -> None:
    """Run every cell of the notebook at `path` and write it back with relative paths."""
    nb = nbformat.read(path, as_version=4)
    ExecutePreprocessor(timeout=300, kernel_name="minigrad").preprocess(
        nb, {"metadata": {"path": str(path.parent)}}
    )
    for cell in nb.cells:
        if "outputs" in cell:
            cell["outputs"] = _merged(cell["outputs"])
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                out["traceback"] = [_relative(line) for line in out["traceback"]]
            elif out.get("output_type") == "stream":
                out["text"] = _relative(out["text"])
    nbformat.write(nb, path)
    print(f"executed {path.relative_to(ROOT)}")


def main(args: list[str]) -> None:
    """Execute the notebooks named in `args`, or all of them."""
    paths = [Path(a).resolve() for a in args] or sorted((ROOT / "notebooks").glob("0*.ipynb"))
    for path in paths:
        execute(path)


if __name__ == "__main__":
    main(sys.argv[1:])
