"""More Tensor methods: statistics, products, sorting, unique, splits, diagonals, movedim.

Each is one call into a row of `ops_reduce.py` or `ops_select.py` after PyTorch's argument
checks (with PyTorch's error texts). `TensorMethods` (methods.py) inherits these, and the
index and mask methods of methods_select.py through them.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad.errors import runtime
from minigrad.methods_select import SelectTensorMethods, _dim, numpy_names

_Int = int  # shadowed by the .int() method inside Tensor's classes
_Bool = bool
DOF_WARNING = (
    "{}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
    "factor (input numel divided by output numel)."
)


def _dim_tuple(dim: Any, ndim: int) -> tuple[int, ...] | None:
    if dim is None or (isinstance(dim, (list, tuple)) and not dim):
        return None
    dims = [_dim(d, ndim) for d in (dim if isinstance(dim, (list, tuple)) else (dim,))]
    for d in dims:
        if dims.count(d) > 1:
            raise runtime("dim_repeated", f"dim {d} appears multiple times in the list of dims")
    return tuple(sorted(dims))


def _sort_order(data: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """Stable sort indices; descending puts NaN first, as PyTorch does."""
    if data.dtype.kind in "bu":
        data = data.astype(np.int64)
    key = data
    if descending:
        key = np.where(np.isnan(data), -np.inf, -data) if data.dtype.kind == "f" else -data
    return np.argsort(key, axis=dim, kind="stable").astype(np.int64)


class MoreTensorMethods(SelectTensorMethods):
    """Tensor methods for the rows of ops_reduce.py and ops_select.py."""

    __slots__ = ()
    _data: np.ndarray

    # --- statistics and products ------------------------------------------------------------
    def _spread(self, name: str, dim: Any, unbiased: Any, keepdim: _Bool, correction: Any) -> Any:
        from minigrad import ops_reduce

        if isinstance(dim, bool):  # var(True): the `unbiased` overload
            dim, unbiased = None, dim
        if self._data.dtype.kind != "f":
            raise runtime("var_dtype", "std and var only support floating point and complex dtypes")
        if correction is None:
            correction = 0 if unbiased is False else 1
        dims = _dim_tuple(dim, self._data.ndim)
        if not self._data.ndim:  # a 0-d tensor: dim 0 (or -1) is all of it
            dims = None
        reduced = self._data.shape if dims is None else [self._data.shape[d] for d in dims]
        if int(np.prod(reduced, dtype=np.int64)) - correction <= 0:
            warnings.warn(DOF_WARNING.format(name), UserWarning, stacklevel=3)
        row = getattr(ops_reduce, name)
        return row(self, dim=dims, correction=correction, keepdim=_Bool(keepdim))

    @numpy_names
    def var(
        self,
        dim: Any = None,
        unbiased: Any = None,
        keepdim: _Bool = False,
        *,
        correction: Any = None,
    ) -> Any:
        """Σ (x - mean)² / (N - correction) over `dim` (all by default; correction 1).

        Args:
            dim: an int, a tuple of ints, or None for all elements.
            unbiased: False for correction 0 (PyTorch's older argument).
            keepdim: keep the reduced dimensions (size 1).
            correction: subtracted from N (1: Bessel's correction).
        """
        return self._spread("var", dim, unbiased, keepdim, correction)

    @numpy_names
    def std(
        self,
        dim: Any = None,
        unbiased: Any = None,
        keepdim: _Bool = False,
        *,
        correction: Any = None,
    ) -> Any:
        """√var: the standard deviation over `dim` (arguments as for `var`)."""
        return self._spread("std", dim, unbiased, keepdim, correction)

    @numpy_names
    def prod(self, dim: Any = None, keepdim: _Bool = False, *, dtype: Any = None) -> Any:
        """Product of all elements, or along one `dim` (integers and bools give int64).

        Args:
            dim: one dimension, or None for all elements.
            keepdim: keep the reduced dimension (size 1).
            dtype: cast to this dtype first.
        """
        from minigrad import ops_reduce

        x: Any = self if dtype is None else self.to(dtype)  # type: ignore[attr-defined]
        if dim is None:
            return ops_reduce.prod(x)
        return ops_reduce.prod_dim(x, dim=_dim(dim, self._data.ndim), keepdim=_Bool(keepdim))

    @numpy_names
    def cumprod(self, dim: _Int, *, dtype: Any = None) -> Any:
        """Running products along `dim`: out[i] = Π_{j <= i} self[j]."""
        from minigrad import ops_reduce

        x: Any = self if dtype is None else self.to(dtype)  # type: ignore[attr-defined]
        return ops_reduce.cumprod(x, dim=_dim(dim, self._data.ndim))

    # --- sorting ----------------------------------------------------------------------------
    @numpy_names
    def sort(self, dim: _Int = -1, descending: _Bool = False, *, stable: _Bool = False) -> Any:
        """(values, indices) sorted along `dim`; ties keep their order (a stable sort)."""
        from minigrad import ops_select
        from minigrad.methods import return_type
        from minigrad.tensor import Tensor

        d = _dim(dim, self._data.ndim)
        order = (
            _sort_order(self._data, d, descending) if self._data.ndim else np.zeros((), np.int64)
        )
        row = ops_select.sort_stable if stable else ops_select.sort
        values = row(self, dim=d, indices=order)
        return return_type("sort", values, Tensor._make(order))

    @numpy_names
    def topk(self, k: _Int, dim: _Int = -1, largest: _Bool = True, sorted: _Bool = True) -> Any:  # noqa: A002
        """(values, indices) of the k largest (or smallest) elements along `dim`, sorted."""
        from minigrad import ops_select
        from minigrad.methods import return_type
        from minigrad.tensor import Tensor

        d = _dim(dim, self._data.ndim)
        size = self._data.shape[d] if self._data.ndim else 1
        if not 0 <= k <= size:
            raise runtime("topk_range", "selected index k out of range")
        if self._data.ndim:
            order = np.take(_sort_order(self._data, d, largest), np.arange(k), axis=d)
        else:
            order = np.zeros((), np.int64)
        values = ops_select.topk(self, dim=d, indices=order)
        return return_type("topk", values, Tensor._make(order))

    def unique(
        self,
        sorted: _Bool = True,  # noqa: A002 - torch's argument name
        return_inverse: _Bool = False,
        return_counts: _Bool = False,
        dim: Any = None,
    ) -> Any:
        """The distinct values, sorted; optionally where each element went, and how often.

        Like PyTorch, the values record Unique2Backward0 (UniqueDimBackward0 with `dim`), whose
        backward fails: unique has no derivative.
        """
        from minigrad import ops_select
        from minigrad.tensor import Tensor

        axis = None if dim is None else _dim(dim, self._data.ndim)
        values, inverse, counts = np.unique(
            self._data, return_inverse=True, return_counts=True, axis=axis
        )
        inverse = inverse.reshape(self._data.shape if axis is None else (-1,))
        row = ops_select.unique_values if axis is None else ops_select.unique_dim
        found = [row(self, values=values)]
        if return_inverse:
            found.append(Tensor._make(inverse.astype(np.int64)))
        if return_counts:
            found.append(Tensor._make(counts.astype(np.int64)))
        return found[0] if len(found) == 1 else tuple(found)

    # --- pieces, diagonals, moved dims --------------------------------------------------------
    def split(self, split_size_or_sections: Any, dim: _Int = 0) -> tuple[Any, ...]:
        """Pieces along `dim`: of one size (the last may be smaller) or of the listed sizes.

        Each piece is its own SplitBackward0 node (PyTorch: one node shared by all pieces);
        the gradients are the same.
        """
        from minigrad import ops_select

        if not self._data.ndim:
            raise runtime("split_dims", "split expects at least a 1-dimensional tensor")
        d = _dim(dim, self._data.ndim)
        n = self._data.shape[d]
        if isinstance(split_size_or_sections, (list, tuple)):
            sizes = [_Int(s) for s in split_size_or_sections]
            if sum(sizes) != n or any(s < 0 for s in sizes):
                raise runtime(
                    "split_sizes",
                    f"split_with_sizes expects split_sizes to sum exactly to {n} "
                    f"(input tensor's size at dimension {dim}), but got split_sizes={sizes}",
                )
            row = ops_select.split_with_sizes
        else:
            step = _Int(split_size_or_sections)
            if step <= 0 and n:
                raise runtime(
                    "split_size",
                    "split_size can only be 0 if dimension size is 0, but got "
                    f"dimension size of {n}",
                )
            sizes = [min(step, n - s) for s in range(0, n, step)] if n else [0]
            row = ops_select.split
        starts = np.cumsum([0] + sizes)
        lead = (slice(None),) * d
        counter = self._version  # type: ignore[attr-defined]
        return tuple(
            row(self, key=lead + (slice(a, a + s),), piece=i, counter=counter, made=counter[0])
            for i, (a, s) in enumerate(zip(starts, sizes))
        )

    @numpy_names
    def chunk(self, chunks: _Int, dim: _Int = 0) -> tuple[Any, ...]:
        """At most `chunks` pieces along `dim`, each of size ceil(n / chunks) but the last."""
        if chunks <= 0:
            raise runtime(
                "chunk_count", f"chunk expects `chunks` to be greater than 0, got: {chunks}"
            )
        if not self._data.ndim:
            raise runtime("chunk_dims", "chunk expects at least a 1-dimensional tensor")
        n = self._data.shape[_dim(dim, self._data.ndim)]
        return self.split(max(-(-n // chunks), 1), dim)

    def diagonal(self, offset: _Int = 0, dim1: _Int = 0, dim2: _Int = 1) -> Any:
        """The diagonal of dims dim1, dim2 (above it for offset > 0), as the last dimension."""
        from minigrad import ops_select

        d1, d2 = _dim(dim1, self._data.ndim), _dim(dim2, self._data.ndim)
        if d1 == d2:
            raise runtime(
                "diagonal_dims", f"diagonal dimensions cannot be identical {dim1}, {dim2}"
            )
        return ops_select.diagonal(self, offset=_Int(offset), dim1=d1, dim2=d2)

    def movedim(self, source: Any, destination: Any) -> Any:
        """The dimensions in `source` moved to `destination` (a permute, as in PyTorch)."""
        nd = self._data.ndim
        if not nd:  # PyTorch's movedim of a 0-d tensor is an alias
            from minigrad import ops

            return ops.alias(self)
        src = [source] if isinstance(source, _Int) else list(source)
        dst = [destination] if isinstance(destination, _Int) else list(destination)
        src, dst = [_dim(s, nd) for s in src], [_dim(s, nd) for s in dst]
        rest = iter(d for d in range(nd) if d not in src)
        placed = dict(zip(dst, src))
        order = [placed[i] if i in placed else next(rest) for i in range(nd)]
        return self.permute(*order)  # type: ignore[attr-defined]

    moveaxis = movedim
