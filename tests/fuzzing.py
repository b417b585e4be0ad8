"""Random-program differential fuzzer: seeded programs run by minigrad and by torch, compared.

A program is a list of Python statements a student could type (`import minigrad as torch`).
`run` executes it statement by statement in two namespaces and compares, after each one, the
outcome (exception class and message) and every tensor variable: values, repr text, `.grad`,
dtype, shape, `requires_grad`, `is_leaf`, `grad_fn` name and `next_functions`. `shrink` deletes
statements while a mismatch remains. `python tests/fuzzing.py N [SEED]` runs N programs.
"""

from __future__ import annotations

import random
import re
import sys
import time
import warnings
from typing import Any

import numpy as np

# Differences being fixed elsewhere right now. Each entry: a pattern of the mismatch text (a
# program whose first mismatch matches is counted as "known", not failing) or a normalisation
# named in the code. The lead removes entries as the fixes merge.
KNOWN_IN_PROGRESS: dict[str, str | None] = {}
# Found by this fuzzer, not fixed yet (counted as "known" too; see the report).
FOUND_NOT_FIXED: dict[str, str] = {}
# Deliberate, documented differences (README "Fidelity: the fuzzer").
# a name torch has and minigrad lacks (minigrad.missing's note): the program is skipped, counted
SKIPPED = "covers the PyTorch API listed in its README"

UNARY = ("exp()", "tanh()", "sigmoid()", "abs()", "relu()", "sin()", "cos()", "neg()",
         "clamp(-0.5, 0.5)", "clamp(min=0.1)", "sum()", "mean()", "sum(0)", "mean(-1)",
         "max()", "min()", "t()", "reshape(-1)", "view(-1)", "unsqueeze(0)", "transpose(0, -1)",
         "detach()", "clone()", "exp().log()", "abs().sqrt()", "pow(2)", "float()", "double()",
         "sum(0, keepdim=True)", "expand(2, -1)", "squeeze()", "reciprocal()")  # fmt: skip
INDEX = ("[0]", "[:, :1]", "[:, :3]", "[-1]", "[..., 1:]", "[0, 1]", "[:1]")
BINARY = ("+", "-", "*", "/", "@")
SCALARS = ("2", "0.5", "-1.5", "3", "1e-3")
INPLACE = ("add_(1.0)", "mul_(2)", "sub_(0.5)", "div_(2.0)", "zero_()", "clamp_(-1, 1)")
# What tutorials write beyond the core: functions, reductions, losses, joins, seeded draws
# (expressions, assigned to a new variable), and statements; `{a}`, `{b}` are two variables.
WIDER = ("torch.exp({a})", "torch.sigmoid({a})", "torch.relu({a})", "torch.tanh({a})",
         "torch.cat([{a}, {b}])", "torch.stack([{a}, {b}])", "torch.softmax({a}, -1)",
         "{a}.log_softmax(-1)", "torch.nn.functional.mse_loss({a}, {b})", "{a}.log()",
         "{a}.sqrt()", "{a}.std()", "{a}.var(0)", "{a}.norm()", "{a}.argmax()", "{a}.T",
         "{a}.flatten()", "{a}.cumsum(0)", "{a} ** 2", "{a} ** {b}", "{a}.mean(0, keepdim=True)",
         "{a}.max(0).values", "{a}.sum() / {a}.numel()", "torch.randn(2, 3)", "torch.rand(3)",
         "torch.randint(0, 5, (2, 3))", "{a}.data", "{a}.item()", "{a}.tolist()",
         "torch.zeros_like({a})", "torch.ones_like({a}, requires_grad=True)",
         "{a}.sum(dim=(0, 1))", "{a}.reshape(3, -1)", "{a}.view(-1, 1)", "{a}.permute(1, 0)",
         "{a}.abs().max(dim=-1, keepdim=True)[0]", "torch.matmul({a}, {b})", "{a}.mm({b})",
         "{a}.dot({b})", "{a}.masked_fill({a} > 0, 0.0)", "{a}.gather(0, torch.tensor([[0]]))",
         "{a}.is_leaf", "{a}.grad_fn.next_functions")  # fmt: skip
