"""LogisticRegressionClassifier against scikit-learn's LogisticRegression and torch autograd."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, softmax
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from threadpoolctl import threadpool_limits

from lrkit import logistic
from lrkit.data import breast_cancer, two_gaussians
from lrkit.logistic import LogisticRegressionClassifier


# --------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------
def _two_gaussians():
    X, y = two_gaussians(n_samples=150, seed=1, device="cpu", dtype=torch.float64)
    return X.numpy(), y[:, 0].long().numpy()


def _breast_cancer():
    X, _, y, _ = breast_cancer(device="cpu", dtype=torch.float64)  # standardised
    return X.numpy(), y[:, 0].long().numpy()


def _iris():
    return load_iris(return_X_y=True)


def _four_gaussians():
    """Four overlapping classes in 3-D: no class can be separated."""
    rng = np.random.default_rng(4)
    centers = np.array([[0, 0, 0], [1.5, 0, 0.5], [0, 1.5, -0.5], [1.0, 1.0, 1.0]])
    y = rng.integers(0, 4, 400)
    return centers[y] + rng.normal(size=(400, 3)), y


DATASETS = {
    "two_gaussians": _two_gaussians,
    "breast_cancer": _breast_cancer,
    "iris": _iris,
    "four_gaussians": _four_gaussians,
}
# C = inf only where the classes overlap (else the weights diverge). Larger C
# make scikit-learn's lbfgs stop before its log-loss is exact to 1e-6.
CASES = [
    ("two_gaussians", 0.01),
    ("two_gaussians", 1.0),
    ("two_gaussians", np.inf),
    ("breast_cancer", 0.1),
    ("breast_cancer", 1.0),
    ("breast_cancer", 10.0),
    ("iris", 0.1),
    ("iris", 1.0),
    ("iris", 3.0),
    ("four_gaussians", 1.0),
    ("four_gaussians", np.inf),
]


def _weights(n, kind):
    if kind is None:
        return None
    return np.random.default_rng(11).uniform(0.2, 3.0, n)


def _reference(X, y, sample_weight=None, **params):
    """scikit-learn's lbfgs, run far past its default tolerance."""
    # One thread: hundreds of lbfgs iterations on tiny data otherwise spend
    # their time synchronising OpenMP threads.
    with threadpool_limits(limits=1):
        ref = LogisticRegression(solver="lbfgs", tol=1e-10, max_iter=10000, **params)
        return ref.fit(X, y, sample_weight=sample_weight)


def _parameters(clf):
    return np.c_[clf.coef_, clf.intercept_]


def _symmetric(params, C):
    """A softmax model's parameters with sum over classes 0 where that is free."""
    params = params.copy()
    if len(params) > 1:
        free = slice(None) if np.isinf(C) else slice(-1, None)
        params[:, free] -= params[:, free].mean(axis=0)
    return params


def _objective(clf, X, y, sample_weight, C):
    """The objective written with torch.nn.functional, and its gradient by autograd.

    Returns the objective and the largest absolute entry of its gradient.
    """
    classes = clf.classes_
    target = torch.from_numpy(np.searchsorted(classes, y))
    weight = torch.ones(len(y), dtype=torch.float64)
    if sample_weight is not None:
        weight = torch.from_numpy(np.asarray(sample_weight, dtype=np.float64))
    W = torch.tensor(clf.coef_, requires_grad=True)
    b = torch.tensor(clf.intercept_, requires_grad=True)
    logits = torch.from_numpy(X) @ W.T + b
    if len(classes) == 2:
        losses = F.binary_cross_entropy_with_logits(logits[:, 0], target.double(), reduction="none")
    else:
        losses = F.cross_entropy(logits, target, reduction="none")
    objective = (weight * losses).sum()
    if np.isfinite(C):
        objective = objective + (W**2).sum() / (2 * C)
    objective = objective / weight.sum()
    objective.backward()
    return objective.item(), max(W.grad.abs().max().item(), b.grad.abs().max().item())


def _largest_gradient(clf, X, y, sample_weight, C):
    return _objective(clf, X, y, sample_weight, C)[1]


