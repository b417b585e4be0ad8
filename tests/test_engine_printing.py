"""Tensor printing: `format_tensor` against `str(torch_tensor)`, and the print options."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minigrad import dtypes
from minigrad.printing import format_tensor, get_printoptions, printoptions, set_printoptions

torch = pytest.importorskip("torch")

DEFAULTS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}


@pytest.fixture(autouse=True)
def _default_options() -> Iterator[None]:
    """Every test starts and ends with default print options and float32 default, both sides."""
    for module in (torch, None):
        _set_both(module, profile="default")
    yield
    for module in (torch, None):
        _set_both(module, profile="default")
    torch.set_default_dtype(torch.float32)
    dtypes.set_default_dtype(dtypes.float32)


def _set_both(module: Any, **options: Any) -> None:
    """set_printoptions on torch (module) or on minigrad (None)."""
    (module.set_printoptions if module is not None else set_printoptions)(**options)


def _suffixes(t: Any) -> list[str]:
    """What minigrad's Tensor passes: its grad_fn, or requires_grad=True for a leaf."""
    if t.grad_fn is not None:
        return [f"grad_fn=<{type(t.grad_fn).__name__}>"]
    return ["requires_grad=True"] if t.requires_grad else []


def check(t: Any) -> None:
    """format_tensor on t's values, dtype and suffixes prints what torch prints."""
    expected = str(t)
    ours = format_tensor(t.detach().numpy(), dtypes.to_dtype(t.dtype), _suffixes(t))
    assert ours == expected, f"\nminigrad:\n{ours}\ntorch:\n{expected}"


# ---------------------------------------------------------------------- the catalogue
_rng = np.random.default_rng(0)
nan, inf = math.nan, math.inf


def _f(values: Any, dtype: Any = np.float32) -> np.ndarray:
    return np.array(values, dtype=dtype)


FLOATS: dict[str, np.ndarray] = {
    "lesson_123": _f([1.0, 2.0, 3.0]),
    "lesson_mixed": _f([0.5, -1.25, 3.0]),
    "lesson_grid": _f([[1, 2], [3, 4]]),
    "scalar_2": _f(2.0),
    "scalar_neg": _f(-0.5),
    "scalar_zero": _f(0.0),
    "scalar_negzero": _f(-0.0),
    "scalar_nan": _f(nan),
    "scalar_inf": _f(-inf),
    "scalar_tiny": _f(1e-8),
    "scalar_huge": _f(123456789.0),
    "scalar_third": _f(1 / 3),
    "randn_2x3": _rng.standard_normal((2, 3)).astype(np.float32),
    "randn_3x4x5": _rng.standard_normal((3, 4, 5)).astype(np.float32),
    "randn_4d": _rng.standard_normal((2, 2, 2, 3)).astype(np.float32),
    "randn_col": _rng.standard_normal((5, 1)).astype(np.float32),
    "randn_1001": _rng.standard_normal(1001).astype(np.float32),
    "randn_40x40": _rng.standard_normal((40, 40)).astype(np.float32),
    "randn_10x10x11": _rng.standard_normal((10, 10, 11)).astype(np.float32),
    "arange_2x1000": np.arange(2000, dtype=np.float32).reshape(2, 1000),
    "sci_small": _f([1e-5, 1.0]),
    "sci_big": _f([1e9, 1.0]),
    "sci_ratio_1001": _f([1.0, 1001.0]),
    "ratio_999": _f([1.0, 999.0]),
    "edge_1e-4": _f([1e-4, 1.0]),
    "edge_1e-4_f64": _f([1e-4, 1.0], np.float64),
    "edge_1e8": _f([1e8, 1e7]),
    "sci_1.5e8": _f([1.5e8, 2e7]),
    "sci_mixed_sign": _f([[-1e-6, 2.5e3], [3.0, -4e5]]),
    "nan_one": _f([nan, 1.0]),
    "infs_zero": _f([inf, -inf, 0.0]),
    "all_nan": _f([nan, nan]),
    "inf_frac": _f([inf, 1.5]),
    "nan_tiny": _f([nan, 1e-7]),
    "zeros": _f([0.0, 0.0, 0.0]),
    "negzero_zero": _f([-0.0, 0.0]),
    "negzero_frac": _f([-0.0, 1.5]),
    "negzero_int": _f([-0.0, 1.0]),
    "negzero_sci": _f([-0.0, 1e-9]),
    "round_half": _f([0.12345, 2.00005], np.float64),
    "round_up": _f([9.99995, 0.99999], np.float64),
    "linspace_50": np.linspace(-1, 1, 50, dtype=np.float32),
    "thousands_100": np.arange(100, dtype=np.float32) * 1000,
    "randn_3x30": _rng.standard_normal((3, 30)).astype(np.float32),
    "wide_ints_f": _f([123456.0, -7.0, 42.0]),
    "f64_pi": _f([math.pi, math.e, -math.sqrt(2)], np.float64),
    "f64_grid": _rng.standard_normal((3, 4)),
    "f64_long": _rng.standard_normal(25) * 100,
    "f16_vals": _f([0.1, 1.5, -2.25], np.float16),
    "f16_max": _f([65504.0, 1.0], np.float16),
    "f16_tiny": _f([6e-5, 3.0], np.float16),
    "f16_inf": _f([inf, 2.0, -0.0], np.float16),
    "f16_grid": _rng.standard_normal((4, 6)).astype(np.float16),
    "near_width_row": _f([[1.5, -2.25, 3.125, 4.0, 5.5, 6.25, 7.0, 8.5, 9.75, 10.0]]),
}

