"""Top-level functions (`minigrad.exp(x)`, `minigrad.cat([...])`, ...), thin calls into ops."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import ops
from minigrad.arguments import invalid_combination, tensor_arg, type_name
from minigrad.einsum import einsum
from minigrad.errors import MinigradTypeError, runtime
from minigrad.factories import tensor
from minigrad.methods import return_type
from minigrad.out import takes_out
from minigrad.shapes import normalize_dim
from minigrad.tensor import Tensor, tensor_of


def _tensors(fn: str, tensors: Any) -> list[Tensor]:
    """The sequence's elements, each a Tensor (PyTorch's TypeError names the first that isn't)."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise MinigradTypeError(
            f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type_name(tensors)}"
        )
    for n, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise MinigradTypeError(
                f"expected Tensor as element {n} in argument 0, but got {type_name(t)}"
            )
    return list(tensors)


def _operand(x: Any) -> Any:
    """A Python number stays as it is (a scalar operand); anything else becomes a Tensor.

    Public functions make Tensors of a user's arrays: ops given only numpy arrays return arrays.
    """
    return x if isinstance(x, (int, float, bool)) else tensor_of(x)


@takes_out
def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension."""
    tensors = _tensors("cat", tensors)
    if not tensors:
        raise runtime("cat_empty", "torch.cat(): expected a non-empty list of Tensors")
    for n, t in enumerate(tensors):
        if t.ndim == 0:
            raise runtime(
                "cat_shape", f"zero-dimensional tensor (at position {n}) cannot be concatenated"
            )
    d = normalize_dim(dim, tensors[0].ndim)
    first = tensors[0].shape
    for n, t in enumerate(tensors[1:], start=1):
        if t.ndim != len(first):
            raise runtime(
                "cat_shape",
                f"Tensors must have same number of dimensions: got {len(first)} and {t.ndim}",
            )
        for axis, (a, b) in enumerate(zip(first, t.shape)):
            if axis != d and a != b:
                raise runtime(
                    "cat_shape",
                    f"Sizes of tensors must match except in dimension {d}. Expected size {a} but "
                    f"got size {b} for tensor number {n} in the list.",
                )
    return ops.cat(*tensors, dim=d)


concat = concatenate = cat


@takes_out
def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dimension."""
    tensors = _tensors("stack", tensors)
    if not tensors:
        raise runtime("stack_empty", "stack expects a non-empty TensorList")
    for n, t in enumerate(tensors[1:], start=1):
        if t.shape != tensors[0].shape:
            raise runtime(
                "stack_shape",
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                f"entry 0 and {list(t.shape)} at entry {n}",
            )
    return ops.stack(*tensors, dim=normalize_dim(dim, tensors[0].ndim + 1))


@takes_out
def where(condition: Any, input: Any, other: Any) -> Tensor:  # noqa: A002 - torch's argument name
    """`input` where `condition` holds, else `other`."""
    if not isinstance(condition, Tensor) or not all(
        isinstance(a, Tensor) or _is_number(a) for a in (input, other)
    ):
        raise invalid_combination("where", (condition, input, other))
    cond = np.asarray(condition._data if isinstance(condition, Tensor) else condition, bool)
    input, other = _operand(input), _operand(other)  # noqa: A001
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        # two Python numbers: PyTorch's result dtype for numbers (a float gives the default)
        input = tensor(input)  # noqa: A001
    return ops.where(input, other, condition=cond)


@takes_out
def maximum(x: Tensor, y: Tensor) -> Tensor:
    """Elementwise maximum."""
    return ops.maximum(tensor_arg("maximum", x), tensor_arg("maximum", y, "other", 2))


@takes_out
def minimum(x: Tensor, y: Tensor) -> Tensor:
    """Elementwise minimum."""
    return ops.minimum(tensor_arg("minimum", x), tensor_arg("minimum", y, "other", 2))


