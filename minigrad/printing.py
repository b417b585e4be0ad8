"""Printing: `repr(tensor)` exactly as PyTorch 2.13 prints it, and the print options.

The rules follow `torch/_tensor_str.py`: one `_Formatter` picks a single notation and width for
every shown element (fixed point with `precision` digits, integers as `1.`, or scientific when
the values span more than 1000x, exceed 1e8 or go below 1e-4); rows wrap at `linewidth`;
tensors with more than `threshold` elements show `edgeitems` at each end of every dimension.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from minigrad import dtypes

__all__ = ["format_tensor", "get_printoptions", "printoptions", "set_printoptions"]


class _PrintOptions:
    """torch's PRINT_OPTS: digits, summarising threshold, edge items, line width, sci mode.

    A plain class: a dataclass would import `dataclasses` (and `copy`) at start-up for it alone.
    """

    def __init__(self) -> None:
        self.precision: int = 4
        self.threshold: float = 1000
        self.edgeitems: int = 3
        self.linewidth: int = 80
        self.sci_mode: bool | None = None


_OPTS = _PrintOptions()

# profile -> (precision, threshold, edgeitems, linewidth), as in torch.set_printoptions
_PROFILES: dict[str, tuple[int, float, int, int]] = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set how tensors print, as `torch.set_printoptions` (prefer the `printoptions()` context).

    Like torch, an unknown profile is ignored and `sci_mode` is always reset (to None, "choose
    automatically", unless given).

    Args:
        precision: digits after the decimal point (default 4).
        threshold: element count above which a tensor is summarised with `...` (default 1000).
        edgeitems: items shown at each end of a summarised dimension (default 3).
        linewidth: characters per line before a row wraps (default 80).
        profile: "default", "short" or "full" presets, applied before the other arguments.
        sci_mode: True or False forces scientific notation on or off; None chooses.
    """
    if profile in _PROFILES:
        preset = _PROFILES[profile]
        _OPTS.precision, _OPTS.threshold, _OPTS.edgeitems, _OPTS.linewidth = preset
    if precision is not None:
        _OPTS.precision = precision
    if threshold is not None:
        _OPTS.threshold = threshold
    if edgeitems is not None:
        _OPTS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTS.linewidth = linewidth
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, as keyword arguments for `set_printoptions`."""
    return dict(vars(_OPTS))


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Change print options inside a `with` block, then restore them (even after an error).

    Args:
        kwargs: the arguments of `set_printoptions`.
    """
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """One notation and width for all shown elements, chosen as torch's `_Formatter` does.

    Args:
        values: the elements that will be shown (already summarised).
        floating: whether the dtype is floating point.
    """

    def __init__(self, values: np.ndarray, floating: bool) -> None:
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not floating:
            widths = [len(str(v)) for v in np.unique(flat).tolist()]
            self.max_width = max([1, *widths])
            return
        wide = flat.astype(np.float64)
        finite = np.unique(wide[np.isfinite(wide) & (wide != 0)])
        if finite.size == 0:  # only zeros, nan and inf: print them as integers, width 1
            return
        magnitude = np.abs(finite)
        low, high = float(magnitude.min()), float(magnitude.max())
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if _OPTS.sci_mode is None:
            self.sci_mode = high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4
        else:
            self.sci_mode = _OPTS.sci_mode
        p = _OPTS.precision
        if self.sci_mode:
            texts = [f"{v:.{p}e}" for v in finite.tolist()]
        elif self.int_mode:  # room for the "." that marks a float
            texts = [f"{v:.0f}." for v in finite.tolist()]
        else:
            texts = [f"{v:.{p}f}" for v in finite.tolist()]
        self.max_width = max(self.max_width, *map(len, texts))

    def format(self, value: Any) -> str:
        """One element as text, right-aligned to the common width."""
        p = _OPTS.precision
        if not self.floating:
            text = f"{value}"
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{p}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if not (math.isinf(value) or math.isnan(value)):
                text += "."
        else:
            text = f"{value:.{p}f}"
        return text.rjust(self.max_width)


