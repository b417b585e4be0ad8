"""ATen's CPU distribution kernels on numpy arrays: each draws what torch's draws, in order."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad.errors import runtime
from minigrad.random.boxmuller import normal_fill
from minigrad.random.generator import Generator

_M53 = np.uint64(2**53 - 1)


def unit(gen: Generator, n: int, np_type: type) -> np.ndarray:
    """n uniforms in [0, 1): float32 from 24 bits of one draw, float64 from 53 of two."""
    if np.dtype(np_type) == np.float64:
        return (gen.raw64(n) & _M53).astype(np.float64) * 2.0**-53
    raw = gen.raw32_u32(n)
    np.bitwise_and(raw, np.uint32(2**24 - 1), out=raw)
    x = raw.astype(np.float32)
    x *= np.float32(2.0**-24)
    return x


def _fma64(a: np.ndarray, b: float, c: float) -> np.ndarray:
    """fma(a, b, c) in float64: Dekker's exact product and a two-sum, then one add."""
    p = a * b
    ah = a * 134217729.0
    ah = ah - (ah - a)
    bh = b * 134217729.0
    bh = bh - (bh - b)
    err = ((ah * bh - p) + ah * (b - bh) + (a - ah) * bh) + (a - ah) * (b - bh)
    s = p + c
    v = s - p
    return s + (((p - (s - v)) + (c - v)) + err)


def uniform(gen: Generator, shape: tuple, np_type: type, low: float, high: float) -> np.ndarray:
    """uniform_real_distribution: x * (to - from) + from, fused; the top end maps to from."""
    n = math.prod(shape)
    x = unit(gen, n, np_type)
    if low == 0.0 and high == 1.0:  # x * 1 + 0 is x, exactly
        return x.astype(np_type, copy=False).reshape(shape)
    if x.dtype == np.float64:
        v = _fma64(x, high - low, low)
    else:
        lo, hi = np.float32(low), np.float32(high)
        v = (x.astype(np.float64) * np.float64(hi - lo) + np.float64(lo)).astype(np.float32)
        v[v == hi] = lo
    return v.astype(np_type).reshape(shape)


def _normal_scalar(gen: Generator) -> float:
    """normal_distribution<double>: Box-Muller with the second value cached in the generator."""
    if gen._normal is not None:
        value, gen._normal = gen._normal, None
        return value
    u1, u2 = unit(gen, 2, np.float64)
    r = math.sqrt(-2.0 * math.log1p(-u2))
    theta = 2.0 * math.pi * u1
    gen._normal = r * math.sin(theta)
    return r * math.cos(theta)


def normal(gen: Generator, shape: tuple, np_type: type, mean: float, std: float) -> np.ndarray:
    """normal_kernel: normal_fill for 16 or more values, else one scalar draw per value."""
    n = math.prod(shape)
    if n >= 16 and np.dtype(np_type).kind == "f":
        work = np.float64 if np.dtype(np_type) == np.float64 else np.float32
        uniforms = unit(gen, n, work)
        tail = unit(gen, 16, work) if n % 16 else None
        return normal_fill(uniforms, tail, mean, std).astype(np_type).reshape(shape)
    values = [_normal_scalar(gen) * std + mean for _ in range(n)]
    return np.array(values, np.float64).astype(np_type).reshape(shape)


def bernoulli(gen: Generator, shape: tuple, np_type: type, p: float) -> np.ndarray:
    """bernoulli_distribution<double>: a 53-bit uniform < p (the non-MKL kernel)."""
    return (unit(gen, math.prod(shape), np.float64) < p).astype(np_type).reshape(shape)


def bernoulli_tensor(gen: Generator, probs: np.ndarray) -> np.ndarray:
    """Per-element p: float64 p draws 53-bit uniforms, other dtypes 24-bit float32 ones."""
    work = np.float64 if probs.dtype == np.float64 else np.float32
    return unit(gen, probs.size, work).reshape(probs.shape) < probs.astype(work)


def exponential(gen: Generator, shape: tuple, np_type: type, lambd: float) -> np.ndarray:
    """exponential_distribution<double>: (-1 / lambda) * log1p(-u)."""
    u = unit(gen, math.prod(shape), np.float64)
    return ((-1.0 / lambd) * np.log1p(-u)).astype(np_type).reshape(shape)


def from_to(gen: Generator, shape: tuple, np_type: Any, low: int, high: int) -> np.ndarray:
    """uniform_int_from_to: draw % range + low, 64-bit draws when range >= 2**28."""
    if low >= high:
        msg = f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        raise runtime("random_range", msg)
    span = high - low
    n = math.prod(shape)
    raw = gen.raw64(n) if span >= 2**28 else gen.raw32(n)
    vals = (raw % np.uint64(span)).astype(np.int64) + np.int64(low)
    return vals.astype(np_type).reshape(shape)


def random_bits(gen: Generator, shape: tuple, np_type: type) -> np.ndarray:
    """random_() without bounds: [0, max] for integers, [0, 2**mantissa] for floats."""
    n, dt = math.prod(shape), np.dtype(np_type)
    if dt == np.bool_:
        return (gen.raw32(n) & np.uint64(1)).astype(bool).reshape(shape)
    if dt.kind == "f":
        digits = np.finfo(dt).nmant + 1
        raw = gen.raw64(n) if dt == np.float64 else gen.raw32(n)
        return (raw % np.uint64(2**digits + 1)).astype(dt).reshape(shape)
    top = np.uint64(int(np.iinfo(dt).max) + 1)  # type: ignore[type-var]
    raw = gen.raw64(n) if dt == np.int64 else gen.raw32(n)
    return (raw % top).astype(dt).reshape(shape)


def randperm(gen: Generator, n: int) -> np.ndarray:
    """TensorFactories' randperm_cpu for small n: swap r[i] with r[i + draw % (n - i)]."""
    out = list(range(n))
    if n > 1:
        picks = (gen.raw32(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
        for i, z in enumerate(picks):
            j = i + z
            out[i], out[j] = out[j], out[i]
    return np.array(out, np.int64)
