"""Printed-output catalogue: lesson-style snippets print, warn and fail exactly as in torch.

Each snippet runs once with `torch` and once with `minigrad` bound to the name `torch` (and
`Variable`, `F` to each library's). A trailing expression is printed with `repr`, as in a
notebook cell. Compared: stdout, warnings (category and message, without torch's
"(Triggered internally at ...)"), and the error (type name and message). Memory addresses
are masked; everything else, `torch.float64` and `torch::autograd::` included, must be equal.
Snippets whose
values come from a random generator print only shapes and dtypes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import torch

import minigrad

from cells import masked, run_snippet

CATALOGUE = r"""
torch.float32
# ---
torch.float64, torch.int64, torch.int32, torch.bool
# ---
torch.float, torch.double, torch.long, torch.int
# ---
torch.get_default_dtype()
# ---
torch.float32 == torch.float, torch.float32 is torch.float
# ---
torch.float32.is_floating_point, torch.int64.is_floating_point
# ---
torch.Size([2, 3])
# ---
torch.Size([])
# ---
torch.zeros(2, 3).shape
# ---
torch.zeros(2, 3).size()
# ---
torch.zeros(2, 3).size(1), torch.zeros(2, 3).size(-1)
# ---
x = torch.zeros(2, 3, 4)
x.ndim, x.dim(), x.numel(), len(x)
# ---
torch.Size([2, 3]) == (2, 3), torch.zeros(2, 3).shape[0]
# ---
type(torch.zeros(2).shape)
# ---
torch.zeros(2, 3).shape.numel()
# ---
list(torch.zeros(4, 5).shape)
# ---
torch.tensor([1, 2, 3])
# ---
torch.tensor([1., 2., 3.])
# ---
torch.tensor([1.5, 2.25, -3.0])
# ---
torch.tensor(3.)
# ---
torch.tensor(3)
# ---
torch.tensor(True), torch.tensor([True, False])
# ---
torch.tensor([[1, 2], [3, 4]], dtype=torch.float64)
# ---
torch.tensor([1e-5, 1.0])
# ---
torch.tensor([1e10, 1.0])
# ---
torch.tensor([0.1, 0.25, 100.0])
# ---
torch.tensor([123456.5, 0.5])
# ---
torch.tensor([])
# ---
torch.zeros(0, 3)
# ---
torch.arange(2000)
# ---
torch.ones(100, 100)
# ---
torch.tensor([1, 2], dtype=torch.int32)
# ---
torch.tensor([float('nan'), float('inf'), -float('inf'), 1.0])
# ---
torch.tensor([[1.123456789, 2], [3, 4]])
# ---
torch.tensor([-0.0, 0.0, -1.5])
# ---
torch.zeros(2, 3, 4)
# ---
torch.eye(3)
# ---
torch.eye(2, 3)
# ---
torch.full((2, 2), 7.)
# ---
torch.full((2,), 7)
# ---
torch.arange(5), torch.arange(1, 4, 0.5), torch.arange(0., 3.)
# ---
torch.linspace(0, 1, 5)
# ---
torch.ones_like(torch.tensor([1, 2])), torch.zeros_like(torch.ones(2), dtype=torch.float64)
# ---
torch.full_like(torch.ones(2, 2), 3.5)
# ---
torch.empty(2, 3).shape, torch.empty(2, 3).dtype
# ---
torch.manual_seed(0)
x = torch.rand(2, 3)
x.shape, x.dtype, bool(((x >= 0) & (x < 1)).all())
# ---
torch.manual_seed(1)
torch.randn(4).dtype, torch.randn(2, 3).shape
# ---
torch.manual_seed(2)
r = torch.randint(0, 10, (3,))
r.dtype, r.shape, bool(((r >= 0) & (r < 10)).all())
# ---
torch.rand(2, requires_grad=True).requires_grad
# ---
torch.randn(2, 2, dtype=torch.float64).dtype
# ---
torch.FloatTensor([1, 2])
# ---
torch.DoubleTensor([1, 2])
# ---
torch.LongTensor([1, 2])
# ---
torch.Tensor([1, 2])
# ---
torch.Tensor(2, 3).shape, torch.Tensor([[1, 2]]).dtype
# ---
torch.tensor([1, 2]).float(), torch.tensor([1, 2]).double(), torch.tensor([1.7, -2.5]).long()
# ---
torch.tensor([1.5, 2.5]).int(), torch.tensor([0., 2.]).bool()
# ---
torch.tensor([1, 2]).to(torch.float64)
# ---
x = torch.tensor([[1., 2.], [3., 4.]])
x.tolist(), x[0, 1].item(), float(x[1, 1]), int(x[1, 0])
# ---
bool(torch.tensor(0.)), bool(torch.tensor([2]))
# ---
torch.tensor([1.5, 2.0]).numpy()
# ---
torch.tensor([[1, 2], [3, 4]]).T
# ---
x = torch.ones(3)
x.T
# ---
[t for t in torch.tensor([1, 2])]
# ---
x = torch.arange(12).reshape(3, 4)
x[0], x[:, 1], x[1:, ::2]
# ---
x = torch.arange(12).reshape(3, 4)
x[[0, 2]], x[x > 8]
# ---
x = torch.arange(6).reshape(2, 3)
x[None].shape, x[..., 0], x[:, None, :].shape
# ---
x = torch.arange(6).reshape(2, 3)
x[torch.tensor([1, 0])]
# ---
x = torch.tensor([1, 2, 3])
x > 2, x == 2, x != 1, x <= 2
# ---
x = torch.tensor([1, 2, 3])
(x > 1) & (x < 3), ~(x > 1)
# ---
torch.tensor([1, 2]) == torch.tensor([1, 3])
# ---
print(torch.tensor([1., 2.]))
print(str(torch.tensor([[1, 2]])))
# ---
print(f"{torch.tensor(2.5)}", format(torch.tensor(2.5).item(), '.2f'))
# ---
try:
    torch.set_printoptions(precision=2)
    print(torch.tensor([1.23456, 2.5]))
