"""In-place ops (`x.add_(y)`, `x[i] = v`): run the op, write into the tensor, rebase its history.

PyTorch's rules: a leaf that requires grad (or a view of one) refuses in-place ops; the result
must keep the tensor's shape and be castable to its dtype; the version counter goes up, so a
node that saved the old values fails in backward.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from minigrad.dispatch import OpDef, OpNode
from minigrad.errors import runtime
from minigrad.grad_mode import INFERENCE_INPLACE, _state, is_inference
from minigrad.tensor import Tensor


def inplace(op: OpDef, t: Tensor, *args: Any, **attrs: Any) -> Tensor:
    """Run `op` and write its result into `t` (PyTorch's `x.op_()`), rebasing t's history."""
    check_inference(t)
    if _state.enabled:
        check_inplace(t)
    result = op(t, *args, **attrs)
    node = result.grad_fn
    if isinstance(node, OpNode) and node._inputs and node._inputs[0] is t:
        # t is saved by the node that is about to overwrite it: keep its old values
        old = Tensor._make(t._data.copy(), t.grad_fn)
        old._requires_grad = t._requires_grad
        state = node._ctx
        # only input 0 is replaced: if t is also another input (y *= y), its saved entry keeps
        # the version check, and backward fails as in PyTorch
        state.inputs = (old,) + state.inputs[1:]
        state.versions = (0,) + (state.versions or (None,))[1:]
    if result._data.shape != t._data.shape:
        raise runtime(
            "broadcast",
            f"output with shape [{', '.join(map(str, t.shape))}] doesn't match the broadcast "
            f"shape [{', '.join(map(str, result.shape))}]",
            op=op.name,
            shapes=[tuple(t.shape), tuple(result.shape)],
        )
    if result._data.dtype != t._data.dtype and not np.can_cast(
        result._data.dtype, t._data.dtype, "same_kind"
    ):
        raise runtime(
            "inplace_dtype",
            f"result type {_type_word(result)} can't be cast to the desired output type "
            f"{_type_word(t)}",
        )
    np.copyto(t._data, result._data, casting="unsafe")
    t._version[0] += 1
    if node is not None:
        t.grad_fn = node
        t._requires_grad = True
        node._out_ref = weakref.ref(t)
        if isinstance(node, OpNode) and node._ctx.out is not None:
            node._ctx.out = t._data
            node._out_counter, node._out_version = t._version, t._version[0]
    return t


def check_inplace(t: Tensor) -> None:
    """PyTorch's errors for an in-place op on a leaf that requires grad (or a view of one)."""
    if t.grad_fn is None and t._requires_grad:
        raise runtime(
            "inplace_leaf",
            "a leaf Variable that requires grad is being used in an in-place operation.",
            tensor=t,
        )
    if t._base is not None and t._base._requires_grad:
        raise runtime(
            "inplace_leaf_view",
            "a view of a leaf Variable that requires grad is being used in an in-place operation.",
            tensor=t,
        )


def check_inference(t: Tensor) -> None:
    """PyTorch's error for an in-place change of an inference tensor outside inference_mode."""
    if not _state.inference and is_inference(t):
        raise runtime("inference_inplace", INFERENCE_INPLACE, tensor=t)


def _type_word(t: Tensor) -> str:
    return {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int"}.get(
        t.dtype.name, t.dtype.name.title()
    )