OTHERS: dict[str, np.ndarray] = {
    "int_arange10": np.arange(10),
    "int_arange1001": np.arange(1001),
    "int_grid": np.arange(12).reshape(3, 4) - 5,
    "int_big": np.array([2**40, -3, 7]),
    "int_scalar": np.array(3),
    "int_neg_scalar": np.array(-12),
    "int_long_row": np.arange(60) * 37,
    "int_3d": np.arange(24).reshape(2, 3, 4),
    "int32_vals": np.array([1, -2, 300], dtype=np.int32),
    "int32_grid": np.arange(12, dtype=np.int32).reshape(3, 4),
    "int32_scalar": np.array(5, dtype=np.int32),
    "int16_vals": np.array([-7, 8], dtype=np.int16),
    "int8_vals": np.array([-128, 127, 0], dtype=np.int8),
    "uint8_vals": np.array([0, 255, 17], dtype=np.uint8),
    "bool_vals": np.array([True, False, True]),
    "bool_scalar": np.array(False),
    "bool_grid": np.array([[True, False], [False, False]]),
    "bool_all_true": np.ones(4, dtype=bool),
    "bool_long": (np.arange(2000) % 3 == 0),
}

EMPTY_SHAPES = [(0,), (0, 3), (3, 0), (2, 0, 4)]
EMPTY_DTYPES = [np.float32, np.float64, np.float16, np.int64, np.int32, np.bool_]
EMPTIES = {
    f"empty_{'x'.join(map(str, s))}_{np.dtype(d).name}": np.zeros(s, dtype=d)
    for s in EMPTY_SHAPES
    for d in EMPTY_DTYPES
}

OPTION_SETS: dict[str, dict[str, Any]] = {
    "default": {},
    "precision2": {"precision": 2},
    "precision0": {"precision": 0},
    "precision8": {"precision": 8},
    "threshold5": {"threshold": 5},
    "edgeitems1": {"threshold": 10, "edgeitems": 1},
    "edgeitems0": {"threshold": 10, "edgeitems": 0},
    "linewidth40": {"linewidth": 40},
    "linewidth120": {"linewidth": 120},
    "short": {"profile": "short"},
    "full": {"profile": "full"},
    "sci_on": {"sci_mode": True},
    "sci_off": {"sci_mode": False},
}


def _options_cases(arrays: dict[str, np.ndarray]) -> list[Any]:
    return [
        pytest.param(arr, opts, id=f"{name}-{oname}")
        for name, arr in arrays.items()
        for oname, opts in OPTION_SETS.items()
    ]


def _apply(options: dict[str, Any]) -> None:
    torch.set_printoptions(**options)
    set_printoptions(**options)


@pytest.mark.parametrize(("arr", "options"), _options_cases({**FLOATS, **OTHERS}))
def test_format_tensor_matches_torch(arr: np.ndarray, options: dict[str, Any]) -> None:
    _apply(options)
    check(torch.from_numpy(arr.copy()))


