"""`%load_ext minigrad` / `%load_ext magics` in a real IPython shell: load, reload, unload."""

from __future__ import annotations

from typing import Any

import pytest


def shell_state(shell: Any) -> dict[str, Any]:
    """What an extension may register: magics, display formatters, exception handlers, events."""
    formatters = shell.display_formatter.formatters
    return {
        "magics": {kind: dict(table) for kind, table in shell.magics_manager.magics.items()},
        "formatters": {
            mime: (dict(f.type_printers), dict(f.deferred_printers))
            for mime, f in formatters.items()
        },
        "custom_exceptions": tuple(shell.custom_exceptions),
        "events": {name: list(callbacks) for name, callbacks in shell.events.callbacks.items()},
    }


@pytest.mark.parametrize("name", ["minigrad", "magics"])
def test_load_ext_loads_and_unload_restores(ipython: Any, name: str) -> None:
    before = shell_state(ipython)
    ipython.run_line_magic("load_ext", name)
    assert name in ipython.extension_manager.loaded
    ipython.run_line_magic("unload_ext", name)
    assert name not in ipython.extension_manager.loaded
    assert shell_state(ipython) == before


@pytest.mark.parametrize("name", ["minigrad", "magics"])
def test_load_ext_twice_is_harmless(ipython: Any, name: str) -> None:
    ipython.run_line_magic("load_ext", name)
    once = shell_state(ipython)
    ipython.run_line_magic("load_ext", name)
    assert shell_state(ipython) == once
    ipython.run_line_magic("unload_ext", name)
    assert name not in ipython.extension_manager.loaded


def test_load_ext_minigrad_delegates_to_magics(
    ipython: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import magics

    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr(magics, "load_ipython_extension", lambda ip: calls.append(("load", ip)))
    monkeypatch.setattr(magics, "unload_ipython_extension", lambda ip: calls.append(("unload", ip)))
    ipython.run_line_magic("load_ext", "minigrad")
    ipython.run_line_magic("unload_ext", "minigrad")
    assert calls == [("load", ipython), ("unload", ipython)]


def test_load_ext_in_a_cell_then_minigrad_runs(ipython: Any) -> None:
    cell = "%load_ext minigrad\nimport minigrad\nx = minigrad.tensor([1.0, 2.0])\ny = (x * x).sum()"
    ipython.run_cell(cell).raise_error()
    assert "minigrad" in ipython.extension_manager.loaded
    assert ipython.user_ns["y"].item() == 5.0
