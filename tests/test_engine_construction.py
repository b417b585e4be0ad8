"""Every way a lesson builds a tensor from Python values gives PyTorch's exact values and dtype.

Python floats are doubles: with `dtype=torch.float64` (or a float64 default) they must not be
rounded through float32 on the way in. Each expression runs with torch and with minigrad; the
values are compared bit for bit, and errors by class name and message.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

import minigrad

EXPRESSIONS = [
    "torch.tensor([1.4, 1.99], dtype=torch.float64)",
    "torch.tensor(0.1, dtype=torch.float64)",
    "torch.tensor([[1, 2.5], [0.1, 1e-7]], dtype=torch.float64)",
    "torch.tensor([True, 1.3], dtype=torch.float64)",
    "torch.tensor([1.4, torch.tensor(2.2)], dtype=torch.float64)",
    "torch.tensor(np.float32(1.4), dtype=torch.float64)",
    "torch.tensor(1.4, dtype=torch.float16)",
    "torch.tensor([0.1, 0.2], dtype=torch.float32)",
    "torch.tensor([3.7, -3.7], dtype=torch.int32)",
    "torch.tensor([1.4, 2], dtype=torch.bool)",
    "torch.as_tensor([1.4, 0.3], dtype=torch.float64)",
    "torch.DoubleTensor([1.4, 0.3])",
    "torch.DoubleTensor([[0.1], [0.7]])",
    "torch.full((2,), 1.4, dtype=torch.float64)",
    "torch.Tensor([])",
    "torch.Tensor([0.1, 0.7])",
    "torch.tensor([1e308])",
    "torch.tensor(1e40, dtype=torch.float32)",
    "torch.tensor([-1.5], dtype=torch.uint8)",
    "torch.tensor([300], dtype=torch.int8)",
    "torch.tensor([float('nan')], dtype=torch.int32)",
    "torch.tensor([1.4, 1.99], dtype=torch.float64) * torch.tensor(0.1, dtype=torch.float64)",
    # the legacy constructors: data, sizes, a tensor, and PyTorch's errors for a lone number
    "torch.Tensor(2.5)",
    "torch.Tensor(True)",
    "torch.Tensor(None)",
    "torch.Tensor('a')",
    "torch.Tensor(np.float32(2.5))",
    "torch.Tensor(3).zero_()",
    "torch.Tensor(2, 3).zero_()",
    "torch.Tensor(-1)",
    "torch.Tensor(2, 2.5)",
    "torch.Tensor(1.0, 2.0)",
    "torch.Tensor(torch.tensor(2))",
    "torch.Tensor(torch.tensor([1.5, 2.5], dtype=torch.float64))",
    "torch.FloatTensor(2.5)",
    "torch.FloatTensor(torch.tensor(2))",
    "torch.LongTensor(torch.tensor([1.5]))",
    "torch.LongTensor(torch.tensor([3]))",
    "torch.FloatTensor(2, 2).zero_()",
    "torch.Tensor()",
]


def _run(lib: Any, source: str) -> tuple[str, Any]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = eval(source, {"torch": lib, "np": np})
        except Exception as exc:  # compared by class name and text
            return f"{type(exc).__name__}: {exc}", None
    messages = [str(w.message) for w in caught]
    return repr(value) + (f" warnings={messages}" if messages else ""), value


@pytest.mark.parametrize("source", EXPRESSIONS)
def test_construction_matches_torch(source: str) -> None:
    ref_text, ref = _run(torch, source)
    ours_text, ours = _run(minigrad, source)
    assert ours_text == ref_text
    if ref is not None:
        expected = ref.numpy()
        got = ours.numpy()
        assert got.dtype == expected.dtype
        assert got.tobytes() == expected.tobytes()  # bit for bit, not only as printed


@pytest.mark.parametrize("source", EXPRESSIONS[:6])
def test_construction_with_float64_default_matches_torch(source: str) -> None:
    source = source.replace(", dtype=torch.float64", "")
    for lib in (torch, minigrad):
        lib.set_default_dtype(lib.float64)
    try:
        ref_text, ref = _run(torch, source)
        ours_text, ours = _run(minigrad, source)
    finally:
        for lib in (torch, minigrad):
            lib.set_default_dtype(lib.float32)
    assert ours_text == ref_text
    if ref is not None:
        assert ours.numpy().tobytes() == ref.numpy().tobytes()
