"""nn and optim against PyTorch: same weights in, same losses, gradients and parameters out."""

from __future__ import annotations

import contextlib
import copy
import io
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import minigrad  # noqa: E402
import minigrad.nn as nn  # noqa: E402
import minigrad.nn.functional as F  # noqa: E402
from minigrad import optim  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6


def close(ours: minigrad.Tensor, ref: torch.Tensor) -> None:
    np.testing.assert_allclose(ours.detach().numpy(), ref.detach().numpy(), rtol=RTOL, atol=ATOL)


def pair(*layers: tuple[str, tuple[int, ...]]) -> tuple[nn.Module, torch.nn.Module]:
    """A minigrad Sequential and a torch one holding the same (minigrad-initialised) weights."""
    ours = nn.Sequential(*(getattr(nn, name)(*args) for name, args in layers))
    ref = torch.nn.Sequential(*(getattr(torch.nn, name)(*args) for name, args in layers))
    with torch.no_grad():
        for p, q in zip(ours.parameters(), ref.parameters()):
            q.copy_(torch.from_numpy(p.detach().numpy().copy()))
    return ours, ref


def data(seed: int, n: int, d: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)


MLP = (("Linear", (3, 5)), ("Tanh", ()), ("Linear", (5, 4)), ("ReLU", ()), ("Linear", (4, 4)))
OPTIMIZERS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.02, "betas": (0.8, 0.99), "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", {"lr": 0.01, "betas": (0.3, 0.9), "maximize": True}),
]


@pytest.mark.parametrize("loss_name", ["MSELoss", "CrossEntropyLoss"])
@pytest.mark.parametrize("opt", OPTIMIZERS, ids=lambda o: f"{o[0]}-{'-'.join(o[1])}")
def test_optim_training_matches_torch(opt: tuple[str, dict], loss_name: str) -> None:
    minigrad.manual_seed(1)
    ours, ref = pair(*MLP)
    name, kwargs = opt
    opt_ours = getattr(optim, name)(ours.parameters(), **kwargs)
    opt_ref = getattr(torch.optim, name)(ref.parameters(), **kwargs)
    loss_ours, loss_ref = getattr(nn, loss_name)(), getattr(torch.nn, loss_name)()
    x = data(0, 6, 3)
    if loss_name == "MSELoss":
        y = data(1, 6, 4)
    else:
        y = np.array([0, 3, 1, 2, 3, 0], dtype=np.int64)
    for _ in range(5):
        opt_ours.zero_grad()
        opt_ref.zero_grad()
        a = loss_ours(ours(minigrad.tensor(x)), minigrad.tensor(y))
        b = loss_ref(ref(torch.tensor(x)), torch.tensor(y))
        a.backward()
        b.backward()
        close(a, b)
        for p, q in zip(ours.parameters(), ref.parameters()):
            close(p.grad, q.grad)
        opt_ours.step()
        opt_ref.step()
        for p, q in zip(ours.parameters(), ref.parameters()):
            close(p, q)


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=lambda o: f"{o[0]}-{'-'.join(o[1])}")
def test_optim_updates_match_torch_bit_for_bit_from_equal_grads(opt: tuple[str, dict]) -> None:
    rng = np.random.default_rng(4)
    start = rng.standard_normal(2000).astype(np.float32)
    ours, ref = nn.Parameter(minigrad.tensor(start)), torch.nn.Parameter(torch.tensor(start))
    opt_ours = getattr(optim, opt[0])([ours], **opt[1])
    opt_ref = getattr(torch.optim, opt[0])([ref], **opt[1])
    for _ in range(10):
        g = rng.standard_normal(2000).astype(np.float32)
        ours.grad, ref.grad = minigrad.tensor(g), torch.tensor(g)
        opt_ours.step()
        opt_ref.step()
        a, b = ours.detach().numpy(), ref.detach().numpy()
        if opt[0] == "SGD":
            assert np.array_equal(a, b)
        else:  # torch's float32 sqrt on CPU (MKL) is off by one ulp for some elements
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
        ours.data = minigrad.tensor(b)  # carry on from torch's values, one step at a time


