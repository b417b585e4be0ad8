"""Lesson: Dropout zeroes and rescales in training mode and does nothing in eval mode."""

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
drop = nn.Dropout(p=0.5)
print(drop, "training:", drop.training)
x = torch.ones(2, 8)
print("train:", drop(x), sep="\n")
print("kept fraction:", (drop(torch.ones(1000)) != 0).float().mean().item())
drop.eval()
print(drop, "training:", drop.training)
print("eval:", drop(x), sep="\n")
drop.train()
print("back to train:", drop.training)

# Gradients flow only through the kept units, scaled by 1 / (1 - p)
w = torch.ones(6, requires_grad=True)
out = nn.Dropout(p=0.25)(w * 2)
out.sum().backward()
print("out:", out, "grad:", w.grad, sep="\n")

# train() and eval() reach every submodule
model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Dropout(0.3), nn.Linear(4, 1))
print([m.training for m in model.modules()])
model.eval()
print([m.training for m in model.modules()])
inp = torch.randn(3, 4)
with torch.no_grad():
    first, second = model(inp), model(inp)
print("eval is deterministic:", torch.equal(first, second), first.squeeze())
model.train()
with torch.no_grad():
    print("train output:", model(inp).squeeze(), model(inp).squeeze())

# The functional form takes the mode as an argument
print(F.dropout(torch.ones(5), p=0.4, training=True))
print(F.dropout(torch.ones(5), p=0.4, training=False))
print(nn.Dropout(p=0.0)(torch.ones(3)), nn.Dropout(p=1.0)(torch.ones(3)))
try:
    nn.Dropout(p=1.5)
except ValueError as err:
    print("ValueError:", err)
