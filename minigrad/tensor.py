"""The Tensor: a numpy array plus what autograd needs (`grad`, `requires_grad`, `grad_fn`).

Maths lives in the op table (`ops.py`); the methods that call it are in `methods.py`.
This module holds a tensor's state and its autograd-facing API. It builds on `node.py`,
`methods.py` and `shapes.py`; `Tensor(data)` and `.backward()` call factories and autograd,
which build on it, at call time (the documented deferred link, see methods.py).
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from minigrad import dtypes
from minigrad.device import CPU, CUDA_MISSING, device
from minigrad.errors import MinigradTypeError, MinigradValueError, runtime, warn_once
from minigrad.grad_mode import INFERENCE_REQUIRES_GRAD, INFERENCE_TENSORS, _state, is_inference
from minigrad.methods import TensorMethods
from minigrad.methods_extra import ExtraMethods
from minigrad.missing import missing_attribute
from minigrad.node import Node, RemovableHandle, accumulator
from minigrad.printing import format_tensor
from minigrad.shapes import normalize_dim


class Size(tuple):
    """A tensor's shape: a tuple that prints as `torch.Size([2, 3])`."""

    # type(x.shape) prints <class 'torch.Size'>, as in PyTorch; pickling goes by _rebuild_size
    __module__ = "torch"

    def __reduce__(self) -> Any:
        return (_rebuild_size, (tuple(self),))

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds."""
        return int(np.prod(self, dtype=np.int64))

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(map(str, self))}])"


class VersionCounter(list):
    """A tensor's version: a one-element list shared with its views, printed as the number.

    PyTorch's `x._version` is an int; this compares and prints as one (`x._version == 1`).
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(self[0])

    def __eq__(self, other: object) -> bool:
        return self[0] == (other[0] if isinstance(other, list) else other)

    def __hash__(self) -> int:  # type: ignore[override]
        return id(self)

    def __int__(self) -> int:
        return int(self[0])

    __index__ = __int__


NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If "
    "you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. "
    "See github.com/pytorch/pytorch/pull/30531 for more information."
)
SCALAR_WARNING = (
    "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
    "Consider using tensor.detach() first."
)