@pytest.mark.parametrize("opt", OPTIMIZERS[:2] + OPTIMIZERS[5:8], ids=lambda o: str(o))
def test_optim_state_dict_matches_torch(opt: tuple[str, dict]) -> None:
    ours, ref = pair(("Linear", (2, 3)))
    opt_ours = getattr(optim, opt[0])(ours.parameters(), **opt[1])
    opt_ref = getattr(torch.optim, opt[0])(ref.parameters(), **opt[1])
    for model, o in ((ours, opt_ours), (ref, opt_ref)):
        lib = minigrad if model is ours else torch
        model(lib.ones(2)).sum().backward()
        o.step()
    a, b = opt_ours.state_dict(), opt_ref.state_dict()
    assert a["param_groups"] == b["param_groups"]
    assert a["state"].keys() == b["state"].keys()
    for i in a["state"]:
        assert list(a["state"][i]) == list(b["state"][i])
        for key in a["state"][i]:
            close(a["state"][i][key], b["state"][i][key])


def test_optim_load_state_dict_resumes_identically() -> None:
    minigrad.manual_seed(3)
    model = nn.Linear(2, 2)
    twin = copy.deepcopy(model)
    first, second = optim.Adam(model.parameters(), lr=0.1), optim.Adam(twin.parameters(), lr=0.5)
    model(minigrad.ones(2)).sum().backward()
    first.step()
    twin.load_state_dict(model.state_dict())
    second.load_state_dict(first.state_dict())
    assert second.param_groups[0]["lr"] == 0.1
    for m, o in ((model, first), (twin, second)):
        o.zero_grad()
        m(minigrad.ones(2)).sum().backward()
        o.step()
    for p, q in zip(model.parameters(), twin.parameters()):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy())


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_optim_repr_matches_torch(name: str) -> None:
    ours = getattr(optim, name)(nn.Linear(2, 3).parameters(), lr=0.1)
    ref = getattr(torch.optim, name)(torch.nn.Linear(2, 3).parameters(), lr=0.1)
    assert repr(ours) == repr(ref)


def test_optim_param_groups_use_their_own_lr() -> None:
    a, b = nn.Linear(1, 1, bias=False), nn.Linear(1, 1, bias=False)
    with minigrad.no_grad():
        a.weight.fill_(1.0)
        b.weight.fill_(1.0)
    sgd = optim.SGD([{"params": a.parameters()}, {"params": b.parameters(), "lr": 0.5}], lr=0.1)
    (a.weight.sum() + b.weight.sum()).backward()
    sgd.step()
    assert a.weight.item() == pytest.approx(0.9) and b.weight.item() == pytest.approx(0.5)
    assert [g["lr"] for g in sgd.param_groups] == [0.1, 0.5]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ps: optim.SGD(ps, lr=-1), "Invalid learning rate: -1"),
        (lambda ps: optim.SGD(ps, nesterov=True), "Nesterov momentum requires a momentum"),
        (lambda ps: optim.Adam(ps, betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
        (lambda ps: optim.Adam([]), "optimizer got an empty parameter list"),
    ],
)
def test_optim_bad_settings_raise_torch_value_error(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make(nn.Linear(1, 1).parameters())


def test_optim_rejects_non_leaf_and_duplicate_params() -> None:
    w = nn.Parameter(minigrad.ones(2))
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)


def test_optim_step_bumps_version_so_stale_graph_fails() -> None:
    w = nn.Parameter(minigrad.ones(2))
    sgd = optim.SGD([w], lr=0.1)
    out = (w * w).sum()
    (w * 1).sum().backward()
    before = w._version[0]
    sgd.step()
    assert w._version[0] == before + 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()


def test_optim_zero_grad_sets_none_or_zeros() -> None:
    w = nn.Parameter(minigrad.ones(2))
    sgd = optim.SGD([w], lr=0.1)
    (w * 3).sum().backward()
    sgd.zero_grad(set_to_none=False)
    assert w.grad is not None and w.grad.tolist() == [0.0, 0.0]
    sgd.zero_grad()
    assert w.grad is None


def test_optim_step_skips_params_without_grad_and_returns_closure_loss() -> None:
    w, v = nn.Parameter(minigrad.ones(1)), nn.Parameter(minigrad.ones(1))
    sgd = optim.SGD([w, v], lr=0.5)

    def closure() -> minigrad.Tensor:
        loss = (w * 2).sum()
        loss.backward()
        return loss

    assert sgd.step(closure).item() == 2.0
    assert w.item() == 0.0 and v.item() == 1.0


