"""The engine stays light: `import minigrad` needs only numpy and the standard library.

The one bridge to the Jupyter layer is `minigrad.load_ipython_extension`, which imports
`magics` inside the function (see STYLE.md), so IPython loads only on `%load_ext minigrad`.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "minigrad"
ALLOWED_ROOTS = set(sys.stdlib_module_names) | {"numpy", "minigrad", "__future__"}
# Module objects that numpy's Cython-compiled extensions (numpy.random) create for themselves.
CYTHON_RUNTIME = ("cython_runtime", "_cython_")
FORBIDDEN = ("IPython", "ipywidgets", "ipykernel", "graphviz", "magics", "torch", "matplotlib")
# (file, function) -> the extra top-level module that function may import: the one bridge.
BRIDGE = {
    ("__init__.py", "load_ipython_extension"): "magics",
    ("__init__.py", "unload_ipython_extension"): "magics",
}

PROBE = """
import json, sys
before = set(sys.modules)
import minigrad
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def modules_loaded_by_import() -> list[str]:
    """Names of the modules that `import minigrad` adds to sys.modules in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_import_minigrad_loads_no_jupyter_or_torch() -> None:
    loaded = modules_loaded_by_import()
    assert "minigrad" in loaded
    heavy = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert heavy == [], f"import minigrad loaded {heavy}"


def test_import_minigrad_loads_only_numpy_and_stdlib() -> None:
    other = [
        m
        for m in modules_loaded_by_import()
        if m.split(".")[0] not in ALLOWED_ROOTS and not m.startswith(CYTHON_RUNTIME)
    ]
    assert other == [], f"import minigrad loaded modules outside numpy/stdlib: {other}"


def imported_roots(tree: ast.AST) -> list[tuple[str, str | None, int]]:
    """(top-level module, enclosing function or None, line) for each absolute import."""
    found: list[tuple[str, str | None, int]] = []
    stack: list[tuple[ast.AST, str | None]] = [(tree, None)]
    while stack:
        node, function = stack.pop()
        if isinstance(node, ast.Import):
            found += [(a.name.split(".")[0], function, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], function, node.lineno))
        elif isinstance(node, ast.Call) and is_dynamic_import(node):
            name = node.args[0].value  # type: ignore[attr-defined]
            found.append((str(name).split(".")[0], function, node.lineno))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        stack.extend((child, function) for child in ast.iter_child_nodes(node))
    return found


def is_dynamic_import(call: ast.Call) -> bool:
    """`importlib.import_module("x")` or `__import__("x")` with a constant name."""
    func = call.func
    named = (isinstance(func, ast.Name) and func.id in {"__import__", "import_module"}) or (
        isinstance(func, ast.Attribute) and func.attr == "import_module"
    )
    first = call.args[0] if call.args else None
    return named and isinstance(first, ast.Constant) and isinstance(first.value, str)


def test_engine_source_imports_only_numpy_and_stdlib() -> None:
    files = sorted(ENGINE.rglob("*.py"))
    assert files, f"no engine sources under {ENGINE}"
    bad = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for root, function, line in imported_roots(tree):
            bridge = BRIDGE.get((path.relative_to(ENGINE).as_posix(), function or ""))
            if root not in ALLOWED_ROOTS and root != bridge:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {root}")
    assert bad == [], "the engine may import only numpy and the stdlib:\n" + "\n".join(bad)


def test_import_scan_sees_function_level_and_dynamic_imports() -> None:
    source = (
        "import numpy as np\n"
        "def f():\n    import torch\n"
        "def load_ipython_extension(ip):\n    from magics import load\n"
        "importlib.import_module('IPython.display')\n"
    )
    found = imported_roots(ast.parse(source))
    assert sorted(found) == [
        ("IPython", None, 6),
        ("magics", "load_ipython_extension", 5),
        ("numpy", None, 1),
        ("torch", "f", 3),
    ]


def test_import_minigrad_leaves_numpy_random_for_the_first_draw() -> None:
    # numpy.random (with hashlib, secrets, ...) was half of minigrad's own start-up time
    assert "numpy.random" not in modules_loaded_by_import()


def test_first_draw_without_a_seed_is_the_stream_of_manual_seed_0() -> None:
    code = (
        "import minigrad\n"
        "first = minigrad.randn(3).tolist()\n"
        "minigrad.manual_seed(0)\n"
        "print(first == minigrad.randn(3).tolist(), minigrad.initial_seed())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "0"]