finally:
    torch.set_printoptions(profile="default")
# ---
torch.tensor([1, 2]) / 2
# ---
torch.tensor([1, 2]) + 1.5, torch.tensor([1, 2]) * 2
# ---
torch.tensor([1., 2.]) + torch.tensor([1., 2.], dtype=torch.float64)
# ---
torch.tensor(2., dtype=torch.float64) * torch.ones(2)
# ---
torch.tensor([True, True, False]).sum(), torch.tensor([1, 2]).sum()
# ---
torch.tensor([1, 2]).mean()
# ---
torch.tensor([[1., 2.], [3., 4.]]).mean(0), torch.tensor([[1., 2.], [3., 4.]]).sum(1, keepdim=True)
# ---
torch.tensor([[1., 5.], [3., 4.]]).max(dim=1)
# ---
torch.tensor([[1., 5.], [3., 4.]]).min(0)
# ---
v, i = torch.tensor([[1., 5.], [3., 4.]]).max(1)
v, i
# ---
torch.tensor([3., 1., 2.]).argmax(), torch.tensor([3., 1., 2.]).max()
# ---
torch.is_tensor(torch.ones(1)), torch.is_tensor([1]), torch.is_floating_point(torch.ones(1))
# ---
torch.tensor([[1, 2], [3, 4]]) @ torch.tensor([[1], [1]])
# ---
torch.cat([torch.ones(2), torch.zeros(3)]), torch.stack([torch.ones(2), torch.zeros(2)])
# ---
torch.where(torch.tensor([True, False]), torch.tensor([1., 2.]), torch.tensor([3., 4.]))
# ---
x = torch.tensor([1., 2.], requires_grad=True)
x
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
y
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
print(y.grad_fn)
print(y.grad_fn.name())
# ---
x = torch.tensor([1., 2.], requires_grad=True)
(x * 2).grad_fn.next_functions
# ---
x = torch.tensor([1., 2.], requires_grad=True)
(x * torch.ones(2)).grad_fn.next_functions
# ---
x = torch.tensor([1., 2.], requires_grad=True)
acc = (x * x).grad_fn.next_functions[0][0]
acc, acc.name(), acc.next_functions, acc.variable is x
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
x.grad_fn, x.is_leaf, y.is_leaf, y.requires_grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
(x * x).sum(), x.sum(0), x.mean(), x.max(), x.min()
# ---
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
x.sum(0), x.mean(1), x.max(1), x.min(dim=0, keepdim=True)
# ---
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
x.t(), x.T, x.transpose(0, 1), x.permute(1, 0)
# ---
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
x.view(4), x.reshape(1, 4), x.flatten(), x.t().reshape(4)
# ---
x = torch.tensor([[1., 2.]], requires_grad=True)
x.squeeze(), x.squeeze(0), x.unsqueeze(0), x.expand(3, 2)
# ---
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
x[0], x[:, 1], x[1:], x[[0, 0]], x[x > 1]
# ---
x = torch.tensor([1., 2.], requires_grad=True)
torch.cat([x, x]), torch.stack([x, x]), x.softmax(0), x.log_softmax(0)
# ---
x = torch.tensor([-1., 2.], requires_grad=True)
x.relu(), x.sigmoid(), x.tanh(), x.exp(), x.abs(), x.clamp(0, 1)
# ---
x = torch.tensor([1., 4.], requires_grad=True)
x.log(), x.sqrt(), x.sin(), x.cos(), torch.relu(x)
# ---
x = torch.tensor([1., 2.], requires_grad=True)
x ** 2, x ** x, 2 ** x, 2 - x, x - 2, x / 2, 2 / x, -x
# ---
x = torch.tensor([1., 2.], requires_grad=True)
x + 1, 1 + x, x * 3, x.double(), x.clone(), x.float()
# ---
x = torch.tensor([1., 2.], requires_grad=True)
(2 / x).grad_fn.next_functions
# ---
x = torch.tensor([1., 2.], requires_grad=True)
torch.where(x > 1, x, torch.zeros(2)), torch.maximum(x, torch.ones(2))
# ---
a = torch.ones(2, 3, requires_grad=True)
b = torch.ones(3, 2)
torch.mm(a, b), a @ b, a @ torch.ones(3), torch.ones(2) @ a
# ---
a = torch.ones(4, 2, 3, requires_grad=True)
a @ torch.ones(4, 3, 2), a @ torch.ones(3)
# ---
x = torch.ones(3, requires_grad=True)
torch.dot(x, x), x.add(x, alpha=2), torch.sub(x, x, alpha=3)
# ---
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
F.mse_loss(x, torch.zeros(2, 2)), F.cross_entropy(x, torch.tensor([0, 1]))
# ---
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
F.nll_loss(x, torch.tensor([0, 1])), F.nll_loss(x, torch.tensor([1, 1]), reduction="none")
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = (x * x).sum()
y.backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
(x * x).sum().backward()
(x * x).sum().backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
(x + x).sum().backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
a = x * 2
b = x * 3
(a * b).sum().backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
(x * x).sum().backward()
x.grad.zero_()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
(x * 3).sum().backward()
x.grad = None
print(x.grad)
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
y.backward()
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
y.backward(torch.tensor([1., 1., 1.]))
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
y.backward(torch.tensor([1., 10.]))
x.grad
# ---
x = torch.tensor([1., 2.])
x.sum().backward()
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = (x * x).sum()
y.backward()
y.backward()
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = (x * x).sum()
y.backward(retain_graph=True)
y.backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = (x + 1).sum()
y.backward()
y.backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x.mean()
y.backward()
y.backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x.view(2, 1).sum()
y.backward()
y.backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = (x * 2).sum()
y.backward()
y.backward()
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x.exp().sum()
y.backward()
y.backward()
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = (x * x).sum()
y.backward()
y.grad_fn.next_functions[0][0]._saved_self
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * x
y.grad_fn._saved_self, y.grad_fn._saved_other
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
print(y.grad)
print(y.grad)
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
y.retain_grad()
y.sum().backward()
y.grad, y.retains_grad, x.retains_grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
y.register_hook(lambda g: print("hook", g))
y.sum().backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
x.register_hook(lambda g: g * 10)
(x * x).sum().backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
h = x.register_hook(lambda g: g * 10)
h.remove()
(x * x).sum().backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 3
y.grad_fn.register_hook(lambda gi, go: print("post", gi, go))
y.grad_fn.register_prehook(lambda go: print("pre", go))
y.sum().backward()
# ---
x = torch.tensor([1., 2.], requires_grad=True)
torch.autograd.grad((x * x).sum(), x)
# ---
x = torch.tensor([1., 2.], requires_grad=True)
g, = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
g, torch.autograd.grad(g.sum(), x)
# ---
x = torch.tensor([1., 2.], requires_grad=True)
z = torch.tensor([1., 2.], requires_grad=True)
torch.autograd.grad((x * x).sum(), [x, z])
# ---
x = torch.tensor([1., 2.], requires_grad=True)
z = torch.tensor([1., 2.], requires_grad=True)
torch.autograd.grad((x * x).sum(), [x, z], allow_unused=True)
# ---
x = torch.tensor([1., 2.], requires_grad=True)
torch.autograd.grad((x * x).sum(), x, grad_outputs=torch.tensor(2.))
# ---
x = torch.tensor([1., 2.], requires_grad=True)
z = torch.tensor([3., 4.], requires_grad=True)
(x * z).sum().backward(inputs=[x])
x.grad, z.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
torch.autograd.backward([y], [torch.ones(2)])
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
x.add_(1)
# ---
x = torch.tensor([1., 2.], requires_grad=True)
x += 1
# ---
x = torch.tensor([1., 2.], requires_grad=True)
with torch.no_grad():
    x.add_(1)