# --- Parameter and Module ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.nn.Parameter(lib.tensor([1.5, -2.0])),
        lambda lib: lib.nn.Parameter(lib.tensor(3.0)),
        lambda lib: lib.nn.Parameter(lib.ones(2, 2), requires_grad=False),
        lambda lib: lib.nn.Parameter(lib.ones(2, dtype=lib.float64)),
    ],
)
def test_parameter_repr_matches_torch(make) -> None:
    assert repr(make(minigrad)) == repr(make(torch))
    assert str(make(minigrad)) == str(make(torch))


def test_parameter_shares_data_and_is_a_leaf() -> None:
    t = minigrad.zeros(2)
    p = nn.Parameter(t)
    t.add_(1)
    assert isinstance(p, minigrad.Tensor) and p.is_leaf and p.requires_grad
    assert p.tolist() == [1.0, 1.0]
    assert type(p * 2) is minigrad.Tensor and type(copy.deepcopy(p)) is nn.Parameter


def test_parameter_of_integers_cannot_require_grad() -> None:
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        nn.Parameter(minigrad.tensor([1, 2]))


def build(lib):
    return lib.nn.Sequential(
        lib.nn.Linear(2, 3),
        lib.nn.Tanh(),
        lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Sigmoid(), lib.nn.ReLU(inplace=True)),
        lib.nn.Linear(3, 1, bias=False),
        lib.nn.Flatten(),
        lib.nn.Softmax(dim=1),
        lib.nn.LogSoftmax(1),
        lib.nn.Identity(),
        lib.nn.MSELoss(),
        lib.nn.CrossEntropyLoss(),
        lib.nn.NLLLoss(),
    )


def test_module_repr_matches_torch() -> None:
    assert repr(build(minigrad)) == repr(build(torch))
    assert repr(nn.Linear(2, 3)) == "Linear(in_features=2, out_features=3, bias=True)"
    assert repr(nn.ModuleList([nn.Tanh()])) == repr(torch.nn.ModuleList([torch.nn.Tanh()]))


def test_module_named_parameters_order_matches_torch() -> None:
    ours = [(n, tuple(p.shape)) for n, p in build(minigrad).named_parameters()]
    ref = [(n, tuple(p.shape)) for n, p in build(torch).named_parameters()]
    assert ours == ref and [n for n, _ in ours] == ["0.weight", "0.bias", "3.weight"]


def test_module_custom_class_registers_in_assignment_order() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.scale = nn.Parameter(minigrad.ones(1))
            self.body = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
            self.head = nn.Linear(2, 1)
            self.note = "not registered"

        def forward(self, x: minigrad.Tensor) -> minigrad.Tensor:
            return self.head(self.body(x)) * self.scale

    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "body.0.weight", "body.0.bias", "head.weight", "head.bias"]
    assert [type(m).__name__ for m in net.children()] == ["Sequential", "Linear"]
    assert [type(m).__name__ for m in net.modules()] == [
        "Net", "Sequential", "Linear", "Tanh", "Linear"
    ]  # fmt: skip
    assert [n for n, _ in net.named_modules()] == ["", "body", "body.0", "body.1", "head"]
    assert net(minigrad.ones(3, 2)).shape == (3, 1)
    assert repr(net).startswith("Net(\n  (body): Sequential(\n    (0): Linear(")


def test_module_shared_layer_counted_once() -> None:
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.Tanh(), layer)
    assert len(list(model.parameters())) == 2
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_module_zero_grad_default_sets_none() -> None:
    model = nn.Linear(2, 1)
    model(minigrad.ones(2)).sum().backward()
    assert model.weight.grad is not None
    model.zero_grad(set_to_none=False)
    assert model.weight.grad.tolist() == [[0.0, 0.0]] and model.bias.grad.tolist() == [0.0]
    model.zero_grad()
    assert model.weight.grad is None and model.bias.grad is None


