r"""The figures of the lessons, in one visual style.

Every function draws one kind of figure on the matplotlib ``Axes`` it is
given (``ax=``), or on a new figure, and returns the ``Axes`` (a ``Figure``
for multi-panel figures); none calls ``plt.show()``. Data may be torch
tensors on any device, numpy arrays or lists.

The style is shared by every figure:

- classes take the colours of :data:`CLASS_COLORS`, from the Okabe–Ito
  palette (:data:`OKABE_ITO`), which stays distinct under the common forms of
  colour blindness: class 0 blue, class 1 vermillion, then green, orange, ...;
- probabilities use :data:`PROBA_CMAP`, a diverging map from the colour of
  class 0 through white (:math:`p = 0.5`) to the colour of class 1;
- losses and counts use :data:`SEQUENTIAL_CMAP` (viridis);
- markers, lines, fonts and grids follow :data:`RC_PARAMS`; wrap your own
  figures in ``with lrkit.plotting.style():`` to match them.

==================================  ===========================================
function                            figure
==================================  ===========================================
:func:`plot_sigmoids`               sigmoid curves for several (w, b)
:func:`plot_sigmoid_2d`             :math:`\sigma(w_1 x_1 + w_2 x_2 + b)`, map or 3-D
:func:`plot_points`                 data points coloured by class
:func:`plot_decision_boundary`      probability map and boundary of any classifier
:func:`plot_loss_surface`           loss over (w, b), contours or 3-D, with a path
:func:`plot_data_space`             the data with the sigmoid at given (w, b)
:func:`plot_training_snapshots`     data space (and path) at several steps
:func:`plot_loss_curves`            loss or accuracy per epoch or step
:func:`plot_predictions`            predicted classes, wrong ones ringed
:func:`plot_accuracy_boxes`         accuracies of several runs per setting
:func:`plot_confusion_matrix`       counts of true vs predicted classes
==================================  ===========================================
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, ListedColormap
from matplotlib.figure import Figure

from lrkit._validation import _describe, as_tensor, check_choice, check_finite, check_positive

__all__ = [
    "CLASS_COLORS",
    "FONT_SIZES",
    "LINE_WIDTH",
    "MARKER_SIZE",
    "OKABE_ITO",
    "PROBA_CMAP",
    "RC_PARAMS",
    "SEQUENTIAL_CMAP",
    "plot_accuracy_boxes",
    "plot_confusion_matrix",
    "plot_data_space",
    "plot_decision_boundary",
    "plot_loss_curves",
    "plot_loss_surface",
    "plot_points",
    "plot_predictions",
    "plot_sigmoid_2d",
    "plot_sigmoids",
    "plot_training_snapshots",
    "style",
]

# --------------------------------------------------------------------------
# The style
# --------------------------------------------------------------------------
#: The Okabe–Ito palette: eight colours distinguishable with the common
#: colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: Colour of class k (and of the k-th curve), in this order.
CLASS_COLORS: tuple[str, ...] = tuple(
    OKABE_ITO[name]
    for name in (
        "blue",
        "vermillion",
        "bluish green",
        "orange",
        "reddish purple",
        "sky blue",
        "yellow",
        "black",
    )
)


def _tint(color: str, amount: float) -> tuple[float, float, float]:
    """``color`` mixed with white; ``amount`` is the share of white."""
    rgb = np.array(mpl.colors.to_rgb(color))
    return tuple(float(c) for c in rgb + (1.0 - rgb) * amount)


#: Probabilities: a tint of class 0's blue at 0, white at 0.5, a tint of class
#: 1's vermillion at 1. Tints, so points in the full class colours stand out.
PROBA_CMAP = LinearSegmentedColormap.from_list(
    "lrkit_proba", [_tint(CLASS_COLORS[0], 0.5), "#F7F7F7", _tint(CLASS_COLORS[1], 0.5)]
)
#: Losses, counts and other non-negative magnitudes.
SEQUENTIAL_CMAP = mpl.colormaps["viridis"]

#: Area of a scatter marker, in points squared.
MARKER_SIZE = 30.0
#: Width of curves, in points.
LINE_WIDTH = 2.0
#: Font sizes, in points.
FONT_SIZES: dict[str, float] = {"title": 11.0, "label": 10.0, "ticks": 9.0, "legend": 9.0}

_GRID = {"alpha": 0.35, "linestyle": ":", "linewidth": 0.8}
_EDGE = {"edgecolors": "black", "linewidths": 0.4}  # outlines keep points visible on any map
_PATH_COLOR = OKABE_ITO["vermillion"]

#: The matplotlib settings behind every figure; :func:`style` applies them.
RC_PARAMS: dict[str, object] = {
    "figure.figsize": (6.0, 4.0),
    "figure.constrained_layout.use": True,
    "font.size": FONT_SIZES["label"],
    "axes.titlesize": FONT_SIZES["title"],
    "axes.labelsize": FONT_SIZES["label"],
    "xtick.labelsize": FONT_SIZES["ticks"],
    "ytick.labelsize": FONT_SIZES["ticks"],
    "legend.fontsize": FONT_SIZES["legend"],
    "legend.frameon": False,
    "axes.grid": True,
    "grid.alpha": _GRID["alpha"],
    "grid.linestyle": _GRID["linestyle"],
    "grid.linewidth": _GRID["linewidth"],
    "axes.prop_cycle": cycler(color=CLASS_COLORS),
    "lines.linewidth": LINE_WIDTH,
    "lines.markersize": 6.0,
    "scatter.edgecolors": "black",
    "image.cmap": SEQUENTIAL_CMAP.name,
}


@contextmanager
def style() -> Iterator[None]:
    """Apply :data:`RC_PARAMS` to the figures created inside the block.

    The functions of this module use it for the figures they create; use it
    for your own figures to match them.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from lrkit.plotting import style, CLASS_COLORS
    >>> with style():
    ...     fig, ax = plt.subplots()
    ...     line, = ax.plot([0, 1], [0, 1])
    >>> line.get_color() == CLASS_COLORS[0]
    True
    >>> plt.close(fig)
    """
    with mpl.rc_context(RC_PARAMS):
        yield


# --------------------------------------------------------------------------
# Input conversion and checks
# --------------------------------------------------------------------------
def _to_numpy(value: object, name: str) -> np.ndarray:
    """A tensor (any device), array or list as a numpy array; floats as float64."""
    tensor = as_tensor(value, name).detach()
    if tensor.dtype == torch.bool:
        tensor = tensor.long()
    check_finite(tensor, name)
    if tensor.is_floating_point():
        tensor = tensor.to(dtype=torch.float64)
    return tensor.cpu().numpy()


def _features(X: object, name: str = "X", n_features: tuple[int, ...] = (2,)) -> np.ndarray:
    """Points of shape (n_samples, n_features); a 1-D input is one feature."""
    array = _to_numpy(X, name).astype(np.float64)
    if array.ndim == 1 and 1 in n_features:
        array = array[:, None]
    if array.ndim != 2 or array.shape[1] not in n_features or array.shape[0] == 0:
        expected = " or ".join(f"(n_samples, {k})" for k in n_features)
        raise ValueError(f"{name} must be of shape {expected}; got shape {array.shape}")
    return array


def _labels(y: object, name: str, n_samples: int | None = None) -> np.ndarray:
    """Integer class labels of shape (n_samples,), from (n,) or (n, 1)."""
    array = _to_numpy(y, name)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must hold one class label per sample, of shape (n_samples,) or "
            f"(n_samples, 1); got shape {array.shape}"
        )
    if array.dtype.kind == "f":
        if not np.array_equal(array, np.round(array)):
            raise ValueError(f"{name} must hold integer class labels; got fractional values")
        array = array.astype(np.int64)
    if n_samples is not None and array.shape[0] != n_samples:
        raise ValueError(
            f"X and {name} must have the same number of samples; got {n_samples} and "
            f"{array.shape[0]}"
        )
    return array


def _class_indices(labels: np.ndarray, name: str, classes: np.ndarray | None) -> np.ndarray:
    """Positions of the labels in ``classes`` (``None``: labels are 0..K-1)."""
    if classes is None:
        if labels.size and labels.min() < 0:
            raise ValueError(
                f"{name} must hold class indices 0, 1, ...; got {sorted(set(labels.tolist()))[:5]}"
            )
        return labels
    lookup = {value: index for index, value in enumerate(classes.tolist())}
    unknown = sorted({v for v in labels.tolist() if v not in lookup})
    if unknown:
        raise ValueError(
            f"{name} holds labels {unknown[:5]} that are not among the model's classes "
            f"{classes.tolist()}"
        )
    return np.array([lookup[v] for v in labels.tolist()], dtype=np.int64)


def _check_n_classes(n_classes: int) -> None:
    if n_classes > len(CLASS_COLORS):
        raise ValueError(
            f"at most {len(CLASS_COLORS)} classes can be told apart by colour; got {n_classes}"
        )


def _scalar(value: object, name: str) -> float:
    """A finite real number; a tensor or array with one element is fine."""
    if isinstance(value, torch.Tensor | np.ndarray | np.generic):
        size = value.numel() if isinstance(value, torch.Tensor) else np.size(value)
        if size != 1:
            raise ValueError(f"{name} must be a single number; got {_describe(value)}")
        value = value.detach().cpu() if isinstance(value, torch.Tensor) else np.asarray(value)
        value = value.reshape(()).item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {_describe(value)}")
    if not np.isfinite(float(value)):
        raise ValueError(f"{name} must be finite; got {value!r}")
    return float(value)


def _range(value: object, name: str) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be a pair (low, high) of numbers; got {value!r}") from err
    if not (np.isfinite(low) and np.isfinite(high) and high > low):
        raise ValueError(f"{name} must be finite with low < high; got {value!r}")
    return low, high


def _axes(ax: object, *, projection: str | None = None) -> Axes:
    """Use ``ax``, or create a figure in the house style with one ``Axes``."""
    if ax is None:
        with style():
            fig = plt.figure()
            if projection == "3d":
                return fig.add_subplot(projection="3d", computed_zorder=False)
            return fig.add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}")
    if projection == "3d" and ax.name != "3d":
        raise ValueError(
            "ax must be a 3-D Axes for this figure, such as "
            "fig.add_subplot(projection='3d'); got a 2-D Axes"
        )
    return ax


def _finish(
    ax: Axes,
    *,
    xlabel: str | None = None,
    ylabel: str | None = None,
    zlabel: str | None = None,
    title: str | None = None,
    grid: bool = True,
    legend: bool = False,
) -> Axes:
    """Labels, fonts, grid and legend, set explicitly so any ``Axes`` looks the same."""
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=FONT_SIZES["label"])
    if ylabel is not None:
        ax.set_ylabel(ylabel, fontsize=FONT_SIZES["label"])
    if zlabel is not None:
        ax.set_zlabel(zlabel, fontsize=FONT_SIZES["label"])
    if title is not None:
        ax.set_title(title, fontsize=FONT_SIZES["title"])
    ax.tick_params(labelsize=FONT_SIZES["ticks"])
    if grid:
        ax.grid(True, **_GRID)
    else:
        ax.grid(False)
    if legend:
        # An explicit "best" keeps the automatic placement without the warning
        # matplotlib gives when it chooses "best" by default on large data.
        ax.legend(loc="best", fontsize=FONT_SIZES["legend"], frameon=False)
    return ax


def _colorbar(ax: Axes, mappable, label: str) -> None:
    bar = ax.figure.colorbar(mappable, ax=ax, shrink=0.9)
    bar.set_label(label, fontsize=FONT_SIZES["label"])
    bar.ax.tick_params(labelsize=FONT_SIZES["ticks"])


def _fmt(value: float) -> str:
    """A parameter value for a label: 5, -10, 0.25, 1.23e-05."""
    return f"{value:.3g}"


def _class_name(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"class {value}"


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return torch.sigmoid(torch.from_numpy(np.asarray(z, dtype=np.float64))).numpy()


def _scatter_classes(
    ax: Axes, x1: np.ndarray, x2: np.ndarray, index: np.ndarray, names: Sequence[str], **kwargs
) -> None:
    """One scatter per class present, in the class colours, labelled for the legend."""
    _check_n_classes(len(names))
    for k, name in enumerate(names):
        mask = index == k
        if mask.any():
            ax.scatter(
                x1[mask],
                x2[mask],
                s=MARKER_SIZE,
                color=CLASS_COLORS[k],
                label=name,
                zorder=3,
                **{**_EDGE, **kwargs},
            )


# --------------------------------------------------------------------------
# Sigmoids
# --------------------------------------------------------------------------
def plot_sigmoids(
    params: Sequence[tuple[float, float]] = ((1.0, 5.0), (5.0, 5.0), (1.0, 0.0)),
    *,
    x=None,
    ax: Axes | None = None,
) -> Axes:
    r"""Sigmoid curves :math:`\sigma(w x + b)` for several pairs (w, b), labelled.

    .. math::

        \sigma(w x + b) = \frac{1}{1 + e^{-(w x + b)}}

    Each curve crosses 0.5 at :math:`x = -b / w`; a larger :math:`|w|`
    makes it steeper. The defaults are the three curves of the Sheffield lab.

    Parameters
    ----------
    params : sequence of (w, b), default=((1, 5), (5, 5), (1, 0))
        One curve per pair.
    x : tensor-like of shape (n_points,), default=None
        Where to evaluate; ``None`` takes 201 points on :math:`[-10, 10]`.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; ``None`` creates a figure.

    Returns
    -------
    matplotlib.axes.Axes
        One line per pair, labelled ``"w = 1, b = 5"``, plus a dotted line at 0.5.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from lrkit.plotting import plot_sigmoids
    >>> ax = plot_sigmoids([(1, 5), (5, 5), (1, 0)])
    >>> [line.get_label() for line in ax.get_lines()][:3]
    ['w = 1, b = 5', 'w = 5, b = 5', 'w = 1, b = 0']
    >>> plt.close(ax.figure)
    """
    if isinstance(params, str) or not isinstance(params, Sequence) or len(params) == 0:
        raise TypeError(f"params must be a non-empty sequence of (w, b) pairs; got {params!r}")
    pairs = []
    for index, pair in enumerate(params):
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise TypeError(f"params[{index}] must be a pair (w, b); got {pair!r}")
        pairs.append(
            (_scalar(pair[0], f"params[{index}][0]"), _scalar(pair[1], f"params[{index}][1]"))
        )
    xs = np.linspace(-10.0, 10.0, 201) if x is None else _to_numpy(x, "x").astype(np.float64)
    if xs.ndim != 1 or xs.size < 2:
        raise ValueError(f"x must be 1-D with at least 2 points; got shape {xs.shape}")
    ax = _axes(ax)
    for k, (w, b) in enumerate(pairs):
        ax.plot(
            xs,
            _sigmoid(w * xs + b),
            color=CLASS_COLORS[k % len(CLASS_COLORS)],
            linewidth=LINE_WIDTH,
            label=f"w = {_fmt(w)}, b = {_fmt(b)}",
        )
    ax.axhline(0.5, color="0.4", linewidth=0.8, linestyle=":", label="_p = 0.5")
    ax.set_ylim(-0.05, 1.05)
    return _finish(ax, xlabel="x", ylabel=r"$\sigma(wx + b)$", legend=True)


def _boundary_line(w1: float, w2: float, b: float, limits: tuple[float, float]):
    """Points of the line w1 x1 + w2 x2 + b = 0 across the square ``limits``."""
    low, high = limits
    if w2 != 0.0:
        x1 = np.array([low, high])
        return x1, -(w1 * x1 + b) / w2
    if w1 != 0.0:
        return np.full(2, -b / w1), np.array([low, high])
    return None  # a constant sigmoid has no boundary


def plot_sigmoid_2d(
    w: Sequence[float] = (1.0, 2.0),
    b: float = 0.0,
    *,
    kind: str = "map",
    limits: tuple[float, float] = (-6.0, 6.0),
    n: int = 51,
    ax: Axes | None = None,
) -> Axes:
    r"""The sigmoid of two inputs, as a colour map with its boundary, or in 3-D.

    .. math::

        p(x_1, x_2) = \sigma(w_1 x_1 + w_2 x_2 + b)

    The boundary :math:`p = 0.5` is the line :math:`w_1 x_1 + w_2 x_2 + b = 0`,
    that is :math:`x_2 = -(w_1 x_1 + b) / w_2`; :math:`p` rises across it in
    the direction of :math:`(w_1, w_2)`, faster for a longer vector.

    Parameters
    ----------
    w : (float, float), default=(1.0, 2.0)
        The weights :math:`(w_1, w_2)`.
    b : float, default=0.0
        The bias.
    kind : {"map", "surface"}, default="map"
        A colour map of :math:`p` over the plane with the boundary line, or
        the surface :math:`p(x_1, x_2)` in 3-D.
    limits : (float, float), default=(-6.0, 6.0)
        The range of both :math:`x_1` and :math:`x_2`.
    n : int, default=51
        Grid points along each axis.
    ax : matplotlib.axes.Axes, default=None
        Where to draw (a 3-D ``Axes`` for ``kind="surface"``); ``None``
        creates a figure.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from lrkit.plotting import plot_sigmoid_2d
    >>> ax = plot_sigmoid_2d((1.0, 2.0), 0.0)
    >>> boundary = ax.get_lines()[0]
    >>> boundary.get_ydata().tolist()  # x2 = -x1 / 2 at x1 = -6 and 6
    [3.0, -3.0]
    >>> ax3d = plot_sigmoid_2d((1.0, 2.0), 0.0, kind="surface")
    >>> ax3d.name
    '3d'
    >>> plt.close("all")
    """
    kind = check_choice(kind, "kind", ("map", "surface"))
    weights = _to_numpy(w, "w").astype(np.float64)
    if weights.shape not in ((2,), (1, 2), (2, 1)):
        raise ValueError(f"w must hold two weights (w1, w2); got shape {weights.shape}")
    w1, w2 = (float(v) for v in weights.ravel())
    b = _scalar(b, "b")
    limits = _range(limits, "limits")
    n = check_positive(n, "n", integer=True)
    if n < 2:
        raise ValueError(f"n must be at least 2; got {n}")
    axis = np.linspace(*limits, n)
    G1, G2 = np.meshgrid(axis, axis)  # (n, n): rows follow x2, columns x1
    P = _sigmoid(w1 * G1 + w2 * G2 + b)  # (n, n)
    if kind == "surface":
        ax = _axes(ax, projection="3d")
        ax.plot_surface(G1, G2, P, cmap=PROBA_CMAP, vmin=0.0, vmax=1.0, linewidth=0)
        ax.set_zlim(0.0, 1.0)
        return _finish(ax, xlabel="$x_1$", ylabel="$x_2$", zlabel=r"$\sigma(z)$")
    ax = _axes(ax)
    mesh = ax.pcolormesh(G1, G2, P, cmap=PROBA_CMAP, vmin=0.0, vmax=1.0, shading="nearest")
    _colorbar(ax, mesh, r"$\sigma(w_1 x_1 + w_2 x_2 + b)$")
    line = _boundary_line(w1, w2, b, limits)
    if line is not None:
        ax.plot(*line, color="black", linewidth=LINE_WIDTH, label="boundary, p = 0.5")
    ax.set_xlim(*limits)
    ax.set_ylim(*limits)
    ax.set_aspect("equal")
    return _finish(ax, xlabel="$x_1$", ylabel="$x_2$", grid=False, legend=line is not None)


# --------------------------------------------------------------------------
# Data and classifiers
# --------------------------------------------------------------------------
def plot_points(
    X,
    y,
    *,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Data points coloured by class.

    Parameters
    ----------
    X : tensor-like of shape (n_samples, 2) or (n_samples, 1)
        Two features are drawn as :math:`(x_1, x_2)`; one feature as
        :math:`(x, y)`, the label on the vertical axis.
    y : tensor-like of shape (n_samples,) or (n_samples, 1)
        Class indices 0, 1, ... (0/1 floats are fine).
    class_names : sequence of str, default=None
        Legend entries, one per class; ``None`` gives ``"class 0"``, ...
    ax : matplotlib.axes.Axes, default=None
        Where to draw; ``None`` creates a figure.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import lrkit
    >>> from lrkit.plotting import plot_points
    >>> X, y = lrkit.data.two_gaussians(100, device="cpu")
    >>> ax = plot_points(X, y)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['class 0', 'class 1']
    >>> plt.close(ax.figure)
    """
    X = _features(X, "X", (1, 2))
    labels = _class_indices(_labels(y, "y", X.shape[0]), "y", None)
    n_classes = int(labels.max()) + 1
    names = _names(class_names, n_classes)
    ax = _axes(ax)
    if X.shape[1] == 2:
        _scatter_classes(ax, X[:, 0], X[:, 1], labels, names)
        return _finish(ax, xlabel="$x_1$", ylabel="$x_2$", legend=True)
    _scatter_classes(ax, X[:, 0], labels.astype(np.float64), labels, names)
    return _finish(ax, xlabel="x", ylabel="y", legend=True)


