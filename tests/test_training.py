"""lrkit.training: reproduces the course material and a plain DataLoader loop."""

from __future__ import annotations

import io
import math
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

import lrkit
from lrkit import data
from lrkit.models import MLP, LogisticRegression, SoftmaxRegression, init_normal_
from lrkit.training import History, evaluate, predict, train

# The lecture's printed cost log for the six students (seeds/001)
LECTURE_COSTS = [
    0.693147,
    0.134722,
    0.080643,
    0.057900,
    0.045300,
    0.037261,
    0.031672,
    0.027556,
    0.024394,
    0.021888,
    0.019852,
]


def _zero_model(n_features=2):
    model = LogisticRegression(n_features)
    with torch.no_grad():
        model.linear.weight.zero_()
        model.linear.bias.zero_()
    return model


def _set(model, w, b):
    with torch.no_grad():
        model.linear.weight.fill_(w)
        model.linear.bias.fill_(b)
    return model


@pytest.mark.parametrize("loss", ["bce", "bce_probs"])
def test_six_students_reproduce_the_lecture_cost_log(loss):
    X, y = data.students()
    model = _zero_model()
    history = train(model, X, y, loss=loss, optimizer="sgd", lr=1.0, epochs=1001)
    np.testing.assert_allclose(history.epoch_loss[::100], LECTURE_COSTS, atol=1e-5)
    assert history.epoch_accuracy[-1] == 1.0
    assert len(history.step_loss) == 1001  # one full batch per epoch


def test_ibm_lab_ends_at_accuracy_one():
    X, y = data.step_data()
    model = _set(LogisticRegression(1), -5.0, -10.0)
    history = train(
        model, X, y, loss="bce_probs", optimizer="sgd", lr=2.0, epochs=100, batch_size=3
    )
    assert len(history.step_loss) == 100 * 7  # 20 points in batches of 3: 6 full, 1 of 2
    assert float((model.predict(X) == y).float().mean()) == 1.0


def test_tutorial_cross_entropy_reaches_one_while_mse_stalls_at_57_5_percent():
    X, y = data.step_data(-2.0, 2.0)
    results = {}
    for loss in ("bce", "mse_probs"):
        model = _set(LogisticRegression(1), -5.0, -10.0)
        train(model, X, y, loss=loss, optimizer="sgd", lr=2.0, epochs=50, batch_size=2)
        results[loss] = float((model.predict(X) == y).float().mean())
    assert results == {"bce": 1.0, "mse_probs": pytest.approx(0.575)}


def _dataloader_reference(model, X, y, *, loss_fn, batch_size, epochs, seed, lr, adam):
    """A plain training loop, the way the course material writes it."""
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(
        TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=generator
    )
    opt = (
        torch.optim.Adam(model.parameters(), lr=lr)
        if adam
        else torch.optim.SGD(model.parameters(), lr=lr)
    )
    losses = []
    for _ in range(epochs):
        for xb, yb in loader:
            value = loss_fn(model(xb), yb)
            opt.zero_grad()
            value.backward()
            opt.step()
            losses.append(value.item())
    return losses


@pytest.mark.parametrize("adam", [False, True])
def test_same_steps_as_a_dataloader_loop_in_float64(adam):
    X, y = data.bands(seed=0, dtype=torch.float64)
    torch.manual_seed(0)
    ours = init_normal_(MLP(2, 2, hidden=(8, 8), dtype=torch.float64))
    torch.manual_seed(0)
    theirs = init_normal_(MLP(2, 2, hidden=(8, 8), dtype=torch.float64))
    lr = 0.005 if adam else 0.5
    history = train(
        ours,
        X,
        y,
        loss="ce",
        optimizer="adam" if adam else "sgd",
        lr=lr,
        epochs=4,
        batch_size=7,
        shuffle=True,
        seed=42,
    )
    expected = _dataloader_reference(
        theirs, X, y, loss_fn=F.cross_entropy, batch_size=7, epochs=4, seed=42, lr=lr, adam=adam
    )
    np.testing.assert_allclose(history.step_loss, expected, rtol=1e-12, atol=1e-14)
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-14)