def test_module_train_eval_requires_grad_and_apply() -> None:
    model = build(minigrad)
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        model.train("yes")
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    seen: list[str] = []
    nn.Sequential(nn.Sequential(nn.Tanh(), nn.ReLU()), nn.Sigmoid()).apply(
        lambda m: seen.append(type(m).__name__)
    )
    assert seen == ["Tanh", "ReLU", "Sequential", "Sigmoid", "Sequential"]


def test_module_state_dict_round_trip() -> None:
    minigrad.manual_seed(0)
    a, b = build(minigrad), build(minigrad)
    sd = a.state_dict()
    assert list(sd) == [n for n, _ in build(torch).state_dict().items()]
    assert all(type(v) is minigrad.Tensor and not v.requires_grad for v in sd.values())
    assert repr(b.load_state_dict(sd)) == "<All keys matched successfully>"
    for p, q in zip(a.parameters(), b.parameters()):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy()) and p is not q
    assert b.state_dict(keep_vars=True)["0.weight"] is b[0].weight


@pytest.mark.parametrize(
    "edit",
    [
        lambda sd, lib: {},
        lambda sd, lib: {**sd, "foo": lib.ones(1)},
        lambda sd, lib: {**sd, "weight": lib.ones(3, 3)},
    ],
)
def test_module_load_state_dict_errors_match_torch(edit) -> None:
    messages = []
    for lib in (minigrad, torch):
        model = lib.nn.Linear(2, 3)
        with pytest.raises(RuntimeError) as info:
            model.load_state_dict(edit(model.state_dict(), lib))
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_module_load_state_dict_non_strict_reports_keys() -> None:
    result = nn.Linear(2, 3).load_state_dict({"weight": minigrad.ones(3, 2), "foo": 1}, False)
    ref = torch.nn.Linear(2, 3).load_state_dict({"weight": torch.ones(3, 2), "foo": 1}, False)
    assert repr(result) == repr(ref)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["foo"]


def test_module_setattr_errors_match_torch() -> None:
    for lib in (minigrad, torch):
        model = lib.nn.Linear(2, 3)
        with pytest.raises(TypeError) as info:
            model.weight = lib.ones(3, 2)
        assert str(info.value) == (
            "cannot assign 'torch.FloatTensor' as parameter 'weight' "
            "(torch.nn.Parameter or None expected)"
        )
        with pytest.raises(AttributeError, match="'Linear' object has no attribute 'foo'"):
            model.foo  # noqa: B018
    with pytest.raises(NotImplementedError, match=r"Module \[Module\] is missing the required"):
        nn.Module()(1)


def test_module_sequential_indexing_and_append() -> None:
    seq = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.ReLU())
    assert isinstance(seq[-1], nn.ReLU) and len(seq) == 3
    ref = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh(), torch.nn.ReLU())
    assert repr(seq[1:]) == repr(ref[1:]) == "Sequential(\n  (1): Tanh()\n  (2): ReLU()\n)"
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    seq.append(nn.Sigmoid())
    del seq[0]
    assert [type(m).__name__ for m in seq] == ["Tanh", "ReLU", "Sigmoid"]
    assert list(seq._modules) == ["0", "1", "2"]


def test_module_double_casts_parameters_in_place() -> None:
    model = nn.Linear(2, 2)
    weight = model.weight
    model.double()
    assert model.weight is weight and weight.dtype == minigrad.float64
    assert model(minigrad.ones(1, 2, dtype=minigrad.float64)).dtype == minigrad.float64


def test_linear_init_is_seeded_and_within_torch_bounds() -> None:
    minigrad.manual_seed(7)
    a = nn.Linear(16, 8)
    minigrad.manual_seed(7)
    b = nn.Linear(16, 8)
    assert np.array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())
    for p in (a.weight, a.bias):
        values = p.detach().numpy()
        assert p.dtype == minigrad.float32 and np.abs(values).max() <= 0.25
        assert np.abs(values).max() > 0.15  # spread over the range, not all near zero
    assert tuple(a.weight.shape) == (8, 16) and nn.Linear(3, 2, bias=False).bias is None


def test_init_functions_fill_in_place() -> None:
    w = nn.Parameter(minigrad.empty(30, 20))
    assert nn.init.xavier_uniform_(w) is w and np.abs(w.detach().numpy()).max() <= np.sqrt(0.12)
    nn.init.zeros_(w)
    assert not w.detach().numpy().any() and w.requires_grad
    assert nn.init.calculate_gain("tanh") == torch.nn.init.calculate_gain("tanh")
    assert nn.init.calculate_gain("leaky_relu", 0.2) == torch.nn.init.calculate_gain(
        "leaky_relu", 0.2
    )


