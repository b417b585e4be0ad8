"""Lesson: a bigram character model, first by counting, then as a trained Embedding table."""

import torch
import torch.nn.functional as F
from torch import nn

words = ["anna", "bob", "clara", "dan", "ella", "finn", "hanna", "ida", "lola", "nora", "otto"]
chars = sorted(set("".join(words)))
stoi = {ch: i + 1 for i, ch in enumerate(chars)}
stoi["."] = 0
itos = {i: ch for ch, i in stoi.items()}
vocab = len(stoi)
print("vocabulary:", vocab, "".join(itos[i] for i in range(vocab)))

# Pairs (current char -> next char), '.' marks the start and the end of a word
xs, ys = [], []
for word in words:
    seq = ["."] + list(word) + ["."]
    for a, b in zip(seq, seq[1:]):
        xs.append(stoi[a])
        ys.append(stoi[b])
xs, ys = torch.tensor(xs), torch.tensor(ys)
print("pairs:", xs.numel(), "first ten:", xs[:10], ys[:10], sep="\n")

# Counting model
counts = torch.zeros(vocab, vocab, dtype=torch.int32)
for a, b in zip(xs.tolist(), ys.tolist()):
    counts[a, b] += 1
print("counts after '.':", counts[0])
probs = (counts + 1).float()
probs = probs / probs.sum(1, keepdim=True)
print("P(next | 'a'):", probs[stoi["a"]])
nll = -probs[xs, ys].log().mean()
print(f"counting model nll: {nll.item():.4f}")

g = torch.Generator().manual_seed(2147483647)
for _ in range(4):
    out, ix = [], 0
    while True:
        ix = torch.multinomial(probs[ix], num_samples=1, replacement=True, generator=g).item()
        if ix == 0 or len(out) > 12:
            break
        out.append(itos[ix])
    print("sampled:", "".join(out))

# The same model as a one-hot times a weight matrix
xenc = F.one_hot(xs, num_classes=vocab).float()
print("one_hot:", xenc.shape, xenc.dtype, xenc[0])
W = torch.randn((vocab, vocab), generator=g, requires_grad=True)
for step in range(60):
    logits = xenc @ W
    loss = F.cross_entropy(logits, ys) + 0.01 * (W**2).mean()
    W.grad = None
    loss.backward()
    W.data += -10 * W.grad
    if step % 15 == 0 or step == 59:
        print(f"one-hot step {step:2d}: loss {loss.item():.4f}")

# And as an nn.Embedding trained with an optimizer
torch.manual_seed(0)
table = nn.Embedding(vocab, vocab)
print(table, table.weight.shape, table(torch.tensor([1, 2])).grad_fn.name())
optimizer = torch.optim.SGD(table.parameters(), lr=5.0)
for step in range(60):
    loss = F.cross_entropy(table(xs), ys)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 15 == 0 or step == 59:
        print(f"embedding step {step:2d}: loss {loss.item():.4f}")

torch.manual_seed(1)
with torch.no_grad():
    for _ in range(4):
        out, ix = [], torch.tensor([0])
        while len(out) < 12:
            p = F.softmax(table(ix), dim=1)
            ix = torch.multinomial(p, num_samples=1)[0]
            if ix.item() == 0:
                break
            out.append(itos[ix.item()])
        print("embedding sample:", "".join(out))
