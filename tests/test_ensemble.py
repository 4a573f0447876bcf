"""train_ensemble against its oracle: one lrkit.train run per seed."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import stats
from torch import nn

import lrkit
import lrkit._ensemble as ensemble
from lrkit._objectives import OBJECTIVES
from lrkit.models import init_normal_

F64 = torch.float64


def _oracle(model_fn, X, y, seeds, **kwargs):
    """What train_ensemble promises: for each seed, manual_seed, build, train."""
    histories = []
    for seed in seeds:
        torch.manual_seed(seed)
        model = model_fn()
        histories.append(lrkit.train(model, X, y, seed=seed, device="cpu", **kwargs))
    return histories


def _assert_same(got, expected, rtol=1e-9):
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g.seed == e.seed
        for field in ("step_loss", "epoch_loss", "epoch_accuracy", "val_loss", "val_accuracy"):
            a, b = getattr(g, field), getattr(e, field)
            assert len(a) == len(b), field
            np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12, err_msg=field)
        # the trained model of each seed is handed back, equal to train's
        trained, reference = dict(g.model.named_parameters()), dict(e.model.named_parameters())
        assert list(trained) == list(reference)
        for name, param in reference.items():
            np.testing.assert_allclose(
                trained[name].detach().cpu(), param.detach().cpu(), rtol=rtol, atol=1e-12
            )
        if e.params is None:
            assert g.params is None
            continue
        assert len(g.params) == len(e.params)
        for pg, pe in zip(g.params, e.params, strict=True):
            assert list(pg) == list(pe)
            for name in pe:
                assert pg[name].shape == pe[name].shape
                np.testing.assert_allclose(pg[name], pe[name], rtol=rtol, atol=1e-12)


@pytest.fixture(autouse=True)
def _one_thread():
    """The oracle loops of tiny steps run fastest on one thread (a busy machine stalls two)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def small_bands():
    X, y = lrkit.data.bands(n_points=20, device="cpu", dtype=F64)  # 40 samples
    return X, y


@pytest.fixture
def no_loop(monkeypatch):
    """Fail if the loop of train calls is used instead of the batched path."""

    def fail(*args, **kwargs):
        raise AssertionError("the batched path was expected")

    monkeypatch.setattr(ensemble, "_fit_loop", fail)


def _mlp(n_out, hidden=(6, 5)):
    return lambda: lrkit.MLP(2, n_out, hidden, device="cpu", dtype=F64)


