"""The engine's import layers: imports go one way, down, but for one documented deferred link.

The link: Tensor's methods (`minigrad/tensor.py` and the modules of the mixins Tensor inherits
its methods from, `TensorMethods` in `minigrad/methods.py`) call the op table and the modules
built on Tensor (factories, indexing, autograd, ...). Those modules import `tensor`, so the
methods import them when called, inside the method. Every other import in `minigrad/`, at
module level or inside a function, points to a lower layer.

The graph is read from the source (the AST), not from a running interpreter; imports under
`if TYPE_CHECKING:` are left out (they never run). README's "Project layout" lists the engine's
layers from the bottom up: a listed module imports no module listed below it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import minigrad

ENGINE = Path(__file__).resolve().parents[1] / "minigrad"
# The documented deferred link: in-function imports made by these modules may point up.
TENSOR_CLASS = frozenset(
    {"minigrad.tensor"}  # Tensor itself says `torch` as its __module__
    | {cls.__module__ for cls in minigrad.Tensor.__mro__ if cls.__module__.startswith("minigrad.")}
)
Graph = dict[str, set[str]]


def module_name(path: Path) -> str:
    """`minigrad/nn/module.py` -> `minigrad.nn.module`; a package's `__init__` is the package."""
    parts = list(path.relative_to(ENGINE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(ENGINE.rglob("*.py"))}


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _targets(node: ast.Import | ast.ImportFrom, package: str) -> Iterator[str]:
    """The minigrad modules an import statement names (a name from a module: that module)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:  # relative: from the importing module's package up
        parent = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join(parent + ([base] if base else []))
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        yield sub if sub in MODULES else base


def imports(name: str) -> Iterator[tuple[str, bool]]:
    """`(target, deferred)` for each minigrad module that module `name` imports.

    Args:
        name: a module of `minigrad/`; `deferred` means the import runs inside a function.
    """
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    stack: list[tuple[ast.AST, bool]] = [(ast.parse(path.read_text()), False)]
    while stack:
        node, deferred = stack.pop()
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                stack.extend((c, deferred) for c in child.orelse)  # type: ignore[attr-defined]
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                for target in _targets(child, package):
                    if target in MODULES and target != name:
                        yield target, deferred
            else:
                inside = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                stack.append((child, deferred or inside))


def import_graph(*, deferred: bool) -> Graph:
    """Module -> the modules it imports: at import time only, or (deferred) in functions too.

    Args:
        deferred: add the imports made inside functions, but for the documented link's.
    """
    graph: Graph = {name: set() for name in MODULES}
    for name in MODULES:
        for target, in_function in imports(name):
            if not in_function or (deferred and name not in TENSOR_CLASS):
                graph[name].add(target)
    return graph


def find_cycle(graph: Graph) -> list[str] | None:
    """One import cycle as a path `[a, b, ..., a]`, or None. Iterative depth-first search."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def test_find_cycle_reports_a_cycle_and_accepts_layers() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_engine_imports_see_the_known_layers() -> None:
    assert {"minigrad.tensor", "minigrad.methods"} <= TENSOR_CLASS
    graph = import_graph(deferred=False)
    assert "minigrad.tensor" in graph["minigrad.dispatch"]  # the dispatcher builds on Tensor
    assert "minigrad.shapes" in graph["minigrad.tensor"]
    assert ("minigrad.ops", True) in set(imports("minigrad.methods"))  # the documented link


def test_engine_module_level_imports_have_no_cycle() -> None:
    cycle = find_cycle(import_graph(deferred=False))
    assert cycle is None, " -> ".join(cycle or [])


def test_engine_deferred_imports_have_no_cycle_but_the_tensor_methods_link() -> None:
    cycle = find_cycle(import_graph(deferred=True))
    assert cycle is None, " -> ".join(cycle or [])


def test_engine_tensor_methods_link_is_needed() -> None:
    # the op table imports tensor at import time: methods.py cannot import it at module level
    graph = import_graph(deferred=False)
    graph["minigrad.methods"].add("minigrad.ops")
    assert find_cycle(graph) is not None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_engine_module_sets_no_attribute_of_another_module(name: str) -> None:
    # `methods.ops = sys.modules[__name__]` was how the op table reached Tensor's methods
    tree = ast.parse(MODULES[name].read_text())
    imported = {  # the local names bound to minigrad modules
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and f"{node.module}.{node.names[0].name}" in MODULES
        for alias in node.names
    }
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                assert target.value.id not in imported, ast.unparse(node)


def readme_layers() -> dict[str, int]:
    """Module (or package prefix) -> its line in README's engine layout, from the bottom up."""
    text = (ENGINE.parent / "README.md").read_text()
    block = text.split("## Project layout", 1)[1].split("```")[1]
    engine = block.split("\nminigrad/", 1)[1].split("\nmagics/", 1)[0]
    layers: dict[str, int] = {}
    row = -1
    for line in engine.splitlines()[1:]:
        if not line.startswith(" " * 3):  # a new line of the table; deeper ones continue it
            row += 1
        if row < 0:
            continue
        for token in re.findall(r"(?<![\w/.])(\w+\.py|\w+/)(?![\w/])", line):
            name = "minigrad." + token.removesuffix(".py").removesuffix("/")
            layers.setdefault("minigrad" if token == "__init__.py" else name, row)
    return layers


def layer_of(module: str, layers: dict[str, int]) -> int | None:
    while module and module not in layers:
        module = module.rpartition(".")[0]
    return layers.get(module)


def test_readme_lists_the_engine_layers_in_import_order() -> None:
    layers = readme_layers()
    assert layers["minigrad.errors"] == 0 and layers["minigrad.ops_norm"] == layers["minigrad.ops"]
    for name in layers:
        assert name in MODULES, f"README lists {name}, which is not a module"
    upward = []
    for name, targets in import_graph(deferred=False).items():
        here = layer_of(name, layers)
        for target in targets:
            there = layer_of(target, layers)
            if here is not None and there is not None and there > here:
                upward.append(f"{name} -> {target}")
    assert not upward, "README lists these imports' targets above them: " + ", ".join(upward)
