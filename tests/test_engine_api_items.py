"""API items of issue 12, each checked against PyTorch 2.13 (run under both, compared).

Grad-mode decorators with and without parentheses, inference mode and inference tensors
(`is_inference()`, torch's errors), `torch.autograd.Variable`, `torch.Tensor([])`,
`set_default_dtype` errors, and anomaly detection (warning, error text, state on exit).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from typing import Any

import pytest

import minigrad

torch = pytest.importorskip("torch")


def observe(lib: Any, program: Callable[[Any], Any]) -> tuple[Any, list[str]]:
    """What `program(lib)` returns (or its error's class and text) and the warnings it gave."""
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        try:
            result = program(lib)
        except Exception as err:
            result = f"{type(err).__name__}: {err}"
    return result, [f"{w.category.__name__}: {str(w.message).splitlines()[0]}" for w in log]


def same(program: Callable[[Any], Any]) -> Any:
    """Run `program` under torch and minigrad; assert equal results and warnings."""
    ours, ref = observe(minigrad, program), observe(torch, program)
    assert ours == ref
    return ours[0]


def decorated(lib: Any, mode: Any) -> tuple[bool, str, bool]:
    """A function decorated by `mode` (a context manager class or an instance)."""

    @mode
    def double(x: Any) -> Any:
        """Doc."""
        return x * 2

    y = double(lib.ones(2, requires_grad=True))
    return y.requires_grad, double.__name__, y.is_inference()


@pytest.mark.parametrize("name", ["no_grad", "enable_grad", "inference_mode"])
def test_grad_mode_decorator_without_parentheses(name: str) -> None:
    assert same(lambda lib: decorated(lib, getattr(lib, name))) is not None
    if name == "enable_grad":  # inside no_grad it turns recording back on
        with torch.no_grad(), minigrad.no_grad():
            assert same(lambda lib: decorated(lib, lib.enable_grad))[0] is True


@pytest.mark.parametrize(
    "make", ["no_grad()", "enable_grad()", "inference_mode()", "inference_mode(False)"]
)
def test_grad_mode_decorator_with_parentheses(make: str) -> None:
    same(lambda lib: decorated(lib, eval(f"lib.{make}", {"lib": lib})))


def test_inference_mode_false_inside_inference_mode() -> None:
    def program(lib: Any) -> Any:
        x = lib.ones(2, requires_grad=True)
        with lib.inference_mode():
            with lib.inference_mode(False):
                inner = x * 2
                inner_state = (lib.is_inference_mode_enabled(), lib.is_grad_enabled())
            outer = x * 2
            outer_state = (lib.is_inference_mode_enabled(), lib.is_grad_enabled())
        flags = [(t.is_inference(), t.requires_grad) for t in (x, inner, outer)]
        return flags, inner_state, outer_state, lib.is_inference_mode_enabled()

    assert same(program)[0] == [(False, True), (False, True), (True, False)]


INFERENCE_ERRORS = [
    "q.add_(1)",  # in-place outside inference mode
    "q.requires_grad_()",
    "q * w",  # saved for backward by MulBackward0
    "(q * w).sum().backward()",
]


@pytest.mark.parametrize("code", INFERENCE_ERRORS)
def test_inference_tensor_errors(code: str) -> None:
    def program(lib: Any) -> Any:
        w = lib.ones(2, requires_grad=True)
        with lib.inference_mode():
            q = lib.ones(2)
        return repr(eval(code, {"q": q, "w": w}))

    starts = ("RuntimeError: Inference tensors", "RuntimeError: Inplace", "RuntimeError: Setting")
    assert same(program).startswith(starts)


def test_inference_tensor_changed_inside_inference_mode() -> None:
    def program(lib: Any) -> Any:
        with lib.inference_mode():
            q = lib.ones(2)
            q.add_(1)
        return q.tolist(), q.is_inference(), lib.ones(1).is_inference()

    same(program)


def test_variable_is_the_tensor_class() -> None:
    def program(lib: Any) -> Any:
        x = lib.ones(2, requires_grad=True)
        made = lib.autograd.Variable(lib.ones(2), requires_grad=True)
        kinds = (isinstance(x, lib.autograd.Variable), isinstance(lib.ones(1), lib.Tensor))
        return kinds, repr(made), made.requires_grad

    same(program)


def test_variable_of_a_list_is_a_type_error() -> None:
    assert same(lambda lib: lib.autograd.Variable([1, 2])).startswith("TypeError: ")


@pytest.mark.parametrize("code", ["lib.Tensor([])", "lib.Tensor()", "lib.Tensor([[]])"])
def test_legacy_tensor_constructor_of_nothing(code: str) -> None:
    same(lambda lib: (tuple(eval(code, {"lib": lib}).shape), repr(eval(code, {"lib": lib}))))


@pytest.mark.parametrize("dtype", ["lib.int64", "lib.bool", "5", "None", "'float32'", "float"])
def test_set_default_dtype_refuses_non_float(dtype: str) -> None:
    def program(lib: Any) -> Any:
        try:
            return lib.set_default_dtype(eval(dtype, {"lib": lib}))
        finally:
            lib.set_default_dtype(lib.float32)

    assert "only floating-point types are supported as the default type" in same(program)


def sqrt_at_zero(lib: Any) -> Any:
    """torch's anomaly example: the gradient of sqrt at 0 times 0 is nan."""
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    with lib.autograd.detect_anomaly():
        y = lib.sqrt(x) * 0
        y.sum().backward()


def test_detect_anomaly_warns_then_raises_torch_error() -> None:
    ours, ref = observe(minigrad, sqrt_at_zero), observe(torch, sqrt_at_zero)
    assert (
        ours[0]
        == ref[0]
        == ("RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.")
    )
    assert ours[1] == ref[1]  # "Anomaly Detection has been enabled", "Error detected in ..."
    assert ours[1][1] == (
        "UserWarning: Error detected in SqrtBackward0. Traceback of forward call that caused "
        "the error:"
    )


def test_detect_anomaly_error_carries_the_forward_line() -> None:
    with warnings.catch_warnings(), pytest.raises(RuntimeError) as info:
        warnings.simplefilter("ignore")
        sqrt_at_zero(minigrad)
    err = info.value
    assert err.node.name() == "SqrtBackward0"  # type: ignore[attr-defined]
    lines = err.forward_traceback  # type: ignore[attr-defined]
    assert any("y = lib.sqrt(x) * 0" in line for line in lines)


def test_detect_anomaly_state_is_restored_on_exit() -> None:
    def program(lib: Any) -> Any:
        before = lib.is_anomaly_enabled()
        with lib.autograd.detect_anomaly(check_nan=False):
            inside = lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled()
        lib.autograd.set_detect_anomaly(True)
        turned_on = lib.is_anomaly_enabled()
        lib.autograd.set_detect_anomaly(False)
        return before, inside, turned_on, lib.is_anomaly_enabled()

    assert same(program) == (False, (True, False), True, False)


def test_detect_anomaly_check_nan_false_lets_nan_through() -> None:
    def program(lib: Any) -> Any:
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        with lib.autograd.detect_anomaly(check_nan=False):
            (lib.sqrt(x) * 0).sum().backward()
        return str(x.grad.tolist())

    assert same(program) == "[nan, 0.0]"


def seen_by_another_thread(lib: Any) -> tuple[bool, bool]:
    """Whether a thread started inside detect_anomaly sees it on, and whether this one does."""
    seen: list[bool] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with lib.autograd.detect_anomaly():
            thread = threading.Thread(target=lambda: seen.append(lib.is_anomaly_enabled()))
            thread.start()
            thread.join()
            here = lib.is_anomaly_enabled()
    return seen[0], here


def test_detect_anomaly_is_per_thread_in_minigrad_global_in_torch() -> None:
    # A deliberate difference (minigrad/anomaly.py): PyTorch's AnomalyMode is one process-wide
    # flag, so a DataLoader worker thread would see it; minigrad keeps it per thread, like grad
    # mode, so one notebook thread's debugging does not slow or stop another's backward.
    assert seen_by_another_thread(torch) == (True, True)
    assert seen_by_another_thread(minigrad) == (False, True)
    assert not minigrad.is_anomaly_enabled()


NUMPY_CONVERSIONS = [
    "np.asarray(lib.ones(2, requires_grad=True))",
    "np.asarray(lib.ones(2, requires_grad=True).detach()).tolist()",
    "lib.ones(2, requires_grad=True).numpy(force=True).tolist()",
    "lib.ones(2, requires_grad=True).equal(lib.ones(2, requires_grad=True))",
    "lib.ones(2, requires_grad=True).allclose(lib.ones(2, requires_grad=True))",
]


@pytest.mark.parametrize("code", NUMPY_CONVERSIONS)
def test_numpy_conversion_of_a_tensor_that_requires_grad(code: str) -> None:
    """np.asarray(t) refuses a tensor that requires grad, with numpy()'s error; force=True and
    detach() give the values."""
    import numpy as np

    same(lambda lib: eval(code, {"lib": lib, "np": np}))
