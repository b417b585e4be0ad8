"""THE op table: each op declared once, forward (numpy) and backward side by side.

A row is `defop(name, forward, backward, rule=...)`. `backward` is either one function per
input, as in PyTorch's derivatives.yaml (only the ones whose input needs a gradient are
called), or one function returning a gradient per input. Broadcasting is undone by the
dispatcher, never in a row. `g` is the incoming gradient, `out` the op's output, `x`, `y` the
inputs.

A rule is written once and runs two ways. In a plain backward its arguments are numpy arrays
and it is plain numpy: operators, and the table's own ops, which given arrays (no Tensor) just
run their numpy forward. With `create_graph=True` its arguments are Tensors, the same code
records its operations, and gradients of gradients follow. So a rule uses operators, this
table's ops called as functions (`mm(g, t(y))`, not `g.mm(y.t())`: numpy arrays have no such
methods), `raw(x)` to read values for a mask, and `const(arr, g)` for a constant.

Every row has one shape: the name, the forward, the backward, then the flags, in this order
(`OpDef` in dispatch.py documents each argument; rows of nn_ops.py, ops_norm.py and
ops_shift.py look the same):

    name = defop(
        "torch_name",      PyTorch's function name; the node is <TorchName>Backward0
        forward,           numpy: (*arrays, **attrs) -> array
        (backward, ...),   one rule per input: (g, out, *inputs, **attrs) -> that gradient
        node="...",        the node's class name where PyTorch's is not <Name>Backward0
        saves="SO-",       which inputs the node saves: one letter per input (below)
        saves_out=True,    the node saves the output: the rule reads `out` (its "result")
        float_op=True,     integer inputs become the default float dtype first (div, exp)
        view=True,         the output is a view: memory and version counter of input 0
        quiet=True,        numpy's floating point warnings are silenced (PyTorch gives inf/nan)
        saves_attrs=True,  non-tensor state (indices, a condition) is saved and freed too
        arg_names=(...),   PyTorch's input names where not (self, other): gradients are made
                           in their sorted order, as PyTorch's generated nodes make them
        rule="...",        the backward in words: `grad_<input> = ...`, one clause per input
    )

The `saves` letters (the last letter stands for any further inputs, as in cat):
    S   saved: the rule reads this input's values
    O   saved when another input requires grad: only that input's gradient reads it (mul)
    -   not saved (the default): the rule needs at most its shape and dtype (a `Meta`)

A `rule=` names each input and the result its backward reads (tests/test_ops_table.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import dtypes
from minigrad.dispatch import OPS, OpDef, defop
from minigrad.errors import runtime
from minigrad.tensor import Tensor

__all__ = ["OPS"]


def raw(x: Any) -> Any:
    """The numpy values of a Tensor; a numpy array (or number) passes through."""
    return x._data if isinstance(x, Tensor) else x


def np_dtype(x: Any) -> np.dtype:
    """The numpy dtype of a Tensor, a Meta or a numpy array."""
    dtype = x.dtype
    return dtype.np_type if isinstance(dtype, dtypes.dtype) else dtype


def const(arr: Any, like: Any) -> Any:
    """`arr` as a constant of `like`'s kind: a Tensor without grad if `like` is one, else numpy."""
    return Tensor._make(np.asarray(arr)) if isinstance(like, Tensor) else arr


def zeros_of(x: Any, like: Any) -> Any:
    """Zeros with the shape and dtype of `x` (a Tensor, Meta or array), as `const` makes them."""
    return const(np.zeros(tuple(x.shape), np_dtype(x)), like)


# --- elementwise arithmetic ---------------------------------------------------------------------
add = defop(
    "add",
    np.add,
    (lambda g, out, x, y: g, lambda g, out, x, y: g),
    rule="grad_self = grad; grad_other = grad",
)
sub = defop(
    "sub",
    np.subtract,
    (lambda g, out, x, y: g, lambda g, out, x, y: -g),
    rule="grad_self = grad; grad_other = -grad",
)
add_alpha = defop(  # add(x, y, alpha=a): still one AddBackward0 node, as in PyTorch
    "add_alpha",
    lambda x, y, alpha: np.add(x, np.multiply(y, alpha, dtype=np.result_type(y))),
    (lambda g, out, x, y, alpha: g, lambda g, out, x, y, alpha: mul_scalar(g, other=alpha)),
    node="AddBackward0",
    rule="grad_self = grad; grad_other = grad * alpha",
)
sub_alpha = defop(
    "sub_alpha",
    lambda x, y, alpha: np.subtract(x, np.multiply(y, alpha, dtype=np.result_type(y))),
    (lambda g, out, x, y, alpha: g, lambda g, out, x, y, alpha: mul_scalar(-g, other=alpha)),
    node="SubBackward0",
    rule="grad_self = grad; grad_other = -grad * alpha",
)
rsub = defop(
    "rsub",
    lambda x, other: np.subtract(other, x),
    (lambda g, out, x, other: -g,),
    node="RsubBackward1",
    rule="grad_self = -grad",
)
mul = defop(
    "mul",
    np.multiply,
    (lambda g, out, x, y: g * y, lambda g, out, x, y: g * x),
    saves="OO",
    rule="grad_self = grad * other; grad_other = grad * self",
)


def _div_other_backward(g: Tensor, out: Tensor, x: Tensor, y: Tensor) -> Tensor:
    # PyTorch's div_tensor_other_backward: -grad * ((self / other) / other), the same roundings;
    # its C++ evaluates the right operand first, so the quotients are recorded before -grad
    quotient = (x / y) / y
    return -g * quotient