WIDER_STATEMENTS = ("{a}.exp_()", "{a}.relu_()", "{a} += 1", "{a} *= {b}", "{a}.requires_grad_()",
                    "{a}.grad = None", "{a}.grad.zero_()", "torch.manual_seed({seed})")  # fmt: skip


class Gen:
    """Writes one program from a seeded random.Random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: list[str] = []
        self.lines: list[str] = []

    def new(self) -> str:
        name = f"t{len(self.names)}"
        self.names.append(name)
        return name

    def some(self) -> str:
        return self.rng.choice(self.names)

    def literal(self, dyadic: bool) -> str:
        shape = self.rng.choice([(), (3,), (2, 3), (1, 3), (3, 1), (2, 1)])
        step = 4 if dyadic else 100

        def num() -> str:
            return repr(self.rng.randint(-300, 300) / step)

        if not shape:
            return num()
        rows = [f"[{', '.join(num() for _ in range(shape[-1]))}]" for _ in range(shape[0])]
        return rows[0] if len(shape) == 1 else f"[{', '.join(rows)}]"

    def leaf(self) -> str:
        r, name = self.rng.random(), self.new()
        grad = self.rng.choice([", requires_grad=True", ", requires_grad=True", ""])
        if r < 0.35:
            return f"{name} = torch.tensor({self.literal(False)}{grad})"
        if r < 0.55:
            return f"{name} = torch.tensor({self.literal(False)}, dtype=torch.float64{grad})"
        if r < 0.7:
            dt = self.rng.choice(["np.float32", "np.float64"])
            return f"{name} = torch.tensor(np.array({self.literal(False)}, dtype={dt}){grad})"
        if r < 0.8:
            return f"{name} = torch.Tensor({self.literal(False)})"
        if r < 0.9:
            return f"{name} = torch.tensor([[1, 2, 3], [4, 5, 6]])"
        return f"{name} = torch.ones(2, 3{grad})"

    def statement(self) -> str:
        if len(self.names) < 2 or self.rng.random() < 0.15:
            return self.leaf()
        a, b, k = self.some(), self.some(), self.rng.random()
        if self.rng.random() < 0.2:
            seed = self.rng.randint(0, 99)
            if self.rng.random() < 0.25:
                return self.rng.choice(WIDER_STATEMENTS).format(a=a, b=b, seed=seed)
            return f"{self.new()} = " + self.rng.choice(WIDER).format(a=a, b=b)
        if k < 0.25:
            return f"{self.new()} = {a}.{self.rng.choice(UNARY)}"
        if k < 0.45:
            op = self.rng.choice(BINARY)
            if op != "@" and self.rng.random() < 0.3:
                s = self.rng.choice(SCALARS)
                return f"{self.new()} = " + (f"{s} {op} {a}" if k < 0.35 else f"{a} {op} {s}")
            return f"{self.new()} = {a} {op} {b}"
        if k < 0.52:
            return f"{self.new()} = {a}{self.rng.choice(INDEX)}"
        if k < 0.6:
            return f"{a}.{self.rng.choice(INPLACE)}"
        if k < 0.64:
            return f"{a}{self.rng.choice(INDEX)} = {self.rng.choice(SCALARS)}"
        if k < 0.74:
            retain = self.rng.choice(["", "retain_graph=True"])
            return f"{a}.sum().backward({retain})"
        if k < 0.8:
            return f"{self.new()}, = torch.autograd.grad({a}.sum(), {b}, create_graph=True)"
        if k < 0.85:
            return f"{a}.register_hook(lambda g: g * 2)"
        if k < 0.89:
            return f"{a}.retain_grad()"
        if k < 0.94:
            return f"with torch.no_grad(): {self.new()} = {a} * 2"
        fn = self.rng.choice(["torch.maximum", "torch.minimum", "torch.where"])
        if fn == "torch.where":
            return f"{self.new()} = torch.where({a} > 0, {a}, {b})"
        return f"{self.new()} = {fn}({a}, {b})"


def generate(seed: int) -> list[str]:
    """A program of 5-30 statements, the same for the same seed."""
    gen = Gen(random.Random(seed))
    return [gen.statement() for _ in range(gen.rng.randint(5, 30))]


def _node(fn: Any) -> Any:
    return None if fn is None else fn.name()


def _state(value: Any) -> Any:
    """What is compared of one variable: a dict for a tensor, the repr text otherwise."""
    if not hasattr(value, "grad_fn"):
        if type(value) is float:  # `.item()`: compared as a value, as tensors are
            return value
        return repr(value) if isinstance(value, (int, bool, str)) else None
    grad = value.grad if value.is_leaf or value.retains_grad else None
    fn = value.grad_fn
    return {
        "shape": tuple(value.shape),
        "dtype": str(value.dtype),
        "requires_grad": value.requires_grad,
        "is_leaf": value.is_leaf,
        "grad_fn": _node(fn),
        "next": None if fn is None else [(_node(f), i) for f, i in fn.next_functions],
        "values": value.detach().numpy().copy(),
        "repr": repr(value),
        "grad": None if grad is None else grad.detach().numpy().copy(),
    }


def _close(a: np.ndarray, b: np.ndarray, float32_seen: bool = False) -> bool:
    # Deliberate difference (README): numpy's float32 exp/log/sin/... may differ from torch's
    # kernels by an ulp; promoted into a float64 result, that shows at float32 scale.
    tol = 1e-4 if a.dtype == np.float32 or float32_seen else 1e-9
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    return bool(np.allclose(a, b, rtol=tol, atol=tol, equal_nan=True))


def _compare(ours: Any, ref: Any, float32_seen: bool = False) -> str | None:
    """None when two variable states agree, else what differs."""
    if type(ours) is float and type(ref) is float:
        same = _close(np.float64(ours), np.float64(ref), float32_seen)
        return None if same else f"{ours!r} != {ref!r}"
    if not isinstance(ours, dict) or not isinstance(ref, dict):
        return None if ours == ref else f"{ours!r} != {ref!r}"
    for key in ("shape", "dtype", "requires_grad", "is_leaf", "grad_fn", "next"):
        if ours[key] != ref[key]:
            return f"{key}: {ours[key]!r} != {ref[key]!r}"
    if not _close(ours["values"], ref["values"], float32_seen):
        return f"values: {ours['values']!r} != {ref['values']!r}"
    if np.array_equal(ours["values"], ref["values"]) and ours["repr"] != ref["repr"]:
        return f"repr: {ours['repr']!r} != {ref['repr']!r}"
    if (ours["grad"] is None) != (ref["grad"] is None) or (
        ours["grad"] is not None and not _close(ours["grad"], ref["grad"], float32_seen)
    ):
        return f"grad: {ours['grad']!r} != {ref['grad']!r}"
    return None


def _execute(line: str, ns: dict[str, Any]) -> str:
    try:
        exec(compile(line, "<fuzz>", "exec"), ns)
    except Exception as e:  # the exception itself is what is compared
        text = str(e)
        if "received an invalid combination of arguments" in text:
            # deliberate (README): minigrad prints torch's first line, not its signature list
            text = text.splitlines()[0]
        return f"{type(e).__name__}: {text}"
    return "ok"


def _stale_size(got: str, want: str) -> bool:
    """Deliberate (README): indexing a 0-d tensor with an int other than 0, torch's fast path
    reads the size of dimension 0 past the end of its sizes (stale memory): for some ops'
    results (mse_loss's) that passes the bounds check and select() fails instead."""
    stale = re.fullmatch(
        r"IndexError: index -?\d+ is out of bounds for dimension 0 with size 0", got
    )
    return bool(stale) and want == "IndexError: select() cannot be applied to a 0-dim tensor."


class Skip(Exception):
    """The program uses a name minigrad lacks."""


def run(program: list[str]) -> str | None:
    """None if minigrad and torch agree on every statement, else the first difference."""
    import torch

    import minigrad

    ours: dict[str, Any] = {"torch": minigrad, "np": np}
    ref: dict[str, Any] = {"torch": torch, "np": np}
    # torch seeds itself from the OS at start-up, minigrad from 0 (README): the same seed for
    # both, so draws before any manual_seed compare too
    torch.manual_seed(0)
    minigrad.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not compared: torch's C++ warnings name its source
        for n, line in enumerate(program, 1):
            got, want = _execute(line, ours), _execute(line, ref)
            if got.startswith("AttributeError") and SKIPPED in got:
                raise Skip(got)
            if got != want and not _stale_size(got, want):
                return f"line {n}: {line}\n  minigrad: {got}\n  torch:    {want}"
            names = sorted(k for k in ref if k.startswith("t") and k[1:].isdigit())
            f32 = any(getattr(ref[k], "dtype", None) == torch.float32 for k in names)
            for name in names:
                diff = _compare(_state(ours.get(name)), _state(ref.get(name)), f32)
                if diff:
                    return f"line {n}: {line}\n  {name}: {diff}"
    return None


def known(diff: str) -> str | None:
    """The KNOWN_IN_PROGRESS or FOUND_NOT_FIXED entry a mismatch text matches, if any."""
    for name, pattern in {**KNOWN_IN_PROGRESS, **FOUND_NOT_FIXED}.items():
        if pattern and re.search(pattern, diff):
            return name
    return None


def shrink(program: list[str]) -> list[str]:
    """Delete statements (one at a time, until none can go) while some mismatch remains."""
    changed = True
    while changed:
        changed = False
        for i in reversed(range(len(program))):
            shorter = program[:i] + program[i + 1 :]
            try:
                diff = run(shorter)
            except Skip:
                diff = None
            failing = diff is not None and known(diff) is None
            if failing:
                program, changed = shorter, True
    return program


def fuzz(n: int, seed: int) -> dict[str, Any]:
    """Run programs seed..seed+n-1; returns counts and the shrunk failing programs."""
    stats: dict[str, Any] = {"run": 0, "agree": 0, "skipped": 0, "known": {}, "failures": []}
    start = time.perf_counter()
    for s in range(seed, seed + n):
        program = generate(s)
        stats["run"] += 1
        try:
            diff = run(program)
        except Skip:
            stats["skipped"] += 1
            continue
        if diff is None:
            stats["agree"] += 1
        elif known(diff):
            stats["known"][known(diff)] = stats["known"].get(known(diff), 0) + 1
        else:
            small = shrink(program)
            stats["failures"].append((s, small, run(small)))
    stats["seconds"] = time.perf_counter() - start
    return stats


def report(stats: dict[str, Any]) -> str:
    """The summary `make fuzz` prints."""
    per = 1000 * stats["seconds"] / max(stats["run"], 1)
    lines = [
        f"programs run: {stats['run']}, agreeing: {stats['agree']}, skipped: {stats['skipped']}, "
        f"known: {sum(stats['known'].values())}, failing: {len(stats['failures'])} "
        f"({per:.1f} ms per program)"
    ]
    lines += [f"  known {name}: {count}" for name, count in sorted(stats["known"].items())]
    for seed, program, diff in stats["failures"]:
        lines += [f"\n--- seed {seed}, shrunk to {len(program)} statements:"]
        lines += ["import minigrad as torch"]
        lines += program + [f"# {d}" for d in str(diff).splitlines()]
    return "\n".join(lines)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    result = fuzz(count, first)
    print(report(result))
    sys.exit(1 if result["failures"] else 0)
