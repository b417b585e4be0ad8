"""Lesson: BatchNorm1d normalises each feature over a batch, LayerNorm each sample."""

import torch
from torch import nn

torch.manual_seed(5)
x = torch.randn(6, 3) * torch.tensor([1.0, 5.0, 0.1]) + torch.tensor([0.0, 10.0, -3.0])
print("input:", x, sep="\n")
print("feature means:", x.mean(0), "sample means:", x.mean(1), sep="\n")

bn = nn.BatchNorm1d(3)
print(bn)
print("weight, bias:", bn.weight, bn.bias)
print("running stats:", bn.running_mean, bn.running_var, bn.num_batches_tracked)
y = bn(x)
print("train output:", y, sep="\n")
print("output feature means ~ 0:", (y.mean(0).abs() < 1e-5).tolist())
print("running stats after one batch:", bn.running_mean, bn.running_var, bn.num_batches_tracked)
for _ in range(4):
    bn(x)
print("after five batches:", bn.running_mean, bn.running_var, bn.num_batches_tracked)
bn.eval()
print("eval output uses the running stats:", bn(x[:2]), sep="\n")
print("buffers:", [name for name, _ in bn.named_buffers()])
print("state_dict keys:", list(bn.state_dict()))

# Gradients through batch normalisation
bn.train()
xg = x.clone().requires_grad_()
(bn(xg) * torch.linspace(-1, 2, 18).reshape(6, 3)).sum().backward()
print("input grad:", xg.grad, sep="\n")
print("weight grad:", bn.weight.grad, "bias grad:", bn.bias.grad)

ln = nn.LayerNorm(3)
print(ln, ln.normalized_shape, ln.eps, ln.elementwise_affine)
z = ln(x)
print("layer norm output:", z, sep="\n")
print("sample means ~ 0:", (z.mean(1).abs() < 1e-5).tolist(), z.grad_fn.name())
ln2 = nn.LayerNorm([2, 3], elementwise_affine=False)
print(ln2, list(ln2.parameters()))
print(ln2(x.reshape(3, 2, 3))[0])

# Normalisation inside a network
torch.manual_seed(1)
net = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))
optimizer = torch.optim.SGD(net.parameters(), lr=0.05)
target = x[:, :1] * 2
for step in range(5):
    loss = ((net(x) - target) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"step {step}: loss {loss.item():.4f}")
print("inner running mean:", [round(v, 3) for v in net[1].running_mean.tolist()])
try:
    bn(torch.randn(4, 5))
except RuntimeError as err:
    print("RuntimeError:", err)
