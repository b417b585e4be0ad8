"""Lesson: SGD (momentum, nesterov, weight decay), Adam, AdamW and RMSprop on the same problem."""

import torch


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 10 * (p[1] - p[0] ** 2) ** 2


def run(make_optimizer, steps=200):
    p = torch.tensor([-1.0, 1.5], requires_grad=True)
    optimizer = make_optimizer([p])
    history = []
    for step in range(steps):
        optimizer.zero_grad()
        loss = rosenbrock(p)
        loss.backward()
        optimizer.step()
        if step in (0, 9, 49, steps - 1):
            history.append(f"{loss.item():.4f}")
    return p.detach(), history


choices = {
    "SGD": lambda ps: torch.optim.SGD(ps, lr=0.002),
    "SGD momentum": lambda ps: torch.optim.SGD(ps, lr=0.002, momentum=0.9),
    "SGD nesterov": lambda ps: torch.optim.SGD(ps, lr=0.002, momentum=0.9, nesterov=True),
    "SGD decay": lambda ps: torch.optim.SGD(ps, lr=0.002, momentum=0.9, weight_decay=0.01),
    "Adam": lambda ps: torch.optim.Adam(ps, lr=0.05),
    "Adam amsgrad": lambda ps: torch.optim.Adam(ps, lr=0.05, amsgrad=True),
    "AdamW": lambda ps: torch.optim.AdamW(ps, lr=0.05, weight_decay=0.1),
    "RMSprop": lambda ps: torch.optim.RMSprop(ps, lr=0.01),
    "RMSprop centered": lambda ps: torch.optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
}
for name, make in choices.items():
    point, history = run(make)
    print(f"{name:17s} losses {history}  end {point}")

# What an optimizer keeps
p = torch.tensor([1.0, 2.0], requires_grad=True)
opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
rosenbrock(p).backward()
opt.step()
print("param_groups keys:", sorted(opt.param_groups[0]))
print("momentum buffer:", opt.state[p]["momentum_buffer"])
opt.param_groups[0]["lr"] = 0.01
print("lr changed by hand:", opt.param_groups[0]["lr"])
opt.zero_grad()
print("grad after zero_grad:", p.grad)
print(torch.optim.Adam([p], lr=1e-3, betas=(0.8, 0.99)))

# Gradient descent by hand, for comparison with SGD
q = torch.tensor([-1.0, 1.5], requires_grad=True)
for _ in range(3):
    loss = rosenbrock(q)
    loss.backward()
    with torch.no_grad():
        q -= 0.002 * q.grad
    q.grad.zero_()
print("by hand:", q, run(choices["SGD"], steps=3)[0])
try:
    torch.optim.SGD([p], lr=-1)
except ValueError as err:
    print("ValueError:", err)
try:
    torch.optim.Adam([], lr=0.1)
except ValueError as err:
    print("ValueError:", err)