def test_without_shuffle_batches_are_consecutive_slices():
    X, y = data.step_data()
    X, y = X.double(), y.double()
    ours = _set(LogisticRegression(1, dtype=torch.float64), 0.3, -0.2)
    theirs = _set(LogisticRegression(1, dtype=torch.float64), 0.3, -0.2)
    history = train(ours, X, y, loss="bce", optimizer="sgd", lr=0.5, epochs=3, batch_size=6)
    opt = torch.optim.SGD(theirs.parameters(), lr=0.5)
    expected = []
    for _ in range(3):
        for xb, yb in DataLoader(TensorDataset(X, y), batch_size=6):
            value = F.binary_cross_entropy_with_logits(theirs(xb), yb)
            opt.zero_grad()
            value.backward()
            opt.step()
            expected.append(value.item())
    np.testing.assert_allclose(history.step_loss, expected, rtol=1e-12)
    # epoch loss: batch losses weighted by batch size (6, 6, 6, 2)
    first = np.average(expected[:4], weights=[6, 6, 6, 2])
    assert history.epoch_loss[0] == pytest.approx(first, rel=1e-12)
    assert history.seed is None


def test_full_batch_epoch_loss_is_the_loss_before_the_update():
    X, y = data.students()
    model = _zero_model()
    history = train(model, X, y, loss="bce", optimizer="sgd", lr=1.0, epochs=2)
    assert history.epoch_loss[0] == pytest.approx(math.log(2), rel=1e-6)
    assert history.epoch_loss == history.step_loss


def test_recorded_parameters_are_where_each_step_loss_was_computed():
    X, y = data.step_data()
    model = _set(LogisticRegression(1), -5.0, -10.0)
    history = train(
        model,
        X,
        y,
        loss="bce_probs",
        optimizer="sgd",
        lr=2.0,
        epochs=3,
        batch_size=3,
        record_params=True,
    )
    assert len(history.params) == len(history.step_loss) + 1
    assert history.params[0]["linear.weight"].item() == -5.0
    torch.testing.assert_close(history.params[-1]["linear.weight"], model.linear.weight.detach())
    for step in range(7):  # first epoch: batches are slices of 3
        p = history.params[step]
        xb, yb = X[3 * step : 3 * step + 3], y[3 * step : 3 * step + 3]
        probs = torch.sigmoid(xb * p["linear.weight"][0, 0] + p["linear.bias"][0])
        assert history.step_loss[step] == pytest.approx(
            F.binary_cross_entropy(probs, yb).item(), rel=1e-5
        )


def test_validation_data_is_evaluated_after_each_epoch():
    X, y = data.bands(seed=0)
    X_val, y_val = data.bands(n_points=30, seed=1)
    torch.manual_seed(1)
    model = SoftmaxRegression(2, 2)
    history = train(
        model,
        X,
        y,
        loss="ce",
        optimizer="adam",
        lr=0.05,
        epochs=5,
        batch_size=16,
        validation_data=(X_val, y_val),
    )
    assert len(history.val_loss) == len(history.val_accuracy) == 5
    val_loss, val_acc = evaluate(model, X_val, y_val, loss="ce")
    assert history.val_loss[-1] == pytest.approx(val_loss)
    assert history.val_accuracy[-1] == pytest.approx(val_acc)
    assert val_loss == pytest.approx(F.cross_entropy(model(X_val), y_val).item(), rel=1e-6)


def test_mse_on_class_indices_regresses_the_one_hot_code():
    X, y = data.bands(seed=0)
    torch.manual_seed(0)
    model = MLP(2, 2, hidden=(4,))
    loss, _ = evaluate(model, X, y, loss="mse")
    expected = F.mse_loss(model(X), F.one_hot(y, 2).float()).item()
    assert loss == pytest.approx(expected, rel=1e-6)


def test_mse_with_one_output_thresholds_the_score_at_one_half():
    model = MLP(1, 1, hidden=())
    with torch.no_grad():
        model.layers[0].weight.fill_(1.0)
        model.layers[0].bias.zero_()
    X = torch.tensor([[0.2], [0.4], [0.6]])
    assert predict(model, X, loss="mse")[:, 0].tolist() == [0, 0, 1]
    assert predict(model, X, loss="bce")[:, 0].tolist() == [1, 1, 1]  # logit > 0


