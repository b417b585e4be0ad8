"""Random numbers: one seeded stream, so `manual_seed(0)` makes notebooks reproducible.

The values differ from PyTorch's (a different generator); the distributions are the same.
"""

from __future__ import annotations

import numpy as np

_state = {"rng": np.random.default_rng(0), "seed": 0}


def manual_seed(seed: int) -> np.random.Generator:
    """Restart the random stream from `seed`.

    Args:
        seed: any non-negative integer.
    """
    _state["rng"] = np.random.default_rng(int(seed))
    _state["seed"] = int(seed)
    return _state["rng"]  # type: ignore[return-value]


seed = manual_seed


def initial_seed() -> int:
    """The seed last given to manual_seed (0 at start)."""
    return int(_state["seed"])  # type: ignore[call-overload]


def generator() -> np.random.Generator:
    """The current numpy Generator behind rand, randn, randint and the init functions."""
    return _state["rng"]  # type: ignore[return-value]
