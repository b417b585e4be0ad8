"""In-place ops (`x.add_(y)`, `x[i] = v`): run the op, write into the tensor, rebase its history.

PyTorch's rules: a leaf that requires grad (or a view of one) refuses in-place ops; the result
must keep the tensor's shape and be castable to its dtype; the version counter goes up, so a
node that saved the old values fails in backward.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from minigrad import views
from minigrad.dispatch import OpDef, OpNode
from minigrad.errors import runtime
from minigrad.grad_mode import (
    INFERENCE_INPLACE,
    NO_GRAD_VIEW_INPLACE,
    NO_GRAD_VIEWS,
    _state,
    is_inference,
)
from minigrad.node import BACKWARD_TWICE, Node, accumulator, forward_op_name
from minigrad.tensor import NO_EDGE, Tensor


def inplace(op: OpDef, t: Tensor, *args: Any, **attrs: Any) -> Tensor:
    """Run `op` and write its result into `t` (PyTorch's `x.op_()`), rebasing t's history."""
    check_inference(t)
    if _state.enabled:
        check_inplace(t, args)
    check_overlap(t)  # TensorIterator checks memory overlaps before shapes and dtypes
    if op.name not in OVERLAP_CHECKED:
        for a in (*args, *attrs.values()):  # clamp_'s bounds are attributes
            check_no_overlap(t, a)
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
    # an expanded array without overlap (np.broadcast_to of a 0-d one) is read-only in numpy
    np.copyto(views.writable(t._data), result._data, casting="unsafe")
    t._version[0] += 1
    if node is not None:
        base = t._base
        index = None if base is None else views.positions(t._data, base._data)
        if base is not None and index is not None:
            _copy_slices(base, node, index)  # the base takes the history; t is rebased below
        else:
            _set_history(t, node)
        node._out_ref = weakref.ref(t)
        if isinstance(node, OpNode) and node._ctx.out is not None:
            node._ctx.out = t._data
            node._out_counter, node._out_version = t._version, t._version[0]
    rebase_views(t._base if t._base is not None else t)
    return t


def _set_history(t: Tensor, node: Node) -> None:
    """Make `node` t's grad_fn; retain_grad follows the new version, as in PyTorch."""
    old = t.grad_fn
    if t._retains_grad and old is not None and old._hooks and old._hooks.get("retain"):
        node._hook_list("retain").extend(old._hooks.pop("retain"))
    t.grad_fn = node
    t._requires_grad = True


def _copy_slices(base: Tensor, fn: Node, index: np.ndarray) -> None:
    """A view of `base` changed in place by `fn`'s op: base's history becomes CopySlices."""
    edge = (base.grad_fn, 0) if base.grad_fn is not None else NO_EDGE
    if base.grad_fn is None and base._requires_grad:
        edge = (accumulator(base), 0)
    node = CopySlices((edge,) + tuple(fn.next_functions[1:]))
    node._fn, node._index, node._shape = fn, index, tuple(base._data.shape)
    node._freed = False
    _set_history(base, node)
    node._out_ref = weakref.ref(base)


# nodes of functions that return several views (split, chunk): never rebased
MULTI_VIEW_NODES = frozenset({"SplitBackward0", "SplitWithSizesBackward0"})


def rebase_views(base: Tensor, stale_only: bool = False) -> None:
    """After an in-place change: each live view of a base that requires grad is
    AsStridedBackward0 of it (of its AccumulateGrad for a leaf, as PyTorch regenerates views of
    a leaf changed under no_grad or through `leaf.detach()`).

    PyTorch regenerates a view's grad_fn when it is next read; minigrad does it at once (the
    same names and gradients). `stale_only`: only views whose history predates the last change
    (a base changed without grad, then made to require grad).
    """
    base = views.origin(base)  # `leaf.detach()` shares the leaf's memory and its views
    if not base._requires_grad:
        return
    for v in views.live(base, stale=stale_only):
        if v.grad_fn is not None and v.grad_fn.name() in MULTI_VIEW_NODES:
            continue  # PyTorch does not regenerate these: their backward raises its error
        index = views.positions(v._data, base._data)
        if index is not None:
            edge = base.grad_fn if base.grad_fn is not None else accumulator(base)
            node = AsStridedBackward0(((edge, 0),))
            node._index, node._shape = index, tuple(base._data.shape)
            node._out_ref = weakref.ref(v)
            _set_history(v, node)  # a retained grad follows the view to its new node
    views.regenerated(base)


class AsStridedBackward0(Node):
    """A view regenerated from its base after an in-place change (PyTorch's name).

    d/dbase view = the view's gradient put back at the view's positions in the base (summed
    where the view repeats an element).
    """

    __slots__ = ("_index", "_shape")
    takes_arrays = True
    _index: np.ndarray
    _shape: tuple[int, ...]

    def apply(self, grad: Any) -> tuple[Any, ...]:
        """The base's gradient: zeros, plus `grad` at the view's positions."""
        from minigrad import ops

        size = int(np.prod(self._shape, dtype=np.int64))
        zeros = ops.const(
            np.zeros(size, grad.dtype if isinstance(grad, np.ndarray) else grad._data.dtype), grad
        )
        flat = ops.index_put(zeros, grad, key=(self._index,), accumulate=True)
        return (flat.reshape(self._shape),)


class CopySlices(Node):
    """The base's node after an in-place op on one of its views (PyTorch's C++ node).

    Backward: the base's gradient passes through outside the view; inside, the in-place op's
    own node `_fn` turns the view's part into its inputs' gradients (the view's goes back to
    the base's old history, the other inputs' to theirs).
    """

    __slots__ = ("_fn", "_freed", "_index", "_shape")
    takes_arrays = True
    _fn: Node
    _index: np.ndarray
    _shape: tuple[int, ...]
    _freed: bool

    def name(self) -> str:
        """`torch::autograd::CopySlices`, as PyTorch spells its C++ node's name."""
        return "torch::autograd::CopySlices"

    def apply(self, grad: Any) -> tuple[Any, ...]:
        """The base's gradient and the gradients of the in-place op's other inputs."""
        from minigrad import ops

        if self._freed:
            raise runtime("backward_twice", BACKWARD_TWICE, node=self)
        flat = grad.reshape(-1)
        grads = self._fn.apply(ops.index(flat, key=(self._index,)))
        part = 0.0 if grads[0] is None else grads[0]
        whole = ops.index_put(flat, part, key=(self._index,), accumulate=False)
        return (whole.reshape(self._shape), *grads[1:])

    def release(self) -> None:
        """Free what the in-place op's node saved; PyTorch drops the node itself, so a second
        backward fails here even when that node saved nothing (`view.add_(1)`)."""
        self._fn.release()
        self._freed = True


OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation."
)


