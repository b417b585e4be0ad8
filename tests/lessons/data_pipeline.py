"""Lesson: your own Dataset, DataLoader batching, shuffling with a generator, and random_split."""

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset, random_split


class Squares(Dataset):
    """Pairs (n, n squared) with a label saying whether n is even."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        x = torch.tensor([float(i), float(i * i)])
        return x, i % 2 == 0


data = Squares(10)
print("len:", len(data), "item 3:", data[3])

loader = DataLoader(data, batch_size=4)
for xb, yb in loader:
    print("batch:", xb.shape, xb[:, 0], yb)
print(
    "batches:", len(loader), "with drop_last:", len(DataLoader(data, batch_size=4, drop_last=True))
)

# The default collate stacks tensors, makes tensors of numbers, keeps structure
pairs = [(1, 2.5, "a"), (3, 4.5, "b")]
for batch in DataLoader(pairs, batch_size=2):
    print("collated:", batch)
dicts = [{"x": torch.ones(2) * k, "k": k} for k in range(3)]
print("dicts:", next(iter(DataLoader(dicts, batch_size=3))))

# Shuffling: a seeded generator gives the same order every run
g = torch.Generator()
g.manual_seed(0)
shuffled = DataLoader(TensorDataset(torch.arange(10)), batch_size=5, shuffle=True, generator=g)
for epoch in range(2):
    print(f"epoch {epoch}:", [batch[0].tolist() for batch in shuffled])
torch.manual_seed(1)
global_loader = DataLoader(TensorDataset(torch.arange(8), torch.arange(8) * -1.0), 3, True)
for xb, yb in global_loader:
    print("global-seed shuffle:", xb, yb)

# random_split into train and validation sets
full = TensorDataset(torch.arange(20).float().unsqueeze(1), torch.arange(20) % 3)
train, val = random_split(full, [15, 5], generator=torch.Generator().manual_seed(42))
print("split sizes:", len(train), len(val), "val indices:", val.indices)
print("first val sample:", val[0])
parts = random_split(range(10), [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(3))
print("fractions:", [list(p) for p in parts])
xb, yb = next(iter(DataLoader(train, batch_size=6, shuffle=True)))
print("train batch:", xb.squeeze(1), yb)

# Tensor datasets index every tensor together
tds = TensorDataset(torch.randn(4, 2), torch.tensor([0, 1, 0, 1]))
print(len(tds), tds[1], tds.tensors[1])
try:
    TensorDataset(torch.ones(3), torch.ones(4))
except AssertionError as err:
    print("AssertionError:", err)
try:
    random_split(range(10), [3, 3])
except ValueError as err:
    print("ValueError:", err)
