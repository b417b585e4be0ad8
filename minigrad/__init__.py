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
    logspace,
    ones,
    ones_like,
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
    argsort,
    bmm,
    cat,
    clamp,
    clip,
    clone,
    concat,
    concatenate,
    cos,
    cumsum,
    div,
    dot,
    eq,
    equal,
    exp,
    flatten,
    flip,
    is_floating_point,
    is_tensor,
    isclose,
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
    norm,
    numel,
    outer,
    permute,
    pow,
    reciprocal,
    relu,
    reshape,
    roll,
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
    tril,
    triu,
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
from minigrad.methods_extra import (
    abs_,
    all,
    any,
    asin,
    bitwise_xor,
    ceil,
    cos_,
    cross,
    exp_,
    floor,
    log10,
    log_,
    neg_,
    relu_,
    round,
    sigmoid_,
    sin_,
    sqrt_,
    tanh_,
    trunc,
    unbind,
)  # noqa: A004 - torch's names
from minigrad.printing import get_printoptions, printoptions, set_printoptions
from minigrad.random import (
    Generator,
    bernoulli,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    multinomial,
    normal,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    seed,
    set_rng_state,
)
from minigrad.tensor import Size, Tensor
from minigrad.torch_alias import as_torch

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
    # nn, optim, utils, cuda, backends, linalg and func load on first use: `import minigrad`
    # stays light
    if name in ("save", "load"):
        from minigrad import serialization

        return getattr(serialization, name)
    if name in ("nn", "optim", "utils", "cuda", "backends", "linalg", "func", "accelerator"):
        import importlib

        return importlib.import_module(f"minigrad.{name}")
    from minigrad.missing import missing

    raise missing("minigrad", "torch", name)


__all__ = [
    "BoolTensor", "DoubleTensor", "FloatTensor", "IntTensor", "LongTensor", "MinigradError",
    "Size", "Tensor", "arange", "as_tensor", "autograd", "bool", "double", "dtype", "empty",
    "empty_like", "enable_grad", "eye", "float", "float16", "float32", "float64", "from_numpy",
    "full", "full_like", "get_default_dtype", "get_printoptions", "graph", "half",
    "inference_mode", "initial_seed", "int", "int8", "int16", "int32", "int64",
    "is_grad_enabled", "is_inference_mode_enabled", "linspace", "logspace", "long",
    "manual_seed", "no_grad",
    "ones", "ones_like", "ops", "printoptions", "rand", "rand_like", "randint", "randn",
    "randn_like", "randperm", "Generator", "bernoulli", "default_generator",
    "get_rng_state", "multinomial", "normal", "randint_like", "set_rng_state", "seed",
    "set_default_dtype", "set_grad_enabled",
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
    "argsort",
    "isclose",
    "outer",
    "flip",
    "roll",
    "tril",
    "triu",
    "cumsum",
    "norm",
    "unbind",
    "all",
    "any",
    "log10",
    "as_torch",
    "asin",
    "bitwise_xor",
    "ceil",
    "floor",
    "round",
    "trunc",
    "cross",
    "sin_",
    "cos_",
    "log_",
    "sqrt_",
    "abs_",
    "exp_",
    "tanh_",
    "sigmoid_",
    "relu_",
    "neg_",
]  # fmt: skip