# --------------------------------------------------------------------------
# Agreement with scikit-learn and optimality
# --------------------------------------------------------------------------
@pytest.mark.parametrize("weights", [None, "random"])
@pytest.mark.parametrize(("dataset", "C"), CASES)
def test_matches_sklearn(dataset, C, weights):
    X, y = DATASETS[dataset]()
    sw = _weights(len(y), weights)
    ours = LogisticRegressionClassifier(C, tol=1e-10, device="cpu").fit(X, y, sample_weight=sw)
    ref = _reference(X, y, sw, C=C)
    assert_array_equal(ours.classes_, ref.classes_)
    assert ours.coef_.shape == ref.coef_.shape and ours.intercept_.shape == ref.intercept_.shape
    expected = _symmetric(_parameters(ref), C)
    error = np.linalg.norm(_parameters(ours) - expected) / np.linalg.norm(expected)
    assert error < 1e-4
    ours_loss = log_loss(y, ours.predict_proba(X), sample_weight=sw)
    ref_loss = log_loss(y, ref.predict_proba(X), sample_weight=sw)
    assert abs(ours_loss - ref_loss) <= 1e-6 * ref_loss
    # scikit-learn stops near 1e-8; the Newton solution is the more exact one
    ours_objective, largest = _objective(ours, X, y, sw, C)
    assert largest < 1e-9
    assert ours_objective <= _objective(ref, X, y, sw, C)[0] * (1 + 1e-14)


@pytest.mark.parametrize("dataset", ["two_gaussians", "breast_cancer", "four_gaussians"])
def test_lbfgs_solver_matches_sklearn(dataset):
    X, y = DATASETS[dataset]()
    sw = _weights(len(y), "random")
    ours = LogisticRegressionClassifier(solver="lbfgs", tol=1e-8, max_iter=1000, device="cpu")
    ours.fit(X, y, sample_weight=sw)
    ref = _reference(X, y, sw)
    expected = _symmetric(_parameters(ref), 1.0)
    assert np.linalg.norm(_parameters(ours) - expected) / np.linalg.norm(expected) < 1e-4
    assert _largest_gradient(ours, X, y, sw, 1.0) < 1e-6


@pytest.mark.parametrize("n_classes", [2, 4])
def test_large_data_subsampled_hessians_reach_the_same_optimum(monkeypatch, n_classes):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(60_000, 4))
    score = X @ np.array([1.0, -2.0, 0.5, 0.0]) + rng.logistic(size=len(X))
    y = np.digitize(score, np.quantile(score, np.linspace(0, 1, n_classes + 1)[1:-1]))
    sketched = []
    exact_hessian = logistic._Problem.hessian

    def spy(self, probs, sketch=False):
        sketched.append(sketch and self.stride > 1)
        return exact_hessian(self, probs, sketch)

    monkeypatch.setattr(logistic._Problem, "hessian", spy)
    ours = LogisticRegressionClassifier(tol=1e-10, device="cpu").fit(X, y)
    assert sketched[0] and not sketched[-1]  # subsampled first, exact at the end
    ref = _reference(X, y)
    expected = _symmetric(_parameters(ref), 1.0)
    assert np.linalg.norm(_parameters(ours) - expected) / np.linalg.norm(expected) < 1e-4
    assert _largest_gradient(ours, X, y, None, 1.0) < 1e-10


def test_without_intercept_matches_sklearn():
    for X, y in (_breast_cancer(), _iris()):
        ours = LogisticRegressionClassifier(fit_intercept=False, tol=1e-10, device="cpu").fit(X, y)
        ref = _reference(X, y, fit_intercept=False)
        assert_array_equal(ours.intercept_, np.zeros(len(ours.coef_)))
        assert np.linalg.norm(ours.coef_ - ref.coef_) / np.linalg.norm(ref.coef_) < 1e-4


def test_integer_weights_equal_repeated_samples():
    X, y = _four_gaussians()
    counts = np.random.default_rng(0).integers(0, 4, len(y))
    weighted = LogisticRegressionClassifier(tol=1e-10, device="cpu").fit(X, y, sample_weight=counts)
    repeated = LogisticRegressionClassifier(tol=1e-10, device="cpu")
    repeated.fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    assert_allclose(_parameters(weighted), _parameters(repeated), rtol=1e-9, atol=1e-12)
    # weights count samples: scaling them all weakens the penalty like a larger C
    scaled = LogisticRegressionClassifier(tol=1e-10, device="cpu")
    scaled.fit(X, y, sample_weight=counts * 7.5)
    larger_C = LogisticRegressionClassifier(C=7.5, tol=1e-10, device="cpu")
    larger_C.fit(X, y, sample_weight=counts)
    assert_allclose(_parameters(scaled), _parameters(larger_C), rtol=1e-9, atol=1e-12)


