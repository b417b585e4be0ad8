"""`minigrad.utils.data`: Dataset, TensorDataset, Subset, random_split and DataLoader.

Shuffling and splitting consume the generators exactly as torch's RandomSampler, DataLoader
iterator and random_split do (seed draws included), so a seeded lesson gets torch's batches and
later random numbers stay in step. No worker processes: `num_workers` must be 0.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from minigrad.errors import MinigradTypeError, MinigradValueError, runtime, typed
from minigrad.nn.helpers import missing_name
from minigrad.tensor import Tensor

__all__ = ["DataLoader", "Dataset", "Subset", "TensorDataset", "default_collate", "random_split"]


class Dataset:
    """Base class of map-style datasets: subclass it with __getitem__ and __len__."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")


class TensorDataset(Dataset):
    """Samples are the i-th rows of each tensor: (x[i], y[i]).

    Args:
        *tensors: tensors with the same first dimension.
    """

    def __init__(self, *tensors: Tensor) -> None:
        if any(tensors[0].size(0) != t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return int(self.tensors[0].size(0))


class Subset(Dataset):
    """The samples of `dataset` at `indices`.

    Args:
        dataset: the whole dataset.
        indices: the indices kept, in order.
    """

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, idx: int) -> Any:
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)


def _randperm(n: int, generator: Any) -> list[int]:
    from minigrad import randperm

    if generator is None:
        return randperm(n).tolist()  # type: ignore[no-any-return]
    return randperm(n, generator=generator).tolist()  # type: ignore[call-arg, no-any-return]


def _draw_seed(generator: Any) -> int:
    """`torch.empty((), dtype=torch.int64).random_(generator=...)`: what torch draws for a seed."""
    from minigrad import empty, int64

    t = empty((), dtype=int64)
    t = t.random_() if generator is None else t.random_(generator=generator)
    return int(t.item())


def random_split(dataset: Any, lengths: Sequence[float], generator: Any = None) -> list[Subset]:
    """Split into non-overlapping Subsets of the given lengths (or fractions summing to 1).

    Args:
        dataset: the dataset to split.
        lengths: sizes, or fractions (the remainder is dealt round-robin, as torch does).
        generator: passed to randperm.
    """
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(math.floor(n * frac))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    stacklevel=2,
                )
        lengths = sizes
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = _randperm(n, generator)
    out, offset = [], 0
    for length in lengths:
        out.append(Subset(dataset, order[offset : offset + int(length)]))
        offset += int(length)
    return out


COLLATE_TYPES = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists"


def _collate_numpy(batch: Sequence[Any]) -> Any:
    """numpy arrays are stacked and numpy scalars made a tensor, as PyTorch's collate."""
    from minigrad import from_numpy, stack

    first = batch[0]
    if first.dtype.kind not in "biuf":  # strings, objects: PyTorch names the numpy dtype
        raise typed(MinigradTypeError, "collate", f"{COLLATE_TYPES}; found {first.dtype}")
    if isinstance(first, np.ndarray):
        return stack([from_numpy(b) for b in batch], 0)
    return from_numpy(np.array(batch))


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack tensors, make tensors of numbers; tuples and lists become lists, dicts dicts.

    Strings stay the sequence they came in (a column of a tuple batch is a tuple).

    Args:
        batch: the samples of one batch.
    """
    from minigrad import stack, tensor

    first = batch[0]
    if isinstance(first, Tensor):
        return stack(list(batch), 0)
    if isinstance(first, np.ndarray | np.generic):
        return _collate_numpy(batch)
    if isinstance(first, float):  # torch collates Python floats to float64
        from minigrad import float64

        return tensor(list(batch), dtype=float64)
    if isinstance(first, bool | int):
        return tensor(list(batch))
    if isinstance(first, str | bytes):
        return batch
    if isinstance(first, dict):
        return {key: default_collate([b[key] for b in batch]) for key in first}
    if isinstance(first, tuple | list):
        if any(len(b) != len(first) for b in batch):
            raise runtime("collate", "each element in list of batch should be of equal size")
        return [default_collate(column) for column in zip(*batch)]  # a list, as torch
    raise typed(MinigradTypeError, "collate", f"{COLLATE_TYPES}; found {type(first)}")


class DataLoader:
    """Batches of a dataset: `for x, y in DataLoader(ds, batch_size=32, shuffle=True)`.

    Args:
        dataset: a map-style dataset (len and integer indexing).
        batch_size: samples per batch (None: no batching).
        shuffle: a new random order each epoch (randperm, with `generator` if given).
        collate_fn: turns a list of samples into a batch (default_collate).
        drop_last: drop a last batch smaller than batch_size.
        generator: passed to randperm.
        num_workers: only 0.
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Any = None, batch_sampler: Any = None, num_workers: int = 0,
                 collate_fn: Any = None, pin_memory: bool = False, drop_last: bool = False,
                 generator: Any = None, **kwargs: Any) -> None:  # fmt: skip
        if num_workers or sampler is not None or batch_sampler is not None:
            raise NotImplementedError("minigrad's DataLoader has no workers or custom samplers")
        bad = isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0
        if batch_size is not None and bad:  # torch's BatchSampler check
            msg = f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            raise MinigradValueError(msg)
        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, drop_last
        self.shuffle, self.generator = bool(shuffle), generator
        self.collate_fn = collate_fn or default_collate
        self.num_workers = num_workers

    def __iter__(self) -> Iterator[Any]:
        # torch's iterator draws a base seed for workers as it is made, even with no workers
        _draw_seed(self.generator)
        return self._batches()

    def _order(self) -> Iterator[int]:
        """torch's RandomSampler: a fresh generator seeded from the default one, when none is
        given; after the epoch's permutation it draws one more (`[:0]` of it is used)."""
        n = len(self.dataset)
        if not self.shuffle:
            yield from range(n)
            return
        from minigrad import Generator

        gen = self.generator
        if gen is None:
            gen = Generator().manual_seed(_draw_seed(None))
        yield from _randperm(n, gen)
        _randperm(n, gen)

    def _batches(self) -> Iterator[Any]:
        if self.batch_size is None:
            for i in self._order():
                yield self.dataset[i]
            return
        chunk: list[int] = []
        for i in self._order():
            chunk.append(i)
            if len(chunk) == self.batch_size:
                yield self.collate_fn([self.dataset[j] for j in chunk])
                chunk = []
        if chunk and not self.drop_last:
            yield self.collate_fn([self.dataset[j] for j in chunk])

    def __len__(self) -> int:
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def __getattr__(name: str) -> Any:
    raise missing_name("minigrad.utils.data", name)
