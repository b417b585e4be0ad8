"""The tensor card: `text/html` for a Tensor in a real shell; `text/plain` stays the repr."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pytest

import minigrad
from magics import display as card
from minigrad.tensor import Tensor


@pytest.fixture
def shell(ipython: Any) -> Iterator[Any]:
    """The shell with `%load_ext minigrad`, card mode on before and after."""
    card.set_display("card")
    ipython.run_line_magic("load_ext", "minigrad")
    yield ipython
    card.set_display("card")


def formats(shell: Any, value: Any) -> dict[str, Any]:
    data, _ = shell.display_formatter.format(value)
    return data


def test_card_text_plain_is_exactly_the_repr(shell: Any) -> None:
    x = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * 2
    assert formats(shell, y)["text/plain"] == repr(y)
    assert formats(shell, x)["text/plain"] == repr(x)


def test_card_html_has_repr_and_badges(shell: Any) -> None:
    x = minigrad.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    y = x * x
    page = formats(shell, y)["text/html"]
    assert html.escape(repr(y)) in page
    for badge in ("shape: [1, 3]", "dtype: torch.float32", "requires_grad: True"):
        assert badge in page
    assert "is_leaf: False" in page
    assert "grad_fn: MulBackward0" in page
    assert "<details" in page and "(AccumulateGrad, 0)" in page
    assert ".grad" not in page  # a non-leaf without retain_grad has no .grad


def test_card_escapes_user_text(shell: Any) -> None:
    y = minigrad.tensor([1.0], requires_grad=True) + 1
    page = formats(shell, y)["text/html"]
    assert "<AddBackward0>" not in page
    assert "&lt;AddBackward0&gt;" in page


def test_card_shows_grad_after_backward(shell: Any) -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    page = formats(shell, x)["text/html"]
    assert ".grad" in page and html.escape(repr(x.grad)) in page
    assert "is_leaf: True" in page and "grad_fn: None" in page


def test_card_plain_mode_turns_html_off(shell: Any) -> None:
    t = minigrad.ones(2)
    shell.run_line_magic("minigrad", "display plain")
    assert card.get_display() == "plain"
    assert set(formats(shell, t)) == {"text/plain"}
    shell.run_line_magic("minigrad", "display card")
    assert "text/html" in formats(shell, t)


def test_card_set_display_rejects_unknown_mode() -> None:
    with pytest.raises(ValueError, match="card, plain"):
        card.set_display("fancy")


def test_card_unload_restores_formatter_dict(ipython: Any) -> None:
    printers = ipython.display_formatter.formatters["text/html"].type_printers
    before = dict(printers)
    ipython.run_line_magic("load_ext", "minigrad")
    assert printers[Tensor] is card.tensor_html
    ipython.run_line_magic("unload_ext", "minigrad")
    assert dict(printers) == before


def test_card_unload_restores_a_users_own_printer(ipython: Any) -> None:
    formatter = ipython.display_formatter.formatters["text/html"]

    def mine(t: Any) -> str:
        return "<b>mine</b>"

    formatter.for_type(Tensor, mine)
    try:
        ipython.run_line_magic("load_ext", "minigrad")
        ipython.run_line_magic("load_ext", "minigrad")
        assert formatter.type_printers[Tensor] is card.tensor_html
        ipython.run_line_magic("unload_ext", "minigrad")
        assert formatter.type_printers[Tensor] is mine
    finally:
        formatter.type_printers.pop(Tensor, None)
