"""Tensor methods and operators: thin calls into the op table (`ops.py`), named as in PyTorch.

`Tensor` (tensor.py) subclasses `TensorMethods`, so this module sits below it; the op table
and the modules built on Tensor (indexing, inplace, linalg, factories, random) sit above. The
methods reach them at call time: `ops` is imported on first use (`_OpTable`), the others
inside the methods. This is the engine's one deferred link (tests/test_engine_layers.py).
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad import dtypes
from minigrad.arguments import (
    infer_size,
    int_divisor,
    int_list,
    nonnegative,
    number_arg,
    shape_of,
    size_args,
    tensor_arg,
    type_name,
)
from minigrad.errors import MinigradIndexError, MinigradTypeError, runtime, typed, warn_once
from minigrad.methods_more import MoreTensorMethods
from minigrad.shapes import broadcast_message, shape_args
from minigrad.shapes import normalize_dims as _dims

if TYPE_CHECKING:
    from minigrad.tensor import Tensor

_Number = float  # `float` is shadowed inside TensorMethods by the .float() method
_Bool = bool  # likewise .bool() and .int()
_Int = int


class _OpTable:
    """Stands for `minigrad.ops` until a method first needs it: the one upward import.

    The op table builds on Tensor (`ops` -> `dispatch` -> `tensor` -> this module), so this
    module cannot import it while Tensor is being defined. The first `ops.<row>` a method looks
    up imports the table and rebinds the module name `ops` to it; later calls go straight to it.
    """

    def __getattr__(self, name: str) -> Any:
        global ops
        from minigrad import ops as table

        ops = table
        return getattr(table, name)


ops: Any = _OpTable()


class _ReturnType(namedtuple("_ReturnType", ["values", "indices"])):
    """`(values, indices)`, printed as PyTorch prints `torch.return_types.max`."""

    op = "max"

    def __repr__(self) -> str:
        return f"torch.return_types.{self.op}(\nvalues={self.values!r},\nindices={self.indices!r})"


def return_type(op: str, values: Any, indices: Any) -> _ReturnType:
    """A `(values, indices)` pair that prints as `minigrad.return_types.<op>(...)`."""
    r = _ReturnType(values, indices)
    r.op = op  # type: ignore[misc]
    return r


def _float_for(t: Any, scalar: Any) -> Any:
    """An integer tensor meeting a Python float becomes the default float dtype (torch's rule)."""
    if isinstance(scalar, float) and t._data.dtype.kind in "biu":
        return t.to(dtypes.get_default_dtype())
    return t


def _reduced(dim: Any, ndim: int) -> tuple[int, ...]:
    """The dims a sum or mean reduces: none for a 0-d tensor (PyTorch takes dim 0 or -1 there)."""
    dims = _dims(dim, ndim)
    return () if ndim == 0 else dims


_UNARY = object()  # _plain's `other` when the function takes one array


def _grad_on() -> bool:
    from minigrad.grad_mode import is_grad_enabled

    return is_grad_enabled()


def _other(value: Any) -> Any:
    """Python numbers and tensors pass through, numpy arrays and scalars become tensors; any
    other value (a str, None, a list) is NotImplemented, so Python raises its own TypeError
    ("unsupported operand type(s) for +: 'Tensor' and 'str'"), as PyTorch's operators do."""
    # Tensor subclasses TensorMethods: checking the base avoids an import on every operator.
    if isinstance(value, TensorMethods):
        return value
    if isinstance(value, np.generic):  # torch takes a numpy scalar as a Python number (even
        return value.item()  # np.float64, a float subclass: float32 * np.float64(2) is float32)
    if isinstance(value, (int, float, bool)):
        return value
    if isinstance(value, np.ndarray):
        from minigrad.tensor import Tensor

        return Tensor._make(np.asarray(value))
    return NotImplemented


def _check_sub(a: Any, b: Any) -> None:
    """PyTorch refuses `-` with a bool tensor (a Python bool counts as one, np.bool_ not)."""
    bools = sum(
        type(v) is bool or (isinstance(v, TensorMethods) and v._data.dtype == np.bool_)  # type: ignore[attr-defined]
        for v in (a, b)
    )
    if bools == 2:
        raise runtime(
            "bool_sub",
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead.",
        )
    if bools:
        raise runtime(
            "bool_sub",
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead.",
        )


def _values(x: Any) -> Any:
    """A tensor's numpy values (even when it requires grad), or anything else as an array."""
    return x._data if isinstance(x, TensorMethods) else np.asarray(x)


def _operand_of(fn: str, other: Any) -> Any:
    """`other` as an operand of an in-place op; PyTorch's TypeError for anything else."""
    operand = _other(other)
    if operand is NotImplemented:
        raise typed(
            MinigradTypeError,
            "argument_type",
            f"{fn}(): argument 'other' (position 1) must be Tensor, not {type_name(other)}",
        )
    return operand


class TensorMethods(MoreTensorMethods):
    """The op methods of Tensor. Each is one call into the op table."""

    __slots__ = ()
    _data: np.ndarray
    # numpy defers to Tensor's operators (`np.float64(2) * t` is a Tensor), as to torch's
    __array_priority__ = 1000

    # --- arithmetic operators -----------------------------------------------------------------
    def __add__(self, other: Any) -> Any:
        other = _other(other)
        return NotImplemented if other is NotImplemented else ops.add(self, other)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        _check_sub(self, other)
        other = _other(other)
        return NotImplemented if other is NotImplemented else ops.sub(self, other)

    def __rsub__(self, other: Any) -> Any:
        if _other(other) is NotImplemented:
            return NotImplemented
        _check_sub(other, self)
        return ops.rsub(_float_for(self, other), other=other)

    def __mul__(self, other: Any) -> Any:
        other = _other(other)
        return NotImplemented if other is NotImplemented else ops.mul(self, other)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Any:
        other = _other(other)
        return NotImplemented if other is NotImplemented else ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Any:
        if _other(other) is NotImplemented:
            return NotImplemented
        return ops.mul(ops.reciprocal(self), other)

    def __neg__(self) -> Tensor:
        return ops.neg(self)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Tensor:
        return ops.absolute(self)

    def __pow__(self, exponent: Any) -> Any:
        if _other(exponent) is NotImplemented:
            return NotImplemented
        if isinstance(exponent, TensorMethods):
            return ops.pow_tensor(self, exponent)
        return ops.pow_scalar(_float_for(self, exponent), exponent=exponent)

    def __rpow__(self, base: Any) -> Any:
        if _other(base) is NotImplemented:
            return NotImplemented
        return ops.pow_scalar_base(_float_for(self, base), base=base)

    def __matmul__(self, other: Any) -> Any:  # a number is no operand of @ (Python's error)
        other = _other(other)
        return self.matmul(other) if isinstance(other, TensorMethods) else NotImplemented

    def __rmatmul__(self, other: Any) -> Any:
        other = _other(other)
        return other.matmul(self) if isinstance(other, TensorMethods) else NotImplemented

    def __floordiv__(self, other: Any) -> Any:
        return self._plain(np.floor_divide, int_divisor(self, other))

    def __mod__(self, other: Any) -> Any:
        return self._plain(np.remainder, int_divisor(self, other))

    # --- comparisons and logic: no gradient ---------------------------------------------------
    def _plain(self, fn: Any, other: Any = _UNARY) -> Any:
        """Apply a numpy function that has no gradient; the result never requires grad."""
        from minigrad.tensor import Tensor

        if other is _UNARY:
            return Tensor._make(np.asarray(fn(self._data)))
        if _other(other) is NotImplemented:  # Python's own TypeError (`x < 'a'`), or == False
            return NotImplemented
        b = other._data if isinstance(other, Tensor) else other
        try:
            with np.errstate(all="ignore"):  # inf and nan silently, as in PyTorch
                return Tensor._make(np.asarray(fn(self._data, b)))
        except ValueError:
            message = broadcast_message([self._data.shape, np.shape(b)])
            raise runtime("broadcast", message or "shape mismatch") from None

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._plain(np.equal, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._plain(np.not_equal, other)

    def __lt__(self, other: Any) -> Tensor:
        return self._plain(np.less, other)

    def __le__(self, other: Any) -> Tensor:
        return self._plain(np.less_equal, other)

    def __gt__(self, other: Any) -> Tensor:
        return self._plain(np.greater, other)

    def __ge__(self, other: Any) -> Tensor:
        return self._plain(np.greater_equal, other)

    def __and__(self, other: Any) -> Tensor:
        return self._plain(np.logical_and if self._data.dtype == bool else np.bitwise_and, other)

    def __or__(self, other: Any) -> Tensor:
        return self._plain(np.logical_or if self._data.dtype == bool else np.bitwise_or, other)

    def __invert__(self) -> Tensor:
        return self._plain(np.logical_not if self._data.dtype == bool else np.invert)

    def eq(self, other: Any) -> Tensor:
        """Elementwise ==, a bool tensor."""
        return self == other

    def sign(self) -> Tensor:
        """-1, 0 or 1 per element (no gradient flows)."""
        return self._plain(np.sign)

    def argmax(self, dim: int | None = None, keepdim: bool = False, *, axis: Any = None) -> Any:
        """Index of the largest element (of all, or along `dim`)."""
        dim = dim if axis is None else axis  # numpy's spelling, which PyTorch accepts
        if dim is None:
            if not self._data.size:
                msg = "argmax(): Expected reduction dim to be specified for input.numel() == 0."
                raise typed(MinigradIndexError, "dim_range", msg)
            return self._plain(lambda a: np.argmax(a).astype(np.int64))
        dim = _dims(dim, self._data.ndim)[0]  # PyTorch's IndexError, not numpy's AxisError
        return self._plain(lambda a: np.argmax(a, axis=dim, keepdims=keepdim).astype(np.int64))

    def argmin(self, dim: int | None = None, keepdim: bool = False, *, axis: Any = None) -> Any:
        """Index of the smallest element (of all, or along `dim`)."""
        dim = dim if axis is None else axis  # numpy's spelling, which PyTorch accepts
        if dim is None:
            if not self._data.size:
                msg = "argmin(): Expected reduction dim to be specified for input.numel() == 0."
                raise typed(MinigradIndexError, "dim_range", msg)
            return self._plain(lambda a: np.argmin(a).astype(np.int64))
        dim = _dims(dim, self._data.ndim)[0]  # PyTorch's IndexError, not numpy's AxisError
        return self._plain(lambda a: np.argmin(a, axis=dim, keepdims=keepdim).astype(np.int64))

    def allclose(self, other: Any, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
        """True when all elements are close (numpy's rule)."""
        return bool(np.allclose(self._data, _values(other), rtol=rtol, atol=atol))

    def equal(self, other: Any) -> bool:
        """True when shapes and all values are equal."""
        return bool(np.array_equal(self._data, _values(other)))

    def all(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """True where every element (along `dim`) is nonzero: a bool tensor, no gradient."""
        return self._plain(lambda a: np.all(a, axis=dim, keepdims=keepdim))

    def any(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """True where some element (along `dim`) is nonzero: a bool tensor, no gradient."""
        return self._plain(lambda a: np.any(a, axis=dim, keepdims=keepdim))

    # --- named arithmetic -------------------------------------------------------------------------
    def add(self, other: Any, alpha: _Number = 1) -> Tensor:
        """self + alpha * other."""
        if alpha == 1:
            return ops.add(self, _other(other))
        return ops.add_alpha(self, _other(other), alpha=alpha)

    def sub(self, other: Any, alpha: _Number = 1) -> Tensor:
        """self - alpha * other."""
        _check_sub(self, other)
        if alpha == 1:
            return ops.sub(self, _other(other))
        return ops.sub_alpha(self, _other(other), alpha=alpha)

    def mul(self, other: Any) -> Tensor:
        """self * other."""
        return ops.mul(self, _other(other))

    def div(self, other: Any) -> Tensor:
        """self / other (true division)."""
        return ops.div(self, _other(other))

    def neg(self) -> Tensor:
        """-self."""
        return ops.neg(self)

    def pow(self, exponent: Any) -> Tensor:
        """self ** exponent."""
        return self**exponent

    def reciprocal(self) -> Tensor:
        """1 / self."""
        return ops.reciprocal(self)

    def abs(self) -> Tensor:
        """|self|."""
        return ops.absolute(self)

    def sqrt(self) -> Tensor:
        """√self."""
        return ops.sqrt(self)

    def exp(self) -> Tensor:
        """e ** self."""
        return ops.exp(self)

    def log(self) -> Tensor:
        """Natural logarithm."""
        return ops.log(self)

    def sin(self) -> Tensor:
        """Sine."""
        return ops.sin(self)

    def cos(self) -> Tensor:
        """Cosine."""
        return ops.cos(self)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent."""
        return ops.tanh(self)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e ** -self)."""
        return ops.sigmoid(self)

    def relu(self) -> Tensor:
        """max(self, 0)."""
        return ops.relu(self)

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - torch's names
        """Limit values to [min, max].

        Args:
            min: lower bound or None.
            max: upper bound or None.
        """
        if min is None and max is None:
            raise runtime(
                "clamp_args", "torch.clamp: At least one of 'min' or 'max' must not be None"
            )
        return ops.clamp(_float_for(_float_for(self, min), max), min=min, max=max)

    clip = clamp

    def maximum(self, other: Any) -> Tensor:
        """Elementwise larger of self and other."""
        return ops.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        """Elementwise smaller of self and other."""
        return ops.minimum(self, other)

    # --- reductions -----------------------------------------------------------------------------
    def sum(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: Any = None) -> Any:  # fmt: skip
        """Sum of all elements, or along `dim` (an int or a tuple; numpy's `axis=` too)."""
        if axis is not None or keepdims is not None:
            dim, keepdim = _aliases(dim, keepdim, axis, keepdims)
        if dim is None:
            return ops.sum_all(self)
        return ops.sum_dim(self, dim=_reduced(dim, self._data.ndim), keepdim=keepdim)

    def mean(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: Any = None) -> Any:  # fmt: skip
        """Mean of all elements, or along `dim`; floating point tensors only, as in PyTorch."""
        if axis is not None or keepdims is not None:
            dim, keepdim = _aliases(dim, keepdim, axis, keepdims)
        if self._data.dtype.kind != "f":
            name = {"int64": "Long", "int32": "Int", "bool": "Bool"}.get(
                self._data.dtype.name, self._data.dtype.name
            )
            raise runtime(
                "mean_int",
                "mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {name}",
            )
        if dim is None:
            return ops.mean(self)
        return ops.mean_dim(self, dim=_reduced(dim, self._data.ndim), keepdim=keepdim)

    def _extreme(self, kind: str, dim: Any, keepdim: bool) -> Any:
        if dim is None:
            if self._data.size == 0:
                raise runtime(
                    "empty_reduce",
                    f"{kind}(): Expected reduction dim to be specified for input.numel() == 0. "
                    "Specify the reduction dim with the 'dim' argument.",
                )
            return getattr(ops, kind + "_all")(self)
        if not isinstance(dim, int):
            return getattr(ops, "maximum" if kind == "max" else "minimum")(self, dim)
        d = _dims(dim, self._data.ndim)[0]
        pick = np.argmax if kind == "max" else np.argmin
        if self._data.ndim == 0:  # dim 0 (or -1) of a 0-d tensor: the element itself
            indices = idx = np.zeros((), np.int64)
        else:
            indices = pick(self._data, axis=d).astype(np.int64)
            idx = np.expand_dims(indices, d) if keepdim else indices
        values = getattr(ops, kind + "_dim")(self, dim=d, keepdim=keepdim, indices=indices)
        return return_type(kind, values, type(values)._make(idx))

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        """Largest element; with `dim`, (values, indices) along it; with a tensor, maximum."""
        return self._extreme("max", dim, keepdim)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        """Smallest element; with `dim`, (values, indices) along it; with a tensor, minimum."""
        return self._extreme("min", dim, keepdim)

    def _softmax_dim(self, kernel: str, dim: int) -> int:
        """`dim` as an index, after ATen's check that the dtype is floating point."""
        from minigrad.random.checks import kernel_dtype

        d = _dims(dim, self._data.ndim)[0]
        last = d == self._data.ndim - 1 or self._data.ndim == 0
        kernel_dtype(f"{kernel}_lastdim_kernel_impl" if last else f"{kernel}_kernel_impl",
                     self._data.dtype)  # fmt: skip
        return d

    def softmax(self, dim: int) -> Tensor:
        """exp(self) / Σ exp(self) along `dim`."""
        return ops.softmax(self, dim=self._softmax_dim("softmax", dim))

    def log_softmax(self, dim: int) -> Tensor:
        """log(softmax(self)) along `dim`, computed stably."""
        return ops.log_softmax(self, dim=self._softmax_dim("log_softmax", dim))

    # --- linear algebra -----------------------------------------------------------------------
    def mm(self, other: Any) -> Tensor:
        """Matrix product of two 2-D tensors."""
        from minigrad import linalg

        return linalg.mm(self, tensor_arg("mm", other, "mat2"))

    def mv(self, other: Any) -> Tensor:
        """Matrix-vector product."""
        from minigrad import linalg

        return linalg.mv(self, tensor_arg("mv", other, "vec"))

    def dot(self, other: Any) -> Tensor:
        """Dot product of two 1-D tensors."""
        from minigrad import linalg

        return linalg.dot(self, tensor_arg("dot", other, "tensor"))

    def bmm(self, other: Any) -> Tensor:
        """Batched matrix product of two 3-D tensors."""
        from minigrad import linalg

        return linalg.bmm(self, tensor_arg("bmm", other, "mat2"))

    def matmul(self, other: Any) -> Tensor:
        """`self @ other` with PyTorch's rules for 1-D, 2-D and batched operands."""
        from minigrad.linalg import matmul

        return matmul(self, tensor_arg("matmul", _other(other), "other"))

    # --- shapes ---------------------------------------------------------------------------------
    def t(self) -> Tensor:
        """Transpose of a tensor with at most 2 dimensions."""
        if self._data.ndim > 2:
            raise runtime(
                "t_dims",
                f"t() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D",
            )
        return ops.t(self)

    @property
    def T(self) -> Tensor:  # torch's name
        """All dimensions reversed (PyTorch warns unless the tensor is 2-D)."""
        if self._data.ndim != 2:
            warn_once(T_WARNING, stacklevel=2)  # TORCH_WARN_ONCE in PyTorch
        return ops.permute(self, dims=tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:  # torch's name
        """The last two dimensions swapped."""
        return self.transpose(-2, -1)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Swap two dimensions."""
        nd = self._data.ndim
        return ops.transpose(self, dim0=_dims(dim0, nd)[0], dim1=_dims(dim1, nd)[0])

    def permute(self, *dims: Any) -> Tensor:
        """Reorder the dimensions."""
        order = shape_args(dims)
        if len(order) != self._data.ndim:  # PyTorch's words, "sparse_coo" included
            raise runtime(
                "permute_dims",
                "permute(sparse_coo): number of dimensions in the tensor input does not match the "
                "length of the desired ordering of dimensions i.e. input.dim() = "
                f"{self._data.ndim} is not equal to len(dims) = {len(order)}",
            )
        dims = tuple(_dims(d, self._data.ndim)[0] for d in order)
        if len(set(dims)) != len(dims):
            raise runtime("permute_dims", "permute(): duplicate dims are not allowed.")
        return ops.permute(self, dims=dims)

    def is_contiguous(self) -> bool:
        """True when the elements are laid out in row-major order (a transpose is not)."""
        return bool(self._data.flags.c_contiguous)

    def view(self, *shape: Any) -> Tensor:
        """The same data with another shape (no copy; fails where a copy would be needed)."""
        if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
            raise runtime("view_dtype", "view(dtype) is not supported by minigrad")
        new = infer_size(shape_of("view", shape, {}), self._data.size)
        if not _viewable(self._data, new):
            raise runtime(
                "view_stride",
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
            )
        return ops.view(self, shape=new)

    def reshape(self, *shape: Any) -> Tensor:
        """The same values with another shape (a view when possible, else a copy)."""
        new = infer_size(shape_of("reshape", shape, {}, "shape"), self._data.size)
        if self._data.flags.c_contiguous:
            return ops.view(self, shape=new)
        if _viewable(self._data, new):  # strided but viewable: PyTorch's _reshape_alias
            return ops.reshape_alias(self, shape=new)
        return ops.unsafe_view(ops.clone(self), shape=new)

    def view_as(self, other: Any) -> Tensor:
        """view(other.shape)."""
        return self.view(other.shape)

    def reshape_as(self, other: Any) -> Tensor:
        """reshape(other.shape)."""
        return self.reshape(other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Any:
        """Merge dimensions start_dim..end_dim into one."""
        shape = self._data.shape
        if not shape:
            return self.reshape(1)
        s, e = _dims(start_dim, len(shape))[0], _dims(end_dim, len(shape))[0]
        if s > e:
            msg = "flatten() has invalid args: start_dim cannot come after end_dim"
            raise runtime("flatten_dims", msg)
        if s == e:
            return self
        merged = int(np.prod(shape[s : e + 1], dtype=np.int64))
        return self.reshape(shape[:s] + (merged,) + shape[e + 1 :])

    def squeeze(self, dim: Any = None) -> Tensor:
        """Remove dimensions of size 1 (all, or just `dim`)."""
        if dim is None:
            return ops.squeeze(self)
        return ops.squeeze_dim(self, dim=_dims(dim, self._data.ndim)[0])

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert a dimension of size 1 at `dim`."""
        return ops.unsqueeze(self, dim=_dims(dim, self._data.ndim + 1)[0])

    def expand(self, *sizes: Any) -> Tensor:
        """Broadcast to a larger shape without copying (-1 keeps a size)."""
        target = list(shape_args(sizes))
        lead = len(target) - self._data.ndim
        if self._data.ndim and -1 in target[: max(lead, 0)]:
            i = target.index(-1)
            message = (
                "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                f"dimension {i}"
            )
            raise runtime("expand_size", message)
        asked = list(target)  # the messages quote the sizes as given, -1 included
        if lead < 0:
            raise runtime("expand_size", _expand_message(self, asked, lead, 0))
        for i, n in reversed(list(enumerate(self._data.shape))):  # PyTorch names the last misfit
            if target[lead + i] == -1:
                target[lead + i] = n
            elif n != 1 and target[lead + i] != n:
                raise runtime("expand_size", _expand_message(self, asked, lead, i))
        if any(n < 0 for n in target):  # PyTorch 2.13 multiplies the sizes before it checks them
            raise runtime("expand_size", "numel: integer multiplication overflow")
        return ops.expand(self, shape=tuple(target))

    def expand_as(self, other: Any) -> Tensor:
        """expand(other.shape)."""
        return self.expand(other.shape)

    def contiguous(self) -> Any:
        """Self when already row-major, else a row-major copy (recorded as CloneBackward0)."""
        if self._data.flags.c_contiguous:
            return self
        out = ops.clone(self)
        out._data = np.ascontiguousarray(out._data)  # a fresh output: nothing else holds it
        return out

    def clone(self) -> Tensor:
        """A copy that still belongs to the graph."""
        return ops.clone(self)

    def select(self, dim: int, index: int) -> Tensor:
        """The slice at `index` along `dim` (that dimension is removed)."""
        d = _dims(dim, self._data.ndim)[0]
        return ops.select(self, key=(slice(None),) * d + (index,))

    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        """The part [start, start + length) along `dim`."""
        d = _dims(dim, self._data.ndim)[0]
        return ops.slice_(self, key=(slice(None),) * d + (slice(start, start + length),))

    def __getitem__(self, key: Any) -> Tensor:
        from minigrad.indexing import getitem

        return getitem(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        from minigrad.indexing import setitem

        setitem(self, key, value)

    # --- dtype conversion ---------------------------------------------------------------------
    def to(self, *args: Any, **kwargs: Any) -> Any:
        """`to(dtype)`, `to(device)`, `to(device, dtype)` or `to(other)` (other's dtype).

        Devices go through `check_device`: the CPU is accepted, cuda raises PyTorch's CPU-build
        `AssertionError`. `copy=True` always copies; `non_blocking` is accepted and ignored.
        """
        from minigrad.device import check_device

        target, where = _to_args(args, kwargs)
        if where is not None:
            check_device(where)
        if target is None or target.np_type == self._data.dtype:
            return self.clone().detach() if kwargs.get("copy") else self
        if not target.is_floating_point:  # integer results never require grad, as in PyTorch
            from minigrad.grad_mode import no_grad

            with no_grad():
                return ops.to_copy(self, dtype=target)
        return ops.to_copy(self, dtype=target)

    def type(self, dtype: Any = None) -> Any:
        """With no argument, the legacy type name (`minigrad.FloatTensor`); else `to(dtype)`."""
        if dtype is None:
            return "torch." + dtypes.from_numpy(self._data.dtype).legacy
        return self.to(dtype)

    def float(self) -> Tensor:
        """to(float32)."""
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        """to(float64)."""
        return self.to(dtypes.float64)

    def half(self) -> Tensor:
        """to(float16)."""
        return self.to(dtypes.float16)

    def long(self) -> Tensor:
        """to(int64)."""
        return self.to(dtypes.int64)

    def int(self) -> Tensor:
        """to(int32)."""
        return self.to(dtypes.int32)

    def bool(self) -> Tensor:
        """to(bool)."""
        return self.to(dtypes.bool)

    def cpu(self) -> Any:
        """Self: minigrad tensors always live on the CPU."""
        return self

    # --- in place -----------------------------------------------------------------------------
    def _inplace(self, op: Any, *args: Any, **attrs: Any) -> Any:
        from minigrad.inplace import inplace

        return inplace(op, self, *args, **attrs)  # type: ignore[arg-type]

    def add_(self, other: Any, alpha: _Number = 1) -> Tensor:
        """self += alpha * other, in place."""
        _operand_of("add_", other)
        return self._inplace(ops.add, _other(other if alpha == 1 else other * alpha))

    def sub_(self, other: Any, alpha: _Number = 1) -> Tensor:
        """self -= alpha * other, in place."""
        _operand_of("sub_", other)
        _check_sub(self, other)
        return self._inplace(ops.sub, _other(other if alpha == 1 else other * alpha))

    def mul_(self, other: Any) -> Tensor:
        """self *= other, in place."""
        return self._inplace(ops.mul, _operand_of("mul_", other))

    def div_(self, other: Any) -> Tensor:
        """self /= other, in place."""
        return self._inplace(ops.div, _operand_of("div_", other))

    def pow_(self, exponent: Any) -> Tensor:
        """self **= exponent, in place."""
        return self._inplace(ops.pow_scalar, exponent=exponent)

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - torch's names
        """clamp, in place."""
        return self._inplace(ops.clamp, min=min, max=max)

    def neg_(self) -> Tensor:
        """Negate in place."""
        return self._inplace(ops.neg)

    def exp_(self) -> Tensor:
        """exp, in place."""
        return self._inplace(ops.exp)

    def tanh_(self) -> Tensor:
        """tanh, in place."""
        return self._inplace(ops.tanh)

    def sigmoid_(self) -> Tensor:
        """sigmoid, in place."""
        return self._inplace(ops.sigmoid)

    def relu_(self) -> Tensor:
        """relu, in place."""
        return self._inplace(ops.relu)

    # `x += [1]`: NotImplemented, so Python raises "unsupported operand type(s) for +=" as for torch
    def __iadd__(self, other: Any) -> Any:
        return NotImplemented if _other(other) is NotImplemented else self.add_(other)

    def __isub__(self, other: Any) -> Any:
        return NotImplemented if _other(other) is NotImplemented else self.sub_(other)

    def __imul__(self, other: Any) -> Any:
        return NotImplemented if _other(other) is NotImplemented else self.mul_(other)

    def __itruediv__(self, other: Any) -> Any:
        return NotImplemented if _other(other) is NotImplemented else self.div_(other)

    def _fill(self, values: Any) -> Any:
        from minigrad.grad_mode import is_grad_enabled
        from minigrad.inplace import check_inplace

        if is_grad_enabled():
            check_inplace(self, (values,))  # type: ignore[arg-type]
            if self._requires_grad:  # type: ignore[attr-defined]
                # a non-leaf in a graph: record the overwrite, so the old values get no gradient
                self[...] = values
                return self
        from minigrad.views import writable

        target = writable(self._data)  # an expanded tensor: PyTorch writes the shared memory
        with np.errstate(all="ignore"):  # a cast to float16 overflows to inf silently
            target[...] = values
        self._version[0] += 1  # type: ignore[attr-defined]
        return self

    def zero_(self) -> Any:
        """Fill with zeros, in place (e.g. `w.grad.zero_()`; in a graph: ZeroBackward0)."""
        if self._requires_grad and _grad_on():  # type: ignore[attr-defined]
            return self._inplace(ops.zero)
        return self._fill(0)

    def fill_(self, value: Any) -> Any:
        """Fill with `value`, in place (in a graph: FillBackward2; FillBackward3 for a tensor)."""
        from minigrad.factories import check_fill

        plain = value._data.item() if isinstance(value, TensorMethods) else value
        check_fill(number_arg("fill_", "value", plain, 1), dtypes.from_numpy(self._data.dtype))
        needs = self._requires_grad or getattr(value, "requires_grad", False)  # type: ignore[attr-defined]
        if needs and _grad_on():
            if isinstance(value, TensorMethods):
                return self._inplace(ops.fill_tensor, value)
            return self._inplace(ops.fill_scalar, value=value)
        return self._fill(np.asarray(plain).astype(self._data.dtype))  # -1 wraps in uint8

    def copy_(self, src: Any) -> Any:
        """Copy `src`'s values into self (broadcasting, casting), in place (CopyBackwards)."""
        from minigrad.inplace import check_no_overlap

        check_no_overlap(self, src)  # type: ignore[arg-type]
        needs = self._requires_grad or getattr(src, "requires_grad", False)  # type: ignore[attr-defined]
        if needs and _grad_on() and self._data.dtype.kind == "f":
            return self._inplace(ops.copy_, src)
        values = np.asarray(getattr(src, "_data", src))  # a src that requires grad, in no_grad
        _check_copy_shape(self._data.shape, values.shape)
        return self._fill(values)

    def uniform_(self, a: _Number = 0.0, b: _Number = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with uniform random values in [a, b), in place (torch's numbers)."""
        from minigrad.random import checks, kernels
        from minigrad.random.generator import resolve

        d = self._data
        checks.uniform_bounds(float(a), float(b), d.dtype)
        return self._fill(kernels.uniform(resolve(generator), d.shape, d.dtype.type, a, b))

    def normal_(self, mean: _Number = 0.0, std: _Number = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with normal random values, in place (torch's numbers)."""
        from minigrad.random import checks, kernels
        from minigrad.random.generator import resolve

        d = self._data
        checks.kernel_dtype("normal_kernel_cpu", d.dtype)
        checks.std_scalar(float(std))
        return self._fill(kernels.normal(resolve(generator), d.shape, d.dtype.type, mean, std))

    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> Tensor:
        """Fill with 0/1 draws, 1 with probability p (a number or a tensor), in place."""
        from minigrad.random import checks, kernels
        from minigrad.random.generator import resolve

        d, gen = self._data, resolve(generator)
        if hasattr(p, "_data"):
            checks.probabilities(p._data)
            probs = np.broadcast_to(p._data, d.shape)
            return self._fill(kernels.bernoulli_tensor(gen, probs))
        checks.probability(float(p))
        return self._fill(kernels.bernoulli(gen, d.shape, d.dtype.type, float(p)))

    def exponential_(self, lambd: _Number = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with Exp(lambd) draws, in place."""
        from minigrad.random import checks, kernels
        from minigrad.random.generator import resolve

        d = self._data
        checks.exponential(float(lambd), d.dtype)
        return self._fill(kernels.exponential(resolve(generator), d.shape, d.dtype.type, lambd))

    def random_(self, low: Any = None, high: Any = None, *, generator: Any = None) -> Tensor:
        """Fill with random integers: [0, max] by default, [0, low) or [low, high)."""
        from minigrad.random import checks, kernels
        from minigrad.random.generator import resolve

        d, gen = self._data, resolve(generator)
        if low is None:
            return self._fill(kernels.random_bits(gen, d.shape, d.dtype.type))
        if high is None:
            low, high = 0, low
        checks.from_to(int(low), int(high), d.dtype)
        return self._fill(kernels.from_to(gen, d.shape, d.dtype.type, int(low), int(high)))

    # --- new tensors like this one ------------------------------------------------------------
    def _new(self, fill: Any, size: tuple[Any, ...], dtype: Any, device: Any, grad: _Bool,
             fn: str = "new_zeros") -> Any:  # fmt: skip
        from minigrad.factories import _filled

        dt = dtype if dtype is not None else dtypes.from_numpy(self._data.dtype)
        if fn == "new_full":
            return _filled(fn, fill, nonnegative(fn, int_list(fn, size[0])), dt, grad, device)
        return _filled(fn, fill, size_args(fn, size, {}), dt, grad, device)

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: _Bool = False) -> Any:  # fmt: skip
        """Zeros with this tensor's dtype (or `dtype`)."""
        return self._new(0, size, dtype, device, requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None,
                 requires_grad: _Bool = False) -> Any:  # fmt: skip
        """Ones with this tensor's dtype (or `dtype`)."""
        return self._new(1, size, dtype, device, requires_grad, "new_ones")

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: _Bool = False) -> Any:  # fmt: skip
        """A new tensor with this tensor's dtype (zeros in minigrad; PyTorch leaves it unset)."""
        return self._new(0, size, dtype, device, requires_grad, "new_empty")

    def new_full(self, size: Any, fill_value: Any, dtype: Any = None, device: Any = None,
                 requires_grad: _Bool = False) -> Any:  # fmt: skip
        """`fill_value` everywhere, with this tensor's dtype (or `dtype`)."""
        fill_value = number_arg("new_full", "fill_value", fill_value, 2)
        return self._new(fill_value, (size,), dtype, device, requires_grad, "new_full")

    def new_tensor(self, data: Any, dtype: Any = None, device: Any = None,
                   requires_grad: _Bool = False) -> Any:  # fmt: skip
        """A new leaf tensor from `data`, with this tensor's dtype (or `dtype`)."""
        from minigrad.factories import tensor

        dt = dtype if dtype is not None else dtypes.from_numpy(self._data.dtype)
        return tensor(data, dtype=dt, device=device, requires_grad=requires_grad)

    # --- facts about the layout and no-gradient helpers -----------------------------------
    def element_size(self) -> _Int:
        """Bytes per element (4 for float32)."""
        return int(self._data.itemsize)

    def stride(self, dim: Any = None) -> Any:
        """Steps in elements between neighbours along each dimension (numpy's, in elements)."""
        steps = tuple(s // self._data.itemsize for s in self._data.strides)
        return steps if dim is None else steps[_dims(dim, self._data.ndim)[0]]

    def argsort(self, dim: _Int = -1, descending: _Bool = False, stable: _Bool = False) -> Tensor:
        """Indices that sort the values along `dim` (ties in index order)."""
        d = _dims(dim, self._data.ndim)[0] if self._data.ndim else None
        key = -self._data if descending else self._data
        order = np.argsort(key, axis=d, kind="stable").astype(np.int64)
        return self._plain(lambda a: order.reshape(a.shape))

    def isclose(self, other: Any, rtol: _Number = 1e-5, atol: _Number = 1e-8,
                equal_nan: _Bool = False) -> Any:  # fmt: skip
        """|self - other| <= atol + rtol * |other|, elementwise: a bool tensor."""
        return self._plain(lambda a, b: np.isclose(a, b, rtol, atol, equal_nan), other)

    def outer(self, vec2: Any) -> Tensor:
        """The outer product of two 1-D tensors: self[i] * vec2[j] (as PyTorch builds it)."""
        return self.reshape(-1, 1) * tensor_arg("outer", vec2, "vec2")

    ger = outer

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: _Bool = False) -> Tensor:
        """The p-norm (2 for "fro"): `torch.linalg.vector_norm` over `dim` (all by default)."""
        from minigrad.linalg import vector_norm

        return vector_norm(self, 2 if p == "fro" or p is None else p, dim, keepdim)

    # --- moving and masking elements (ops_shift.py) -----------------------------------------
    def flip(self, *dims: Any) -> Tensor:
        """The elements in reverse order along each of `dims`."""
        from minigrad.ops_shift import flip

        return flip(self, dims=tuple(_dims(d, self._data.ndim)[0] for d in shape_args(dims)))

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        """Elements shifted cyclically by `shifts` along `dims` (flattened when dims is None)."""
        from minigrad.ops_shift import roll

        if isinstance(shifts, (list, tuple)):
            shifts = tuple(int(s) for s in shifts)
        if isinstance(dims, (list, tuple)):
            dims = tuple(_dims(d, self._data.ndim)[0] for d in dims)
        elif dims is not None:
            dims = _dims(dims, self._data.ndim)[0]
        return roll(self, shifts=shifts, dims=dims)

    def _triangle(self, which: str, diagonal: _Int) -> Any:
        from minigrad import ops_shift

        if self._data.ndim < 2:
            raise runtime("triangle_dims", f"{which}: input tensor must have at least 2 dimensions")
        return getattr(ops_shift, which)(self, diagonal=int(diagonal))

    def tril(self, diagonal: _Int = 0) -> Tensor:
        """The lower triangle (on and below `diagonal`); zeros above."""
        return self._triangle("tril", diagonal)

    def triu(self, diagonal: _Int = 0) -> Tensor:
        """The upper triangle (on and above `diagonal`); zeros below."""
        return self._triangle("triu", diagonal)

    def cumsum(self, dim: Any = None, dtype: Any = None, *, axis: Any = None) -> Any:
        """Running sums along `dim` (numpy's `axis=` too): out[i] = Σ_{j <= i} self[j]."""
        from minigrad.methods_extra import need_dim
        from minigrad.ops_shift import cumsum

        dim = need_dim("cumsum", dim if axis is None else axis)
        x = self if dtype is None else self.to(dtype)
        return cumsum(x, dim=_dims(dim, self._data.ndim)[0] if self._data.ndim else 0)


def _aliases(dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> tuple[Any, Any]:
    """numpy's spellings `axis=` and `keepdims=`, which PyTorch accepts as aliases."""
    return (axis if axis is not None else dim), (keepdims if keepdims is not None else keepdim)


def _to_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """The dtype (or None) and device (or None) a `Tensor.to(...)` call names."""
    target, where = kwargs.get("dtype"), kwargs.get("device")
    for a in args:
        if isinstance(a, dtypes.dtype):
            target = a
        elif isinstance(a, TensorMethods):
            target = dtypes.from_numpy(a._data.dtype)
        elif a is not None:
            where = a
    return (None if target is None else dtypes.to_dtype(target)), where


def _viewable(arr: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Whether numpy can reshape `arr` to `shape` without copying."""
    if arr.flags.c_contiguous:
        return True
    probe = arr.view()
    try:
        probe.shape = shape
    except AttributeError:
        return False
    return True


def _check_copy_shape(shape: tuple[int, ...], src: tuple[int, ...]) -> None:
    """PyTorch's errors for a `copy_` source that does not broadcast to the destination."""
    if message := broadcast_message([shape, src]):
        raise runtime("broadcast", message, op="copy_", shapes=[shape, src])
    both = np.broadcast_shapes(shape, src)
    if both != shape:
        raise runtime(
            "broadcast",
            f"output with shape [{', '.join(map(str, shape))}] doesn't match the broadcast "
            f"shape [{', '.join(map(str, both))}]",
            op="copy_",
            shapes=[shape, src],
        )


def _expand_message(t: Any, target: list[int], lead: int, i: int) -> str:
    """PyTorch's words when `expand` asks for fewer dims or a non-1 size to change."""
    shape, sizes = t.shape, ", ".join(map(str, target))
    if lead < 0:
        return (
            f"expand(torch.{t.dtype.legacy}{{[{', '.join(map(str, shape))}]}}, size=[{sizes}]): "
            "the number of sizes provided "
            f"({len(target)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({len(shape)})"
        )
    return (
        f"The expanded size of the tensor ({target[lead + i]}) must match the existing size "
        f"({shape[i]}) at non-singleton dimension {lead + i}.  Target sizes: [{sizes}].  "
        f"Tensor sizes: [{', '.join(map(str, shape))}]"
    )


T_WARNING = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
    "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
    "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
    "tensor."
)