def test_newton_converges_in_few_iterations():
    X, y = _breast_cancer()
    clf = LogisticRegressionClassifier(tol=1e-10, device="cpu").fit(X, y)
    assert 1 <= clf.n_iter_ <= 15
    assert _largest_gradient(clf, X, y, None, 1.0) < 1e-10


def test_max_iter_warns():
    X, y = _breast_cancer()
    for solver in ("newton", "lbfgs"):
        with pytest.warns(ConvergenceWarning, match=r"max_iter=2 .*tol=1e-12"):
            clf = LogisticRegressionClassifier(solver=solver, max_iter=2, tol=1e-12, device="cpu")
            clf.fit(X, y)
        assert clf.n_iter_ == 2


def test_no_warning_when_converged():
    X, y = _iris()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LogisticRegressionClassifier(device="cpu").fit(X, y)


# --------------------------------------------------------------------------
# Methods
# --------------------------------------------------------------------------
def test_binary_methods():
    X, y = _two_gaussians()
    labels = np.where(y == 1, "spam", "ham")  # classes_ = ["ham", "spam"]
    clf = LogisticRegressionClassifier(device="cpu").fit(X, labels)
    assert clf.classes_.tolist() == ["ham", "spam"]
    assert clf.coef_.shape == (1, 2) and clf.intercept_.shape == (1,)
    z = clf.decision_function(X)
    assert z.shape == (300,)
    assert_allclose(z, X @ clf.coef_[0] + clf.intercept_[0], rtol=1e-12)
    proba = clf.predict_proba(X)
    assert_allclose(proba[:, 1], expit(z), rtol=1e-12)
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert_allclose(clf.predict_log_proba(X), np.log(proba), rtol=1e-9)
    assert_array_equal(clf.predict(X), np.where(z > 0, "spam", "ham"))
    assert clf.score(X, labels) == np.mean(clf.predict(X) == labels)


def test_multinomial_methods():
    X, y = _iris()
    clf = LogisticRegressionClassifier(device="cpu").fit(X, y)
    assert clf.coef_.shape == (3, 4) and clf.intercept_.shape == (3,)
    assert_allclose(clf.coef_.sum(axis=0), 0.0, atol=1e-12)
    assert_allclose(clf.intercept_.sum(), 0.0, atol=1e-12)
    scores = clf.decision_function(X)
    assert_allclose(scores, X @ clf.coef_.T + clf.intercept_, rtol=1e-12)
    assert_allclose(clf.predict_proba(X), softmax(scores, axis=1), rtol=1e-12)
    assert_allclose(np.exp(clf.predict_log_proba(X)), clf.predict_proba(X), rtol=1e-12)
    assert_array_equal(clf.predict(X), scores.argmax(axis=1))


def test_saturated_scores_keep_finite_log_probabilities():
    X, y = _two_gaussians()
    clf = LogisticRegressionClassifier(device="cpu").fit(X, y)
    far = np.array([[1e4, 1e4], [-1e4, -1e4]])
    log_proba = clf.predict_log_proba(far)
    assert np.all(np.isfinite(log_proba)) and log_proba[0, 0] < -100


def test_accepts_lists_tensors_and_lrkit_labels():
    X32, y_col = two_gaussians(n_samples=150, seed=1, device="cpu")  # float32, y (n, 1)
    from_tensors = LogisticRegressionClassifier(device="cpu").fit(X32, y_col)
    X, y = X32.double().numpy(), y_col[:, 0].numpy()
    reference = LogisticRegressionClassifier(device="cpu").fit(X, y)
    assert_allclose(_parameters(from_tensors), _parameters(reference), rtol=1e-14)
    from_lists = LogisticRegressionClassifier(device="cpu")
    from_lists.fit(X.tolist(), y.tolist(), sample_weight=[1.0] * len(y))
    assert_allclose(_parameters(from_lists), _parameters(reference), rtol=1e-14)
    weights = torch.ones(len(y))
    from_weights = LogisticRegressionClassifier(device="cpu").fit(X, y, sample_weight=weights)
    assert_allclose(_parameters(from_weights), _parameters(reference), rtol=1e-14)
    assert_allclose(reference.predict_proba(X32), reference.predict_proba(X), rtol=1e-14)


