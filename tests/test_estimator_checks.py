"""scikit-learn's own estimator checks, one test per check, for both estimators."""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import check_array_api_input, parametrize_with_checks

from lrkit.generative import GaussianGenerativeClassifier
from lrkit.logistic import LogisticRegressionClassifier

# The array API check fits make_classification(n_features=10) data, in
# which two features are linear combinations of two others: every
# covariance matrix is singular, and GaussianGenerativeClassifier refuses
# to fit (ValueError asking for reg_param > 0) rather than fit a Gaussian
# with no density. scikit-learn runs this check on its own
# QuadraticDiscriminantAnalysis with reg_param=1.0 for the same reason;
# test_array_api_input_with_reg_param below does the same here.
_SINGULAR_DATA = {
    "check_array_api_input": (
        "make_classification's redundant features make the covariance singular; "
        "the estimator raises ValueError asking for reg_param > 0"
    ),
}


def _expected_failed_checks(estimator):
    if isinstance(estimator, GaussianGenerativeClassifier) and estimator.reg_param == 0:
        return _SINGULAR_DATA
    return {}


@pytest.fixture(autouse=True)
def _array_api_checks_enabled(monkeypatch):
    # Without it scikit-learn skips check_array_api_input instead of running it.
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")


@parametrize_with_checks(
    [
        GaussianGenerativeClassifier(device="cpu"),
        GaussianGenerativeClassifier(covariance="full", device="cpu"),
        LogisticRegressionClassifier(device="cpu"),
        LogisticRegressionClassifier(solver="lbfgs", device="cpu"),
    ],
    expected_failed_checks=_expected_failed_checks,
)
# L-BFGS needs more than its default 100 iterations on unscaled iris in
# check_non_transformer_estimators_n_iter, which only checks n_iter_ >= 1.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("covariance", ["shared", "full"])
def test_array_api_input_with_reg_param(covariance):
    estimator = GaussianGenerativeClassifier(covariance, reg_param=0.5, device="cpu")
    check_array_api_input(
        type(estimator).__name__,
        estimator,
        array_namespace="numpy",
        expect_only_array_outputs=False,
    )
