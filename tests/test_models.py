"""lrkit.models: same starting point as torch.nn, logits out, predictions derived."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import lrkit
from lrkit.models import MLP, LogisticRegression, SoftmaxRegression, init_normal_


@pytest.mark.parametrize("seed", [0, 1, 123])
def test_logistic_regression_starts_where_nn_linear_does(seed):
    torch.manual_seed(seed)
    reference = nn.Linear(3, 1)
    torch.manual_seed(seed)
    model = LogisticRegression(3)
    torch.testing.assert_close(model.linear.weight, reference.weight, rtol=0, atol=0)
    torch.testing.assert_close(model.linear.bias, reference.bias, rtol=0, atol=0)


def test_softmax_regression_starts_where_nn_linear_does():
    torch.manual_seed(7)
    reference = nn.Linear(4, 3)
    torch.manual_seed(7)
    model = SoftmaxRegression(4, 3)
    torch.testing.assert_close(model.linear.weight, reference.weight, rtol=0, atol=0)


def test_mlp_matches_the_lecture_network_layer_by_layer():
    torch.manual_seed(3)
    lecture = nn.Sequential(
        nn.Linear(2, 50),
        nn.ReLU(),
        nn.Linear(50, 100),
        nn.ReLU(),
        nn.Linear(100, 50),
        nn.ReLU(),
        nn.Linear(50, 2),
    )
    torch.manual_seed(3)
    net = MLP(2, 2)
    for ours, theirs in zip(net.parameters(), lecture.parameters(), strict=True):
        torch.testing.assert_close(ours, theirs, rtol=0, atol=0)
    X = torch.randn(7, 2)
    torch.testing.assert_close(net(X), lecture(X))


def test_init_normal_equals_the_lecture_loop():
    torch.manual_seed(11)
    lecture = nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 1))
    torch.manual_seed(12)
    for _, param in lecture.named_parameters():
        nn.init.normal_(param, mean=0.0, std=0.02)
    torch.manual_seed(11)
    net = MLP(2, 1, hidden=(5,))
    torch.manual_seed(12)
    assert init_normal_(net) is net
    for ours, theirs in zip(net.parameters(), lecture.parameters(), strict=True):
        torch.testing.assert_close(ours, theirs, rtol=0, atol=0)


def test_forward_returns_logits_and_predictions_derive_from_them():
    torch.manual_seed(0)
    X = torch.randn(10, 2)
    binary = LogisticRegression(2)
    z = binary(X)
    assert z.shape == (10, 1)
    torch.testing.assert_close(binary.predict_proba(X), torch.sigmoid(z).detach())
    torch.testing.assert_close(binary.predict(X), (torch.sigmoid(z) > 0.5).long())
    torch.testing.assert_close(binary.predict(X, threshold=0.9), (torch.sigmoid(z) > 0.9).long())
    multi = SoftmaxRegression(2, 4)
    logits = multi(X)
    torch.testing.assert_close(multi.predict_proba(X), torch.softmax(logits, 1).detach())
    assert multi.predict(X).shape == (10,)
    torch.testing.assert_close(multi.predict(X), logits.argmax(1))


def test_predict_accepts_numpy_and_lists():
    model = LogisticRegression(2)
    expected = model.predict(torch.tensor([[1.0, 2.0]]))
    torch.testing.assert_close(model.predict(np.array([[1.0, 2.0]])), expected)
    torch.testing.assert_close(model.predict([[1.0, 2.0]]), expected)


def test_models_are_exposed_at_top_level_with_a_useful_repr():
    assert lrkit.LogisticRegression is LogisticRegression
    assert lrkit.MLP is MLP
    assert "Linear(in_features=2, out_features=50" in repr(MLP(2, 1))


def test_float64_models():
    model = MLP(2, 3, hidden=(4,), dtype=torch.float64)
    assert model(torch.zeros(1, 2, dtype=torch.float64)).dtype == torch.float64
    assert model.predict_proba([[0.0, 0.0]]).dtype == torch.float64


@pytest.mark.parametrize(
    ("build", "error", "pattern"),
    [
        (lambda: LogisticRegression(0), ValueError, "n_features must be a positive integer; got 0"),
        (lambda: LogisticRegression(2.5), TypeError, "n_features must be a positive integer"),
        (lambda: SoftmaxRegression(2, 1), ValueError, "n_classes must be at least 2"),
        (lambda: MLP(2, 1, hidden=(5, "a")), TypeError, "hidden must hold integers"),
        (lambda: MLP(2, 1, hidden=(5, 0)), ValueError, "hidden must be a positive integer"),
        (lambda: init_normal_("net"), TypeError, "module must be a torch.nn.Module"),
        (lambda: init_normal_(MLP(2, 1), std=-1.0), ValueError, "std must be a positive number"),
        (lambda: LogisticRegression(2, device="gpu"), ValueError, "device must be one of"),
    ],
)
def test_bad_arguments(build, error, pattern):
    with pytest.raises(error, match=pattern):
        build()


def test_bad_inputs_at_predict_time():
    model = LogisticRegression(2)
    with pytest.raises(ValueError, match="X has 3 features, but LogisticRegression expects 2"):
        model.predict(torch.zeros(4, 3))
    with pytest.raises(ValueError, match="X must be 2-D"):
        model.predict(torch.zeros(4))
    with pytest.raises(ValueError, match="X must be finite"):
        model.predict_proba(torch.tensor([[0.0, float("nan")]]))
    with pytest.raises(ValueError, match="threshold must lie strictly between 0 and 1"):
        model.predict(torch.zeros(1, 2), threshold=1.5)
