r"""Loss functions, written once each, in log space where it matters.

Every function takes ``reduction="mean" | "sum" | "none"`` and agrees with its
:mod:`torch.nn.functional` counterpart in value and gradient.

=========================================  =============================================
lrkit                                      torch
=========================================  =============================================
:func:`binary_cross_entropy`               ``F.binary_cross_entropy``
:func:`binary_cross_entropy_with_logits`   ``F.binary_cross_entropy_with_logits``
:func:`cross_entropy`                      ``F.cross_entropy``
:func:`mse`                                ``F.mse_loss``
:func:`entropy`                            ``torch.distributions.Categorical.entropy``
=========================================  =============================================
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from lrkit._validation import (
    as_tensor,
    check_binary_values,
    check_class_indices,
    check_reduction,
    check_same_shape,
)

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "entropy",
    "mse",
]

#: torch clamps each log term of the textbook binary cross-entropy here.
LOG_CLAMP = -100.0
#: ... and keeps the denominator of its gradient away from zero with this.
_GRAD_EPS = 1e-12


def _reduce(values: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    return values


def _as_float(value: object, name: str, like: torch.Tensor | None = None) -> torch.Tensor:
    tensor = as_tensor(value, name)
    if like is not None:
        return tensor.to(device=like.device, dtype=like.dtype)
    if not tensor.is_floating_point():
        tensor = tensor.to(torch.get_default_dtype())
    return tensor


# --------------------------------------------------------------------------
# Binary cross-entropy on probabilities (the textbook formula)
# --------------------------------------------------------------------------
class _BinaryCrossEntropy(torch.autograd.Function):
    """Elementwise textbook BCE with torch's clamping, forward and backward.

    Forward:  ``l = -(y * max(log p, -100) + (1 - y) * max(log(1 - p), -100))``.
    Backward: ``dl/dp = (p - y) / max(p (1 - p), 1e-12)`` and
    ``dl/dy = max(log(1 - p), -100) - max(log p, -100)``.

    Autograd through ``clamp(log(p))`` would give ``0 * inf = nan`` at
    ``p = 0``; writing the derivative down avoids that, exactly as torch does.
    """

    @staticmethod
    def forward(ctx, probs: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_p = torch.log(probs).clamp_min(LOG_CLAMP)
        log_1mp = torch.log1p(-probs).clamp_min(LOG_CLAMP)
        ctx.save_for_backward(probs, target, log_p, log_1mp)
        return -(target * log_p + (1 - target) * log_1mp)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        probs, target, log_p, log_1mp = ctx.saved_tensors
        grad_probs = grad_target = None
        if ctx.needs_input_grad[0]:
            denom = (probs * (1 - probs)).clamp_min(_GRAD_EPS)
            grad_probs = grad * (probs - target) / denom
        if ctx.needs_input_grad[1]:
            grad_target = grad * (log_1mp - log_p)
        return grad_probs, grad_target


def binary_cross_entropy(probs, target, *, reduction: str = "mean") -> torch.Tensor:
    r"""Binary cross-entropy of predicted probabilities, the textbook way.

    .. math::

        \ell(p, y) = -\bigl[y \log p + (1 - y) \log(1 - p)\bigr],
        \qquad \frac{\partial \ell}{\partial p} = \frac{p - y}{p (1 - p)}

    Each log term is clamped at :math:`-100`, as ``torch`` does, so a
    saturated sigmoid (``p`` exactly 0 or 1) gives a large finite loss, never
    ``nan`` or ``inf``. The price: at the clamp the gradient through a sigmoid
    is zero and training is stuck. Prefer
    :func:`binary_cross_entropy_with_logits`.

    Parameters
    ----------
    probs : tensor-like of any shape
        Predicted probabilities of the positive class, in :math:`[0, 1]`.
    target : tensor-like of the same shape as ``probs``
        Targets in :math:`[0, 1]` (usually the labels 0 and 1).
    reduction : {"mean", "sum", "none"}, default="mean"
        How to combine the elementwise losses.

    Returns
    -------
    torch.Tensor
        A scalar, or a tensor shaped like ``probs`` for ``reduction="none"``.

    Raises
    ------
    ValueError
        If the shapes differ, or a probability or target lies outside ``[0, 1]``.

    Examples
    --------
    >>> import torch
    >>> from lrkit.losses import binary_cross_entropy
    >>> binary_cross_entropy(torch.tensor([0.5, 0.5]), torch.tensor([0.0, 1.0]))
    tensor(0.6931)
    >>> binary_cross_entropy(torch.tensor([0.0]), torch.tensor([1.0]))
    tensor(100.)
    """
    reduction = check_reduction(reduction)
    probs = _as_float(probs, "probs")
    target = _as_float(target, "target", like=probs)
    check_same_shape(probs, target, "input", "target")
    if bool(((probs < 0) | (probs > 1) | torch.isnan(probs)).any()):
        raise ValueError("probs must hold probabilities in [0, 1]; got values outside it")
    check_binary_values(target, "target", soft=True)
    return _reduce(_BinaryCrossEntropy.apply(probs, target), reduction)


# --------------------------------------------------------------------------
# Binary cross-entropy on logits (the stable way)
# --------------------------------------------------------------------------
def _bce_with_logits(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    # -[y log s(z) + (1 - y) log(1 - s(z))] with log(1 - s(z)) = log s(z) - z
    #   = (1 - y) z - log s(z);  d/dz = s(z) - y, finite for any z.
    return (1 - target) * logits - F.logsigmoid(logits)


def binary_cross_entropy_with_logits(logits, target, *, reduction: str = "mean") -> torch.Tensor:
    r"""Binary cross-entropy computed from logits, stable for any logit.

    With :math:`p = \sigma(z)` and :math:`\log(1 - \sigma(z)) = \log\sigma(z) - z`,

    .. math::

        \ell(z, y) = (1 - y)\, z - \log \sigma(z),
        \qquad \frac{\partial \ell}{\partial z} = \sigma(z) - y

    where :math:`\log\sigma(z) = -\log(1 + e^{-z})` is evaluated without
    overflow (``logsigmoid``). The loss stays exact for :math:`|z|` of
    :math:`10^4` and beyond, where the probability itself rounds to 0 or 1.

    Parameters
    ----------
    logits : tensor-like of any shape
        Scores :math:`z = w \cdot x + b`, any real numbers.
    target : tensor-like of the same shape as ``logits``
        Targets in :math:`[0, 1]`.
    reduction : {"mean", "sum", "none"}, default="mean"
        How to combine the elementwise losses.

    Returns
    -------
    torch.Tensor

    Raises
    ------
    ValueError
        If the shapes differ or a target lies outside ``[0, 1]``.

    Examples
    --------
    >>> import torch
    >>> from lrkit.losses import binary_cross_entropy_with_logits
    >>> binary_cross_entropy_with_logits(torch.tensor([0.0]), torch.tensor([1.0]))
    tensor(0.6931)
    >>> binary_cross_entropy_with_logits(torch.tensor([-1e4]), torch.tensor([1.0]))
    tensor(10000.)
    """
    reduction = check_reduction(reduction)
    logits = _as_float(logits, "logits")
    target = _as_float(target, "target", like=logits)
    check_same_shape(logits, target, "input", "target")
    check_binary_values(target, "target", soft=True)
    return _reduce(_bce_with_logits(logits, target), reduction)


# --------------------------------------------------------------------------
# Cross-entropy over classes
# --------------------------------------------------------------------------
def _cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    log_probs = F.log_softmax(logits, dim=-1)  # (n_samples, n_classes)
    if target.is_floating_point():  # class probabilities
        return -(target * log_probs).sum(dim=-1)
    return -log_probs.gather(-1, target.unsqueeze(-1)).squeeze(-1)  # (n_samples,)


def cross_entropy(logits, target, *, reduction: str = "mean") -> torch.Tensor:
    r"""Cross-entropy between the softmax of logits and the true classes.

    .. math::

        \ell(z, y) = -\log \operatorname{softmax}(z)_y
                   = -z_y + \log \sum_k e^{z_k},
        \qquad \frac{\partial \ell}{\partial z_k} = \operatorname{softmax}(z)_k - [k = y]

    computed through ``log_softmax`` (the log-sum-exp with the row maximum
    subtracted), so no ``exp`` overflows. With class probabilities :math:`q`
    as the target, :math:`\ell = -\sum_k q_k \log \operatorname{softmax}(z)_k`.

    The logits must be raw scores: applying a softmax first and passing
    probabilities here computes a different, flatter loss.

    Parameters
    ----------
    logits : tensor-like of shape (n_samples, n_classes) or (n_classes,)
        Unnormalised class scores.
    target : tensor-like of shape (n_samples,) or (n_samples, n_classes)
        Class indices in ``[0, n_classes)`` (integers), or class
        probabilities (floats, same shape as ``logits``).
    reduction : {"mean", "sum", "none"}, default="mean"
        How to combine the per-sample losses.

    Returns
    -------
    torch.Tensor
        A scalar, or one loss per sample for ``reduction="none"``.

    Raises
    ------
    ValueError
        If the shapes do not fit, or a class index is out of range.

    Examples
    --------
    >>> import torch
    >>> from lrkit.losses import cross_entropy
    >>> cross_entropy(torch.tensor([[0.0, 0.0, 0.0, 0.0]]), torch.tensor([2]))
    tensor(1.3863)
    """
    reduction = check_reduction(reduction)
    logits = _as_float(logits, "logits")
    target = as_tensor(target, "target", device=logits.device)
    if logits.ndim not in (1, 2):
        raise ValueError(
            "logits must be of shape (n_samples, n_classes) or (n_classes,); "
            f"got shape {tuple(logits.shape)}"
        )
    if logits.shape[-1] == 0:
        raise ValueError(f"logits must have at least one class; got shape {tuple(logits.shape)}")
    n_classes = logits.shape[-1]
    if target.is_floating_point():
        target = target.to(logits.dtype)
        if target.shape != logits.shape:
            raise ValueError(
                "target must be class indices of shape (n_samples,) or class "
                f"probabilities of shape {tuple(logits.shape)}; got a float tensor of "
                f"shape {tuple(target.shape)}"
            )
        check_binary_values(target, "target", soft=True)
    else:
        expected = logits.shape[:-1]
        if target.shape != expected:
            raise ValueError(
                f"target must hold one class index per sample, of shape {tuple(expected)}; "
                f"got shape {tuple(target.shape)}"
            )
        target = check_class_indices(target.reshape(-1), n_classes, "target").reshape(expected)
    return _reduce(_cross_entropy(logits, target), reduction)


# --------------------------------------------------------------------------
# Mean squared error and entropy
# --------------------------------------------------------------------------
def mse(pred, target, *, reduction: str = "mean") -> torch.Tensor:
    r"""Squared error between predictions and targets.

    .. math::

        \ell(\hat y, y) = (\hat y - y)^2,
        \qquad \frac{\partial \ell}{\partial \hat y} = 2 (\hat y - y)

    Parameters
    ----------
    pred : tensor-like of any shape
        Predictions.
    target : tensor-like of the same shape as ``pred``
        Targets.
    reduction : {"mean", "sum", "none"}, default="mean"
        How to combine the elementwise losses.

    Returns
    -------
    torch.Tensor

    Raises
    ------
    ValueError
        If the shapes differ (no silent broadcasting).

    Examples
    --------
    >>> import torch
    >>> from lrkit.losses import mse
    >>> mse(torch.tensor([0.0, 2.0]), torch.tensor([1.0, 1.0]))
    tensor(1.)
    """
    reduction = check_reduction(reduction)
    pred = _as_float(pred, "pred")
    target = _as_float(target, "target", like=pred)
    check_same_shape(pred, target, "input", "target")
    return _reduce((pred - target) ** 2, reduction)


def entropy(probs, base: float = math.e, *, reduction: str = "mean") -> torch.Tensor:
    r"""Entropy of discrete distributions, in nats or any other base.

    .. math::

        H(p) = -\sum_k p_k \log_b p_k

    with :math:`0 \log 0 = 0`. ``base=2`` gives bits: the distribution
    ``(0.75, 0.25)`` carries :math:`0.811` bits.

    Parameters
    ----------
    probs : tensor-like of shape (..., n_outcomes)
        Probabilities along the last axis, each row summing to one.
    base : float, default=math.e
        Base of the logarithm: ``math.e`` for nats, ``2`` for bits.
    reduction : {"mean", "sum", "none"}, default="mean"
        How to combine the entropies of several distributions; a single
        distribution gives a scalar whatever the reduction.

    Returns
    -------
    torch.Tensor
        A scalar, or one entropy per distribution for ``reduction="none"``.

    Raises
    ------
    ValueError
        If a probability lies outside ``[0, 1]``, a row does not sum to one,
        or ``base`` is not a positive number other than one.

    Examples
    --------
    >>> import torch
    >>> from lrkit.losses import entropy
    >>> round(entropy(torch.tensor([0.75, 0.25]), base=2).item(), 3)
    0.811
    """
    reduction = check_reduction(reduction)
    if isinstance(base, bool) or not isinstance(base, int | float) or not base > 0 or base == 1:
        raise ValueError(f"base must be a positive number other than 1; got {base!r}")
    probs = _as_float(probs, "probs")
    if probs.ndim == 0 or probs.shape[-1] == 0:
        raise ValueError(
            f"probs must have shape (..., n_outcomes) with n_outcomes >= 1; got {tuple(probs.shape)}"
        )
    check_binary_values(probs, "probs", soft=True)
    sums = probs.sum(dim=-1)
    tol = 1e-4 if probs.dtype in (torch.float16, torch.bfloat16, torch.float32) else 1e-10
    if bool(((sums - 1).abs() > tol * probs.shape[-1]).any()):
        raise ValueError(
            "probs must sum to 1 along the last axis; got sums such as "
            f"{sums.reshape(-1)[:3].tolist()}"
        )
    values = -torch.special.xlogy(probs, probs).sum(dim=-1) / math.log(base)
    return _reduce(values, reduction)
