r"""The probabilistic generative classifier: one Gaussian per class and Bayes' rule.

A generative model describes how the data of each class are produced. Here
every class :math:`C_k` has a prior :math:`P(C_k)` and a Gaussian density
:math:`p(x \mid C_k) = \mathcal{N}(x; \mu_k, \Sigma_k)`, all fitted by maximum
likelihood; Bayes' rule then turns them into the posterior

.. math::

    P(C_k \mid x) = \frac{p(x \mid C_k) P(C_k)}{\sum_j p(x \mid C_j) P(C_j)}.

When all classes share one covariance matrix, the quadratic terms cancel and
the posterior is a sigmoid (two classes) or a softmax (more) of a *linear*
function of :math:`x`: exactly the form of logistic regression.
:meth:`GaussianGenerativeClassifier.to_logistic` gives that linear function.

The estimator follows scikit-learn's conventions, so it works with
:func:`sklearn.model_selection.cross_val_score`, pipelines and grid searches;
the numbers are computed with torch on any device.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from lrkit._estimator import (
    compute_dtype,
    host_array,
    to_numpy,
    to_torch,
    validate_classification,
)
from lrkit._validation import check_choice, check_fraction
from lrkit.device import resolve_device

__all__ = ["GaussianGenerativeClassifier"]

_COVARIANCES = ("shared", "full")


# --------------------------------------------------------------------------
# Covariances
# --------------------------------------------------------------------------
def _cholesky(matrix: torch.Tensor, what: str, magnitude: torch.Tensor | None = None):
    """Lower Cholesky factor of a covariance matrix, or a ValueError saying why not.

    A pivot :math:`L_{ii}^2` is the variance of feature :math:`i` left over
    once the features before it are known (a Schur complement). It is
    treated as zero when it is below rounding level compared with the
    feature's own variance (feature :math:`i` is a linear combination of the
    others; the test does not depend on the units of the features), or
    compared with the squared ``magnitude`` of the feature's values (a
    constant feature, whose centred values are rounding errors). Then the
    Gaussian has no density.
    """
    n_features = matrix.shape[-1]
    factor, info = torch.linalg.cholesky_ex(matrix)  # (d, d)
    eps = torch.finfo(matrix.dtype).eps
    pivots = torch.diagonal(factor) ** 2  # (d,)
    threshold = 10 * n_features * eps * torch.diagonal(matrix)  # (d,)
    if magnitude is not None:
        threshold = threshold + (100 * eps * magnitude) ** 2
    bad = (pivots <= threshold) | ~torch.isfinite(pivots)
    if int(info) > 0 or bool(bad.any()):
        index = int(info) - 1 if int(info) > 0 else int(torch.nonzero(bad)[0, 0])
        raise ValueError(
            f"{what} is singular: feature {index} is constant or a linear combination "
            "of the features before it, so the Gaussian has no density. Set reg_param > 0 "
            "(for example reg_param=1e-3) to shrink the covariance towards the identity, "
            "or remove the redundant feature."
        )
    return factor


# --------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------
class GaussianGenerativeClassifier(ClassifierMixin, BaseEstimator):
    r"""Gaussian class-conditional densities and Bayes' rule (LDA / QDA).

    Each class :math:`C_k` gets a prior, a mean and a covariance, all maximum
    likelihood estimates from its :math:`N_k` training points:

    .. math::

        P(C_k) = \frac{N_k}{N}, \qquad
        \mu_k = \frac{1}{N_k} \sum_{n \in C_k} x^n, \qquad
        \Sigma_k = \frac{1}{N_k} \sum_{n \in C_k} (x^n - \mu_k)(x^n - \mu_k)^\top .

    With ``covariance="shared"`` every class uses the pooled matrix
    :math:`\Sigma = \sum_k \frac{N_k}{N} \Sigma_k` (the maximum likelihood
    estimate of a covariance common to all classes); the posterior is then a
    softmax of linear functions of :math:`x` (linear discriminant analysis).
    With ``covariance="full"`` each class keeps its own :math:`\Sigma_k` and
    the decision boundary is quadratic (quadratic discriminant analysis).
    The posterior comes from Bayes' rule, in log space:

    .. math::

        \ln p(x, C_k) = -\tfrac{1}{2} (x - \mu_k)^\top \Sigma_k^{-1} (x - \mu_k)
            - \tfrac{1}{2} \ln |\Sigma_k| - \tfrac{D}{2} \ln 2\pi + \ln P(C_k),
        \qquad
        P(C_k \mid x) = \operatorname{softmax}_k \ln p(x, C_k).

    The quadratic form and the log-determinant come from the Cholesky factor
    :math:`\Sigma_k = L_k L_k^\top` (a triangular solve and
    :math:`\ln |\Sigma_k| = 2 \sum_i \ln L_{k,ii}`); no matrix is inverted.

    Parameters
    ----------
    covariance : {"shared", "full"}, default="shared"
        One pooled covariance for all classes (linear boundary, the
        lecture's choice) or one covariance per class (quadratic boundary).
    reg_param : float, default=0.0
        Shrinkage :math:`r \in [0, 1]` of each covariance towards the
        identity, :math:`\Sigma \leftarrow (1 - r)\,\Sigma + r\,I`, applied
        after pooling. It makes a singular covariance (a constant feature,
        fewer points than features) usable; the identity assumes features
        on comparable scales, so standardise them first.
        ``covariance="full"`` with ``reg_param=r`` matches
        :class:`sklearn.discriminant_analysis.QuadraticDiscriminantAnalysis`
        with the same ``reg_param``.
    device : str or torch.device, default=None
        Where to compute; ``None`` means :func:`lrkit.device.default_device`.
        Computations run in float64 (float32 on Apple MPS, which lacks
        float64); fitted attributes and predictions are numpy arrays.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted; ``classes_[1]`` is the positive class of a
        binary problem.
    priors_ : ndarray of shape (n_classes,)
        Class proportions :math:`N_k / N`.
    class_counts_ : ndarray of shape (n_classes,)
        Training points per class, :math:`N_k`.
    means_ : ndarray of shape (n_classes, n_features)
        Class means :math:`\mu_k`.
    covariance_ : ndarray of shape (n_features, n_features)
        The pooled covariance :math:`\Sigma` after shrinkage; only with
        ``covariance="shared"``.
    covariances_ : ndarray of shape (n_classes, n_features, n_features)
        The class covariances :math:`\Sigma_k` after shrinkage; only with
        ``covariance="full"``.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of features seen during :meth:`fit`, when ``X`` has string
        column names (a pandas DataFrame).

    See Also
    --------
    sklearn.discriminant_analysis.LinearDiscriminantAnalysis : the shared case.
    sklearn.discriminant_analysis.QuadraticDiscriminantAnalysis : the full case.
    lrkit.logistic.LogisticRegressionClassifier : the discriminative counterpart.

    Examples
    --------
    >>> from lrkit.data import generative_example
    >>> from lrkit.generative import GaussianGenerativeClassifier
    >>> X, y = generative_example(device="cpu")
    >>> clf = GaussianGenerativeClassifier(device="cpu").fit(X, y)
    >>> clf
    GaussianGenerativeClassifier(device='cpu')
    >>> clf.priors_.round(3).tolist()  # 61 of class 0, 79 of class 1
    [0.436, 0.564]
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> w, b = clf.to_logistic()
    >>> w.shape
    (2,)
    """

    def __init__(self, covariance: str = "shared", *, reg_param: float = 0.0, device=None):
        self.covariance = covariance
        self.reg_param = reg_param
        self.device = device

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False  # a Gaussian density needs every feature
        tags.input_tags.sparse = False  # covariances are dense anyway
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.multi_label = False
        tags.target_tags.multi_output = False
        tags.non_deterministic = False
        return tags

    # ----------------------------------------------------------------- fit
    def fit(self, X, y):
        """Estimate the priors, the class means and the covariance(s).

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)
            Training data.
        y : array-like or torch.Tensor of shape (n_samples,)
            Class labels, at least two distinct ones. A tensor of shape
            ``(n_samples, 1)``, as :mod:`lrkit.data` returns, is accepted.

        Returns
        -------
        self : GaussianGenerativeClassifier
            The fitted estimator.

        Raises
        ------
        ValueError
            If a parameter is invalid, the data are malformed, ``y`` holds a
            single class, or a covariance matrix is singular (then set
            ``reg_param > 0``).
        """
        covariance = check_choice(self.covariance, "covariance", _COVARIANCES)
        reg_param = check_fraction(self.reg_param, "reg_param")
        device = resolve_device(self.device)
        dtype = compute_dtype(device)

        X, classes, y_index = validate_classification(self, X, y)
        n_classes, n_features = len(classes), X.shape[1]

        X_t = to_torch(X, device, dtype)  # (n, d)
        index = torch.from_numpy(y_index.astype(np.int64)).to(device)  # (n,)
        counts = torch.bincount(index, minlength=n_classes).to(dtype)  # (K,)
        sums = torch.zeros(n_classes, n_features, dtype=dtype, device=device)
        means = sums.index_add_(0, index, X_t) / counts[:, None]  # (K, d)
        centred = X_t - means[index]  # (n, d), each point minus its class mean
        eye = torch.eye(n_features, dtype=dtype, device=device)

        for stale in ("covariance_", "covariances_"):  # from an earlier fit
            self.__dict__.pop(stale, None)
        self.classes_ = classes
        self.class_counts_ = to_numpy(counts).astype(np.int64)
        self.priors_ = to_numpy(counts / counts.sum())
        self.means_ = to_numpy(means)
        if covariance == "shared":
            # sum_k (N_k / N) Sigma_k = (1 / N) sum_n (x_n - mu_{y_n})(x_n - mu_{y_n})^T
            pooled = centred.T @ centred / X_t.shape[0]  # (d, d)
            pooled = (1.0 - reg_param) * pooled + reg_param * eye
            _cholesky(pooled, "The shared (pooled) covariance matrix", X_t.abs().amax(dim=0))
            self.covariance_ = to_numpy(pooled)
        else:
            covariances = torch.empty(n_classes, n_features, n_features, dtype=dtype, device=device)
            labels = classes.tolist()  # plain Python values for the messages
            for k in range(n_classes):
                rows = centred[index == k]  # (N_k, d)
                covariances[k] = (1.0 - reg_param) * (rows.T @ rows) / counts[k] + reg_param * eye
                what = f"The covariance matrix of class {labels[k]!r}"
                _cholesky(covariances[k], what, X_t[index == k].abs().amax(dim=0))
            self.covariances_ = to_numpy(covariances)
        return self

    # ----------------------------------------------------------- internals
    def _fitted(self):
        """Device, dtype and the fitted parameters as tensors."""
        check_is_fitted(self)
        device = resolve_device(self.device)
        dtype = compute_dtype(device)
        means = torch.as_tensor(self.means_, dtype=dtype, device=device)  # (K, d)
        log_priors = torch.log(torch.as_tensor(self.priors_, dtype=dtype, device=device))  # (K,)
        if hasattr(self, "covariance_"):
            cov = torch.as_tensor(self.covariance_, dtype=dtype, device=device)
            factors = _cholesky(cov, "The shared (pooled) covariance matrix")[None]  # (1, d, d)
        else:
            covs = torch.as_tensor(self.covariances_, dtype=dtype, device=device)
            labels = self.classes_.tolist()
            factors = torch.stack(
                [
                    _cholesky(c, f"The covariance of class {k!r}")
                    for k, c in zip(labels, covs, strict=True)
                ]
            )  # (K, d, d)
        return device, dtype, means, log_priors, factors

    def _log_joint(self, X) -> torch.Tensor:
        r"""The log joint densities :math:`\ln p(x, C_k)`, of shape (n_classes, n_samples).

        Classes come first: softmax over a short last dimension is several
        times slower than over the first one.
        """
        device, dtype, means, log_priors, factors = self._fitted()
        X = validate_data(self, host_array(X), dtype=np.float64, order="C", reset=False)
        X_t = to_torch(X, device, dtype)  # (n, d)
        n_features = X_t.shape[1]
        # Whiten with L^{-1}: ||L^{-1}(x - mu)||^2 = (x - mu)^T Sigma^{-1} (x - mu).
        white_x = torch.linalg.solve_triangular(factors, X_t.T, upper=False)  # (1|K, d, n)
        white_mu = torch.linalg.solve_triangular(factors, means.T, upper=False)  # (1|K, d, K)
        if factors.shape[0] == 1:  # shared: one whitening, K means
            centres = white_mu[0].T  # (K, d)
        else:  # full: class k whitens with its own factor
            k = torch.arange(len(means), device=device)
            centres = white_mu[k, :, k]  # (K, d)
        mahalanobis = ((white_x - centres[:, :, None]) ** 2).sum(dim=1)  # (K, n)
        half_log_det = torch.log(torch.diagonal(factors, dim1=-2, dim2=-1)).sum(dim=-1)  # (1|K,)
        constant = -half_log_det - 0.5 * n_features * math.log(2 * math.pi) + log_priors  # (K,)
        return -0.5 * mahalanobis + constant[:, None]  # (K, n)

    # ------------------------------------------------------------- predict
    def decision_function(self, X) -> np.ndarray:
        r"""Log joint densities, or the log-odds of ``classes_[1]`` for two classes.

        For two classes this is the lecture's
        :math:`z = \ln \frac{p(x \mid C_1) P(C_1)}{p(x \mid C_0) P(C_0)}`, with
        :math:`P(C_1 \mid x) = \sigma(z)`; for more classes, the
        :math:`\ln p(x, C_k)` whose softmax is the posterior.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        scores = self._log_joint(X)  # (K, n)
        if len(scores) == 2:
            return to_numpy(scores[1] - scores[0])  # (n,)
        return to_numpy(scores.T)

    def predict_log_proba(self, X) -> np.ndarray:
        """Log posterior probabilities, by a log-softmax of the log joint densities.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return to_numpy(torch.log_softmax(self._log_joint(X), dim=0).T)

    def predict_proba(self, X) -> np.ndarray:
        r"""Posterior probabilities :math:`P(C_k \mid x)`; each row sums to 1.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        return to_numpy(torch.softmax(self._log_joint(X), dim=0).T)

    def predict(self, X) -> np.ndarray:
        """The class of largest posterior probability.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels taken from ``classes_``.
        """
        best = torch.argmax(self._log_joint(X), dim=0)  # (n,)
        return self.classes_[best.cpu().numpy()]

    # -------------------------------------------------- logistic regression
    def to_logistic(self) -> tuple[np.ndarray, np.ndarray | np.float64]:
        r"""The weights and bias of the equivalent logistic (softmax) regression.

        With a shared covariance the log-odds of two classes is linear in
        :math:`x`. Writing :math:`C_1` for ``classes_[1]`` (the positive
        class) and :math:`C_0` for ``classes_[0]``, the quadratic terms
        :math:`-\tfrac{1}{2} x^\top \Sigma^{-1} x` and the determinants
        cancel in

        .. math::

            z = \ln \frac{p(x \mid C_1) P(C_1)}{p(x \mid C_0) P(C_0)}
              = \underbrace{(\mu_1 - \mu_0)^\top \Sigma^{-1}}_{w^\top} x
                \underbrace{- \tfrac{1}{2} \mu_1^\top \Sigma^{-1} \mu_1
                + \tfrac{1}{2} \mu_0^\top \Sigma^{-1} \mu_0
                + \ln \frac{N_1}{N_0}}_{b},

        so that :math:`P(C_1 \mid x) = \sigma(w \cdot x + b)`. With
        :math:`K > 2` classes, :math:`w_k = \Sigma^{-1} \mu_k` and
        :math:`b_k = -\tfrac{1}{2} \mu_k^\top \Sigma^{-1} \mu_k + \ln P(C_k)`
        give :math:`P(C_k \mid x) = \operatorname{softmax}_k (w_k \cdot x + b_k)`.
        Products with :math:`\Sigma^{-1}` are Cholesky solves.

        Returns
        -------
        w : ndarray of shape (n_features,) or (n_classes, n_features)
            One weight vector for two classes, one row per class otherwise.
        b : numpy.float64 or ndarray of shape (n_classes,)

        Raises
        ------
        ValueError
            With ``covariance="full"``: the log-odds is then quadratic in
            :math:`x`, not linear.

        Examples
        --------
        >>> import numpy as np
        >>> from lrkit.data import generative_example
        >>> from lrkit.generative import GaussianGenerativeClassifier
        >>> X, y = generative_example(device="cpu")
        >>> clf = GaussianGenerativeClassifier(device="cpu").fit(X, y)
        >>> w, b = clf.to_logistic()
        >>> p = 1 / (1 + np.exp(-(X.numpy() @ w + b)))
        >>> bool(np.allclose(p, clf.predict_proba(X)[:, 1]))
        True
        """
        check_is_fitted(self)
        if not hasattr(self, "covariance_"):
            raise ValueError(
                "to_logistic needs covariance='shared' (a linear log-odds); this model was "
                f"fitted with covariance={self.covariance!r}, whose log-odds is quadratic in x"
            )
        _, _, means, log_priors, factors = self._fitted()
        sigma_inv_mu = torch.cholesky_solve(means.T, factors[0]).T  # (K, d): rows Sigma^-1 mu_k
        quadratic = (sigma_inv_mu * means).sum(dim=1)  # (K,): mu_k^T Sigma^-1 mu_k
        weights = sigma_inv_mu  # (K, d)
        biases = -0.5 * quadratic + log_priors  # (K,)
        if len(self.classes_) == 2:
            return to_numpy(weights[1] - weights[0]), np.float64(float(biases[1] - biases[0]))
        return to_numpy(weights), to_numpy(biases)
