"""Shared fixtures. Keep this small: a fixture used by one test file lives in that file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

# No example database (it would write .hypothesis/ into the tree) and no per-example deadline
# (CI's 2 cores are slow and shared: a timing limit would make tests flaky, not stricter).
settings.register_profile("minigrad", database=None, deadline=None)
settings.load_profile("minigrad")

EXTENSIONS = ("minigrad", "magics")


@pytest.fixture
def ipython() -> Iterator[Any]:
    """A real IPython `InteractiveShell` with minigrad's extensions unloaded before and after."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    for magic in ("load_ext", "unload_ext", "reload_ext"):
        shell.find_line_magic(magic)  # IPython loads these lazily: load now, before any snapshot

    def unload_all() -> None:
        for name in EXTENSIONS:
            if name in shell.extension_manager.loaded:
                shell.extension_manager.unload_extension(name)

    unload_all()
    yield shell
    unload_all()
