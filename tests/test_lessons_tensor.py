"""Each tests/lessons/tensor_*.py prints the same text under torch and as minigrad."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LESSONS = sorted((Path(__file__).parent / "lessons").glob("tensor_*.py"))
ROOT = Path(__file__).parent.parent
# a `torch` that is minigrad: the lesson's `import torch` (and `from torch.x import y`) find it
SHIM = "import sys, minigrad; sys.modules['torch'] = minigrad; {aliases}exec(open({path!r}).read())"
ALIASES = (
    "import minigrad.autograd, minigrad.autograd_functional; "
    "sys.modules['torch.autograd'] = minigrad.autograd; "
    "sys.modules['torch.autograd.functional'] = minigrad.autograd_functional; "
)


def run(code: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_lesson_prints_as_torch(lesson: Path) -> None:
    ours = run(SHIM.format(aliases=ALIASES, path=str(lesson)))
    assert ours == run(f"exec(open({str(lesson)!r}).read())")
