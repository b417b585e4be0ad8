"""Every course notebook runs in a real JupyterLab, in headless Chromium, as a student sees it.

For each `*.ipynb` in `notebooks/` (or `$MINIGRAD_NOTEBOOKS_DIR`): open it in JupyterLab, clear
its outputs, Run > Run All Cells, wait (bounded) until the kernel is idle, then check that no
cell shows an error (except cells tagged `raises-exception`), every SVG output (the graphs) is
visible, and every widget rendered (not "Loading widget...", not an error view, not a text
fallback). A full-page screenshot of each notebook goes to `build/screenshots/<name>.png`.

JupyterLab serves a temporary copy of the notebooks with temporary Jupyter/IPython config dirs,
so the committed notebooks and the user's settings are never touched. Needs Debian's chromium
(`apt-get install chromium`); skipped without it, except in CI (CI=true), where it fails.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = Path(os.environ.get("MINIGRAD_NOTEBOOKS_DIR", ROOT / "notebooks"))
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SERVER_START_S = 90
RUN_ALL_S = float(os.environ.get("MINIGRAD_BROWSER_TIMEOUT", "300"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
SVG_MIME = "image/svg+xml"
# JupyterLab settings for the test server: render every cell (no virtual scrolling, so each
# output is in the page and in the screenshot) and ask nothing about news or updates.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none", "scrollPastEnd": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


@dataclass
class Lab:
    """A running JupyterLab server: its base URL, token, log file and the folder it serves."""

    url: str
    token: str
    log: Path
    root: Path

    def get_json(self, path: str) -> Any:
        """GET `path` from the server's REST API."""
        with urllib.request.urlopen(f"{self.url}{path}?token={self.token}", timeout=10) as r:
            return json.load(r)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_lab_settings(config_dir: Path) -> None:
    """Write LAB_SETTINGS as JupyterLab user settings under `config_dir`."""
    for plugin, values in LAB_SETTINGS.items():
        path = config_dir / "lab" / "user-settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def wait_for_server(proc: subprocess.Popen[bytes], lab: Lab) -> None:
    """Poll /api/status until the server answers, it exits, or SERVER_START_S runs out."""
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"JupyterLab exited ({proc.returncode}):\n{lab.log.read_text()[-3000:]}")
        try:
            lab.get_json("/api/status")
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer in {SERVER_START_S}s:\n{lab.log.read_text()[-3000:]}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group, then any kernel it started in a session of its own."""
    try:
        started = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        started = []
    for sig, wait_s in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
            try:
                proc.wait(wait_s)
            except subprocess.TimeoutExpired:
                continue
    _, alive = psutil.wait_procs(started, timeout=10)
    for child in alive:
        child.kill()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 with a token, serving a temporary copy of the notebooks."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    root = tmp / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    write_lab_settings(tmp / "config")
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_DATA_DIR=str(tmp / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        IPYTHONDIR=str(tmp / "ipython"),
    )
    port, token = free_port(), secrets.token_hex(16)
    lab = Lab(f"http://127.0.0.1:{port}", token, tmp / "jupyter.log", root)
    command = [
        *(sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root"),
        *("--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0"),
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",  # lets the test read cell models and outputs
        "--LabApp.extension_manager=readonly",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    with lab.log.open("wb") as log:
        proc = subprocess.Popen(
            command, env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for_server(proc, lab)
        yield lab
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


# JavaScript run in the page; `window.jupyterapp` is there because of expose_app_in_browser.
KERNEL_IDLE_JS = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle' && panel.content.widgets.length > 0;
}"""
CLEARED_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets.every(
  c => c.model.type !== 'code' || (c.model.executionCount === null && c.model.outputs.length === 0))
