"""draw(): the DOT text of lesson graphs, forward and backward views, on minigrad and PyTorch."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

import graphviz
import pytest

import minigrad
from magics.draw import dot as dots  # `dot` is a DOT-text variable in some tests
from magics.draw.dag import Graph, draw
from magics.draw.summary import CHAIN_KEEP, TORCH_WALK_LIMIT, Summary
from minigrad.graph import toposort

torch = pytest.importorskip("torch")

LIBS = [pytest.param(minigrad, id="minigrad"), pytest.param(torch, id="torch")]
NODE = re.compile(r'^\t+(n\d+) \[label=("(?:[^"\\]|\\.)*"|\S+)(.*)\]$', re.MULTILINE)
EDGE = re.compile(r"^\t+(n\d+) -> (n\d+)", re.MULTILINE)


def nodes(g: Graph) -> dict[str, tuple[list[str], str]]:
    """DOT id -> (label lines, the other attributes), for the graph's nodes (not the legend)."""
    found = {}
    for ident, label, attrs in NODE.findall(g.dot):
        text = label[1:-1] if label.startswith('"') else label
        found[ident] = ([s for s in re.split(r"\\[ln]", text) if s], attrs)
    return found


def edges(g: Graph) -> set[tuple[str, str]]:
    """Every drawn edge as (tail, head) ids."""
    return set(EDGE.findall(g.dot))


def find(g: Graph, first_line: str) -> str:
    """The id of the one node whose label starts with `first_line`."""
    hits = [k for k, (lines, _) in nodes(g).items() if lines and lines[0] == first_line]
    assert len(hits) == 1, (first_line, hits, g.dot)
    return hits[0]


def find_all(g: Graph, first_line: str) -> list[str]:
    """The ids of all nodes whose label starts with `first_line`, in walk order."""
    return [k for k, (lines, _) in nodes(g).items() if lines and lines[0] == first_line]


def seed_graph(lib: ModuleType) -> dict[str, Any]:
    """The seed lesson's RNN cell, as a dict of named tensors."""
    lib.manual_seed(0)
    x = lib.rand(1, 10, requires_grad=True)
    prev_h = lib.rand(1, 20, requires_grad=True)
    W_h = lib.rand(20, 20, requires_grad=True)
    W_x = lib.rand(20, 10, requires_grad=True)
    i2h = lib.mm(W_x, x.t())
    h2h = lib.mm(W_h, prev_h.t())
    next_h = (i2h + h2h).tanh()
    return dict(x=x, prev_h=prev_h, W_h=W_h, W_x=W_x, i2h=i2h, h2h=h2h, next_h=next_h)


@pytest.mark.parametrize("lib", LIBS)
def test_draw_forward_seed_graph_has_named_boxes_ops_and_data_flow_edges(lib: ModuleType) -> None:
    t = seed_graph(lib)
    g = draw(t["next_h"], names=t)
    e = edges(g)
    add, tanh, out = find(g, "+"), find(g, "tanh"), find(g, "next_h")
    assert (find(g, "i2h"), add) in e and (find(g, "h2h"), add) in e
    assert (add, tanh) in e and (tanh, out) in e
    assert nodes(g)[add][0] == ["+", "AddBackward0"]
    mm_ops = find_all(g, "mm")
    assert len(mm_ops) == 2 and all(nodes(g)[m][0] == ["mm", "MmBackward0"] for m in mm_ops)
    assert (find(g, "W_x"), mm_ops[0]) in e and (mm_ops[0], find(g, "i2h")) in e
    assert (find(g, "W_h"), mm_ops[1]) in e and (mm_ops[1], find(g, "h2h")) in e
    lines, attrs = nodes(g)[find(g, "W_x")]
    assert lines[1:] == ["(20, 10) float32", lines[2], "requires_grad=True"]
    assert re.fullmatch(r"\[0\.\d{4} \.\. 0\.\d{4}\]", lines[2])  # big tensor: its range
    assert "fillcolor=lightblue" in attrs
    assert "fillcolor=darkolivegreen1" in nodes(g)[out][1]
    assert "fillcolor=lightyellow" in nodes(g)[find(g, "i2h")][1]


