"""What public beginner material hit first, each compared with torch: lesson-style snippets."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import minigrad


def outcome(call: Any) -> str:
    """The printed result of `call()`, or its error's class and message."""
    try:
        return str(call())
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def set_first(t: Any) -> Any:
    t[0] = 1.0
    return t


CALLS = [
    # an old tutorial prints `loss.data[0]`: PyTorch's IndexError names `.item()`
    lambda L: L.tensor(3.0)[0],
    lambda L: L.tensor(3.0)[0:1],
    lambda L: L.tensor(3.0)[-1],
    lambda L: L.tensor(3.0)[2],
    lambda L: L.tensor(3.0)[None, 0],
    lambda L: L.tensor(3.0)[..., 0],
    lambda L: L.tensor(3.0)[()],
    lambda L: L.tensor(3.0)[None],
    lambda L: set_first(L.tensor(3.0)),
    lambda L: (L.tensor([1.0, 2.0]) ** 2).sum().data[0],
    # torch.accelerator on a CPU-only build
    lambda L: L.accelerator.is_available(),
    lambda L: L.accelerator.device_count(),
    lambda L: L.accelerator.current_accelerator(),
    lambda L: L.accelerator.current_device_index(),
    lambda L: L.accelerator.synchronize(),
    lambda L: L.accelerator.current_accelerator().type if L.accelerator.is_available() else "cpu",
    # numpy's axis= for cumsum, as a textbook writes it; no dim at all is an error
    lambda L: L.arange(6.0).reshape(2, 3).cumsum(axis=0),
    lambda L: L.cumsum(L.arange(6.0).reshape(2, 3), axis=1),
    lambda L: L.arange(6.0).reshape(2, 3).cumsum(),
    # makemore: nelement, unbind, the layout of views
    lambda L: L.zeros(3, 4).nelement(),
    lambda L: sum(p.nelement() for p in [L.ones(27, 2), L.ones(6, 100), L.ones(100)]),
    lambda L: L.arange(6).reshape(2, 3).unbind(1),
    lambda L: L.unbind(L.arange(6).reshape(2, 3)),
    lambda L: L.unbind(L.arange(6).reshape(2, 3), dim=-1),
    lambda L: L.arange(6).unbind(2),
    lambda L: L.cat(L.unbind(L.arange(12).reshape(2, 3, 2), 1), 1),
    lambda L: L.arange(18).storage_offset(),
    lambda L: L.arange(18)[2:].storage_offset(),
    lambda L: L.arange(18).view(3, 6)[1].storage_offset(),
    lambda L: L.arange(18).view(3, 6)[1:, 2:].storage_offset(),
    lambda L: L.arange(18).view(3, 3, 2).stride(),
    lambda L: L.arange(18).view(3, 6).t().is_contiguous(),
    # torch.all / torch.any, as a gradient check compares `dt == t.grad`
    lambda L: L.all(L.arange(4) >= 0),
    lambda L: L.all(L.arange(4) > 0).item(),
    lambda L: L.any(L.arange(4) > 2),
    lambda L: L.all(L.tensor([[1.0, 0.0], [1.0, 1.0]]), dim=1),
    lambda L: L.any(L.tensor([[1.0, 0.0], [0.0, 0.0]]), 1, True),
    # PyTorch's "Introduction to tensors": rounding, arcsine, bitwise xor
    lambda L: L.ceil(L.tensor([-1.5, -0.5, 0.5, 2.0])),
    lambda L: L.floor(L.tensor([-1.5, -0.5, 0.5, 2.0])),
    lambda L: L.round(L.tensor([-1.5, -0.5, 0.5, 1.5, 2.5])),
    lambda L: L.tensor([-1.7, 1.7]).trunc(),
    lambda L: L.ceil(L.tensor([1, 2])),
    lambda L: L.floor(L.tensor([True, False])),
    lambda L: L.ceil(L.tensor([0.5], requires_grad=True)),
    lambda L: L.asin(L.sin(L.tensor([0.0, 0.5, 1.0]))),
    lambda L: L.bitwise_xor(L.tensor([1, 5, 11]), L.tensor([2, 7, 10])),
    lambda L: L.tensor([True, False]).bitwise_xor(L.tensor([True, True])),
    lambda L: L.bitwise_xor(L.tensor([1.0]), L.tensor([2.0])),
    lambda L: L.bitwise_xor(L.tensor([1.0], dtype=L.float64), L.tensor([2.0], dtype=L.float64)),
    lambda L: L.cross(L.tensor([[0.0, 1, 0], [1, 2, 3]]), L.tensor([[1.0, 0, 0]]), dim=1),
    lambda L: L.linalg.cross(L.tensor([0.0, 1, 0]), L.tensor([1.0, 0, 0])),
    lambda L: L.tensor([0.0, 1, 0]).cross(L.tensor([1.0, 0, 0]), dim=0),
    lambda L: L.cross(L.ones(2), L.ones(2)),
    lambda L: L.cross(L.ones(2, 3), L.ones(2, 3), dim=0),
    lambda L: L.linalg.cross(L.ones(2, 3), L.ones(3)),
    # in place, as functions too: torch.sin_(b) changes b
    lambda L: L.sin_(L.tensor([0.0, 0.5, 1.0])),
    lambda L: L.tensor([0.0, 0.5, 1.0]).cos_(),
    lambda L: L.log_(L.tensor([1.0, 2.0])),
    lambda L: L.sqrt_(L.tensor([4.0, 2.0])),
    lambda L: L.abs_(L.tensor([-4.0, 2.0])),
    lambda L: [L.exp_(L.zeros(1)), L.tanh_(L.zeros(1)), L.sigmoid_(L.zeros(1))],
    lambda L: [L.relu_(L.tensor([-1.0, 1.0])), L.neg_(L.tensor([1.0]))],
    lambda L: L.sin_(L.tensor([0.5], requires_grad=True)),
    lambda L: L.sin_(L.tensor([0.5], requires_grad=True) * 2),
    # shape changes in place: batch_me.unsqueeze_(0)
    lambda L: (lambda t: (t.unsqueeze_(0).shape, t.shape, t._version))(L.rand(3, 4, 4)),
    lambda L: (lambda t: (t.squeeze_().shape, t._version))(L.ones(1, 2, 1)),
    lambda L: (lambda t: (t.squeeze_(0), t.squeeze_(0)))(L.ones(1, 2)),
    lambda L: (lambda t: (t.t_(), t.transpose_(0, 1)))(L.arange(6).reshape(2, 3)),
    lambda L: L.ones(2, requires_grad=True).unsqueeze_(0),
    # d2l's accuracy: y_hat.argmax(axis=1)
    lambda L: L.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]).argmax(axis=1),
    lambda L: L.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]).argmin(axis=0),
    # "What is torch.nn really?": average pooling, as function and as module
    lambda L: L.nn.functional.avg_pool2d(L.arange(32.0).reshape(2, 1, 4, 4), 2),
    lambda L: L.nn.functional.avg_pool2d(L.ones(1, 1, 3, 3), 2, padding=1),
    lambda L: L.nn.functional.avg_pool2d(L.arange(25.0).reshape(1, 5, 5), 3, stride=2),
    lambda L: L.nn.functional.avg_pool2d(L.ones(1, 1, 3, 3), 4),
    lambda L: L.nn.functional.avg_pool2d(L.ones(1, 1, 3, 3), 2, padding=2),
    lambda L: L.nn.functional.avg_pool2d(L.ones(3, 3), 2),
    lambda L: L.nn.functional.adaptive_avg_pool2d(L.arange(32.0).reshape(2, 1, 4, 4), 1),
    lambda L: L.nn.functional.adaptive_avg_pool2d(L.arange(32.0).reshape(2, 1, 4, 4), (2, None)),
    lambda L: L.nn.AvgPool2d(4),
    lambda L: L.nn.AvgPool2d((2, 3), stride=1, padding=1),
    lambda L: L.nn.AdaptiveAvgPool2d(1),
    lambda L: L.nn.AdaptiveAvgPool2d((2, 3)),
    lambda L: L.nn.AdaptiveAvgPool2d(1)(L.ones(2, 3, 4, 4, requires_grad=True)).grad_fn.name(),
    lambda L: L.nn.AvgPool2d(2)(L.ones(2, 3, 4, 4, requires_grad=True)).grad_fn.name(),
]


