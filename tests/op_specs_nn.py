"""Op specs for the rows of `minigrad.nn_ops` (convolution, pooling, embedding, norms, BCE).

`op_specs.py` appends NN_SPECS to its table, so the differential, property and coverage tests
run them too. Importing `minigrad.nn` registers these rows in OPS.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import minigrad.nn  # noqa: F401  (registers the nn_ops rows)

import strategies as s
from op_specs import OpSpec


def _F(lib: Any) -> Any:
    return lib.nn.functional


def _images(max_side: int = 5) -> st.SearchStrategy[tuple[int, int, int, int]]:
    return st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(3, max_side),
                     st.integers(3, max_side))  # fmt: skip


def _conv_case(bias: bool) -> st.SearchStrategy[tuple[Any, ...]]:
    def arrays(shape: tuple[int, int, int, int]) -> Any:
        n, c, h, w = shape
        return st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)).flatmap(
            lambda k: st.tuples(
                s.arrays((n, c, h, w)),
                s.arrays((k[0], c, min(k[1], h), min(k[2], w))),
                *([s.arrays((k[0],))] if bias else []),
            )
        )

    return _images().flatmap(arrays)


def _distinct(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    """Values a quarter apart (no ties, no kinks for finite differences)."""
    size = int(np.prod(shape))
    return st.permutations(list(range(size))).map(
        lambda p: (np.array(p, np.float64).reshape(shape) - size / 2) / 4
    )


def _norm_case(min_dims: int = 2) -> st.SearchStrategy[tuple[Any, ...]]:
    def arrays(shape: tuple[int, ...]) -> Any:
        # spread values: a near-constant channel has variance ~ 0, where float32 rounding
        # residues (not the formula) decide the weight's gradient in both libraries
        return st.tuples(s.spread_arrays(shape), s.arrays(shape[1:2]), s.arrays(shape[1:2]))

    return s.shapes(min_dims=min_dims, max_dims=3, min_side=2).flatmap(arrays)


def _layer_norm_case() -> st.SearchStrategy[tuple[Any, ...]]:
    def arrays(shape: tuple[int, ...]) -> Any:
        return st.tuples(s.spread_arrays(shape), s.arrays(shape[-1:]), s.arrays(shape[-1:]))

    return s.shapes(min_dims=1, max_dims=3, min_side=2).flatmap(arrays)


def _batch_norm_eval(lib: Any, x: Any, w: Any, b: Any) -> Any:
    channels = x.shape[1]
    mean = lib.tensor(np.linspace(-1, 1, channels), dtype=x.dtype)
    var = lib.tensor(np.linspace(0.5, 2, channels), dtype=x.dtype)
    return _F(lib).batch_norm(x, mean, var, w, b, training=False)


def _pair_of(low: float, high: float, target: Any = None) -> st.SearchStrategy[Any]:
    target = s.floats(0.0, 1.0) if target is None else target
    return s.shapes(max_dims=3).flatmap(
        lambda sh: st.tuples(s.arrays(sh, s.floats(low, high)), s.arrays(sh, target))
    )


EMBEDDING = st.tuples(st.integers(2, 5), st.integers(1, 3)).flatmap(
    lambda nd: st.tuples(
        s.arrays(nd),
        s.shapes(max_dims=2).flatmap(
            lambda sh: s.arrays(sh, st.integers(0, nd[0] - 1)).map(lambda a: a.astype(np.int64))
        ),
    )
)

NN_SPECS: list[OpSpec] = [
    OpSpec(
        "conv2d",
        lambda L, x, w, b: _F(L).conv2d(x, w, b),
        _conv_case(bias=True),
        ("convolution",),
        rtol32=1e-3,
        atol32=1e-4,
    ),
    OpSpec(
        "conv2d_stride_padding",
        lambda L, x, w: _F(L).conv2d(x, w, stride=2, padding=1),
        _conv_case(bias=False),
        ("convolution",),
        rtol32=1e-3,
        atol32=1e-4,
    ),
    OpSpec(
        "max_pool2d",
        lambda L, x: _F(L).max_pool2d(x, 2),
        _images(6).flatmap(lambda sh: st.tuples(_distinct(sh))),
        ("max_pool2d",),
    ),
    OpSpec(
        "max_pool2d_stride_padding",
        lambda L, x: _F(L).max_pool2d(x, 3, stride=2, padding=1),
        _images(6).flatmap(lambda sh: st.tuples(_distinct(sh))),
        ("max_pool2d",),
    ),
    OpSpec(
        "avg_pool2d",
        lambda L, x: _F(L).avg_pool2d(x, 2),
        _images(6).flatmap(lambda sh: st.tuples(_distinct(sh))),
        ("avg_pool2d",),
    ),
    OpSpec(
        "avg_pool2d_stride_padding",
        lambda L, x: _F(L).avg_pool2d(x, 3, stride=2, padding=1),
        _images(6).flatmap(lambda sh: st.tuples(_distinct(sh))),
        ("avg_pool2d",),
    ),
    OpSpec("embedding", lambda L, w, i: _F(L).embedding(i, w), EMBEDDING, ("embedding",)),
    OpSpec(
        "layer_norm",
        lambda L, x, w, b: _F(L).layer_norm(x, x.shape[-1:], w, b),
        _layer_norm_case(),
        ("native_layer_norm",),
        rtol32=1e-3,
        atol32=1e-4,
        rtol64=1e-8,
        atol64=1e-10,
    ),
    OpSpec(
        "batch_norm_train",
        lambda L, x, w, b: _F(L).batch_norm(x, None, None, w, b, training=True),
        _norm_case(),
        ("native_batch_norm",),
        rtol32=1e-3,
        atol32=1e-4,
        rtol64=1e-8,
        atol64=1e-10,
    ),
    OpSpec(
        "batch_norm_eval",
        _batch_norm_eval,
        _norm_case(),
        ("native_batch_norm",),
        rtol32=1e-3,
        atol32=1e-4,
    ),
    OpSpec(
        "binary_cross_entropy",
        lambda L, x, y: _F(L).binary_cross_entropy(x, y),
        _pair_of(0.0625, 0.9375),
        ("binary_cross_entropy",),
        rtol32=1e-3,
        atol32=1e-4,
    ),
    OpSpec(
        "binary_cross_entropy_none",
        lambda L, x, y: _F(L).binary_cross_entropy(x, y, reduction="none"),
        _pair_of(0.0625, 0.9375),
        ("binary_cross_entropy",),
        rtol32=1e-3,
        atol32=1e-4,
    ),
    OpSpec(
        "bce_with_logits",
        lambda L, x, y: _F(L).binary_cross_entropy_with_logits(x, y),
        _pair_of(-3.0, 3.0),
        ("binary_cross_entropy_with_logits",),
        rtol32=1e-3,
        atol32=1e-4,
    ),
    OpSpec(
        "bce_with_logits_sum",
        lambda L, x, y: _F(L).binary_cross_entropy_with_logits(x, y, reduction="sum"),
        _pair_of(-3.0, 3.0),
        ("binary_cross_entropy_with_logits",),
        rtol32=1e-3,
        atol32=1e-4,
    ),
]