@pytest.mark.parametrize("lib", LIBS)
def test_draw_names_come_from_the_callers_variables(lib: ModuleType) -> None:
    t1 = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    t2 = lib.tensor([4.0, 5.0, 6.0])
    loss = (t1 * t2).mean()
    g = draw(loss)
    assert nodes(g)[find(g, "t1")][0] == [
        "t1",
        "(3,) float32",
        "[1., 2., 3.]",
        "requires_grad=True",
    ]
    assert nodes(g)[find(g, "loss")][0] == ["loss", "() float32", "10.6667"]
    mul = find(g, "*")
    assert (find(g, "t2"), mul) in edges(g)  # the constant, found through `_saved_other`
    assert nodes(g)[find(g, "t2")][0] == ["t2", "(3,) float32", "[4., 5., 6.]"]


def test_draw_names_come_from_an_ipython_cell(ipython: Any) -> None:
    ipython.run_cell(
        "import minigrad as torch\nfrom magics.draw.dag import draw\n"
        "weight = torch.ones(2, requires_grad=True)\nloss = (weight * 3).sum()\n"
        "graph = draw(loss)"
    )
    g = ipython.user_ns["graph"]
    assert (find(g, "weight"), find(g, "*")) in edges(g)
    assert find(g, "loss")


@pytest.mark.parametrize("lib", LIBS)
def test_draw_backward_view_shows_grad_fns_next_functions_and_accumulate_grad(
    lib: ModuleType,
) -> None:
    t1 = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    t2 = lib.tensor([4.0, 5.0, 6.0])
    loss = (t1 * t2).mean()
    g = draw(loss, view="backward", saved=True)
    acc, mul, mean, out = (
        find(g, s) for s in ("AccumulateGrad", "MulBackward0", "MeanBackward0", "loss")
    )
    assert edges(g) == {(out, mean), (mean, mul), (mul, acc)}
    assert nodes(g)[acc][0][1:3] == ["t1", "(3,) float32"]
    assert "other: (3,) float32 [4., 5., 6.]" in nodes(g)[mul][0]
    assert repr(g) == "<Graph: 4 nodes, 3 edges>"
    loss.backward()
    g = draw(loss, view="backward")
    assert "grad: [1.3333, 1.6667, 2.0000]" in nodes(g)[find(g, "AccumulateGrad")][0]
    assert not any(line.startswith("other:") for line in nodes(g)[find(g, "MulBackward0")][0])


def test_draw_backward_view_shows_the_minigrad_op_rule() -> None:
    a = minigrad.tensor([1.0, 2.0], requires_grad=True)
    prod = a * a
    g = draw(prod.sum(), view="backward")
    rule = prod.grad_fn.op.rule
    assert rule.startswith("grad_self = ")
    assert nodes(g)[find(g, "MulBackward0")][0] == ["MulBackward0", rule]


@pytest.mark.parametrize("lib", LIBS)
def test_draw_values_and_grads_can_be_switched_off(lib: ModuleType) -> None:
    w = lib.tensor([1.0, -2.0], requires_grad=True)
    loss = (w * w).sum()
    loss.backward()
    g = draw(loss, values=False, grads=False)
    assert nodes(g)[find(g, "w")][0] == ["w", "(2,) float32", "requires_grad=True"]
    g = draw(loss)
    assert nodes(g)[find(g, "w")][0] == [
        "w",
        "(2,) float32",
        "[ 1., -2.]",
        "grad: [ 2., -4.]",
        "requires_grad=True",
    ]


