"""Lesson: gradients with backward(), grad_fn, accumulation, no_grad, detach and retain_graph."""

import torch

x = torch.tensor(2.0, requires_grad=True)
w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
print(x, w, sep="\n")
print("leaf:", x.is_leaf, "requires_grad:", x.requires_grad, "grad:", x.grad)

y = x**3 + 2 * x
print(y, y.grad_fn.name(), type(y.grad_fn).__name__, y.is_leaf)
y.backward()
print("dy/dx at 2:", x.grad)

# Gradients accumulate until you zero them
(x * x).backward()
print("after a second backward:", x.grad)
x.grad.zero_()
print("zeroed:", x.grad)

# A vector example: loss = sum((w * v)^2) / 3
v = torch.tensor([0.5, 1.0, -1.5])
prod = w * v
loss = (prod**2).mean()
print("loss:", loss)
node = loss.grad_fn
while node is not None:  # walk back along the first input of each step
    print("  ", node.name(), [(type(f).__name__, i) for f, i in node.next_functions])
    node = node.next_functions[0][0] if node.next_functions else None
loss.backward()
print("w.grad:", w.grad, "expected:", 2 * w.detach() * v**2 / 3)

# Intermediate gradients need retain_grad()
a = torch.tensor([1.0, 2.0], requires_grad=True)
h = a * 3
h.retain_grad()
out = (h**2).sum()
out.backward()
print("h.grad:", h.grad, "a.grad:", a.grad)

# backward twice through the same graph
b = torch.tensor([1.0, 2.0], requires_grad=True)
z = (b.exp() * b).sum()
z.backward(retain_graph=True)
print("first:", b.grad)
z.backward()
print("second (accumulated):", b.grad)
try:
    z.backward()
except RuntimeError as err:
    print("RuntimeError:", str(err).splitlines()[0])

# Non-scalar outputs need a gradient argument
q = b * 2
try:
    q.backward()
except RuntimeError as err:
    print("RuntimeError:", err)
b.grad = None
q.backward(torch.tensor([1.0, 0.1]))
print("with a gradient:", b.grad)

# torch.autograd.grad returns gradients instead of storing them
c = torch.tensor([3.0, 4.0], requires_grad=True)
(g,) = torch.autograd.grad((c**2).sum(), c)
print("autograd.grad:", g, "c.grad stays", c.grad)

# Turning tracking off
with torch.no_grad():
    d = c * 2
print("in no_grad:", d.requires_grad, d.grad_fn, torch.is_grad_enabled())
e = c.detach()
print("detached:", e, e.requires_grad)
with torch.set_grad_enabled(False):
    print("set_grad_enabled(False):", (c + 1).requires_grad)


@torch.no_grad()
def evaluate(t):
    return t * 10


print("decorated:", evaluate(c).requires_grad)
c2 = torch.ones(2).requires_grad_()
print("requires_grad_():", c2.requires_grad, c2)

# Common mistakes
try:
    torch.tensor([1, 2], requires_grad=True)
except RuntimeError as err:
    print("RuntimeError:", err)
try:
    (torch.ones(2) * 2).sum().backward()
except RuntimeError as err:
    print("RuntimeError:", err)
try:
    c += 1
except RuntimeError as err:
    print("RuntimeError:", err)
print("c is unchanged:", c)

# A hook sees the gradient on its way back
k = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
k.register_hook(lambda grad: print("hook got", grad))
(k * torch.tensor([1.0, 0.0, -1.0])).sum().backward()
print("k.grad:", k.grad)
