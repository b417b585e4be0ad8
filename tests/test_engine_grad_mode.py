"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode; nesting, threads."""

from __future__ import annotations

import threading

import pytest

import minigrad
from minigrad import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled


def leaf() -> minigrad.Tensor:
    return minigrad.ones(2, requires_grad=True)


def test_no_grad_context_records_nothing_and_restores() -> None:
    x = leaf()
    with no_grad():
        y = x * 2
        assert not is_grad_enabled()
    assert is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert (x * 2).grad_fn is not None


def test_no_grad_restores_after_an_exception() -> None:
    with pytest.raises(ValueError), no_grad():
        raise ValueError("inside no_grad")
    assert is_grad_enabled()


def test_no_grad_decorator_turns_grad_off_only_inside() -> None:
    @no_grad()
    def double(t: minigrad.Tensor) -> minigrad.Tensor:
        assert not is_grad_enabled()
        return t * 2

    assert not double(leaf()).requires_grad
    assert is_grad_enabled()


def test_no_grad_decorator_on_a_recursive_function_restores_at_each_level() -> None:
    seen: list[bool] = []

    @no_grad()
    def power(t: minigrad.Tensor, n: int) -> minigrad.Tensor:
        seen.append(is_grad_enabled())
        return t if n == 0 else power(t * 2, n - 1)

    out = power(leaf(), 5)
    assert seen == [False] * 6
    assert not out.requires_grad
    assert is_grad_enabled()


def test_enable_grad_decorator_recursive_inside_no_grad() -> None:
    @enable_grad()
    def chain(t: minigrad.Tensor, n: int) -> minigrad.Tensor:
        assert is_grad_enabled()
        return t if n == 0 else chain(t * 2, n - 1)

    with no_grad():
        out = chain(leaf(), 3)
        assert not is_grad_enabled()
    assert out.grad_fn.name() == "MulBackward0"


def test_grad_modes_nest() -> None:
    x = leaf()
    with no_grad():
        with enable_grad():
            assert (x * 3).requires_grad
            with no_grad():
                assert not (x * 3).requires_grad
            assert is_grad_enabled()
        assert not is_grad_enabled()
        assert not (x * 3).requires_grad


def test_set_grad_enabled_as_a_function_sets_the_mode() -> None:
    try:
        set_grad_enabled(False)
        assert not is_grad_enabled()
        assert not (leaf() * 2).requires_grad
    finally:
        set_grad_enabled(True)
    assert is_grad_enabled()


@pytest.mark.parametrize("mode", [True, False])
def test_set_grad_enabled_as_a_context_manager(mode: bool) -> None:
    with no_grad():
        with set_grad_enabled(mode):
            assert is_grad_enabled() is mode
            assert (leaf() * 2).requires_grad is mode
        assert not is_grad_enabled()


def test_set_grad_enabled_as_a_decorator() -> None:
    @set_grad_enabled(False)
    def f() -> bool:
        return is_grad_enabled()

    assert f() is False
    assert is_grad_enabled()


def test_inference_mode_context_and_decorator() -> None:
    with inference_mode():
        assert not is_grad_enabled()
        assert minigrad.is_inference_mode_enabled()
        assert not (leaf() * 2).requires_grad
    assert is_grad_enabled() and not minigrad.is_inference_mode_enabled()

    @inference_mode()
    def f() -> bool:
        return is_grad_enabled()

    assert f() is False
    with inference_mode(False):
        assert is_grad_enabled()


def test_grad_mode_is_per_thread() -> None:
    entered, release = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def worker() -> None:
        with no_grad():
            entered.set()
            release.wait(5)
            seen["worker"] = is_grad_enabled()

    thread = threading.Thread(target=worker)
    thread.start()
    entered.wait(5)
    seen["main while worker in no_grad"] = is_grad_enabled()
    seen["main op"] = (leaf() * 2).requires_grad
    release.set()
    thread.join()
    assert seen == {"main while worker in no_grad": True, "main op": True, "worker": False}


def test_new_thread_starts_with_grad_enabled() -> None:
    seen: list[bool] = []
    with no_grad():
        thread = threading.Thread(target=lambda: seen.append(is_grad_enabled()))
        thread.start()
        thread.join()
    assert seen == [True]