@pytest.mark.parametrize("index", range(len(CALLS)))
def test_call_matches_torch(index: int) -> None:
    call = CALLS[index]
    assert outcome(lambda: call(minigrad)) == outcome(lambda: call(torch))


def test_normal_requires_grad_makes_a_leaf_as_torch() -> None:
    # d2l's linear regression: w = normal(0, 0.01, size=(2, 1), requires_grad=True)
    results = []
    for lib in (minigrad, torch):
        lib.manual_seed(0)
        w = lib.normal(0, 0.01, size=(2, 1), requires_grad=True)
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]])
        (x @ w).sum().backward()
        results.append((str(w), w.is_leaf, w.grad.numpy().tolist()))
    assert results[0] == results[1]


def test_unbind_gradients_match_torch() -> None:
    grads = []
    for lib in (minigrad, torch):
        x = lib.arange(6.0).reshape(2, 3).requires_grad_()
        a, b, c = x.unbind(1)
        (a * 1.0 + b * 2.0 + c * c).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_activation_gradient_bits_match_torch(name: str) -> None:
    # makemore's manual backprop compares its own dh with autograd's, bit for bit
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal((2, 4096), dtype=np.float32)
    outs, grads = [], []
    for lib in (minigrad, torch):
        t = lib.tensor(x, requires_grad=True)
        out = getattr(lib, name)(t)
        out.backward(lib.tensor(g))
        outs.append(out.detach().numpy())
        grads.append(t.grad.numpy())
    same = outs[0] == outs[1]  # the forward kernels differ in the last bit now and then
    assert same.mean() > 0.5
    np.testing.assert_array_equal(grads[0][same], grads[1][same])


