r"""Logistic regression as a scikit-learn estimator, fitted full-batch in torch.

The discriminative counterpart of :mod:`lrkit.generative`: instead of
modelling each class and deriving :math:`P(C_k \mid x)` from Bayes' rule, fit
the weights of :math:`P(C_1 \mid x) = \sigma(w \cdot x + b)` (or of a softmax)
directly, by minimising the cross-entropy. The objective is the one of
:class:`sklearn.linear_model.LogisticRegression`, so both give the same
coefficients; here the fit runs in torch, on any device, with a damped Newton
method by default.
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from lrkit._estimator import (
    compute_dtype,
    host_array,
    to_numpy,
    to_torch,
    validate_classification,
)
from lrkit._validation import _describe, as_tensor, check_choice, check_finite, check_positive
from lrkit.device import resolve_device

__all__ = ["LogisticRegressionClassifier"]

_SOLVERS = ("newton", "lbfgs")
#: Halvings of the step before the Newton line search gives up.
_MAX_HALVINGS = 40
#: Sufficient decrease constant of the Armijo condition.
_ARMIJO = 1e-4
#: Entries of the row blocks in which the Hessian is accumulated (fit in a core's cache).
_BLOCK_ENTRIES = 1 << 16
#: Rows kept (at least) in the subsampled Hessians of the first Newton steps.
_SKETCH_ROWS = 10_000


# --------------------------------------------------------------------------
# The objective: mean cross-entropy + L2 penalty, its gradient and Hessian
# --------------------------------------------------------------------------
@dataclass
class _Problem:
    r"""The penalised log-loss of scikit-learn's ``LogisticRegression``.

    .. math::

        f(\theta) = \frac{1}{S} \sum_n s_n \ell_n(\theta)
                    + \frac{\lambda}{2} \lVert W \rVert^2,
        \qquad \lambda = \frac{1}{C S}, \qquad S = \sum_n s_n,

    where :math:`\ell_n` is the binary or multinomial cross-entropy of point
    :math:`n`, :math:`s_n` its weight and :math:`W` the coefficients without
    the intercepts. ``theta`` has shape ``(n_outputs, p1)``: one row (binary)
    or one per class, the intercept (if fitted) in the last column, as if
    ``features`` had a last column of ones; that column is never built.
    Scores are kept as ``(n_outputs, n_samples)``: a softmax over the first
    dimension of that layout runs many times faster than over a short last one.
    """

    features: torch.Tensor  # (n, d)
    target: torch.Tensor  # (n,) int64 class indices
    weight: torch.Tensor  # (n,): s_n / S, summing to 1
    penalty: float  # lambda
    intercept: bool  # whether theta has an intercept column
    n_outputs: int  # 1 (binary) or n_classes

    def __post_init__(self) -> None:
        n, d = self.features.shape
        dtype = self.features.dtype
        self.penalised = self.features.new_ones(d + self.intercept)  # (p1,): 0 on the intercept
        if self.intercept:
            self.penalised[-1] = 0.0
        if self.n_outputs == 1:
            self.labels = self.target.to(dtype)[None]  # (1, n): y in {0, 1}
        else:  # one-hot, (K, n)
            self.labels = F.one_hot(self.target, self.n_outputs).T.to(dtype)
        # Every stride-th row, for the cheap Hessians of the first Newton
        # steps; only worth it when it divides the work by 4 or more.
        self.stride = n // max(_SKETCH_ROWS, 50 * self.n_outputs * (d + 1))
        sketch_weight = self.weight[:: self.stride].sum() if self.stride >= 4 else 0.0
        if self.stride < 4 or not float(sketch_weight) > 0:
            self.stride = 1
        else:
            self.sketch_features = self.features[:: self.stride].contiguous()  # (n / stride, d)
            self.sketch_weight = self.weight[:: self.stride] / sketch_weight

    @property
    def binary(self) -> bool:
        return self.n_outputs == 1

    @property
    def n_params(self) -> int:
        return self.features.shape[1] + self.intercept  # p1

    def scores(self, theta: torch.Tensor) -> torch.Tensor:
        r""":math:`W X^\top + b`, of shape (n_outputs, n_samples)."""
        d = self.features.shape[1]
        if self.intercept:
            return torch.addmm(theta[:, d:], theta[:, :d], self.features.T)  # (m, n)
        return theta @ self.features.T  # (m, n)

    def value(self, theta: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        """The objective from precomputed scores ``self.scores(theta)``."""
        if self.binary:
            z = scores[0]  # (n,)
            # -log sigma(z) for y = 1 and -log sigma(-z) for y = 0: both are
            # log(1 + e^z) - y z; logaddexp is exact for any z (softplus
            # switches to z above 20) and faster than logsigmoid here.
            losses = torch.logaddexp(z.new_zeros(()), z) - self.labels[0] * z  # (n,)
        else:
            log_norm = torch.logsumexp(scores, dim=0)  # (n,)
            losses = log_norm - scores.gather(0, self.target[None])[0]  # (n,)
        penalty = 0.5 * self.penalty * ((theta * self.penalised) ** 2).sum()
        return self.weight @ losses + penalty

    def probabilities(self, scores: torch.Tensor) -> torch.Tensor:
        if self.binary:
            return torch.sigmoid(scores)  # (1, n): P(class 1)
        return torch.softmax(scores, dim=0)  # (K, n)

    def gradient(self, theta: torch.Tensor, probs: torch.Tensor) -> torch.Tensor:
        r""":math:`\nabla f = \frac{1}{S} \sum_n s_n (p_n - y_n) x_n^\top + \lambda W`."""
        residual = (probs - self.labels) * self.weight  # (m, n)
        gradient = residual @ self.features  # (m, d)
        if self.intercept:
            gradient = torch.cat([gradient, residual.sum(dim=1, keepdim=True)], dim=1)  # (m, p1)
        return gradient + self.penalty * theta * self.penalised

    def hessian(self, probs: torch.Tensor, sketch: bool = False) -> torch.Tensor:
        r"""The Hessian, of shape ``(n_outputs * p1, n_outputs * p1)``.

        Binary: :math:`\frac{1}{S} \sum_n s_n \sigma_n (1 - \sigma_n) x_n x_n^\top`.
        Multinomial, block :math:`(k, l)`:
        :math:`\frac{1}{S} \sum_n s_n p_{nk} (\delta_{kl} - p_{nl}) x_n x_n^\top`.
        Those weights sum to zero over :math:`l`, so only the blocks of the
        first :math:`K - 1` classes are accumulated; the last row and column
        of blocks follow by subtraction. With ``sketch``, the sums run over
        every ``stride``-th row only (an estimate, reweighted to the same
        total weight).
        """
        n_columns = self.n_params
        features, weight = self.features, self.weight
        if sketch and self.stride > 1:
            features, weight = self.sketch_features, self.sketch_weight
            probs = probs[:, :: self.stride]
        if self.binary:
            weights = weight * probs * (1.0 - probs)  # (1, n)
            hessian = _weighted_grams(features, weights, self.intercept)[0]  # (p1, p1)
        else:
            K = self.n_outputs
            first, second = torch.triu_indices(K - 1, K - 1, device=probs.device)  # k <= l
            weights = -probs[first] * probs[second]  # (n_pairs, n): -p_k p_l
            weights[first == second] += probs[: K - 1]  # + p_k on the diagonal blocks
            grams = _weighted_grams(features, weights * weight, self.intercept)  # (pairs, p1, p1)
            blocks = probs.new_zeros(K, K, n_columns, n_columns)  # (K, K, p1, p1)
            blocks[first, second] = grams
            blocks[second, first] = grams  # every block is symmetric
            blocks[: K - 1, K - 1] = -blocks[: K - 1, : K - 1].sum(dim=1)
            blocks[K - 1, : K - 1] = blocks[: K - 1, K - 1]
            blocks[K - 1, K - 1] = -blocks[: K - 1, K - 1].sum(dim=0)
            hessian = blocks.permute(0, 2, 1, 3).reshape(K * n_columns, K * n_columns)
        penalty = (self.penalty * self.penalised).repeat(self.n_outputs)  # (m p1,)
        return hessian + torch.diag(penalty)

    def gauge(self) -> torch.Tensor | None:
        r"""Projector on the directions that leave a softmax model unchanged.

        Adding the same number to the scores of every class does not change
        the probabilities, so an unpenalised column (the intercept, or every
        column when :math:`C = \infty`) can move along
        :math:`(1, \dots, 1) / \sqrt{K}` without changing the loss: the
        Hessian is singular there. The gradient has no component along those
        directions, so adding a multiple of this projector to the Hessian
        leaves the Newton step unchanged while making it positive definite.
        """
        if self.binary:
            return None
        free = (self.penalised == 0) | (self.penalty == 0)  # (p1,) unpenalised columns
        if not bool(free.any()):
            return None
        K = self.n_outputs
        ones = torch.full((K, K), 1.0 / K, dtype=self.features.dtype, device=free.device)
        return torch.kron(ones, torch.diag(free.to(self.features.dtype)))  # (K p1, K p1)


def _weighted_grams(features: torch.Tensor, weights: torch.Tensor, intercept: bool):
    r"""Weighted Gram matrices :math:`\sum_n w_{qn} x_n x_n^\top`, one per row q of weights.

    With ``intercept``, :math:`x_n` ends with an implicit 1, which adds the
    row and column :math:`\sum_n w_{qn} x_n` and the corner
    :math:`\sum_n w_{qn}`. The rows of ``features`` are taken in blocks
    small enough that the weighted copy of a block stays in cache for the
    matrix product.

    Parameters
    ----------
    features : torch.Tensor of shape (n, d)
    weights : torch.Tensor of shape (n_weights, n)
    intercept : bool

    Returns
    -------
    torch.Tensor of shape (n_weights, p1, p1), p1 = d + intercept
    """
    n, d = features.shape
    out = features.new_zeros(len(weights), d + intercept, d + intercept)  # (q, p1, p1)
    rows = max(256, _BLOCK_ENTRIES // (d + 1))
    for start in range(0, n, rows):
        block = features[start : start + rows]  # (b, d)
        for q, weight in enumerate(weights[:, start : start + rows]):
            weighted = block * weight[:, None]  # (b, d)
            out[q, :d, :d].addmm_(weighted.T, block)
            if intercept:
                out[q, :d, d] += weighted.sum(dim=0)
    if intercept:
        out[:, d, :d] = out[:, :d, d]
        out[:, d, d] = weights.sum(dim=1)
    return out


def _newton_direction(hessian: torch.Tensor, gradient: torch.Tensor) -> torch.Tensor:
    """Solve ``hessian @ step = -gradient`` by Cholesky, damping the Hessian if needed."""
    scale = float(torch.diagonal(hessian).abs().max()) or 1.0
    eye = torch.eye(len(hessian), dtype=hessian.dtype, device=hessian.device)
    damping = 0.0
    for _ in range(12):
        factor, info = torch.linalg.cholesky_ex(hessian + damping * eye)
        if int(info) == 0:
            return torch.cholesky_solve(-gradient[:, None], factor)[:, 0]
        # Not numerically positive definite (collinear features, saturated
        # probabilities): shift towards a gradient step, Levenberg-Marquardt style.
        damping = scale * 1e-12 if damping == 0.0 else damping * 100.0
    return -gradient / scale


def _fit_newton(problem: _Problem, max_iter: int, tol: float):
    r"""Damped Newton: a Cholesky solve per iteration and an Armijo line search.

    On large data sets the first steps, far from the optimum, use a Hessian
    estimated on every ``stride``-th row (subsampled Newton): the gradient
    stays exact, so the line search still guarantees descent and the fixed
    point is the same. Once the largest gradient entry falls below
    :math:`\sqrt{\text{tol}}`, the exact Hessian takes over, and one or two
    quadratically convergent steps reach ``tol``.

    Returns ``(theta, n_iter, status)`` with status ``"converged"``,
    ``"max_iter"`` or ``"line_search"``.
    """
    theta = problem.features.new_zeros(problem.n_outputs, problem.n_params)  # (m, p1)
    scores = problem.features.new_zeros(problem.n_outputs, len(problem.features))  # (m, n)
    value = problem.value(theta, scores)
    probs = problem.probabilities(scores)  # (m, n)
    gradient = problem.gradient(theta, probs)  # (m, p1)
    gauge = problem.gauge()
    eps = torch.finfo(theta.dtype).eps
    for iteration in range(max_iter):
        largest = float(gradient.abs().max())
        if largest <= tol:
            return theta, iteration, "converged"
        hessian = problem.hessian(probs, sketch=largest > math.sqrt(tol))
        if gauge is not None:
            hessian = hessian + float(torch.diagonal(hessian).mean()) * gauge
        step = _newton_direction(hessian, gradient.reshape(-1)).reshape(theta.shape)  # (m, p1)
        slope = float((gradient * step).sum())  # directional derivative, < 0
        step_scores = problem.scores(step)  # (m, n)
        if -slope <= 16 * eps * max(abs(float(value)), 1.0):
            # The Newton decrement is below rounding level: no representable
            # decrease is left, so the full (tiny) step finishes the job.
            return theta + step, iteration + 1, "converged"
        alpha = 1.0
        for _ in range(_MAX_HALVINGS):
            new_theta = theta + alpha * step
            new_scores = scores + alpha * step_scores
            new_value = problem.value(new_theta, new_scores)
            if float(new_value) <= float(value) + _ARMIJO * alpha * slope:
                break
            alpha *= 0.5
        else:
            return theta, iteration, "line_search"
        theta, scores, value = new_theta, new_scores, new_value
        probs = problem.probabilities(scores)
        gradient = problem.gradient(theta, probs)
    if float(gradient.abs().max()) <= tol:
        return theta, max_iter, "converged"
    return theta, max_iter, "max_iter"


def _fit_lbfgs(problem: _Problem, max_iter: int, tol: float):
    """``torch.optim.LBFGS`` with a strong Wolfe line search on the same objective."""
    theta = problem.features.new_zeros(problem.n_outputs, problem.n_params)
    theta.requires_grad_(True)
    optimizer = torch.optim.LBFGS(
        [theta],
        lr=1.0,
        max_iter=max_iter,
        max_eval=4 * max_iter,
        tolerance_grad=tol,
        tolerance_change=64 * torch.finfo(theta.dtype).eps,
        history_size=10,
        line_search_fn="strong_wolfe",
    )

    def closure() -> torch.Tensor:
        # The gradient is written down, so no autograd graph is built.
        with torch.no_grad():
            scores = problem.scores(theta)
            theta.grad = problem.gradient(theta, problem.probabilities(scores))
            return problem.value(theta, scores)

    optimizer.step(closure)
    state = optimizer.state[theta]
    n_iter = int(state.get("n_iter", 0))
    out_of_budget = n_iter >= max_iter or int(state.get("func_evals", 0)) >= 4 * max_iter
    theta = theta.detach()
    if _largest_gradient(problem, theta) <= tol or not out_of_budget:
        # Stopping early without reaching tol means the objective stopped
        # changing (tolerance_change): the floating point floor, which
        # scipy's L-BFGS-B also reports as convergence.
        return theta, max(n_iter, 1), "converged"
    return theta, n_iter, "max_iter"


def _largest_gradient(problem: _Problem, theta: torch.Tensor) -> float:
    probs = problem.probabilities(problem.scores(theta))
    return float(problem.gradient(theta, probs).abs().max())


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------
def _check_C(C: object) -> float:
    if isinstance(C, bool) or not isinstance(C, numbers.Real):
        raise TypeError(f"C must be a positive number or np.inf; got {_describe(C)}")
    if math.isnan(float(C)) or float(C) <= 0:
        raise ValueError(f"C must be a positive number or np.inf; got {C!r}")
    return float(C)


def _check_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {_describe(value)}")
    return bool(value)


def _check_sample_weight(sample_weight, n_samples: int) -> np.ndarray:
    """Weights as a float64 array of shape (n_samples,): finite, >= 0, not all zero."""
    if sample_weight is None:
        return np.ones(n_samples)
    # np.array (a copy) also takes pandas Series and read-only or other array-likes
    weight = as_tensor(np.array(host_array(sample_weight)), "sample_weight")
    if weight.ndim == 0:  # one number for every sample
        weight = weight.expand(n_samples)
    if weight.shape != (n_samples,):
        raise ValueError(
            f"sample_weight must be of shape ({n_samples},), one weight per sample; "
            f"got shape {tuple(weight.shape)}"
        )
    weight = weight.to(torch.float64)
    check_finite(weight, "sample_weight")
    if bool((weight < 0).any()):
        raise ValueError(
            f"sample_weight must be non-negative; got {int((weight < 0).sum())} negative value(s)"
        )
    if not bool((weight > 0).any()):
        raise ValueError("sample_weight must hold at least one non-zero weight; got all zeros")
    return weight.numpy()


# --------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------
class LogisticRegressionClassifier(ClassifierMixin, BaseEstimator):
    r"""Binary and multinomial logistic regression, fitted in torch.

    Two classes: :math:`P(C_1 \mid x) = \sigma(w \cdot x + b)` with one
    weight vector, where :math:`C_1` is ``classes_[1]``. :math:`K > 2`
    classes: :math:`P(C_k \mid x) = \operatorname{softmax}_k (w_k \cdot x + b_k)`
    with one row of weights per class. The fit minimises the weighted mean
    cross-entropy plus an L2 penalty on the weights (not the intercepts),

    .. math::

        f(W, b) = \frac{1}{S} \sum_{n=1}^N s_n
                  \bigl(-\ln P(C_{y_n} \mid x_n)\bigr)
                  + \frac{1}{2 C S} \lVert W \rVert^2,
        \qquad S = \sum_n s_n,

    which is the objective of :class:`sklearn.linear_model.LogisticRegression`
    with the same ``C`` (:math:`\sum_n s_n \ell_n + \lVert W \rVert^2 / 2C`
    divided by :math:`S`), so both estimators find the same coefficients.

    Parameters
    ----------
    C : float, default=1.0
        Inverse strength of the penalty; ``np.inf`` fits without one (the
        weights then diverge on separable data).
    solver : {"newton", "lbfgs"}, default="newton"
        ``"newton"``: a damped Newton method in float64. Each iteration
        builds the Hessian (accumulated over cache-sized blocks of rows, so
        the work is a few matrix products), solves with its Cholesky factor
        and backtracks until the objective decreases enough (Armijo). The
        objective is smooth and convex, so Newton converges quadratically
        near the optimum: 5 to 10 iterations reach full precision, where
        first-order methods need dozens, each a pass over the data. On
        large data sets (from about 40,000 samples) the first steps, far
        from the optimum, estimate the Hessian on every k-th sample only;
        the gradient stays exact and the last steps use the full Hessian,
        so the answer does not change. The price is a Hessian of size
        :math:`(K (d + 1))^2`, built in :math:`O(N K^2 d^2)` operations: the
        right choice up to a few hundred coefficients.
        ``"lbfgs"``: :class:`torch.optim.LBFGS` with a strong Wolfe line
        search, which only needs gradients; for many features or classes,
        where the Hessian would be too large. Its per-iteration Python
        overhead makes it slower on small problems.
    max_iter : int, default=100
        Maximum number of iterations (Newton steps or L-BFGS iterations).
        A :class:`~sklearn.exceptions.ConvergenceWarning` says when it is
        reached before ``tol``.
    tol : float, default=1e-4
        Stop once the largest absolute entry of the gradient of :math:`f`
        is at most ``tol``: the criterion and the default of
        scikit-learn's ``lbfgs``. Newton's last step usually lands far
        below it (quadratic convergence), so the default already gives
        coefficients to many digits.
    fit_intercept : bool, default=True
        Fit the intercepts :math:`b` (never penalised); otherwise they are 0.
    device : str or torch.device, default=None
        Where to compute; ``None`` means :func:`lrkit.device.default_device`.
        Computations run in float64 (float32 on Apple MPS, which lacks
        float64); fitted attributes and predictions are numpy arrays.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted; ``classes_[1]`` is the positive class of a
        binary problem.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        The weights: one row for two classes, one row per class otherwise.
        For more than two classes the rows sum to zero, the usual choice
        among the equivalent parametrisations of a softmax.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        The biases; zeros when ``fit_intercept=False``.
    n_iter_ : int
        Iterations run by the solver.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of features seen during :meth:`fit`, when ``X`` has string
        column names (a pandas DataFrame).

    See Also
    --------
    sklearn.linear_model.LogisticRegression : the same model and objective.
    lrkit.generative.GaussianGenerativeClassifier : the generative counterpart.
    lrkit.models.LogisticRegression : the same model as a torch module.

    Examples
    --------
    >>> from lrkit.data import two_gaussians
    >>> from lrkit.logistic import LogisticRegressionClassifier
    >>> X, y = two_gaussians(device="cpu")
    >>> clf = LogisticRegressionClassifier(C=10.0, device="cpu").fit(X, y)
    >>> clf
    LogisticRegressionClassifier(C=10.0, device='cpu')
    >>> clf.coef_.shape, clf.intercept_.shape
    ((1, 2), (1,))
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    >>> round(clf.score(X, y), 3)
    0.925
    """

    def __init__(
        self,
        C: float = 1.0,
        *,
        solver: str = "newton",
        max_iter: int = 100,
        tol: float = 1e-4,
        fit_intercept: bool = True,
        device=None,
    ):
        self.C = C
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.device = device

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.multi_label = False
        tags.target_tags.multi_output = False
        tags.non_deterministic = False
        return tags

    # ----------------------------------------------------------------- fit
    def fit(self, X, y, sample_weight=None):
        """Fit the weights and intercepts by minimising the penalised cross-entropy.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)
            Training data.
        y : array-like or torch.Tensor of shape (n_samples,)
            Class labels, at least two distinct ones. A tensor of shape
            ``(n_samples, 1)``, as :mod:`lrkit.data` returns, is accepted.
        sample_weight : array-like or torch.Tensor of shape (n_samples,), default=None
            Non-negative weights :math:`s_n`; ``None`` weighs every sample 1.

        Returns
        -------
        self : LogisticRegressionClassifier
            The fitted estimator.

        Warns
        -----
        ConvergenceWarning
            If the solver stops before the gradient falls below ``tol``.
        """
        C = _check_C(self.C)
        solver = check_choice(self.solver, "solver", _SOLVERS)
        max_iter = check_positive(self.max_iter, "max_iter", integer=True)
        tol = check_positive(self.tol, "tol")
        fit_intercept = _check_bool(self.fit_intercept, "fit_intercept")
        device = resolve_device(self.device)
        dtype = compute_dtype(device)

        X, classes, y_index = validate_classification(self, X, y)
        weight = _check_sample_weight(sample_weight, X.shape[0])
        n_features = X.shape[1]

        weight_t = torch.from_numpy(weight).to(device=device, dtype=dtype)  # (n,)
        index = torch.from_numpy(y_index.astype(np.int64)).to(device)  # (n,)
        binary = len(classes) == 2
        problem = _Problem(
            features=to_torch(X, device, dtype),  # (n, d)
            target=index,
            weight=weight_t / weight_t.sum(),
            penalty=0.0 if math.isinf(C) else 1.0 / (C * float(weight.sum())),
            intercept=fit_intercept,
            n_outputs=1 if binary else len(classes),
        )
        fit = _fit_newton if solver == "newton" else _fit_lbfgs
        with torch.no_grad():
            theta, n_iter, status = fit(problem, max_iter, tol)
        if not binary:
            # Back to the symmetric choice sum_k theta_kj = 0 wherever the
            # softmax leaves it free (see _Problem.gauge); rounding may drift.
            free = (problem.penalised == 0) | (problem.penalty == 0)
            theta[:, free] -= theta[:, free].mean(dim=0)
        if status != "converged":
            largest = _largest_gradient(problem, theta)
            reason = (
                f"max_iter={max_iter} iterations were reached"
                if status == "max_iter"
                else "the line search could not decrease the objective any more"
            )
            warnings.warn(
                f"{type(self).__name__} did not converge: {reason} with a largest gradient "
                f"entry of {largest:.3g} > tol={tol:g}. Increase max_iter, standardise "
                "the features, or decrease C.",
                ConvergenceWarning,
                stacklevel=2,
            )

        theta = to_numpy(theta)  # (m, p1)
        self.classes_ = classes
        self.coef_ = np.ascontiguousarray(theta[:, :n_features])
        self.intercept_ = theta[:, n_features].copy() if fit_intercept else np.zeros(len(theta))
        self.n_iter_ = int(n_iter)
        return self

    # ------------------------------------------------------------- predict
    def _scores(self, X) -> torch.Tensor:
        check_is_fitted(self)
        device = resolve_device(self.device)
        dtype = compute_dtype(device)
        X = validate_data(self, host_array(X), dtype=np.float64, order="C", reset=False)
        coef = torch.as_tensor(self.coef_, dtype=dtype, device=device)  # (m, d)
        intercept = torch.as_tensor(self.intercept_, dtype=dtype, device=device)  # (m,)
        # classes first: a softmax over a short last dimension is slow
        return coef @ to_torch(X, device, dtype).T + intercept[:, None]  # (m, n)

    def _log_proba(self, X) -> torch.Tensor:
        scores = self._scores(X)  # (m, n)
        if len(scores) == 1:
            return torch.cat([F.logsigmoid(-scores), F.logsigmoid(scores)])  # (2, n)
        return torch.log_softmax(scores, dim=0)  # (K, n)

    def decision_function(self, X) -> np.ndarray:
        r"""The scores :math:`w \cdot x + b`: log-odds of ``classes_[1]`` for two classes.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        scores = self._scores(X)  # (m, n)
        return to_numpy(scores[0] if len(scores) == 1 else scores.T)

    def predict_log_proba(self, X) -> np.ndarray:
        """Log class probabilities, by log-sigmoid or log-softmax of the scores.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return to_numpy(self._log_proba(X).T)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities; each row sums to 1, columns follow ``classes_``.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return to_numpy(torch.exp(self._log_proba(X)).T)

    def predict(self, X) -> np.ndarray:
        """The class of largest probability (for two classes: score > 0).

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels taken from ``classes_``.
        """
        scores = self._scores(X)  # (m, n)
        if len(scores) == 1:
            best = (scores[0] > 0).long()
        else:
            best = torch.argmax(scores, dim=0)
        return self.classes_[best.cpu().numpy()]
