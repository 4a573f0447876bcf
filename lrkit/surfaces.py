r"""Loss surfaces of one-feature logistic regression over a grid of (w, b).

A model with one feature has two parameters, the weight :math:`w` and the
bias :math:`b`, so its loss is a surface over the plane:

.. math::

    L(w, b) = \frac{1}{n} \sum_{i=1}^{n} \ell\bigl(w x_i + b,\; y_i\bigr)

:func:`loss_surface` evaluates it on a whole grid at once, broadcasting
``(n_b, n_w, n_samples)`` logits in one tensor expression instead of a
Python loop over grid points. :func:`trajectory` turns the parameters
recorded during training into a path on that surface, with the loss computed
where the parameters are. :func:`grid` builds the two axes of the grid.

The losses are the named objectives of :func:`lrkit.train`, listed in
:data:`SURFACE_LOSSES`, so a surface shows exactly what training minimises.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import torch
import torch.nn.functional as F

from lrkit._objectives import OBJECTIVES, Objective, get_objective
from lrkit._validation import (
    _describe,
    as_tensor,
    check_choice,
    check_features,
    check_finite,
    check_positive,
    check_same_length,
)
from lrkit.device import resolve_device

__all__ = ["SURFACE_LOSSES", "Trajectory", "grid", "loss_surface", "trajectory"]

#: Loss names accepted by :func:`loss_surface` and :func:`trajectory`, with what each computes.
SURFACE_LOSSES: dict[str, str] = {
    name: OBJECTIVES[name].description for name in ("bce", "bce_probs", "mse_probs", "mse")
}

# Bytes of temporaries allowed for one block (samples of a grid, or points of
# a trajectory). On
# the CPU, blocks that stay in cache beat one huge broadcast (which pays for
# fresh pages on every call): 4 MB blocks ran 2-4 times faster than a single
# 14 MB pass on a 300 x 300 grid. Elsewhere one pass is best, bounded by 256 MB.
_CPU_BLOCK_BYTES = 4 * 2**20
_MAX_BYTES = 256 * 2**20
# Tensors of the size of the logits alive at once in the worst loss formula
# (logits, a sigmoid or logsigmoid, a product, a difference).
_TEMPORARIES = 4


class Trajectory(NamedTuple):
    """A path through parameter space: one entry per recorded parameter set.

    Parameters
    ----------
    w : torch.Tensor of shape (n_points,)
        The weight at each point.
    b : torch.Tensor of shape (n_points,)
        The bias at each point.
    loss : torch.Tensor of shape (n_points,)
        The mean loss over the full data at ``(w[k], b[k])``.

    Examples
    --------
    >>> import torch
    >>> from lrkit.surfaces import Trajectory
    >>> w, b, loss = Trajectory(torch.zeros(2), torch.ones(2), torch.full((2,), 0.5))
    >>> w.shape
    torch.Size([2])
    """

    w: torch.Tensor
    b: torch.Tensor
    loss: torch.Tensor


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------
def _check_loss(loss: object) -> Objective:
    return get_objective(check_choice(loss, "loss", SURFACE_LOSSES))


def _check_dtype(dtype: object, *tensors: torch.Tensor) -> torch.dtype:
    """The dtype to compute in: ``dtype`` if given, else the widest float input."""
    if dtype is not None:
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            raise TypeError(f"dtype must be a floating point torch.dtype or None; got {dtype!r}")
        return dtype
    result = torch.get_default_dtype()
    for tensor in tensors:
        if tensor.is_floating_point():
            result = torch.promote_types(result, tensor.dtype)
    return result


def _check_axis(value: object, name: str) -> torch.Tensor:
    """A non-empty 1-D tensor of finite real numbers."""
    tensor = as_tensor(value, name)
    if tensor.dtype == torch.bool:
        raise TypeError(f"{name} must hold real numbers; got dtype {tensor.dtype}")
    if tensor.ndim != 1 or tensor.numel() == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D sequence of values; got {_describe(tensor)}"
        )
    check_finite(tensor, name)
    return tensor


def _check_data(X: object, y: object, objective: Objective, dtype, device):
    """Validate one-feature data; return ``x`` and targets of shape (n_samples,)."""
    X = as_tensor(X, "X")
    if X.ndim == 1:
        X = X[:, None]
    X = check_features(X, "X")
    if X.shape[1] != 1:
        raise ValueError(
            "X must hold one feature, of shape (n_samples,) or (n_samples, 1), for a loss "
            f"surface over (w, b); got shape {tuple(X.shape)}"
        )
    target, _ = objective.prepare(y, 1, dtype=dtype, device=device, name="y")  # (n, 1)
    check_same_length(X, target, "X", "y")
    return X[:, 0].to(device=device, dtype=dtype), target[:, 0]  # (n,), (n,)


def _range(value: object, name: str) -> tuple[float, float]:
    """``r`` means ``(-r, r)``; a pair ``(low, high)`` is taken as it is."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        bound = check_positive(value, name)
        return -bound, bound
    if hasattr(value, "__len__") and not isinstance(value, str | Mapping) and len(value) == 2:
        try:
            low, high = (float(v) for v in value)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name} must hold two numbers (low, high); got {value!r}") from err
        if not (math.isfinite(low) and math.isfinite(high) and high > low):
            raise ValueError(f"{name} must be finite with low < high; got {value!r}")
        return low, high
    raise TypeError(
        f"{name} must be a positive number r (for -r..r) or a pair (low, high); "
        f"got {_describe(value)}"
    )


