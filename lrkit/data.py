r"""Every data set of the lessons, deterministic under a seed.

Each function returns float tensors ``X`` of shape ``(n_samples, n_features)``
on the requested device (``None`` means :func:`lrkit.device.default_device`).
Binary data sets return labels ``y`` of shape ``(n_samples, 1)`` holding 0.0
and 1.0; multi-class data sets return class indices of shape ``(n_samples,)``
(int64). Random draws use their own :class:`torch.Generator`, so the global
random state is left alone and a seed always gives the same data.

=================================  ==============================================
function                           lesson and source
=================================  ==============================================
:func:`step_data`                  loss surfaces (IBM lab, machinelearningmastery)
:func:`students`                   logistic regression from scratch (lecture)
:func:`cross_entropy_example`      cross-entropy by hand (lecture slide)
:func:`two_gaussians`              2-D decision boundary (Sheffield lab 6)
:func:`generative_example`         generative vs discriminative (lecture)
:func:`bands`,                     MSE vs cross-entropy for an MLP (lecture, homework)
:func:`bands_curve`
:func:`xor`                        cascading logistic regressions
:func:`polynomial_target`,         linear regression with torch.nn (Sheffield lab 6B)
:func:`polynomial_batch`
:func:`breast_cancer`              real data with a held-out test set
=================================  ==============================================
"""

from __future__ import annotations

import numbers

import numpy as np
import torch

from lrkit._validation import as_tensor, check_positive
from lrkit.device import resolve_device

__all__ = [
    "bands",
    "bands_curve",
    "breast_cancer",
    "cross_entropy_example",
    "generative_example",
    "polynomial_batch",
    "polynomial_features",
    "polynomial_target",
    "step_data",
    "students",
    "two_gaussians",
    "xor",
]


def _check_dtype(dtype: object) -> torch.dtype:
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating point torch.dtype; got {dtype!r}")
    return dtype


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative int; got {seed!r}")
    return int(seed)


def _generator(seed: int) -> torch.Generator:
    generator = torch.Generator()
    generator.manual_seed(_check_seed(seed))
    return generator


def _finish(*tensors: torch.Tensor, device, dtype: torch.dtype) -> tuple[torch.Tensor, ...]:
    """Cast float tensors to ``dtype``, move everything to ``device``."""
    device = resolve_device(device)
    dtype = _check_dtype(dtype)
    return tuple(
        t.to(device=device, dtype=dtype if t.is_floating_point() else t.dtype) for t in tensors
    )


