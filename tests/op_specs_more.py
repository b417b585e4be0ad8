"""Op specs for the rows of `ops_reduce.py` and `ops_select.py`, and for `einsum`.

`op_specs.py` appends MORE_SPECS to its table, so the torch comparison (values, gradients,
node names, saved tensors), the finite-difference and the coverage tests run them too.
Sorting and statistics draw well-separated values (multiples of 1/8), so neither ties nor a
finite-difference step can reorder them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import strategies as s
from op_specs import OpSpec

EINSUM_ROWS = (
    "permute", "view", "bmm", "unsqueeze", "sum_dim", "mul", "diagonal", "_reshape_alias",
    "clone", "_unsafe_view",
)  # fmt: skip


def separated(shape: Any) -> st.SearchStrategy[np.ndarray]:
    """Distinct multiples of 1/8 in [-6, 6]: exact in float32, never closer than 0.125."""
    return hnp.arrays(np.int64, shape, elements=st.integers(-48, 48), unique=True).map(
        lambda a: np.asarray(a / 8.0)
    )


def _with_dim(arrays: Any, min_side: int = 1) -> st.SearchStrategy[tuple[Any, ...]]:
    return s.shapes(min_dims=1, min_side=min_side).flatmap(
        lambda sh: st.tuples(arrays(sh), st.integers(-len(sh), len(sh) - 1))
    )


def _topk_case() -> st.SearchStrategy[tuple[Any, ...]]:
    return _with_dim(separated).flatmap(
        lambda xd: st.tuples(st.just(xd[0]), st.just(xd[1]), st.integers(0, xd[0].shape[xd[1]]))
    )


def _index_case(src: bool, unique: bool) -> st.SearchStrategy[tuple[Any, ...]]:
    """(x, dim, index[, src]): an int64 index no larger than x, values in range along dim."""

    def with_index(sh: tuple[int, ...], d: int) -> Any:
        sizes = st.tuples(*(st.integers(1, n) for n in sh))
        return sizes.flatmap(lambda ish: _index(sh, d, ish, src, unique))

    return s.shapes(min_dims=1).flatmap(
        lambda sh: st.integers(0, len(sh) - 1).flatmap(lambda d: with_index(sh, d))
    )


def _index(sh: Any, d: int, ish: tuple[int, ...], src: bool, unique: bool) -> Any:
    if unique:  # distinct positions along dim (scatter's result is then well defined)
        ish = tuple(min(n, sh[d]) if i == d else n for i, n in enumerate(ish))
        full = tuple(sh[d] if i == d else n for i, n in enumerate(ish))
        index = hnp.arrays(np.float64, full, elements=s.floats()).map(
            lambda a: np.take(np.argsort(a, axis=d, kind="stable"), range(ish[d]), axis=d)
        )
    else:
        index = hnp.arrays(np.int64, ish, elements=st.integers(0, sh[d] - 1))
    parts = [s.arrays(sh), st.just(d), index.map(lambda a: a.astype(np.int64))]
    if src:
        parts.append(s.arrays(ish))
    return st.tuples(*parts)


def _masks(value_tensor: bool) -> st.SearchStrategy[tuple[Any, ...]]:
    def arrays(ss: Any) -> Any:
        parts = [s.arrays(ss[0]), hnp.arrays(np.bool_, ss[1])]
        return st.tuples(*parts, *([s.arrays(())] if value_tensor else []))

    return s.broadcast_shapes(2).filter(lambda ss: len(ss[1]) <= len(ss[0])).flatmap(arrays)


def _diagonal_double_backward(lib: Any, x: Any) -> Any:
    """d/dx Σ diag(x)² with create_graph: its graph holds diagonal's gradient op."""
    d = x.diagonal()
    return lib.autograd.grad((d * d).sum(), x, create_graph=True)[0]


def _einsum(equation: str, *letters: str) -> OpSpec:
    return OpSpec(
        "einsum_" + equation.replace(",", "_").replace("->", "_to_").replace(".", "e"),
        lambda L, *xs: L.einsum(equation, *xs),
        s.matrices(*letters),
        EINSUM_ROWS,
    )