# --------------------------------------------------------------------------
# The computation
# --------------------------------------------------------------------------
def _mean_loss(
    objective: Objective,
    x: torch.Tensor,
    target: torch.Tensor,
    w: torch.Tensor,
    b: torch.Tensor,
    samples_per_block: int | None = None,
) -> torch.Tensor:
    """Mean loss over the samples for parameters ``w``, ``b`` of broadcastable shapes.

    The samples run along a new leading axis, ``samples_per_block`` of them
    at a time (all by default), and each block's losses are added into one
    running total of the parameters' shape: the sum over the samples adds
    whole contiguous planes instead of reducing a short trailing axis.
    """
    shape = torch.broadcast_shapes(w.shape, b.shape)
    n = x.numel()
    step = samples_per_block or n
    lead = (1,) * len(shape)
    total = torch.zeros(shape, dtype=x.dtype, device=x.device)
    for start in range(0, n, step):
        xs = x[start : start + step].reshape(-1, *lead)  # (block, 1, ...)
        z = torch.addcmul(b, w, xs)  # (block, *shape): b + w x
        if objective.name == "bce":
            total -= F.logsigmoid(z).sum(dim=0)
        else:  # the targets broadcast along the trailing axes; no copy per grid point
            ts = target[start : start + step].reshape(xs.shape)
            total += objective.elementwise(z, ts).sum(dim=0)
    total /= n
    if objective.name == "bce":
        # The loss is (1 - y) z - log sigma(z). Its first term is linear in (w, b),
        # so its mean over the samples is w mean((1 - y) x) + b mean(1 - y), and
        # only log sigma(z) needed the pass over every sample above.
        total += w * ((1 - target) * x).mean() + b * (1 - target).mean()
    return total


