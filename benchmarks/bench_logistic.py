"""Fitting logistic regression on 100,000 x 20: lrkit against scikit-learn.

Both minimise the same penalised cross-entropy at the same ``C``
(scikit-learn's ``lbfgs`` with its defaults, lrkit's
``LogisticRegressionClassifier`` with its defaults); both must reach the same
training log-loss to 1e-6 relative before their times are compared. The
binary case draws two overlapping Gaussian clouds in 20 dimensions, the
multinomial case four.
"""

from __future__ import annotations

import numpy as np
from _common import CaseResult, Goal, Timing, interleave
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

import lrkit

N_SAMPLES = 100_000
N_FEATURES = 20
C = 1.0


def gaussian_classes(n_classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``N_SAMPLES`` points in ``N_FEATURES`` dimensions, unit-variance clouds around random centres."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=0.4, size=(n_classes, N_FEATURES))  # overlapping classes
    y = rng.integers(0, n_classes, size=N_SAMPLES)
    X = centres[y] + rng.normal(size=(N_SAMPLES, N_FEATURES))
    return X, y


def _case(name: str, n_classes: int, quick: bool, repeats: int | None) -> CaseResult:
    repeats = repeats or (3 if quick else 9)
    X, y = gaussian_classes(n_classes)

    def fit_lrkit():
        return lrkit.LogisticRegressionClassifier(C=C, device="cpu").fit(X, y)

    def fit_sklearn():
        return LogisticRegression(C=C, solver="lbfgs").fit(X, y)

    ours, theirs = fit_lrkit(), fit_sklearn()  # also warms both up
    loss_ours = log_loss(y, ours.predict_proba(X))
    loss_theirs = log_loss(y, theirs.predict_proba(X))
    relative = abs(loss_ours - loss_theirs) / loss_theirs

    times = interleave({"lrkit": fit_lrkit, "sklearn": fit_sklearn}, repeats)
    lrkit_timing = Timing(f"lrkit.LogisticRegressionClassifier(C={C}).fit", times["lrkit"])
    baseline = Timing(f'sklearn LogisticRegression(C={C}, solver="lbfgs").fit', times["sklearn"])
    kind = "binary" if n_classes == 2 else f"multinomial, {n_classes} classes"
    result = CaseResult(
        name,
        f"Logistic regression fit, {N_SAMPLES:,} x {N_FEATURES} Gaussian data ({kind})",
        lrkit_timing,
        [baseline],
        extra={
            "log_loss_lrkit": loss_ours,
            "log_loss_sklearn": loss_theirs,
            "log_loss_relative_difference": relative,
            "iterations_lrkit": int(ours.n_iter_),
            "iterations_sklearn": int(np.max(theirs.n_iter_)),
        },
    )
    result.goals = [Goal("same training log-loss to 1e-6 relative", relative, 1e-6)]
    if n_classes == 2:
        time_ratio = lrkit_timing.seconds / baseline.seconds
        result.goals.append(
            Goal("no slower than scikit-learn (time ratio <= 1.0)", time_ratio, 1.0)
        )
    return result


def run_binary(quick: bool, repeats: int | None = None) -> CaseResult:
    return _case("logistic", 2, quick, repeats)


def run_multinomial(quick: bool, repeats: int | None = None) -> CaseResult:
    return _case("logistic_multinomial", 4, quick, repeats)