class Tensor(TensorMethods, ExtraMethods):
    """An n-dimensional array that can record the operations made on it, as `torch.Tensor`.

    `Tensor(data)` is PyTorch's legacy constructor: it always makes the default float dtype.
    Prefer `minigrad.tensor(data)`, which infers the dtype. `Tensor(2, 3)` makes a 2x3 tensor
    of zeros (PyTorch leaves it uninitialised).
    """

    # type(x) prints <class 'torch.Tensor'>, as in PyTorch; pickling goes by _rebuild
    __module__ = "torch"

    __slots__ = (
        "_data",
        "grad_fn",
        "_requires_grad",
        "_grad",
        "_vc",
        "_acc",
        "_hooks",
        "_retains_grad",
        "_base",
        "__weakref__",
    )
    __hash__ = object.__hash__  # type: ignore[assignment]
    _data: np.ndarray
    grad_fn: Node | None
    _requires_grad: bool
    _grad: Tensor | None
    _vc: VersionCounter | None
    _acc: Any
    _hooks: list[Any] | None
    _retains_grad: bool
    _base: Tensor | None

    def __new__(cls, *args: Any) -> Tensor:
        from minigrad.legacy import legacy_new  # data or sizes, with PyTorch's errors

        t = legacy_new(dtypes.get_default_dtype(), args, strict=False)
        return t if cls is Tensor else cls._make(t._data)

    @classmethod
    def _make(cls, arr: np.ndarray, node: Node | None = None) -> Tensor:
        """Wrap a numpy array without copying; `node` becomes grad_fn."""
        t = object.__new__(cls)
        t._data = arr
        t.grad_fn = node
        t._requires_grad = node is not None
        t._grad = t._acc = t._hooks = t._base = None
        t._vc = None  # made on first use: most tensors are never saved, viewed or changed in place
        t._retains_grad = False
        if _state.inference:
            INFERENCE_TENSORS.add(t)
        return t

    # --- data -------------------------------------------------------------------------------
    @property
    def dtype(self) -> dtypes.dtype:
        """The element type (`minigrad.float32`)."""
        return dtypes.from_numpy(self._data.dtype)

    @property
    def shape(self) -> Size:
        """The size of each dimension, a `minigrad.Size`."""
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        """The shape, or the size of one dimension.

        Args:
            dim: a dimension (negative counts from the end), or None for the whole shape.
        """
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._dim(dim)]

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    def dim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    def numel(self) -> int:
        """The number of elements."""
        return int(self._data.size)

    def is_floating_point(self) -> bool:
        """True for float dtypes."""
        return self._data.dtype.kind == "f"

    @property
    def data(self) -> Tensor:
        """The same values, detached, sharing memory but NOT the version counter (as PyTorch)."""
        return Tensor._make(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data

    @property
    def device(self) -> device:
        """Always the CPU: `device(type='cpu')`."""
        return CPU

    @property
    def is_cuda(self) -> bool:
        """False: minigrad tensors live on the CPU."""
        return False

    def cuda(self, device: Any = None, non_blocking: bool = False) -> Tensor:
        """PyTorch's CPU-build error: `AssertionError: Torch not compiled with CUDA enabled`.

        Args:
            device: ignored.
            non_blocking: ignored.
        """
        raise AssertionError(CUDA_MISSING)

    def __getattr__(self, name: str) -> Any:
        # only reached when normal look-up fails: no cost on the hot path
        raise missing_attribute(name)

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The values as a numpy array that shares memory with this tensor (`force=True`:
        even when it requires grad, as `detach().numpy()`)."""
        if not force and self.requires_grad and _state.enabled:  # PyTorch allows it under no_grad
            raise runtime(
                "numpy_requires_grad",
                "Can't call numpy() on Tensor that requires grad. "
                "Use tensor.detach().numpy() instead.",
                tensor=self,
            )
        return self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = self.numpy()  # np.asarray(t) refuses a tensor that requires grad, as PyTorch does
        return arr if dtype is None else arr.astype(dtype)

    def item(self) -> Any:
        """The single value as a Python number."""
        if self._data.size != 1:
            raise runtime(
                "item_multi",
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar",
                tensor=self,
            )
        return self._data.item()

    def tolist(self) -> Any:
        """The values as nested Python lists (a number for a 0-d tensor)."""
        return self._data.tolist()

    def _scalar(self, kind: type) -> Any:
        if self.requires_grad:
            warn_once(SCALAR_WARNING, stacklevel=3)  # TORCH_WARN_ONCE in PyTorch
        if self._data.size != 1:
            raise MinigradValueError("only one element tensors can be converted to Python scalars")
        return kind(self._data.item())

    def __float__(self) -> float:
        return self._scalar(float)

    def __int__(self) -> int:
        return self._scalar(int)

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise MinigradTypeError(
                "only integer tensors of a single element can be converted to an index"
            )
        return int(self._data.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            what = "more than one value" if self._data.size else "no values"
            raise runtime("bool_ambiguous", f"Boolean value of Tensor with {what} is ambiguous")
        return bool(self._data.item())

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise MinigradTypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise MinigradTypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        suffixes = []
        if self.grad_fn is not None:
            suffixes.append(f"grad_fn=<{self.grad_fn.name().rsplit('::', 1)[-1]}>")
        elif self.requires_grad:
            suffixes.append("requires_grad=True")
        return format_tensor(self._data, self.dtype, suffixes)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self._data.item().__format__(spec)
        return format(repr(self), spec)

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (_rebuild, (self._data, self._requires_grad))

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        if not self.is_leaf:
            raise runtime(
                "deepcopy_nonleaf",
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment.  If you were attempting to deepcopy a module, this may "
                "be because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001",
            )
        copy = type(self)._make(self._data.copy())
        copy._requires_grad = self._requires_grad
        if self._grad is not None:
            copy._grad = Tensor._make(self._grad._data.copy())
        memo[id(self)] = copy
        return copy

    # --- autograd state -----------------------------------------------------------------------
    def is_inference(self) -> bool:
        """True if this tensor was made inside `inference_mode()`."""
        return is_inference(self)

    def _is_view(self) -> bool:
        """True for a view that autograd tracks (its `_base` is the tensor it views)."""
        return self._base is not None

    @property
    def is_leaf(self) -> bool:
        """True unless the tensor was made by a recorded operation (it has no grad_fn)."""
        return self.grad_fn is None

    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded for backward.

        A view follows its base, as in PyTorch: a view made before its base was made to
        require grad, or made under no_grad, requires grad too (its ops are recorded, with no
        edge back to it: nothing accumulates)."""
        return self._requires_grad or (self._base is not None and self._base._requires_grad)

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if flag and self.grad_fn is None and self._data.dtype.kind != "f":
            # the setter words it like the constructor, unlike requires_grad_()
            raise runtime(
                "requires_grad_int",
                "only Tensors of floating point and complex dtype can require gradients",
                tensor=self,
            )
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` in place on a leaf; returns self.

        Args:
            requires_grad: the new flag.
        """
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise runtime(
                "requires_grad_nonleaf",
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().",
                tensor=self,
            )
        if requires_grad and self._data.dtype.kind != "f":
            raise runtime(
                "requires_grad_int",
                "only Tensors of floating point dtype can require gradients",
                tensor=self,
            )
        if requires_grad and not _state.inference and is_inference(self):
            raise runtime("inference_requires_grad", INFERENCE_REQUIRES_GRAD, tensor=self)
        if requires_grad and not self._requires_grad and self._base is None:
            from minigrad.inplace import rebase_views

            self._requires_grad = True
            rebase_views(self, stale_only=True)  # views made before a change: as PyTorch
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by backward (None before; leaves and retain_grad only)."""
        if self._grad is None and self.grad_fn is not None and not self._retains_grad:
            # as PyTorch: no warning once a gradient is there (e.g. after backward(inputs=[t]))
            warnings.warn(NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise MinigradTypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value.shape != self.shape:
                raise runtime(
                    "grad_assign_shape",
                    f"attempting to assign a gradient of size '{_dims(value.shape)}' to a tensor "
                    f"of size '{_dims(self.shape)}'. Please ensure that the gradient and the "
                    "tensor are the same size",
                )
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def retains_grad(self) -> bool:
        """True after `retain_grad()` on a non-leaf."""
        return self._retains_grad

    @property
    def _version(self) -> VersionCounter:
        """How many times the data was changed in place (shared with views), as PyTorch's."""
        counter = self._vc
        if counter is None:
            counter = self._vc = VersionCounter((0,))
        return counter

    @_version.setter
    def _version(self, counter: VersionCounter) -> None:
        self._vc = counter

    def retain_grad(self) -> None:
        """Keep `.grad` for this non-leaf tensor during backward (a no-op on leaves)."""
        if self.grad_fn is None:
            if not self.requires_grad:
                raise runtime(
                    "retain_grad_no_grad",
                    "can't retain_grad on Tensor that has requires_grad=False",
                )
            return
        if self._retains_grad:
            return
        self._retains_grad = True
        ref = weakref.ref(self)

        def keep(grad: Tensor) -> None:
            # PyTorch's hook: a clone, then `grad + new`; both recorded under create_graph
            t = ref()
            if t is not None:
                t._grad = grad.clone() if t._grad is None else t._grad + grad

        self.grad_fn._hook_list("retain").append(keep)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call `hook(grad)` when this tensor's gradient is computed; it may return a new one.

        Args:
            hook: the function to call.
        """
        if not self.requires_grad:
            raise runtime(
                "hook_no_grad",
                "cannot register a hook on a tensor that doesn't require gradient",
            )
        if self.grad_fn is not None:
            hooks = self.grad_fn._hook_list("tensor")
        else:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        hooks.append(hook)
        return RemovableHandle(hooks, hook)

    def _accumulate(self, grad: Tensor) -> None:
        """Add `grad` into `.grad` (AccumulateGrad's work); in place unless building a graph."""
        for hook in self._hooks or ():
            new = hook(grad)
            if new is not None:
                grad = new
        if self._grad is None:
            self._grad = grad if _state.enabled else Tensor._make(grad._data.copy())
        elif _state.enabled or self._grad.requires_grad:
            self._grad = self._grad + grad
        else:
            self._grad._data += grad._data
            self._grad._version[0] += 1

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Any = None,
    ) -> None:
        """Compute the gradient of this tensor w.r.t. the graph leaves, into their `.grad`.

        Args:
            gradient: d(something)/d(self); may be omitted only when self has one element.
            retain_graph: keep saved tensors for another backward (defaults to create_graph).
            create_graph: record the backward pass too, for higher-order gradients.
            inputs: accumulate only into these tensors.
        """
        __tracebackhide__ = True  # IPython shows the user's line, not ours
        from minigrad.autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> Tensor:
        """The same data (shared memory and version counter), cut off from the graph."""
        t = Tensor._make(self._data)
        t._version = self._version
        if self._requires_grad:  # an in-place change through t regenerates self's views
            from minigrad import views

            views.detached(t, self)
        return t

    def detach_(self) -> Tensor:
        """Cut this tensor off from the graph, in place: it becomes a leaf."""
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def _edge(self) -> tuple[Node | None, int]:
        return edge_of(self)

    def _dim(self, dim: int) -> int:
        """Normalise a possibly negative dimension, with PyTorch's IndexError."""
        return normalize_dim(dim, self._data.ndim)


def _rebuild(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._make(arr)
    t._requires_grad = requires_grad
    return t


def _dims(shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, shape)) + "]"


def tensor_of(value: Any) -> Tensor:
    """`value` itself if it is a Tensor, else a Tensor around it as a numpy array (no grad)."""
    return value if isinstance(value, Tensor) else Tensor._make(np.asarray(value))


NO_EDGE: tuple[None, int] = (None, 0)  # the `next_functions` entry of an input without grad


def edge_of(value: Any) -> tuple[Node | None, int]:
    """The `next_functions` entry for an input: its grad_fn, its AccumulateGrad, or NO_EDGE."""
    if isinstance(value, Tensor):
        if value.grad_fn is not None:
            return (value.grad_fn, 0)
        if value._requires_grad:
            return (accumulator(value), 0)
    return NO_EDGE


def is_tensor(obj: Any) -> bool:
    """True if `obj` is a minigrad Tensor."""
    return isinstance(obj, Tensor)


def _rebuild_size(dims: tuple[int, ...]) -> Size:
    return Size(dims)