x, x._version
# ---
x = torch.tensor([1., 2.], requires_grad=True)
x[0] = 5
# ---
x = torch.tensor([1., 2.], requires_grad=True)
v = x[0:1]
v.mul_(2)
# ---
x = torch.tensor([1., 2.], requires_grad=True)
a = x * 2
a.add_(1)
a, a.grad_fn, a._version
# ---
x = torch.tensor([1., 2.], requires_grad=True)
a = x * 2
b = a * a
a.add_(1)
b.sum().backward()
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x.exp()
y.add_(1)
y.sum().backward()
# ---
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
w = x * 1
y = w.t() * w.t()
y.t().mul_(2)
y.sum().backward()
# ---
x = torch.tensor([1., 2.], requires_grad=True)
a = x * 1
a[0] = 10
a, a.grad_fn.name()
# ---
x = torch.tensor([1., 2.], requires_grad=True)
a = x * 1
a[0] = 10
a.sum().backward()
x.grad
# ---
x = torch.ones(3)
x.zero_(), x.fill_(2), x.copy_(torch.tensor([1., 2., 3.])), x._version
# ---
x = torch.ones(2)
x += 1
x -= 3
x *= 2
x /= 4
x
# ---
x = torch.tensor([1, 2])
x += 1.5
# ---
torch.tensor([1, 2]).requires_grad_()
# ---
torch.tensor([1, 2], requires_grad=True)
# ---
x = torch.tensor([1., 2.], requires_grad=True)
(x * 2).requires_grad_(False)
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
y.requires_grad = False
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
y.requires_grad_(), y.requires_grad_(True)
# ---
x = torch.tensor([1., 2.])
x.requires_grad = True
x
# ---
x = torch.tensor([1., 2.], requires_grad=True)
x.numpy()
# ---
torch.tensor([1., 2.]).item()
# ---
torch.zeros(2, 3).view(4)
# ---
torch.zeros(2, 3).t().view(6)
# ---
torch.zeros(2, 3).sum(3)
# ---
torch.zeros(2, 3).transpose(0, 2)
# ---
torch.zeros(2)[5]
# ---
torch.zeros(2, 2)[0, 0, 0]
# ---
torch.ones(2, 3) @ torch.ones(2, 3)
# ---
torch.mm(torch.ones(2, 3), torch.ones(2, 3))
# ---
torch.ones(3) @ torch.ones(4)
# ---
torch.ones(2, 3).mv(torch.ones(2))
# ---
torch.ones(2) + torch.ones(3)
# ---
torch.ones(2, 3) * torch.ones(3, 2)
# ---
torch.cat([torch.ones(2, 3), torch.ones(3, 2)])
# ---
torch.stack([torch.ones(2), torch.ones(3)])
# ---
torch.ones(2, 3).expand(3, 3)
# ---
torch.tensor([[1, 2], [3]])
# ---
x = torch.tensor([1., 2.], requires_grad=True)
d = x.detach()
d[0] = 10
x, d, d.requires_grad, x._version, d._version
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
y.detach_()
y, y.grad_fn, y.requires_grad, y.is_leaf
# ---
x = torch.tensor([1., 2.], requires_grad=True)
x.data, x.data.requires_grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
x.data.mul_(2)
x
# ---
Variable(torch.tensor([1.])), Variable(torch.tensor([1.]), requires_grad=True)
# ---
v = Variable(torch.FloatTensor([9]))
v, v.requires_grad, type(v) is type(torch.ones(1))
# ---
Variable(torch.tensor([1.]), volatile=True)
# ---
with torch.no_grad():
    y = torch.ones(2, requires_grad=True) * 2
