"""The dispatcher: `OpDef` (one row of the op table) and how a row runs and records a node.

`ops.py` holds the rows; this module holds the machinery every row shares: dtype promotion,
numpy errors turned into PyTorch's messages, node creation, saved tensors and their version
checks, and undoing broadcasting (`sum_to_shape`) once for every op. In-place updates
(`x.add_(y)`) are in `inplace.py`.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad import dtypes, views
from minigrad.errors import MinigradError, runtime
from minigrad.grad_mode import INFERENCE_SAVED, INFERENCE_TENSORS, NO_GRAD_VIEWS, _state
from minigrad.node import BACKWARD_TWICE, Node, accumulator, modified_message
from minigrad.shapes import broadcast_message
from minigrad.tensor import NO_EDGE, Size, Tensor, VersionCounter

OPS: dict[str, OpDef] = {}
# one function returning a gradient per input, or one function per input (derivatives.yaml)
Backward = Callable[..., Any] | tuple[Callable[..., Any], ...]
_NUMBER = (int, float, bool, np.number, np.bool_)


class Meta:
    """Stands in for an input whose values the node did not save: only shape and dtype.

    One shared, read-only instance per (shape, dtype): see `meta_of`.
    """

    __slots__ = ("shape", "dtype", "ndim")

    def __init__(self, shape: tuple[int, ...], np_dtype: np.dtype) -> None:
        self.shape = Size(shape)
        self.dtype = dtypes.from_numpy(np_dtype)
        self.ndim = len(shape)


@functools.lru_cache(maxsize=4096)
def _shared_meta(shape: tuple[int, ...], np_dtype: np.dtype) -> Meta:
    return Meta(shape, np_dtype)


def meta_of(t: Tensor) -> Meta:
    """The Meta for `t`'s shape and dtype (shared: a graph node allocates none of its own)."""
    arr = t._data
    return _shared_meta(arr.shape, arr.dtype)