# --------------------------------------------------------------------------
# Exactness of the batched path in float64, 100 epochs
# --------------------------------------------------------------------------
CASES = {
    "mlp-ce-adam-shuffle-7": (_mlp(2), "ce", "adam", 0.01, 7, True),
    "mlp-ce-sgd-ordered-10": (_mlp(2), "ce", "sgd", 0.5, 10, False),
    "mlp-ce_after_softmax-adam-shuffle-16": (
        _mlp(2, (6,)),
        "ce_after_softmax",
        "adam",
        0.01,
        16,
        True,
    ),
    "mlp-mse-adam-shuffle-9": (_mlp(1), "mse", "adam", 0.01, 9, True),
    "mlp-mse-onehot-sgd-shuffle-16": (_mlp(2, (5,)), "mse", "sgd", 0.2, 16, True),
    "mlp-bce-adam-full": (_mlp(1), "bce", "adam", 0.02, None, False),
    "mlp-bce_probs-sgd-shuffle-15": (_mlp(1, (5,)), "bce_probs", "sgd", 1.0, 15, True),
    "mlp-mse_probs-adam-shuffle-12": (_mlp(1, (5,)), "mse_probs", "adam", 0.02, 12, True),
    "logistic-bce-sgd-shuffle-13": (
        lambda: lrkit.LogisticRegression(2, device="cpu", dtype=F64),
        "bce",
        "sgd",
        2.0,
        13,
        True,
    ),
    "softmax-ce-adam-ordered-10": (
        lambda: lrkit.SoftmaxRegression(2, 2, device="cpu", dtype=F64),
        "ce",
        "adam",
        0.05,
        10,
        False,
    ),
    "sequential-mse-adam-shuffle-6": (
        lambda: init_normal_(
            nn.Sequential(nn.Linear(2, 7), nn.ReLU(), nn.Linear(7, 1)).to(F64), std=0.3
        ),
        "mse",
        "adam",
        0.01,
        6,
        True,
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_batched_path_matches_train_per_seed(case, small_bands, no_loop):
    model_fn, loss, optimizer, lr, batch_size, shuffle = CASES[case]
    X, y = small_bands
    kwargs = dict(
        loss=loss, optimizer=optimizer, lr=lr, epochs=100, batch_size=batch_size, shuffle=shuffle
    )
    seeds = [3, 11]
    got = lrkit.train_ensemble(model_fn, X, y, seeds=seeds, device="cpu", **kwargs)
    _assert_same(got, _oracle(model_fn, X, y, seeds, **kwargs))
    # The models really differ: the comparison above is not trivially true.
    assert got[0].step_loss[0] != got[1].step_loss[0]
    steps = -(-X.shape[0] // (batch_size or X.shape[0]))
    assert len(got[0].step_loss) == 100 * steps


def test_validation_and_params_match_train(no_loop):
    X, y = lrkit.data.bands(4, n_points=12, device="cpu", dtype=F64)
    X_val, y_val = lrkit.data.bands(4, n_points=10, seed=1, device="cpu", dtype=F64)
    model_fn = lambda: lrkit.MLP(2, 4, (5,), device="cpu", dtype=F64)  # noqa: E731
    kwargs = dict(
        loss="ce",
        optimizer="adam",
        lr=0.02,
        epochs=100,
        batch_size=20,
        shuffle=True,
        record_params=True,
        validation_data=(X_val, y_val),
    )
    got = lrkit.train_ensemble(model_fn, X, y, seeds=[1, 2], device="cpu", **kwargs)
    expected = _oracle(model_fn, X, y, [1, 2], **kwargs)
    _assert_same(got, expected)
    assert len(got[0].val_accuracy) == 100
    assert len(got[0].params) == 100 * 3 + 1


def test_logistic_validation_regression_targets_and_soft_labels(no_loop):
    # Regression targets for "mse": no accuracy; soft class probabilities for "ce".
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(30, 3, generator=generator, dtype=F64)
    y_reg = X @ torch.tensor([1.0, -2.0, 0.5], dtype=F64) + 0.1
    fn_reg = lambda: lrkit.MLP(3, 1, (4,), device="cpu", dtype=F64)  # noqa: E731
    kwargs = dict(loss="mse", optimizer="sgd", lr=0.05, epochs=100, batch_size=12, shuffle=True)
    got = lrkit.train_ensemble(
        fn_reg, X, y_reg, seeds=[0, 1], device="cpu", validation_data=(X, y_reg), **kwargs
    )
    _assert_same(got, _oracle(fn_reg, X, y_reg, [0, 1], validation_data=(X, y_reg), **kwargs))
    assert got[0].epoch_accuracy == [] and got[0].val_accuracy == []

    soft = torch.softmax(torch.randn(30, 3, generator=generator, dtype=F64), dim=1)
    fn_soft = lambda: lrkit.SoftmaxRegression(3, 3, device="cpu", dtype=F64)  # noqa: E731
    kwargs = dict(loss="ce", optimizer="adam", lr=0.05, epochs=100, batch_size=16, shuffle=True)
    got = lrkit.train_ensemble(fn_soft, X, soft, seeds=[4, 5], device="cpu", **kwargs)
    _assert_same(got, _oracle(fn_soft, X, soft, [4, 5], **kwargs))


def test_two_threads_match_train(small_bands, no_loop):
    X, y = small_bands
    kwargs = dict(loss="ce", optimizer="adam", lr=0.01, epochs=30, batch_size=7, shuffle=True)
    seeds = [0, 1, 2]
    torch.set_num_threads(2)  # the fixture restores the count
    got = lrkit.train_ensemble(_mlp(2), X, y, seeds=seeds, device="cpu", **kwargs)
    torch.set_num_threads(1)
    _assert_same(got, _oracle(_mlp(2), X, y, seeds, **kwargs))


def test_vanishing_adam_moments_are_scrubbed_without_effect():
    # A dead unit: zero gradients from the start of the second step on, so its
    # first moment decays by 0.9 a step towards the denormal numbers.
    model = nn.Linear(3, 1)
    stack = ensemble._Stack([model], ensemble._linear_stack(model), "adam", 1e-3)
    reference = torch.optim.Adam([p := stack.flat.clone().requires_grad_()], lr=1e-3, fused=True)
    stack.grad.fill_(1e-3)
    tiny = torch.finfo(torch.float32).tiny
    for step in range(1, 1201):
        p.grad = stack.grad.clone()
        reference.step()
        stack.step()
        stack.grad.zero_()
        moment = stack.exp_avg.abs()
        assert not bool(((moment > 0) & (moment < tiny)).any()), step  # never denormal
    torch.testing.assert_close(stack.flat, p.detach(), rtol=0, atol=0)
    assert bool((stack.exp_avg == 0).all())  # scrubbed
    # Left alone, the moments end stuck among the denormal numbers (0.9 x the
    # smallest ones rounds back to themselves): every later step stays slow.
    stuck = reference.state[p]["exp_avg"].abs()
    assert bool(((stuck > 0) & (stuck < tiny)).all())


@pytest.mark.parametrize("name", sorted(ensemble._LOSS_GRADS))
def test_written_out_loss_gradients_match_autograd(name):
    objective = OBJECTIVES[name]
    generator = torch.Generator().manual_seed(1)
    n_out = 3 if name in ("ce", "ce_after_softmax", "mse") else 1
    z = torch.randn(4, 6, n_out, generator=generator, dtype=F64) * 3
    z[0, 0] = 40.0  # saturated sigmoids and softmaxes
    z[1, 0] = -40.0
    if n_out == 1:
        target = torch.randint(0, 2, (4, 6, 1), generator=generator).to(F64)
    elif name == "mse":
        target = torch.randn(4, 6, n_out, generator=generator, dtype=F64)
    else:
        target = torch.randint(0, n_out, (4, 6), generator=generator)
    targets = [target]
    if name in ("ce", "ce_after_softmax"):  # class probabilities too
        targets.append(torch.softmax(torch.randn(4, 6, n_out, generator=generator), -1).to(F64))
    for target in targets:
        leaf = z.clone().requires_grad_(True)
        (expected,) = torch.autograd.grad(objective.elementwise(leaf, target).sum(), leaf)
        grad, grad_target = ensemble._loss_grad_for(objective, target, n_out, F64)
        assert grad_target.dtype == F64
        torch.testing.assert_close(grad(z.clone(), grad_target), expected, rtol=1e-12, atol=1e-15)


def test_user_losses_have_no_written_out_gradient():
    objective = lrkit._objectives.get_objective(lambda outputs, target: outputs.mean())
    assert ensemble._loss_grad_for(objective, torch.zeros(3, 1), 1, F64) is None


# --------------------------------------------------------------------------
# float32: the same distribution of final accuracies
# --------------------------------------------------------------------------
def test_float32_accuracies_match_sequential_runs(no_loop):
    X, y = lrkit.data.bands(device="cpu")
    X_test, y_test = lrkit.data.bands(n_points=60, seed=7, device="cpu")
    model_fn = lambda: init_normal_(lrkit.MLP(2, 2, (16, 16), device="cpu"), std=0.3)  # noqa: E731
    kwargs = dict(
        loss="ce",
        optimizer="adam",
        lr=0.01,
        epochs=40,
        batch_size=20,
        shuffle=True,
        validation_data=(X_test, y_test),
    )
    seeds = range(30)
    got = lrkit.train_ensemble(model_fn, X, y, seeds=seeds, device="cpu", **kwargs)
    expected = _oracle(model_fn, X, y, seeds, **kwargs)
    # The first steps agree to float32 rounding; chaos takes over later.
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g.step_loss[:16], e.step_loss[:16], rtol=1e-4)
    final = np.array([h.val_accuracy[-1] for h in got])
    reference = np.array([h.val_accuracy[-1] for h in expected])
    assert final.std() > 0.005  # 30 different models, not one model 30 times
    assert abs(final.mean() - reference.mean()) < 0.02
    assert 0.5 < final.std() / reference.std() < 2.0
    assert stats.ks_2samp(final, reference).pvalue > 0.05


# --------------------------------------------------------------------------
# The loop of train calls, for any other model or loss
# --------------------------------------------------------------------------
class _Noisy(nn.Module):
    """Tanh and dropout: not a Linear/ReLU stack, and random during training."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(2, 6)
        self.drop = nn.Dropout(0.3)
        self.out = nn.Linear(6, 2)

    def forward(self, x):
        return self.out(self.drop(torch.tanh(self.hidden(x))))


def test_fallback_matches_train_for_a_custom_module(small_bands):
    X, y = small_bands
    model_fn = lambda: _Noisy().to(F64)  # noqa: E731
    kwargs = dict(loss="ce", optimizer="adam", lr=0.02, epochs=5, batch_size=16, shuffle=True)
    got = lrkit.train_ensemble(model_fn, X, y, seeds=[2, 9, 4], device="cpu", **kwargs)
    # Dropout draws from the global generator: each model sees what it would in the loop.
    _assert_same(got, _oracle(model_fn, X, y, [2, 9, 4], **kwargs), rtol=0)


def test_fallback_for_a_callable_loss(small_bands):
    X, y = small_bands

    def hinge(outputs, target):
        return torch.clamp(1 - (2 * target - 1) * outputs, min=0).mean()

    calls = []
    original = ensemble._fit_loop

    def spy(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    model_fn = _mlp(1, (4,))
    kwargs = dict(loss=hinge, optimizer="sgd", lr=0.1, epochs=4, batch_size=10)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ensemble, "_fit_loop", spy)
        got = lrkit.train_ensemble(model_fn, X, y, seeds=[0, 1], device="cpu", **kwargs)
    assert calls == [1]
    _assert_same(got, _oracle(model_fn, X, y, [0, 1], **kwargs), rtol=0)


def test_global_random_state_is_left_alone(small_bands):
    X, y = small_bands
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    lrkit.train_ensemble(
        _mlp(2), X, y, seeds=[0, 1], loss="ce", optimizer="sgd", lr=0.1, epochs=2, device="cpu"
    )
    torch.testing.assert_close(torch.rand(3), expected)


def test_histories_follow_the_order_of_seeds_and_record_shuffle_seeds(small_bands, no_loop):
    X, y = small_bands
    kwargs = dict(loss="ce", optimizer="adam", lr=0.01, epochs=3, batch_size=8, device="cpu")
    a = lrkit.train_ensemble(_mlp(2), X, y, seeds=[5, 7], shuffle=True, **kwargs)
    b = lrkit.train_ensemble(_mlp(2), X, y, seeds=(7, 5), shuffle=True, **kwargs)
    assert [h.seed for h in a] == [5, 7]
    np.testing.assert_allclose(a[0].step_loss, b[1].step_loss, rtol=1e-12)
    np.testing.assert_allclose(a[1].step_loss, b[0].step_loss, rtol=1e-12)
    c = lrkit.train_ensemble(_mlp(2), X, y, seeds=range(2), **kwargs)
    assert [h.seed for h in c] == [None, None]
    assert "History(" in repr(c[0])


def test_progress_bar(small_bands, capsys):
    X, y = small_bands
    lrkit.train_ensemble(
        _mlp(2), X, y, seeds=[0, 1], loss="ce", optimizer="sgd", lr=0.1, epochs=3,
        device="cpu", progress=True,
    )  # fmt: skip
    assert "2 x MLP" in capsys.readouterr().err


# --------------------------------------------------------------------------
# Bad arguments
# --------------------------------------------------------------------------
def _call(**overrides):
    X, y = lrkit.data.bands(n_points=10, device="cpu")
    args = dict(
        model_fn=lambda: lrkit.MLP(2, 2, (3,), device="cpu"),
        X=X,
        y=y,
        seeds=[0, 1],
        loss="ce",
        optimizer="sgd",
        lr=0.1,
        epochs=1,
        device="cpu",
    )
    args.update(overrides)
    return lrkit.train_ensemble(args.pop("model_fn"), args.pop("X"), args.pop("y"), **args)


@pytest.mark.parametrize(
    ("overrides", "error", "match"),
    [
        (dict(seeds=5), TypeError, "seeds must be a sequence of ints"),
        (dict(seeds="01"), TypeError, "seeds must be a sequence"),
        (dict(seeds=None), TypeError, "seeds must be a sequence"),
        (dict(seeds=[]), ValueError, "at least one seed"),
        (dict(seeds=[0, 1, 0]), ValueError, "distinct; got seed 0 at positions 0 and 2"),
        (dict(seeds=[0, -1]), ValueError, r"seeds\[1\] must be non-negative"),
        (dict(seeds=[0, 1.5]), TypeError, r"seeds\[1\] must be an int"),
        (dict(seeds=[True]), TypeError, r"seeds\[0\] must be an int"),
        (dict(model_fn=lrkit.MLP(2, 2)), TypeError, "model_fn must be a callable"),
        (dict(model_fn=lambda: "net"), TypeError, "model_fn must return a torch.nn.Module"),
        (dict(optimizer="rmsprop"), ValueError, "optimizer must be one of"),
        (dict(lr=0.0), ValueError, "lr must be a positive number"),
        (dict(lr=None), TypeError, "lr must be a positive number"),
        (dict(epochs=0), ValueError, "epochs must be a positive integer"),
        (dict(batch_size=2.5), TypeError, "batch_size must be a positive integer"),
        (dict(shuffle=1), TypeError, "shuffle must be True or False"),
        (dict(progress="yes"), TypeError, "progress must be"),
        (dict(loss="hinge"), ValueError, "loss must be one of"),
        (dict(validation_data=torch.zeros(3, 2)), TypeError, "validation_data must be a tuple"),
        (dict(y=torch.zeros(7, dtype=torch.long)), ValueError, "same number of samples"),
        (dict(X=torch.zeros(20, 3)), ValueError, "expects 2 features"),
        (dict(y=torch.full((20,), 5)), ValueError, r"class indices in \[0, 1\]"),
        (dict(device="tpu"), ValueError, "device"),
    ],
)
def test_bad_arguments(overrides, error, match):
    with pytest.raises(error, match=match):
        _call(**overrides)


def test_optimizer_instance_is_refused():
    model = lrkit.MLP(2, 2, device="cpu")
    with pytest.raises(TypeError, match="own optimizer state; got a SGD instance"):
        _call(optimizer=torch.optim.SGD(model.parameters(), lr=0.1), lr=None)


def test_architectures_must_agree_across_seeds():
    def model_fn():
        hidden = 3 + torch.initial_seed()  # a different width for every seed
        return lrkit.MLP(2, 2, (hidden,), device="cpu")

    with pytest.raises(ValueError, match=r"same architecture for every seed; seeds\[0\]=0 gave"):
        _call(model_fn=model_fn)