@pytest.mark.parametrize("arr", [pytest.param(a, id=n) for n, a in EMPTIES.items()])
@pytest.mark.parametrize("options", [{}, {"edgeitems": 0}], ids=["default", "edgeitems0"])
def test_format_tensor_empty_matches_torch(arr: np.ndarray, options: dict[str, Any]) -> None:
    _apply(options)
    check(torch.from_numpy(arr.copy()))


GRAD_OPS: dict[str, Callable[[Any], Any]] = {
    "leaf": lambda t: t,
    "mul": lambda t: t * 1,
    "exp": lambda t: t.exp(),
    "double": lambda t: t.double(),
    "half": lambda t: t.half(),
    "sum": lambda t: t.sum(),
}


@pytest.mark.parametrize("op", list(GRAD_OPS), ids=list(GRAD_OPS))
@pytest.mark.parametrize("arr", [pytest.param(a, id=n) for n, a in FLOATS.items()])
def test_format_tensor_suffixes_match_torch(arr: np.ndarray, op: str) -> None:
    leaf = torch.from_numpy(arr.copy()).requires_grad_()
    check(GRAD_OPS[op](leaf))


@pytest.mark.parametrize("width", range(60, 100, 3))
@pytest.mark.parametrize("op", ["leaf", "mul", "double"])
def test_format_tensor_suffix_wrapping_matches_torch(width: int, op: str) -> None:
    """Rows of every length near the line width, so suffixes move to a new line as in torch."""
    torch.set_printoptions(linewidth=width)
    set_printoptions(linewidth=width)
    for n in range(1, 12):
        leaf = torch.arange(1.0, n + 1).div(3).reshape(1, n).requires_grad_()
        check(GRAD_OPS[op](leaf))
        check(GRAD_OPS[op](leaf[0]))


@pytest.mark.parametrize("name", ["lesson_123", "f64_pi", "randn_2x3", "scalar_third", "f16_vals"])
def test_format_tensor_default_float64_matches_torch(name: str) -> None:
    torch.set_default_dtype(torch.float64)
    dtypes.set_default_dtype(dtypes.float64)
    check(torch.from_numpy(FLOATS[name].copy()))
    check(torch.from_numpy(FLOATS[name].astype(np.float32)))
    check(torch.zeros(0, dtype=torch.float64))
    check(torch.zeros(0, dtype=torch.float32))


# ---------------------------------------------------------------------- hypothesis
_shapes = st.lists(st.integers(0, 5), max_size=3).map(tuple) | st.tuples(st.integers(1, 45))


@st.composite
def float_arrays(draw: st.DrawFn) -> np.ndarray:
    """Arrays of floats whose magnitudes span a drawn range of decades, with some specials."""
    shape = draw(_shapes)
    dtype = draw(st.sampled_from([np.float32, np.float64, np.float16]))
    low = draw(st.integers(-12, 12))
    high = draw(st.integers(low, min(low + 14, 14)))
    size = int(np.prod(shape))
    mantissa = draw(st.lists(st.floats(-10, 10, width=32), min_size=size, max_size=size))
    exponent = draw(st.lists(st.integers(low, high), min_size=size, max_size=size))
    values = np.array(mantissa, dtype=np.float64) * 10.0 ** np.array(exponent, dtype=np.float64)
    if draw(st.booleans()):  # integer-valued floats take a different path
        values = np.round(values)
    for _ in range(draw(st.integers(0, 2)) if size else 0):
        i = draw(st.integers(0, size - 1))
        values[i] = draw(st.sampled_from([nan, inf, -inf, 0.0, -0.0]))
    with np.errstate(over="ignore"):
        return values.astype(dtype).reshape(shape)


_options = st.fixed_dictionaries(
    {},
    optional={
        "precision": st.integers(0, 8),
        "threshold": st.integers(0, 60),
        "edgeitems": st.integers(0, 4),
        "linewidth": st.integers(10, 130),
        "sci_mode": st.sampled_from([None, True, False]),
    },
)


