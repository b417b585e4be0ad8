"""One function per error kind: the facts its explanation needs, from minigrad or PyTorch.

Each takes a `Case` (the error, its traceback, the message's regex groups, the user's line and
namespace) and returns a dict: text fields for the row's templates (`name`, `node`, shapes,
versions), `fix_code` (code that fixes this case), and `_tensor` / `_node` / `_sites` (what to
draw, what to highlight, which lines to show). minigrad errors carry the objects as attributes;
for PyTorch they are found from the message text and the user's variables.
"""

from __future__ import annotations

import re
from typing import Any

from magics.explain.case import (
    Case,
    Facts,
    assignment,
    basics,
    failing_node,
    graph_sites,
    operands,
    sub,
    under_no_grad,
    with_suffix,
)
from magics.explain.context import (
    Site,
    cell_sites,
    dims,
    frame_self,
    leaves,
    lookup,
    name_of,
    node_label,
    node_site,
    replay,
    same_storage,
    tensors_in,
    version_of,
)
from minigrad.ops import OPS

INPLACE = r"(\.\w+_\(|\[.*\]\s*=[^=]|[-+*/]=)"  # `x.add_(`, `x[0] = `, `x += `


def nonscalar(case: Case) -> Facts:
    """`y.backward()` on a tensor with more than one element."""
    t, name = case.output()
    facts = basics(t, name)
    fixed = sub(r"\.backward\(\s*\)", ".sum().backward()", case.text)
    if fixed and name:
        fixed += f"\n# or, the same gradients: {name}.backward({case.mod}.ones_like({name}))"
    facts["fix_code"] = fixed
    return facts


def backward_twice(case: Case) -> Facts:
    """A second backward through a graph whose saved values the first one freed."""
    t, name = case.output()
    node = getattr(case.error, "node", None)
    if node is None:
        node = failing_node(getattr(t, "grad_fn", None), "freed")
    facts = basics(t, name, node)
    root = getattr(t, "grad_fn", None)
    sites = graph_sites(case, root)
    facts["fix_code"] = replay(case.shell, sites, case.line) if sites else None
    return facts


def _inplace_site(case: Case, t: Any, name: str | None, saver: Any) -> Site | None:
    """The line that changed `t` in place: its newest node's site, else a matching cell line."""
    node = getattr(t, "grad_fn", None)
    if node is not None and (saver is None or node._sequence_nr() > saver._sequence_nr()):
        found = node_site(case.shell, node)
        if found is not None:
            return found
    if not name:
        return None
    pattern = rf"^\s*{name}\s*{INPLACE}"
    lines = cell_sites(case.shell, pattern, case.line)
    return lines[-1] if lines else None


def out_of_place(text: str, name: str, t: Any) -> str:
    """The in-place line `text` rewritten so it makes a new tensor instead of changing `name`."""
    m = re.fullmatch(rf"{name}\.(\w+)_\((.*)\)", text)
    if m and hasattr(t, m.group(1)):
        return f"{name} = {name}.{m.group(1)}({m.group(2)})"
    m = re.fullmatch(rf"{name}\s*([-+*/@])=\s*(.+)", text)
    if m:
        return f"{name} = {name} {m.group(1)} {m.group(2)}"
    return f"{name} = {name}.clone()  # change a copy: the saved tensor stays as it was\n{text}"


def _modified_tensor(case: Case, saver: Any) -> tuple[Any, str | None]:
    """The user's tensor that was changed in place.

    minigrad's error names the saved tensor: the user's shares its storage. For PyTorch, a
    tensor of the message's shape and version whose (in-place) node feeds from the saver or
    from one of the saver's inputs.
    """
    saved = getattr(case.error, "tensor", None)
    near = {id(saver)} | {id(c) for c, _ in getattr(saver, "next_functions", ())}
    want = "[" + case.groups.get("shape", "") + "]"
    guess: tuple[Any, str | None] = (saved, None)
    for key, value in tensors_in(case.ns):
        if saved is not None:
            if same_storage(value, saved):
                return value, key
        elif dims(value.shape) == want and str(version_of(value)) == case.groups.get("version"):
            inputs = getattr(value.grad_fn, "next_functions", ())
            if any(id(c) in near for c, _ in inputs):
                return value, key
            guess = guess if guess[1] else (value, key)
    return guess


def modified_saved(case: Case) -> Facts:
    """backward() found a saved tensor at a newer version than when it was saved."""
    out, _ = case.output(from_error=False)
    saver = frame_self(case.tb, "apply", "next_functions")  # the node whose backward failed
    if saver is None:  # PyTorch runs backward in C++: ask each node for its saved tensors
        saver = failing_node(getattr(out, "grad_fn", None), "inplace")
    t, name = _modified_tensor(case, saver)
    facts = basics(t, name, saver)
    facts.update(
        version=version_of(t) if t is not None else case.groups.get("version"),
        expected=case.groups.get("expected"),
        producer=case.groups.get("producer", "?") + "Backward0",
    )
    if saver is not None:
        facts["saver"] = node_label(saver)
    changed = _inplace_site(case, t, name, saver)
    if out is not None:
        facts["_tensor"] = out  # draw the graph backward() ran on, the saving node marked
    if changed is not None and name:
        facts["_sites"] = [("changed in place", changed)]
        facts["inplace"] = changed.text
        rewrites = {changed.order: out_of_place(changed.text, name, t)}
        sites = graph_sites(case, getattr(out, "grad_fn", None), (name,)) + [changed]
        facts["fix_code"] = replay(case.shell, sites, case.line, rewrites)
    return facts


