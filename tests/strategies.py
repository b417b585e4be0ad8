"""Hypothesis strategies shared by the op tests: shapes (broadcasting too) and float arrays.

Values are drawn as float32-representable numbers, so casting to float32 or float64 gives the
same tensor in minigrad and torch (and the same ties for max/min/maximum/clamp).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX_SIDE = 4


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1) -> st.SearchStrategy[Any]:
    """Shapes of up to `max_dims` dimensions, each side at most MAX_SIDE."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=MAX_SIDE
    )


def broadcast_shapes(n: int = 2, min_dims: int = 0, max_dims: int = 3) -> st.SearchStrategy[Any]:
    """`n` shapes that broadcast together (sizes 1 and missing leading dims included)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=max_dims, max_side=3
    ).map(lambda s: s.input_shapes)


def floats(low: float = -3.0, high: float = 3.0) -> st.SearchStrategy[float]:
    """Finite float32-representable numbers in [low, high]."""
    return st.floats(low, high, width=32, allow_nan=False, allow_infinity=False)


def away_from_zero(magnitude: float = 0.5, high: float = 3.0) -> st.SearchStrategy[float]:
    """Numbers with |x| in [magnitude, high] (safe divisors)."""
    return st.tuples(floats(magnitude, high), st.booleans()).map(lambda p: -p[0] if p[1] else p[0])


def arrays(shape: Any, elements: st.SearchStrategy[float] | None = None, **kw: Any) -> Any:
    """A float64 array of `shape` (float32-representable values)."""
    return hnp.arrays(np.float64, shape, elements=floats() if elements is None else elements, **kw)


def distinct_arrays(shape: Any) -> st.SearchStrategy[np.ndarray]:
    """An array whose values are all different (no ties for max/min)."""
    return hnp.arrays(np.float64, shape, elements=floats(), unique=True)


def spread_arrays(shape: Any) -> st.SearchStrategy[np.ndarray]:
    """Values whose magnitudes all differ by at least 1/32 and are at least 1/4: no ties of
    |x| (max-like kinks), no near-constant rows (variance ~ 0), no values by 0 (|x| kinks)."""
    n = int(np.prod(shape, dtype=np.int64))
    magnitudes = st.lists(st.integers(8, 8 + 4 * max(n, 1)), min_size=n, max_size=n, unique=True)
    signs = st.lists(st.sampled_from([-1.0, 1.0]), min_size=n, max_size=n)
    return st.tuples(magnitudes, signs).map(
        lambda ms: (np.array(ms[0], np.float64) / 32 * np.array(ms[1])).reshape(shape)
    )


def array(elements: st.SearchStrategy[float] | None = None, **shape_kw: Any) -> Any:
    """One array of a drawn shape."""
    return shapes(**shape_kw).flatmap(lambda s: arrays(s, elements))


def array_tuple(*elements: st.SearchStrategy[float] | None, max_dims: int = 3) -> Any:
    """Arrays of mutually broadcastable shapes, one per `elements` strategy."""
    return broadcast_shapes(len(elements), max_dims=max_dims).flatmap(
        lambda ss: st.tuples(*(arrays(s, e) for s, e in zip(ss, elements)))
    )


def with_dim(shape_strategy: Any = None) -> st.SearchStrategy[tuple[np.ndarray, int]]:
    """An array of at least one dimension and a valid (possibly negative) dim of it."""
    return (shape_strategy or shapes(min_dims=1)).flatmap(
        lambda s: st.tuples(arrays(s), st.integers(-len(s), len(s) - 1))
    )


def matrices(*dims: str, sides: int = 4) -> st.SearchStrategy[tuple[np.ndarray, ...]]:
    """Arrays whose shapes are spelled with letters sharing sizes: matrices("ab", "bc")."""
    letters = sorted(set("".join(dims)))
    sizes = st.fixed_dictionaries({c: st.integers(1, sides) for c in letters})
    return sizes.flatmap(lambda n: st.tuples(*(arrays(tuple(n[c] for c in d)) for d in dims)))