"""
# Done: kernel idle, no cell queued or running ([*]), and every cell ran or an untagged one
# failed (Run All then stops). JupyterLab sends cells one by one, so the kernel is briefly idle
# between cells: neither idleness nor a tagged cell's error alone means the run is over.
RUN_DONE_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const code = panel.content.widgets.filter(c => c.model.type === 'code');
  if (code.some(c => (c.promptNode ? c.promptNode.textContent : '').includes('*'))) return false;
  const ran = c => c.model.sharedModel.getSource().trim() === '' || c.model.executionCount !== null;
  const tagged = c => (c.model.toJSON().metadata.tags || []).includes('raises-exception');
  const failed = c => c.model.outputs.toJSON().some(o => o.output_type === 'error');
  return code.every(ran) || code.some(c => failed(c) && !tagged(c));
}"""
SETTLED_JS = """() => [...document.querySelectorAll('.jp-OutputArea-output')].every(o =>
  !o.innerText.includes('Loading widget') && [...o.querySelectorAll('img')].every(i => i.complete))
"""
REPORT_JS = """() => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.map((cell, index) => {
    const json = cell.model.toJSON();
    const cellReport = {
      index, type: json.cell_type, tags: (json.metadata && json.metadata.tags) || [],
      empty: cell.model.sharedModel.getSource().trim() === '',
      executionCount: json.cell_type === 'code' ? cell.model.executionCount : null,
      outputs: (json.outputs || []).map(o => ({
        type: o.output_type, ename: o.ename || '', evalue: o.evalue || '',
        mimes: Object.keys(o.data || {}),
      })),
      shown: [],
    };
    if (cell.outputArea) {
      for (const child of cell.outputArea.node.querySelectorAll(':scope > .jp-OutputArea-child')) {
        const out = child.querySelector('.jp-OutputArea-output');
        if (!out) continue;
        const widget = out.querySelector('.jupyter-widgets');
        cellReport.shown.push({
          mime: out.getAttribute('data-mime-type') || '',
          text: out.innerText.slice(0, 300),
          images: [...out.querySelectorAll('img, svg')].filter(
            el => !el.parentElement.closest('svg')).map(el => ({
              tag: el.tagName.toLowerCase(), size: box(el),
              natural: el.tagName === 'IMG' ? el.naturalWidth : null })),
          widget: widget ? box(widget) : null,
          errorWidget: !!out.querySelector('.jupyter-widgets-error-widget'),
        });
      }
    }
    return cellReport;
  });
}"""
# Scroll the notebook to its first cell; return the page height that shows all of its cells.
SCROLL_TO_TOP_JS = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const cells = panel && panel.content ? panel.content.widgets : [];
  if (!cells.length) return 0;
  cells[0].node.scrollIntoView({block: 'start'});
  const top = cells[0].node.getBoundingClientRect().top;
  const bottom = cells[cells.length - 1].node.getBoundingClientRect().bottom;
  const below = window.innerHeight - panel.node.getBoundingClientRect().bottom;  // status bar
  return Math.ceil(bottom + below);
}"""


def open_and_run_all(page: Page, lab: Lab, notebook: str) -> None:
    """Open `notebook` (a path under the served folder), clear its outputs, and Run All."""
    page.goto(f"{lab.url}/lab/tree/{quote(notebook)}?reset&token={lab.token}")
    page.wait_for_function(KERNEL_IDLE_JS, timeout=120_000)
    menu_command(page, "Edit", "editmenu:clear-all")
    page.wait_for_function(CLEARED_JS, timeout=10_000)
    menu_command(page, "Run", "runmenu:run-all")
    try:
        page.wait_for_function(RUN_DONE_JS, timeout=RUN_ALL_S * 1000, polling=500)
    except PlaywrightTimeout as error:
        raise AssertionError(f"{notebook}: Run All did not finish in {RUN_ALL_S}s") from error
    try:  # widgets render and images decode after the kernel is idle; the checks report any
        page.wait_for_function(SETTLED_JS, timeout=30_000, polling=250)  # that never did
    except PlaywrightTimeout:
        pass


def menu_command(page: Page, menu: str, command: str) -> None:
    """Click `menu` in JupyterLab's menu bar, then its item that runs `command`."""
    page.locator("#jp-MainMenu .lm-MenuBar-item", has_text=menu).first.click()
    page.locator(f".lm-Menu-item[data-command='{command}']").first.click()


def screenshot(page: Page, path: Path) -> None:
    """Save the whole notebook: make the window as tall as all its cells, then capture it."""
    sidebar_tab = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if sidebar_tab.count():
        sidebar_tab.first.click()  # fold the file browser away: the notebook gets the width
    page.wait_for_timeout(300)
    height = int(page.evaluate(SCROLL_TO_TOP_JS)) + 40
    page.set_viewport_size({"width": 1280, "height": min(max(900, height), 16_000)})
    page.wait_for_timeout(500)  # let JupyterLab lay out the taller window before capturing
    page.evaluate(SCROLL_TO_TOP_JS)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def problems_in(cells: list[dict[str, Any]]) -> list[str]:
    """Everything wrong with a run, one line each, from REPORT_JS's per-cell report."""
    found: list[str] = []
    for cell in cells:
        where = f"cell {cell['index']}"
        if cell["type"] != "code":
            continue
        if not cell["empty"] and cell["executionCount"] is None:
            found.append(f"{where} did not run (Run All stopped before it)")
        if "raises-exception" not in cell["tags"]:
            found += [
                f"{where} shows an error: {o['ename']}: {o['evalue']}"
                for o in cell["outputs"]
                if o["type"] == "error"
            ]
        for output, shown in zip(cell["outputs"], cell["shown"], strict=False):
            found += output_problems(where, output, shown)
        if len(cell["shown"]) != len(cell["outputs"]):
            found.append(
                f"{where} has {len(cell['outputs'])} outputs but shows {len(cell['shown'])}"
            )
    return found


def output_problems(where: str, output: dict[str, Any], shown: dict[str, Any]) -> list[str]:
    """What is wrong with one rendered output: a hidden graph or a widget that did not render."""
    found = []
    if shown["mime"] == SVG_MIME:
        visible = [i for i in shown["images"] if min(i["size"]) > 0 and i["natural"] != 0]
        if not shown["images"] or len(visible) < len(shown["images"]):
            found.append(f"{where}: SVG output is not visible: {shown['images']}")
    if WIDGET_MIME in output["mimes"]:
        text = shown["text"]
        # A rendered widget view carries no data-mime-type; a fallback shows as text/plain.
        if shown["mime"] not in ("", WIDGET_MIME) or shown["widget"] is None:
            found.append(f"{where}: widget not rendered, shown as {shown['mime']!r}: {text!r}")
        elif shown["errorWidget"] or "Error displaying widget" in text or "Loading widget" in text:
            found.append(f"{where}: widget did not render: {text!r}")
        elif not shown["widget"] or min(shown["widget"]) <= 0:
            found.append(f"{where}: widget has no size: {shown['widget']}")
    return found


