"""Lesson: state_dict, torch.save and torch.load for tensors, models and optimizers."""

import io
import os
import tempfile

import torch
from torch import nn

torch.manual_seed(11)
model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
state = model.state_dict()
print(type(state).__name__, list(state))
for name, value in state.items():
    print(f"  {name}: {tuple(value.shape)} requires_grad={value.requires_grad}")
print(state["2.bias"])

# Save to a file and load into a fresh model with a different initialisation
folder = tempfile.mkdtemp()
path = os.path.join(folder, "model.pt")
torch.save(model.state_dict(), path)
clone = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
x = torch.randn(2, 3)
with torch.no_grad():
    print("before loading the outputs differ:", torch.allclose(model(x), clone(x)))
result = clone.load_state_dict(torch.load(path))
print(result)
with torch.no_grad():
    print("after loading they agree:", torch.equal(model(x), clone(x)), clone(x), sep="\n")

# Tensors, lists and dicts of tensors round-trip through a buffer too
buffer = io.BytesIO()
torch.save({"step": 3, "weights": [torch.arange(3), torch.ones(2, dtype=torch.float64)]}, buffer)
buffer.seek(0)
loaded = torch.load(buffer)
print(loaded["step"], loaded["weights"])

# A training checkpoint: model, optimizer and epoch
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for _ in range(3):
    optimizer.zero_grad()
    model(x).pow(2).sum().backward()
    optimizer.step()
checkpoint = {"epoch": 3, "model": model.state_dict(), "optimizer": optimizer.state_dict()}
torch.save(checkpoint, os.path.join(folder, "checkpoint.pt"))
restored = torch.load(os.path.join(folder, "checkpoint.pt"))
print("checkpoint keys:", list(restored), "epoch:", restored["epoch"])
opt_state = restored["optimizer"]
print("optimizer state_dict:", list(opt_state), opt_state["param_groups"][0]["lr"])
print("state of param 3:", sorted(opt_state["state"][3]), opt_state["state"][3]["step"])
print(opt_state["param_groups"][0]["params"])

resumed = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
resumed.load_state_dict(restored["model"])
resumed_opt = torch.optim.Adam(resumed.parameters(), lr=0.01)
resumed_opt.load_state_dict(restored["optimizer"])
for net, opt in ((model, optimizer), (resumed, resumed_opt)):
    opt.zero_grad()
    net(x).pow(2).sum().backward()
    opt.step()
print("one more step, same weights:", torch.equal(model[2].bias, resumed[2].bias), resumed[2].bias)

# Mismatched keys and shapes
try:
    nn.Linear(3, 4).load_state_dict({"weight": torch.zeros(4, 3)})
except RuntimeError as err:
    print("RuntimeError:", err)
print(nn.Linear(3, 4).load_state_dict({"weight": torch.zeros(4, 3)}, strict=False))
try:
    nn.Linear(3, 4).load_state_dict(nn.Linear(3, 5).state_dict())
except RuntimeError as err:
    print("RuntimeError:", err)
