"""Lesson: seeded random numbers repeat; generators, sampling and shuffles are reproducible."""

import torch

torch.manual_seed(123)
a = torch.rand(3)
torch.manual_seed(123)
b = torch.rand(3)
print("same seed, same numbers:", a, b, torch.equal(a, b))
print("next draw differs:", torch.rand(3))

torch.manual_seed(0)
print("rand:", torch.rand(2, 2))
print("randn:", torch.randn(4))
print("randint:", torch.randint(10, (6,)), torch.randint(-5, 5, (2, 3)))
print("randperm:", torch.randperm(8))
print("normal:", torch.normal(2.0, 0.5, size=(3,)))
print("normal with tensors:", torch.normal(torch.zeros(3), torch.tensor([1.0, 0.1, 10.0])))
print("bernoulli:", torch.bernoulli(torch.full((8,), 0.3)))
weights = torch.tensor([0.1, 0.6, 0.3])
print("multinomial:", torch.multinomial(weights, 10, replacement=True))
print("without replacement:", torch.multinomial(weights, 3))
print("rand_like, randn_like:", torch.rand_like(a), torch.randn_like(a))
print("float64:", torch.rand(2, dtype=torch.float64), torch.randn(2, dtype=torch.float64))

# In-place fills draw from the same stream
t = torch.empty(2, 3)
print("uniform_:", t.uniform_(-1, 1))
print("normal_:", t.normal_(mean=10, std=2))

# A private generator leaves the global stream alone
g = torch.Generator().manual_seed(42)
print("generator seed:", g.initial_seed())
print("with generator:", torch.rand(3, generator=g), torch.randn(2, generator=g))
state = g.get_state()
first = torch.randint(0, 100, (5,), generator=g)
g.set_state(state)
print("replayed from a saved state:", first, torch.randint(0, 100, (5,), generator=g))
print("global stream:", torch.rand(2))
print("initial_seed:", torch.initial_seed())

# Reproducible shuffles and splits for data
torch.manual_seed(7)
data = torch.arange(10) * 10
order = torch.randperm(len(data))
print("shuffled:", data[order])
train_idx, test_idx = order[:7], order[7:]
print("train:", data[train_idx], "test:", data[test_idx])


# Seeding makes a whole computation repeat
def noisy_mean(seed):
    torch.manual_seed(seed)
    return (torch.randn(1000) * 3 + 1).mean().item()


print(f"{noisy_mean(1):.6f} {noisy_mean(1):.6f} {noisy_mean(2):.6f}")
try:
    torch.multinomial(torch.tensor([0.5, 0.5]), 3)
except RuntimeError as err:
    print("RuntimeError:", err)
try:
    torch.randint(5, 2, (3,))
except RuntimeError as err:
    print("RuntimeError:", err)