def inplace_leaf(case: Case) -> Facts:
    """An in-place op on a leaf that requires grad, or on a view of one."""
    t, name = case.named(rf"(\w+)\s*{INPLACE}")
    facts = basics(t, name)
    base = getattr(t, "_base", None)
    m = re.search(r"(\w+)\s*\[", case.text)
    if base is not None:
        facts["base"] = name_of(base, case.ns, case.text) or "its base"
    elif m:  # PyTorch: `x[0].mul_(2)` names the base in the line
        facts["base"] = m.group(1)
    if case.line is not None and case.line.top_level:
        facts["fix_code"] = f"with {case.mod}.no_grad():\n    {case.text}"
    return facts


def requires_grad_int(case: Case) -> Facts:
    """requires_grad on an integer (or bool) tensor."""
    t, name = case.named(r"(\w+)\s*\.\s*requires_grad")
    facts = basics(t, name)
    facts["dtype"] = f"dtype {t.dtype}" if t is not None else "integer dtype"
    text, f32 = case.text, f"{case.mod}.float32"
    fixed = (
        sub(r"dtype\s*=\s*[\w.]+", f"dtype={f32}", text) if "requires_grad=True" in text else None
    )
    fixed = fixed or sub(r"requires_grad\s*=\s*True", f"dtype={f32}, requires_grad=True", text)
    if fixed is None and name and re.search(r"\.requires_grad(_\(|\s*=\s*True)", text):
        fixed = f"{name} = {name}.float().requires_grad_()"
    facts["fix_code"] = fixed
    return facts


def requires_grad_nonleaf(case: Case) -> Facts:
    """Turning requires_grad off on a tensor computed by an op (it has a grad_fn)."""
    t, name = case.named(r"(\w+)\s*\.\s*requires_grad")
    facts = basics(t, name)
    if name:
        facts["fix_code"] = f"{name} = {name}.detach()"
    return facts


def no_grad_fn(case: Case) -> Facts:
    """backward() on a tensor that has no graph: why it has none, and how to build one."""
    t, name = case.output()
    facts = basics(t, name)
    grad_on = getattr(case.ns.get(case.mod), "is_grad_enabled", lambda: True)()
    made = assignment(case, name) if name else None
    if not grad_on:
        facts["cause"] = "grad mode is off for the whole session (set_grad_enabled(False))"
        facts["fix_code"] = f"{case.mod}.set_grad_enabled(True)"
        return facts
    if made is None or case.line is None:
        facts["cause"] = "none of its inputs required grad when it was computed"
        return facts
    facts["_sites"] = [("computed", made)]
    if under_no_grad(made):
        facts["cause"] = f"it was computed inside `with {case.mod}.no_grad():`"
        facts["fix_code"] = f"{made.text}\n{case.text}"
    elif ".detach()" in made.text or ".data" in made.text:
        facts["cause"] = "it was computed from a detached tensor (.detach() or .data)"
        plain = made.text.replace(".detach()", "").replace(".data", "")
        facts["fix_code"] = f"{plain}\n{case.text}"
    else:
        used = re.findall(r"\b([A-Za-z_]\w*)\b", made.text.split("=", 1)[1])
        flat = [u for u in dict.fromkeys(used) if _plain_leaf(case.ns.get(u))]
        facts["cause"] = "it was computed from leaves that do not require grad"
        if flat:
            facts["leaves"] = ", ".join(flat)
            fixes = [f"{u}.requires_grad_()" for u in flat]
            facts["fix_code"] = "\n".join(fixes + [made.text, case.text])
    return facts


def _plain_leaf(value: Any) -> bool:
    """A float tensor that is a leaf and does not require grad."""
    return (
        hasattr(value, "requires_grad")
        and hasattr(value, "is_floating_point")
        and value.grad_fn is None
        and not value.requires_grad
        and value.is_floating_point()
    )


def gradient_shape(case: Case) -> Facts:
    """backward(gradient=...) with a gradient whose shape differs from the output's."""
    t, name = case.output()
    facts = basics(t, name)
    facts.update(grad_shape=case.groups.get("gshape"), out_shape=case.groups.get("oshape"))
    if name:
        new = f".backward({case.mod}.ones_like({name}))"
        facts["fix_code"] = sub(r"\.backward\(.*\)", new, case.text)
    return facts


