"""Rendering: pinned graphviz-pure by default, stable SVG bytes, system dot on request, timeouts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import minigrad
from magics.draw import render
from magics.draw.dag import Graph, draw
from magics.draw.render import RenderError
from minigrad.errors import MinigradError

LESSON = """
import minigrad as torch
from magics.draw.dag import draw
torch.manual_seed(0)
x = torch.rand(1, 10, requires_grad=True)
W_x = torch.rand(20, 10, requires_grad=True)
loss = torch.mm(W_x, x.t()).tanh().mean()
loss.backward()
g = draw(loss, view={view!r}, saved=True)
"""


@pytest.fixture(autouse=True)
def default_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts from the defaults: no engine chosen, no $MINIGRAD_DOT."""
    monkeypatch.setattr(render, "settings", render.Settings())
    monkeypatch.delenv(render.ENV_VAR, raising=False)


def script(tmp_path: Path, name: str, body: str) -> Path:
    """An executable shell script standing in for a dot binary."""
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def lesson_graph(view: str = "forward") -> Graph:
    """The lesson's graph drawn in this process."""
    ns: dict[str, object] = {}
    exec(LESSON.format(view=view), ns)
    graph = ns["g"]
    assert isinstance(graph, Graph)
    return graph


def test_render_uses_the_graphviz_pure_next_to_python_by_default() -> None:
    pinned = Path(sys.executable).parent / "graphviz-pure"
    assert render.find_pinned() == str(pinned)
    assert render.executable() == str(pinned)


@pytest.mark.parametrize("view", ["forward", "backward"])
def test_render_svg_is_byte_identical_across_runs_and_processes(view: str) -> None:
    first, second = lesson_graph(view), lesson_graph(view)
    assert first.svg() == second.svg()
    code = LESSON.format(view=view) + "\nimport sys\nsys.stdout.write(g.svg())"
    other = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
        timeout=120,  # a hang detector only
    )
    assert other.stdout == first.svg()
    assert first.svg().startswith("<?xml") and "graphviz-pure" in first.svg()
    assert "0x" not in first.svg()


def test_render_png_and_save_pick_the_format_from_the_suffix(tmp_path: Path) -> None:
    g = draw(minigrad.tensor([1.0], requires_grad=True) * 2)
    assert g.png().startswith(b"\x89PNG\r\n\x1a\n")
    assert g.save(tmp_path / "g.svg").read_text(encoding="utf-8") == g.svg()
    assert g.save(tmp_path / "g.png").read_bytes() == g.png()
    assert g.save(tmp_path / "g.dot").read_text(encoding="utf-8") == g.dot
    with pytest.raises(ValueError, match="cannot tell the format"):
        g.save(tmp_path / "g.jpeg")


def test_render_times_out_with_a_clear_error(tmp_path: Path) -> None:
    slow = script(tmp_path, "slow-dot", "sleep 60 & wait")  # a child too: the group is killed
    render.settings.engine = str(slow)
    render.settings.timeout = 0.5
    g = draw(minigrad.tensor([1.0], requires_grad=True) * 2)
    with pytest.raises(RenderError, match=r"took longer than 0.5 s .*max_nodes") as info:
        g.svg()
    assert isinstance(info.value, MinigradError) and isinstance(info.value, RuntimeError)
    assert info.value.facts["timeout"] == 0.5


def test_render_failure_reports_exit_code_and_stderr(tmp_path: Path) -> None:
    broken = script(tmp_path, "broken-dot", "echo 'syntax error in line 1' >&2; exit 3")
    render.settings.engine = str(broken)
    with pytest.raises(RenderError, match="exit code 3: syntax error in line 1"):
        render.render("digraph { a }")


def test_render_missing_engine_says_what_to_install(tmp_path: Path) -> None:
    render.settings.engine = str(tmp_path / "no-such-dot")
    with pytest.raises(RenderError, match="not an executable"):
        render.render("digraph { a }")


def test_render_system_dot_on_request_through_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script(tmp_path, "dot", 'cat > /dev/null; echo "<svg>system $1</svg>"')
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv(render.ENV_VAR, "system")
    assert render.render("digraph { a }") == b"<svg>system -Tsvg</svg>\n"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(RenderError, match="install Graphviz"):
        render.render("digraph { a }")


def test_render_setting_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(render.ENV_VAR, "system")
    render.settings.engine = "pure"
    assert render.executable() == render.find_pinned()


def test_render_rejects_unknown_formats() -> None:
    with pytest.raises(RenderError, match="cannot render format 'jpg'"):
        render.render("digraph { a }", "jpg")
