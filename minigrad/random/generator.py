"""PyTorch's CPU generator: a 32-bit Mersenne Twister seeded like std::mt19937(seed).

numpy's MT19937 with legacy seeding is the same engine; torch's 64-bit draws join two 32-bit
outputs as (first << 32) | second (ATen CPUGeneratorImpl.cpp). numpy.random is imported on
first use only: it takes about as long as the rest of minigrad's start-up.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from minigrad.errors import MinigradTypeError, runtime, typed

DEFAULT_SEED = 67280421310721  # ATen's default_rng_seed_val: torch.Generator().initial_seed()
STATE_BYTES = 5056  # sizeof(CPUGeneratorImplState) in ATen


class Generator:
    """torch.Generator for the CPU: seed, state, and the cached second normal sample."""

    def __init__(self, device: Any = "cpu") -> None:
        from minigrad.device import check_device

        self.device = check_device(device)
        self._engine: Any = None
        self._seed = DEFAULT_SEED
        self._normal: float | None = None  # next_double_normal_sample

    def manual_seed(self, seed: Any) -> Generator:
        """Restart from `seed` (taken modulo 2**64, as torch does for negatives).

        Args:
            seed: an integer.
        """
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            msg = f"manual_seed expected a long, but got {type(seed).__name__}"
            raise runtime("seed_type", msg)
        from minigrad.random.checks import seed_value

        self._seed = seed_value(seed)
        self._engine = None
        self._normal = None
        return self

    def seed(self) -> int:
        """Reseed from the operating system's entropy and return the new seed."""
        new = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(new)
        return new

    def initial_seed(self) -> int:
        """The seed this generator was last seeded with."""
        return self._seed

    def _mt(self) -> Any:
        if self._engine is None:
            from numpy.random import MT19937

            self._engine = MT19937(0)
            self._engine._legacy_seeding(self._seed & 0xFFFFFFFF)
        return self._engine

    def raw32(self, n: int) -> np.ndarray:
        """The next n 32-bit outputs (as uint64)."""
        return self._mt().random_raw(n) if n else np.zeros(0, np.uint64)

    def raw32_u32(self, n: int) -> np.ndarray:
        """The same n outputs as raw32, as uint32: half the memory, twice as fast to convert.

        numpy's Generator over the same engine returns full-range uint32 draws unchanged.
        """
        return np.random.Generator(self._mt()).integers(0, 2**32, size=n, dtype=np.uint32)

    def raw64(self, n: int) -> np.ndarray:
        """The next n 64-bit draws: (first << 32) | second, as torch's random64()."""
        r = self.raw32(2 * n)
        return (r[0::2] << np.uint64(32)) | r[1::2]

    def get_state(self) -> Any:
        """The state as torch's 5056-byte uint8 tensor (same layout as ATen's)."""
        from minigrad.tensor import Tensor

        buf = np.zeros(STATE_BYTES, np.uint8)
        st = self._mt().state["state"]
        pos = int(st["pos"])
        fresh = self._engine is not None and pos == 624 and self._untouched()
        head = np.array([self._seed], np.uint64).view(np.uint8)
        buf[0:8] = head
        buf[8:16] = np.array([625 - pos, 1], np.int32).view(np.uint8)
        buf[16:24] = np.array([0 if fresh else pos], np.uint64).view(np.uint8)
        buf[24:5016] = st["key"].astype(np.uint64).view(np.uint8)
        if self._normal is not None:
            buf[5024:5032] = np.array([self._normal], np.float64).view(np.uint8)
            buf[5040:5044] = np.array([1], np.int32).view(np.uint8)
        return Tensor._make(buf)

    def _untouched(self) -> bool:
        from numpy.random import MT19937

        ref = MT19937(0)
        ref._legacy_seeding(self._seed & 0xFFFFFFFF)
        return bool(np.array_equal(ref.state["state"]["key"], self._mt().state["state"]["key"]))

    def set_state(self, new_state: Any) -> Generator:
        """Restore a state returned by get_state (minigrad's or torch's bytes).

        Args:
            new_state: a uint8 tensor of 5056 elements.
        """
        if not hasattr(new_state, "_data") and not hasattr(new_state, "__array__"):
            msg = f"expected a torch.ByteTensor, but got {type(new_state).__name__}"
            raise typed(MinigradTypeError, "rng_state", msg)
        arr = np.ascontiguousarray(getattr(new_state, "_data", new_state))
        if arr.dtype != np.uint8:
            raise typed(MinigradTypeError, "rng_state", "RNG state must be a torch.ByteTensor")
        if arr.size != STATE_BYTES:
            raise runtime(
                "rng_state",
                f"Expected a CPUGeneratorImplState of size {STATE_BYTES} but found the input "
                f"RNG state size to be {arr.size}",
            )
        flat = arr.reshape(-1)
        left, seeded = flat[8:16].view(np.int32)
        nxt = int(flat[16:24].view(np.uint64)[0])
        if not (seeded and 0 < left <= 624 and nxt <= 624):
            raise runtime("rng_state", "Invalid mt19937 state")
        key = flat[24:5016].view(np.uint64).astype(np.uint32)
        self._seed = int(flat[0:8].view(np.uint64)[0])
        self._mt().state = {
            "bit_generator": "MT19937",
            "state": {"key": key, "pos": 625 - int(left)},
        }
        valid = int(flat[5040:5044].view(np.int32)[0])
        self._normal = float(flat[5024:5032].view(np.float64)[0]) if valid else None
        return self


# torch seeds its default generator from the OS; minigrad starts from seed 0, so a lesson
# that forgets manual_seed still prints the same numbers on every run (nbval compares them).
default_generator = Generator().manual_seed(0)


def manual_seed(seed: Any) -> Generator:
    """Seed the default generator (torch.manual_seed): `int(seed)`, modulo 2**64.

    Args:
        seed: an integer (or anything int() accepts, as torch).
    """
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """Seed the default generator non-deterministically; return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    """The default generator's state, a uint8 tensor of 5056 bytes."""
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    """Restore the default generator's state.

    Args:
        new_state: a tensor from get_rng_state.
    """
    default_generator.set_state(new_state)


def resolve(generator: Generator | None) -> Generator:
    """The generator to draw from: the given one or the default."""
    return default_generator if generator is None else generator