div = defop(
    "div",
    np.true_divide,
    (lambda g, out, x, y: g / y, _div_other_backward),
    saves="OS",
    float_op=True,
    quiet=True,
    rule="grad_self = grad / other; grad_other = -grad * ((self / other) / other)",
)
add_scalar = defop(  # `x + 1` inside PyTorch's C++ formulas: add.Scalar
    "add_scalar",
    lambda x, other: np.add(x, other),
    (lambda g, out, x, other: g,),
    node="AddBackward1",
    rule="grad_self = grad",
)
sub_scalar = defop(  # `exponent - 1` inside PyTorch's C++ formulas: sub.Scalar
    "sub_scalar",
    lambda x, other: np.subtract(x, other),
    (lambda g, out, x, other: g,),
    node="SubBackward1",
    rule="grad_self = grad",
)
mul_scalar: OpDef = defop(  # `grad * 2.0` inside PyTorch's C++ formulas: the mul.Scalar overload
    "mul_scalar",
    lambda x, other: np.multiply(x, other),
    (lambda g, out, x, other: mul_scalar(g, other=other),),
    node="MulBackward1",
    rule="grad_self = grad * other",
)
div_scalar: OpDef = defop(  # `grad / n` inside PyTorch's C++ formulas (mean's): div.Scalar
    "div_scalar",
    lambda x, other: np.true_divide(x, other),
    (lambda g, out, x, other: div_scalar(g, other=other),),
    node="DivBackward1",
    quiet=True,
    rule="grad_self = grad / other",
)
neg = defop(
    "neg",
    np.negative,
    (lambda g, out, x: -g,),
    rule="grad_self = -grad",
)


def _reciprocal_backward(g: Tensor, out: Tensor, x: Tensor) -> Tensor:
    # PyTorch's -grad * (result * result): C++ evaluates the right operand first
    square = out * out
    return -g * square


reciprocal = defop(
    "reciprocal",
    np.reciprocal,
    (_reciprocal_backward,),
    saves_out=True,
    float_op=True,
    quiet=True,
    rule="grad_self = -grad * result²",
)


def _pow_backward(g: Tensor, out: Any, x: Tensor, exponent: float) -> Tensor:
    if exponent == 0:
        return zeros_of(x, g)
    return g * mul_scalar(x ** (exponent - 1), other=exponent)


def _pow_exponent_backward(g: Tensor, out: Tensor, x: Tensor, y: Tensor) -> Tensor:
    # d/dy x^y = x^y ln x, taken as 0 where x == 0 and y >= 0 (as PyTorch does)
    return g * where(0.0, out * log(x), condition=(raw(x) == 0) & (raw(y) >= 0))


def _pow_base_backward(g: Tensor, out: Tensor, x: Tensor, y: Tensor) -> Tensor:
    # 0 where the exponent is 0, as PyTorch masks it (this matters for second derivatives)
    return where(0.0, g * (y * x ** sub_scalar(y, other=1)), condition=raw(y) == 0)


def _power_scalar(x: np.ndarray, exponent: Any) -> np.ndarray:
    if x.dtype.kind in "biu" and not isinstance(exponent, float) and exponent < 0:
        raise runtime("int_pow", "Integers to negative integer powers are not allowed.")
    return np.power(x, exponent)


pow_scalar = defop(
    "pow",
    _power_scalar,
    (_pow_backward,),
    saves="S",
    quiet=True,
    rule="grad_self = grad * exponent * self^(exponent - 1)",
)


