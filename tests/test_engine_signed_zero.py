"""Signed zeros print as torch prints them: clamp keeps -0 inside its bounds, an outer
product's 0 * -2 is -0 (found by the fuzzer: reprs `-0.` against `0.`). maximum/minimum
of 0 and -0 give the first operand, as torch's scalar kernel does for tensors this small (its
vector lanes, used from 8 float64 or 16 float32 elements on, give the second)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minigrad

CASES = [
    "x.relu()", "x.clamp(0, 1)", "x.clamp(min=0)", "x.clamp(max=0)", "x.clamp(min=-0.0)",
    "torch.clamp_min(x, 0)", "torch.clamp_max(x, 0)", "torch.nn.functional.relu(x)",
    "x.reshape(-1, 1) @ -x.reshape(1, -1)", "x.reshape(-1, 1).mm(x.reshape(1, -1) - 1)",
    "torch.tensor([1, -2, 3]).clamp(0)", "torch.maximum(x, torch.zeros(6, dtype=x.dtype))",
    "torch.minimum(torch.zeros(6, dtype=x.dtype), -x)", "torch.maximum(x, -x)",
]  # fmt: skip


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("expression", CASES)
def test_signed_zeros_print_as_torch(expression: str, dtype: str) -> None:
    texts = []
    for lib in (minigrad, torch):
        x = lib.tensor([-0.0, 0.0, float("nan"), -1.0, 2.0, 0.5], dtype=getattr(lib, dtype))
        out = eval(expression, {"torch": lib, "x": x})
        values = out.numpy()
        texts.append((repr(out), np.where(np.isnan(values), False, np.signbit(values)).tolist()))
    assert texts[0] == texts[1]
