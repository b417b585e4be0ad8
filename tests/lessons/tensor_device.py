"""Lesson: pick a device, make tensors there, move them, and read where they live."""

import torch

device = "cuda" if torch.cuda.is_available() else "cpu"
print("CUDA available:", torch.cuda.is_available(), "devices:", torch.cuda.device_count())
print("MPS available:", torch.backends.mps.is_available())
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False

dev = torch.device(device)
print(dev, repr(dev), dev.type)
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
w = torch.ones(2, 2, device=dev, requires_grad=True)
print(x.device, x.is_cuda)
y = (x @ w).sum()
y.backward()
print(y.item(), w.grad)
z = x.to(device, torch.float64)
print(z.dtype, z.device, x.to(z).dtype)
print(x.cpu().numpy().tolist())
print(torch.zeros(size=(2, 3), device=device).shape)
print(torch.arange(4, device=device), torch.linspace(0, 1, 3, device=device))
print(torch.logspace(0, 3, 4), x.new_ones(3), x.new_full((2,), 0.5))
try:
    x.cuda()
except AssertionError as err:
    print("AssertionError:", err)
