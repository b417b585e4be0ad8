"""Lesson: build models from Modules: Sequential, ModuleList, ModuleDict, parameters and init."""

import torch
from torch import nn

torch.manual_seed(4)


class Block(nn.Module):
    """A linear layer with an activation chosen by name."""

    def __init__(self, n_in, n_out, act="relu"):
        super().__init__()
        self.linear = nn.Linear(n_in, n_out)
        self.acts = nn.ModuleDict({"relu": nn.ReLU(), "tanh": nn.Tanh()})
        self.act = act

    def forward(self, x):
        return self.acts[self.act](self.linear(x))


class Tower(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.blocks = nn.ModuleList(
            [
                Block(a, b, "tanh" if i % 2 else "relu")
                for i, (a, b) in enumerate(zip(sizes, sizes[1:]))
            ]
        )
        self.head = nn.Linear(sizes[-1], 1, bias=False)
        self.scale = nn.Parameter(torch.tensor(2.0))
        self.register_buffer("calls", torch.zeros((), dtype=torch.long))

    def forward(self, x):
        self.calls += 1
        for block in self.blocks:
            x = block(x)
        return self.head(x) * self.scale


model = Tower([3, 5, 4])
print(model)
print("blocks:", len(model.blocks), type(model.blocks[0]).__name__)
for name, p in model.named_parameters():
    print(f"  {name:24s} {str(tuple(p.shape)):8s} {p.requires_grad}")
print("count:", sum(p.numel() for p in model.parameters()))
print("buffers:", dict(model.named_buffers()))
print("children:", [name for name, _ in model.named_children()])
print("modules:", [type(m).__name__ for m in model.modules()])

x = torch.randn(2, 3)
out = model(x)
print("out:", out, "calls:", model.calls)
out.sum().backward()
print("scale.grad:", model.scale.grad)
print("head grad:", model.head.weight.grad)
model.zero_grad()
print("after zero_grad:", model.scale.grad)

# Freezing a part of the model
for p in model.blocks[0].parameters():
    p.requires_grad_(False)
print("trainable:", [n for n, p in model.named_parameters() if p.requires_grad])

# nn.init rewrites parameters in place
layer = nn.Linear(4, 3)
nn.init.zeros_(layer.bias)
nn.init.constant_(layer.weight, 0.5)
print(layer.weight, layer.bias, sep="\n")
nn.init.xavier_uniform_(layer.weight)
print("xavier_uniform_:", layer.weight)
nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
print("kaiming_normal_:", layer.weight)
nn.init.normal_(layer.bias, mean=0.0, std=0.01)
nn.init.uniform_(layer.bias, -0.1, 0.1)
print("uniform_:", layer.bias)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.ones_(m.weight)
        print("  init", m)


seq = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
seq.apply(init_weights)
print(seq[0].weight, seq[-1].weight, len(seq), sep="\n")
print(nn.Sequential(nn.Linear(2, 3), nn.Sigmoid())(torch.ones(1, 2)).shape)

# Parameters are tensors that a Module registers
p = nn.Parameter(torch.ones(2))
print(p, isinstance(p, torch.Tensor), p.is_leaf)
try:
    print(model.blocks[5])
except IndexError as err:
    print("IndexError:", err)
try:
    print(model.no_such_layer)
except AttributeError as err:
    print("AttributeError:", err)