def _power(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """np.power, with PyTorch's integers to negative powers: 1 for 1, ±1 for -1, else 0."""
    if np.result_type(x, y).kind not in "iu" or not np.any(y < 0):
        return np.power(x, y)
    negative = y < 0
    out = np.power(x, np.where(negative, 0, y))
    odd = np.where(y % 2 == 0, 1, -1)
    inverse = np.where(x == 1, 1, np.where(x == -1, odd, 0))
    return np.where(negative, inverse, out).astype(out.dtype)


pow_tensor = defop(
    "pow_tensor",
    _power,
    (_pow_base_backward, _pow_exponent_backward),
    node="PowBackward1",
    saves="SS",
    saves_out=True,
    quiet=True,
    arg_names=("self", "exponent"),
    rule="grad_self = grad * exponent * self^(exponent - 1); "
    "grad_exponent = grad * result * ln(self) (0 where self = 0 and exponent >= 0)",
)
pow_scalar_base = defop(
    "pow_scalar_base",
    lambda x, base: np.power(base, x),
    (lambda g, out, x, base: g * mul_scalar(out, other=float(np.log(base))),),
    node="PowBackward2",
    saves="S",  # PyTorch saves the exponent tensor and the result
    saves_out=True,
    quiet=True,
    rule="grad_exponent = grad * result * ln(base)",
)

# --- elementwise functions ----------------------------------------------------------------------
exp = defop(
    "exp",
    np.exp,
    (lambda g, out, x: g * out,),
    saves_out=True,
    float_op=True,
    quiet=True,
    rule="grad_self = grad * result",
)
log = defop(
    "log",
    np.log,
    (lambda g, out, x: g / x,),
    saves="S",
    float_op=True,
    quiet=True,
    rule="grad_self = grad / self",
)
sqrt = defop(
    "sqrt",
    np.sqrt,
    (lambda g, out, x: g / mul_scalar(out, other=2),),
    saves_out=True,
    float_op=True,
    quiet=True,
    rule="grad_self = grad / (2 * result)",
)
sin = defop(
    "sin",
    np.sin,
    (lambda g, out, x: g * cos(x),),
    saves="S",
    float_op=True,
    rule="grad_self = grad * cos(self)",
)
cos: OpDef = defop(
    "cos",
    np.cos,
    (lambda g, out, x: g * -sin(x),),
    saves="S",
    float_op=True,
    rule="grad_self = -grad * sin(self)",
)  # fmt: skip


def _one_minus_square(out: np.ndarray) -> np.ndarray:
    """1 - out², rounded once for float32 as PyTorch's fused multiply-add rounds it."""
    if out.dtype == np.float32:  # the float64 product of two float32 values is exact
        return (1 - out.astype(np.float64) ** 2).astype(np.float32)
    return 1 - out * out


# tanh's gradient as one op, so create_graph records TanhBackwardBackward0
tanh_backward: OpDef = defop(
    "tanh_backward",
    lambda g, out: g * _one_minus_square(out),
    (
        lambda gg, o, g, out: tanh_backward(gg, out),
        lambda gg, o, g, out: gg * (mul_scalar(out, other=-2) * g),
    ),
    node="TanhBackwardBackward0",
    saves="OS",
    arg_names=("grad_output", "output"),
    rule="grad_grad = grad * (1 - result²); grad_result = grad * (-2 * result * grad_grad)",
)
tanh = defop(
    "tanh",
    np.tanh,
    (lambda g, out, x: tanh_backward(g, out),),
    saves_out=True,
    float_op=True,
    rule="grad_self = grad * (1 - result²)",
)


def _sigmoid_output_backward(gg: Tensor, o: Tensor, g: Tensor, out: Tensor) -> Tensor:
    # PyTorch's grad * grad_output * (-2 * output + 1): C++ evaluates the right operand first
    slope = add_scalar(mul_scalar(out, other=-2), other=1)
    return gg * g * slope


sigmoid_backward: OpDef = (
    defop(  # sigmoid's gradient as one op: SigmoidBackwardBackward0, as PyTorch
        "sigmoid_backward",
        lambda g, out: g * (1 - out) * out,  # PyTorch's order: the same bits as its kernel
        (lambda gg, o, g, out: sigmoid_backward(gg, out), _sigmoid_output_backward),
        node="SigmoidBackwardBackward0",
        saves="SS",
        arg_names=("grad_output", "output"),
        rule="grad_grad = grad * (1 - result) * result; "
        "grad_result = grad * grad_grad * (1 - 2 * result)",
    )
)
sigmoid = defop(
    "sigmoid",
    lambda x: 0.5 * (1 + np.tanh(0.5 * x)),  # no overflow for large |x|
    (lambda g, out, x: sigmoid_backward(g, out),),
    saves_out=True,
    float_op=True,
    rule="grad_self = grad * (1 - result) * result",
)
# relu's gradient as an op: ThresholdBackwardBackward0, as PyTorch
threshold_backward: OpDef = defop(
    "threshold_backward",
    lambda g, out: np.where(out > 0, g, np.zeros((), g.dtype)),
    (
        lambda gg, o, g, out: threshold_backward(gg, out),
        lambda gg, o, g, out: zeros_of(out, gg),
    ),
    node="ThresholdBackwardBackward0",
    saves="-S",
    arg_names=("grad_output", "self"),
    rule="grad_grad = grad where result > 0, else 0; grad_result = zeros like result",
)
relu = defop(
    "relu",
    lambda x: np.where(x < 0, np.zeros((), x.dtype), x),  # -0 and nan stay, as PyTorch's
    (lambda g, out, x: threshold_backward(g, out),),
    saves_out=True,
    rule="grad_self = grad * (result > 0)",
)
sgn = defop(  # recorded by abs's rule under create_graph (SgnBackward0); its gradient is 0
    "sgn",
    np.sign,
    (lambda g, out, x: zeros_of(x, g),),
    rule="grad_self = zeros like self",
)
absolute = defop(
    "abs",
    np.abs,
    (lambda g, out, x: g * sgn(x),),
    saves="S",
    rule="grad_self = grad * sign(self)",
)


def clip(x: np.ndarray, lo: Any = None, hi: Any = None) -> np.ndarray:
    """np.clip with PyTorch's clamp at a bound: x stays unless beyond it (-0 stays -0)."""
    out = np.clip(x, lo, hi)
    return np.where(x == out, x, out)


def _clamp_mask(x: Any, min: Any, max: Any) -> np.ndarray:  # noqa: A002 - torch's names
    values = raw(x)
    keep = np.ones(values.shape, bool)
    if min is not None:
        keep &= values >= min
    if max is not None:
        keep &= values <= max
    return keep


clamp = defop(
    "clamp",
    lambda x, min=None, max=None: clip(x, min, max),  # noqa: A006 - torch's argument names
    (lambda g, out, x, min=None, max=None: where(g, 0.0, condition=_clamp_mask(x, min, max)),),  # noqa: A006
    node="ClampBackward1",
    saves="S",
    rule="grad_self = grad where min <= self <= max, else 0",
)
where: OpDef = defop(
    "where",
    lambda x, y, condition: np.where(condition, x, y),
    (
        lambda g, out, x, y, condition: where(g, 0.0, condition=condition),
        lambda g, out, x, y, condition: where(0.0, g, condition=condition),
    ),
    saves_attrs=True,  # PyTorch saves the condition
    rule="grad_self = grad where condition, else 0; grad_other = grad where not condition",
)


def _share(g: Any, x: Any, y: Any, loses: Any) -> Any:
    """`g` halved where x ties y, 0 where x loses (PyTorch's `where(self == other, grad / 2,
    grad).masked_fill_(self < other, 0)` for maximum); nan never loses."""
    xv, yv = raw(x), raw(y)
    halved = where(div_scalar(g, other=2), g, condition=xv == yv)
    return OPS["masked_fill"](halved, mask=loses(xv, yv), value=0)


def _tie_first(pick: Any) -> Any:
    """np.maximum/np.minimum returning the first operand on a tie (0 against -0), as PyTorch's
    kernel does for a small tensor (README: its vector lanes return the second)."""

    def forward(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        out = pick(x, y)
        return np.where(out == x, x, out).astype(out.dtype, copy=False)

    return forward


maximum = defop(
    "maximum",
    _tie_first(np.maximum),
    (
        lambda g, out, x, y: _share(g, x, y, np.less),
        lambda g, out, x, y: _share(g, y, x, np.less),
    ),
    saves="SS",
    rule="grad_self = grad where self > other; grad_other = grad where other > self (ties: half)",
)
minimum = defop(
    "minimum",
    _tie_first(np.minimum),
    (
        lambda g, out, x, y: _share(g, x, y, np.greater),
        lambda g, out, x, y: _share(g, y, x, np.greater),
    ),
    saves="SS",
    rule="grad_self = grad where self < other; grad_other = grad where other < self (ties: half)",
)
to_copy = defop(
    "_to_copy",
    lambda x, dtype: x.astype(dtype.np_type),
    (lambda g, out, x, dtype: g,),
    rule="grad_self = grad (cast back to self's dtype)",
)
clone = defop(
    "clone",
    np.copy,
    (lambda g, out, x: g,),
    rule="grad_self = grad",
)

# --- reductions ---------------------------------------------------------------------------------


def _expand_back(g: Any, x: Any, dim: tuple[int, ...], keepdim: bool) -> Any:
    """Put the reduced dimensions back (size 1) so `g` broadcasts against `x`."""
    if not keepdim and x.ndim:  # PyTorch's sum_backward: one unsqueeze per dim, in order
        for d in sorted(dim):
            g = unsqueeze(g, dim=d)
    return expand(g, shape=tuple(x.shape))


def _add_up(x: Any, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Any:
    """np.sum without its Python wrapper (the same reduction: np.sum calls np.add.reduce)."""
    reduce: Any = np.add.reduce  # numpy's stubs type keepdims as a literal
    return reduce(x, axis=dim, dtype=dtype, keepdims=keepdim)


def _numel(x: Any) -> int:
    return int(np.prod(x.shape, dtype=np.int64))


def _count(x: Any, dim: tuple[int, ...]) -> int:
    return int(np.prod([x.shape[d] for d in dim], dtype=np.int64))


sum_all = defop(
    "sum",
    lambda x: _add_up(x, None, False, np.int64 if x.dtype.kind in "biu" else None),
    (lambda g, out, x: expand(g, shape=tuple(x.shape)),),
    node="SumBackward0",
    rule="grad_self = grad expanded to self's shape",
)
sum_dim = defop(
    "sum_dim",
    lambda x, dim, keepdim: _add_up(x, dim, keepdim),
    (lambda g, out, x, dim, keepdim: _expand_back(g, x, dim, keepdim),),
    node="SumBackward1",
    rule="grad_self = grad expanded along the summed dims to self's shape",
)
mean = defop(
    "mean",
    lambda x: np.divide(_add_up(x), x.size),  # np.mean would warn on empty input
    (lambda g, out, x: div_scalar(expand(g, shape=tuple(x.shape)), other=max(_numel(x), 1)),),
    node="MeanBackward0",
    quiet=True,  # the mean of nothing is nan, silently, as in PyTorch
    rule="grad_self = grad / numel, expanded to self's shape",
)
mean_dim = defop(
    "mean_dim",
    lambda x, dim, keepdim: np.divide(_add_up(x, dim, keepdim), _count(x, dim)),
    (
        lambda g, out, x, dim, keepdim: div_scalar(
            _expand_back(g, x, dim, keepdim), other=_count(x, dim)
        ),
    ),
    node="MeanBackward1",
    quiet=True,
    rule="grad_self = grad / n, expanded along the averaged dims to self's shape",
)


def _evenly(g: Any, out: Any, x: Any) -> Any:
    """PyTorch's evenly_distribute_backward: zeros, filled with grad / count where self equals
    the result (where self is nan, when the result is)."""
    xv, ov = raw(x), raw(out)
    mask = np.isnan(xv) if np.isnan(ov) else xv == ov
    count = const(np.asarray(np.count_nonzero(mask), np.int64), g)
    return OPS["masked_fill_tensor"](zeros_of(x, g), g / count, mask=mask)


def _pick(x: np.ndarray, dim: int, keepdim: bool, indices: np.ndarray) -> np.ndarray:
    if x.ndim == 0:  # max(0) of a 0-d tensor: the tensor itself
        return x.copy()
    picked = np.take_along_axis(x, np.expand_dims(indices, dim), axis=dim)
    return picked if keepdim else np.squeeze(picked, dim)


def _pick_backward(g: Any, out: Any, x: Any, dim: int, keepdim: bool, indices: Any) -> Any:
    """PyTorch's value_selecting_reduction_backward: zeros, scattered with grad at indices."""
    if x.ndim:  # the saved indices never keep the reduced dim
        indices = np.expand_dims(indices, dim)
        if not keepdim:
            g = unsqueeze(g, dim=dim)
    return OPS["scatter"](zeros_of(x, g), g, dim=dim, index=indices)


max_all = defop(
    "max",
    np.max,
    (_evenly,),
    node="MaxBackward1",
    saves="S",
    saves_out=True,
    rule="grad_self = grad shared evenly where self equals result (its maximum)",
)
min_all = defop(
    "min",
    np.min,
    (_evenly,),
    node="MinBackward1",
    saves="S",
    saves_out=True,
    rule="grad_self = grad shared evenly where self equals result (its minimum)",
)
max_dim = defop(
    "max_dim",
    _pick,
    (_pick_backward,),
    node="MaxBackward0",
    saves_attrs=True,  # the indices
    rule="grad_self = zeros like self with grad at the argmax of each slice",
)
min_dim = defop(
    "min_dim",
    _pick,
    (_pick_backward,),
    node="MinBackward0",
    saves_attrs=True,  # the indices
    rule="grad_self = zeros like self with grad at the argmin of each slice",
)

# --- linear algebra -----------------------------------------------------------------------------


def _mm_forward(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if x.ndim != 2 or y.ndim != 2:
        which = "self" if x.ndim != 2 else "mat2"
        raise runtime("matmul_shape", f"{which} must be a matrix", shapes=[x.shape, y.shape])
    if x.shape[1] != y.shape[0]:
        raise runtime(
            "matmul_shape",
            f"mat1 and mat2 shapes cannot be multiplied ({x.shape[0]}x{x.shape[1]} and "
            f"{y.shape[0]}x{y.shape[1]})",
            shapes=[x.shape, y.shape],
        )
    if x.shape[1] == 1:  # an outer product: plain products, so 0 * -2 is -0 as in PyTorch
        return np.multiply(x, y)
    return x @ y


def _dot_forward(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if x.shape != y.shape:
        raise runtime(
            "matmul_shape",
            f"inconsistent tensor size, expected tensor [{x.size}] and src [{y.size}] to have "
            f"the same number of elements, but got {x.size} and {y.size} elements respectively",
            shapes=[x.shape, y.shape],
        )
    return np.dot(x, y)


def _mv_forward(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if x.shape[1] != y.shape[0]:
        raise runtime(
            "matmul_shape",
            f"size mismatch, got input ({x.shape[0]}), mat ({x.shape[0]}x{x.shape[1]}), "
            f"vec ({y.shape[0]})",
            shapes=[x.shape, y.shape],
        )
    return x @ y


def _bmm_forward(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if x.shape[0] != y.shape[0] or x.shape[2] != y.shape[1]:
        raise runtime(
            "matmul_shape",
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{x.shape[0]}, {x.shape[2]}] but got: [{y.shape[0]}, {y.shape[1]}].",
            shapes=[x.shape, y.shape],
        )
    return x @ y


def _column_major(a: Any) -> bool:
    """PyTorch's test in mm's backward: a matrix laid out column by column (a transpose)."""
    arr = raw(a)
    if not isinstance(arr, np.ndarray) or arr.ndim != 2:
        return False
    size = arr.itemsize
    return arr.strides[0] == size and arr.strides[1] == arr.shape[0] * size


def _mat1_backward(g: Any, y: Any, column_major: bool) -> Any:
    """PyTorch's mm_mat1_backward: grad @ mat2ᵀ, as (mat2 @ gradᵀ)ᵀ for a column-major mat1."""
    return t(mm(y, t(g))) if column_major else mm(g, t(y))


def _mat2_backward(g: Any, x: Any, column_major: bool) -> Any:
    """PyTorch's mm_mat2_backward: mat1ᵀ @ grad, as (gradᵀ @ mat1)ᵀ for a column-major mat2."""
    return t(mm(t(g), x)) if column_major else mm(t(x), g)


def mm(x: Any, y: Any) -> Any:
    """The mm op, told which operands are column-major (their gradients are computed
    transposed, as PyTorch computes them, which shows in a create_graph graph)."""
    return mm_op(x, y, layout=(_column_major(x), _column_major(y)))


mm_op: OpDef = defop(
    "mm",
    lambda x, y, layout=(False, False): _mm_forward(x, y),
    (
        lambda g, out, x, y, layout=(False, False): _mat1_backward(g, y, layout[0]),
        lambda g, out, x, y, layout=(False, False): _mat2_backward(g, x, layout[1]),
    ),
    saves="OO",
    arg_names=("self", "mat2"),
    rule="grad_self = grad @ mat2ᵀ; grad_mat2 = selfᵀ @ grad",
)
dot = defop(
    "dot",
    _dot_forward,
    (lambda g, out, x, y: g * y, lambda g, out, x, y: g * x),
    saves="OO",
    arg_names=("self", "tensor"),
    rule="grad_self = grad * tensor; grad_tensor = grad * self",
)
mv: OpDef = defop(
    "mv",
    _mv_forward,
    (
        lambda g, out, x, y: g.reshape((-1, 1)) * y,  # PyTorch's grad.outer(vec)
        lambda g, out, x, y: mv(t(x), g),
    ),
    saves="OO",
    arg_names=("self", "vec"),
    rule="grad_self = grad ⊗ vec; grad_vec = selfᵀ @ grad",
)
bmm: OpDef = defop(
    "bmm",
    _bmm_forward,
    (
        lambda g, out, x, y: bmm(g, transpose(y, dim0=1, dim1=2)),
        lambda g, out, x, y: bmm(transpose(x, dim0=1, dim1=2), g),
    ),
    saves="OO",
    arg_names=("self", "mat2"),
    rule="grad_self = grad @ mat2ᵀ (per batch); grad_mat2 = selfᵀ @ grad",
)


def addmm(b: Any, x: Any, y: Any) -> Any:
    """The addmm op, told which matrices are column-major (see `mm`)."""
    return addmm_op(b, x, y, layout=(_column_major(x), _column_major(y)))


addmm_op: OpDef = defop(
    "addmm",
    lambda b, x, y, layout=(False, False): b + _mm_forward(x, y),
    (
        lambda g, out, b, x, y, layout=(False, False): g,
        lambda g, out, b, x, y, layout=(False, False): _mat1_backward(g, y, layout[0]),
        lambda g, out, b, x, y, layout=(False, False): _mat2_backward(g, x, layout[1]),
    ),
    saves="-OO",
    arg_names=("self", "mat1", "mat2"),
    rule="grad_bias = grad; grad_mat1 = grad @ mat2ᵀ; grad_mat2 = mat1ᵀ @ grad",
)

# --- shape and view ops (backward needs only the input's shape) ---------------------------------
t: OpDef = defop(  # ndarray methods here: np.transpose is a Python wrapper around them
    "t",
    lambda x: x.transpose(),
    (lambda g, out, x: t(g),),
    view=True,
    rule="grad_self = gradᵀ",
)
transpose: OpDef = defop(
    "transpose",
    lambda x, dim0, dim1: x.swapaxes(dim0, dim1) if x.ndim else x.view(),  # 0-d: torch allows
    (lambda g, out, x, dim0, dim1: transpose(g, dim0=dim0, dim1=dim1),),
    view=True,
    rule="grad_self = grad with dim0 and dim1 swapped back",
)
permute: OpDef = defop(
    "permute",
    lambda x, dims: x.transpose(dims),
    (lambda g, out, x, dims: permute(g, dims=tuple(int(d) for d in np.argsort(dims))),),
    view=True,
    rule="grad_self = grad permuted back",
)
view = defop(
    "view",
    lambda x, shape: x.reshape(shape),
    (lambda g, out, x, shape: g.reshape(tuple(x.shape)),),
    view=True,
    rule="grad_self = grad reshaped to self's shape",
)
reshape_alias = defop(
    "_reshape_alias",
    lambda x, shape: x.reshape(shape),
    (lambda g, out, x, shape: g.reshape(tuple(x.shape)),),
    node="ReshapeAliasBackward0",
    view=True,
    rule="grad_self = grad reshaped to self's shape",
)
unsafe_view = defop(
    "_unsafe_view",
    lambda x, shape: x.reshape(shape),
    (lambda g, out, x, shape: g.reshape(tuple(x.shape)),),
    rule="grad_self = grad reshaped to self's shape",
)


def _unsqueeze_to(g: Any, x: Any, dims: Any = None) -> Any:
    """PyTorch's unsqueeze_to: `g` unsqueezed at each of `dims` (all dims) where `x` has size 1."""
    for d in range(x.ndim) if dims is None else dims:
        if x.shape[d] == 1:
            g = unsqueeze(g, dim=d)
    return g


squeeze = defop(
    "squeeze",
    lambda x: np.squeeze(x),
    (lambda g, out, x: _unsqueeze_to(g, x),),
    view=True,
    rule="grad_self = grad reshaped to self's shape",
)
squeeze_dim = defop(
    "squeeze_dim",
    lambda x, dim: np.squeeze(x, dim) if x.shape[dim] == 1 else x.view(),
    (lambda g, out, x, dim: _unsqueeze_to(g, x, (dim,)) if x.ndim else g,),
    node="SqueezeBackward1",
    view=True,
    rule="grad_self = grad reshaped to self's shape",
)
squeeze_inplace = defop(  # PyTorch's matmul(1-D, 2-D) ends with an in-place squeeze_(0)
    "squeeze_",
    lambda x, dim: np.squeeze(x, dim),
    (lambda g, out, x, dim: _unsqueeze_to(g, x, (dim,)),),
    node="SqueezeBackward4",
    view=True,
    rule="grad_self = grad reshaped to self's shape",
)
unsqueeze = defop(
    "unsqueeze",
    lambda x, dim: np.expand_dims(x, dim),
    (lambda g, out, x, dim: g.squeeze(dim),),
    view=True,
    rule="grad_self = grad with dim removed",
)


def _expand(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """np.broadcast_to, keeping the stride of a size-1 dim that stays size 1 (numpy sets 0,
    PyTorch keeps it: mm's backward reads the layout)."""
    out = np.broadcast_to(x, shape)
    lead = len(shape) - x.ndim
    strides = list(out.strides)
    for i, n in enumerate(x.shape):
        if n == 1 and shape[lead + i] == 1:
            strides[lead + i] = x.strides[i]
    if tuple(strides) == out.strides:
        return out
    return np.lib.stride_tricks.as_strided(out, shape, tuple(strides), writeable=False)


expand: OpDef = defop(
    "expand",
    _expand,
    (lambda g, out, x, shape: g,),
    view=True,
    rule="grad_self = grad summed over the expanded dims",
)


def _put_forward(base: np.ndarray, values: Any, key: Any, accumulate: bool) -> np.ndarray:
    out = base.copy()
    if accumulate:
        np.add.at(out, key, values)
    else:
        out[key] = values
    return out


def _put_base_backward(g: Any, out: Any, base: Any, values: Any, key: Any, accumulate: bool):
    if accumulate:
        return g
    return index_put(g, 0.0, key=key, accumulate=False)


def _put_values_backward(g: Any, out: Any, base: Any, values: Any, key: Any, accumulate: bool):
    return OPS["index"](g, key=key)  # the gradient of the values is the indexed gradient


index_put = defop(
    "index_put",
    _put_forward,
    (_put_base_backward, _put_values_backward),
    node="IndexPutImplBackward0",  # PyTorch's name inside backward graphs (index's gradient)
    arg_names=("self", "values"),
    rule="grad_self = grad (0 where overwritten); grad_values = grad[indices]",
)
copy_slices = defop(
    "copy_slices",
    _put_forward,
    (_put_base_backward, _put_values_backward),
    node="CopySlices",
    rule="grad_self = grad with the assigned part zeroed; grad_src = grad[indices]",
)
# PyTorch's C++ node: name() is namespaced, the repr is `<CopySlices object at ...>`
copy_slices.node_cls.name = lambda self: "torch::autograd::CopySlices"  # type: ignore[method-assign]
copy_ = defop(  # x.copy_(src), t[...] = v: src broadcast to x and cast to its dtype
    "copy_",
    lambda x, src: np.broadcast_arrays(x, src)[1],
    (lambda g, out, x, src: zeros_of(x, g), lambda g, out, x, src: g),
    node="CopyBackwards",
    rule="grad_self = zeros like self; grad_src = grad (cast to src's dtype)",
)
copy_.node_cls.name = lambda self: "torch::autograd::CopyBackwards"  # type: ignore[method-assign]


def _put_self_backward(g: Any, out: Any, x: Any, values: Any, key: Any, accumulate: bool):
    return OPS["index_put_"](g, 0.0, key=key, accumulate=False)  # torch's grad.index_put(...)


index_put_ = defop(  # t[idx] = v: IndexPutBackward0, whose self-gradient records one too
    "index_put_",
    _put_forward,
    (_put_self_backward, _put_values_backward),
    saves_attrs=True,
    rule="grad_self = grad (0 where overwritten); grad_values = grad[indices]",
)
zero = defop(  # x.zero_() in a graph: every element overwritten, so no gradient reaches x
    "zero_",
    np.zeros_like,
    (lambda g, out, x: zeros_of(x, g),),
    rule="grad_self = zeros like self",
)
fill_scalar = defop(  # x.fill_(2.0): FillBackward2, one input
    "fill_scalar",
    lambda x, value: np.full_like(x, value),
    (lambda g, out, x, value: zeros_of(x, g),),
    node="FillBackward2",
    rule="grad_self = zeros like self",
)
fill_tensor = defop(  # x.fill_(v) with a 0-d v, and x[...] = 2.0 (torch makes 2.0 a tensor)
    "fill_tensor",
    lambda x, v: np.full_like(x, v),
    (lambda g, out, x, v: zeros_of(x, g), lambda g, out, x, v: g.sum()),
    node="FillBackward3",
    arg_names=("self", "value"),
    rule="grad_self = zeros like self; grad_value = Σ grad",
)


def _scatter_back(g: Any, out: Any, x: Any, key: Any) -> Any:
    """Gradient of x[key]: g put back where it came from, zeros elsewhere (summing repeats)."""
    return index_put(zeros_of(x, g), g, key=key, accumulate=True)


def _put_at(g: np.ndarray, shape: tuple[int, ...], key: Any) -> np.ndarray:
    out = np.zeros(shape, g.dtype)
    out[key] = g
    return out


select_backward: OpDef = defop(  # select's gradient as an op: SelectBackwardBackward0
    "select_backward",
    _put_at,
    (lambda gg, out, g, shape, key: select(gg, key=key),),
    rule="grad_grad = grad at the selected index",
)
slice_backward: OpDef = defop(  # slice's gradient as an op: SliceBackwardBackward0
    "slice_backward",
    _put_at,
    (lambda gg, out, g, shape, key: slice_(gg, key=key),),
    rule="grad_grad = the slice of grad",
)
select: OpDef = defop(
    "select",
    lambda x, key: x[key + (Ellipsis,)],  # the Ellipsis keeps a 0-d result a view, not a copy
    (lambda g, out, x, key: select_backward(g, shape=tuple(x.shape), key=key),),
    view=True,
    rule="grad_self = zeros like self with grad put at the selected index",
)
slice_: OpDef = defop(
    "slice",
    lambda x, key: x[key],
    (lambda g, out, x, key: slice_backward(g, shape=tuple(x.shape), key=key),),
    view=True,
    rule="grad_self = zeros like self with grad put in the slice",
)
alias = defop(  # t[:], t[..., :n] with n >= size: a key that selects everything (AliasBackward0)
    "alias",
    lambda x: x.view(),
    (lambda g, out, x: g,),
    view=True,
    rule="grad_self = grad",
)
index = defop(
    "index",
    lambda x, key: x[key],
    (_scatter_back,),
    saves_attrs=True,  # the indices
    rule="grad_self = zeros like self with grad added at the indices (repeats add up)",
)


def _cat_forward(*arrays: np.ndarray, dim: int) -> np.ndarray:
    return np.concatenate(arrays, axis=dim)


def _cat_backward(g: Any, out: Any, *xs: Any, dim: int) -> tuple[Any, ...]:
    grads, start = [], 0
    for x in xs:
        stop = start + x.shape[dim]
        key = (np.s_[:],) * dim + (np.s_[start:stop],)
        grads.append(index(g, key=key))
        start = stop
    return tuple(grads)


cat = defop(
    "cat",
    _cat_forward,
    _cat_backward,
    rule="grad_tensors[i] = the piece of grad where tensors[i] sits along dim",
)
stack = defop(
    "stack",
    lambda *arrays, dim: np.stack(arrays, axis=dim),
    lambda g, out, *xs, dim: tuple(select(g, key=(np.s_[:],) * dim + (i,)) for i in range(len(xs))),
    rule="grad_tensors[i] = grad selected at index i of dim, one for each of the tensors",
)

# --- softmax and losses -------------------------------------------------------------------------


def _along(x: Any, dim: int) -> tuple[int, ...]:
    """The dims a softmax sums over: `dim`, or none for a 0-d tensor (its softmax is 1)."""
    return (dim,) if x.ndim else ()


def _softmax(x: np.ndarray, dim: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _log_softmax(x: np.ndarray, dim: int) -> np.ndarray:
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


def _softmax_backward_data(g: np.ndarray, out: np.ndarray, dim: int) -> np.ndarray:
    return out * (g - _add_up(g * out, _along(out, dim), True))


def _softmax_output_backward(gg: Any, o: Any, g: Any, out: Any, dim: int) -> Any:
    """PyTorch's softmax_double_backward(grad, grad_output, dim, output): C++ evaluates the
    right operands first, so the last product is recorded first."""
    along = _along(out, dim)
    last = g * sum_dim(out * gg, dim=along, keepdim=True)
    middle = sum_dim(out * g, dim=along, keepdim=True) * gg
    return g * gg - middle - last


# softmax's gradient as one op, so create_graph records SoftmaxBackwardDataBackward0
softmax_backward_data: OpDef = defop(
    "_softmax_backward_data",
    _softmax_backward_data,
    (
        lambda gg, o, g, out, dim: softmax_backward_data(gg, out, dim=dim),
        _softmax_output_backward,
    ),
    saves="OS",
    arg_names=("grad_output", "output"),
    rule="grad_grad_output = output * (grad - Σ(grad * output)); grad_output = "
    "grad_output * grad - Σ(output * grad_output) * grad - grad_output * Σ(output * grad), "
    "Σ along dim",
)


def _log_softmax_backward_data(g: np.ndarray, out: np.ndarray, dim: int) -> np.ndarray:
    return g - np.exp(out) * _add_up(g, _along(out, dim), True)


def _log_softmax_grad_backward(gg: Any, o: Any, g: Any, out: Any, dim: int) -> Any:
    return gg - sum_dim(gg * exp(out), dim=_along(out, dim), keepdim=True)


def _log_softmax_output_backward(gg: Any, o: Any, g: Any, out: Any, dim: int) -> Any:
    # -grad_output.sum(dim, true) * output.exp() * grad: C++ evaluates the right operand first
    e = exp(out)
    return -sum_dim(g, dim=_along(out, dim), keepdim=True) * e * gg


# log_softmax's gradient as one op: LogSoftmaxBackwardDataBackward0, as PyTorch
log_softmax_backward_data: OpDef = defop(
    "_log_softmax_backward_data",
    _log_softmax_backward_data,
    (_log_softmax_grad_backward, _log_softmax_output_backward),
    saves="OS",
    arg_names=("grad_output", "output"),
    rule="grad_grad_output = grad - Σ(grad * exp(output)); "
    "grad_output = -Σgrad_output * exp(output) * grad, Σ along dim",
)
softmax = defop(
    "softmax",
    _softmax,
    (lambda g, out, x, dim: softmax_backward_data(g, out, dim=dim),),
    saves_out=True,
    float_op=True,
    rule="grad_self = result * (grad - Σ(grad * result)), Σ along dim (none if self is 0-d)",
)
log_softmax = defop(
    "log_softmax",
    _log_softmax,
    (lambda g, out, x, dim: log_softmax_backward_data(g, out, dim=dim),),
    saves_out=True,
    float_op=True,
    rule="grad_self = grad - exp(result) * Σgrad, Σ along dim (none if self is 0-d)",
)


def _reduce(v: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":  # v.mean() without numpy's Python wrapper; nan for no element
        return _add_up(v) / v.size if v.size else np.full((), np.nan, v.dtype)
    return _add_up(v) if reduction == "sum" else v


def _mse_backward(g: np.ndarray, x: np.ndarray, y: np.ndarray, reduction: str) -> np.ndarray:
    """PyTorch's mse_loss_backward kernel: norm * (self - target) * grad_output, norm = 2 / n
    for 'mean' (2 otherwise), in self's dtype."""
    norm = 2.0 / x.size if reduction == "mean" else 2.0
    return np.asarray(norm, x.dtype) * (x - y) * g


def _mse_double_backward(g: Any, x: Any, reduction: str) -> Any:
    """PyTorch's mse_loss_double_backward: 2 * grad, divided by numel for 'mean'."""
    doubled = mul_scalar(g, other=2)
    return div_scalar(doubled, other=_numel(x)) if reduction == "mean" else doubled


# mse_loss's gradient as one op, so create_graph records MseLossBackwardBackward0
mse_loss_backward: OpDef = defop(
    "mse_loss_backward",
    _mse_backward,
    (
        lambda gg, o, g, x, y, reduction: mse_loss_backward(gg, x, y, reduction=reduction),
        lambda gg, o, g, x, y, reduction: _mse_double_backward(gg * g, x, reduction),
        lambda gg, o, g, x, y, reduction: -_mse_double_backward(gg * g, y, reduction),
    ),
    saves="OSS",
    arg_names=("grad_output", "self", "target"),
    rule="grad_grad_output = 2 * (self - target) * grad / n; "
    "grad_self = 2 * grad * grad_output / numel(self) for 'mean'; "
    "grad_target = -2 * grad * grad_output / numel(target) for 'mean'",
)
mse_loss = defop(
    "mse_loss",
    lambda x, y, reduction: _reduce((x - y) ** 2, reduction),
    (
        lambda g, out, x, y, reduction: mse_loss_backward(g, x, y, reduction=reduction),
        lambda g, out, x, y, reduction: mse_loss_backward(g, y, x, reduction=reduction),
    ),
    saves="SS",
    arg_names=("self", "target"),
    rule="grad_input = grad * 2 * (input - target) / n; "
    "grad_target = grad * 2 * (target - input) / n",
)


def _nll_rows(x: Any, target: np.ndarray, ignore_index: int) -> tuple[Any, np.ndarray]:
    keep = target != ignore_index
    rows = np.arange(target.shape[0]) if x.ndim == 2 else ()
    return (rows, np.where(keep, target, 0)) if x.ndim == 2 else (int(target),), keep


def _nll_forward(x: np.ndarray, target: np.ndarray, reduction: str, ignore_index: int):
    key, keep = _nll_rows(x, target, ignore_index)
    losses = np.where(keep, -x[key], 0).astype(x.dtype)
    if reduction == "mean":  # keep x's dtype: numpy's float32 / int64 would give float64
        return (losses.sum() / keep.sum()).astype(x.dtype)
    return losses.sum() if reduction == "sum" else losses


def _nll_backward_data(
    g: np.ndarray, x: np.ndarray, target: np.ndarray, reduction: str, ignore_index: int
) -> np.ndarray:
    """PyTorch's nll_loss_backward kernel: zeros, with -grad (divided by the number of rows
    kept, for 'mean') at each kept row's target class."""
    key, keep = _nll_rows(x, target, ignore_index)
    if reduction == "mean":  # every row ignored: 0 / 0, then zeros as PyTorch's kernel
        with np.errstate(divide="ignore", invalid="ignore"):
            g = g / keep.sum()
    picked = np.where(keep, -g, np.zeros((), x.dtype)).astype(x.dtype)
    out = np.zeros(x.shape, x.dtype)
    np.add.at(out, key, picked)
    return out


# nll_loss's gradient as one op: NllLossBackwardBackward0, whose self-gradient is zeros
nll_loss_backward: OpDef = defop(
    "nll_loss_backward",
    _nll_backward_data,
    (
        lambda gg, o, g, x, target, reduction, ignore_index: nll_loss(
            gg, target=target, reduction=reduction, ignore_index=ignore_index
        ),
        lambda gg, o, g, x, target, reduction, ignore_index: zeros_of(gg, gg),
    ),
    quiet=True,
    saves_attrs=True,  # PyTorch saves the target
    arg_names=("grad_output", "self"),
    rule="grad_grad_output = nll_loss(grad, target); grad_self = zeros like grad",
)


def _nll_backward(g: Any, out: Any, x: Any, target: np.ndarray, reduction: str, ignore_index):
    return nll_loss_backward(g, x, target=target, reduction=reduction, ignore_index=ignore_index)


nll_loss: OpDef = defop(
    "nll_loss",
    _nll_forward,
    (_nll_backward,),
    saves="S",  # PyTorch saves the input (and the target)
    quiet=True,  # every row ignored: PyTorch gives nan silently for 'mean'
    rule="grad_input = zeros like input with -grad / n at each row's target class",
)
