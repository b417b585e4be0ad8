"""gradcheck: compare backward's gradients with central finite differences in float64."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.engine import grad
from minigrad.errors import MinigradRuntimeError
from minigrad.grad_mode import enable_grad
from minigrad.tensor import Tensor


class GradcheckError(MinigradRuntimeError):
    """torch's `torch.autograd.gradcheck.GradcheckError`: a RuntimeError named as torch names it
    (a traceback ends in `GradcheckError: ...`; `except RuntimeError` still catches it)."""

    kind = "gradcheck"
    _key = "GradcheckError"

    def __reduce__(self) -> Any:
        return (_rebuild, self.args)


GradcheckError.__module__ = "torch.autograd.gradcheck"


def _rebuild(*args: Any) -> GradcheckError:
    """An unpickled GradcheckError: same message, no facts."""
    return GradcheckError(*args)


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _numerical(
    fn: Callable[..., Any], inputs: tuple[Any, ...], i: int, out_index: int, eps: float
) -> np.ndarray:
    """d output[out_index] / d inputs[i] by central differences, all in float64."""
    work = [  # float inputs in float64; integer and bool ones (targets, masks) keep their dtype
        Tensor._make(
            a._data.astype(np.float64) if a._data.dtype.kind == "f" else a._data
        ).requires_grad_(a.requires_grad)
        if isinstance(a, Tensor)
        else a
        for a in inputs
    ]
    x = work[i]._data
    columns = []
    with enable_grad():  # gradgradcheck's function takes a gradient inside
        for k in range(x.size):
            flat = x.reshape(-1)
            orig = flat[k]
            flat[k] = orig + eps
            plus = _as_tuple(fn(*work))[out_index]._data.astype(np.float64).ravel().copy()
            flat[k] = orig - eps
            minus = _as_tuple(fn(*work))[out_index]._data.astype(np.float64).ravel()
            flat[k] = orig
            columns.append((plus - minus) / (2 * eps))
    return np.stack(columns, axis=0) if columns else np.zeros((0, 0))


def _analytical(out: Tensor, inp: Tensor) -> np.ndarray:
    """d out / d inp, one backward per output element (rows: input elements)."""
    rows = []
    for j in range(out.numel()):
        seed = np.zeros(out._data.size, out._data.dtype)
        seed[j] = 1
        (g,) = grad(
            out,
            inp,
            Tensor._make(seed.reshape(out._data.shape)),
            retain_graph=True,
            allow_unused=True,
        )
        rows.append(np.zeros(inp._data.size) if g is None else g._data.astype(np.float64).ravel())
    return np.stack(rows, axis=1) if rows else np.zeros((inp.numel(), 0))


def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    **unused: Any,
) -> bool:
    """Check backward's gradients of `func` at `inputs` against finite differences.

    Args:
        func: a function of tensors returning a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of arguments; those with requires_grad=True are checked.
        eps: the finite-difference step.
        atol: absolute tolerance.
        rtol: relative tolerance.
        raise_exception: raise (naming the input and element that differ) instead of
            returning False.
    """
    args = _as_tuple(inputs)
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and a.requires_grad and a.dtype.name != "float64":
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ",
                UserWarning,
                stacklevel=2,
            )
    outputs = _as_tuple(func(*args))
    for o, out in enumerate(outputs):
        for i, a in enumerate(args):
            if not (isinstance(a, Tensor) and a.requires_grad):
                continue
            analytical = (
                _analytical(out, a) if out.requires_grad else np.zeros((a.numel(), out.numel()))
            )
            numerical = _numerical(func, args, i, o, eps)
            if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise _mismatch(o, i, numerical, analytical, rtol, atol)
    return True


def _mismatch(o: int, i: int, num: np.ndarray, ana: np.ndarray, rtol: float, atol: float):
    # torch's text; the first differing element is a fact (`element`, flat indices (k, j))
    bad = np.argwhere(~np.isclose(ana, num, rtol=rtol, atol=atol))[0]
    return GradcheckError(
        f"Jacobian mismatch for output {o} with respect to input {i},\n"
        f"numerical:{Tensor._make(num)!r}\nanalytical:{Tensor._make(ana)!r}\n",
        output_index=o,
        input_index=i,
        element=(int(bad[0]), int(bad[1])),
    )


def gradgradcheck(func: Callable[..., Any], inputs: Any, **kwargs: Any) -> bool:
    """Check second derivatives: gradcheck of the gradient (built with create_graph=True)."""
    args = _as_tuple(inputs)
    wrt = [a for a in args if isinstance(a, Tensor) and a.requires_grad]

    def first_derivative(*xs: Any) -> tuple[Any, ...]:
        out = _as_tuple(func(*xs))
        total = out[0].sum()
        for extra in out[1:]:
            total = total + extra.sum()
        chosen = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        return grad(total, chosen, create_graph=True, allow_unused=True, materialize_grads=True)

    return gradcheck(first_derivative, args, **kwargs) if wrt else True