class OpDef:
    """One row of the op table: forward, backward, node name and the rule in words.

    Args:
        name: PyTorch's function name (`mul`).
        forward: numpy forward, `(*arrays, **attrs) -> array`.
        backward: `(g, out, *inputs, **attrs) -> one gradient or None per input` (see ops.py).
        node: the backward node's class name (default `<Name>Backward0`).
        rule: the backward rule in words, shown when stepping through backward.
        saves: one letter per input: S saved, O saved if another input requires grad, - never.
        saves_out: the output is saved (e.g. exp, tanh reuse it).
        float_op: integer inputs are promoted to the default float dtype first (div, exp, ...).
        view: the output shares memory and version counter with the first input.
        quiet: kept for the rows that still pass it; every forward now runs with numpy's
            floating point warnings off (PyTorch gives inf/nan silently), see `_QUIET`.
        saves_attrs: the node keeps non-tensor state (indices, a condition) that PyTorch saves
            and frees, so a second backward fails there too.
        arg_names: PyTorch's names of the inputs (default `self`, `other`): they name the saved
            tensors (`_saved_other`), and a node computes its inputs' gradients in the sorted
            order of these names, as PyTorch's generated nodes do (torchgen sorts the keys of
            derivatives.yaml), which shows in the nodes that create_graph records.
    """

    def __init__(
        self,
        name: str,
        forward: Callable[..., Any],
        backward: Backward,
        *,
        node: str | None = None,
        rule: str = "",
        saves: str = "",
        saves_out: bool = False,
        float_op: bool = False,
        view: bool = False,
        quiet: bool = False,
        saves_attrs: bool = False,
        arg_names: tuple[str, ...] = (),
    ) -> None:
        self.name, self.forward, self.backward, self.rule = name, forward, backward, rule
        self.saves, self.saves_out, self.float_op = saves, saves_out, float_op
        self.view, self.quiet = view, quiet
        self.may_save = saves_out or saves_attrs or any(c in "SO" for c in saves)
        self.codes = saves or "-"  # the last code stands for any further inputs (cat, stack)
        self.arg_names = arg_names
        names = arg_names or _input_names(len(backward) if isinstance(backward, tuple) else 0)
        self.grad_order = tuple(sorted(range(len(names)), key=names.__getitem__))
        node_name = node or "".join(p.title() for p in name.strip("_").split("_")) + "Backward0"
        self.node_cls: type[OpNode] = type(node_name, (OpNode,), {"__slots__": (), "op": self})

    def __call__(self, *args: Any, **attrs: Any) -> Any:
        """Run the op on tensors (and Python numbers); record a node when grad is needed.

        With numpy arrays and no Tensor among `args` (as backward rules run during a plain
        backward), this is just the numpy forward: no Tensor, no node, no dtype rules.
        """
        if not isinstance(args[0], Tensor) and _numpy_only(args):
            return self.forward(*args, **attrs)
        arrays, grad_in = _unwrap(self, args)
        if arrays is None:  # Python numbers only: the result is still a Tensor
            arrays = list(args)
        token = _QUIET_VAR.set(_QUIET) if _QUIET_VAR is not None else _enter_quiet()
        try:
            out = self.forward(*arrays, **attrs) if attrs else self.forward(*arrays)
        except MinigradError:
            raise
        except (ValueError, IndexError, TypeError) as exc:
            raise numpy_error(self, args, exc) from None
        finally:
            if _QUIET_VAR is not None:
                _QUIET_VAR.reset(token)
            else:
                token.__exit__(None, None, None)
        if type(out) is not np.ndarray:
            out = np.asarray(out)
        if grad_in and _state.enabled:
            return _record(self, args, attrs, out)
        result = Tensor._make(out)
        if self.view and isinstance(args[0], Tensor):
            result._version = args[0]._version
            base = args[0]._base if args[0]._base is not None else args[0]
            result._base = base
            if _state.enabled:  # a later in-place op with grad rebases it (see inplace.py)
                views.track(result, base)
            if not _state.enabled or (NO_GRAD_VIEWS and args[0] in NO_GRAD_VIEWS):
                NO_GRAD_VIEWS.add(result)  # PyTorch forbids changing it in place with grad
        return result

    def __repr__(self) -> str:
        return f"<op {self.name}: {self.node_cls.__name__}>"


def _quiet_state() -> tuple[Any, Any]:
    """numpy's error-state context variable and an "ignore all" value for it (numpy >= 2).

    Setting the variable directly costs a fraction of `np.errstate`, whose `__enter__` builds
    a new state object every time; a forward runs for every op, so this is the hot path.
    (None, None) on numpy 1.x, where `np.errstate` is used instead.
    """
    try:
        from numpy._core._ufunc_config import _extobj_contextvar  # type: ignore[attr-defined]
        from numpy._core.umath import _make_extobj
    except ImportError:
        return None, None
    return _extobj_contextvar, _make_extobj(all="ignore")


# No numpy RuntimeWarning ("overflow encountered in multiply", "divide by zero encountered in
# log") reaches a student: PyTorch computes inf and nan silently, so every forward runs quietly.
_QUIET_VAR, _QUIET = _quiet_state()


def _enter_quiet() -> Any:
    """numpy 1.x: an entered `np.errstate(all="ignore")`."""
    state = np.errstate(all="ignore")
    state.__enter__()
    return state


def defop(name: str, forward: Callable[..., Any], backward: Backward, **kw: Any) -> OpDef:
    """Declare an op once: add its row to OPS and return it (callable like a function)."""
    row = OpDef(name, forward, backward, **kw)
    OPS[name] = row
    return row


def _numpy_only(args: tuple[Any, ...]) -> bool:
    """True when no argument is a Tensor and some argument is a numpy array or scalar."""
    arrays = False
    for a in args:
        if isinstance(a, Tensor):
            return False
        if isinstance(a, (np.ndarray, np.generic)):
            arrays = True
    return arrays