MORE_SPECS: list[OpSpec] = [
    OpSpec(
        "std", lambda L, x: x.std(), st.tuples(s.shapes(1, min_side=2).flatmap(separated)), ("std",)
    ),  # fmt: skip
    OpSpec(
        "std_dim",
        lambda L, x, d: L.std(x, d, keepdim=True),
        _with_dim(separated, min_side=2),
        ("std",),
    ),
    OpSpec(
        "var", lambda L, x: x.var(), st.tuples(s.shapes(1, min_side=2).flatmap(s.arrays)), ("var",)
    ),  # fmt: skip
    OpSpec(
        "var_dim_biased",
        lambda L, x, d: x.var(d, unbiased=False),
        s.with_dim(),
        ("var",),
    ),
    OpSpec(
        "var_correction",
        lambda L, x, d: L.var(x, dim=[d], correction=0, keepdim=True),
        s.with_dim(),
        ("var",),
    ),
    OpSpec("prod", lambda L, x: x.prod(), st.tuples(s.array()), ("prod",)),
    OpSpec("prod_dim", lambda L, x, d: L.prod(x, d), s.with_dim(), ("prod_dim",)),
    OpSpec("prod_keepdim", lambda L, x, d: x.prod(d, True), s.with_dim(), ("prod_dim",)),
    OpSpec("cumprod", lambda L, x, d: x.cumprod(d), s.with_dim(), ("cumprod",)),
    OpSpec("sort", lambda L, x, d: x.sort(d).values, _with_dim(separated), ("sort",)),
    OpSpec(
        "sort_descending",
        lambda L, x, d: L.sort(x, d, descending=True)[0],
        _with_dim(separated),
        ("sort",),
    ),
    OpSpec(
        "sort_stable",
        lambda L, x, d: x.sort(dim=d, stable=True).values,
        _with_dim(separated),
        ("sort_stable",),
    ),
    OpSpec("topk", lambda L, x, d, k: x.topk(k, d).values, _topk_case(), ("topk",)),
    OpSpec(
        "topk_smallest",
        lambda L, x, d, k: L.topk(x, k, dim=d, largest=False)[0],
        _topk_case(),
        ("topk",),
    ),
    OpSpec("gather", lambda L, x, d, i: x.gather(d, i), _index_case(False, False), ("gather",)),
    OpSpec(
        "scatter",
        lambda L, x, d, i, v: x.scatter(d, i, v),
        _index_case(True, True),
        ("scatter",),
    ),
    OpSpec(
        "scatter_value",
        lambda L, x, d, i: L.scatter(x, d, i, 1.5),
        _index_case(False, False),
        ("scatter_value",),
    ),
    OpSpec(
        "scatter_add",
        lambda L, x, d, i, v: x.scatter_add(d, i, v),
        _index_case(True, False),
        ("scatter_add",),
    ),
    OpSpec("masked_fill", lambda L, x, m: x.masked_fill(m, -1.5), _masks(False), ("masked_fill",)),
    OpSpec(
        "masked_fill_tensor",
        lambda L, x, m, v: L.masked_fill(x, m, v),
        _masks(True),
        ("masked_fill_tensor",),
    ),
    OpSpec(  # |x| >= 0.5: away from the bound 0, where the gradient jumps
        "clamp_min_row",
        lambda L, x: x.clamp_min(0.0),
        st.tuples(s.array(s.away_from_zero())),
        ("clamp_min",),
    ),
    OpSpec(
        "clamp_max_row",
        lambda L, x: L.clamp_max(x, 0.0),
        st.tuples(s.array(s.away_from_zero())),
        ("clamp_max",),
    ),
    OpSpec("split", lambda L, x, d: x.split(2, d)[-1], s.with_dim(), ("split",)),
    OpSpec("chunk", lambda L, x, d: L.chunk(x, 3, d)[0], s.with_dim(), ("split",)),
    OpSpec(
        "split_with_sizes",
        lambda L, x, d: L.split(x, [1, x.shape[d] - 1], dim=d)[1],
        s.with_dim(),
        ("split_with_sizes",),
    ),
    OpSpec(
        "diagonal",
        lambda L, x, k: x.diagonal(k, 0, -1),
        st.tuples(s.array(min_dims=2), st.integers(-2, 2)),
        ("diagonal",),
    ),
    OpSpec(
        "diagonal_backward",
        _diagonal_double_backward,
        st.tuples(s.array(min_dims=2, max_dims=2)),
        ("diagonal_backward", "diagonal", "mul", "sum", "expand", "add"),
    ),
    _einsum("ij,jk->ik", "ab", "bc"),
    _einsum("bij,bjk->bik", "nab", "nbc"),
    _einsum("ij,j->i", "ab", "b"),
    _einsum("i,i->", "a", "a"),
    _einsum("i,j->ij", "a", "b"),
    _einsum("ij,ij->ij", "ab", "ab"),
    _einsum("ij,kj", "ab", "cb"),
    _einsum("...ij,...jk->...ik", "nab", "nbc"),
    _einsum("ij,jk,kl->il", "ab", "bc", "cd"),  # left to right (PyTorch without opt_einsum)
    _einsum("ii", "aa"),
    _einsum("ii->i", "aa"),
    _einsum("ij->ji", "ab"),
    _einsum("ij->", "ab"),
    _einsum("bij->bj", "nab"),
]
