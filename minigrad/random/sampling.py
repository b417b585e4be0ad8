"""torch's sampling functions: rand, randn, randint, randperm, normal, bernoulli, multinomial."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import dtypes
from minigrad.arguments import dtype_arg, int_arg, int_list, nonnegative, size_args
from minigrad.random import checks, kernels
from minigrad.random.generator import Generator, resolve


def _shape(fn: str, size: tuple, kw: Any) -> tuple[int, ...]:
    """The shape of `fn(*size)` or `fn(size=kw)`, with PyTorch's argument errors."""
    return size_args(fn, size, {} if kw is None else {"size": kw})


def _make(arr: np.ndarray, requires_grad: bool, out: Any = None) -> Any:
    from minigrad.factories import _leaf

    if out is not None:
        out._data = arr.astype(out._data.dtype)
        return out
    return _leaf(arr, requires_grad)


def _float_type(fn: str, dtype: Any) -> Any:
    return (dtype_arg(fn, dtype) or dtypes.get_default_dtype()).np_type


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
    shape = _shape("rand", size, kw.get("size"))
    np_type = _float_type("rand", dtype)
    checks.kernel_dtype("check_uniform_bounds", np.dtype(np_type))
    arr = kernels.uniform(resolve(generator), shape, np_type, 0.0, 1.0)
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
    shape = _shape("randn", size, kw.get("size"))
    np_type = _float_type("randn", dtype)
    checks.kernel_dtype("normal_kernel_cpu", np.dtype(np_type))
    arr = kernels.normal(resolve(generator), shape, np_type, 0.0, 1.0)
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
    shape = nonnegative(
        "randint", int_list("randint", size, position=2 + (len(args) > 2), one_int=False)
    )
    dt = dtype_arg("randint", dtype) or dtypes.int64
    low = checks.long_long(int_arg("randint", "low", low, 1))
    high = checks.long_long(int_arg("randint", "high", high, 1 + (len(args) > 2)))
    checks.from_to(low, high, np.dtype(dt.np_type))
    arr = kernels.from_to(resolve(generator), shape, dt.np_type, low, high)
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
    n = nonnegative("randperm", (int_arg("randperm", "n", n, 1),))[0]
    dt = dtype_arg("randperm", dtype) or dtypes.int64
    return _make(kernels.randperm(resolve(generator), n).astype(dt.np_type), False, out)


def _like(t: Any, dtype: Any) -> tuple[tuple[int, ...], Any]:  # (shape, numpy type)
    return tuple(t.shape), (dtypes.to_dtype(dtype) if dtype is not None else t.dtype).np_type


def rand_like(t: Any, *, dtype: Any = None, requires_grad: bool = False, generator: Any = None,
              **kw: Any) -> Any:  # fmt: skip
    """Uniform values with t's shape and dtype.

    Args:
        t: the model tensor.
    """
    shape, np_type = _like(t, dtype)
    checks.kernel_dtype("check_uniform_bounds", np.dtype(np_type))
    return _make(kernels.uniform(resolve(generator), shape, np_type, 0.0, 1.0), requires_grad)


def randn_like(t: Any, *, dtype: Any = None, requires_grad: bool = False, generator: Any = None,
               **kw: Any) -> Any:  # fmt: skip
    """Normal values with t's shape and dtype.

    Args:
        t: the model tensor.
    """
    shape, np_type = _like(t, dtype)
    checks.kernel_dtype("normal_kernel_cpu", np.dtype(np_type))
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
    low, high = checks.long_long(low), checks.long_long(high)
    checks.from_to(low, high, np.dtype(np_type))
    return _make(kernels.from_to(resolve(generator), shape, np_type, low, high), False)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Any = None,
           out: Any = None, dtype: Any = None, layout: Any = None, device: Any = None,
           requires_grad: bool = False, **kw: Any) -> Any:  # fmt: skip
    """Normal values: normal(mean, std, size) or with tensor mean/std (torch's order of work).

    Args:
        mean: a number or tensor.
        std: a number or tensor.
        size: the shape when both are numbers.
        requires_grad: make a leaf that records operations (numbers form only, as torch).
    """
    gen = resolve(generator)
    m_t, s_t = hasattr(mean, "_data"), hasattr(std, "_data")
    if not m_t and not s_t:
        _check(device)
        checks.std_scalar(float(std))
        shape = nonnegative("normal", int_list("normal", size, position=3))
        arr = kernels.normal(gen, shape, _float_type("normal", dtype), float(mean), float(std))
        return _make(arr, requires_grad, out)
    if s_t:
        checks.std_tensor(std._data)
    else:
        checks.std_scalar(float(std))
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
    if p is None:
        checks.kernel_dtype("bernoulli_tensor_cpu_p_", data.dtype)
        checks.probabilities(data)
    else:
        checks.probability(float(p))
    if p is not None:
        arr = kernels.bernoulli(gen, data.shape, data.dtype.type, float(p))
    else:
        arr = kernels.bernoulli_tensor(gen, data).astype(data.dtype)
    return _make(arr, False, out)


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
    num_samples = int_arg("multinomial", "num_samples", num_samples, 2)
    probs = input._data
    checks.multinomial(probs, num_samples, replacement)
    gen = resolve(generator)
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