def _unwrap(op: OpDef, args: tuple[Any, ...]) -> tuple[list[Any] | None, bool]:
    """The numpy arguments, cast to PyTorch's result dtype where numpy's would differ, and
    whether any Tensor argument requires grad. `(None, False)` when no argument is a Tensor."""
    arrays: list[Any] = []
    first: np.dtype | None = None
    mixed = grad_in = False
    for a in args:
        if isinstance(a, Tensor):
            arr = a._data
            if first is None:
                first = arr.dtype
            elif arr.dtype != first:
                mixed = True
            if a._requires_grad or (a._base is not None and a._base._requires_grad):
                grad_in = True  # a view of a base that requires grad: recorded, with no edge
            arrays.append(arr)
        else:
            if first is not None and isinstance(a, (float, np.floating)) and first.kind != "f":
                mixed = True
            arrays.append(a)
    if first is None:
        return None, False
    if mixed or (op.float_op and first.kind != "f"):
        target = _promoted(args).np_type
        if op.float_op and target.kind != "f":
            target = dtypes.get_default_dtype().np_type
        arrays = [
            a.astype(target) if isinstance(a, np.ndarray) and a.dtype != target else a
            for a in arrays
        ]
    return arrays, grad_in


def _promoted(args: tuple[Any, ...]) -> dtypes.dtype:
    dims: list[dtypes.dtype] = []
    zeros: list[dtypes.dtype] = []
    scalars: list[object] = []
    for a in args:
        if isinstance(a, Tensor):
            (dims if a._data.ndim else zeros).append(a.dtype)
        elif isinstance(a, _NUMBER):
            scalars.append(a)
    return dtypes.result_type(dims, zeros, scalars)


def _record(op: OpDef, args: tuple[Any, ...], attrs: dict[str, Any], out: np.ndarray) -> Tensor:
    """Make the node for one op call and the output tensor that points to it."""
    edges: list[tuple[Node | None, int]] = []
    needing = 0  # how many inputs require grad
    for a in args:
        if isinstance(a, Tensor) and a._requires_grad:
            edges.append((a.grad_fn if a.grad_fn is not None else accumulator(a), 0))
            needing += 1
        else:
            edges.append(NO_EDGE)
    node = op.node_cls(tuple(edges))
    inputs: list[Any] = []
    versions: list[int | None] = []  # the version of each saved tensor, None for the others
    saves = False
    codes = op.codes
    for i, a in enumerate(args):
        if isinstance(a, np.ndarray):  # a constant inside a rule run on Tensors
            a = Tensor._make(a)
        elif not isinstance(a, Tensor):
            inputs.append(a)
            versions.append(None)
            continue
        code = codes[i] if i < len(codes) else codes[-1]
        # "S": always saved; "O": saved if another input requires grad
        if code == "S" or (code == "O" and needing > (edges[i] is not NO_EDGE)):
            if INFERENCE_TENSORS and a in INFERENCE_TENSORS:
                raise runtime("inference_saved", INFERENCE_SAVED, tensor=a, op=op.name)
            inputs.append(a)
            versions.append(a._version[0])
            saves = True
        else:
            arr = a._data
            inputs.append(_shared_meta(arr.shape, arr.dtype))
            versions.append(None)
    # the versions of saved tensors; () when only attributes or the output are kept
    saved = tuple(versions) if saves else () if op.may_save else None
    node._ctx = BackwardState(tuple(inputs), attrs, saved, out if op.saves_out else None)
    result = Tensor._make(out, node)
    if op.view:
        result._version = args[0]._version
        base = args[0]._base if args[0]._base is not None else args[0]
        result._base = base
        views.track(result, base)  # PyTorch rebases views when their base changes in place
        if NO_GRAD_VIEWS and args[0] in NO_GRAD_VIEWS:
            NO_GRAD_VIEWS.add(result)  # a view of a view made under no_grad
    if op.saves_out:
        node._out_counter = counter = result._version
        node._out_version = counter[0]
    node._out_ref = weakref.ref(result)
    return result


