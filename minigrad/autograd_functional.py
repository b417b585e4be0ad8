"""`torch.autograd.functional`: jacobian, hessian, vjp and jvp, built on `autograd.grad`.

Each is computed row by row with reverse mode (jvp too, by the double-vjp trick), as
PyTorch's default `vectorize=False` does. `vectorize`, `strategy="forward-mode"` and
`outer_jacobian_strategy` are not supported.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.engine import grad
from minigrad.errors import runtime
from minigrad.functions import stack
from minigrad.grad_mode import enable_grad
from minigrad.tensor import Tensor

__all__ = ["hessian", "jacobian", "jvp", "vjp"]


def _prepare(inputs: Any, create_graph: bool) -> tuple[bool, tuple[Tensor, ...]]:
    """(was a tuple, fresh leaves that require grad) for a tensor or a tuple of tensors."""
    is_tuple = isinstance(inputs, (tuple, list))
    items = tuple(inputs) if is_tuple else (inputs,)
    leaves = []
    for x in items:
        if not isinstance(x, Tensor):
            raise TypeError("The inputs given to jacobian must be either a Tensor or a tuple")
        leaf = x if create_graph and x.requires_grad else x.detach().requires_grad_(True)
        leaves.append(leaf)
    return is_tuple, tuple(leaves)


def _grads(out: Tensor, leaves: tuple[Tensor, ...], v: Any, create_graph: bool, strict: bool,
           who: str = "The output") -> tuple[Tensor, ...]:  # fmt: skip
    """d(out · v)/d leaves; zeros (or strict's error) for inputs out does not depend on."""
    if not out.requires_grad:
        found: tuple[Any, ...] = (None,) * len(leaves)
    else:
        found = grad(out, leaves, v, retain_graph=True, create_graph=create_graph,
                     allow_unused=True)  # fmt: skip
    result = []
    for i, (g, x) in enumerate(zip(found, leaves)):
        if g is None:
            if strict:
                raise runtime(
                    "strict_unused",
                    f"{who} of the user-provided function is independent of input {i}. "
                    "This is not allowed in strict mode.",
                )
            g = Tensor._make(np.zeros_like(x._data))
        result.append(g if create_graph else g.detach())
    return tuple(result)


def jacobian(func: Any, inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:  # fmt: skip
    """The Jacobian of `func` at `inputs`: J[i..., j...] = d out[i...] / d in[j...].

    Args:
        func: a function of one tensor (or of several, given as a tuple) returning a tensor
            or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        create_graph: make the result differentiable.
        strict: raise if an output does not depend on an input (instead of zeros).
        vectorize: only False is supported.
        strategy: only "reverse-mode" is supported.
    """
    if vectorize or strategy != "reverse-mode":
        raise runtime("unsupported", "minigrad's jacobian has no vectorize or forward mode")
    in_tuple, leaves = _prepare(inputs, create_graph)
    with enable_grad():
        outs = func(*leaves)
        out_tuple = isinstance(outs, tuple)
        outs = outs if out_tuple else (outs,)
        table = []
        for n, out in enumerate(outs):
            rows = []
            for k in range(max(out.numel(), 1) if out.ndim else 1):
                v = np.zeros(out.numel(), out._data.dtype)
                v[k] = 1
                rows.append(_grads(out, leaves, Tensor._make(v.reshape(out._data.shape)),
                                   create_graph, strict, f"Output {n}"))  # fmt: skip
            per_input = []
            for j, x in enumerate(leaves):
                if out.numel() == 0:
                    per_input.append(Tensor._make(np.zeros(tuple(out.shape) + tuple(x.shape))))
                    continue
                block = stack([r[j] for r in rows]) if out.ndim else rows[0][j]
                per_input.append(block.reshape(tuple(out.shape) + tuple(x.shape)))
            table.append(tuple(per_input) if in_tuple else per_input[0])
    return tuple(table) if out_tuple else table[0]


def hessian(func: Any, inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:  # fmt: skip
    """The Hessian of a scalar function: H[i..., j...] = d² f / d in[i...] d in[j...].

    Args:
        func: a function of a tensor (or a tuple of them) returning a one-element tensor.
        inputs: a tensor or a tuple of tensors.
        create_graph: make the result differentiable.
        strict: raise if the output does not depend on an input.
        vectorize: only False is supported.
        outer_jacobian_strategy: only "reverse-mode" is supported.
    """
    in_tuple, _ = _prepare(inputs, False)

    def gradient(*xs: Tensor) -> Any:
        out = func(*xs)
        if out.numel() != 1:
            raise runtime(
                "hessian_scalar",
                "The function given to hessian should return a single element Tensor",
            )
        gs = _grads(out.reshape(()), xs, None, True, strict)
        return gs if in_tuple else gs[0]

    return jacobian(gradient, inputs, create_graph=create_graph, strict=strict)


def vjp(func: Any, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:  # fmt: skip
    """(func(inputs), vᵀ J): the vector-Jacobian product, one backward pass.

    Args:
        func: a function of a tensor (or a tuple of them) returning a tensor.
        inputs: a tensor or a tuple of tensors.
        v: the vector, shaped like the output (may be None for a one-element output).
        create_graph: make the result differentiable.
        strict: raise if the output does not depend on an input.
    """
    in_tuple, leaves = _prepare(inputs, create_graph)
    with enable_grad():
        out = func(*leaves)
        if v is None and out.numel() != 1:
            raise runtime(
                "vjp_v",
                "The vector v can only be None if the user-provided function returns a single "
                "Tensor with a single element.",
            )
        gs = _grads(out, leaves, v, create_graph, strict)
    value = out if create_graph else out.detach()
    return value, (gs if in_tuple else gs[0])


def jvp(func: Any, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:  # fmt: skip
    """(func(inputs), J v): the Jacobian-vector product, by differentiating a vjp again.

    Args:
        func: a function of a tensor (or a tuple of them) returning a tensor.
        inputs: a tensor or a tuple of tensors.
        v: the tangent, shaped like the inputs (may be None for one-element inputs).
        create_graph: make the result differentiable.
        strict: raise if the output does not depend on an input.
    """
    in_tuple, leaves = _prepare(inputs, create_graph)
    tangents = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    with enable_grad():
        out = func(*leaves)
        u = Tensor._make(np.zeros_like(out._data)).requires_grad_(True)
        gs = _grads(out, leaves, u, True, strict)
        pairs = [(g, t) for g, t in zip(gs, tangents) if g.requires_grad]
        if pairs:
            found = grad([g for g, _ in pairs], u, [t for _, t in pairs],
                         create_graph=create_graph, allow_unused=True)[0]  # fmt: skip
        else:
            found = None
    result = Tensor._make(np.zeros_like(out._data)) if found is None else found
    value = out if create_graph else out.detach()
    return value, (result if create_graph else result.detach())
