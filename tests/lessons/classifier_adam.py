"""Lesson: a two-layer network classifies three blobs of points with CrossEntropyLoss and Adam."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

# Three clusters of 2-d points, 30 each
centers = torch.tensor([[2.0, 0.0], [-1.0, 1.5], [-1.0, -1.5]])
labels = torch.cat([torch.full((30,), k, dtype=torch.long) for k in range(3)])
points = centers[labels] + 0.6 * torch.randn(90, 2)
print("points:", points.shape, points.dtype, "labels:", labels.shape, labels.dtype)
print("class counts:", [(labels == k).sum().item() for k in range(3)])


class Classifier(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.fc1 = nn.Linear(2, hidden)
        self.fc2 = nn.Linear(hidden, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


model = Classifier(8)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
for name, p in model.named_parameters():
    print(f"  {name}: {tuple(p.shape)} mean {p.mean().item():.4f}")

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
print("before training:", loss_fn(model(points), labels))

for epoch in range(30):
    optimizer.zero_grad()
    logits = model(points)
    loss = loss_fn(logits, labels)
    loss.backward()
    optimizer.step()
    if epoch % 5 == 0 or epoch == 29:
        accuracy = (logits.argmax(dim=1) == labels).float().mean()
        print(f"epoch {epoch:2d}  loss {loss.item():.4f}  accuracy {accuracy.item():.3f}")

print("fc2.bias.grad:", model.fc2.bias.grad)
state = optimizer.state[model.fc2.bias]
print("Adam state:", sorted(state), state["step"], state["exp_avg"])

model.eval()
with torch.no_grad():
    probe = torch.tensor([[2.0, 0.2], [-1.0, 1.0], [0.0, -2.0], [0.0, 0.0]])
    probs = F.softmax(model(probe), dim=1)
    print("probabilities:", probs, sep="\n")
    print("predicted:", probs.argmax(1), "row sums:", probs.sum(1))

# CrossEntropyLoss is log_softmax + nll_loss; reductions and label smoothing
logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
target = torch.tensor([0, 1])
print(F.cross_entropy(logits, target), F.nll_loss(F.log_softmax(logits, dim=1), target))
print(F.cross_entropy(logits, target, reduction="none"))
print(F.cross_entropy(logits, target, reduction="sum"))
print(nn.CrossEntropyLoss(label_smoothing=0.1)(logits, target))
try:
    loss_fn(logits, torch.tensor([0.0, 1.0]))
except RuntimeError as err:
    print("RuntimeError:", err)