class BackwardState:
    """What one node keeps for backward: its inputs, attributes, saved versions and output.

    `inputs` holds each input (a saved Tensor, a `Meta` with only shape and dtype, or a
    number); `versions` is None when the node saved nothing, `()` when it kept only attributes
    or the output, else the saved version of each input (None where not saved); `out` is the
    output's array when the rule reuses it; `freed` turns True when release() has run.
    """

    __slots__ = ("attrs", "freed", "inputs", "out", "versions")

    def __init__(
        self,
        inputs: tuple[Any, ...],
        attrs: dict[str, Any],
        versions: tuple[int | None, ...] | None,
        out: Any,
    ) -> None:
        """Args: the fields above (`freed` starts False)."""
        self.inputs = inputs
        self.attrs = attrs
        self.versions = versions
        self.out = out
        self.freed = False


class OpNode(Node):
    """The backward node of one op-table row; its class name is PyTorch's (`MulBackward0`).

    What backward needs is one record, `_ctx` (a `BackwardState`), read in one attribute
    access: each row's node is its own class, so every attribute access on a node is a slow,
    uncached look-up for the interpreter, while the record's slots are one class's.
    """

    __slots__ = ("_ctx", "_out_counter", "_out_version")
    takes_arrays = True  # apply() accepts a numpy gradient (see Node.takes_arrays)
    _ctx: BackwardState
    _out_counter: VersionCounter
    _out_version: int
    op: OpDef

    @property
    def _inputs(self) -> tuple[Any, ...]:
        return self._ctx.inputs

    @property
    def _freed(self) -> bool:
        return self._ctx.freed

    def apply(self, grad: Any) -> tuple[Any, ...]:
        """Check saved tensors, run the row's rule, then fit each gradient to its input.

        `grad` is a numpy array during a plain backward: the rule then runs on the saved
        arrays and makes no Tensor. With a Tensor `grad` (create_graph, the stepper) the rule
        runs on Tensors, so its operations are recorded when grad mode is on.
        """
        state = self._ctx
        inputs, attrs, saved, result = state.inputs, state.attrs, state.versions, state.out
        if saved is not None:
            self._check_saved(state)
        tensors = isinstance(grad, Tensor)
        if tensors:
            if result is not None:
                result = Tensor._make(result, self if _state.enabled else None)
            args = inputs
        elif saved:  # the rule reads the saved tensors' arrays
            args = tuple([x._data if isinstance(x, Tensor) else x for x in inputs])
        else:
            args = inputs
        rule = self.op.backward
        if tensors and isinstance(rule, tuple):  # the formulas' order shows in recorded nodes
            return self._in_order(rule, grad, result, args, attrs)
        grads: list[Any] = []
        if isinstance(rule, tuple):  # one formula per input: run only those that are needed
            for f, inp, (child, _) in zip(rule, inputs, self.next_functions):
                if child is None:
                    grads.append(None)
                    continue
                g = f(grad, result, *args, **attrs) if attrs else f(grad, result, *args)
                grads.append(None if g is None else fit(g, inp))
        else:
            for g, inp, (child, _) in zip(
                rule(grad, result, *args, **attrs), inputs, self.next_functions
            ):
                grads.append(None if g is None or child is None else fit(g, inp))
        return tuple(grads)

    def _in_order(
        self, rule: tuple[Any, ...], grad: Tensor, result: Any, args: tuple[Any, ...], attrs: Any
    ) -> tuple[Any, ...]:
        """Run the needed formulas in PyTorch's order (see OpDef's `arg_names`), then fit each
        gradient to its input in input order, as PyTorch's engine does once a node returns."""
        found: list[Any] = [None] * len(rule)
        edges = self.next_functions
        for i in self.op.grad_order:
            if edges[i][0] is not None:
                found[i] = rule[i](grad, result, *args, **attrs)
        return tuple([None if g is None else fit(g, x) for g, x in zip(found, self._ctx.inputs)])

    def _check_saved(self, state: BackwardState) -> None:
        """PyTorch's errors for a node already freed, or a saved tensor changed in place."""
        if state.freed:
            raise runtime("backward_twice", BACKWARD_TWICE, node=self)
        out = state.out
        for t, expected in zip(state.inputs, state.versions or ()):
            if expected is not None and t._version[0] != expected:
                raise _modified(t, expected, t.grad_fn)
        if out is not None and self._out_counter[0] != self._out_version:
            was = Tensor._make(out)
            was._version = self._out_counter  # its current version, as PyTorch reports it
            raise _modified(was, self._out_version, self)

    def release(self) -> None:
        """Free saved tensors; a later backward through this node raises PyTorch's error."""
        state = self._ctx
        if state.versions is not None and not state.freed:
            if state.versions:
                state.inputs = tuple(
                    [meta_of(a) if isinstance(a, Tensor) else a for a in state.inputs]
                )
            state.freed, state.out = True, None

    def saved_values(self) -> dict[str, Any]:
        """What this node saved, by PyTorch's names (`self`, `other`, `result`)."""
        state = self._ctx
        inputs, attrs, out = state.inputs, state.attrs, state.out
        names = self.op.arg_names or _input_names(len(inputs))
        found: dict[str, Any] = {
            n: v for n, v in zip(names, inputs) if isinstance(v, (Tensor, int, float))
        }
        if out is not None:
            found["result"] = Tensor._make(out, self)  # the output, as in PyTorch
        found.update((k, v) for k, v in attrs.items() if isinstance(v, (int, float, tuple)))
        return found

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_saved_"):
            if self._freed:
                raise runtime("backward_twice", BACKWARD_TWICE, node=self)
            values = self.saved_values()
            if name[7:] in values:
                return values[name[7:]]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {"_saved_" + k for k in self.saved_values()})