def test_regression_targets_have_no_accuracy():
    weight, bias = data.polynomial_target()
    X, y = data.polynomial_batch(
        64, weight=weight, bias=bias, generator=torch.Generator().manual_seed(0)
    )
    torch.manual_seed(0)
    model = MLP(4, 1, hidden=())
    history = train(model, X, y, loss="mse", optimizer="sgd", lr=1e-3, epochs=3)
    assert history.epoch_accuracy == [] and len(history.epoch_loss) == 3


def test_optimizer_instance_and_callable_loss():
    X, y = data.students()
    model = _zero_model()
    opt = torch.optim.SGD(model.parameters(), lr=1.0)

    def my_loss(logits, target):
        return F.binary_cross_entropy_with_logits(logits, target)

    history = train(model, X, y, loss=my_loss, optimizer=opt, lr=None, epochs=101)
    assert history.epoch_loss[100] == pytest.approx(LECTURE_COSTS[1], abs=1e-5)
    assert history.epoch_accuracy[-1] == 1.0


@pytest.mark.parametrize(("hidden", "expected"), [((4,), 1), ((512, 512), 2)])
def test_small_steps_run_on_one_thread_and_the_setting_is_restored(hidden, expected):
    X, y = data.bands(seed=0)
    seen = []

    def loss(outputs, target):
        seen.append(torch.get_num_threads())
        return F.cross_entropy(outputs, target)

    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        train(
            MLP(2, 2, hidden=hidden),
            X,
            y,
            loss=loss,
            optimizer="sgd",
            lr=0.1,
            epochs=1,
            batch_size=32,
        )
        assert set(seen) == {expected}
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(previous)


def test_history_hands_back_the_trained_model():
    X, y = data.students()
    model = _zero_model()
    history = train(model, X, y, loss="bce", optimizer="sgd", lr=1.0, epochs=3)
    assert history.model is model
    assert "model" not in repr(history)


def test_history_repr():
    text = repr(History(step_loss=[1.0], epoch_loss=[0.5], epoch_accuracy=[1.0]))
    assert text == "History(epochs=1, steps=1, loss=0.5, accuracy=1)"


def test_train_is_exposed_at_top_level():
    assert lrkit.train is train


