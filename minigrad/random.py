"""Random numbers: one seeded stream, so `manual_seed(0)` makes notebooks reproducible.

The values differ from PyTorch's (a different generator); the distributions are the same.
The generator is made on first use: importing `numpy.random` takes about as long as the rest
of minigrad's own start-up, and many lessons never draw a random number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_state: dict[str, Any] = {"rng": None, "seed": 0}  # rng None: not made yet (seed 0)


def manual_seed(seed: int) -> np.random.Generator:
    """Restart the random stream from `seed`.

    Args:
        seed: any non-negative integer.
    """
    from numpy.random import default_rng  # here, not at import: see the module docstring

    _state["rng"] = default_rng(int(seed))
    _state["seed"] = int(seed)
    rng: np.random.Generator = _state["rng"]
    return rng


seed = manual_seed


def initial_seed() -> int:
    """The seed last given to manual_seed (0 at start)."""
    return int(_state["seed"])


def generator() -> np.random.Generator:
    """The current numpy Generator behind rand, randn, randint and the init functions."""
    if _state["rng"] is None:  # the first draw of the session: the stream seeded with 0
        manual_seed(0)
    rng: np.random.Generator = _state["rng"]
    return rng