y, y.requires_grad, torch.is_grad_enabled()
# ---
with torch.no_grad():
    with torch.enable_grad():
        print(torch.is_grad_enabled())
    print(torch.is_grad_enabled())
print(torch.is_grad_enabled())
# ---
torch.set_grad_enabled(False)
print(torch.is_grad_enabled())
torch.set_grad_enabled(True)
print(torch.is_grad_enabled())
# ---
with torch.set_grad_enabled(False):
    print((torch.ones(1, requires_grad=True) * 2).requires_grad)
print(torch.is_grad_enabled())
# ---
@torch.no_grad()
def f(t):
    return t * 2
f(torch.ones(2, requires_grad=True))
# ---
@torch.enable_grad()
def f(t):
    return t * 2
with torch.no_grad():
    print(f(torch.ones(2, requires_grad=True)))
# ---
with torch.inference_mode():
    y = torch.ones(2, requires_grad=True) * 2
y.requires_grad, torch.is_inference_mode_enabled()
# ---
@torch.inference_mode()
def f(t):
    return torch.is_grad_enabled(), torch.is_inference_mode_enabled()
f(torch.ones(1))
# ---
class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return 3 * x ** 2 * grad

x = torch.tensor([1., 2.], requires_grad=True)
y = Cube.apply(x)
y.sum().backward()
y, x.grad, y.grad_fn.name()
# ---
class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        print(ctx.needs_input_grad)
        return x * k

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.k, None

x = torch.tensor([1., 2.], requires_grad=True)
Scale.apply(x, 3.0).sum().backward()
x.grad
# ---
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad, grad

x = torch.tensor([1., 2.], requires_grad=True)
Bad.apply(x).sum().backward()
# ---
x = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
torch.autograd.gradcheck(torch.sin, (x,))
# ---
x = torch.tensor([1., 2.], requires_grad=True)
torch.autograd.grad(x * 2, x)
# ---
x = torch.tensor([1., 2.])
torch.autograd.grad((x * 2).sum(), x)
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
with torch.no_grad():
    z = y * 3
z.requires_grad, z.grad_fn
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = (x * x).sum()
y.backward(create_graph=True)
x.grad.requires_grad, x.grad.detach()
# ---
x = torch.tensor(3., requires_grad=True)
y = x ** 2
g, = torch.autograd.grad(y, x, create_graph=True)
g2, = torch.autograd.grad(g, x)
g, g2
# ---
x = torch.tensor(2., requires_grad=True)
y = x * x * x
y.backward()
x.grad, y
# ---
x = torch.ones(2, 2, requires_grad=True)
x.grad_fn, x.grad, x.requires_grad, x.dtype, x.device
# ---
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
y = x.sum(dim=0)
y.grad_fn, y.grad_fn.next_functions
# ---
try:
    torch.set_default_dtype(torch.float64)
    print(torch.tensor([1.5]), torch.ones(1).dtype, torch.get_default_dtype())
finally:
    torch.set_default_dtype(torch.float32)
