"""Each tests/lessons/*.py prints the same text under torch and with minigrad as `torch`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LESSONS = sorted((Path(__file__).parent / "lessons").glob("*.py"))
ROOT = Path(__file__).parent.parent
# A `torch` that is minigrad: every minigrad submodule is imported once and registered under
# torch's name too, so `import torch.nn as nn` and `from torch.utils.data import DataLoader`
# find the same module objects (not second copies) that `torch.nn` attribute access returns;
# torch.autograd.functional lives in minigrad.autograd_functional (autograd is one module).
SHIM = """\
import importlib, pkgutil, sys, minigrad
for info in pkgutil.walk_packages(minigrad.__path__, 'minigrad.'):
    importlib.import_module(info.name)
for name in [n for n in sys.modules if n == 'minigrad' or n.startswith('minigrad.')]:
    sys.modules['torch' + name[len('minigrad'):]] = sys.modules[name]
sys.modules['torch.autograd.functional'] = minigrad.autograd_functional
sys.argv = [{path!r}]
exec(compile(open({path!r}).read(), {path!r}, 'exec'), {{'__name__': '__main__'}})
"""
PLAIN = """\
import sys
sys.argv = [{path!r}]
exec(compile(open({path!r}).read(), {path!r}, 'exec'), {{'__name__': '__main__'}})
"""


def run(code: str, cwd: Path) -> str:
    """Run `code` in a fresh interpreter in `cwd` and return its stdout.

    Args:
        code: the program text.
        cwd: the working directory (lessons that save files write there).
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=cwd,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_prints_as_torch(lesson: Path, tmp_path: Path) -> None:
    expected = run(PLAIN.format(path=str(lesson)), tmp_path)
    assert run(SHIM.format(path=str(lesson)), tmp_path) == expected


def test_lessons_cover_the_course() -> None:
    assert len(LESSONS) >= 12