def step_data(
    start: float = -1.0,
    stop: float = 1.0,
    step: float = 0.1,
    threshold: float = 0.2,
    *,
    device=None,
    dtype: torch.dtype = torch.float32,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""One feature on a regular grid, labelled 1 above a threshold.

    ``x = torch.arange(start, stop, step)`` and :math:`y = [x > \text{threshold}]`,
    computed in float32 as the labs do (so the point printed as 0.2 is
    0.19999999 and gets the label 0). The IBM lab uses ``[-1, 1)``
    (20 points, 7 positive); the machinelearningmastery tutorial ``[-2, 2)``
    (40 points, 17 positive: predicting 0 everywhere scores 57.5 %).

    Parameters
    ----------
    start, stop, step : float, default=-1.0, 1.0, 0.1
        The grid, ``stop`` excluded.
    threshold : float, default=0.2
        Points strictly above it get the label 1.
    device : str or torch.device, default=None
    dtype : torch.dtype, default=torch.float32
        The grid is built in float32 (as in the labs), then cast.

    Returns
    -------
    X : torch.Tensor of shape (n_samples, 1)
    y : torch.Tensor of shape (n_samples, 1)

    Examples
    --------
    >>> from lrkit.data import step_data
    >>> X, y = step_data(device="cpu")
    >>> X.shape, int(y.sum())
    (torch.Size([20, 1]), 7)
    """
    for name, value in (("start", start), ("stop", stop), ("step", step), ("threshold", threshold)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number; got {value!r}")
    check_positive(step, "step")
    if not stop > start:
        raise ValueError(f"stop must be greater than start; got start={start}, stop={stop}")
    x = torch.arange(start, stop, step, dtype=torch.float32).reshape(-1, 1)  # (n, 1)
    y = (x > threshold).to(torch.float32)  # (n, 1)
    return _finish(x, y, device=device, dtype=dtype)


def students(
    *, device=None, dtype: torch.dtype = torch.float32
) -> tuple[torch.Tensor, torch.Tensor]:
    """Six students: hours of lecture and of lab, and whether they passed.

    The toy data set of the logistic-regression lecture: the first three
    students failed, the last three passed.

    Returns
    -------
    X : torch.Tensor of shape (6, 2)
        Hours watching the lecture, hours in the code lab.
    y : torch.Tensor of shape (6, 1)
        1.0 for passed, 0.0 for failed.

    Examples
    --------
    >>> from lrkit.data import students
    >>> X, y = students(device="cpu")
    >>> X[0].tolist(), y[:, 0].tolist()
    ([1.0, 2.0], [0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    """
    X = torch.tensor([[1, 2], [2, 3], [3, 1], [4, 3], [5, 3], [6, 2]], dtype=torch.float32)
    y = torch.tensor([[0], [0], [0], [1], [1], [1]], dtype=torch.float32)
    return _finish(X, y, device=device, dtype=dtype)


def cross_entropy_example(
    *, device=None, dtype: torch.dtype = torch.float32
) -> tuple[torch.Tensor, torch.Tensor]:
    """The lecture's worked cross-entropy example: five samples, two classes.

    The logits an untrained two-output network gave for one mini-batch of
    five samples, as printed on the slide (four decimals), and their classes.
    Their mean cross-entropy is 0.7066.

    Returns
    -------
    logits : torch.Tensor of shape (5, 2)
    target : torch.Tensor of shape (5,), int64

    Examples
    --------
    >>> import lrkit
    >>> logits, target = lrkit.data.cross_entropy_example(device="cpu")
    >>> round(float(lrkit.losses.cross_entropy(logits, target)), 4)
    0.7066
    """
    logits = torch.tensor(
        [
            [-0.0180, 0.0855],
            [-0.0244, 0.0741],
            [-0.0187, 0.0850],
            [-0.0258, 0.0687],
            [-0.0267, 0.0617],
        ]
    )
    target = torch.tensor([0, 0, 0, 1, 1])
    return _finish(logits, target, device=device, dtype=dtype)


def two_gaussians(
    n_samples: int = 500,
    *,
    centers=((0.0, 0.0), (2.0, 2.0)),
    std: float = 1.0,
    seed: int = 0,
    device=None,
    dtype: torch.dtype = torch.float32,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Two round Gaussian clouds in the plane, one per class.

    Sheffield lab 6: class 0 centred on (0, 0), class 1 on (2, 2), unit
    variance in every direction, 500 points each. Rows hold class 0 first.

    Parameters
    ----------
    n_samples : int, default=500
        Points per class.
    centers : pair of pairs of float, default=((0, 0), (2, 2))
    std : float, default=1.0
        Standard deviation along each axis.
    seed : int, default=0
    device : str or torch.device, default=None
    dtype : torch.dtype, default=torch.float32

    Returns
    -------
    X : torch.Tensor of shape (2 * n_samples, 2)
    y : torch.Tensor of shape (2 * n_samples, 1)

    Examples
    --------
    >>> from lrkit.data import two_gaussians
    >>> X, y = two_gaussians(device="cpu")
    >>> X.shape, float(y.mean())
    (torch.Size([1000, 2]), 0.5)
    """
    n_samples = check_positive(n_samples, "n_samples", integer=True)
    std = check_positive(std, "std")
    centers_t = as_tensor(centers, "centers", dtype=torch.float64)
    if centers_t.shape != (2, 2):
        raise ValueError(f"centers must be two (x1, x2) pairs; got shape {tuple(centers_t.shape)}")
    generator = _generator(seed)
    noise = torch.randn(2, n_samples, 2, generator=generator, dtype=torch.float64)  # (class, n, 2)
    X = (centers_t[:, None, :] + std * noise).reshape(-1, 2)  # (2 n, 2)
    y = torch.cat([torch.zeros(n_samples, 1), torch.ones(n_samples, 1)])  # (2 n, 1)
    return _finish(X, y, device=device, dtype=dtype)


#: The class statistics printed on the lecture's generative-model slides
#: (class 1, "water", and class 2, "normal"): counts, means, covariances.
LECTURE_GAUSSIANS = {
    "counts": (79, 61),
    "means": ((75.0, 71.3), (55.6, 59.8)),
    "covariances": (((874.0, 327.0), (327.0, 929.0)), ((847.0, 422.0), (422.0, 685.0))),
}


def generative_example(
    *, seed: int = 0, device=None, dtype: torch.dtype = torch.float32
) -> tuple[torch.Tensor, torch.Tensor]:
    """Points drawn from the two Gaussians of the lecture's generative model.

    The lecture fits one Gaussian per class to two features of 140 training
    samples (79 of class 1, 61 of class 2) and prints the means and
    covariances in :data:`LECTURE_GAUSSIANS`. The samples themselves are not
    published, so this draws 79 and 61 points from those Gaussians.
    Class 1 of the lecture is label 1 here, class 2 is label 0.

    Returns
    -------
    X : torch.Tensor of shape (140, 2)
    y : torch.Tensor of shape (140, 1)

    Examples
    --------
    >>> from lrkit.data import generative_example
    >>> X, y = generative_example(device="cpu")
    >>> X.shape, int(y.sum())
    (torch.Size([140, 2]), 79)
    """
    generator = _generator(seed)
    parts, labels = [], []
    for label, count, mean, cov in zip(
        (1.0, 0.0),
        LECTURE_GAUSSIANS["counts"],
        LECTURE_GAUSSIANS["means"],
        LECTURE_GAUSSIANS["covariances"],
        strict=True,
    ):
        chol = torch.linalg.cholesky(torch.tensor(cov, dtype=torch.float64))
        z = torch.randn(count, 2, generator=generator, dtype=torch.float64)
        parts.append(torch.tensor(mean, dtype=torch.float64) + z @ chol.T)  # (count, 2)
        labels.append(torch.full((count, 1), label))
    return _finish(torch.cat(parts), torch.cat(labels), device=device, dtype=dtype)


def _cubic(x: torch.Tensor) -> torch.Tensor:
    return 3 * x**3 + 2 * x**2 + 5 * x


def bands_curve(x1) -> torch.Tensor:
    r"""The noiseless curve of :func:`bands`, in the data's scaled coordinates.

    With :math:`x = 20 x_1 - 10` and :math:`f(x) = 3x^3 + 2x^2 + 5x`, the curve
    is :math:`(f(x) - f(-10)) / (f(10) - f(-10))`: the cubic scaled to
    :math:`[0, 1]` over :math:`x \in [-10, 10]`. A point's height above the
    curve, ``X[:, 1] - bands_curve(X[:, 0])``, tells which bands it can
    belong to.

    Parameters
    ----------
    x1 : tensor-like
        The first column of the data, in :math:`[0, 1]`.

    Returns
    -------
    torch.Tensor
        Of the same shape, dtype and device as ``x1`` (float64 for lists).

    Examples
    --------
    >>> from lrkit.data import bands_curve
    >>> bands_curve([0.0, 1.0]).tolist()
    [0.0, 1.0]
    """
    x1 = as_tensor(x1, "x1")
    if not x1.is_floating_point():
        x1 = x1.double()
    x = 20.0 * x1 - 10.0
    low, high = _cubic(torch.tensor(-10.0)), _cubic(torch.tensor(10.0))  # -2850, 3250
    return (_cubic(x) - low.item()) / (high.item() - low.item())


def bands(
    n_classes: int = 2,
    *,
    n_points: int = 80,
    noise: tuple[float, float] = (-0.1, 0.3),
    seed: int = 0,
    device=None,
    dtype: torch.dtype = torch.float32,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Noisy bands around a normalised cubic, one band per class.

    The lecture's data: :math:`x` runs over ``n_points`` values from -10 in
    steps of :math:`20 / n_\text{points}` (0.25 for 80 points), the curve is
    :math:`f(x) = 3x^3 + 2x^2 + 5x`, and both are scaled to :math:`[0, 1]`
    over :math:`[-10, 10]`. For two classes, each :math:`x` gives one point
    of class 0 at :math:`f + u` and one of class 1 at :math:`f - u'`, with
    :math:`u, u' \sim U(-0.1, 0.3)`: the bands overlap where the noise is
    negative, so no classifier can exceed 75 % on average.

    With more classes (the homework), band :math:`k` is centred
    :math:`0.1 (K - 1 - 2k)` above the curve and flipped on odd :math:`k`,
    which reproduces the two-class bands exactly and keeps neighbours
    overlapping alike.

    Parameters
    ----------
    n_classes : int, default=2
    n_points : int, default=80
        Values of :math:`x`; the data set has ``n_classes * n_points`` rows.
        The lessons draw a separate test set with another ``seed`` and grid.
    noise : (float, float), default=(-0.1, 0.3)
        Range of the uniform offset from the band's edge towards its side.
    seed : int, default=0
    device : str or torch.device, default=None
    dtype : torch.dtype, default=torch.float32

    Returns
    -------
    X : torch.Tensor of shape (n_classes * n_points, 2)
        Columns: the scaled :math:`x` and the noisy scaled curve.
    y : torch.Tensor of shape (n_classes * n_points,), int64
        The band of each point; rows cycle through the classes for each x.

    Examples
    --------
    >>> from lrkit.data import bands
    >>> X, y = bands(device="cpu")
    >>> X.shape, y[:4].tolist()
    (torch.Size([160, 2]), [0, 1, 0, 1])
    """
    n_classes = check_positive(n_classes, "n_classes", integer=True)
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2; got {n_classes}")
    n_points = check_positive(n_points, "n_points", integer=True)
    low, high = (float(v) for v in noise)
    if not high > low:
        raise ValueError(f"noise must be a range (low, high) with high > low; got {noise!r}")
    generator = _generator(seed)
    x = -10.0 + torch.arange(n_points, dtype=torch.float64) * (20.0 / n_points)  # (n_points,)
    x1 = (x + 10.0) / 20.0
    curve = bands_curve(x1)  # (n_points,)
    u = low + (high - low) * torch.rand(
        n_points, n_classes, generator=generator, dtype=torch.float64
    )
    mid = (low + high) / 2
    k = torch.arange(n_classes, dtype=torch.float64)
    centre = mid * (n_classes - 1 - 2 * k)  # (n_classes,): +0.1, -0.1 for two classes
    sign = 1.0 - 2.0 * (k % 2)  # +1 on even bands, -1 on odd ones
    x2 = curve[:, None] + centre + sign * (u - mid)  # (n_points, n_classes)
    X = torch.stack([x1[:, None].expand(-1, n_classes), x2], dim=-1).reshape(-1, 2)
    y = torch.arange(n_classes).repeat(n_points)  # (n_points * n_classes,)
    return _finish(X, y, device=device, dtype=dtype)


def xor(
    n_per_corner: int = 1,
    *,
    noise: float = 0.0,
    seed: int = 0,
    device=None,
    dtype: torch.dtype = torch.float32,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The exclusive-or problem: label 1 where exactly one coordinate is 1.

    The corners (0, 0) and (1, 1) have label 0, (0, 1) and (1, 0) label 1.
    No straight line separates them, so one logistic regression cannot.
    With ``n_per_corner > 1``, each corner becomes a Gaussian cloud.

    Parameters
    ----------
    n_per_corner : int, default=1
        Points per corner.
    noise : float, default=0.0
        Standard deviation of the clouds; must be positive if
        ``n_per_corner > 1``.
    seed : int, default=0
    device : str or torch.device, default=None
    dtype : torch.dtype, default=torch.float32

    Returns
    -------
    X : torch.Tensor of shape (4 * n_per_corner, 2)
    y : torch.Tensor of shape (4 * n_per_corner, 1)

    Examples
    --------
    >>> from lrkit.data import xor
    >>> X, y = xor(device="cpu")
    >>> X.tolist(), y[:, 0].tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0])
    """
    n_per_corner = check_positive(n_per_corner, "n_per_corner", integer=True)
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or noise < 0:
        raise ValueError(f"noise must be a non-negative number; got {noise!r}")
    if n_per_corner > 1 and noise == 0:
        raise ValueError("noise must be positive when n_per_corner > 1 (else the points coincide)")
    corners = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
    labels = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    generator = _generator(seed)
    jitter = noise * torch.randn(4, n_per_corner, 2, generator=generator, dtype=torch.float64)
    X = (corners[:, None, :] + jitter).reshape(-1, 2)  # (4 n, 2)
    y = labels.repeat_interleave(n_per_corner, dim=0)  # (4 n, 1)
    return _finish(X, y, device=device, dtype=dtype)


def polynomial_target(*, degree: int = 4, seed: int = 2020) -> tuple[torch.Tensor, torch.Tensor]:
    """The random polynomial of Sheffield lab 6, part B.

    ``torch.manual_seed(seed)``, then weights ``randn(degree, 1) * 5`` and a
    bias ``randn(1) * 5``, drawn from a generator with that seed (the same
    numbers, without touching the global state). With the lab's seed 2020:
    :math:`y = 6.19 x - 4.80 x^2 + 7.71 x^3 - 2.04 x^4 + 4.40`.

    Returns
    -------
    weight : torch.Tensor of shape (degree, 1)
    bias : torch.Tensor of shape (1,)

    Examples
    --------
    >>> from lrkit.data import polynomial_target
    >>> weight, bias = polynomial_target()
    >>> [round(w, 4) for w in weight[:, 0].tolist()], round(bias.item(), 4)
    ([6.1861, -4.802, 7.7076, -2.0393], 4.4029)
    """
    degree = check_positive(degree, "degree", integer=True)
    generator = _generator(seed)
    weight = torch.randn(degree, 1, generator=generator) * 5
    bias = torch.randn(1, generator=generator) * 5
    return weight, bias


def polynomial_features(x, degree: int = 4) -> torch.Tensor:
    r"""The columns :math:`x, x^2, \dots, x^\text{degree}` of a 1-D input.

    Examples
    --------
    >>> import torch
    >>> from lrkit.data import polynomial_features
    >>> polynomial_features(torch.tensor([2.0]), degree=3)
    tensor([[2., 4., 8.]])
    """
    degree = check_positive(degree, "degree", integer=True)
    x = as_tensor(x, "x")
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D of shape (n_samples,); got shape {tuple(x.shape)}")
    return torch.stack([x**i for i in range(1, degree + 1)], dim=1)  # (n, degree)


def polynomial_batch(
    batch_size: int = 32,
    *,
    weight: torch.Tensor,
    bias: torch.Tensor,
    generator: torch.Generator | None = None,
    device=None,
    dtype: torch.dtype = torch.float32,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""One batch of the lab's regression problem: random x, exact targets.

    :math:`x \sim \mathcal{N}(0, 1)`, features from
    :func:`polynomial_features` and targets ``features @ weight + bias``.
    Like the lab, the draw uses torch's global generator unless one is given.

    Parameters
    ----------
    batch_size : int, default=32
    weight : torch.Tensor of shape (degree, 1)
    bias : torch.Tensor of shape (1,)
    generator : torch.Generator, default=None
    device : str or torch.device, default=None
    dtype : torch.dtype, default=torch.float32

    Returns
    -------
    X : torch.Tensor of shape (batch_size, degree)
    y : torch.Tensor of shape (batch_size, 1)

    Examples
    --------
    >>> import torch
    >>> from lrkit.data import polynomial_batch, polynomial_target
    >>> weight, bias = polynomial_target()
    >>> X, y = polynomial_batch(5, weight=weight, bias=bias,
    ...                         generator=torch.Generator().manual_seed(0), device="cpu")
    >>> X.shape, y.shape
    (torch.Size([5, 4]), torch.Size([5, 1]))
    """
    batch_size = check_positive(batch_size, "batch_size", integer=True)
    weight = as_tensor(weight, "weight", dtype=torch.float32)
    bias = as_tensor(bias, "bias", dtype=torch.float32)
    if weight.ndim != 2 or weight.shape[1] != 1:
        raise ValueError(f"weight must be of shape (degree, 1); got {tuple(weight.shape)}")
    if bias.shape != (1,):
        raise ValueError(f"bias must be of shape (1,); got {tuple(bias.shape)}")
    x = torch.randn(batch_size, generator=generator)
    X = polynomial_features(x, degree=weight.shape[0])  # (batch, degree)
    y = X @ weight + bias.item()  # (batch, 1)
    return _finish(X, y, device=device, dtype=dtype)


def breast_cancer(
    *,
    test_size: float = 0.25,
    seed: int = 0,
    standardize: bool = True,
    device=None,
    dtype: torch.dtype = torch.float32,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The Wisconsin breast-cancer data, split into training and test parts.

    569 tumours, 30 features, label 1 for benign and 0 for malignant, as
    bundled with scikit-learn (no download). The split is stratified and
    seeded; standardisation (zero mean, unit variance) is fitted on the
    training part only and applied to both, so nothing about the test part
    leaks into training.

    Parameters
    ----------
    test_size : float, default=0.25
        Fraction of samples held out, strictly between 0 and 1.
    seed : int, default=0
        Seed of the split.
    standardize : bool, default=True
    device : str or torch.device, default=None
    dtype : torch.dtype, default=torch.float32

    Returns
    -------
    X_train, X_test : torch.Tensor of shape (n_train, 30), (n_test, 30)
    y_train, y_test : torch.Tensor of shape (n_train, 1), (n_test, 1)

    Examples
    --------
    >>> from lrkit.data import breast_cancer
    >>> X_train, X_test, y_train, y_test = breast_cancer(device="cpu")
    >>> X_train.shape, X_test.shape
    (torch.Size([426, 30]), torch.Size([143, 30]))
    """
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, numbers.Real)
        or not 0 < test_size < 1
    ):
        raise ValueError(
            f"test_size must be a fraction strictly between 0 and 1; got {test_size!r}"
        )
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=_check_seed(seed), stratify=y
    )
    if standardize:
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    tensors = [torch.from_numpy(np.asarray(a, dtype=np.float64)) for a in (X_train, X_test)]
    tensors += [
        torch.from_numpy(np.asarray(a, dtype=np.float64)).reshape(-1, 1) for a in (y_train, y_test)
    ]
    return _finish(*tensors, device=device, dtype=dtype)