def _input_names(n: int) -> tuple[str, ...]:
    return (
        ("self",)
        if n == 1
        else ("self", "other")
        if n == 2
        else tuple(f"input{i}" for i in range(n))
    )


def _modified(t: Tensor, expected: int, grad_fn: Node | None) -> MinigradError:
    """PyTorch's error for a saved tensor changed in place since the forward pass."""
    return runtime(
        "modified_saved",
        modified_message(t, expected, grad_fn),
        tensor=t,
        node=grad_fn,
    )


def fit(g: Any, inp: Any) -> Any:
    """Undo broadcasting (sum over broadcast dims) and cast to the input's dtype.

    `g` is a numpy array (a plain backward) or a Tensor (create_graph); so is the result.
    """
    # a Tensor's numpy shape and dtype: its .shape and .dtype would build new objects each call
    if isinstance(inp, Tensor):
        shape, np_type = inp._data.shape, inp._data.dtype
    else:  # a Meta
        shape, np_type = inp.shape, inp.dtype.np_type
    if isinstance(g, Tensor):
        if g._data.shape != shape:  # a Size or a tuple: both compare as tuples
            g = sum_to_shape(g, tuple(shape))
        if g._data.dtype != np_type:
            g = g.to(dtypes.from_numpy(np_type))
        return g
    if g.shape != shape:
        g = sum_to_shape(g, tuple(shape))
    return g if g.dtype == np_type else g.astype(np_type)


def sum_to_shape(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum `g` (a Tensor or an array) over the dimensions that broadcasting added or stretched."""
    if not shape:  # PyTorch's sum_to: a 0-d target is a full sum (SumBackward0)
        return g.sum() if isinstance(g, Tensor) else np.asarray(g.sum())
    lead = g.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
    )
    if dims:
        g = g.sum(dim=dims, keepdim=True) if isinstance(g, Tensor) else g.sum(dims, keepdims=True)
    return g.reshape(shape) if lead or tuple(g.shape) != shape else g


def numpy_error(op: OpDef, args: tuple[Any, ...], exc: Exception) -> MinigradError:
    """Turn a numpy exception inside a forward into a minigrad error with PyTorch's words."""
    shapes = [tuple(a.shape) for a in args if isinstance(a, Tensor)]
    if len(shapes) >= 2 and (message := broadcast_message(shapes)):
        return runtime("broadcast", message, op=op.name, shapes=shapes)
    return runtime("op_failed", f"{op.name}(): {exc}", op=op.name, shapes=shapes)
