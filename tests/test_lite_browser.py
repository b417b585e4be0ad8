"""Every course notebook runs in the JupyterLite site (Pyodide kernel), offline, in Chromium.

Builds the site with `lite/build.py` into build/lite-test/ (with the local Pyodide in
$MINIGRAD_LITE_PYODIDE, which `make test` fetches: else the site would load Pyodide from its CDN,
which this test forbids), serves it on 127.0.0.1, opens each notebook, runs every cell and checks
what `test_notebooks_browser` checks: no unexpected error, graphs visible, widgets rendered.
Service workers are blocked and any request to another host is aborted and fails the test; a
notebook where something cannot work in the browser must say so (SAYS_SO). Prints the time to
the first executed cell; screenshots go to `build/screenshots/lite/`.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_notebooks_browser import (  # noqa: F401  (browser is a fixture)
    CLEARED_JS,
    IN_CI,
    KERNEL_IDLE_JS,
    NOTEBOOKS,
    REPORT_JS,
    ROOT,
    RUN_DONE_JS,
    SCREENSHOTS,
    SETTLED_JS,
    browser,  # the Chromium fixture
    free_port,
    menu_command,
    problems_in,
    screenshot,
)

SITE = ROOT / "build" / "lite-test"  # not build/lite: `make lite` builds the CDN site there
PYODIDE = os.environ.get("MINIGRAD_LITE_PYODIDE", "")
RUN_ALL_S = float(os.environ.get("MINIGRAD_LITE_TIMEOUT", "600"))
# What cannot work in the browser, as the notebook must say it (in a `raises-exception` cell).
SAYS_SO = {"05_common_errors": "No module named 'torch'"}  # real PyTorch has no Pyodide build
# What is expected to fail in the browser, by notebook (none today). Lesson 6 asks for
# dtype=torch.long labels: sklearn's digits targets are int32 on wasm32 (numpy's default int).
KNOWN: dict[str, str] = {}
# The first code cell (the %pip install) has run: the time a student waits to start.
FIRST_RAN_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets.find(
  c => c.model.type === 'code').model.executionCount !== null"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site; keeps the access log in memory instead of printing it."""

    requests: list[str] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        self.requests.append(format % args)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """Build the site (with the local Pyodide), serve it on 127.0.0.1, yield its URL."""
    if not PYODIDE:
        message = "MINIGRAD_LITE_PYODIDE (a local Pyodide 0.27 distribution) is not set"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    build = [sys.executable, str(ROOT / "lite" / "build.py"), "--pyodide", PYODIDE]
    build += ["--out", str(SITE)]
    if os.environ.get("MINIGRAD_LITE_VIZ"):
        build += ["--viz", os.environ["MINIGRAD_LITE_VIZ"]]
    subprocess.run(build, check=True, cwd=ROOT)
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def guarded_context(browser: Browser, site: str) -> tuple[BrowserContext, list[str]]:  # noqa: F811
    """A fresh context without service workers whose requests off `site` are aborted, listed."""
    outside: list[str] = []

    def guard(route: Route) -> None:
        if route.request.url.startswith(site + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.route("**/*", guard)
    return context, outside


def run_in_lite(site: str, browser: Browser, notebook: str) -> list[str]:  # noqa: F811
    """Run `notebook` of the site in a fresh tab; save a screenshot; return its problems."""
    context, outside = guarded_context(browser, site)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            open_and_run(page, f"{site}/lab/index.html?path={notebook}")
            cells = page.evaluate(REPORT_JS)
        finally:
            screenshot(page, SCREENSHOTS / "lite" / f"{Path(notebook).stem}.png")
    finally:
        context.close()
    problems = problems_in(cells) + [f"request left the machine: {url}" for url in outside]
    expected = SAYS_SO.get(Path(notebook).stem)
    errors = [o["evalue"] for cell in cells for o in cell["outputs"] if o["type"] == "error"]
    if expected and not any(expected in text for text in errors):
        problems.append(f"no cell says {expected!r} (errors shown: {errors})")
    return problems


def open_and_run(page: Page, url: str) -> None:
    """Open the notebook at `url`, wait for the Pyodide kernel, clear outputs, Run All."""
    start = time.monotonic()
    page.goto(url)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=300_000, polling=500)
    menu_command(page, "Edit", "editmenu:clear-all")
    page.wait_for_function(CLEARED_JS, timeout=10_000)
    menu_command(page, "Run", "runmenu:run-all")
    page.wait_for_function(FIRST_RAN_JS, timeout=300_000, polling=250)
    first = time.monotonic() - start
    try:
        page.wait_for_function(RUN_DONE_JS, timeout=RUN_ALL_S * 1000, polling=1000)
    except PlaywrightTimeout as error:
        raise AssertionError(f"{url}: Run All did not finish in {RUN_ALL_S}s") from error
    print(f"\n{url}: first cell done {first:.0f} s, Run All {time.monotonic() - start:.0f} s")
    try:
        page.wait_for_function(SETTLED_JS, timeout=30_000, polling=250)
    except PlaywrightTimeout:
        pass


@pytest.mark.parametrize(
    "notebook",
    [
        pytest.param(path, marks=pytest.mark.xfail(reason=KNOWN[path.stem], strict=True))
        if path.stem in KNOWN
        else path
        for path in NOTEBOOKS
    ],
    ids=lambda path: path.stem,
)
def test_notebook_runs_in_jupyterlite(site: str, browser: Browser, notebook: Path) -> None:  # noqa: F811
    problems = run_in_lite(site, browser, notebook.name)
    assert not problems, f"{notebook.name} in JupyterLite:\n" + "\n".join(problems)


def test_guard_catches_requests_off_the_site(site: str, browser: Browser) -> None:  # noqa: F811
    context, outside = guarded_context(browser, site)
    try:
        page = context.new_page()
        page.goto(f"{site}/index.html")
        page.evaluate("() => fetch('http://192.0.2.1/x.js').catch(() => null)")
        page.evaluate("() => fetch('https://cdn.jsdelivr.net/pyodide/').catch(() => null)")
    finally:
        context.close()
    assert outside == ["http://192.0.2.1/x.js", "https://cdn.jsdelivr.net/pyodide/"]