def _names(class_names: Sequence[str] | None, n_classes: int) -> list[str]:
    if class_names is None:
        return [f"class {k}" for k in range(n_classes)]
    names = [str(name) for name in class_names]
    if len(names) < n_classes:
        raise ValueError(
            f"class_names must name every class; got {len(names)} names for {n_classes} classes"
        )
    return names


def _predict_proba(model: object, points: np.ndarray) -> np.ndarray:
    """Class probabilities of shape (n_points, n_classes >= 2), as float64."""
    predict_proba = getattr(model, "predict_proba", None)
    if not callable(predict_proba):
        raise TypeError(
            "model must have a predict_proba method (an lrkit model or estimator, or a "
            f"scikit-learn classifier); got {type(model).__name__}"
        )
    if isinstance(model, torch.nn.Module):
        param = next(model.parameters(), None)
        dtype = param.dtype if param is not None else torch.get_default_dtype()
        device = param.device if param is not None else None
        inputs = torch.as_tensor(points, dtype=dtype, device=device)  # (n_points, 2)
    else:
        inputs = points  # scikit-learn style estimators take numpy arrays
    probs = _to_numpy(predict_proba(inputs), "model.predict_proba(X)").astype(np.float64)
    if probs.ndim == 1:
        probs = probs[:, None]
    if probs.ndim != 2 or probs.shape[0] != points.shape[0]:
        raise ValueError(
            f"model.predict_proba must return shape (n_samples,), (n_samples, 1) or "
            f"(n_samples, n_classes); got {probs.shape} for {points.shape[0]} samples"
        )
    if probs.shape[1] == 1:
        probs = np.hstack([1.0 - probs, probs])  # (n_points, 2)
    return probs


