"""The new nn layers, DataLoader, random_split and save/load, compared with torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import minigrad


def _copy_params(ours: Any, ref: Any) -> None:
    for (_, p), (_, q) in zip(ours.named_parameters(), ref.named_parameters()):
        p._data[...] = q.detach().numpy()


def _net(lib: Any) -> Any:
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(16, 8), nn.LayerNorm(8), nn.BatchNorm1d(8), nn.Linear(8, 3),
    )  # fmt: skip


def test_small_cnn_trains_as_torch() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((6, 1, 4, 4)).astype(np.float32), rng.integers(0, 3, 6)
    nets = [_net(minigrad), _net(torch)]
    _copy_params(*nets)
    assert repr(nets[0]) == repr(nets[1])
    losses = []
    for lib, net in zip((minigrad, torch), nets):
        opt = lib.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        run = []
        for _ in range(3):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(net(lib.tensor(x)), lib.tensor(y))
            loss.backward()
            opt.step()
            run.append(loss.item())
        losses.append(run)
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-4)
    ours, ref = nets[0].state_dict(), nets[1].state_dict()
    assert list(ours) == list(ref)
    for key in ref:
        np.testing.assert_allclose(ours[key].numpy(), ref[key].numpy(), rtol=1e-3, atol=1e-5)
    nets[0].eval(), nets[1].eval()
    np.testing.assert_allclose(
        nets[0](minigrad.tensor(x)).detach().numpy(), nets[1](torch.tensor(x)).detach().numpy(),
        rtol=1e-3, atol=1e-5,
    )  # fmt: skip


def _outcome(f: Any) -> str:
    try:
        return repr(f())
    except Exception as exc:  # comparing the class and the message
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize(
    "case",
    [
        lambda L: L.nn.functional.one_hot(L.tensor([0, 2, 1])),
        lambda L: L.nn.functional.one_hot(L.tensor([0, 3]), 3),
        lambda L: L.nn.functional.one_hot(L.tensor([0.0])),
        lambda L: L.nn.Embedding(5, 2)(L.tensor([5])),
        lambda L: L.nn.Conv2d(1, 8, 3)(L.zeros(2, 3, 8, 8)),
        lambda L: L.nn.Conv2d(1, 8, 3)(L.zeros(8, 8)),
        lambda L: L.nn.BatchNorm1d(4)(L.zeros(1, 4)),
        lambda L: L.nn.LayerNorm(4)(L.zeros(3, 5)),
        lambda L: L.nn.functional.binary_cross_entropy(L.tensor([1.5]), L.tensor([1.0])),
        lambda L: L.nn.functional.binary_cross_entropy(L.tensor([[0.5]]), L.tensor([1.0])),
        lambda L: L.nn.BCEWithLogitsLoss()(L.tensor([0.5, -1.0]), L.tensor([1.0, 0.0])),
        lambda L: L.nn.L1Loss()(L.tensor([0.5, -1.0]), L.tensor([1.0, 0.0])),
        lambda L: L.nn.Linear(2, 2).to("cuda"),
        lambda L: L.nn.Linear(2, 2).to("cpu"),
        lambda L: L.nn.ModuleDict({"a": L.nn.Linear(1, 2), "b": L.nn.ReLU()}),
        lambda L: (L.nn.BatchNorm1d(3, affine=False, momentum=None), L.nn.MaxPool2d((2, 3), 1)),
        lambda L: (L.nn.Embedding(3, 2, padding_idx=1), L.nn.Conv2d(2, 4, 3, 2, 1, bias=False)),
    ],
)
def test_layers_print_and_fail_as_torch(case: Any) -> None:
    ours = _outcome(lambda: case(minigrad)).replace("minigrad", "torch")
    assert ours == _outcome(lambda: case(torch))


def test_batch_norm_running_stats_as_torch() -> None:
    x = np.random.default_rng(1).standard_normal((5, 3, 2)).astype(np.float32)
    bns = [minigrad.nn.BatchNorm1d(3), torch.nn.BatchNorm1d(3)]
    for lib, bn in zip((minigrad, torch), bns):
        bn(lib.tensor(x))
        bn(lib.tensor(x * 2))
    for key in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(
            getattr(bns[0], key).numpy(), getattr(bns[1], key).numpy(), rtol=1e-5
        )


def test_missing_names_say_so() -> None:
    assert not hasattr(minigrad.nn, "GRU")
    with pytest.raises(AttributeError, match="minigrad.nn has no 'GRU' yet"):
        minigrad.nn.GRU  # noqa: B018
    with pytest.raises(AttributeError, match="minigrad.utils.data has no 'IterableDataset'"):
        minigrad.utils.data.IterableDataset  # noqa: B018


def _batches(lib: Any, **kw: Any) -> list[str]:
    data = lib.utils.data
    ds = data.TensorDataset(lib.arange(10.0).view(5, 2), lib.arange(5))
    loader = data.DataLoader(ds, batch_size=2, **kw)
    return [str(len(loader))] + [repr(b) for b in loader]


@pytest.mark.parametrize("kw", [{}, {"drop_last": True}])
def test_dataloader_batches_as_torch(kw: dict[str, Any]) -> None:
    assert _batches(minigrad, **kw) == _batches(torch, **kw)


def _shuffled_epochs(lib: Any, seed: int, gen_seed: int | None, drop_last: bool) -> list[str]:
    """Two shuffled epochs (one broken off early), then a draw from the default generator."""
    data = lib.utils.data
    lib.manual_seed(seed)
    ds = data.TensorDataset(lib.arange(7.0), lib.arange(7))
    gen = None if gen_seed is None else lib.Generator().manual_seed(gen_seed)
    loader = data.DataLoader(ds, batch_size=3, shuffle=True, drop_last=drop_last, generator=gen)
    out = [repr(b) for b in loader]
    for b in loader:
        out.append(repr(b))
        break
    out += [repr(b) for b in loader]
    return [*out, repr(lib.rand(2))]


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("gen_seed", [None, 3])
@pytest.mark.parametrize("drop_last", [False, True])
def test_dataloader_shuffle_as_torch(seed: int, gen_seed: int | None, drop_last: bool) -> None:
    # torch draws a base seed per iterator, a sampler seed without a generator, and one
    # permutation more than it uses: the orders and what the default generator gives after
    ours = _shuffled_epochs(minigrad, seed, gen_seed, drop_last)
    assert ours == _shuffled_epochs(torch, seed, gen_seed, drop_last)


def test_random_split_draws_as_torch() -> None:
    for lib in (minigrad, torch):
        lib.manual_seed(1)
    ours = minigrad.utils.data.random_split(range(10), [0.6, 0.4])
    ref = torch.utils.data.random_split(range(10), [0.6, 0.4])
    assert [list(s.indices) for s in ours] == [list(s.indices) for s in ref]
    assert repr(minigrad.rand(3)) == repr(torch.rand(3))


def test_default_collate_of_dicts_and_numbers_as_torch() -> None:
    samples = [{"x": 1.5, "y": 2}, {"x": 2.5, "y": 3}]
    ours = minigrad.utils.data.default_collate(samples)
    ref = torch.utils.data.default_collate(samples)
    assert repr(ours) == repr(ref)


def test_random_split_lengths_as_torch() -> None:
    for lengths in ([3, 7], [0.3, 0.7], [0.5, 0.25, 0.25]):
        ours = minigrad.utils.data.random_split(range(10), lengths)
        ref = torch.utils.data.random_split(range(10), lengths)
        assert [len(s) for s in ours] == [len(s) for s in ref]
        assert sorted(i for s in ours for i in s.indices) == list(range(10))


def test_save_load_round_trip(tmp_path: Any) -> None:
    net = minigrad.nn.Linear(3, 2)
    minigrad.save({"model": net.state_dict(), "t": minigrad.ones(2)}, tmp_path / "m.pt")
    back = minigrad.load(tmp_path / "m.pt")
    other = minigrad.nn.Linear(3, 2)
    assert repr(other.load_state_dict(back["model"])) == "<All keys matched successfully>"
    assert minigrad.equal(other.weight, net.weight)
    assert repr(back["t"]) == "tensor([1., 1.])"
