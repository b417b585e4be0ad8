"""minigrad: a small autograd engine for teaching, with PyTorch's API and printed output.

`import minigrad as torch` runs a PyTorch autograd lesson. The engine needs only numpy;
`%load_ext minigrad` in Jupyter adds the magics, graph drawings and error explanations.
"""

from __future__ import annotations

from typing import Any

from minigrad import autograd, graph, ops
from minigrad.anomaly import is_anomaly_check_nan_enabled, is_anomaly_enabled
from minigrad.device import device, get_default_device, set_default_device
from minigrad.dtypes import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from minigrad.errors import MinigradError
from minigrad.factories import (
    BoolTensor,
    DoubleTensor,
    FloatTensor,
    IntTensor,
    LongTensor,
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from minigrad.functions import (  # noqa: A004 - torch's names shadow builtins here, as in torch
    abs,
    add,
    allclose,
    argmax,
    argmin,
    bmm,
    cat,
    clamp,
    clip,
    clone,
    concat,
    concatenate,
    cos,
    div,
    dot,
    eq,
    equal,
    exp,
    flatten,
    is_floating_point,
    is_tensor,
    log,
    log_softmax,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mm,
    mul,
    mv,
    narrow,
    neg,
    numel,
    permute,
    pow,
    reciprocal,
    relu,
    reshape,
    select,
    sigmoid,
    sign,
    sin,
    softmax,
    sqrt,
    squeeze,
    stack,
    sub,
    sum,
    t,
    tanh,
    transpose,
    unsqueeze,
    where,
)
from minigrad.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from minigrad.printing import get_printoptions, printoptions, set_printoptions
from minigrad.random import initial_seed, manual_seed, seed
from minigrad.tensor import Size, Tensor

__version__ = "0.1.0"


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext minigrad`: hand over to the Jupyter layer (imported only now)."""
    from magics import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """`%unload_ext minigrad`: undo what loading registered."""
    from magics import unload_ipython_extension as unload

    unload(ipython)


def __getattr__(name: str) -> Any:
    # nn and optim load on first use, keeping `import minigrad` light
    if name in ("nn", "optim"):
        import importlib

        return importlib.import_module(f"minigrad.{name}")
    raise AttributeError(f"module 'minigrad' has no attribute '{name}'")


__all__ = [
    "BoolTensor", "DoubleTensor", "FloatTensor", "IntTensor", "LongTensor", "MinigradError",
    "Size", "Tensor", "arange", "as_tensor", "autograd", "bool", "double", "dtype", "empty",
    "empty_like", "enable_grad", "eye", "float", "float16", "float32", "float64", "from_numpy",
    "full", "full_like", "get_default_dtype", "get_printoptions", "graph", "half",
    "inference_mode", "initial_seed", "int", "int8", "int16", "int32", "int64",
    "is_grad_enabled", "is_inference_mode_enabled", "linspace", "long", "manual_seed", "no_grad",
    "ones", "ones_like", "ops", "printoptions", "rand", "rand_like", "randint", "randn",
    "randn_like", "randperm", "seed", "set_default_dtype", "set_grad_enabled",
    "set_printoptions", "short", "tensor", "uint8", "zeros", "zeros_like",
    "load_ipython_extension", "unload_ipython_extension", "device", "get_default_device",
    "set_default_device", "is_anomaly_enabled", "is_anomaly_check_nan_enabled",
    "abs",
    "add",
    "allclose",
    "argmax",
    "argmin",
    "bmm",
    "cat",
    "clamp",
    "clip",
    "clone",
    "concat",
    "concatenate",
    "cos",
    "div",
    "dot",
    "eq",
    "equal",
    "exp",
    "flatten",
    "is_floating_point",
    "is_tensor",
    "log",
    "log_softmax",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "mul",
    "mv",
    "narrow",
    "neg",
    "numel",
    "permute",
    "pow",
    "reciprocal",
    "relu",
    "reshape",
    "select",
    "sigmoid",
    "sign",
    "sin",
    "softmax",
    "sqrt",
    "squeeze",
    "stack",
    "sub",
    "sum",
    "t",
    "tanh",
    "transpose",
    "unsqueeze",
    "where",

]  # fmt: skip