def kernel_name(notebook: Path) -> str | None:
    """The kernelspec name stored in `notebook`, if any."""
    metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    return metadata.get("kernelspec", {}).get("name")


def run_in_jupyterlab(lab: Lab, browser: Browser, notebook: str) -> list[str]:
    """Run `notebook` in a fresh browser tab; save its screenshot; return its problems."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            open_and_run_all(page, lab, notebook)
            cells = page.evaluate(REPORT_JS)
        finally:  # a screenshot of a failed run shows what went wrong
            screenshot(page, SCREENSHOTS / f"{Path(notebook).stem}.png")
    finally:
        context.close()
    return problems_in(cells)


@pytest.mark.parametrize(
    "notebook",
    NOTEBOOKS or [pytest.param(None, marks=pytest.mark.skip(f"no notebooks in {NOTEBOOKS_DIR}"))],
    ids=lambda path: path.stem if path else "none",
)
def test_notebook_runs_in_jupyterlab(lab: Lab, browser: Browser, notebook: Path) -> None:
    kernel = kernel_name(notebook)
    available = lab.get_json("/api/kernelspecs")["kernelspecs"]
    assert kernel is None or kernel in available, (
        f"{notebook.name} asks for kernel {kernel!r}; the server has {sorted(available)} "
        "(`make test` registers 'minigrad'; notebooks should use it)"
    )
    problems = run_in_jupyterlab(lab, browser, notebook.name)
    assert not problems, f"{notebook.name} in JupyterLab:\n" + "\n".join(problems)


# The harness checks itself on two small notebooks it writes: one that must pass (a graph, a
# slider, a box of widgets, an expected error) and one whose every cell must be caught.
GRAPH_CELL = """import os, subprocess, sys
from IPython.display import SVG
dot = os.path.join(sys.prefix, "bin", "graphviz-pure")
SVG(subprocess.run([dot, "-Tsvg"], input=b"digraph { x -> mul; w -> mul; mul -> sum }",
                   capture_output=True, check=True).stdout)"""
GOOD_CELLS = [
    ("markdown", "# Self-check\nA graph, widgets, and a cell that is meant to fail.", []),
    ("code", GRAPH_CELL, []),
    ("code", "import ipywidgets as w\nw.IntSlider(value=3, max=10, description='steps')", []),
    ("code", "1 / 0", ["raises-exception"]),
    ("code", "print('Run All goes on after a tagged error')", []),
    ("code", "w.HBox([w.Button(description='step'), w.FloatText(1.5)])", []),
]
EMPTY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>'
BAD_CELLS = [
    ("code", f"from IPython.display import SVG\nSVG({EMPTY_SVG!r})", []),
    (
        "code",
        "display({'application/vnd.jupyter.widget-view+json': {'model_id': 'gone', "
        "'version_major': 2, 'version_minor': 0}, 'text/plain': 'IntSlider()'}, raw=True)",
        [],
    ),
    ("code", "raise ValueError('untagged')", []),
    ("code", "print('never runs')", []),
]
BAD_PROBLEMS = [
    "cell 0: SVG output is not visible",
    "cell 1: widget not rendered",
    "cell 2 shows an error: ValueError: untagged",
    "cell 3 did not run",
]


def write_notebook(lab: Lab, name: str, cells: list[tuple[str, str, list[str]]]) -> str:
    """Write a notebook for the `minigrad` kernel into the served folder; return its path there."""
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "minigrad", "display_name": "Python (minigrad)"}},
        "cells": [
            {"cell_type": kind, "id": f"c{i}", "source": source, "metadata": {"tags": tags}}
            | ({"outputs": [], "execution_count": None} if kind == "code" else {})
            for i, (kind, source, tags) in enumerate(cells)
        ],
    }
    path = lab.root / "selfcheck" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path.relative_to(lab.root).as_posix()


def test_harness_passes_a_good_notebook(lab: Lab, browser: Browser) -> None:
    notebook = write_notebook(lab, "selfcheck_good.ipynb", GOOD_CELLS)
    assert run_in_jupyterlab(lab, browser, notebook) == []


def test_harness_catches_errors_hidden_graphs_and_broken_widgets(
    lab: Lab, browser: Browser
) -> None:
    notebook = write_notebook(lab, "selfcheck_bad.ipynb", BAD_CELLS)
    problems = run_in_jupyterlab(lab, browser, notebook)
    assert len(problems) == len(BAD_PROBLEMS), problems
    for found, expected in zip(problems, BAD_PROBLEMS, strict=True):
        assert found.startswith(expected), problems
