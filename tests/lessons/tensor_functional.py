"""Lesson: Jacobians, Hessians and vector products of small functions, and torch.func."""

import torch
from torch.autograd.functional import hessian, jacobian, jvp, vjp


def f(x):
    return torch.stack([x[0] * x[1], x[0] ** 2 + x[1].exp()])


def energy(x):
    return (x**2).sum() + x[0] * x[1] ** 2


x = torch.tensor([1.0, 2.0], dtype=torch.float64)
print("f(x) =", f(x))
print("J =", jacobian(f, x))
print("H =", hessian(energy, x))
value, product = vjp(f, x, torch.tensor([1.0, -1.0], dtype=torch.float64))
print("vjp:", value, product)
value, product = jvp(f, x, torch.tensor([0.0, 1.0], dtype=torch.float64))
print("jvp:", value, product)
print("two inputs:", jacobian(lambda a, b: a * b, (x, x + 1)))

grad_energy = torch.func.grad(energy)
print("grad:", grad_energy(x))
batch = torch.tensor([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]], dtype=torch.float64)
print("vmap:", torch.func.vmap(energy)(batch))
print("vmap of grad:", torch.func.vmap(grad_energy)(batch))
print(hasattr(torch, "no_such_function"))