# --- functional --------------------------------------------------------------------------------


def both(*arrays: np.ndarray, grad: bool = True):
    """The same values as minigrad and torch leaves."""
    ours = [minigrad.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    ref = [torch.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    return ours, ref


def names(node) -> list[str]:
    """The names of a node's inputs, with torch's AccumulateGrad spelling."""
    return [f and f.name().replace("minigrad::", "torch::") for f, _ in node.next_functions]


def check(fn_ours, fn_ref, arrays: list[np.ndarray], graph: bool = True) -> None:
    ours, ref = both(*arrays)
    a, b = fn_ours(*ours), fn_ref(*ref)
    close(a, b)
    if graph:
        assert a.grad_fn.name() == b.grad_fn.name()
    weights = np.random.default_rng(5).standard_normal(tuple(a.shape)).astype(np.float32)
    (a * minigrad.tensor(weights)).sum().backward()
    (b * torch.tensor(weights)).sum().backward()
    for x, y in zip(ours, ref):
        if y.grad is not None:
            close(x.grad, y.grad)


X, Y = data(10, 4, 5), data(11, 4, 5)
LABELS = np.array([4, 0, -100, 2], dtype=np.int64)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_functional_mse_loss_matches_torch(reduction: str) -> None:
    check(
        lambda x, y: F.mse_loss(x, y, reduction=reduction),
        lambda x, y: torch.nn.functional.mse_loss(x, y, reduction=reduction),
        [X, Y],
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_functional_class_losses_match_torch(name: str, reduction: str) -> None:
    for ignore, labels in ((-100, LABELS), (0, np.array([4, 0, 1, 0]))):
        check(
            lambda x, t, i=ignore: getattr(F, name)(x, t, reduction=reduction, ignore_index=i),
            lambda x, t, i=ignore: getattr(torch.nn.functional, name)(
                x, t, reduction=reduction, ignore_index=i
            ),
            [X, labels],
        )


def test_functional_cross_entropy_graph_is_nll_of_log_softmax() -> None:
    loss = F.cross_entropy(minigrad.tensor(X, requires_grad=True), minigrad.tensor(LABELS))
    assert loss.grad_fn.name() == "NllLossBackward0"
    assert [f.name() for f, _ in loss.grad_fn.next_functions] == ["LogSoftmaxBackward0"]


@pytest.mark.parametrize(
    ("x", "t"),
    [
        (X[0], np.array(3)),
        (X[0], np.array([3])),
        (data(12, 2, 3 * 4).reshape(2, 3, 4), np.array([[0, 1, 2, 0], [2, 2, 1, 0]])),
    ],
    ids=["1d", "1d-target1", "3d"],
)
def test_functional_cross_entropy_other_shapes_match_torch(x: np.ndarray, t: np.ndarray) -> None:
    for reduction in ("mean", "none"):
        ours, ref = both(x, t)
        a = F.cross_entropy(*ours, reduction=reduction)
        b = torch.nn.functional.cross_entropy(*ref, reduction=reduction)
        close(a, b)
        if t.shape == (1,):
            continue  # torch's backward fails here: "size mismatch (got input: [5], target: [1])"
        a.sum().backward()
        b.sum().backward()
        close(ours[0].grad, ref[0].grad)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_functional_cross_entropy_probabilities_and_smoothing_match_torch(reduction: str) -> None:
    probs = np.exp(Y) / np.exp(Y).sum(1, keepdims=True)
    check(
        lambda x, p: F.cross_entropy(x, p, reduction=reduction),
        lambda x, p: torch.nn.functional.cross_entropy(x, p, reduction=reduction),
        [X, probs.astype(np.float32)],
        graph=reduction != "mean",  # minigrad's tensor / number is DivBackward0, torch's ...1
    )
    for target in (LABELS, probs.astype(np.float32)):
        ours, ref = both(X, target, grad=False)
        close(
            F.cross_entropy(*ours, reduction=reduction, label_smoothing=0.2),
            torch.nn.functional.cross_entropy(*ref, reduction=reduction, label_smoothing=0.2),
        )


@pytest.mark.parametrize(
    ("x", "t"),
    [
        (X, np.array([0, 1, 5, 2])),
        (X, np.array([0, -1, 2, 2])),
        (X, np.array([0, 1])),
        (X, np.array(1)),
        (X, np.array([0.0, 1.0, 2.0, 3.0])),
        (np.float32(1.0), np.array(0)),
    ],
    ids=["high", "negative", "batch", "0d-target", "float-target", "0d-input"],
)
@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_functional_class_loss_errors_match_torch(name: str, x: np.ndarray, t: np.ndarray) -> None:
    caught = []
    for lib, fn in ((minigrad, F), (torch, torch.nn.functional)):
        with pytest.raises(Exception) as info:
            getattr(fn, name)(lib.tensor(x), lib.tensor(t))
        caught.append(info.value)
    assert isinstance(caught[0], type(caught[1])) and str(caught[0]) == str(caught[1])


def test_functional_nll_loss_all_ignored_mean_is_nan() -> None:
    loss = F.nll_loss(minigrad.tensor(X), minigrad.tensor([-100] * 4))
    assert np.isnan(loss.item())


def test_functional_mse_loss_size_warning_and_broadcast_graph_match_torch() -> None:
    messages, graphs = [], []
    for lib, fn in ((minigrad, F.mse_loss), (torch, torch.nn.functional.mse_loss)):
        x = lib.ones(3, 1, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loss = fn(x, lib.zeros(3))
        messages.append([str(w.message) for w in caught])
        assert [w.filename for w in caught] == [__file__]
        graphs.append(names(loss.grad_fn))
        loss.backward()
        assert x.grad.shape == (3, 1)
    assert messages[0] == messages[1] and len(messages[0]) == 1
    assert graphs[0] == graphs[1] == ["ExpandBackward0", None]


def test_functional_mse_loss_bad_shapes_and_reduction_raise_as_torch() -> None:
    for lib, fn in ((minigrad, F.mse_loss), (torch, torch.nn.functional.mse_loss)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(RuntimeError, match=r"The size of tensor a \(3\) must match"):
                fn(lib.ones(3), lib.ones(2))
        with pytest.raises(ValueError, match="^foo is not a valid value for reduction$"):
            fn(lib.ones(3), lib.ones(3), reduction="foo")


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid"])
def test_functional_activations_match_torch(name: str) -> None:
    check(getattr(F, name), getattr(torch.nn.functional, name), [X])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_functional_softmax_dims_and_implicit_warning_match_torch(name: str) -> None:
    for dim in (0, 1, -1):
        check(
            lambda x, d=dim: getattr(F, name)(x, d),
            lambda x, d=dim: getattr(torch.nn.functional, name)(x, d),
            [X],
        )
    texts = []
    for fn, lib in ((getattr(F, name), minigrad), (getattr(torch.nn.functional, name), torch)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn(lib.ones(2, 3))
        texts.append((str(caught[0].message), caught[0].filename, tuple(out.sum(1).tolist())))
    assert texts[0] == texts[1] and texts[0][1] == __file__


@pytest.mark.parametrize("shape", [(5,), (4, 5), (2, 3, 5)], ids=["1d", "2d", "3d"])
@pytest.mark.parametrize("bias", [True, False])
def test_functional_linear_matches_torch_values_grads_and_graph(shape, bias: bool) -> None:
    x = data(20, int(np.prod(shape)) // 5, 5).reshape(shape)
    arrays = [x, data(21, 3, 5)] + ([data(22, 1, 3)[0]] if bias else [])
    check(F.linear, torch.nn.functional.linear, arrays)
    ours, ref = both(*arrays)
    a, b = F.linear(*ours), torch.nn.functional.linear(*ref)
    inner = [names(a.grad_fn), names(b.grad_fn)]
    assert inner[0] == inner[1]


def test_functional_linear_shape_errors_match_torch() -> None:
    for lib, fn in ((minigrad, F.linear), (torch, torch.nn.functional.linear)):
        with pytest.raises(RuntimeError, match=r"^mat1 and mat2 shapes cannot be multiplied"):
            fn(lib.ones(4, 3), lib.ones(2, 2), lib.ones(2))
        with pytest.raises(RuntimeError, match="need to be at least 1D, but they are 0D and 2D"):
            fn(lib.tensor(1.0), lib.ones(2, 3))


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("dtype", ["float64", "int64", "int32"])
@pytest.mark.parametrize("shape", [(4, 2), (2,), (3, 4, 2)], ids=["2d", "1d", "3d"])
def test_linear_dtype_mismatch_error_matches_torch(dtype: str, shape, bias: bool) -> None:
    messages = []
    for lib in (minigrad, torch):
        layer = lib.nn.Linear(2, 3, bias=bias)
        with pytest.raises(RuntimeError) as info:
            layer(lib.ones(*shape, dtype=getattr(lib, dtype)))
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_loss_modules_match_functional() -> None:
    ours, ref = both(X, LABELS)
    close(
        nn.CrossEntropyLoss(reduction="sum")(*ours),
        torch.nn.CrossEntropyLoss(reduction="sum")(*ref),
    )
    close(
        nn.NLLLoss(ignore_index=4)(ours[0], ours[1].abs() % 5),
        torch.nn.NLLLoss(ignore_index=4)(ref[0], ref[1].abs() % 5),
    )
    close(nn.MSELoss(reduction="none")(ours[0], ours[0] * 2), (ref[0] - ref[0] * 2) ** 2)


def lesson(lib) -> str:
    """A course-style training cell; returns everything it prints."""
    nn_ = lib.nn
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model = nn_.Sequential(nn_.Linear(2, 3), nn_.Tanh(), nn_.Linear(3, 1))
        with lib.no_grad():
            for i, p in enumerate(model.parameters()):
                p.copy_(lib.linspace(-1, 1, p.numel()).reshape(p.shape) * (i + 1) / 3)
        print(model, model[0].weight, list(model[2].parameters()), sep="\n")
        x = lib.tensor([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]])
        y = lib.tensor([[1.0], [0.0], [2.0]])
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        print(opt)
        loss_fn = nn_.MSELoss()
        for step in range(3):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            print(step, loss)
        print(model[0].weight.grad, model(x), model.state_dict(), sep="\n")
        for name, p in model.named_parameters():
            print(name, p.shape, p.requires_grad)
        logits = lib.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], requires_grad=True)
        ce = nn_.CrossEntropyLoss()(logits, lib.tensor([0, 1]))
        ce.backward()
        print(ce, logits.grad, nn_.functional.softmax(logits, dim=1), sep="\n")
        adam = lib.optim.Adam(model.parameters(), lr=0.01)
        for _ in range(2):
            adam.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            adam.step()
        print(loss, model[2].bias, adam.state_dict()["param_groups"])
    return out.getvalue()


def test_nn_lesson_prints_like_torch() -> None:
    assert lesson(minigrad) == lesson(torch)


def test_functional_mse_loss_with_integer_target_keeps_float32_as_torch() -> None:
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0, 4.0], requires_grad=True)
        loss = lib.nn.functional.mse_loss(x, lib.tensor([1, 2, 3]))
        loss.backward()
        results.append((str(loss.dtype).split(".")[1], loss.item(), x.grad.tolist()))
    assert results[0] == results[1]


def test_module_forward_hooks_behave_as_torch() -> None:
    results = []
    for lib in (minigrad, torch):
        layer = lib.nn.Linear(2, 2)
        with lib.no_grad():
            layer.weight.copy_(lib.tensor([[1.0, 2.0], [3.0, 4.0]]))
            layer.bias.zero_()
        seen: list[tuple] = []
        pre = layer.register_forward_pre_hook(lambda m, args: args[0] * 2)
        post = layer.register_forward_hook(
            lambda m, args, out, seen=seen: (
                seen.append((type(m).__name__, args[0].tolist())) or out + 1
            )
        )
        first = layer(lib.ones(1, 2)).tolist()
        pre.remove()
        post.remove()
        results.append((first, seen, layer(lib.ones(1, 2)).tolist()))
    assert results[0] == results[1] == (
        [[7.0, 15.0]], [("Linear", [[2.0, 2.0]])], [[3.0, 7.0]]
    )  # fmt: skip