# ---
torch.tensor([1.5], dtype=torch.float64) * 2
# ---
torch.tensor([[1.5, 2.0]], dtype=torch.float64, requires_grad=True)
# ---
x = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
x * 2
# ---
torch.tensor([1, 2], dtype=torch.int64), torch.tensor([1, 2], dtype=torch.int32) + 1
# ---
torch.zeros(3, dtype=torch.bool), torch.ones(2, dtype=torch.int64)
# ---
torch.tensor([[True, False], [False, True]])
# ---
torch.tensor([100, -5, 20])
# ---
torch.tensor([0.001, 0.0001])
# ---
torch.tensor([1000000., 2.])
# ---
torch.tensor([[1e-8, 1.], [2., 3.]])
# ---
torch.arange(10.).reshape(2, 5) / 3
# ---
torch.arange(24).reshape(2, 3, 4)
# ---
torch.linspace(-1, 1, 1500)
# ---
torch.tensor(1e-10), torch.tensor(12345678.), torch.tensor(-0.5)
# ---
x = torch.tensor([1., 2., 3.], requires_grad=True)
x[1:].sum().backward()
x.grad
# ---
x = torch.tensor([1., 2., 3.], requires_grad=True)
x[[0, 0, 2]].sum().backward()
x.grad
# ---
x = torch.tensor([3., 1., 3.], requires_grad=True)
x.max().backward()
x.grad
# ---
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
x.softmax(dim=1).sum().backward()
x.grad
# ---
x = torch.tensor([-1., 0., 2.], requires_grad=True)
x.relu().sum().backward()
x.grad
# ---
x = torch.tensor([-1., 0., 2.], requires_grad=True)
x.abs().sum().backward()
x.grad
# ---
w = torch.tensor([[0.1, 0.2], [0.3, -0.4]], requires_grad=True)
b = torch.tensor([0.5, -0.25], requires_grad=True)
out = (torch.ones(3, 2) @ w + b).tanh().mean()
out.backward()
out, w.grad, b.grad
# ---
x = torch.rand(1, 10, requires_grad=True)
W = torch.rand(20, 10)
h = torch.mm(W, x.t()).tanh()
h.shape, h.requires_grad, h.grad_fn.name()
# ---
x = torch.rand(1, 10, requires_grad=True)
h = torch.mm(torch.rand(20, 10), x.t())
h.backward()
# ---
type(torch.ones(1)), isinstance(torch.ones(1), torch.Tensor)
# ---
torch.ones(1).device, torch.device("cpu")
# ---
x = torch.ones(2)
print(x._version)
x.add_(1)
x[0] = 3
print(x._version)
# ---
x = torch.ones(2, 2)
v = x[0]
v.add_(1)
x._version, v._version, x
# ---
class Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad * 2

y = Double.apply(torch.ones(2, requires_grad=True))
y, y.grad_fn.next_functions
# ---
x = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
torch.autograd.gradcheck(lambda t: t.sin(), (x,)), x.dtype
# ---
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x.reshape(3, 1) * x
y.sum().backward()
x.grad, y.shape
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x.detach().requires_grad_()
y.is_leaf, y.requires_grad, y.grad_fn
# ---
x = torch.tensor([1., 2.], requires_grad=True)
x.detach().numpy(), x.tolist()
# ---
x = torch.tensor([1., 2.], requires_grad=True)
float(x.sum()), x.sum().item()
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x.sum()
y.grad_fn.next_functions[0][0].variable
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x ** 2
y.grad_fn._saved_self, y.grad_fn._saved_exponent
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x.exp()
y.grad_fn._saved_result
# ---
x = torch.tensor([1., 2.], requires_grad=True)
out = x * 2
out.sum().backward()
out.sum().backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * x
z = y.sum()
z.backward(retain_graph=True)
y.sum().backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = (x * x).sum()
y.backward()
x.grad.requires_grad, x.grad.grad_fn, x.grad.is_leaf
# ---
torch.zeros(2, 3).view(-1, 4)
# ---
torch.zeros(2, 3).view(-1, -1)
# ---
torch.zeros(2, 3).reshape(3, -1).shape, torch.zeros(2, 3).view(3, 2).shape
# ---
torch.zeros(2, 3).permute(0)
# ---
torch.zeros(2, 3).squeeze(5)
# ---
torch.zeros(2, 3).softmax(2)
# ---
torch.tensor([1., 2.]).mean(dim=1)
# ---
torch.randint(0, 10, (2, 2)).float().mean().dtype
# ---
torch.arange(6).view(2, 3).sum(dim=(0, 1)), torch.arange(6).view(2, 3).sum(dim=-1)
# ---
torch.tensor([[1., 2.], [3., 4.]]).mean(dim=[0, 1])
# ---
torch.ones(2, 3).unsqueeze(-1).shape, torch.ones(2, 1, 3).squeeze().shape
# ---
torch.ones(2, 3).flatten(), torch.ones(2, 3, 4).flatten(1).shape
# ---
torch.tensor([1., 2.]).clamp(min=1.5), torch.tensor([1., 2.]).clamp(max=1.5)
# ---
torch.tensor([[1., 2.], [3., 4.]]).max(), torch.tensor([[1., 2.], [3., 4.]]).argmax(dim=1)
# ---
torch.tensor([[1., 2.], [3., 4.]]).t().is_contiguous(), torch.ones(2).is_leaf
# ---
x = torch.ones(2, requires_grad=True)
with torch.no_grad():
    x[0] = 5
x
# ---
x = torch.ones(2, requires_grad=True)
with torch.no_grad():
    x -= 0.5 * torch.ones(2)
