"""Lesson: the other losses, a forward hook, dtype changes, Subset and a custom collate_fn."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Subset, TensorDataset

torch.manual_seed(9)
logits = torch.randn(4, requires_grad=True)
target = torch.tensor([1.0, 0.0, 1.0, 1.0])
probs = torch.sigmoid(logits)
for name, loss in [
    ("BCELoss", nn.BCELoss()(probs, target)),
    ("BCEWithLogitsLoss", nn.BCEWithLogitsLoss()(logits, target)),
    ("functional", F.binary_cross_entropy_with_logits(logits, target, reduction="sum")),
    ("L1Loss", nn.L1Loss()(probs, target)),
    ("MSELoss sum", nn.MSELoss(reduction="sum")(probs, target)),
]:
    print(f"{name:18s}", loss)
nn.BCEWithLogitsLoss()(logits, target).backward()
print("grad of BCE with logits:", logits.grad)
scores = nn.LogSoftmax(dim=1)(torch.randn(3, 4))
print("NLLLoss:", nn.NLLLoss()(scores, torch.tensor([3, 0, 1])))
print("NLLLoss none:", nn.NLLLoss(reduction="none")(scores, torch.tensor([3, 0, 1])))

# A forward hook sees each layer's output
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Identity(), nn.Linear(4, 2))
nn.init.xavier_normal_(model[0].weight)
print("xavier_normal_:", model[0].weight)
seen = []
handle = model[1].register_forward_hook(lambda module, inp, out: seen.append(out.shape))
model(torch.randn(5, 3))
handle.remove()
model(torch.randn(5, 3))
print("hook saw:", seen)
print("named modules:", [name for name, _ in model.named_modules()])

# Changing a model's dtype
model.double()
print("double:", model[0].weight.dtype, model(torch.randn(1, 3, dtype=torch.float64)).dtype)
model.float()
print("float:", model[3].bias.dtype)

# Subset and a custom collate_fn
data = TensorDataset(torch.arange(10.0), torch.arange(10) % 2)
evens = Subset(data, [0, 2, 4, 6, 8])
print("subset:", len(evens), evens[1])


def as_dict(samples):
    xs, ys = zip(*samples)
    return {"x": torch.stack(xs), "y": torch.stack(ys), "n": len(samples)}


for batch in DataLoader(evens, batch_size=2, collate_fn=as_dict):
    print("custom batch:", batch)
try:
    nn.BCELoss()(torch.tensor([0.5, 2.0]), torch.tensor([1.0, 0.0]))
except RuntimeError as err:
    print("RuntimeError:", err)

# Clipping gradients before a step
net = nn.Linear(3, 2)
(net(torch.randn(8, 3) * 10) ** 2).sum().backward()
before = nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
after = torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
print(f"norm before clipping {before.item():.2f}, after {after.item():.4f}", type(after).__name__)
torch.nn.utils.clip_grad_value_(net.parameters(), clip_value=0.1)
print("clipped values:", net.weight.grad, net.bias.grad, sep="\n")