# ---------------------------------------------------------------- progress
def test_progress_bar_when_forced(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    X, y = data.students()
    train(_zero_model(), X, y, loss="bce", optimizer="sgd", lr=1.0, epochs=3, progress=True)
    assert "epoch" in stream.getvalue()


def test_no_progress_bar_off_a_terminal_or_in_a_docs_build(monkeypatch):
    class FakeTerminal(io.StringIO):
        def isatty(self):
            return True

    X, y = data.students()
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    train(_zero_model(), X, y, loss="bce", optimizer="sgd", lr=1.0, epochs=3)
    assert stream.getvalue() == ""
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr("lrkit.training.PROGRESS_DELAY", 0.0)
    train(_zero_model(), X, y, loss="bce", optimizer="sgd", lr=1.0, epochs=3)
    assert "epoch" in terminal.getvalue()  # a terminal gets a bar (after the delay)
    terminal.truncate(0)
    monkeypatch.setitem(sys.modules, "sphinx_gallery", object())
    train(_zero_model(), X, y, loss="bce", optimizer="sgd", lr=1.0, epochs=3)
    assert terminal.getvalue() == ""  # ... but not inside a docs build
    train(_zero_model(), X, y, loss="bce", optimizer="sgd", lr=1.0, epochs=3, progress=False)
    assert terminal.getvalue() == ""


# ---------------------------------------------------------------- errors
def _call(**overrides):
    X, y = data.students()
    kwargs = dict(loss="bce", optimizer="sgd", lr=1.0, epochs=2)
    model = overrides.pop("model", LogisticRegression(2))
    X = overrides.pop("X", X)
    y = overrides.pop("y", y)
    kwargs.update(overrides)
    return train(model, X, y, **kwargs)


NAN = float("nan")


@pytest.mark.parametrize(
    ("overrides", "error", "pattern"),
    [
        (dict(X=[[1.0, NAN]] * 6), ValueError, "X must be finite; got 6 NaN"),
        (
            dict(y=[[0.0], [1.0], [float("inf")], [0.0], [1.0], [1.0]]),
            ValueError,
            "y must be finite",
        ),
        (
            dict(X=torch.zeros(6)),
            ValueError,
            "X must be 2-D of shape \\(n_samples, n_features\\); got 1-D",
        ),
        (dict(X=torch.zeros(6, 2, 1)), ValueError, "X must be 2-D .* got 3-D"),
        (
            dict(X=torch.zeros(0, 2), y=torch.zeros(0, 1)),
            ValueError,
            "X must have at least one sample",
        ),
        (dict(X=torch.zeros(6, 0)), ValueError, "X must have at least one feature"),
        (
            dict(y=torch.zeros(5, 1)),
            ValueError,
            "X and y must have the same number of samples; got X with 6",
        ),
        (
            dict(y=[[0.0], [2.0], [0.0], [1.0], [1.0], [1.0]]),
            ValueError,
            r"y must hold binary labels in \{0, 1\}; got values such as \[2.0\]",
        ),
        (
            dict(model=SoftmaxRegression(2, 2), loss="ce", y=[0, 1, 2, 0, 1, 0]),
            ValueError,
            r"class indices in \[0, 1\].*got \[2\]",
        ),
        (
            dict(X=torch.zeros(6, 3)),
            ValueError,
            "X has 3 features, but LogisticRegression expects 2",
        ),
        (
            dict(loss="hinge"),
            ValueError,
            "loss must be one of \\['bce', 'bce_probs', 'ce', 'ce_after_softmax', 'mse', 'mse_probs'\\]",
        ),
        (dict(loss="ce"), ValueError, "loss='ce' needs a model with at least 2 outputs"),
        (
            dict(optimizer="rmsprop"),
            ValueError,
            "optimizer must be one of \\['sgd', 'adam'\\]; got 'rmsprop'",
        ),
        (dict(lr=0.0), ValueError, "lr must be a positive number; got 0.0"),
        (dict(lr=-1.0), ValueError, "lr must be a positive number"),
        (dict(epochs=0), ValueError, "epochs must be a positive integer; got 0"),
        (dict(epochs=2.5), TypeError, "epochs must be a positive integer"),
        (dict(batch_size=0), ValueError, "batch_size must be a positive integer; got 0"),
        (dict(device="gpu"), ValueError, "device must be one of"),
        (dict(model="not a model"), TypeError, "model must be a torch.nn.Module"),
        (dict(seed=-3), ValueError, "seed must be non-negative"),
        (dict(validation_data=(torch.zeros(3, 2),)), TypeError, "validation_data must be a tuple"),
        (
            dict(validation_data=(torch.zeros(3, 2), torch.zeros(2, 1))),
            ValueError,
            "X_val and y_val must have the same number",
        ),
        (dict(X=np.array([["a", "b"]] * 6)), TypeError, "X must hold numbers"),
    ],
)
def test_bad_input_gets_a_clear_error(overrides, error, pattern):
    with pytest.raises(error, match=pattern):
        _call(**overrides)


def test_lr_with_an_optimizer_instance_is_refused():
    model = LogisticRegression(2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(
        ValueError, match=r"lr must be None when optimizer is a torch\.optim\.Optimizer"
    ):
        _call(model=model, optimizer=opt, lr=0.1)


def test_numpy_and_lists_are_accepted():
    X, y = data.students()
    h1 = train(_zero_model(), X.numpy(), y.numpy(), loss="bce", optimizer="sgd", lr=1.0, epochs=3)
    h2 = train(
        _zero_model(), X.tolist(), y[:, 0].tolist(), loss="bce", optimizer="sgd", lr=1.0, epochs=3
    )
    h3 = train(_zero_model(), X, y, loss="bce", optimizer="sgd", lr=1.0, epochs=3)
    assert h1.step_loss == h2.step_loss == h3.step_loss