def test_device_argument():
    X, y = _iris()
    reference = LogisticRegressionClassifier(device="cpu").fit(X, y)
    for device in (None, torch.device("cpu")):
        clf = LogisticRegressionClassifier(device=device).fit(X, y)
        assert_allclose(clf.coef_, reference.coef_, rtol=1e-14)
    with pytest.raises(ValueError, match="device must be one of"):
        LogisticRegressionClassifier(device="tpu").fit(X, y)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            LogisticRegressionClassifier(device="cuda").fit(X, y)


def test_clone_pickle_and_repr():
    X, y = _iris()
    clf = LogisticRegressionClassifier(C=0.5, max_iter=50, device="cpu").fit(X, y)
    assert repr(clf) == "LogisticRegressionClassifier(C=0.5, device='cpu', max_iter=50)"
    restored = pickle.loads(pickle.dumps(clf))
    assert_allclose(restored.predict_proba(X), clf.predict_proba(X))
    fresh = clone(clf)
    assert fresh.get_params() == clf.get_params() and not hasattr(fresh, "coef_")


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"C": 0.0}, ValueError, "C must be a positive number or np.inf; got 0.0"),
        ({"C": -1.0}, ValueError, "C must be a positive number"),
        ({"C": float("nan")}, ValueError, "C must be a positive number"),
        ({"C": "1"}, TypeError, "C must be a positive number"),
        ({"C": True}, TypeError, "C must be a positive number"),
        ({"max_iter": 0}, ValueError, "max_iter must be a positive integer; got 0"),
        ({"max_iter": 2.5}, TypeError, "max_iter must be a positive integer"),
        ({"tol": 0.0}, ValueError, "tol must be a positive number; got 0.0"),
        ({"tol": -1e-4}, ValueError, "tol must be a positive number"),
        ({"tol": "small"}, TypeError, "tol must be a positive number"),
        ({"solver": "sgd"}, ValueError, r"solver must be one of \['newton', 'lbfgs'\]; got 'sgd'"),
        ({"fit_intercept": "yes"}, TypeError, "fit_intercept must be True or False"),
    ],
)
def test_bad_parameters(params, error, match):
    X, y = _iris()
    with pytest.raises(error, match=match):
        LogisticRegressionClassifier(**params).fit(X, y)


@pytest.mark.parametrize(
    ("sample_weight", "error", "match"),
    [
        (np.ones(3), ValueError, r"sample_weight must be of shape \(150,\).*got shape \(3,\)"),
        (np.ones((150, 2)), ValueError, "sample_weight must be of shape"),
        (-np.ones(150), ValueError, "sample_weight must be non-negative; got 150 negative"),
        (np.zeros(150), ValueError, "at least one non-zero weight"),
        (np.full(150, np.nan), ValueError, "sample_weight must be finite"),
        (["a"] * 150, TypeError, "sample_weight must hold numbers"),
    ],
)
def test_bad_sample_weight(sample_weight, error, match):
    X, y = _iris()
    with pytest.raises(error, match=match):
        LogisticRegressionClassifier(device="cpu").fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.array([[0.0, np.nan], [1.0, 2.0], [2.0, 1.0]]), [0, 1, 1], "NaN"),
        (np.array([[0.0, np.inf], [1.0, 2.0], [2.0, 1.0]]), [0, 1, 1], "infinity"),
        (np.arange(4.0), [0, 0, 1, 1], "Expected 2D array"),
        (np.zeros((4, 2, 2)), [0, 0, 1, 1], "dim 3"),
        (np.zeros((0, 2)), [], "0 sample"),
        (np.zeros((4, 0)), [0, 0, 1, 1], "0 feature"),
        (np.random.default_rng(0).normal(size=(5, 2)), [0, 0, 1, 1], "inconsistent numbers"),
        (np.random.default_rng(0).normal(size=(4, 2)), [1, 1, 1, 1], "two classes.*one class"),
        (np.random.default_rng(0).normal(size=(4, 2)), [0.5, 1.5, 0.5, 1.5], "Unknown label"),
    ],
)
def test_bad_data(X, y, match):
    with pytest.raises(ValueError, match=match):
        LogisticRegressionClassifier(device="cpu").fit(X, y)


def test_predict_errors():
    X, y = _iris()
    with pytest.raises(NotFittedError):
        LogisticRegressionClassifier().predict(X)
    clf = LogisticRegressionClassifier(device="cpu").fit(X, y)
    with pytest.raises(ValueError, match=r"X has 3 features, but .* is expecting 4"):
        clf.decision_function(X[:, :3])
    with pytest.raises(ValueError, match="infinity"):
        clf.predict_proba(np.full((1, 4), np.inf))
