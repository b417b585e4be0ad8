"""Lesson: make tensors, read their shape and dtype, index, broadcast, reduce and reshape."""

import numpy as np
import torch

torch.manual_seed(0)

# Making tensors
a = torch.tensor([[1, 2, 3], [4, 5, 6]])
b = torch.tensor([[0.5, -1.0, 2.0], [3.0, 0.25, -4.0]])
print(a)
print(b)
print("shape:", a.shape, "size(1):", a.size(1), "ndim:", a.ndim, "numel:", a.numel())
print("dtypes:", a.dtype, b.dtype, torch.tensor(True).dtype, torch.tensor(2.5).dtype)
print(torch.zeros(2, 3), torch.ones(3), torch.full((2, 2), 7.0), sep="\n")
print(torch.arange(6), torch.arange(1, 2, 0.25), torch.linspace(-1, 1, 5), sep="\n")
print(torch.eye(3))
print("random:", torch.rand(2, 3), torch.randn(3), torch.randint(0, 10, (4,)), sep="\n")
print(torch.zeros_like(b), torch.ones_like(a), sep="\n")

# From and to numpy
arr = np.array([[1.0, 2.0], [3.0, 4.0]])
t = torch.from_numpy(arr)
print(t, t.dtype)
print(t.numpy(), type(t.numpy()).__name__)
print(a.tolist(), b[0, 1].item(), type(b[0, 1].item()).__name__)

# Casting
print(a.float(), a.double().dtype, b.long(), b.int().dtype, (b > 0).dtype, sep="\n")
print(a.to(torch.float32) / 2)

# Indexing and slicing
x = torch.arange(12).reshape(3, 4)
print(x)
print(x[0], x[:, 1], x[1:, ::2], x[-1, -1], sep="\n")
print(x[x % 3 == 0])
print(x[[0, 2]])
x[0, 0] = 100
x[:, 3] = -1
print(x)

# Arithmetic and broadcasting
row = torch.tensor([1.0, 10.0, 100.0])
col = torch.tensor([[1.0], [2.0]])
print(b + row)
print(col * row)
print(b * 2, b**2, -b, b / b.abs(), sep="\n")
print(torch.exp(torch.tensor([0.0, 1.0])), torch.sqrt(torch.tensor([4.0, 9.0])), sep="\n")
print(b.clamp(-1, 1), torch.where(b > 0, b, torch.zeros_like(b)), sep="\n")

# Reductions
print(b.sum(), b.sum(dim=0), b.sum(1, keepdim=True), sep="\n")
print(b.mean(), b.mean(dim=1), b.max(), b.argmax(), sep="\n")
values, indices = b.max(dim=1)
print("max per row:", values, indices)
print(b.min(dim=0))

# Shapes
y = torch.arange(24)
print(y.view(2, 3, 4).shape, y.reshape(4, -1).shape, y.reshape(2, 3, 4).permute(2, 0, 1).shape)
z = torch.ones(1, 3, 1)
print(z.squeeze().shape, z.squeeze(0).shape, z.unsqueeze(0).shape, z.flatten().shape)
print(b.t(), b.T.shape, b.transpose(0, 1).shape, sep="\n")
print(torch.cat([b, b], dim=0).shape, torch.cat([b, b], dim=1).shape, torch.stack([b, b]).shape)

# Matrix products
m = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
v = torch.tensor([1.0, -1.0])
print(m @ m, m @ v, torch.matmul(m, m.T), torch.mm(m, m), torch.dot(v, v), sep="\n")

# Errors are the same too
for bad in (lambda: b + torch.ones(4), lambda: m @ torch.ones(3), lambda: x.view(5, -1)):
    try:
        bad()
    except RuntimeError as err:
        print(type(err).__name__ + ":", err)