def _summarized(data: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows: `edgeitems` at both ends of every dimension."""
    edge = _OPTS.edgeitems
    if data.ndim == 0:
        return data
    if data.ndim == 1:
        if data.shape[0] > 2 * edge:
            # data[-0:] is the whole row, as in torch: with edgeitems=0 every value is kept
            return np.concatenate((data[:edge], data[-edge:]))
        return data
    if not edge:
        return np.empty((0,) * data.ndim, dtype=data.dtype)
    rows = list(range(data.shape[0]))
    if len(rows) > 2 * edge:
        rows = rows[:edge] + rows[-edge:]
    return np.stack([_summarized(data[i]) for i in rows])


def _vector_str(row: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    """A 1-d row: elements joined by ', ', wrapped to `linewidth` under the opening bracket."""
    edge = _OPTS.edgeitems
    per_line = max(1, math.floor((_OPTS.linewidth - indent) / (fmt.max_width + 2)))
    if summarize and not edge:
        items = ["..."]
    elif summarize and row.shape[0] > 2 * edge:
        head = [fmt.format(v) for v in row[:edge].tolist()]
        tail = [fmt.format(v) for v in row[-edge:].tolist()]
        items = [*head, " ...", *tail]
    else:
        items = [fmt.format(v) for v in row.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(data: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    """Brackets within brackets; dimension d is separated by d-1 blank lines, as in torch."""
    if data.ndim == 0:
        return fmt.format(data.item())
    if data.ndim == 1:
        return _vector_str(data, indent, summarize, fmt)
    edge, size = _OPTS.edgeitems, data.shape[0]
    if summarize and size > 2 * edge:
        head = [_nested_str(data[i], indent + 1, summarize, fmt) for i in range(edge)]
        tail = [_nested_str(data[i], indent + 1, summarize, fmt) for i in range(size - edge, size)]
        parts = [*head, "...", *tail]
    else:
        parts = [_nested_str(data[i], indent + 1, summarize, fmt) for i in range(size)]
    return "[" + ("," + "\n" * (data.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _add_suffixes(text: str, suffixes: Sequence[str], indent: int) -> str:
    """Append `, suffix` items, moving one to a new line when the line would pass `linewidth`."""
    # torch counts the last line's length as len - rfind("\n") + 1 (two more than it is
    # when there is no newline); we keep the quirk so lines break where torch's do.
    pieces = [text]
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        width = len(suffix)
        if last_line + width + 2 > _OPTS.linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            last_line = indent + width
        else:
            pieces.append(", " + suffix)
            last_line += width + 2
    pieces.append(")")
    return "".join(pieces)


def format_tensor(data: np.ndarray, dt: dtypes.dtype, suffixes: Sequence[str] = ()) -> str:
    """The text of `repr(tensor)`: `tensor([...]`, then `size=`/`dtype=` when torch shows them,
    then `suffixes` (such as `requires_grad=True`), then `)`.

    Args:
        data: the tensor's values (numpy dtype matching `dt`).
        dt: the tensor's minigrad dtype.
        suffixes: already formatted extras, e.g. `["grad_fn=<MulBackward0>"]`.

    The text is torch's, to the letter: dtypes print as `torch.float64` (see `dtypes.dtype`).
    """
    data = np.asarray(data)
    prefix = "tensor("
    indent = len(prefix)
    default = dtypes.get_default_dtype().name
    extras: list[str] = []
    if data.size == 0:
        if data.ndim != 1:  # like numpy, the shape is shown unless it is (0,)
            extras.append(f"size={tuple(data.shape)}")
        if dt.name != default:  # no elements to tell an int64 from a float, so always show it
            extras.append(f"dtype={dt!r}")
        body = "[]"
    else:
        if not _OPTS.edgeitems:
            extras.append(f"size={tuple(data.shape)}")
        if dt.name not in (default, "int64", "bool"):
            extras.append(f"dtype={dt!r}")
        summarize = data.size > _OPTS.threshold
        shown = _summarized(data) if summarize else data
        fmt = _Formatter(shown, dt.is_floating_point)
        body = _nested_str(data, indent, summarize, fmt)
    return _add_suffixes(prefix + body, [*extras, *suffixes], indent)
