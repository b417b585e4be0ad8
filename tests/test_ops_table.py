"""The op table reads as a table: one row shape, and each `rule=` names what its backward reads.

Every `defop(...)` row puts each argument on a line of its own, the flags in the order of the
legend at the top of `minigrad/ops.py`.

A rule is `grad_<input> = <expression>; ...`, one clause per input, in the inputs' order (a
backward given as one function for all inputs may read any input: its clauses together). The
row's backward functions are read from their bytecode: a clause whose backward reads an input
(or `out`, the result) must name it (`self`, `other`, `mat2`, ..., `result`), so what a
student reads in `%%trace` and the step-through is what the rule needs.
"""

from __future__ import annotations

import ast
import dis
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import minigrad
import minigrad.nn  # registers the nn rows in OPS
from minigrad.ops import OPS

ENGINE = Path(minigrad.__file__).parent
# every engine module with rows: the ones that call defop (dispatch.py defines it)
ROW_MODULES = sorted(
    p.name for p in ENGINE.glob("*.py") if "defop(" in p.read_text() and p.name != "dispatch.py"
)
FLAGS = (
    "node", "saves", "saves_out", "float_op", "view", "quiet", "saves_attrs", "arg_names", "rule",
)  # fmt: skip
CLAUSE = re.compile(r"\s*grad_(\w+)(?:\[i\])?\s*=\s*(.*)", re.S)


def clauses(rule: str) -> list[tuple[str, str]]:
    """`[(input name, expression), ...]` of a rule `grad_self = ...; grad_other = ...`."""
    found = []
    for part in rule.split(";"):
        m = CLAUSE.match(part)
        assert m, f"not a `grad_<input> = ...` clause: {part!r} in {rule!r}"
        found.append((m.group(1), m.group(2)))
    return found


def read_params(fn: Callable[..., Any]) -> set[str]:
    """The parameters of `fn` that its body reads (directly or from a nested function)."""
    code = fn.__code__
    used: set[str] = set()
    for ins in dis.get_instructions(fn):
        if ins.opname.startswith("LOAD_FAST") or ins.opname == "LOAD_DEREF":
            used.update(ins.argval if isinstance(ins.argval, tuple) else (ins.argval,))
    for const in code.co_consts:  # comprehensions and lambdas see parameters as free variables
        if inspect.iscode(const):
            used.update(const.co_freevars)
    return used & set(inspect.signature(fn).parameters)


def roles(fn: Callable[..., Any], names: list[str], n_inputs: int) -> dict[str, str]:
    """Parameter -> the word a rule uses for it: `out` is `result`, inputs by their clause."""
    params = list(inspect.signature(fn).parameters.values())
    named = {params[1].name: "result"}
    for i, p in enumerate(params[2 : 2 + n_inputs]):
        if p.kind is p.VAR_POSITIONAL:  # cat(*tensors): one clause names them all
            named[p.name] = names[0]
            break
        if p.kind is p.POSITIONAL_OR_KEYWORD:
            named[p.name] = names[i]
    return named


def names_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", text) is not None


def test_names_word_reads_whole_words() -> None:
    assert names_word("grad * other²", "other") and names_word("self's shape", "self")
    assert not names_word("grad_self = grad", "self") and not names_word("others", "other")


def test_read_params_sees_only_what_the_body_reads() -> None:
    assert read_params(lambda g, out, x, y: g * y) == {"g", "y"}
    assert read_params(lambda g, out, *xs: tuple(g for _ in xs)) == {"g", "xs"}


@pytest.mark.parametrize("name", sorted(OPS))
def test_rule_names_the_inputs_its_backward_reads(name: str) -> None:
    op = OPS[name]
    found = clauses(op.rule)
    names = [n for n, _ in found]
    if isinstance(op.backward, tuple):  # one function per input, one clause per input
        assert len(found) == len(op.backward), op.rule
        checks = [(fn, expr, len(op.backward)) for fn, (_, expr) in zip(op.backward, found)]
    else:
        checks = [(op.backward, " ; ".join(expr for _, expr in found), len(found))]
    for fn, expr, n_inputs in checks:
        named = roles(fn, names, n_inputs)
        for param in sorted(read_params(fn) & set(named)):
            word = named[param]
            assert names_word(expr, word), f"{name}: reads {param} ({word}), not in {expr!r}"


def test_rules_check_catches_a_rule_that_omits_an_input() -> None:
    mul = OPS["mul"]
    fn, (_, expr) = mul.backward[0], clauses("grad_self = grad")[0]  # type: ignore[index]
    named = roles(fn, ["self", "other"], 2)
    assert any(not names_word(expr, named[p]) for p in read_params(fn) & set(named))
    assert minigrad.ops.OPS is OPS


def rows(source: str) -> list[ast.Call]:
    """The `defop(...)` calls at the top level of a module's source."""
    calls = []
    for node in ast.parse(source).body:
        value = getattr(node, "value", None)
        if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "defop":
            calls.append(value)
    return calls


def row_shape_problem(call: ast.Call) -> str | None:
    """Why a row is not in the table's one shape, or None."""
    args = [*call.args, *call.keywords]
    starts = [a.lineno for a in args]
    if starts[0] == call.lineno or len(set(starts)) != len(args):
        return "one argument per line, below `defop(`"
    flags = [k.arg for k in call.keywords]
    if any(f not in FLAGS for f in flags) or flags != sorted(flags, key=FLAGS.index):
        return f"flags in the legend's order {FLAGS}, got {flags}"
    return None


def test_row_modules_are_found() -> None:
    assert {"ops.py", "ops_norm.py", "ops_shift.py", "nn_ops.py"} <= set(ROW_MODULES)


@pytest.mark.parametrize("module", ROW_MODULES)
def test_rows_have_the_table_shape(module: str) -> None:
    source = (ENGINE / module).read_text()
    calls = rows(source)
    assert calls
    problems = [(c.lineno, row_shape_problem(c)) for c in calls if row_shape_problem(c)]
    assert not problems, problems


def test_row_shape_check_flags_a_one_line_row() -> None:
    (one_line,) = rows('neg = defop("neg", np.negative, (lambda g, out, x: -g,), rule="r")')
    assert row_shape_problem(one_line) == "one argument per line, below `defop(`"
    (unordered,) = rows('n = defop(\n    "n",\n    f,\n    b,\n    rule="r",\n    saves="S",\n)')
    assert "order" in (row_shape_problem(unordered) or "")