OPERANDS = (
    r"(?P<a>\w+)\s*@\s*(?P<b>\w+)",
    r"(?P<a>\w+)\.(?:mm|matmul|mv|dot|bmm)\((?P<b>\w+)\)",
    r"(?:mm|matmul|mv|dot|bmm)\((?P<a>\w+),\s*(?P<b>\w+)\)",
    r"(?P<a>\w+)\s*[-+*/]\s*(?P<b>\w+)",
)


PRODUCT_NODES = (
    ("size mismatch, got input", "MvBackward0"),
    ("inconsistent tensor size", "DotBackward0"),
    ("batch2", "BmmBackward0"),
    ("", "MmBackward0"),
)
ELEMENTWISE_NODES = {"+": "AddBackward0", "-": "SubBackward0", "*": "MulBackward0"}


def _shapes(case: Case) -> Facts:
    """The operands' shapes from the error's facts (minigrad), before the line is read."""
    shapes = getattr(case.error, "shapes", None) or []
    return {"a_shape": dims(shapes[0]), "b_shape": dims(shapes[1])} if len(shapes) == 2 else {}


def matmul_shape(case: Case) -> Facts:
    """A matrix product whose inner sizes differ."""
    sizes = [g for g in (case.groups.get("sa"), case.groups.get("sb")) if g]
    node = next(name for text, name in PRODUCT_NODES if text in str(case.error))
    facts: Facts = {"shapes": " and ".join(sizes) or str(case.error), "node": node}
    facts.update(_shapes(case))
    found = operands(case, OPERANDS[:3])
    if found is None:
        return facts
    a, b, m = found
    facts.update(a=f"`{m.group('a')}`", b=f"`{m.group('b')}`")
    facts.update(a_shape=dims(a.shape), b_shape=dims(b.shape))
    if a.ndim == 2 and b.ndim == 2:
        if a.shape[1] == b.shape[1]:
            facts["fix_code"] = with_suffix(case.text, m, "b", ".T")
        elif a.shape[0] == b.shape[0]:
            facts["fix_code"] = with_suffix(case.text, m, "a", ".T")
    return facts


def broadcast(case: Case) -> Facts:
    """An elementwise op on shapes that cannot broadcast."""
    facts: Facts = dict(case.groups, **_shapes(case))
    row = OPS.get(getattr(case.error, "op", None) or "")
    if row is not None:
        facts["node"] = row.node_cls.__name__
    found = operands(case, OPERANDS[3:])
    if found is None:
        return facts
    a, b, m = found
    facts.update(a=f"`{m.group('a')}`", b=f"`{m.group('b')}`")
    facts.update(a_shape=dims(a.shape), b_shape=dims(b.shape))
    sign = re.sub(r"\w|\s", "", m.group(0))
    facts.setdefault("node", ELEMENTWISE_NODES.get(sign, "DivBackward0"))
    for small, big, group in ((b, a, "b"), (a, b, "a")):
        if small.ndim == 1 and big.ndim >= 2 and small.shape[0] in tuple(big.shape)[:-1]:
            k = max(i for i, n in enumerate(tuple(big.shape)[:-1]) if n == small.shape[0])
            new = (small.shape[0],) + (1,) * (big.ndim - k - 1)
            suffix = ".unsqueeze(-1)" if len(new) == 2 else f".reshape{new}"
            facts["fix_code"] = with_suffix(case.text, m, group, suffix)
            facts["reshaped"] = f"`{m.group(group)}{suffix}` has shape {dims(new)}"
            break
    return facts


def numpy_requires_grad(case: Case) -> Facts:
    """.numpy() on a tensor that requires grad."""
    t, name = case.named(r"(\w+)\s*\.\s*numpy\(\)")
    facts = basics(t, name)
    facts["fix_code"] = sub(r"\.numpy\(\)", ".detach().numpy()", case.text)
    return facts


def item_multi(case: Case) -> Facts:
    """.item() (or float()/int()) on a tensor with more than one element."""
    t, name = case.named(r"(\w+)\s*\.\s*item\(\)|(?:float|int)\((\w+)\)")
    if name is None:
        m = re.search(r"(?:float|int)\((\w+)\)", case.text)
        name = m.group(1) if m else None
        t = t if t is not None else lookup(name, case.ns)
    facts = basics(t, name)
    fixed = sub(r"\.item\(\)", ".tolist()", case.text)
    if fixed is None and name:
        fixed = sub(rf"(?:float|int)\({name}\)", f"{name}.tolist()", case.text)
    facts["fix_code"] = fixed
    return facts


def nonleaf_grad(case: Case) -> Facts:
    """The warning for reading .grad of a non-leaf tensor (it stays None)."""
    t, name = case.named(r"(\w+)\s*\.\s*grad\b")
    facts = basics(t, name)
    found = [name_of(v, case.ns) for v in leaves(facts["_node"])] if facts["_node"] else []
    names = [n for n in found if n]
    if names:
        facts["leaves"] = ", ".join(names)
        facts["fix_code"] = "\n".join(f"{n}.grad" for n in names[:1])
    return facts