def _model_classes(model: object, n_classes: int) -> np.ndarray | None:
    classes = getattr(model, "classes_", None)
    if classes is None:
        return None
    classes = classes.detach().cpu().numpy() if isinstance(classes, torch.Tensor) else classes
    classes = np.asarray(classes)
    if classes.shape != (n_classes,):
        raise ValueError(
            f"model.classes_ has {classes.size} entries but predict_proba gives {n_classes} columns"
        )
    return classes


def plot_decision_boundary(
    model,
    X,
    y=None,
    *,
    resolution: int = 200,
    limits: tuple[tuple[float, float], tuple[float, float]] | None = None,
    margin: float = 0.1,
    colorbar: bool = True,
    ax: Axes | None = None,
) -> Axes:
    r"""Where a classifier decides what, over the plane of two features.

    For two classes: a map of :math:`P(y = 1 \mid x)` in :data:`PROBA_CMAP`
    with the boundary :math:`P = 0.5` drawn in black; for logistic
    regression that is the line :math:`\mathbf{w}^\top \mathbf{x} + b = 0`.
    For :math:`K > 2` classes: the region where each class is the most
    probable, in the class colours,

    .. math::

        \hat y(\mathbf{x}) = \arg\max_k P(y = k \mid \mathbf{x}).

    ``model.predict_proba`` is evaluated once on a
    ``resolution`` :math:`\times` ``resolution`` grid.

    Parameters
    ----------
    model : object with ``predict_proba``
        An lrkit model (a :class:`torch.nn.Module` whose ``predict_proba``
        returns a tensor of shape (n, 1) or (n, K); it gets a tensor of its
        own dtype on its own device), an lrkit estimator, or a scikit-learn
        classifier (they get a float64 numpy array; shape (n, 2) or (n, K)).
        Labels are mapped through ``model.classes_`` when it exists.
    X : tensor-like of shape (n_samples, 2)
        The data: sets the extent of the grid, and is drawn when ``y`` is given.
    y : tensor-like of shape (n_samples,) or (n_samples, 1), default=None
        Class labels of the points; ``None`` draws the map only.
    resolution : int, default=200
        Grid points along each axis.
    limits : ((float, float), (float, float)), default=None
        The ranges of :math:`x_1` and :math:`x_2`; ``None`` spans the data
        with ``margin`` on each side.
    margin : float, default=0.1
        Extra space on each side, as a fraction of the data's range.
    colorbar : bool, default=True
        Add a colour bar for the probability (two classes).
    ax : matplotlib.axes.Axes, default=None
        Where to draw; ``None`` creates a figure.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``model`` has no ``predict_proba``.
    ValueError
        If ``X`` does not have two features, a label is not one of the
        model's classes, or ``predict_proba`` returns an unexpected shape.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import lrkit
    >>> from sklearn.linear_model import LogisticRegression
    >>> from lrkit.plotting import plot_decision_boundary
    >>> X, y = lrkit.data.two_gaussians(200, device="cpu")
    >>> clf = LogisticRegression().fit(X.numpy(), y.numpy().ravel())
    >>> ax = plot_decision_boundary(clf, X, y)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('$x_1$', '$x_2$')
    >>> plt.close(ax.figure)
    """
    X = _features(X, "X", (2,))
    resolution = check_positive(resolution, "resolution", integer=True)
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2; got {resolution}")
    if limits is None:
        margin = _scalar(margin, "margin")
        if margin < 0:
            raise ValueError(f"margin must be non-negative; got {margin}")
        low, high = X.min(axis=0), X.max(axis=0)  # (2,), (2,)
        pad = np.where(high > low, margin * (high - low), 1.0)  # one point still gets an area
        limits = ((low[0] - pad[0], high[0] + pad[0]), (low[1] - pad[1], high[1] + pad[1]))
    else:
        if not isinstance(limits, Sequence) or len(limits) != 2:
            raise TypeError(f"limits must be ((x1_min, x1_max), (x2_min, x2_max)); got {limits!r}")
        limits = (_range(limits[0], "limits[0]"), _range(limits[1], "limits[1]"))
    g1 = np.linspace(*limits[0], resolution)
    g2 = np.linspace(*limits[1], resolution)
    G1, G2 = np.meshgrid(g1, g2)  # (resolution, resolution)
    points = np.column_stack([G1.ravel(), G2.ravel()])  # (resolution**2, 2)
    probs = _predict_proba(model, points)  # (resolution**2, K)
    n_classes = probs.shape[1]
    _check_n_classes(n_classes)
    classes = _model_classes(model, n_classes)
    names = (
        [_class_name(c) for c in classes.tolist()]
        if classes is not None
        else [f"class {k}" for k in range(n_classes)]
    )
    ax = _axes(ax)
    if n_classes == 2:
        P1 = probs[:, 1].reshape(G1.shape)
        mesh = ax.pcolormesh(G1, G2, P1, cmap=PROBA_CMAP, vmin=0.0, vmax=1.0, shading="nearest")
        if colorbar:
            _colorbar(ax, mesh, f"P({names[1]} | x)")
        if P1.min() < 0.5 < P1.max():
            ax.contour(G1, G2, P1, levels=[0.5], colors="black", linewidths=LINE_WIDTH)
    else:
        regions = probs.argmax(axis=1).reshape(G1.shape)
        ax.pcolormesh(
            G1,
            G2,
            regions,
            cmap=ListedColormap(CLASS_COLORS[:n_classes]),
            vmin=-0.5,
            vmax=n_classes - 0.5,
            alpha=0.35,
            shading="nearest",
        )
    if y is not None:
        labels = _labels(y, "y", X.shape[0])
        index = _class_indices(labels, "y", classes)
        if index.max() >= n_classes:
            raise ValueError(
                f"y holds class indices up to {int(index.max())}, but the model gives "
                f"probabilities for {n_classes} classes"
            )
        _scatter_classes(ax, X[:, 0], X[:, 1], index, names, alpha=0.8)
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    return _finish(ax, xlabel="$x_1$", ylabel="$x_2$", grid=False, legend=y is not None)