def test_manual_tanh_backward_is_exact_as_in_torch() -> None:
    # `(1.0 - h**2) * dh` equals autograd's gradient exactly in neither library: both fuse
    exact = []
    for lib in (minigrad, torch):
        lib.manual_seed(0)
        pre = lib.randn(32, 64, requires_grad=True)
        h = lib.tanh(pre)
        dh = lib.randn(32, 64)
        h.backward(dh)
        exact.append(lib.all((1.0 - h**2) * dh == pre.grad).item())
    assert exact[0] == exact[1]


LESSON = """
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
import torch.autograd.functional as AF
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
data = DataLoader(TensorDataset(torch.randn(8, 3), torch.randint(0, 2, (8,))), batch_size=4)
for x, y in data:
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    print(f"{loss.item():.4f}", type(loss).__module__, loss.grad_fn.name())
print(AF.jacobian(lambda v: v * v, torch.tensor([1.0, 2.0])))
try:
    import torch.fft
except ModuleNotFoundError as e:
    print(type(e).__name__, "fft" in str(e))
"""


def run_python(code: str) -> str:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parent.parent
    env = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_as_torch_runs_a_lessons_own_imports() -> None:
    ours = run_python("import torch, minigrad; minigrad.as_torch()\n" + LESSON)
    theirs = run_python(LESSON)
    # torch.fft imports in PyTorch; minigrad adds one line that says it lacks it
    assert ours.splitlines() == [*theirs.splitlines(), "ModuleNotFoundError True"]


def test_as_torch_keeps_minigrads_own_module_names() -> None:
    code = (
        "import minigrad; minigrad.as_torch()\n"
        "import torch.nn.functional as F, torch.optim\n"
        "print(F.__name__, F.__spec__.name, torch.optim is minigrad.optim)"
    )
    assert run_python(code).split() == ["minigrad.nn.functional", "minigrad.nn.functional", "True"]


def test_small_cnn_with_average_pooling_trains_as_torch() -> None:
    # the tutorial's last CNN: convs, AdaptiveAvgPool2d(1), a view; SGD with momentum
    losses = []
    for lib in (minigrad, torch):
        lib.manual_seed(0)
        nn = lib.nn
        model = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=3, stride=2, padding=1),
            nn.ReLU(),
            nn.AvgPool2d(2),
            nn.Conv2d(4, 3, kernel_size=3, padding=1),
            nn.AdaptiveAvgPool2d(1),
        )
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x, y = lib.randn(8, 1, 8, 8), lib.randint(0, 3, (8,))
        for _ in range(3):
            loss = lib.nn.functional.cross_entropy(model(x).view(8, -1), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    np.testing.assert_allclose(losses[:3], losses[3:], rtol=1e-5)


def test_cross_without_dim_warns_once_as_torch() -> None:
    code = (
        "import warnings, {lib} as torch\n"
        "warnings.simplefilter('always')\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    v = torch.cross(torch.tensor([0.0, 1, 0]), torch.tensor([1.0, 0, 0]))\n"
        "    torch.cross(v, v)\n"
        "print(v, len(seen), str(seen[0].message).splitlines()[:3])"
    )
    ours, theirs = (run_python(code.format(lib=lib)) for lib in ("minigrad", "torch"))
    assert ours == theirs.replace(
        " (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/Cross.cpp:63.)", ""
    )


def test_in_place_sin_gradient_and_saved_tensor_check_match_torch() -> None:
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor([0.3, 0.9], requires_grad=True)
        y = x * 2
        lib.sin_(y)
        y.sum().backward()
        z = x.exp()
        z.sin_()  # exp saved its output, which sin_ overwrites
        results.append((x.grad.numpy().tolist(), outcome(lambda z=z: z.sum().backward())))
    assert results[0][0] == pytest.approx(results[1][0])
    assert results[0][1].split(":")[0] == results[1][1].split(":")[0] == "RuntimeError"


def test_unsqueeze_in_place_keeps_the_graph_as_torch() -> None:
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.unsqueeze_(0)
        (y * lib.tensor([[1.0, 10.0]])).sum().backward()
        results.append((tuple(y.shape), y.detach().numpy().tolist(), x.grad.numpy().tolist()))
    assert results[0] == results[1]