@takes_out
def max(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """Largest element, or (values, indices) along dim, or elementwise maximum with a tensor."""
    return tensor_arg("max", x).max(dim, keepdim)


@takes_out
def min(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """Smallest element, or (values, indices) along dim, or elementwise minimum with a tensor."""
    return tensor_arg("min", x).min(dim, keepdim)


@takes_out
def sum(input: Tensor, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:  # noqa: A001, A002
    """Sum of elements (all, or along dim)."""
    return tensor_arg("sum", input).sum(dim, keepdim, **aliases)


@takes_out
def mean(input: Tensor, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:  # noqa: A002
    """Mean of elements (all, or along dim)."""
    return tensor_arg("mean", input).mean(dim, keepdim, **aliases)


@takes_out
def mm(x: Tensor, y: Tensor) -> Tensor:
    """Matrix product of 2-D tensors."""
    return ops.mm(tensor_arg("mm", x), tensor_arg("mm", y, "mat2", 2))


@takes_out
def matmul(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002 - torch's names
    """`input @ other`."""
    return tensor_arg("matmul", input).matmul(tensor_arg("matmul", other, "other", 2))


# Functions whose first argument may be a Python number in PyTorch (`torch.add(2, x)`)
NUMBER_FIRST = frozenset({"add", "sub", "mul", "div", "pow"})
# Functions whose Python argument parser has several signatures: PyTorch's TypeError is
# "received an invalid combination of arguments" for a first argument that is not a Tensor
OVERLOADED = frozenset({"clamp", "clip", "eq", "narrow", "std", "var", "scatter", "masked_fill",
                        "clamp_min", "clamp_max", "movedim", "moveaxis", "pow"})  # fmt: skip


# functions whose second argument must be a Tensor: its name in PyTorch's TypeError
SECOND_TENSOR = {"dot": "tensor", "mv": "vec", "bmm": "mat2", "outer": "vec2"}


def _method(name: str) -> Any:
    def call(input: Tensor, *args: Any, **kwargs: Any) -> Any:  # noqa: A002 - torch's name
        if not isinstance(input, Tensor):
            if name in OVERLOADED and not (name in NUMBER_FIRST and _is_number(input)):
                raise invalid_combination(name, (input, *args), kwargs)
            if name not in NUMBER_FIRST or not _is_number(input):
                tensor_arg(name, input)
        if name in SECOND_TENSOR and args:  # the function counts input as position 1
            tensor_arg(name, args[0], SECOND_TENSOR[name], 2)
        return getattr(tensor_of(input), name)(*args, **kwargs)

    call.__name__ = name
    call.__doc__ = f"`minigrad.{name}(x, ...)` is `x.{name}(...)`."
    return takes_out(call)


add = _method("add")
sub = _method("sub")
mul = _method("mul")
div = _method("div")
neg = _method("neg")
pow = _method("pow")  # noqa: A001
abs = _method("abs")  # noqa: A001
sqrt = _method("sqrt")
exp = _method("exp")
log = _method("log")
sin = _method("sin")
cos = _method("cos")
tanh = _method("tanh")
sigmoid = _method("sigmoid")
relu = _method("relu")
clamp = _method("clamp")
clip = _method("clip")
softmax = _method("softmax")
log_softmax = _method("log_softmax")
t = _method("t")
transpose = _method("transpose")
permute = _method("permute")
reshape = _method("reshape")
flatten = _method("flatten")
squeeze = _method("squeeze")
unsqueeze = _method("unsqueeze")
dot = _method("dot")
mv = _method("mv")
bmm = _method("bmm")
argmax = _method("argmax")
argmin = _method("argmin")
reciprocal = _method("reciprocal")
clone = _method("clone")
allclose = _method("allclose")
equal = _method("equal")
eq = _method("eq")
sign = _method("sign")
narrow = _method("narrow")
select = _method("select")
argsort = _method("argsort")
isclose = _method("isclose")
outer = _method("outer")
flip = _method("flip")
roll = _method("roll")
tril = _method("tril")
triu = _method("triu")
cumsum = _method("cumsum")
norm = _method("norm")
std = _method("std")
var = _method("var")
prod = _method("prod")
cumprod = _method("cumprod")
sort = _method("sort")
topk = _method("topk")
unique = _method("unique")
gather = _method("gather")
scatter = _method("scatter")
scatter_add = _method("scatter_add")
masked_fill = _method("masked_fill")
clamp_min = _method("clamp_min")
clamp_max = _method("clamp_max")
split = _method("split")
chunk = _method("chunk")
diagonal = _method("diagonal")
movedim = _method("movedim")
moveaxis = _method("moveaxis")


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, bool, np.number))


def is_tensor(obj: Any) -> bool:
    """True for a minigrad Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(t: Tensor) -> bool:
    """True for float dtypes."""
    return t.is_floating_point()


def numel(t: Tensor) -> int:
    """Number of elements."""
    return t.numel()


__all__ = [
    "cat",
    "concat",
    "concatenate",
    "stack",
    "where",
    "maximum",
    "minimum",
    "max",
    "min",
    "sum",
    "mean",
    "mm",
    "matmul",
    "is_tensor",
    "is_floating_point",
    "numel",
    "return_type",
    "add",
    "sub",
    "mul",
    "div",
    "neg",
    "pow",
    "abs",
    "sqrt",
    "exp",
    "log",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "relu",
    "clamp",
    "clip",
    "softmax",
    "log_softmax",
    "t",
    "transpose",
    "permute",
    "reshape",
    "flatten",
    "squeeze",
    "unsqueeze",
    "dot",
    "mv",
    "bmm",
    "argmax",
    "argmin",
    "reciprocal",
    "clone",
    "allclose",
    "equal",
    "eq",
    "sign",
    "narrow",
    "select",
    "argsort",
    "isclose",
    "outer",
    "flip",
    "roll",
    "tril",
    "triu",
    "cumsum",
    "norm",
    "std",
    "var",
    "prod",
    "cumprod",
    "sort",
    "topk",
    "unique",
    "gather",
    "scatter",
    "scatter_add",
    "masked_fill",
    "clamp_min",
    "clamp_max",
    "split",
    "chunk",
    "diagonal",
    "movedim",
    "moveaxis",
    "einsum",
]
