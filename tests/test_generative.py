"""GaussianGenerativeClassifier against scikit-learn's LDA / QDA, scipy and the lecture."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, softmax
from scipy.stats import multivariate_normal
from sklearn.base import BaseEstimator, clone
from sklearn.covariance import empirical_covariance
from sklearn.datasets import load_iris
from sklearn.discriminant_analysis import (
    LinearDiscriminantAnalysis,
    QuadraticDiscriminantAnalysis,
)
from sklearn.exceptions import NotFittedError

from lrkit.data import LECTURE_GAUSSIANS, generative_example, two_gaussians
from lrkit.generative import GaussianGenerativeClassifier

ATOL = 1e-9  # float64 throughout: agreement is far tighter than the 1e-5 asked of it


def _iris():
    return load_iris(return_X_y=True)


def _two_gaussians():
    X, y = two_gaussians(n_samples=200, centers=((0.0, 0.0), (1.5, 1.0)), seed=3, device="cpu")
    return X.double().numpy(), y[:, 0].long().numpy()


def _three_gaussians():
    """Three elongated clouds with different covariances, for the full model."""
    rng = np.random.default_rng(7)
    parts, labels = [], []
    for k, (mean, scale) in enumerate(
        [((0, 0), (1.0, 0.3)), ((2, 1), (0.5, 1.5)), ((-1, 3), (1, 1))]
    ):
        z = rng.standard_normal((60 + 10 * k, 2)) * scale
        rotation = np.array([[np.cos(k), -np.sin(k)], [np.sin(k), np.cos(k)]])
        parts.append(np.asarray(mean) + z @ rotation.T)
        labels.append(np.full(len(z), k))
    return np.concatenate(parts), np.concatenate(labels)


DATASETS = {"iris": _iris, "two_gaussians": _two_gaussians, "three_gaussians": _three_gaussians}


class _ShrunkTowardsIdentity(BaseEstimator):
    """Covariance estimator for LDA: (1 - r) * ML covariance + r * I."""

    def __init__(self, reg_param=0.0):
        self.reg_param = reg_param

    def fit(self, X, y=None):
        r = self.reg_param
        self.covariance_ = (1 - r) * empirical_covariance(X) + r * np.eye(X.shape[1])
        return self


def _lda(reg_param=0.0):
    # solver="lsqr" pools the maximum likelihood class covariances with the
    # class priors as weights, as the lecture does ("svd" rescales by n - K).
    return LinearDiscriminantAnalysis(
        solver="lsqr", covariance_estimator=_ShrunkTowardsIdentity(reg_param)
    )


# --------------------------------------------------------------------------
# Agreement with scikit-learn
# --------------------------------------------------------------------------
@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_shared_matches_lda(dataset):
    X, y = DATASETS[dataset]()
    ours = GaussianGenerativeClassifier(device="cpu").fit(X, y)
    lda = LinearDiscriminantAnalysis(solver="lsqr").fit(X, y)
    assert_array_equal(ours.classes_, lda.classes_)
    assert_allclose(ours.priors_, lda.priors_, rtol=1e-14)
    assert_allclose(ours.means_, lda.means_, rtol=1e-12, atol=1e-12)
    assert_allclose(ours.covariance_, lda.covariance_, rtol=1e-10, atol=1e-12)
    assert_allclose(ours.predict_proba(X), lda.predict_proba(X), atol=ATOL)
    assert_allclose(ours.predict_log_proba(X), lda.predict_log_proba(X), rtol=1e-8, atol=ATOL)
    assert_array_equal(ours.predict(X), lda.predict(X))
    if len(ours.classes_) == 2:  # both give the log-odds of classes_[1]
        assert_allclose(ours.decision_function(X), lda.decision_function(X), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_full_matches_qda(dataset):
    X, y = DATASETS[dataset]()
    ours = GaussianGenerativeClassifier("full", device="cpu").fit(X, y)
    # QDA's default svd solver uses the maximum likelihood (biased) covariances.
    qda = QuadraticDiscriminantAnalysis(store_covariance=True).fit(X, y)
    assert_allclose(ours.priors_, qda.priors_, rtol=1e-14)
    assert_allclose(ours.means_, qda.means_, rtol=1e-12, atol=1e-12)
    assert_allclose(ours.covariances_, np.stack(qda.covariance_), rtol=1e-10, atol=1e-12)
    assert_allclose(ours.predict_proba(X), qda.predict_proba(X), atol=ATOL)
    assert_array_equal(ours.predict(X), qda.predict(X))
    if len(ours.classes_) == 2:
        assert_allclose(ours.decision_function(X), qda.decision_function(X), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("covariance", ["shared", "full"])
def test_log_joint_matches_scipy_densities(covariance):
    X, y = _three_gaussians()
    clf = GaussianGenerativeClassifier(covariance, device="cpu").fit(X, y)
    covs = [clf.covariance_] * 3 if covariance == "shared" else list(clf.covariances_)
    expected = np.stack(
        [
            multivariate_normal(mean, cov).logpdf(X) + np.log(prior)
            for mean, cov, prior in zip(clf.means_, covs, clf.priors_, strict=True)
        ],
        axis=1,
    )
    assert_allclose(clf.decision_function(X), expected, rtol=1e-10)
    assert_allclose(clf.predict_proba(X), softmax(expected, axis=1), atol=1e-12)


@pytest.mark.parametrize("reg_param", [0.05, 0.5, 1.0])
def test_reg_param_full_matches_qda(reg_param):
    X, y = _iris()
    ours = GaussianGenerativeClassifier("full", reg_param=reg_param, device="cpu").fit(X, y)
    qda = QuadraticDiscriminantAnalysis(reg_param=reg_param).fit(X, y)
    assert_allclose(ours.predict_proba(X), qda.predict_proba(X), atol=ATOL)
    raw = GaussianGenerativeClassifier("full", device="cpu").fit(X, y).covariances_
    assert_allclose(ours.covariances_, (1 - reg_param) * raw + reg_param * np.eye(4), rtol=1e-12)


@pytest.mark.parametrize("reg_param", [0.05, 0.5, 1.0])
def test_reg_param_shared_matches_lda_with_shrunk_covariances(reg_param):
    X, y = _iris()
    ours = GaussianGenerativeClassifier(reg_param=reg_param, device="cpu").fit(X, y)
    lda = _lda(reg_param).fit(X, y)
    assert_allclose(ours.covariance_, lda.covariance_, rtol=1e-10, atol=1e-12)
    assert_allclose(ours.predict_proba(X), lda.predict_proba(X), atol=ATOL)


def test_reg_param_makes_a_singular_covariance_usable():
    X, y = _iris()
    X = np.c_[X, 2 * X[:, 0] - X[:, 1]]  # a redundant fifth feature
    with pytest.raises(ValueError, match=r"singular.*feature 4.*reg_param > 0"):
        GaussianGenerativeClassifier(device="cpu").fit(X, y)
    clf = GaussianGenerativeClassifier(reg_param=1e-3, device="cpu").fit(X, y)
    assert_allclose(clf.predict_proba(X), _lda(1e-3).fit(X, y).predict_proba(X), atol=ATOL)


def test_singular_class_covariance_names_the_class():
    X, y = _iris()
    X = X.copy()
    X[y == 2, 3] = 1.8  # constant within class 2 only
    GaussianGenerativeClassifier(device="cpu").fit(X, y)  # the pooled matrix is fine
    with pytest.raises(ValueError, match=r"covariance matrix of class 2 is singular.*reg_param"):
        GaussianGenerativeClassifier("full", device="cpu").fit(X, y)
    X[:, 3] = 1.0  # constant everywhere
    with pytest.raises(ValueError, match=r"shared \(pooled\) covariance.*singular.*feature 3"):
        GaussianGenerativeClassifier(device="cpu").fit(X, y)


def test_features_on_very_different_scales_are_not_called_singular():
    X, y = _iris()
    scale = np.array([1e-6, 1.0, 1e6, 1e3])
    clf = GaussianGenerativeClassifier("full", device="cpu").fit(X * scale, y)
    reference = GaussianGenerativeClassifier("full", device="cpu").fit(X, y)
    assert_allclose(clf.predict_proba(X * scale), reference.predict_proba(X), atol=1e-9)


# --------------------------------------------------------------------------
# The equivalent logistic model
# --------------------------------------------------------------------------
def test_to_logistic_binary_is_the_posterior():
    X, y = _two_gaussians()
    clf = GaussianGenerativeClassifier(device="cpu").fit(X, y)
    w, b = clf.to_logistic()
    assert w.shape == (2,) and np.ndim(b) == 0
    assert_allclose(expit(X @ w + b), clf.predict_proba(X)[:, 1], atol=1e-12)
    # LDA's coefficients for two classes are the same w and b
    lda = LinearDiscriminantAnalysis(solver="lsqr").fit(X, y)
    assert_allclose(w, lda.coef_[0], rtol=1e-10)
    assert_allclose(b, lda.intercept_[0], rtol=1e-10)


def test_to_logistic_multiclass_is_the_softmax_posterior():
    X, y = _iris()
    clf = GaussianGenerativeClassifier(device="cpu").fit(X, y)
    W, b = clf.to_logistic()
    assert W.shape == (3, 4) and b.shape == (3,)
    assert_allclose(softmax(X @ W.T + b, axis=1), clf.predict_proba(X), atol=1e-12)
    lda = LinearDiscriminantAnalysis(solver="lsqr").fit(X, y)
    assert_allclose(W, lda.coef_, rtol=1e-9)
    assert_allclose(b, lda.intercept_, rtol=1e-9)


def test_to_logistic_uses_classes_1_as_positive_class():
    X, y = _two_gaussians()
    labels = np.where(y == 1, "water", "normal")  # sorted: "normal" < "water"
    clf = GaussianGenerativeClassifier(device="cpu").fit(X, labels)
    w, b = clf.to_logistic()
    assert clf.classes_.tolist() == ["normal", "water"]
    assert_allclose(expit(X @ w + b), clf.predict_proba(X)[:, 1], atol=1e-12)
    flipped = GaussianGenerativeClassifier(device="cpu").fit(X, np.where(y == 1, "a", "b"))
    w2, b2 = flipped.to_logistic()
    assert_allclose(w2, -w, rtol=1e-12)
    assert_allclose(b2, -b, rtol=1e-12)


def test_to_logistic_needs_a_shared_covariance():
    X, y = _two_gaussians()
    clf = GaussianGenerativeClassifier(device="cpu").fit(X, y)
    clf.to_logistic()
    clf.set_params(covariance="full").fit(X, y)  # a refit forgets the shared matrix
    assert not hasattr(clf, "covariance_") and clf.covariances_.shape == (2, 2, 2)
    with pytest.raises(ValueError, match=r"covariance='shared'.*quadratic"):
        clf.to_logistic()
    with pytest.raises(NotFittedError):
        GaussianGenerativeClassifier().to_logistic()


def _sample_with_exact_moments(mean, cov, count, rng):
    """Points whose mean and ML covariance are exactly ``mean`` and ``cov``."""
    z = rng.standard_normal((count, len(mean)))
    z -= z.mean(axis=0)
    z = np.linalg.solve(np.linalg.cholesky(z.T @ z / count), z.T).T  # ML covariance = I
    return np.asarray(mean) + z @ np.linalg.cholesky(np.asarray(cov)).T


def test_lecture_formula_from_the_published_parameters():
    counts, means, covs = (LECTURE_GAUSSIANS[k] for k in ("counts", "means", "covariances"))
    mu1, mu2 = (np.array(m) for m in means)
    sigma = (counts[0] * np.array(covs[0]) + counts[1] * np.array(covs[1])) / sum(counts)
    expected_w = np.linalg.solve(sigma, mu1 - mu2)
    expected_b = (
        -0.5 * mu1 @ np.linalg.solve(sigma, mu1)
        + 0.5 * mu2 @ np.linalg.solve(sigma, mu2)
        + np.log(counts[0] / counts[1])
    )
    # the numbers of the slides' derivation, rounded
    assert_allclose(expected_w, [0.02044, 0.00483], atol=5e-6)
    assert_allclose(expected_b, -1.3924, atol=5e-5)

    # A training set whose maximum likelihood estimates are exactly the
    # slides' statistics: class 1 ("water") is label 1, class 2 label 0.
    rng = np.random.default_rng(0)
    X = np.concatenate(
        [
            _sample_with_exact_moments(means[0], covs[0], counts[0], rng),
            _sample_with_exact_moments(means[1], covs[1], counts[1], rng),
        ]
    )
    y = np.r_[np.ones(counts[0]), np.zeros(counts[1])]
    clf = GaussianGenerativeClassifier(device="cpu").fit(X, y)
    assert_allclose(clf.means_, [mu2, mu1], rtol=1e-12)
    assert_allclose(clf.covariance_, sigma, rtol=1e-12)
    w, b = clf.to_logistic()
    assert_allclose(w, expected_w, rtol=1e-10)
    assert_allclose(b, expected_b, rtol=1e-10)
    full = GaussianGenerativeClassifier("full", device="cpu").fit(X, y)
    assert_allclose(full.covariances_, [covs[1], covs[0]], rtol=1e-12)


def test_generative_example_priors_are_the_lecture_counts():
    X, y = generative_example(device="cpu")
    clf = GaussianGenerativeClassifier(device="cpu").fit(X, y)
    assert clf.classes_.tolist() == [0.0, 1.0]
    assert clf.priors_.tolist() == [61 / 140, 79 / 140]
    assert clf.class_counts_.tolist() == [61, 79]


# --------------------------------------------------------------------------
# Methods, inputs, devices
# --------------------------------------------------------------------------
def test_methods_are_consistent():
    X, y = _iris()
    clf = GaussianGenerativeClassifier("full", device="cpu").fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 3) and proba.dtype == np.float64
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-12)
    assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, y) == np.mean(clf.predict(X) == y)


def test_far_points_keep_finite_log_probabilities():
    X, y = _two_gaussians()
    clf = GaussianGenerativeClassifier(device="cpu").fit(X, y)
    far = np.array([[1e4, 1e4], [-1e4, -1e4]])
    log_proba = clf.predict_log_proba(far)
    assert np.all(np.isfinite(log_proba))
    assert log_proba[0, 0] < -100 and log_proba[1, 1] < -100  # saturated, yet not -inf
    assert_allclose(clf.predict_proba(far).sum(axis=1), 1.0)


def test_accepts_lists_tensors_and_lrkit_labels():
    X, y = _two_gaussians()
    reference = GaussianGenerativeClassifier(device="cpu").fit(X, y)
    X32, y_col = two_gaussians(n_samples=200, centers=((0.0, 0.0), (1.5, 1.0)), seed=3)
    from_tensors = GaussianGenerativeClassifier(device="cpu").fit(X32, y_col)  # y: (n, 1)
    assert_allclose(from_tensors.means_, reference.means_, rtol=1e-6)
    assert_allclose(from_tensors.predict_proba(X32), reference.predict_proba(X), atol=1e-5)
    from_lists = GaussianGenerativeClassifier(device="cpu").fit(X.tolist(), y.tolist())
    assert_allclose(from_lists.covariance_, reference.covariance_, rtol=1e-14)
    assert_allclose(from_lists.predict_proba(torch.from_numpy(X)), reference.predict_proba(X))


def test_device_argument():
    X, y = _iris()
    reference = GaussianGenerativeClassifier(device="cpu").fit(X, y)
    for device in (None, torch.device("cpu")):
        clf = GaussianGenerativeClassifier(device=device).fit(X, y)
        assert_allclose(clf.predict_proba(X), reference.predict_proba(X), rtol=1e-14)
    with pytest.raises(ValueError, match="device must be one of"):
        GaussianGenerativeClassifier(device="tpu").fit(X, y)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            GaussianGenerativeClassifier(device="cuda").fit(X, y)


def test_clone_pickle_and_repr():
    X, y = _iris()
    clf = GaussianGenerativeClassifier("full", reg_param=0.1, device="cpu").fit(X, y)
    assert (
        repr(clf) == "GaussianGenerativeClassifier(covariance='full', device='cpu', reg_param=0.1)"
    )
    restored = pickle.loads(pickle.dumps(clf))
    assert_allclose(restored.predict_proba(X), clf.predict_proba(X))
    fresh = clone(clf)
    assert fresh.get_params() == clf.get_params() and not hasattr(fresh, "classes_")


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------
def test_bad_parameters():
    X, y = _iris()
    with pytest.raises(ValueError, match=r"covariance must be one of \['shared', 'full'\]"):
        GaussianGenerativeClassifier("diagonal").fit(X, y)
    with pytest.raises(TypeError, match="covariance must be one of"):
        GaussianGenerativeClassifier(None).fit(X, y)
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(ValueError, match=r"reg_param must be a number in \[0, 1\]"):
            GaussianGenerativeClassifier(reg_param=bad).fit(X, y)
    with pytest.raises(TypeError, match="reg_param must be a number"):
        GaussianGenerativeClassifier(reg_param="0.1").fit(X, y)


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
        GaussianGenerativeClassifier(device="cpu").fit(X, y)


def test_predict_errors():
    X, y = _iris()
    with pytest.raises(NotFittedError):
        GaussianGenerativeClassifier().predict(X)
    clf = GaussianGenerativeClassifier(device="cpu").fit(X, y)
    with pytest.raises(ValueError, match=r"X has 3 features, but .* is expecting 4"):
        clf.predict_proba(X[:, :3])
    with pytest.raises(ValueError, match="NaN"):
        clf.predict(np.full((1, 4), np.nan))