@pytest.mark.parametrize("lib", LIBS)
def test_draw_highlight_marks_nodes_and_tensors_red(lib: ModuleType) -> None:
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    loss = (a.exp() * 2).sum()
    exp_node = loss.grad_fn.next_functions[0][0].next_functions[0][0]
    g = draw(loss, highlight=exp_node)
    marked = [
        k
        for k, (_, attrs) in nodes(g).items()
        if " color=red " in attrs and " penwidth=3 " in attrs
    ]
    assert marked == [find(g, "exp")]
    g = draw(loss, view="backward", highlight=[a, exp_node])
    marked = [
        k
        for k, (_, attrs) in nodes(g).items()
        if " color=red " in attrs and " penwidth=3 " in attrs
    ]
    assert marked == [find(g, "AccumulateGrad"), find(g, "ExpBackward0")]


def test_draw_legend_names_every_colour() -> None:
    a = minigrad.tensor([1.0], requires_grad=True)
    for view, op in (("forward", "op (backward node)"), ("backward", "grad_fn node")):
        dot = draw(a * 2, view=view).dot
        legend = dot[dot.index("subgraph cluster_legend") :]
        for text, colour in (
            ('"leaf (requires grad)"', "lightblue"),
            ('"leaf (no grad)"', "white"),
            ("intermediate", "lightyellow"),
            ("output", "darkolivegreen1"),
            (f'"{op}"', "lightgrey"),
        ):
            assert f"[label={text} fillcolor={colour} " in legend


def test_draw_ids_follow_walk_order_and_the_dot_is_deterministic() -> None:
    t = seed_graph(minigrad)
    first, second = draw(t["next_h"], names=t), draw(t["next_h"], names=t)
    assert first.dot == second.dot
    assert list(nodes(first)) == [f"n{k}" for k in range(len(nodes(first)))]
    assert "0x" not in first.dot


@pytest.mark.parametrize("lib", LIBS)
def test_draw_escapes_hostile_names(lib: ModuleType) -> None:
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    g = draw(b, names={"<script>alert(1)</script>": a, 'q"uo{te}\\n \\': b, "&lt;i&gt;": a * 3})
    assert '[label="<script>alert(1)</script>\\l(2,) float32' in g.dot  # quoted: not an HTML label
    assert '[label="q\\"uo{te}\\\\n \\\\\\l(2,) float32' in g.dot  # \" and \\ escaped
    svg = g.svg()
    assert "<script" not in svg
    assert ">&lt;script&gt;alert(1)&lt;/script&gt;</text>" in svg
    assert ">q&quot;uo{te}\\n \\</text>" in svg


def test_draw_mimebundle_is_svg_and_text_never_html() -> None:
    g = draw(minigrad.tensor([1.0], requires_grad=True) * 2)
    bundle = g._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    assert bundle["text/plain"] == "<Graph: 4 nodes, 3 edges>"
    assert bundle["image/svg+xml"].startswith("<?xml")


def test_draw_rejects_a_bad_view_and_no_tensors() -> None:
    a = minigrad.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="view must be one of"):
        draw(a * 2, view="sideways")
    with pytest.raises(ValueError, match="at least one tensor"):
        draw()


def test_draw_collapses_a_long_torch_chain_and_keeps_the_leaf() -> None:
    h = leaf = torch.rand(3, requires_grad=True)
    for k in range(5_000):
        h = h.exp() if k % 2 else h * 1.0001
    g = draw(h, view="backward", names={"leaf": leaf, "h": h})
    assert g.left_out == 5_000 - 1 - 2 * CHAIN_KEEP  # the root is always drawn
    note = find(g, f"... {g.left_out:,} more ops in a chain")
    assert nodes(g)[note][0][1] == "(MulBackward0 x2,498, ExpBackward0 x2,497)"
    assert nodes(g)[find(g, "AccumulateGrad")][0][1] == "leaf"
    assert len(nodes(g)) == 2 * CHAIN_KEEP + 4  # leaf, kept ends, the note, root, output box
    assert repr(g) == "<Graph: 8 nodes, 7 edges, 4,995 not drawn>"
    fwd = draw(h, names={"leaf": leaf, "h": h})
    assert fwd.left_out == g.left_out and find(fwd, "leaf") and find(fwd, "h")


