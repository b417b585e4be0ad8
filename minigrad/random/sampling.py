"""torch's sampling functions: rand, randn, randint, randperm, normal, bernoulli, multinomial."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import dtypes
from minigrad.errors import runtime
from minigrad.random import kernels
from minigrad.random.generator import Generator, resolve


def _shape(size: tuple, kw: Any) -> tuple[int, ...]:
    from minigrad.methods import shape_args

    return tuple(shape_args(size if kw is None else (kw,)))


def _make(arr: np.ndarray, requires_grad: bool, out: Any = None) -> Any:
    from minigrad.factories import _leaf

    if out is not None:
        out._data = arr.astype(out._data.dtype)
        return out
    return _leaf(arr, requires_grad)


def _float_type(dtype: Any) -> Any:
    return (dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()).np_type


def _check(device: Any) -> None:
    if device is not None:
        from minigrad.device import check_device

        check_device(device)


def rand(*size: Any, generator: Generator | None = None, out: Any = None, dtype: Any = None,
         layout: Any = None, device: Any = None, requires_grad: bool = False,
         pin_memory: bool = False, **kw: Any) -> Any:  # fmt: skip
    """Uniform values in [0, 1), PyTorch's exact numbers for a seed.

    Args:
        size: the shape (positional or `size=`).
        generator: the Generator to draw from (default: the global one).
        dtype: the float dtype.
    """
    _check(device)
    shape = _shape(size, kw.get("size"))
    arr = kernels.uniform(resolve(generator), shape, _float_type(dtype), 0.0, 1.0)
    return _make(arr, requires_grad, out)


def randn(*size: Any, generator: Generator | None = None, out: Any = None, dtype: Any = None,
          layout: Any = None, device: Any = None, requires_grad: bool = False,
          pin_memory: bool = False, **kw: Any) -> Any:  # fmt: skip
    """Standard normal values, PyTorch's exact numbers for a seed (see README for float32).

    Args:
        size: the shape (positional or `size=`).
        generator: the Generator to draw from.
        dtype: the float dtype.
    """
    _check(device)
    shape = _shape(size, kw.get("size"))
    arr = kernels.normal(resolve(generator), shape, _float_type(dtype), 0.0, 1.0)
    return _make(arr, requires_grad, out)


def randint(*args: Any, generator: Generator | None = None, out: Any = None, dtype: Any = None,
            layout: Any = None, device: Any = None, requires_grad: bool = False,
            **kw: Any) -> Any:  # fmt: skip
    """Integers in [low, high): `randint(high, size)` or `randint(low, high, size)`.

    Args:
        args: (high, size) or (low, high, size); also as keywords.
        generator: the Generator to draw from.
        dtype: the result dtype (int64 by default).
    """
    _check(device)
    low = kw.get("low", 0)
    high, size = kw.get("high"), kw.get("size")
    rest = list(args)
    if high is None:
        if len(rest) >= 3 or (len(rest) == 2 and size is not None):
            low = rest.pop(0)
        high = rest.pop(0)
    if size is None:
        size = rest.pop(0)
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    arr = kernels.from_to(resolve(generator), tuple(size), dt.np_type, int(low), int(high))
    return _make(arr, requires_grad, out)


def randperm(n: int, *, generator: Generator | None = None, out: Any = None, dtype: Any = None,
             layout: Any = None, device: Any = None, requires_grad: bool = False,
             pin_memory: bool = False) -> Any:  # fmt: skip
    """A random permutation of 0..n-1 (torch's swap algorithm, so the same permutation).

    Args:
        n: the length.
        generator: the Generator to draw from.
        dtype: the result dtype (int64 by default).
    """
    _check(device)
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    return _make(kernels.randperm(resolve(generator), int(n)).astype(dt.np_type), False, out)


def _like(t: Any, dtype: Any) -> tuple[tuple[int, ...], Any]:  # (shape, numpy type)
    return tuple(t.shape), (dtypes.to_dtype(dtype) if dtype is not None else t.dtype).np_type


def rand_like(t: Any, *, dtype: Any = None, requires_grad: bool = False, generator: Any = None,
              **kw: Any) -> Any:  # fmt: skip
    """Uniform values with t's shape and dtype.

    Args:
        t: the model tensor.
    """
    shape, np_type = _like(t, dtype)
    return _make(kernels.uniform(resolve(generator), shape, np_type, 0.0, 1.0), requires_grad)


def randn_like(t: Any, *, dtype: Any = None, requires_grad: bool = False, generator: Any = None,
               **kw: Any) -> Any:  # fmt: skip
    """Normal values with t's shape and dtype.

    Args:
        t: the model tensor.
    """
    shape, np_type = _like(t, dtype)
    return _make(kernels.normal(resolve(generator), shape, np_type, 0.0, 1.0), requires_grad)


def randint_like(t: Any, low: int = 0, high: Any = None, *, dtype: Any = None,
                 generator: Any = None, **kw: Any) -> Any:  # fmt: skip
    """Integers in [low, high) with t's shape and dtype.

    Args:
        t: the model tensor.
        low: the lowest value (or `high` when only one bound is given).
        high: one above the highest value.
    """
    if high is None:
        low, high = 0, low
    shape, np_type = _like(t, dtype)
    return _make(kernels.from_to(resolve(generator), shape, np_type, low, high), False)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Any = None,
           out: Any = None, dtype: Any = None, **kw: Any) -> Any:  # fmt: skip
    """Normal values: normal(mean, std, size) or with tensor mean/std (torch's order of work).

    Args:
        mean: a number or tensor.
        std: a number or tensor.
        size: the shape when both are numbers.
    """
    gen = resolve(generator)
    m_t, s_t = hasattr(mean, "_data"), hasattr(std, "_data")
    if not m_t and not s_t:
        arr = kernels.normal(gen, tuple(size), _float_type(dtype), float(mean), float(std))
        return _make(arr, False, out)
    ref = mean if m_t else std
    shape = np.broadcast_shapes(*(x._data.shape for x in (mean, std) if hasattr(x, "_data")))
    np_type = ref._data.dtype.type
    if m_t and not s_t:  # normal_(0, std) then add mean
        arr = kernels.normal(gen, shape, np_type, 0.0, float(std)) + mean._data
    else:  # normal_(0, 1) then mul std, add mean
        arr = kernels.normal(gen, shape, np_type, 0.0, 1.0) * std._data
        arr = arr + (mean._data if m_t else np_type(mean))
    return _make(arr.astype(np_type), False, out)


def bernoulli(input: Any, p: Any = None, *, generator: Any = None, out: Any = None) -> Any:  # noqa: A002
    """0/1 draws with probabilities `input` (or a scalar p), input's shape and dtype.

    Args:
        input: the probabilities.
        p: a scalar probability instead of input's values.
    """
    gen = resolve(generator)
    data = input._data
    if p is not None:
        arr = kernels.bernoulli(gen, data.shape, data.dtype.type, float(p))
    else:
        arr = kernels.bernoulli_tensor(gen, data).astype(data.dtype)
    return _make(arr, False, out)


def _check_weights(probs: np.ndarray, num_samples: int, replacement: bool) -> None:
    """PyTorch's checks of multinomial's arguments, in its order and words."""
    if probs.ndim not in (1, 2):
        raise runtime("multinomial", "prob_dist must be 1 or 2 dim")
    if probs.dtype.kind != "f":
        name = dtypes.from_numpy(probs.dtype).legacy.removesuffix("Tensor")  # Long, Int, ...
        msg = f"multinomial only supports floating-point dtypes for input, got: {name}"
        raise runtime("multinomial", msg)
    if num_samples <= 0:
        raise runtime("multinomial", "cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > probs.shape[-1]:
        msg = "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        raise runtime("multinomial", msg)
    if not np.isfinite(probs).all() or (probs < 0).any():
        msg = "probability tensor contains either `inf`, `nan` or element < 0"
        raise runtime("multinomial", msg)
    if (probs.reshape(-1, probs.shape[-1]).sum(axis=-1) <= 0).any():
        raise runtime("multinomial", "invalid multinomial distribution (sum of probabilities <= 0)")


def multinomial(input: Any, num_samples: int, replacement: bool = False, *,  # noqa: A002
                generator: Any = None, out: Any = None) -> Any:  # fmt: skip
    """Category indices drawn from rows of weights (torch's algorithms, see the module doc).

    Without replacement (or one sample) torch takes the top-k of p / Exp(1); with it, a
    binary search of each 53-bit uniform in the row's normalised running sum.

    Args:
        input: weights, 1-d or 2-d.
        num_samples: samples per row.
        replacement: draw with replacement.
    """
    gen = resolve(generator)
    probs = input._data
    _check_weights(probs, num_samples, replacement)
    rows = probs.reshape(-1, probs.shape[-1])
    if not replacement or num_samples == 1:
        q = kernels.exponential(gen, rows.shape, rows.dtype.type, 1.0)
        keys = rows / q
        idx = np.argsort(-keys, axis=-1, kind="stable")[:, :num_samples]
    else:
        idx = np.empty((rows.shape[0], num_samples), np.int64)
        for i, row in enumerate(rows):
            cum = np.cumsum(row, dtype=row.dtype)
            cum = cum / cum[-1]
            cum[-1] = 1
            u = kernels.unit(gen, num_samples, np.float64)
            idx[i] = np.searchsorted(cum.astype(np.float64), u, side="left")
    shape = (*probs.shape[:-1], num_samples)
    return _make(idx.astype(np.int64).reshape(shape), False, out)