# --------------------------------------------------------------------------
# Loss surfaces and the data space of one-feature logistic regression
# --------------------------------------------------------------------------
def _path(path: object, name: str = "trajectory") -> tuple[np.ndarray, ...]:
    """``(w, b)`` or ``(w, b, loss)`` of a Trajectory or a tuple of sequences."""
    if not isinstance(path, tuple) or len(path) not in (2, 3):
        raise TypeError(
            f"{name} must be a lrkit.surfaces.Trajectory or a tuple (w, b) or (w, b, loss); "
            f"got {_describe(path)}"
        )
    arrays = tuple(
        _to_numpy(part, f"{name}[{i}]").astype(np.float64) for i, part in enumerate(path)
    )
    for i, array in enumerate(arrays):
        if array.ndim != 1 or array.shape != arrays[0].shape or array.size == 0:
            raise ValueError(
                f"{name} must hold non-empty 1-D sequences of one length; got shapes "
                f"{[a.shape for a in arrays]} (entry {i})"
            )
    return arrays


def _surface(w, b, Z) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w = _to_numpy(w, "w").astype(np.float64)
    b = _to_numpy(b, "b").astype(np.float64)
    Z = _to_numpy(Z, "Z").astype(np.float64)
    if w.ndim != 1 or b.ndim != 1 or w.size < 2 or b.size < 2:
        raise ValueError(
            f"w and b must be 1-D with at least 2 values each; got shapes {w.shape} and {b.shape}"
        )
    if Z.shape != (b.size, w.size):
        raise ValueError(
            f"Z must be of shape (len(b), len(w)) = ({b.size}, {w.size}), rows for b and "
            f"columns for w as lrkit.surfaces.loss_surface returns it; got shape {Z.shape}"
        )
    return w, b, Z


