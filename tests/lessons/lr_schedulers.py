"""Lesson: learning-rate schedules (StepLR, ExponentialLR, MultiStepLR, ...) around SGD."""

import torch
from torch import nn
from torch.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LambdaLR, MultiStepLR, StepLR

torch.manual_seed(2)
x = torch.randn(32, 2)
y = x @ torch.tensor([[1.5], [-0.5]]) + 0.1

model = nn.Linear(2, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.5)
scheduler = StepLR(optimizer, step_size=3, gamma=0.5)
print(type(scheduler).__name__, scheduler.get_last_lr(), optimizer.param_groups[0]["lr"])
for epoch in range(10):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    scheduler.step()
    print(f"epoch {epoch}: loss {loss.item():.5f}  next lr {scheduler.get_last_lr()[0]:.4f}")
print("scheduler state:", scheduler.state_dict())

# ExponentialLR multiplies by gamma every step
opt = torch.optim.Adam(nn.Linear(2, 1).parameters(), lr=0.1)
exp = ExponentialLR(opt, gamma=0.8)
lrs = []
for _ in range(6):
    opt.step()
    exp.step()
    lrs.append(round(exp.get_last_lr()[0], 6))
print("exponential:", lrs, "last_epoch:", exp.last_epoch)

# Two parameter groups with their own learning rates
net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
opt = torch.optim.SGD(
    [{"params": net[0].parameters()}, {"params": net[1].parameters(), "lr": 0.01}], lr=0.1
)
sched = StepLR(opt, step_size=2, gamma=0.1)
for _ in range(4):
    opt.step()
    sched.step()
    print("group lrs:", [f"{group['lr']:.5f}" for group in opt.param_groups])
print(opt)

# MultiStepLR, LambdaLR (a warm-up) and CosineAnnealingLR
for make in (
    lambda o: MultiStepLR(o, milestones=[2, 4], gamma=0.5),
    lambda o: LambdaLR(o, lr_lambda=lambda epoch: min(1.0, (epoch + 1) / 3)),
    lambda o: CosineAnnealingLR(o, T_max=4, eta_min=0.001),
):
    opt = torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)
    sched = make(opt)
    lrs = []
    for _ in range(8):
        opt.step()
        sched.step()
        lrs.append(f"{sched.get_last_lr()[0]:.5f}")
    print(type(sched).__name__, lrs)
