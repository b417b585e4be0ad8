"""Lesson: fit y = 3x - 2 + noise with nn.Linear, MSELoss, optim.SGD and a shuffling DataLoader."""

import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(42)

# Synthetic data: 64 points on a noisy line
x = torch.linspace(-2, 2, 64).unsqueeze(1)
y = 3 * x - 2 + 0.3 * torch.randn(64, 1)
print("x:", x.shape, "y:", y.shape)
print("first points:", x[:3].squeeze(), y[:3].squeeze())

dataset = TensorDataset(x, y)
loader = DataLoader(dataset, batch_size=16, shuffle=True)
print("dataset:", len(dataset), "batches per epoch:", len(loader))
xb, yb = dataset[5]
print("one sample:", xb, yb)

model = nn.Linear(1, 1)
print(model)
print("initial weight and bias:", model.weight, model.bias, sep="\n")
loss_fn = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.1)
print(optimizer)

for epoch in range(8):
    total = 0.0
    for step, (xb, yb) in enumerate(loader):
        if epoch == 0 and step == 0:
            print("first batch:", xb.shape, xb[:4].squeeze())
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    print(f"epoch {epoch}: loss {total / len(dataset):.4f}")

w, b = model.weight.item(), model.bias.item()
print(f"learned w = {w:.4f}, b = {b:.4f}")
print("grad of the last step:", model.weight.grad, model.bias.grad)

with torch.no_grad():
    test = torch.tensor([[0.0], [1.0], [-1.5]])
    print("predictions:", model(test))
    print("full-data loss:", loss_fn(model(x), y))

# The same fit in closed form, to compare: w = cov(x, y) / var(x), b = mean(y) - w mean(x)
dx, dy = x - x.mean(), y - y.mean()
w_best = (dx * dy).sum() / (dx * dx).sum()
print(f"least squares: w = {w_best.item():.4f}, b = {(y.mean() - w_best * x.mean()).item():.4f}")