x, x.requires_grad, x.is_leaf
# ---
x = torch.ones(3, requires_grad=True)
y = x[1:]
y.sum().backward()
x.grad, y._version
# ---
x = torch.ones(2, requires_grad=True)
with torch.no_grad:
    pass
# ---
x = torch.ones(2, requires_grad=True)
x.backward(torch.ones(2))
x.grad
# ---
x = torch.ones(2, requires_grad=True)
y = (x * x).sum()
torch.autograd.grad(y, x, retain_graph=True), torch.autograd.grad(y, x)
# ---
x = torch.ones(2, requires_grad=True)
x.long(), x.long().requires_grad, (x > 0).requires_grad
# ---
x = torch.tensor([1.5], requires_grad=True)
torch.tensor([1, 2]) * x
# ---
x = torch.ones(2, requires_grad=True)
(x * 2).sum().backward(gradient=torch.tensor(3.))
x.grad
# ---
x = torch.ones(2, requires_grad=True)
y = x * 2
y.backward(torch.ones(2), inputs=[y])
y.grad
# ---
x = torch.tensor([1, 2])
x.requires_grad = True
# ---
x = torch.ones(2, requires_grad=True)
y = x * 2
z = y * 3
z.sum().backward(inputs=[y])
y.grad, x.grad
# ---
x = torch.ones(2, 2, requires_grad=True)
x.T.T, x.mT
# ---
x = torch.ones(2, dtype=torch.float64, requires_grad=True)
(x * 2).sum()
# ---
x = torch.ones(3, requires_grad=True)
y = x.clone()
y[1:] *= 2
y
# ---
x = torch.ones(3, requires_grad=True)
y = x.clone()
y += 1
y.sum().backward()
x.grad, y
# ---
x = torch.zeros(2, requires_grad=True)
x.grad = torch.ones(3)
# ---
x = torch.zeros(2, requires_grad=True)
x.grad = torch.ones(2)
x.grad
# ---
torch.autograd.grad(torch.ones(2, requires_grad=True).sum(), [])
# ---
x = torch.ones(2, requires_grad=True)
y = x ** 2
y.grad_fn.next_functions[0][0].variable.grad
# ---
a = torch.tensor([2.], requires_grad=True)
b = a * a
b.backward()
c = b * 2
c.backward()
a.grad
# ---
x = torch.ones(2, requires_grad=True)
print(x.sum(dim=0, keepdim=True))
print(x.unsqueeze(1) @ x.unsqueeze(0))
# ---
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
x.max(dim=1)[0].grad_fn, x.max(dim=1).indices
# ---
x = torch.arange(4.).reshape(2, 2).requires_grad_()
x, x.is_leaf
# ---
torch.ones(2, requires_grad=True) + torch.ones(2, dtype=torch.float64)
# ---
x = torch.tensor(2., requires_grad=True)
y = x * 3
y.backward()
y.item(), x.grad.item(), y
# ---
x = torch.ones(2, requires_grad=True)
x.register_hook(lambda g: print("leaf hook", g))
(x * 2).sum().backward()
# ---
x = torch.ones(2, requires_grad=True)
y = x * 2
y.register_hook(lambda g: g * 2)
y.register_hook(lambda g: print(g))
y.sum().backward()
x.grad
# ---
x = torch.ones(2, requires_grad=True)
y = x + 0
y.retain_grad()
y.register_hook(lambda g: g * 5)
y.sum().backward()
y.grad, x.grad
# ---
torch.ones(2).sum(dim=1)
# ---
torch.ones(2)[1.5]
# ---
x = torch.tensor([1., 2., 3.])
x[torch.tensor([True, False, True])], x[x > 1.5]
# ---
torch.tensor([[1, 2], [3, 4]]).max(dim=1, keepdim=True)
# ---
torch.zeros(0).sum(), torch.zeros(0, 2).mean(0)
# ---
torch.cat([torch.ones(2, 3), torch.ones(2)])
# ---
torch.cat([torch.ones(2, 3), torch.ones(2, 3)], dim=2)
# ---
x = torch.ones(2, requires_grad=True)
x.data = torch.zeros(2)
x, x.requires_grad
# ---
x = torch.ones(2, requires_grad=True)
(x * 2).sum().backward()
x.grad += 1
x.grad
# ---
x = torch.ones(2, requires_grad=True)
torch.autograd.backward((x * 3).sum())
x.grad
# ---
x = torch.ones(2, 3, requires_grad=True)
y = x.sum(dim=(0, 1))
y, y.grad_fn
# ---
x = torch.ones(2, 3, requires_grad=True)
x.mean(dim=(0, 1)), x.mean((-1,), True)
# ---
torch.tensor(5), torch.tensor(5).shape, torch.tensor(5).ndim, torch.tensor([5]).shape
# ---
torch.tensor([[[1., 2.]]]).squeeze(0).shape, torch.ones(1, 1).squeeze().shape
# ---
torch.tensor([1., 2.]) @ torch.tensor([3., 4.])
# ---
x = torch.ones(2, requires_grad=True)
y = x * 2
y.backward(torch.ones(2, 1))
# ---
x = torch.ones(2, requires_grad=True)
y = x.sum()
y.backward(torch.ones(1))
# ---
x = torch.ones(2, requires_grad=True)
y = x.sum()
y.backward(torch.tensor(2, dtype=torch.int64))
x.grad
# ---
torch.tensor([1, 2, 3]).float().mean(), torch.tensor([1, 2, 3]).sum(0)
# ---
torch.tensor([[1., -1.], [2., 3.]]).abs().max(1).values
# ---
torch.tensor([1., 2.]) ** torch.tensor([2, 3])
# ---
torch.tensor([1, 2]) ** 2, 2 ** torch.tensor([1, 2]), torch.tensor([1, 2]) ** 0.5
# ---
torch.tensor([4, 9]).sqrt(), torch.tensor([1, 2]).exp(), torch.tensor([1, 2]).sigmoid()
# ---
torch.tensor([-1, 2]).relu(), torch.tensor([-1, 2]).abs(), -torch.tensor([1, 2])
# ---
torch.tensor([1, 2]) / torch.tensor([2, 4]), torch.tensor([5, 6]) // 4, torch.tensor([5, 6]) % 4
# ---
torch.tensor([1., 2.]).softmax(0).sum(), torch.tensor([[1., 2.]]).log_softmax(dim=-1)
# ---
torch.tensor([True, False]) + torch.tensor([True, True])
# ---
torch.tensor([1, 2]) + torch.tensor([True, False])
# ---
torch.linspace(0, 1, steps=3, requires_grad=True)
# ---
torch.zeros(2, 2, dtype=torch.float64, requires_grad=True) * 1
# ---
torch.eye(2, requires_grad=True).sum()
# ---
b = torch.ones(2, 3, requires_grad=True)
b.t().flatten().grad_fn, b.flatten().grad_fn, b.t().contiguous().grad_fn, b.contiguous().grad_fn
# ---
b = torch.ones(2, 3, requires_grad=True)
b.t().reshape_as(torch.ones(6)).grad_fn, b.view_as(torch.ones(3, 2)).grad_fn
# ---
b = torch.ones(2, 3, requires_grad=True)
b.t()[0].flatten().grad_fn, b.t().flatten(0, 1).grad_fn
# ---
b = torch.ones(2, 3, requires_grad=True)
b.unsqueeze(0).expand(2, 2, 3).reshape(4, 3).grad_fn
# ---
b = torch.ones(2, 3, requires_grad=True)
b[:, 1].reshape(2).grad_fn, b[:, 1:].reshape(4).grad_fn
# ---
b = torch.ones(2, 3, requires_grad=True)
b.narrow(1, 0, 2), b.select(1, 0)
# ---
b = torch.ones(2, 3, requires_grad=True)
b.sum(-1).grad_fn, b.squeeze(-1).grad_fn, b.unsqueeze(-1).squeeze(-1).grad_fn
# ---
b = torch.ones(2, 3, requires_grad=True)
torch.transpose(b, 0, 1).grad_fn, torch.t(b).grad_fn, torch.permute(b, (1, 0)).grad_fn
# ---
b = torch.ones(2, 3, requires_grad=True)
b.mT.grad_fn, b.T.grad_fn
# ---
torch.ones(2).register_hook(lambda g: g)
# ---
torch.ones(2).retain_grad()
# ---
x = torch.ones(2, requires_grad=True)
x.retain_grad()
(x * 2).sum().backward()
x.grad, x.retains_grad
# ---
x = torch.ones(2, requires_grad=True)
y = x * 2
y.backward(torch.ones(2, dtype=torch.float64))
x.grad
# ---
x = torch.ones(2, requires_grad=True)
y = x * 2
y.backward(torch.tensor([1, 2]))
x.grad
# ---
class Two(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        print(ctx.needs_input_grad)
        gx = g * y if ctx.needs_input_grad[0] else None
        return gx, (g * x if ctx.needs_input_grad[1] else None)

a = torch.tensor([2.], requires_grad=True)
b = torch.tensor([3.])
out = Two.apply(a, b)
out.backward()
a.grad, b.grad, out
# ---
class Sq(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * x * g

a = torch.tensor([2.], requires_grad=True)
out = Sq.apply(a)
out.backward()
out.grad_fn.saved_tensors
# ---
class Sq(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * x * g

a = torch.tensor([2.], requires_grad=True)
b = a * 1
out = Sq.apply(b)
b.add_(1)
out.backward()
# ---
class Sq(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * x

    @staticmethod
    def backward(ctx, g):
        return g

with torch.no_grad():
    r = Sq.apply(torch.ones(1, requires_grad=True))
r.requires_grad, Sq.apply(torch.ones(1)).requires_grad
# ---
x = torch.ones(2, requires_grad=True)
h1 = x.register_hook(lambda g: g + 1)
h2 = x.register_hook(lambda g: g * 10)
(x * 1).sum().backward()
x.grad
# ---
x = torch.ones(2, requires_grad=True)
y = x * 2
torch.autograd.grad(y.sum(), y)
# ---
x = torch.ones(2, requires_grad=True)
y = x.sum()
torch.autograd.grad([y, y * 2], [x])
# ---
x = torch.ones(2, requires_grad=True)
torch.autograd.grad(x.sum(), x, grad_outputs=torch.ones(2))
# ---
x = torch.ones(2, requires_grad=True)
torch.tensor(x)
# ---
torch.tensor([1.7, -2.7], dtype=torch.int64), torch.tensor([0, 2], dtype=torch.bool)
# ---
import numpy as np
a = np.array([1., 2.])
t = torch.from_numpy(a)
a[0] = 5
t, torch.as_tensor([1, 2]), torch.as_tensor(a).dtype
# ---
torch.zeros(2, 3, dtype=torch.int32), torch.full((2,), True)
# ---
torch.arange(0, 1, 0.1)
# ---
torch.arange(5, dtype=torch.float64), torch.arange(1, 10, 3), torch.arange(10, 0, -3)
# ---
torch.linspace(0, 10, 4), torch.linspace(-1, 1, 1)
# ---
x = torch.ones(2)
x.new_zeros(3), x.new_ones(2, 2), x.new_tensor([1, 2]), x.new_tensor([1., 2.])
# ---
x = torch.ones(2)
x.type(), x.type(torch.float64), torch.ones(2, dtype=torch.int64).type()
# ---
x = torch.ones(2, requires_grad=True)
x.type(torch.float64).grad_fn, x.to(torch.float64).grad_fn, x.to("cpu") is x
# ---
torch.zeros(2, 3).size(2)
# ---
torch.ones(2, 2).numel(), torch.numel(torch.ones(3)), torch.ones(2, 2).dim()
# ---
torch.ones(2).item()
# ---
torch.empty(0).item()
# ---
torch.tensor([[1, 2], [3, 4]]).tolist(), torch.tensor(3.5).tolist()
# ---
int(torch.tensor([1.5, 2.5]))
# ---
bool(torch.tensor([1, 2]))
# ---
t = torch.tensor([[1, 5], [7, 2]])
torch.tensor([1, 2, 3]).max(), torch.tensor([1, 2, 3]).argmax(), t.argmin(dim=0)
# ---
torch.allclose(torch.ones(2), torch.ones(2) + 1e-9), torch.equal(torch.ones(2), torch.ones(2))
# ---
s = torch.tensor([-1.5, 0., 2.]).sign()
torch.ones(3).eq(torch.tensor([1., 0., 1.])), torch.tensor([1, 2]).sign(), s
# ---
torch.randint(5, (2, 2)).shape, torch.randint(2, 5, (3,)).dtype
# ---
torch.manual_seed(3)
torch.randperm(4).sort().values if hasattr(torch.Tensor, "sort") else torch.arange(4)
# ---
torch.rand(2, 3, dtype=torch.float64).dtype, torch.rand((2, 3)).shape, torch.randn(()).shape
# ---
torch.rand_like(torch.ones(2, 2)).shape, torch.randn_like(torch.ones(3)).dtype
# ---
torch.zeros(2).uniform_(0, 1).shape, torch.zeros(2).normal_().shape
# ---
x = torch.ones(2)
x += torch.ones(2, 2)
# ---
x = torch.ones(2, dtype=torch.int64)
x.add_(1.5)
# ---
x = torch.ones(2, 2)
x += torch.tensor([1., 2.])
x *= torch.tensor([[2.], [3.]])
x
# ---
x = torch.ones(2, requires_grad=True)
y = x * 1
y.exp_()
y.sum().backward()
x.grad, y.grad_fn
# ---
x = torch.ones(2, requires_grad=True)
y = x * 1
y.pow_(2)
y.sum().backward()
x.grad, y.grad_fn
# ---
x = torch.tensor([-1., 2.], requires_grad=True)
y = x * 1
y.relu_()
y.clamp_(0, 1)
y.sum().backward()
x.grad, y.grad_fn
# ---
a = torch.zeros(3)
b = torch.ones(2, requires_grad=True)
a[1:] = b * 2
a.sum().backward()
a, b.grad
# ---
x = torch.ones(2, requires_grad=True)
y = x * 1
y *= y
y.sum().backward()
x.grad
# ---
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 1
y.mul_(x)
y.sum().backward()
x.grad
"""

SNIPPETS = [s.strip("\n") for s in CATALOGUE.split("\n# ---\n")]


def _id(i: int, source: str) -> str:
    return f"{i:03d}-" + re.sub(r"\W+", "_", source.splitlines()[-1])[:40]


@pytest.fixture
def warn_always() -> Iterator[None]:
    """Both libraries give their warn-once warnings every time while a snippet runs, so what
    a snippet warns does not depend on which tests ran before it in this process."""
    torch.set_warn_always(True)
    minigrad.set_warn_always(True)
    yield
    torch.set_warn_always(False)
    minigrad.set_warn_always(False)


@pytest.mark.usefixtures("warn_always")
@pytest.mark.parametrize("source", SNIPPETS, ids=[_id(i, s) for i, s in enumerate(SNIPPETS)])
def test_output_matches_torch(source: str) -> None:
    ref = masked(run_snippet(torch, source))
    ours = masked(run_snippet(minigrad, source))
    assert ours == ref


def test_output_catalogue_is_broad() -> None:
    assert len(SNIPPETS) >= 150
    errors = sum(run_snippet(torch, s)["error"] is not None for s in SNIPPETS)
    assert errors >= 40  # every kind of error the issue lists, and more
