"""`torch.func`: `grad` and `vmap` for the simple cases lessons show.

Narrower than PyTorch's: `grad` differentiates with ordinary reverse mode (one backward per
call); `vmap` loops over the mapped dimension and stacks the results (no batching rules),
for functions of tensors returning one tensor. `in_dims` is an int or a tuple of ints/None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minigrad.autograd import grad as _grad
from minigrad.errors import runtime
from minigrad.grad_mode import enable_grad
from minigrad.tensor import Tensor

__all__ = ["grad", "vmap"]


def grad(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0,
         has_aux: bool = False) -> Callable[..., Any]:  # fmt: skip
    """A function returning d func / d args[argnums] (func must return a one-element tensor).

    Args:
        func: a function of tensors returning a scalar tensor (or (scalar, aux) with has_aux).
        argnums: which argument(s) to differentiate by; a tuple gives a tuple of gradients.
        has_aux: func returns (output, aux); the new function then returns (grad, aux).
    """

    def gradient(*args: Any, **kwargs: Any) -> Any:
        picks = argnums if isinstance(argnums, tuple) else (argnums,)
        args_ = list(args)
        for i in picks:
            args_[i] = args[i].detach().requires_grad_(True)
        with enable_grad():
            result = func(*args_, **kwargs)
            out, aux = result if has_aux else (result, None)
            if not isinstance(out, Tensor) or out.numel() != 1:
                raise runtime(
                    "func_grad_scalar",
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                    f"got tensor with {out.dim()} dims. Maybe you wanted to use the vjp or "
                    "jacrev APIs instead?",
                )
            found = _grad(out, [args_[i] for i in picks], allow_unused=True,
                          materialize_grads=True)  # fmt: skip
        gs = tuple(g.detach() for g in found if g is not None)  # materialized: never None
        value = gs if isinstance(argnums, tuple) else gs[0]
        return (value, aux) if has_aux else value

    return gradient


def vmap(func: Callable[..., Any], in_dims: Any = 0, out_dims: int = 0) -> Callable[..., Any]:
    """A function that maps `func` over dimension `in_dims` of its arguments and stacks.

    Args:
        func: a function of tensors returning one tensor.
        in_dims: the mapped dimension of every argument (an int), or one per argument
            (an int, or None for an argument passed whole).
        out_dims: where the mapped dimension goes in the result.
    """
    from minigrad.functions import stack

    def mapped(*args: Any) -> Any:
        dims = in_dims if isinstance(in_dims, (tuple, list)) else (in_dims,) * len(args)
        sizes = {a.shape[d] for a, d in zip(args, dims) if d is not None}
        if len(sizes) != 1:
            raise runtime(
                "vmap_sizes",
                "vmap: Expected all tensors to have the same size in the mapped dimension, "
                f"got sizes {sorted(sizes)} for the mapped dimension",
            )
        n = sizes.pop()
        results = [
            func(*(a if d is None else a.select(d, i) for a, d in zip(args, dims)))
            for i in range(n)
        ]
        return stack(results, dim=out_dims)

    return mapped


def __getattr__(name: str) -> Any:
    from minigrad.missing import missing

    raise missing("minigrad.func", "torch.func", name)