# ops inplace() does not check for overlap: fill_ and masked_fill_ take their tensor as a
# number (PyTorch calls value.item()); setitem and Tensor.copy_ check the value they were given
# (index_put_ refuses any overlap) before it is viewed or expanded into the op's argument
OVERLAP_CHECKED = frozenset(
    {"fill_tensor", "masked_fill_tensor", "copy_slices", "index_put_", "copy_"}
)
PARTIAL_OVERLAP = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer "
    "to a single memory location. Please clone() the tensor before performing the operation."
)


def check_no_overlap(
    t: Tensor, source: Any, partial_only: bool = True, target: np.ndarray | None = None
) -> None:
    """PyTorch's error when an in-place op reads a tensor that shares some of the memory it
    writes (assert_no_partial_overlap; index_put_ refuses any overlap, assert_no_overlap).
    `target`: the part of t written (a setitem's `t[key]`), default all of t."""
    if isinstance(source, Tensor) and source is not t:
        status = views.overlap(t._data if target is None else target, source._data)
        if status == "partial" or (status == "full" and not partial_only):
            raise runtime("partial_overlap", PARTIAL_OVERLAP, tensor=t)


def check_overlap(t: Tensor) -> None:
    """PyTorch's error for writing into an expanded tensor (elements sharing memory)."""
    if not t._data.flags.writeable and views.overlaps(t._data):
        raise runtime("internal_overlap", OVERLAP, tensor=t)


def check_inplace(t: Tensor, others: tuple[Any, ...] = ()) -> None:
    """PyTorch's errors for an in-place op (with grad enabled) that would be recorded: on a
    view made under no_grad, on a leaf that requires grad, or on a view of a leaf.

    As torch's check_inplace: a view made under no_grad is named first; then a view that
    requires grad, of a leaf (even a view made a leaf itself by requires_grad_()); then a leaf
    that requires grad. `others` are the op's other arguments."""
    base = t._base
    if base is not None:
        if NO_GRAD_VIEWS and t in NO_GRAD_VIEWS:
            needs = t.requires_grad or any(
                isinstance(a, Tensor) and a.requires_grad for a in others
            )
            if needs:
                raise no_grad_view_error(t)
        if t.requires_grad and base.grad_fn is None:
            raise runtime(
                "inplace_leaf_view",
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation.",
                tensor=t,
            )
    if t.grad_fn is None and t._requires_grad:
        raise runtime(
            "inplace_leaf",
            "a leaf Variable that requires grad is being used in an in-place operation.",
            tensor=t,
        )


def no_grad_view_error(t: Tensor, view_op: str | None = None) -> Exception:
    """PyTorch's error for changing in place, with grad, a view made under no_grad (or a view
    of one: that names the op that made it, or `view_op`, the view a setitem writes through)."""
    if view_op is None and t.grad_fn is not None:
        view_op = forward_op_name(t.grad_fn)
    if view_op is None:
        where = "A view was created in"
    else:
        where = f"Output 0 of {view_op} is a view of a view which was created in"
    return runtime("inplace_no_grad_view", NO_GRAD_VIEW_INPLACE.format(where), tensor=t)


def check_inference(t: Tensor) -> None:
    """PyTorch's error for an in-place change of an inference tensor outside inference_mode."""
    if not _state.inference and is_inference(t):
        raise runtime("inference_inplace", INFERENCE_INPLACE, tensor=t)


def _type_word(t: Tensor) -> str:
    return {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int"}.get(
        t.dtype.name, t.dtype.name.title()
    )