def test_draw_walks_a_100k_op_torch_chain_only_partly() -> None:
    # Walking all of it would make torch 2.13 segfault when the graph is freed (this test).
    h = torch.rand(3, requires_grad=True)
    for k in range(100_000):
        h = h.exp() if k % 2 else h * 1.0001
    g = draw(h, view="backward", max_nodes=50)
    assert g.left_out == TORCH_WALK_LIMIT - 50 and g.at_least
    assert find(g, f"... at least {g.left_out:,} nodes not drawn")
    assert repr(g) == f"<Graph: 52 nodes, 51 edges, {g.left_out:,}+ not drawn>"
    assert draw(h).svg().startswith("<?xml")
    del g, h


def test_draw_cuts_the_far_part_of_a_wide_graph() -> None:
    acc = minigrad.tensor(0.0)
    for k in range(300):
        acc = acc + minigrad.tensor(float(k), requires_grad=True) * 2
    g = draw(acc, view="backward", max_nodes=50)
    total = len(toposort([acc.grad_fn]))
    drawn = [
        k
        for k, (lines, _) in nodes(g).items()
        if "Backward" in lines[0] or lines[0] == "AccumulateGrad"
    ]
    far = find(g, f"... {g.left_out:,} nodes not drawn")
    assert len(drawn) == 50 and g.left_out == total - 50
    assert any(head == far for _, head in edges(g))
    assert "style=dashed" in g.dot


def test_draw_minigrad_long_chain_is_summarised() -> None:
    h = minigrad.tensor([0.5], requires_grad=True)
    for _ in range(10_000):
        h = h.tanh()
    g = draw(h, view="backward")
    assert g.left_out == 10_000 - 1 - 2 * CHAIN_KEEP
    assert "(TanhBackward0 x9,995)" in g.dot


def test_draw_displays_in_ipython_as_svg_and_text_only(ipython: Any) -> None:
    leaf = minigrad.tensor([1.0, 2.0], requires_grad=True)
    data, _ = ipython.display_formatter.format(draw(leaf * 2))
    assert set(data) == {"image/svg+xml", "text/plain"}
    alone = draw(leaf)
    assert repr(alone) == "<Graph: 1 nodes, 0 edges>"
    assert nodes(alone)["n0"][0] == ["leaf", "(2,) float32", "[1., 2.]", "requires_grad=True"]


def test_builder_writes_the_lines_digraph_would() -> None:
    """dot.Builder appends node/edge lines itself (each style quoted once): same bytes."""
    ctx = dots.Context(summary=Summary([], {}, 0, 0), outputs=[], names={}, by_node={})
    b = dots.Builder(ctx, "forward")
    ref = graphviz.Digraph("minigrad", comment="forward view")
    ref.attr(rankdir="TB", nodesep="0.25", ranksep="0.35")
    ref.attr("node", fontname=dots.FONT, fontsize="10", style="filled", penwidth="1")
    ref.attr("edge", arrowsize="0.7")
    texts = [['a "b" <i>c</i>', "x\\"], ["<html>"], ["0.1"], ["node"], ['a "b" <i>c</i>', "x\\"]]
    for k, raw in enumerate(texts):
        lines = [dots.escape(text) for text in raw]
        extra = {"fontname": dots.VALUE_FONT} if k % 2 else {"style": "filled,dashed"}
        b.node(lines, "white", "box", k == 3, **extra)
        marked = {"color": dots.HIGHLIGHT_COLOR, "penwidth": dots.HIGHLIGHT_WIDTH} if k == 3 else {}
        label = dots.join_lines(lines, left=k % 2 == 1)
        ref.node(f"n{k}", graphviz.nohtml(label), fillcolor="white", shape="box", **extra, **marked)
    b.edge("n0", "n1")
    b.edge("n1", "n2", style="dashed")
    ref.edge("n0", "n1")
    ref.edge("n1", "n2", style="dashed")
    assert b.source() == ref.source
