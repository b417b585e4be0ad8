"""The compute workloads W1-W4, each written three ways on the same data.

`minigrad` and `torch` run the same code (`lib` is the module); "numpy by hand" is the forward
plus a hand-derived backward in plain numpy, the limit for any numpy-backed engine. Each
function returns the numbers the three must agree on (gradients, losses) as numpy arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Run = Callable[[], list[np.ndarray]]


def _np(t: Any) -> np.ndarray:
    """A tensor's (or array's) values as a numpy array, for comparison."""
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


# --- W1 and W4: a chain of ops alternating mul, add, tanh ----------------------------------------


def chain(lib: Any, x0: np.ndarray, c0: np.ndarray, n: int) -> list[np.ndarray]:
    """y = tanh(y * c + c) repeated, n ops in all, then y.sum().backward(); returns y, x.grad.

    (Over a long chain the gradient vanishes to 0, so y's value is what the check compares.)
    """
    x = lib.tensor(x0, requires_grad=True)
    c = lib.tensor(c0)
    y = x
    for i in range(n):
        step = i % 3
        y = y * c if step == 0 else y + c if step == 1 else y.tanh()
    y.sum().backward()
    return [_np(y), _np(x.grad)]


def chain_numpy(x0: np.ndarray, c0: np.ndarray, n: int) -> list[np.ndarray]:
    """The same chain in numpy: keep what backward needs, then walk it back by hand."""
    y, tanh_out = x0, {}
    for i in range(n):
        step = i % 3
        y = y * c0 if step == 0 else y + c0 if step == 1 else np.tanh(y)
        if step == 2:
            tanh_out[i] = y  # tanh reuses its output; mul needs only c, add nothing
    g = np.ones_like(y)
    for i in range(n - 1, -1, -1):
        step = i % 3
        if step == 0:
            g = g * c0
        elif step == 2:
            g = g * (1 - tanh_out[i] * tanh_out[i])
    return [_np(y), _np(g)]


def chain_runs(torch: Any, minigrad: Any, shape: tuple[int, ...], n: int) -> dict[str, Run]:
    """W1 ((3, 3) tensors) and W4 (0-d tensors): the chain for each library."""
    rng = np.random.default_rng(1)
    x0 = rng.uniform(-1, 1, shape).astype(np.float32)
    c0 = np.full(shape, 0.5, np.float32)
    return {
        "minigrad": lambda: chain(minigrad, x0, c0, n),
        "torch": lambda: chain(torch, x0, c0, n),
        "numpy": lambda: chain_numpy(x0, c0, n),
    }


# --- W2: an MLP training step -------------------------------------------------------------------


def mlp_data(batch: int = 64, sizes: tuple[int, int, int] = (64, 128, 10)) -> dict[str, Any]:
    """Inputs, targets and initial weights (PyTorch's layout: weight is out x in)."""
    rng = np.random.default_rng(2)
    n_in, n_hidden, n_out = sizes

    def init(fan_in: int, shape: tuple[int, ...]) -> np.ndarray:
        bound = 1 / np.sqrt(fan_in)
        return rng.uniform(-bound, bound, shape).astype(np.float32)

    return {
        "x": rng.standard_normal((batch, n_in)).astype(np.float32),
        "y": rng.standard_normal((batch, n_out)).astype(np.float32),
        "w1": init(n_in, (n_hidden, n_in)),
        "b1": init(n_in, (n_hidden,)),
        "w2": init(n_hidden, (n_out, n_hidden)),
        "b2": init(n_hidden, (n_out,)),
    }


def mlp_train(lib: Any, data: dict[str, Any], steps: int, lr: float = 0.05) -> list[np.ndarray]:
    """`steps` SGD steps of nn.Linear -> Tanh -> nn.Linear on MSE; returns loss and weights."""
    nn = lib.nn
    model = nn.Sequential(nn.Linear(64, 128), nn.Tanh(), nn.Linear(128, 10))
    with lib.no_grad():
        for p, key in zip(model.parameters(), ("w1", "b1", "w2", "b2")):
            p.copy_(lib.tensor(data[key]))
    opt = lib.optim.SGD(model.parameters(), lr=lr)
    x, y = lib.tensor(data["x"]), lib.tensor(data["y"])
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    return [_np(loss)] + [_np(p) for p in model.parameters()]


def mlp_train_numpy(data: dict[str, Any], steps: int, lr: float = 0.05) -> list[np.ndarray]:
    """The same training in numpy, with the backward derived by hand."""
    x, y = data["x"], data["y"]
    w1, b1, w2, b2 = (data[k].copy() for k in ("w1", "b1", "w2", "b2"))
    for _ in range(steps):
        h = np.tanh(x @ w1.T + b1)
        out = h @ w2.T + b2
        diff = out - y
        loss = np.mean(diff * diff)
        g_out = diff * np.float32(2 / diff.size)
        g_h = (g_out @ w2) * (1 - h * h)
        w2 -= lr * (g_out.T @ h)
        b2 -= lr * g_out.sum(0)
        w1 -= lr * (g_h.T @ x)
        b1 -= lr * g_h.sum(0)
    return [_np(loss), w1, b1, w2, b2]


def mlp_runs(torch: Any, minigrad: Any, steps: int) -> dict[str, Run]:
    """W2 for each library."""
    data = mlp_data()
    return {
        "minigrad": lambda: mlp_train(minigrad, data, steps),
        "torch": lambda: mlp_train(torch, data, steps),
        "numpy": lambda: mlp_train_numpy(data, steps),
    }


# --- W3: large arrays ---------------------------------------------------------------------------


def layers(lib: Any, x: Any, weights: list[Any]) -> list[np.ndarray]:
    """h = tanh(h @ W) for each W, then h.sum().backward(); returns each W's gradient."""
    for w in weights:
        w.grad = None
    h = x
    for w in weights:
        h = (h @ w).tanh()
    h.sum().backward()
    return [_np(w.grad) for w in weights]


def layers_numpy(x0: np.ndarray, ws: list[np.ndarray]) -> list[np.ndarray]:
    """The same in numpy: d tanh = 1 - out², d(h @ W)/dW = hᵀ @ g, d/dh = g @ Wᵀ."""
    hs = [x0]
    for w in ws:
        hs.append(np.tanh(hs[-1] @ w))
    g = np.ones_like(hs[-1])
    grads = []
    for i in range(len(ws) - 1, -1, -1):
        g = g * (1 - hs[i + 1] * hs[i + 1])
        grads.append(hs[i].T @ g)
        if i:  # the input needs no gradient
            g = g @ ws[i].T
    return [_np(gw) for gw in reversed(grads)]


def layers_runs(torch: Any, minigrad: Any, size: int, depth: int = 4) -> dict[str, Run]:
    """W3 for each library: `depth` layers of size x size float32."""
    rng = np.random.default_rng(3)
    x0 = rng.standard_normal((size, size)).astype(np.float32)
    scale = np.float32(1 / np.sqrt(size))
    ws = [rng.standard_normal((size, size)).astype(np.float32) * scale for _ in range(depth)]
    made: dict[Any, tuple[Any, list[Any]]] = {}

    def leaves(lib: Any) -> tuple[Any, list[Any]]:
        """The input and weight tensors, made once (numpy by hand does not copy them either)."""
        if lib not in made:
            made[lib] = (lib.tensor(x0), [lib.tensor(w, requires_grad=True) for w in ws])
        return made[lib]

    return {
        "minigrad": lambda: layers(minigrad, *leaves(minigrad)),
        "torch": lambda: layers(torch, *leaves(torch)),
        "numpy": lambda: layers_numpy(x0, ws),
    }


def check_equal(results: dict[str, list[np.ndarray]], rtol: float, atol: float) -> None:
    """Raise AssertionError unless every library's results match numpy's within tolerance."""
    ref = results["numpy"]
    for lib, got in results.items():
        assert len(got) == len(ref), f"{lib}: {len(got)} results, numpy has {len(ref)}"
        for i, (a, b) in enumerate(zip(got, ref)):
            a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
            if not np.allclose(a, b, rtol=rtol, atol=atol):
                worst = float(np.max(np.abs(a - b)))
                raise AssertionError(f"{lib} result {i} differs from numpy's (max |diff| {worst})")
