"""`einsum` built from diagonal, permute, sum, mul and bmm, in the order PyTorch builds it.

PyTorch's algorithm (aten/src/ATen/native/Linear.cpp, `einsum` and `sumproduct_pair`): every
operand is aligned to one dimension order, output labels first, then the labels summed over
(a repeated label takes a diagonal, a missing one is unsqueezed); then the operands are
contracted left to right, each pair by one batched matrix product. Building it the same way
gives PyTorch's graph (`ViewBackward0`, `BmmBackward0`, ...), so gradients flow through the
rows that are already in the op table. Without `->`, the output is the labels seen once, in
alphabetical order (capitals first), as in PyTorch. Three or more operands are contracted
left to right, as PyTorch does when the `opt_einsum` package is not installed (with it,
PyTorch picks another order: same values, other nodes).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.errors import runtime
from minigrad.tensor import tensor_of

ELLIPSIS = "."


def _parse_operands(lhs: str, count: int) -> list[list[str]]:
    """Each operand's labels ('.' for an ellipsis), checked as PyTorch checks them."""
    labels: list[list[str]] = [[]]
    i = 0
    while i < len(lhs):
        c = lhs[i]
        if c == ",":
            labels.append([])
            if len(labels) > count:
                raise runtime(
                    "einsum",
                    "einsum(): fewer operands were provided than specified in the equation",
                )
        elif c == ".":
            op = len(labels) - 1
            if ELLIPSIS in labels[-1]:
                raise runtime(
                    "einsum",
                    f"einsum(): found '.' for operand {op} for which an ellipsis was already found",
                )
            if lhs[i : i + 3] != "...":
                raise runtime(
                    "einsum",
                    f"einsum(): found '.' for operand {op} that is not part of any ellipsis",
                )
            labels[-1].append(ELLIPSIS)
            i += 2
        elif c.isalpha() and c.isascii():
            labels[-1].append(c)
        elif c != " ":
            raise runtime(
                "einsum",
                f"einsum(): invalid subscript given at index {i} in the equation "
                "string, subscripts must be in [a-zA-Z]",
            )
        i += 1
    if len(labels) < count:
        raise runtime(
            "einsum", "einsum(): more operands were provided than specified in the equation"
        )
    return labels


def _check_ranks(labels: list[list[str]], operands: list[Any]) -> int:
    """The number of dimensions the ellipsis covers (0 without one)."""
    ell = 0
    for i, (names, t) in enumerate(zip(labels, operands)):
        n = len([c for c in names if c != ELLIPSIS])
        if ELLIPSIS in names:
            if n > t.ndim:
                raise runtime(
                    "einsum",
                    f"einsum(): the number of subscripts in the equation ({n}) is more "
                    f"than the number of dimensions ({t.ndim}) for operand {i}",
                )
            ell = max(ell, t.ndim - n)
        elif n != t.ndim:
            raise runtime(
                "einsum",
                f"einsum(): the number of subscripts in the equation ({n}) does not "
                f"match the number of dimensions ({t.ndim}) for operand {i} and no ellipsis was "
                "given",
            )
    return ell


def _positions(
    rhs: str | None, labels: list[list[str]], ell: int
) -> tuple[dict[str, int], int, int]:
    """Where each label (and the ellipsis, as '.') goes in the aligned order; output size."""
    seen = sorted({c for names in labels for c in names if c != ELLIPSIS}, key=_label_order)
    counts = {c: sum(names.count(c) for names in labels) for c in seen}
    place: dict[str, int] = {}
    index = 0
    if rhs is None:  # implicit: the ellipsis, then the labels seen once
        place[ELLIPSIS], index = 0, ell
        for c in seen:
            if counts[c] == 1:
                place[c], index = index, index + 1
    else:
        index = _place_output(rhs.replace("...", ELLIPSIS), counts, place, ell)
    out_dims = index
    if ELLIPSIS not in place:
        place[ELLIPSIS], index = index, index + ell
    for c in seen:
        if c not in place:
            place[c], index = index, index + 1
    return place, out_dims, index


def _place_output(rhs: str, counts: dict[str, int], place: dict[str, int], ell: int) -> int:
    index = 0
    for c in rhs:
        if c == " ":
            continue
        if c == ELLIPSIS:
            place[ELLIPSIS], index = index, index + ell
            continue
        if c not in counts or c in place:
            why = (
                "appears more than once in the output"
                if c in place
                else ("does not appear in the equation for any input operand")
            )
            raise runtime("einsum", f"einsum(): output subscript {c} {why}")
        place[c], index = index, index + 1
    return index


def _label_order(c: str) -> tuple[bool, str]:
    return (c.islower(), c)  # PyTorch numbers A-Z before a-z


