"""Lesson: a small CNN (Conv2d, ReLU, MaxPool2d, Flatten, Linear) tells crosses from squares."""

import torch
from torch import nn

torch.manual_seed(3)


def make_images(n):
    """n noisy 8x8 images: a plus sign (label 0) or a hollow square (label 1)."""
    plus = torch.zeros(8, 8)
    plus[3:5, 1:7] = 1.0
    plus[1:7, 3:5] = 1.0
    square = torch.zeros(8, 8)
    square[1:7, 1:7] = 1.0
    square[2:6, 2:6] = 0.0
    labels = torch.randint(0, 2, (n,))
    base = torch.stack([plus, square])[labels]
    images = base + 0.3 * torch.randn(n, 8, 8)
    return images.unsqueeze(1), labels


images, labels = make_images(48)
print("images:", images.shape, "labels:", labels[:12])
torch.set_printoptions(precision=1)
print("one image:", images[0, 0], sep="\n")
torch.set_printoptions(profile="default")

conv = nn.Conv2d(1, 4, kernel_size=3, padding=1)
print(conv, "weight:", conv.weight.shape, "bias:", conv.bias.shape)
feature = conv(images[:2])
print("after conv:", feature.shape, feature.grad_fn.name())
pooled = nn.MaxPool2d(2)(feature)
print("after pool:", pooled.shape, pooled.grad_fn.name())

model = nn.Sequential(
    nn.Conv2d(1, 4, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(4, 8, kernel_size=3),
    nn.ReLU(),
    nn.Flatten(),
    nn.Linear(8 * 2 * 2, 2),
)
print(model)
x = images[:3]
for layer in model:
    x = layer(x)
    print(f"  {type(layer).__name__:8s} -> {tuple(x.shape)}")

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for epoch in range(12):
    optimizer.zero_grad()
    logits = model(images)
    loss = loss_fn(logits, labels)
    loss.backward()
    optimizer.step()
    correct = (logits.argmax(1) == labels).sum().item()
    print(f"epoch {epoch:2d}  loss {loss.item():.4f}  correct {correct}/48")

print("first conv kernel grad:", model[0].weight.grad[0, 0], sep="\n")
test_images, test_labels = make_images(16)
with torch.no_grad():
    predicted = model(test_images).argmax(1)
print("test labels:", test_labels)
print("predicted:  ", predicted)
print("test accuracy:", (predicted == test_labels).float().mean().item())

# Strides, padding and the output-size formula
for kwargs in ({"stride": 2}, {"padding": 2}, {"stride": 2, "padding": 1}):
    out = nn.Conv2d(1, 1, 3, **kwargs)(images[:1])
    print(kwargs, "->", tuple(out.shape))
try:
    nn.Conv2d(3, 4, 3)(images[:1])
except RuntimeError as err:
    print("RuntimeError:", err)