def _per_block(n: int, unit_elements: int, itemsize: int, device: torch.device) -> int:
    """How many units (grid rows, samples) fit in the memory allowed for temporaries."""
    budget = _CPU_BLOCK_BYTES if device.type == "cpu" else _MAX_BYTES
    return max(1, min(n, budget // (unit_elements * itemsize * _TEMPORARIES)))


def grid(
    w_range: float | tuple[float, float] = 15.0,
    b_range: float | tuple[float, float] = 13.0,
    n: int | tuple[int, int] = 30,
    *,
    dtype: torch.dtype = torch.float64,
    device=None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The two axes of a regular (w, b) grid.

    The defaults span the grid of the IBM lab: 30 values of :math:`w` in
    :math:`[-15, 15]` and 30 of :math:`b` in :math:`[-13, 13]`.

    Parameters
    ----------
    w_range, b_range : float or (float, float), default=15.0, 13.0
        A positive number ``r`` for the range ``[-r, r]``, or the pair
        ``(low, high)``; both ends included.
    n : int or (int, int), default=30
        Number of values along each axis, or ``(n_w, n_b)``.
    dtype : torch.dtype, default=torch.float64
    device : str or torch.device, default=None
        ``None`` means :func:`lrkit.device.default_device`.

    Returns
    -------
    w : torch.Tensor of shape (n_w,)
    b : torch.Tensor of shape (n_b,)

    Examples
    --------
    >>> from lrkit.surfaces import grid
    >>> w, b = grid(15, (-13, 13), n=(4, 3), device="cpu")
    >>> w.tolist(), b.tolist()
    ([-15.0, -5.0, 5.0, 15.0], [-13.0, 0.0, 13.0])
    """
    w_low, w_high = _range(w_range, "w_range")
    b_low, b_high = _range(b_range, "b_range")
    if isinstance(n, Sequence) and not isinstance(n, str):
        if len(n) != 2:
            raise ValueError(f"n must be an int or a pair (n_w, n_b); got {n!r}")
        n_w, n_b = (check_positive(v, "n", integer=True) for v in n)
    else:
        n_w = n_b = check_positive(n, "n", integer=True)
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating point torch.dtype; got {dtype!r}")
    device = resolve_device(device)
    w = torch.linspace(w_low, w_high, n_w, dtype=dtype, device=device)  # (n_w,)
    b = torch.linspace(b_low, b_high, n_b, dtype=dtype, device=device)  # (n_b,)
    return w, b


@torch.no_grad()
def loss_surface(
    X,
    y,
    w,
    b,
    *,
    loss: str = "bce",
    device=None,
    dtype: torch.dtype | None = None,
) -> torch.Tensor:
    r"""The mean loss of :math:`\sigma(w x + b)` at every point of a (w, b) grid.

    .. math::

        Z_{ij} = \frac{1}{n} \sum_{k=1}^{n} \ell\bigl(w_j x_k + b_i,\; y_k\bigr)

    with :math:`\ell` the elementwise loss named by ``loss``: for ``"bce"``,
    :math:`\ell(z, y) = (1 - y) z - \log\sigma(z)`, exact however saturated
    the sigmoid; ``"bce_probs"`` is the textbook
    :math:`-[y \log p + (1 - y) \log(1 - p)]` with each log clamped at
    :math:`-100`, as torch does, so a saturated sample contributes at most
    100. Rows index :math:`b` and columns :math:`w`, the layout of
    ``numpy.meshgrid(w, b)``, so ``Z`` can be passed to ``contour(W, B, Z)``.

    The grid is evaluated as broadcast ``(samples, n_b, n_w)`` tensor
    expressions, in blocks of samples small enough to stay in cache on the
    CPU (one sample at a time on a large grid), and below 256 MB of
    temporaries on a GPU.

    Parameters
    ----------
    X : tensor-like of shape (n_samples, 1) or (n_samples,)
        The single feature.
    y : tensor-like of shape (n_samples, 1) or (n_samples,)
        Labels 0/1 (any real targets for ``loss="mse"``).
    w : tensor-like of shape (n_w,)
        Weights: the columns of the grid.
    b : tensor-like of shape (n_b,)
        Biases: the rows of the grid.
    loss : {"bce", "bce_probs", "mse_probs", "mse"}, default="bce"
        The objective, as named by :func:`lrkit.train` (see :data:`SURFACE_LOSSES`).
    device : str or torch.device, default=None
        Where to compute; ``None`` means :func:`lrkit.device.default_device`.
    dtype : torch.dtype, default=None
        Precision of the computation; ``None`` takes the widest floating
        point dtype among ``X``, ``w`` and ``b`` (at least torch's default).

    Returns
    -------
    torch.Tensor of shape (n_b, n_w)
        ``Z[i, j]`` is the mean loss at ``(w[j], b[i])``.

    Raises
    ------
    ValueError
        If ``X`` has more than one feature, ``X`` and ``y`` differ in length,
        labels are not 0/1, a value is not finite, ``w`` or ``b`` is not a
        non-empty 1-D sequence, or ``loss`` is not one of :data:`SURFACE_LOSSES`.
    TypeError
        If an argument has the wrong type.

    See Also
    --------
    trajectory : The loss along the path of training.
    lrkit.plotting.plot_loss_surface : Draw the surface as contours or in 3-D.

    Examples
    --------
    The step data of the IBM lab on its 30 x 30 grid:

    >>> import lrkit
    >>> from lrkit.surfaces import grid, loss_surface
    >>> X, y = lrkit.data.step_data(device="cpu")
    >>> w, b = grid(15, 13, n=30, device="cpu")
    >>> Z = loss_surface(X, y, w, b, loss="bce", device="cpu")
    >>> Z.shape
    torch.Size([30, 30])
    >>> i, j = divmod(int(Z.argmin()), Z.shape[1])
    >>> float(w[j]) > 0  # the loss is lowest for a rising sigmoid
    True
    """
    objective = _check_loss(loss)
    device = resolve_device(device)
    w = _check_axis(w, "w")
    b = _check_axis(b, "b")
    X_t = as_tensor(X, "X")
    dtype = _check_dtype(dtype, X_t, w, b)
    x, target = _check_data(X_t, y, objective, dtype, device)  # (n,), (n,)
    w = w.to(device=device, dtype=dtype)  # (n_w,)
    b = b.to(device=device, dtype=dtype)  # (n_b,)
    samples = _per_block(x.numel(), w.numel() * b.numel(), x.element_size(), device)
    return _mean_loss(objective, x, target, w[None, :], b[:, None], samples)  # (n_b, n_w)


def _scalar_parameter(params: Mapping, suffix: str, index: int) -> torch.Tensor:
    names = [name for name in params if str(name).split(".")[-1] == suffix]
    if len(names) != 1:
        raise ValueError(
            f"params[{index}] must hold exactly one parameter named '...{suffix}' (a model "
            f"with one feature and one output, such as LogisticRegression(1)); got names "
            f"{list(params)}"
        )
    value = as_tensor(params[names[0]], f"params[{index}][{names[0]!r}]")
    if value.numel() != 1:
        raise ValueError(
            f"params[{index}][{names[0]!r}] must hold a single value (a model with one "
            f"feature and one output); got {_describe(value)}"
        )
    return value.reshape(())


def _params_to_wb(params: object) -> tuple[torch.Tensor, torch.Tensor]:
    """``(w, b)`` from a History, a list of parameter dicts, or a pair of sequences."""
    if hasattr(params, "params") and hasattr(params, "step_loss"):  # a History
        if params.params is None:
            raise ValueError("history has no recorded parameters; train with record_params=True")
        params = params.params
    if isinstance(params, Trajectory):
        params = (params.w, params.b)
    if isinstance(params, tuple) and len(params) == 2 and not isinstance(params[0], Mapping):
        w = _check_axis(params[0], "w")
        b = _check_axis(params[1], "b")
        if w.shape != b.shape:
            raise ValueError(
                f"w and b must have the same length; got {w.numel()} and {b.numel()} values"
            )
        return w, b
    if not isinstance(params, Sequence) or isinstance(params, str):
        raise TypeError(
            "params must be a History, a list of parameter dicts or a pair (w, b); "
            f"got {_describe(params)}"
        )
    if len(params) == 0:
        raise ValueError("params must hold at least one set of parameters; got none")
    ws, bs = [], []
    for index, entry in enumerate(params):
        if not isinstance(entry, Mapping):
            raise TypeError(
                f"params[{index}] must be a dict of parameters such as "
                f"{{'linear.weight': ..., 'linear.bias': ...}}; got {_describe(entry)}"
            )
        ws.append(_scalar_parameter(entry, "weight", index))
        bs.append(_scalar_parameter(entry, "bias", index))
    w, b = torch.stack(ws), torch.stack(bs)  # (n_points,), (n_points,)
    check_finite(w, "weights in params")
    check_finite(b, "biases in params")
    return w, b


@torch.no_grad()
def trajectory(
    params,
    X,
    y,
    *,
    loss: str = "bce",
    device=None,
    dtype: torch.dtype | None = None,
) -> Trajectory:
    r"""The path of training through (w, b), with the full-data loss at each point.

    .. math::

        L_k = \frac{1}{n} \sum_{i=1}^{n} \ell\bigl(w_k x_i + b_k,\; y_i\bigr)

    Each loss is computed where its parameters are, on all of ``X``, so the
    points lie on the surface of :func:`loss_surface`. (Pairing a step's
    mini-batch loss with the parameters *after* that step, as is sometimes
    done, puts the points off the surface: that loss belongs to the previous
    parameters, and to a part of the data only.)

    Parameters
    ----------
    params : History, list of dict, or (w, b)
        A :class:`lrkit.training.History` recorded with ``record_params=True``
        (its ``params``: before the first step and after every step), a list
        of parameter dicts holding one ``'...weight'`` and one ``'...bias'``
        value each (``{'linear.weight': tensor([[w]]), 'linear.bias': tensor([b])}``),
        or a pair of 1-D sequences ``(w, b)``.
    X : tensor-like of shape (n_samples, 1) or (n_samples,)
    y : tensor-like of shape (n_samples, 1) or (n_samples,)
    loss : {"bce", "bce_probs", "mse_probs", "mse"}, default="bce"
        The objective, as in :func:`loss_surface`.
    device : str or torch.device, default=None
        Where to compute; ``None`` means :func:`lrkit.device.default_device`.
    dtype : torch.dtype, default=None
        ``None`` takes the widest floating point dtype among ``X`` and the
        parameters (at least torch's default).

    Returns
    -------
    Trajectory
        The named tuple ``(w, b, loss)`` of tensors of shape (n_points,).

    Raises
    ------
    ValueError
        If the parameters were not recorded, a parameter set does not hold
        exactly one scalar weight and one scalar bias, or the data is invalid.
    TypeError
        If an argument has the wrong type.

    Examples
    --------
    The IBM lab's start, w = -5 and b = -10, with full-batch gradient descent:

    >>> import torch, lrkit
    >>> from lrkit.surfaces import trajectory
    >>> X, y = lrkit.data.step_data(device="cpu")
    >>> model = lrkit.LogisticRegression(1, device="cpu")
    >>> with torch.no_grad():
    ...     _ = model.linear.weight.fill_(-5.0), model.linear.bias.fill_(-10.0)
    >>> history = lrkit.train(model, X, y, loss="bce", optimizer="sgd", lr=2.0,
    ...                       epochs=50, record_params=True, device="cpu")
    >>> path = trajectory(history, X, y, loss="bce", device="cpu")
    >>> len(path.w), float(path.w[0]), float(path.b[0])
    (51, -5.0, -10.0)
    >>> bool(path.loss[-1] < path.loss[0])
    True
    """
    objective = _check_loss(loss)
    device = resolve_device(device)
    w, b = _params_to_wb(params)
    X_t = as_tensor(X, "X")
    dtype = _check_dtype(dtype, X_t, w, b)
    x, target = _check_data(X_t, y, objective, dtype, device)  # (n,), (n,)
    w = w.to(device=device, dtype=dtype)  # (n_points,)
    b = b.to(device=device, dtype=dtype)  # (n_points,)
    rows = _per_block(w.numel(), x.numel(), x.element_size(), device)
    losses = [
        _mean_loss(objective, x, target, w[start : start + rows], b[start : start + rows])
        for start in range(0, w.numel(), rows)
    ]
    return Trajectory(w, b, torch.cat(losses))