@settings(max_examples=200)
@given(arr=float_arrays(), requires_grad=st.booleans())
def test_format_tensor_random_floats_match_torch(arr: np.ndarray, requires_grad: bool) -> None:
    check(torch.from_numpy(arr).requires_grad_(requires_grad))


@settings(max_examples=200)
@given(arr=float_arrays(), options=_options)
def test_format_tensor_random_options_match_torch(arr: np.ndarray, options: dict[str, Any]) -> None:
    try:
        _apply(options)
        check(torch.from_numpy(arr))
    finally:
        _apply({"profile": "default"})


@settings(max_examples=100)
@given(
    shape=_shapes,
    dtype=st.sampled_from([np.int64, np.int32, np.int8, np.uint8, np.bool_]),
    seed=st.integers(0, 2**32 - 1),
    options=_options,
)
def test_format_tensor_random_ints_match_torch(
    shape: tuple[int, ...], dtype: Any, seed: int, options: dict[str, Any]
) -> None:
    info_max = 1 if dtype is np.bool_ else min(np.iinfo(dtype).max, 10**12)
    low = 0 if dtype in (np.bool_, np.uint8) else -info_max
    values = np.random.default_rng(seed).integers(low, info_max, size=shape, endpoint=True)
    try:
        _apply(options)
        check(torch.from_numpy(values.astype(dtype)))
    finally:
        _apply({"profile": "default"})


# ---------------------------------------------------------------------- the options
def test_get_printoptions_defaults_match_torch() -> None:
    assert get_printoptions() == DEFAULTS == torch._tensor_str.get_printoptions()


@pytest.mark.parametrize("profile", ["default", "short", "full", "unknown"])
def test_set_printoptions_profiles_match_torch(profile: str) -> None:
    _apply({"precision": 7, "linewidth": 33, "sci_mode": True})
    _apply({"profile": profile})
    assert get_printoptions() == torch._tensor_str.get_printoptions()


def test_set_printoptions_resets_sci_mode_like_torch() -> None:
    _apply({"sci_mode": True})
    _apply({"precision": 2})
    assert get_printoptions() == {**DEFAULTS, "precision": 2}
    assert get_printoptions() == torch._tensor_str.get_printoptions()


def test_printoptions_restores_previous_options() -> None:
    set_printoptions(precision=6, sci_mode=False)
    before = get_printoptions()
    with printoptions(precision=1, linewidth=20):
        assert get_printoptions() == {**DEFAULTS, "precision": 1, "linewidth": 20}
        assert format_tensor(_f([1.25]), dtypes.float32) == "tensor([1.2])"
    assert get_printoptions() == before
    assert format_tensor(_f([1.25]), dtypes.float32) == "tensor([1.250000])"


def test_printoptions_restores_after_error() -> None:
    with pytest.raises(ZeroDivisionError), printoptions(profile="full", sci_mode=True):
        assert get_printoptions()["threshold"] == math.inf
        1 / 0  # noqa: B018 - the error under test
    assert get_printoptions() == DEFAULTS


def test_printoptions_nested_restore_in_order() -> None:
    with printoptions(precision=2):
        with printoptions(edgeitems=1):
            assert get_printoptions()["edgeitems"] == 1
            assert get_printoptions()["precision"] == 2
        assert get_printoptions() == {**DEFAULTS, "precision": 2}
    assert get_printoptions() == DEFAULTS


def test_printoptions_threshold_summarises() -> None:
    arr = np.arange(10)
    with printoptions(threshold=5):
        assert format_tensor(arr, dtypes.int64) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    assert format_tensor(arr, dtypes.int64) == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])"


# ---------------------------------------------------------------------- through Tensor
@pytest.mark.parametrize(
    "values", [[1.0, 2.0, 3.0], [[0.5, -1.0], [2.0, 1e-6]], 3.5, [1, 2], [True], []]
)
def test_tensor_repr_matches_torch(values: Any) -> None:
    import minigrad

    ours, ref = minigrad.tensor(values), torch.tensor(values)
    assert repr(ours) == repr(ref)
    assert str(ours) == str(ref)
    if ref.is_floating_point():
        leaf, ref_leaf = minigrad.tensor(values, requires_grad=True), ref.requires_grad_()
        assert repr(leaf) == repr(ref_leaf)
        assert repr(leaf * 2) == repr(ref_leaf * 2)