def _draw_path(ax: Axes, *coords: np.ndarray) -> None:
    """A path (2-D or 3-D) as a line with crosses, from a circle to a star."""
    style = {"color": _PATH_COLOR, "zorder": 5, **_EDGE}
    ax.plot(
        *coords, color=_PATH_COLOR, marker="x", markersize=5, linewidth=1.5, zorder=4, label="path"
    )
    ax.scatter(*(c[:1] for c in coords), marker="o", s=MARKER_SIZE * 1.5, label="start", **style)
    ax.scatter(*(c[-1:] for c in coords), marker="*", s=MARKER_SIZE * 4, label="end", **style)


def plot_loss_surface(
    w,
    b,
    Z,
    *,
    kind: str = "contour",
    trajectory=None,
    levels: int = 20,
    colorbar: bool = True,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    r"""A loss surface over (w, b), as contours or in 3-D, with an optional path.

    .. math::

        L(w, b) = \frac{1}{n} \sum_{i=1}^{n} \ell\bigl(w x_i + b,\; y_i\bigr)

    Compute ``Z`` with :func:`lrkit.surfaces.loss_surface` and the path with
    :func:`lrkit.surfaces.trajectory`.

    Parameters
    ----------
    w : tensor-like of shape (n_w,)
    b : tensor-like of shape (n_b,)
    Z : tensor-like of shape (n_b, n_w)
        ``Z[i, j]`` is the loss at ``(w[j], b[i])``.
    kind : {"contour", "surface"}, default="contour"
        Contour lines in the plane, or the surface in 3-D.
    trajectory : lrkit.surfaces.Trajectory or tuple, default=None
        A path ``(w, b)`` or ``(w, b, loss)`` drawn from its start (circle)
        to its end (star); the 3-D view needs the losses.
    levels : int, default=20
        Number of contour levels.
    colorbar : bool, default=True
    title : str, default=None
    ax : matplotlib.axes.Axes, default=None
        Where to draw (a 3-D ``Axes`` for ``kind="surface"``); ``None``
        creates a figure.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``Z`` is not of shape (len(b), len(w)), or a 3-D path lacks losses.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import lrkit
    >>> from lrkit.surfaces import grid, loss_surface, trajectory
    >>> from lrkit.plotting import plot_loss_surface
    >>> X, y = lrkit.data.step_data(device="cpu")
    >>> w, b = grid(15, 13, n=30, device="cpu")
    >>> Z = loss_surface(X, y, w, b, device="cpu")
    >>> path = trajectory(([-5.0, -1.0, 2.0], [-10.0, -6.0, -1.0]), X, y, device="cpu")
    >>> ax = plot_loss_surface(w, b, Z, trajectory=path)
    >>> ax.get_lines()[0].get_xdata().tolist()
    [-5.0, -1.0, 2.0]
    >>> ax3d = plot_loss_surface(w, b, Z, kind="surface", trajectory=path)
    >>> plt.close("all")
    """
    kind = check_choice(kind, "kind", ("contour", "surface"))
    w, b, Z = _surface(w, b, Z)
    levels = check_positive(levels, "levels", integer=True)
    path = None if trajectory is None else _path(trajectory)
    W, B = np.meshgrid(w, b)  # (n_b, n_w)
    if kind == "surface":
        if path is not None and len(path) != 3:
            raise ValueError(
                "trajectory must include the losses, (w, b, loss), to be drawn on a 3-D "
                "surface; lrkit.surfaces.trajectory computes them"
            )
        ax = _axes(ax, projection="3d")
        surf = ax.plot_surface(
            W, B, Z, cmap=SEQUENTIAL_CMAP, linewidth=0, alpha=0.85 if path else 1.0, zorder=1
        )
        if colorbar:
            _colorbar(ax, surf, "loss")
        if path is not None:
            ax.computed_zorder = False  # keep the path in front of the surface
            _draw_path(ax, *path)
        return _finish(
            ax,
            xlabel="w",
            ylabel="b",
            zlabel="loss",
            title=title,
            grid=False,
            legend=path is not None,
        )
    ax = _axes(ax)
    contours = ax.contour(W, B, Z, levels=levels, cmap=SEQUENTIAL_CMAP, linewidths=1.0)
    if colorbar:
        _colorbar(ax, contours, "loss")
    if path is not None:
        _draw_path(ax, path[0], path[1])
    ax.set_xlim(w.min(), w.max())
    ax.set_ylim(b.min(), b.max())
    return _finish(ax, xlabel="w", ylabel="b", title=title, grid=False, legend=path is not None)


def plot_data_space(
    X,
    y,
    w: float,
    b: float,
    *,
    line: bool = True,
    ylim: tuple[float, float] = (-0.25, 1.5),
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    r"""One-feature data with the model at (w, b): the sigmoid and the line w x + b.

    .. math::

        \hat p(x) = \sigma(w x + b)

    The sigmoid crosses 0.5 where the line :math:`w x + b` crosses 0.

    Parameters
    ----------
    X : tensor-like of shape (n_samples, 1) or (n_samples,)
    y : tensor-like of shape (n_samples, 1) or (n_samples,)
        Labels 0/1, drawn at height 0 or 1 in the class colours.
    w, b : float
        The parameters (tensors with one element are fine).
    line : bool, default=True
        Also draw the line :math:`w x + b` (dashed).
    ylim : (float, float), default=(-0.25, 1.5)
    title : str, default=None
        ``None`` shows the parameters.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; ``None`` creates a figure.

    Returns
    -------
    matplotlib.axes.Axes
        Its first line is the sigmoid, the second (with ``line``) the line.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import lrkit
    >>> from lrkit.plotting import plot_data_space
    >>> X, y = lrkit.data.step_data(device="cpu")
    >>> ax = plot_data_space(X, y, w=-5.0, b=-10.0)
    >>> ax.get_title()
    'w = -5, b = -10'
    >>> plt.close(ax.figure)
    """
    X = _features(X, "X", (1,))
    labels = _labels(y, "y", X.shape[0])
    w, b = _scalar(w, "w"), _scalar(b, "b")
    ylim = _range(ylim, "ylim")
    x = X[:, 0]
    span = max(float(x.max() - x.min()), 1.0)
    xs = np.linspace(x.min() - 0.05 * span, x.max() + 0.05 * span, 200)
    ax = _axes(ax)
    ax.plot(
        xs, _sigmoid(w * xs + b), color="black", linewidth=LINE_WIDTH, label=r"$\sigma(wx + b)$"
    )
    if line:
        ax.plot(xs, w * xs + b, color="0.45", linewidth=1.2, linestyle="--", label="$wx + b$")
    n_classes = int(labels.max()) + 1
    _scatter_classes(
        ax,
        x,
        labels.astype(np.float64),
        _class_indices(labels, "y", None),
        [f"class {k}" for k in range(n_classes)],
    )
    ax.set_ylim(*ylim)
    ax.set_xlim(xs[0], xs[-1])
    if title is None:
        title = f"w = {_fmt(w)}, b = {_fmt(b)}"
    return _finish(ax, xlabel="x", ylabel="y", title=title, legend=True)


def plot_training_snapshots(
    X,
    y,
    trajectory,
    steps: Sequence[int],
    *,
    surface: tuple | None = None,
    line: bool = True,
    fig: Figure | None = None,
) -> Figure:
    """The model in data space at several steps of training, side by side.

    One column per step: the data with the sigmoid at that step's
    parameters (:func:`plot_data_space`) and, when ``surface`` is given,
    below it the loss contours with the path walked so far.

    Parameters
    ----------
    X, y : tensor-like of shape (n_samples, 1)
        One-feature data and its 0/1 labels.
    trajectory : lrkit.surfaces.Trajectory or tuple (w, b[, loss])
        The parameters after each step; entry 0 is the start.
    steps : sequence of int
        Which entries to show (negative indices count from the end).
    surface : tuple (w, b, Z), default=None
        A loss surface from :func:`lrkit.surfaces.loss_surface` with its axes.
    line : bool, default=True
        Draw the line :math:`w x + b` too.
    fig : matplotlib.figure.Figure, default=None
        An empty figure to draw in; ``None`` creates one.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import lrkit
    >>> from lrkit.surfaces import grid, loss_surface
    >>> from lrkit.plotting import plot_training_snapshots
    >>> X, y = lrkit.data.step_data(device="cpu")
    >>> w, b = grid(15, 13, n=20, device="cpu")
    >>> path = ([-5.0, -1.0, 2.0, 6.0], [-10.0, -6.0, -1.0, -1.5])
    >>> fig = plot_training_snapshots(X, y, path, [0, 2, -1],
    ...                               surface=(w, b, loss_surface(X, y, w, b, device="cpu")))
    >>> len(fig.axes) >= 6
    True
    >>> plt.close(fig)
    """
    path = _path(trajectory)
    n_points = path[0].size
    if isinstance(steps, str) or not isinstance(steps, Sequence) or len(steps) == 0:
        raise TypeError(f"steps must be a non-empty sequence of int; got {steps!r}")
    chosen = []
    for step in steps:
        if isinstance(step, bool) or not isinstance(step, numbers.Integral):
            raise TypeError(f"steps must hold integers; got {step!r}")
        if not -n_points <= step < n_points:
            raise ValueError(f"steps must index the trajectory's {n_points} points; got {step}")
        chosen.append(int(step) % n_points)
    grid_wbz = _surface(*surface) if surface is not None else None
    if fig is None:
        with style():
            rows = 2 if grid_wbz is not None else 1
            fig = plt.figure(figsize=(3.2 * len(chosen), 2.9 * rows))
    elif not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure or None; got {type(fig).__name__}")
    axes = fig.subplots(2 if grid_wbz is not None else 1, len(chosen), squeeze=False)
    for column, step in enumerate(chosen):
        ax = plot_data_space(X, y, path[0][step], path[1][step], line=line, ax=axes[0, column])
        ax.set_title(f"step {step}: {ax.get_title()}", fontsize=FONT_SIZES["title"])
        if column:
            ax.set_ylabel("")
            ax.get_legend().remove()
        if grid_wbz is not None:
            upto = tuple(part[: step + 1] for part in path)
            plot_loss_surface(
                *grid_wbz, trajectory=upto, ax=axes[1, column], colorbar=column == len(chosen) - 1
            )
            if column:
                axes[1, column].set_ylabel("")
                axes[1, column].get_legend().remove()
    return fig


# --------------------------------------------------------------------------
# Training results
# --------------------------------------------------------------------------
_METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


def _curve(item: object, name: str, per: str, metric: str) -> np.ndarray:
    if hasattr(item, "epoch_loss") and hasattr(item, "step_loss"):  # a History
        if per == "step":
            if metric != "loss":
                raise ValueError(f"per='step' is recorded for the loss only; got metric={metric!r}")
            values = item.step_loss
        else:
            values = getattr(
                item, {"loss": "epoch_loss", "accuracy": "epoch_accuracy"}.get(metric, metric)
            )
    else:
        values = item
    array = _to_numpy(values, name).astype(np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{name} must be a History or a non-empty 1-D sequence of values; "
            f"got shape {array.shape}" + (" (was the metric recorded?)" if array.size == 0 else "")
        )
    return array


def plot_loss_curves(
    curves,
    *,
    labels: Sequence[str] | None = None,
    per: str = "epoch",
    metric: str = "loss",
    log: bool = False,
    ylabel: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Loss (or accuracy) curves of one or several training runs, labelled.

    Parameters
    ----------
    curves : History, sequence of float, list of those, or dict
        One run (a :class:`lrkit.training.History` or a sequence of values),
        a list of runs, a 2-D array (one run per row), or a dict
        ``label -> run``.
    labels : sequence of str, default=None
        One label per run; the keys of a dict by default. Several runs
        without labels are called ``"run 0"``, ``"run 1"``, ...
    per : {"epoch", "step"}, default="epoch"
        For a History: ``epoch_loss`` or ``step_loss``. Sequences are drawn as given.
    metric : {"loss", "accuracy", "val_loss", "val_accuracy"}, default="loss"
        Which record of a History to draw.
    log : bool, default=False
        A logarithmic vertical axis; values of zero (a loss that underflowed)
        are left out of the drawing.
    ylabel : str, default=None
        ``None`` uses the name of ``metric``.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; ``None`` creates a figure.

    Returns
    -------
    matplotlib.axes.Axes
        One line per run; entry ``k`` of a run is drawn at ``x = k`` (epoch or
        step 0 is the first one).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from lrkit.plotting import plot_loss_curves
    >>> ax = plot_loss_curves({"SGD": [0.7, 0.5, 0.4], "Adam": [0.7, 0.3, 0.1]}, log=True)
    >>> [line.get_label() for line in ax.get_lines()], ax.get_yscale()
    (['SGD', 'Adam'], 'log')
    >>> plt.close(ax.figure)
    """
    per = check_choice(per, "per", ("epoch", "step"))
    metric = check_choice(metric, "metric", _METRICS)
    if not isinstance(log, bool):
        raise TypeError(f"log must be True or False; got {_describe(log)}")
    if isinstance(curves, Mapping):
        if not curves:
            raise ValueError("curves must hold at least one run; got an empty dict")
        names = [str(key) for key in curves]
        runs = list(curves.values())
    else:
        if isinstance(curves, torch.Tensor | np.ndarray) and curves.ndim == 2:
            runs = list(curves)
        elif (
            isinstance(curves, list | tuple)
            and curves
            and not all(
                isinstance(v, numbers.Real) or (isinstance(v, torch.Tensor) and v.numel() == 1)
                for v in curves
            )
        ):
            runs = list(curves)
        else:
            runs = [curves]
        names = None
    if labels is not None:
        names = [str(label) for label in labels]
        if len(names) != len(runs):
            raise ValueError(f"labels must name each of the {len(runs)} runs; got {len(names)}")
    arrays = [_curve(run, f"curves[{k}]", per, metric) for k, run in enumerate(runs)]
    if names is None and len(runs) > 1:
        names = [f"run {k}" for k in range(len(runs))]
    ax = _axes(ax)
    for k, values in enumerate(arrays):
        ax.plot(
            np.arange(values.size),
            values,
            color=CLASS_COLORS[k % len(CLASS_COLORS)],
            linewidth=LINE_WIDTH,
            label=names[k] if names else "_run",
        )
    if log:
        ax.set_yscale("log")
    return _finish(
        ax,
        xlabel=per,
        ylabel=ylabel if ylabel is not None else metric.replace("_", " "),
        legend=names is not None,
    )


def plot_predictions(
    X,
    y_true,
    y_pred,
    *,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Points coloured by their predicted class, with the wrong ones ringed.

    Parameters
    ----------
    X : tensor-like of shape (n_samples, 2) or (n_samples, 1)
        Two features are drawn as :math:`(x_1, x_2)`; one feature against
        the true label.
    y_true, y_pred : tensor-like of shape (n_samples,) or (n_samples, 1)
        True and predicted class indices (``model.predict(X)`` is fine).
    class_names : sequence of str, default=None
    ax : matplotlib.axes.Axes, default=None
        Where to draw; ``None`` creates a figure.

    Returns
    -------
    matplotlib.axes.Axes
        The legend counts the wrong predictions.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from lrkit.plotting import plot_predictions
    >>> ax = plot_predictions([[0, 0], [1, 1], [2, 2]], [0, 1, 1], [0, 1, 0])
    >>> ax.get_legend().get_texts()[-1].get_text()
    'wrong: 1 of 3'
    >>> plt.close(ax.figure)
    """
    X = _features(X, "X", (1, 2))
    true = _class_indices(_labels(y_true, "y_true", X.shape[0]), "y_true", None)
    pred = _class_indices(_labels(y_pred, "y_pred", X.shape[0]), "y_pred", None)
    n_classes = int(max(true.max(), pred.max())) + 1
    names = [f"predicted {name}" for name in _names(class_names, n_classes)]
    x1 = X[:, 0]
    x2 = X[:, 1] if X.shape[1] == 2 else true.astype(np.float64)
    wrong = true != pred
    ax = _axes(ax)
    _scatter_classes(ax, x1, x2, pred, names)
    ax.scatter(
        x1[wrong],
        x2[wrong],
        s=MARKER_SIZE * 4,
        facecolors="none",
        edgecolors="black",
        linewidths=1.2,
        zorder=4,
        label=f"wrong: {int(wrong.sum())} of {wrong.size}",
    )
    if X.shape[1] == 2:
        return _finish(ax, xlabel="$x_1$", ylabel="$x_2$", legend=True)
    return _finish(ax, xlabel="x", ylabel="true class", legend=True)


def plot_accuracy_boxes(
    results: Mapping[str, Sequence[float]],
    *,
    jitter: float = 0.08,
    seed: int = 0,
    ylabel: str = "accuracy",
    ax: Axes | None = None,
) -> Axes:
    """One box per setting, with every run's accuracy as a jittered point on top.

    Parameters
    ----------
    results : dict of str to sequence of float
        For each label (a loss, an optimizer, ...), the accuracies of its runs.
    jitter : float, default=0.08
        Half-width of the random horizontal spread of the points.
    seed : int, default=0
        Seed of the spread, so the figure is the same on every build.
    ylabel : str, default="accuracy"
    ax : matplotlib.axes.Axes, default=None
        Where to draw; ``None`` creates a figure.

    Returns
    -------
    matplotlib.axes.Axes
        One box patch per label, in the order of ``results``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from lrkit.plotting import plot_accuracy_boxes
    >>> ax = plot_accuracy_boxes({"MSE": [0.61, 0.55, 0.70], "CE": [0.74, 0.75, 0.73]})
    >>> len(ax.patches), [t.get_text() for t in ax.get_xticklabels()]
    (2, ['MSE', 'CE'])
    >>> plt.close(ax.figure)
    """
    if not isinstance(results, Mapping):
        raise TypeError(f"results must be a dict label -> accuracies; got {_describe(results)}")
    if not results:
        raise ValueError("results must hold at least one label; got an empty dict")
    data = []
    for label, values in results.items():
        array = _to_numpy(values, f"results[{label!r}]").astype(np.float64)
        if array.ndim != 1 or array.size == 0:
            raise ValueError(
                f"results[{label!r}] must be a non-empty 1-D sequence of accuracies; "
                f"got shape {array.shape}"
            )
        data.append(array)
    jitter = _scalar(jitter, "jitter")
    if jitter < 0:
        raise ValueError(f"jitter must be non-negative; got {jitter}")
    labels = [str(label) for label in results]
    rng = np.random.default_rng(seed)
    ax = _axes(ax)
    positions = np.arange(1, len(data) + 1)
    boxes = ax.boxplot(
        data,
        positions=positions,
        patch_artist=True,
        widths=0.5,
        showfliers=False,  # every point is drawn on top anyway
        medianprops={"color": "black", "linewidth": 1.5},
    )
    ax.set_xticks(positions, labels)  # set here: the boxplot keyword was renamed in 3.9
    for k, patch in enumerate(boxes["boxes"]):
        patch.set_facecolor(CLASS_COLORS[k % len(CLASS_COLORS)])
        patch.set_alpha(0.35)
    for k, values in enumerate(data):
        offsets = rng.uniform(-jitter, jitter, size=values.size)
        ax.scatter(
            k + 1 + offsets,
            values,
            s=MARKER_SIZE * 0.7,
            color="black",
            alpha=0.7,
            zorder=3,
            linewidths=0,
        )
    return _finish(ax, ylabel=ylabel)


def plot_confusion_matrix(
    y_true,
    y_pred,
    *,
    labels: Sequence | None = None,
    display_labels: Sequence[str] | None = None,
    normalize: str | None = None,
    colorbar: bool = False,
    ax: Axes | None = None,
) -> Axes:
    r"""The confusion matrix: how often each true class got each prediction.

    .. math::

        C_{ij} = \#\{k : y_k = i,\ \hat y_k = j\}

    Built on :class:`sklearn.metrics.ConfusionMatrixDisplay`, in
    :data:`SEQUENTIAL_CMAP`. Rows are true classes, columns predictions.

    Parameters
    ----------
    y_true, y_pred : tensor-like of shape (n_samples,) or (n_samples, 1)
        True and predicted class labels.
    labels : sequence, default=None
        The classes to show, in order; ``None`` takes those present.
    display_labels : sequence of str, default=None
        Tick labels; ``None`` uses ``labels``.
    normalize : {"true", "pred", "all"}, default=None
        Show fractions of each row, column or of everything instead of counts.
    colorbar : bool, default=False
    ax : matplotlib.axes.Axes, default=None
        Where to draw; ``None`` creates a figure.

    Returns
    -------
    matplotlib.axes.Axes
        Its image holds the matrix.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from lrkit.plotting import plot_confusion_matrix
    >>> ax = plot_confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0])
    >>> ax.images[0].get_array().tolist()
    [[1, 1], [1, 2]]
    >>> plt.close(ax.figure)
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    true = _labels(y_true, "y_true")
    pred = _labels(y_pred, "y_pred", true.shape[0])
    if normalize is not None:
        normalize = check_choice(normalize, "normalize", ("true", "pred", "all"))
    ax = _axes(ax)
    ConfusionMatrixDisplay.from_predictions(
        true,
        pred,
        labels=labels,
        display_labels=display_labels,
        normalize=normalize,
        cmap=SEQUENTIAL_CMAP,
        colorbar=colorbar,
        values_format=".2f" if normalize else "d",
        ax=ax,
    )
    return _finish(ax, xlabel="predicted class", ylabel="true class", grid=False)
