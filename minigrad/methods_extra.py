"""Tensor methods that beginner material uses beyond `methods.py`: `nelement`, `unbind`,
`log10`, `storage_offset`; functions `torch.unbind`, `torch.log10`, `torch.all`, `torch.any`.

Differentiable ones call op-table rows (`select`; `log10` in ops_lessons.py), so the graph a
lesson draws shows those rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.errors import MinigradTypeError, typed


def need_dim(name: str, dim: Any) -> Any:
    """`dim`, or PyTorch's TypeError when a call that needs a dimension gets none.

    Args:
        name: the function's name, as the message spells it.
        dim: the dimension given (None when missing).
    """
    if dim is None:
        message = f'{name}() missing 1 required positional arguments: "dim"'
        raise typed(MinigradTypeError, "missing_dim", message)
    return dim


class ExtraMethods:
    """Mixin for Tensor: the methods below need only `numel`, `shape` and `select`."""

    __slots__ = ()

    def nelement(self) -> int:
        """The number of elements: PyTorch's older name for `numel()`."""
        return self.numel()  # type: ignore[attr-defined, no-any-return]

    def unbind(self, dim: int = 0) -> tuple[Any, ...]:
        """The slices along `dim`, that dimension removed: `tuple(x.select(dim, i) ...)`.

        Each piece's `grad_fn` is a SelectBackward0 (PyTorch makes one UnbindBackward0 for
        all of them); values and gradients are the same.

        Args:
            dim: the dimension to take apart.
        """
        from minigrad.tensor import normalize_dim

        d = normalize_dim(dim, self.ndim)  # type: ignore[attr-defined]
        return tuple(self.select(d, i) for i in range(self.shape[d]))  # type: ignore[attr-defined]

    def log10(self) -> Any:
        """Logarithm base 10: d/dx log10(x) = 1 / (x ln 10)."""
        from minigrad.ops_lessons import log10

        return log10(self)

    def ceil(self) -> Any:
        """The smallest integer >= each value (integers unchanged); its gradient is 0."""
        return _rounded(self, "ceil")

    def floor(self) -> Any:
        """The largest integer <= each value (integers unchanged); its gradient is 0."""
        return _rounded(self, "floor")

    def round(self) -> Any:
        """The nearest integer, halves to even (integers unchanged); its gradient is 0."""
        return _rounded(self, "round")

    def trunc(self) -> Any:
        """The integer part, towards 0 (integers unchanged); its gradient is 0."""
        return _rounded(self, "trunc")

    def asin(self) -> Any:
        """Inverse sine: d/dx asin(x) = 1 / sqrt(1 - x²)."""
        from minigrad.ops_lessons import asin

        return asin(self)

    def bitwise_xor(self, other: Any) -> Any:
        """Bitwise exclusive or of integers or bools (`a ^ b`); PyTorch's error for floats."""
        mine = self._data  # type: ignore[attr-defined]
        theirs = np.asarray(getattr(other, "_data", other))
        if "f" in (mine.dtype.kind, theirs.dtype.kind):
            name = "Double" if np.result_type(mine, theirs) == np.float64 else "Float"
            raise NotImplementedError(f"\"bitwise_xor_cpu\" not implemented for '{name}'")
        return self._plain(np.bitwise_xor, other)  # type: ignore[attr-defined]

    def cross(self, other: Any, dim: Any = None) -> Any:
        """The cross product of 3-vectors along `dim` (the first size-3 one when None)."""
        return cross(self, other, dim)

    def sin_(self) -> Any:
        """sin, in place."""
        return _in_place(self, "sin")

    def cos_(self) -> Any:
        """cos, in place."""
        return _in_place(self, "cos")

    def log_(self) -> Any:
        """log, in place."""
        return _in_place(self, "log")

    def sqrt_(self) -> Any:
        """sqrt, in place."""
        return _in_place(self, "sqrt")

    def abs_(self) -> Any:
        """abs, in place."""
        return _in_place(self, "absolute")

    def unsqueeze_(self, dim: int) -> Any:
        """unsqueeze, in place: this tensor gains a dimension of size 1."""
        return restride(self, self.unsqueeze(dim))  # type: ignore[attr-defined]

    def squeeze_(self, dim: Any = None) -> Any:
        """squeeze, in place: this tensor loses its dimensions of size 1 (or just `dim`)."""
        out = self.squeeze() if dim is None else self.squeeze(dim)  # type: ignore[attr-defined]
        return restride(self, out)

    def t_(self) -> Any:
        """t, in place: this 2-D tensor becomes its transpose."""
        return restride(self, self.t())  # type: ignore[attr-defined]

    def transpose_(self, dim0: int, dim1: int) -> Any:
        """transpose, in place: this tensor swaps two dimensions."""
        return restride(self, self.transpose(dim0, dim1))  # type: ignore[attr-defined]

    def storage_offset(self) -> int:
        """Elements between the start of the storage and this tensor's first element.

        A view made by basic indexing (`x[2:]`, `x[1]`) shares its base's numpy buffer; the
        offset is counted in that buffer, as PyTorch counts it in the storage.
        """
        data = self._data  # type: ignore[attr-defined]
        root = data
        while isinstance(root.base, np.ndarray):
            root = root.base
        if data.size == 0 or root is data:
            return 0
        start = data.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        return int(start // data.itemsize)


def log10(input: Any) -> Any:  # noqa: A002 - torch's name
    """`torch.log10`: logarithm base 10, elementwise.

    Args:
        input: the tensor.
    """
    return input.log10()


def _in_place(t: Any, row: str) -> Any:
    """The op-table row `row` applied to `t` in place (inplace.py's checks and version bump)."""
    from minigrad import ops
    from minigrad.inplace import inplace

    return inplace(getattr(ops, row), t)


def restride(t: Any, view: Any) -> Any:
    """`t` becomes `view` (same values, a new shape), as PyTorch's squeeze_/unsqueeze_/t_ do:
    t stays the tensor it was (not a view, when it was not one).

    The node is the view op's (UnsqueezeBackward0 where PyTorch names the in-place variant
    UnsqueezeBackward1); the version counter goes up, so an op that saved `t` then fails.
    """
    from minigrad.grad_mode import is_grad_enabled
    from minigrad.inplace import check_inference, check_inplace

    check_inference(t)
    if is_grad_enabled():
        check_inplace(t)
    t._data = view._data
    t._version[0] += 1
    if view.grad_fn is not None:
        import weakref

        t.grad_fn = view.grad_fn
        view.grad_fn._out_ref = weakref.ref(t)
    return t


def _rounded(t: Any, name: str) -> Any:
    """The rounding row `name` of ops_lessons.py on `t`; PyTorch's error for a bool tensor."""
    from minigrad import ops_lessons

    if t._data.dtype == np.bool_:
        raise NotImplementedError(f"\"{name}_vml_cpu\" not implemented for 'Bool'")
    return getattr(ops_lessons, "round_" if name == "round" else name)(t)


CROSS_WARNING = (
    "Using torch.cross without specifying the dim arg is deprecated.\n"
    "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
    "The default value of dim will change to agree with that of linalg.cross in a future release."
)


def cross(input: Any, other: Any, dim: Any = None) -> Any:  # noqa: A002 - torch's name
    """`torch.cross`: a × b of 3-vectors along `dim`; no dim takes the first of size 3 (warned).

    Args:
        input: the left vectors.
        other: the right vectors (broadcast against input).
        dim: the dimension of length 3.
    """
    from minigrad.errors import runtime, warn_once

    if dim is None:
        sizes = np.broadcast_shapes(input.shape, other.shape)
        if 3 not in sizes:
            raise runtime("cross_dim", "no dimension of size 3 in input")
        warn_once(CROSS_WARNING, stacklevel=2)  # TORCH_WARN_ONCE in PyTorch
        dim = list(sizes).index(3)
    return linalg_cross(input, other, dim)


def linalg_cross(input: Any, other: Any, dim: int = -1) -> Any:  # noqa: A002 - torch's name
    """`torch.linalg.cross`: a × b of 3-vectors along `dim` (LinalgCrossBackward0).

    Args:
        input: the left vectors.
        other: the right vectors (broadcast against input).
        dim: the dimension of length 3.
    """
    from minigrad import ops_lessons
    from minigrad.errors import runtime
    from minigrad.tensor import normalize_dim

    if input.ndim != other.ndim:
        message = "linalg.cross: inputs must have the same number of dimensions."
        raise runtime("cross_dim", message)
    ndim = input.ndim
    d = normalize_dim(dim, ndim)
    a, b = input.shape[d], other.shape[d]
    if a != 3 or b != 3:
        message = f"linalg.cross: inputs dimension {dim} must have length 3. Got {a} and {b}"
        raise runtime("cross_dim", message)
    return ops_lessons.linalg_cross(input, other, dim=d)


def _function(name: str) -> Any:
    """`torch.<name>(input, ...)` as `input.<name>(...)`."""

    def call(input: Any, *args: Any) -> Any:  # noqa: A002 - torch's name
        return getattr(input, name)(*args)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"`torch.{name}`: the same as `input.{name}(...)`."
    return call


ceil, floor, trunc, asin = (_function(n) for n in ("ceil", "floor", "trunc", "asin"))
# torch.sin_(x) and friends: x.sin_()
sin_, cos_, log_, sqrt_, abs_ = (_function(n) for n in ("sin_", "cos_", "log_", "sqrt_", "abs_"))
exp_, tanh_, sigmoid_, relu_, neg_ = (
    _function(n) for n in ("exp_", "tanh_", "sigmoid_", "relu_", "neg_")
)
bitwise_xor = _function("bitwise_xor")
round = _function("round")  # noqa: A001 - torch's name


def unbind(input: Any, dim: int = 0) -> tuple[Any, ...]:  # noqa: A002 - torch's name
    """`torch.unbind`: the slices of `input` along `dim`, that dimension removed.

    Args:
        input: the tensor.
        dim: the dimension to take apart.
    """
    return input.unbind(dim)  # type: ignore[no-any-return]


def all(input: Any, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001, A002
    """`torch.all`: True where every element (along `dim`) is nonzero.

    Args:
        input: the tensor.
        dim: the dimension to reduce (all of them when None).
        keepdim: keep that dimension with size 1.
    """
    return input.all(dim, keepdim)


def any(input: Any, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001, A002
    """`torch.any`: True where some element (along `dim`) is nonzero.

    Args:
        input: the tensor.
        dim: the dimension to reduce (all of them when None).
        keepdim: keep that dimension with size 1.
    """
    return input.any(dim, keepdim)