def _align(t: Any, i: int, names: list[str], place: dict[str, int], ell: int, total: int) -> Any:
    """Operand `i` aligned: diagonals for repeated labels, unsqueezes for missing labels."""
    perm = [-1] * total
    dim = 0
    covered = t.ndim - (len(names) - 1)  # the dimensions the ellipsis stands for
    for c in names:
        if c == ELLIPSIS:
            for j in range(ell - covered, ell):
                perm[place[ELLIPSIS] + j], dim = dim, dim + 1
        elif perm[place[c]] == -1:
            perm[place[c]], dim = dim, dim + 1
        else:  # a repeated label: its diagonal, moved to where the label first was
            first = perm[place[c]]
            if t.shape[dim] != t.shape[first]:
                raise runtime(
                    "einsum",
                    f"einsum(): subscript {c} is repeated for operand {i} but the sizes "
                    f"don't match, {t.shape[dim]} != {t.shape[first]}",
                )
            t = t.diagonal(0, first, dim).movedim(-1, first)
    for k in range(total):
        if perm[k] == -1:
            t = t.unsqueeze(dim)
            perm[k], dim = dim, dim + 1
    return t.permute(perm)


def _count_sizes(aligned: list[Any], names: list[str]) -> list[int]:
    """How many operands have a size other than 1 at each aligned dimension; sizes checked."""
    counts, seen = [0] * len(names), [1] * len(names)
    for i, t in enumerate(aligned):
        for d, n in enumerate(t.shape):
            if n == 1:
                continue
            if seen[d] not in (1, n):
                raise runtime(
                    "einsum",
                    f"einsum(): subscript {names[d]} has size {n} for operand {i} which "
                    f"does not broadcast with previously seen size {seen[d]}",
                )
            seen[d], counts[d] = n, counts[d] + 1
    return counts


def einsum(equation: str, *operands: Any) -> Any:
    """Einstein summation: `einsum('ij,jk->ik', a, b)` is a @ b; `einsum('ii', a)` the trace.

    Args:
        equation: the subscripts, e.g. 'bij,bjk->bik' ('...' for leading dimensions).
        operands: the tensors (or one list of them), as many as the equation names.
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise runtime("einsum", "einsum(): must provide at least one operand")
    ts = [tensor_of(t) for t in operands]
    lhs, arrow, rhs = equation.partition("->")
    labels = _parse_operands(lhs, len(ts))
    ell = _check_ranks(labels, ts)
    place, out_dims, total = _positions(rhs if arrow else None, labels, ell)
    aligned = [_align(t, i, n, place, ell, total) for i, (t, n) in enumerate(zip(ts, labels))]
    names = ["..."] * total
    for c, k in place.items():
        if c != ELLIPSIS:
            names[k] = c
    counts = _count_sizes(aligned, names)
    if len(aligned) == 1:
        return aligned[0].sum(tuple(range(out_dims, total))) if total > out_dims else aligned[0]
    result = _contract(aligned, counts, out_dims, total)
    if total > out_dims:
        return result.view(tuple(result.shape[:out_dims]))
    return result


def _contract(aligned: list[Any], counts: list[int], out_dims: int, total: int) -> Any:
    """Contract the operands left to right, summing each dimension once no later one has it."""
    ops_left = list(aligned)
    while len(ops_left) > 1:
        a, b = ops_left.pop(0), ops_left.pop(0)
        sum_dims, a_sum, b_sum = [], [], []
        for d in range(out_dims, total):
            if a.shape[d] != 1 and b.shape[d] != 1:
                counts[d] -= 1
                if counts[d] == 1:
                    sum_dims.append(d)
                    counts[d] = 0
            elif counts[d] == 1:
                if a.shape[d] != 1:
                    a_sum.append(d)
                    counts[d] = 0
                elif b.shape[d] != 1:
                    b_sum.append(d)
                    counts[d] = 0
        if a_sum:
            a = a.sum(tuple(a_sum), True)
        if b_sum:
            b = b.sum(tuple(b_sum), True)
        ops_left.insert(0, _sumproduct_pair(a, b, sum_dims))
    return ops_left[0]


def _sumproduct_pair(left: Any, right: Any, sum_dims: list[int]) -> Any:
    """(left * right).sum(sum_dims, keepdim=True) as one bmm, as PyTorch computes it."""
    if not sum_dims:
        return left * right
    lro, lo, ro = [], [], []
    sum_size = 1
    for i in range(left.ndim):
        sl, sr = left.shape[i] != 1, right.shape[i] != 1
        if i in sum_dims:
            if sl and sr:
                sum_size *= left.shape[i]
            elif sl:
                left = left.sum(i, True)
            elif sr:
                right = right.sum(i, True)
        elif sl and sr:
            lro.append(i)
        elif sl:
            lo.append(i)
        else:
            ro.append(i)
    lro_size = _size(left, lro)
    lo_size, ro_size = _size(left, lo), _size(right, ro)
    out_size = (
        [left.shape[d] for d in lro + lo] + [1] * len(sum_dims) + [right.shape[d] for d in ro]
    )
    order = lro + lo + sum_dims + ro
    inverse = [0] * len(order)
    for k, d in enumerate(order):
        inverse[d] = k
    lhs = left.permute(lro + lo + sum_dims + ro).reshape(lro_size, lo_size, sum_size)
    rhs = right.permute(lro + sum_dims + ro + lo).reshape(lro_size, sum_size, ro_size)
    return lhs.bmm(rhs).view(out_size).permute(inverse)


def _size(t: Any, dims: list[int]) -> int:
    return int(np.prod([t.shape[d] for d in dims], dtype=np.int64))
