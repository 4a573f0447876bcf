"""lrkit.plotting: what each figure draws, checked against the analytic curves,
scikit-learn and lrkit.surfaces; inputs as tensors, arrays and lists; errors."""

from __future__ import annotations

import doctest

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.metrics import confusion_matrix

import lrkit
from lrkit import plotting
from lrkit.plotting import (
    CLASS_COLORS,
    OKABE_ITO,
    RC_PARAMS,
    plot_accuracy_boxes,
    plot_confusion_matrix,
    plot_data_space,
    plot_decision_boundary,
    plot_loss_curves,
    plot_loss_surface,
    plot_points,
    plot_predictions,
    plot_sigmoid_2d,
    plot_sigmoids,
    plot_training_snapshots,
    style,
)
from lrkit.surfaces import grid, loss_surface, trajectory
from lrkit.training import History


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _collection(ax, kind):
    return [c for c in ax.collections if isinstance(c, kind)]


def _contour_vertices(ax):
    (contours,) = _collection(ax, ContourSet)
    vertices = np.concatenate([path.vertices for path in contours.get_paths()])
    return contours, vertices


def _linear_model(weights, bias, n_classes=1):
    """An lrkit model with known parameters, in float64."""
    if n_classes == 1:
        model = lrkit.LogisticRegression(2, device="cpu", dtype=torch.float64)
    else:
        model = lrkit.SoftmaxRegression(2, n_classes, device="cpu", dtype=torch.float64)
    with torch.no_grad():
        model.linear.weight.copy_(torch.as_tensor(np.asarray(weights), dtype=torch.float64))
        model.linear.bias.copy_(torch.as_tensor(bias, dtype=torch.float64))
    return model


class TensorEstimator:
    """A scikit-learn style estimator whose predict_proba returns a torch tensor
    of shape (n, 2), with labels -1 and 1, as an estimator computed in torch may."""

    def __init__(self, w, b):
        self.coef_ = np.asarray(w, dtype=np.float64)
        self.intercept_ = float(b)
        self.classes_ = torch.tensor([-1, 1])

    def predict_proba(self, X):
        assert isinstance(X, np.ndarray)  # estimators receive numpy arrays
        z = torch.as_tensor(X @ self.coef_ + self.intercept_)  # (n,)
        p = torch.sigmoid(z)
        return torch.stack([1 - p, p], dim=1)  # (n, 2)


# --------------------------------------------------------------------------
# Style
# --------------------------------------------------------------------------
def test_palette_is_okabe_ito_and_style_is_scoped():
    assert set(CLASS_COLORS) == set(OKABE_ITO.values())
    assert CLASS_COLORS[:2] == (OKABE_ITO["blue"], OKABE_ITO["vermillion"])
    before = dict(matplotlib.rcParams)
    with style():
        assert matplotlib.rcParams["axes.grid"] is True
        assert tuple(matplotlib.rcParams["figure.figsize"]) == RC_PARAMS["figure.figsize"]
    assert dict(matplotlib.rcParams) == before
    # A figure created by a plotting function uses the house style.
    ax = plot_sigmoids()
    assert tuple(ax.figure.get_size_inches()) == RC_PARAMS["figure.figsize"]
    assert ax.xaxis.label.get_fontsize() == plotting.FONT_SIZES["label"]


def test_given_axes_are_used_and_bad_axes_rejected():
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_sigmoids(ax=right) is right
    assert not left.lines and right.lines
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None; got Figure"):
        plot_sigmoids(ax=fig)
    with pytest.raises(ValueError, match="ax must be a 3-D Axes"):
        plot_sigmoid_2d(kind="surface", ax=left)


# --------------------------------------------------------------------------
# Sigmoids
# --------------------------------------------------------------------------
def test_sigmoid_curves_are_the_sigmoid_of_w_x_plus_b():
    ax = plot_sigmoids()
    assert isinstance(ax, Axes)
    lines = {line.get_label(): line for line in ax.get_lines()}
    for w, b in [(1, 5), (5, 5), (1, 0)]:
        line = lines[f"w = {w}, b = {b}"]
        x = line.get_xdata()
        assert x[0] == -10 and x[-1] == 10
        np.testing.assert_allclose(line.get_ydata(), sigmoid(w * x + b), rtol=1e-12, atol=1e-15)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "w = 1, b = 5",
        "w = 5, b = 5",
        "w = 1, b = 0",
    ]


def test_sigmoid_curves_accept_tensors():
    x = torch.linspace(-2, 2, 9)
    ax = plot_sigmoids([(torch.tensor(2.0), np.float64(-1.0))], x=x)
    line = ax.get_lines()[0]
    assert line.get_label() == "w = 2, b = -1"
    np.testing.assert_allclose(line.get_xdata(), x.double().numpy())
    np.testing.assert_allclose(line.get_ydata(), sigmoid(2 * x.double().numpy() - 1), rtol=1e-12)


@pytest.mark.parametrize(
    ("params", "x", "error", "match"),
    [
        (5.0, None, TypeError, "params must be a non-empty sequence"),
        ([], None, TypeError, "params must be a non-empty sequence"),
        ([(1, 2, 3)], None, TypeError, r"params\[0\] must be a pair"),
        ([(1, float("nan"))], None, ValueError, r"params\[0\]\[1\] must be finite"),
        ([(1, "b")], None, TypeError, r"params\[0\]\[1\] must be a real number"),
        ([(1, 0)], np.zeros((3, 3)), ValueError, "x must be 1-D"),
    ],
)
def test_sigmoid_curves_errors(params, x, error, match):
    with pytest.raises(error, match=match):
        plot_sigmoids(params, x=x)


def test_sigmoid_2d_map_and_its_boundary():
    w1, w2, b = 1.5, -2.0, 1.0
    ax = plot_sigmoid_2d(torch.tensor([w1, w2]), b, limits=(-4, 4), n=21)
    (mesh,) = _collection(ax, QuadMesh)
    axis = np.linspace(-4, 4, 21)
    G1, G2 = np.meshgrid(axis, axis)
    np.testing.assert_allclose(
        np.asarray(mesh.get_array()).reshape(21, 21), sigmoid(w1 * G1 + w2 * G2 + b), rtol=1e-12
    )
    (line,) = ax.get_lines()
    x1, x2 = line.get_xdata(), line.get_ydata()
    np.testing.assert_allclose(w1 * x1 + w2 * x2 + b, 0.0, atol=1e-12)
    assert len(ax.figure.axes) == 2  # the map and its colour bar


def test_sigmoid_2d_special_boundaries_and_surface():
    (line,) = plot_sigmoid_2d((2.0, 0.0), 1.0).get_lines()  # vertical: x1 = -0.5
    np.testing.assert_allclose(line.get_xdata(), -0.5)
    assert plot_sigmoid_2d((0.0, 0.0), 1.0).get_lines() == []  # constant: no boundary
    ax = plot_sigmoid_2d((1.0, 2.0), 0.0, kind="surface", n=11)
    assert ax.name == "3d" and len(ax.collections) == 1
    with pytest.raises(ValueError, match="kind must be one of"):
        plot_sigmoid_2d(kind="wireframe")
    with pytest.raises(ValueError, match="w must hold two weights"):
        plot_sigmoid_2d((1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="limits must be finite with low < high"):
        plot_sigmoid_2d(limits=(3, -3))


# --------------------------------------------------------------------------
# Points and decision boundaries
# --------------------------------------------------------------------------
def test_points_are_coloured_by_class():
    X, y = lrkit.data.two_gaussians(30, device="cpu")
    ax = plot_points(X, y, class_names=["no", "yes"])
    scatters = _collection(ax, PathCollection)
    assert [s.get_label() for s in scatters] == ["no", "yes"]
    for k, s in enumerate(scatters):
        np.testing.assert_allclose(s.get_offsets(), X[y[:, 0] == k].double().numpy())
        np.testing.assert_allclose(
            s.get_facecolor()[0][:3], matplotlib.colors.to_rgb(CLASS_COLORS[k])
        )
    with pytest.raises(ValueError, match="class_names must name every class"):
        plot_points(X, y, class_names=["only one"])
    with pytest.raises(ValueError, match="same number of samples"):
        plot_points(X, y[:-1])
    with pytest.raises(
        ValueError, match=r"X must be of shape \(n_samples, 1\) or \(n_samples, 2\)"
    ):
        plot_points(torch.zeros(5, 3), torch.zeros(5))
    with pytest.raises(ValueError, match="integer class labels"):
        plot_points(X, y * 0.5)


def test_decision_boundary_of_lrkit_logistic_model_is_the_analytic_line():
    w, b = np.array([1.0, 2.0]), -1.0
    model = _linear_model([w], [b])
    X = torch.tensor([[-2.0, -2.0], [2.0, 2.0], [0.0, 1.0], [1.0, -1.0]], dtype=torch.float64)
    y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    n = 101
    ax = plot_decision_boundary(model, X, y, resolution=n, limits=((-3, 3), (-3, 3)))
    assert isinstance(ax, Axes)
    # The probability map is sigmoid(w . x + b) on the grid.
    axis = np.linspace(-3, 3, n)
    G1, G2 = np.meshgrid(axis, axis)
    (mesh,) = _collection(ax, QuadMesh)
    np.testing.assert_allclose(
        np.asarray(mesh.get_array()).reshape(n, n), sigmoid(w[0] * G1 + w[1] * G2 + b), rtol=1e-12
    )
    # The p = 0.5 contour lies on w . x + b = 0, within the grid's resolution.
    contours, vertices = _contour_vertices(ax)
    assert list(contours.levels) == [0.5]
    assert len(vertices) > 10
    distance = np.abs(vertices @ w + b) / np.linalg.norm(w)
    assert distance.max() <= axis[1] - axis[0]
    # It crosses the whole window: from x1 = -3 to 3 along x2 = (1 - x1) / 2.
    assert vertices[:, 0].min() == pytest.approx(-3) and vertices[:, 0].max() == pytest.approx(3)
    # The points, by class.
    scatters = _collection(ax, PathCollection)
    assert [s.get_label() for s in scatters] == ["class 0", "class 1"]
    np.testing.assert_allclose(scatters[1].get_offsets(), X[[1, 2]].numpy())


def test_decision_boundary_of_sklearn_logistic_regression():
    X, y = lrkit.data.two_gaussians(100, device="cpu")
    clf = SkLogisticRegression().fit(X.numpy(), y.numpy().ravel())
    n = 80
    ax = plot_decision_boundary(clf, X.numpy(), y.numpy().ravel(), resolution=n)
    (x1_low, x1_high), (x2_low, x2_high) = ax.get_xlim(), ax.get_ylim()
    assert x1_low < float(X[:, 0].min()) and x2_high > float(X[:, 1].max())
    spacing = max((x1_high - x1_low), (x2_high - x2_low)) / (n - 1)
    _, vertices = _contour_vertices(ax)
    w, b = clf.coef_[0], clf.intercept_[0]
    assert (np.abs(vertices @ w + b) / np.linalg.norm(w)).max() <= spacing
    assert ax.figure.axes[1].get_ylabel() == "P(class 1 | x)"


def test_decision_boundary_of_lrkit_estimators():
    X, y = lrkit.data.two_gaussians(100, device="cpu")
    n, limits = 60, ((-3.0, 5.0), (-3.0, 5.0))
    spacing = 8 / (n - 1)
    logistic = lrkit.LogisticRegressionClassifier().fit(X, y)
    generative = lrkit.GaussianGenerativeClassifier(covariance="shared").fit(X, y)
    lines = [
        (logistic, logistic.coef_[0], logistic.intercept_[0]),
        (generative, *generative.to_logistic()),
    ]
    for estimator, w, b in lines:
        ax = plot_decision_boundary(estimator, X, y, resolution=n, limits=limits)
        w, b = np.asarray(w, dtype=float).ravel(), float(np.asarray(b).ravel()[0])
        _, vertices = _contour_vertices(ax)
        assert (np.abs(vertices @ w + b) / np.linalg.norm(w)).max() <= spacing
    # Three classes: the regions are the estimator's own predictions.
    Xb, yb = lrkit.data.bands(3, n_points=30, device="cpu")
    multi = lrkit.LogisticRegressionClassifier().fit(Xb, yb)
    ax = plot_decision_boundary(multi, Xb, yb, resolution=30, limits=((0, 1), (-0.5, 1.5)))
    G1, G2 = np.meshgrid(np.linspace(0, 1, 30), np.linspace(-0.5, 1.5, 30))
    expected = np.asarray(multi.predict(np.column_stack([G1.ravel(), G2.ravel()])))
    (mesh,) = _collection(ax, QuadMesh)
    np.testing.assert_array_equal(np.asarray(mesh.get_array()).ravel(), expected.ravel())


def test_decision_boundary_of_a_tensor_returning_estimator_with_other_labels():
    est = TensorEstimator([1.0, -1.0], 0.5)
    X = [[0.0, 2.0], [2.0, 0.0], [1.0, 3.0]]
    y = torch.tensor([-1, 1, -1])
    ax = plot_decision_boundary(est, X, y, resolution=40, limits=((-1, 3), (-1, 4)))
    scatters = _collection(ax, PathCollection)
    assert [s.get_label() for s in scatters] == ["class -1", "class 1"]
    np.testing.assert_allclose(scatters[0].get_offsets(), [[0.0, 2.0], [1.0, 3.0]])
    _, vertices = _contour_vertices(ax)
    spacing = 5 / 39
    assert (np.abs(vertices @ est.coef_ + 0.5) / np.sqrt(2)).max() <= spacing
    with pytest.raises(ValueError, match=r"labels \[0\] that are not among the model's classes"):
        plot_decision_boundary(est, X, [0, 1, 1], resolution=10)


def test_class_regions_of_a_softmax_model_are_the_argmax():
    W = np.array([[1.0, 0.0], [-0.5, 1.0], [-0.5, -1.0]])
    bias = np.array([0.0, 0.3, -0.2])
    model = _linear_model(W, bias, n_classes=3)
    X, y = torch.tensor([[1.0, 0.0], [-1.0, 1.0], [-1.0, -1.0]]), torch.tensor([0, 1, 2])
    n = 50
    ax = plot_decision_boundary(model, X, y, resolution=n, limits=((-2, 2), (-2, 2)))
    axis = np.linspace(-2, 2, n)
    G1, G2 = np.meshgrid(axis, axis)
    expected = (np.stack([G1.ravel(), G2.ravel()], 1) @ W.T + bias).argmax(1)
    (mesh,) = _collection(ax, QuadMesh)
    np.testing.assert_array_equal(np.asarray(mesh.get_array()).ravel(), expected)
    assert set(expected) == {0, 1, 2}
    assert _collection(ax, ContourSet) == []
    assert [s.get_label() for s in _collection(ax, PathCollection)] == [
        "class 0",
        "class 1",
        "class 2",
    ]


def test_class_regions_of_sklearn_multinomial_match_its_predictions():
    X, y = lrkit.data.bands(3, n_points=30, device="cpu")
    clf = SkLogisticRegression().fit(X.numpy(), y.numpy())
    n = 40
    limits = ((0.0, 1.0), (-0.5, 1.5))
    ax = plot_decision_boundary(clf, X, y, resolution=n, limits=limits)
    G1, G2 = np.meshgrid(np.linspace(0, 1, n), np.linspace(-0.5, 1.5, n))
    expected = clf.predict(np.column_stack([G1.ravel(), G2.ravel()]))
    (mesh,) = _collection(ax, QuadMesh)
    np.testing.assert_array_equal(np.asarray(mesh.get_array()).ravel(), expected)


def test_decision_boundary_errors():
    X = torch.zeros(4, 2)
    with pytest.raises(TypeError, match="model must have a predict_proba method"):
        plot_decision_boundary(torch.nn.Linear(2, 1), X)
    model = _linear_model([[1.0, 1.0]], [0.0])
    with pytest.raises(ValueError, match=r"X must be of shape \(n_samples, 2\)"):
        plot_decision_boundary(model, torch.zeros(4, 3))
    with pytest.raises(ValueError, match="probabilities for 2 classes"):
        plot_decision_boundary(model, X, [0, 1, 2, 5], resolution=5)
    with pytest.raises(ValueError, match="resolution must be at least 2"):
        plot_decision_boundary(model, X, resolution=1)
    with pytest.raises(TypeError, match="limits must be"):
        plot_decision_boundary(model, X, limits=5)

    class Broken:
        def predict_proba(self, X):
            return np.zeros((3, 2, 2))

    with pytest.raises(ValueError, match="predict_proba must return shape"):
        plot_decision_boundary(Broken(), X, resolution=5)


# --------------------------------------------------------------------------
# Loss surfaces and data space
# --------------------------------------------------------------------------
@pytest.fixture
def step_surface():
    X, y = lrkit.data.step_data(device="cpu")
    w, b = grid(15, 13, n=60, device="cpu")
    return X, y, w, b, loss_surface(X, y, w, b, device="cpu")


def test_loss_contours_follow_the_surface(step_surface):
    X, y, w, b, Z = step_surface
    path = trajectory(([-5.0, 0.0, 4.0], [-10.0, -3.0, -1.0]), X, y, device="cpu")
    ax = plot_loss_surface(w, b, Z, trajectory=path, levels=8)
    contours, _ = _contour_vertices(ax)
    assert 4 <= len(contours.levels) <= 10
    # Every contour vertex (w, b) has a loss equal to its level, up to interpolation.
    for level, line in zip(contours.levels, contours.get_paths(), strict=True):
        if len(line.vertices) == 0:
            continue
        at = trajectory((line.vertices[:, 0], line.vertices[:, 1]), X, y, device="cpu").loss
        np.testing.assert_allclose(at.numpy(), level, rtol=0.02, atol=0.02)
    # The path: a line through its points, a start and an end marker.
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_xdata(), path.w.numpy())
    np.testing.assert_allclose(line.get_ydata(), path.b.numpy())
    labels = [s.get_label() for s in _collection(ax, PathCollection)]
    assert labels == ["start", "end"]
    assert ax.get_xlim() == (-15, 15) and ax.get_ylim() == (-13, 13)


def test_loss_surface_in_3d_with_path(step_surface):
    X, y, w, b, Z = step_surface
    path = trajectory(([-5.0, 0.0, 4.0], [-10.0, -3.0, -1.0]), X, y, device="cpu")
    ax = plot_loss_surface(w, b, Z, kind="surface", trajectory=path)
    assert ax.name == "3d"
    (line,) = ax.get_lines()
    xs, _, zs = line.get_data_3d()
    np.testing.assert_allclose(zs, path.loss.numpy())
    np.testing.assert_allclose(xs, path.w.numpy())
    with pytest.raises(ValueError, match="trajectory must include the losses"):
        plot_loss_surface(w, b, Z, kind="surface", trajectory=(path.w, path.b))


def test_loss_surface_errors(step_surface):
    _, _, w, b, Z = step_surface
    with pytest.raises(ValueError, match=r"Z must be of shape \(len\(b\), len\(w\)\)"):
        plot_loss_surface(w, b[:-1], Z)
    with pytest.raises(ValueError, match="kind must be one of"):
        plot_loss_surface(w, b, Z, kind="3d")
    with pytest.raises(TypeError, match=r"trajectory must be a lrkit\.surfaces\.Trajectory"):
        plot_loss_surface(w, b, Z, trajectory=[1.0, 2.0])
    with pytest.raises(ValueError, match="one length"):
        plot_loss_surface(w, b, Z, trajectory=([1.0, 2.0], [1.0]))
    with pytest.raises(ValueError, match="Z must be finite"):
        plot_loss_surface(w, b, Z * float("nan"))


def test_data_space_draws_sigmoid_line_and_points():
    X, y = lrkit.data.step_data(device="cpu")
    ax = plot_data_space(X, y, torch.tensor([[-5.0]]), torch.tensor([-10.0]))
    sig, line = ax.get_lines()
    xs = sig.get_xdata()
    assert xs.min() < float(X.min()) and xs.max() > float(X.max())
    np.testing.assert_allclose(sig.get_ydata(), sigmoid(-5 * xs - 10), rtol=1e-12)
    np.testing.assert_allclose(line.get_ydata(), -5 * xs - 10, rtol=1e-12)
    points = np.concatenate([s.get_offsets() for s in _collection(ax, PathCollection)])
    expected = np.column_stack([X[:, 0].double().numpy(), y[:, 0].double().numpy()])
    np.testing.assert_allclose(points[np.lexsort(points.T[::-1])], expected)
    assert ax.get_title() == "w = -5, b = -10"
    assert len(plot_data_space(X[:, 0], y[:, 0].tolist(), 1.0, 0.0, line=False).get_lines()) == 1
    with pytest.raises(ValueError, match=r"X must be of shape \(n_samples, 1\)"):
        plot_data_space(torch.zeros(4, 2), [0, 1, 0, 1], 1.0, 0.0)
    with pytest.raises(ValueError, match="w must be a single number"):
        plot_data_space(X, y, torch.zeros(2), 0.0)


def test_training_snapshots_show_each_chosen_step(step_surface):
    X, y, w, b, Z = step_surface
    path = trajectory(([-5.0, -1.0, 2.0, 6.0], [-10.0, -6.0, -1.0, -1.5]), X, y, device="cpu")
    fig = plot_training_snapshots(X, y, path, [0, 2, -1], surface=(w, b, Z))
    assert isinstance(fig, Figure)
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title().split(":")[0] for ax in axes] == ["step 0", "step 2", "step 3"]
    for ax, step in zip(axes, [0, 2, 3], strict=True):
        sig = ax.get_lines()[0]
        expected = sigmoid(path.w[step].item() * sig.get_xdata() + path.b[step].item())
        np.testing.assert_allclose(sig.get_ydata(), expected, rtol=1e-12)
    contour_axes = [ax for ax in fig.axes if _collection(ax, ContourSet)]
    assert len(contour_axes) == 3
    # The path drawn under step k has k + 1 points.
    assert [len(ax.get_lines()[0].get_xdata()) for ax in contour_axes] == [1, 3, 4]
    only_data = plot_training_snapshots(X, y, (path.w, path.b), [1])
    assert len(only_data.axes) == 1
    with pytest.raises(ValueError, match="steps must index the trajectory's 4 points"):
        plot_training_snapshots(X, y, path, [4])
    with pytest.raises(TypeError, match="steps must hold integers"):
        plot_training_snapshots(X, y, path, [1.5])


# --------------------------------------------------------------------------
# Training results
# --------------------------------------------------------------------------
@pytest.fixture
def histories():
    """Two runs of 20 epochs of 2 steps each, as lrkit.train records them."""
    rng = np.random.default_rng(1)
    runs = {}
    for name, rate in (("lr 0.1", 0.05), ("lr 1", 0.2)):
        step_loss = (0.7 * np.exp(-rate * np.arange(40)) + 0.01 * rng.random(40)).tolist()
        runs[name] = History(
            step_loss=step_loss,
            epoch_loss=[(a + b) / 2 for a, b in zip(step_loss[::2], step_loss[1::2], strict=True)],
            epoch_accuracy=np.linspace(0.5, 1.0, 20).tolist(),
        )
    return runs


def test_loss_curves_of_histories(histories):
    ax = plot_loss_curves(histories)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["lr 0.1", "lr 1"]
    for line, history in zip(lines, histories.values(), strict=True):
        np.testing.assert_allclose(line.get_ydata(), history.epoch_loss)
        np.testing.assert_array_equal(line.get_xdata(), np.arange(20))
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    ax = plot_loss_curves(list(histories.values()), per="step", log=True)
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["run 0", "run 1"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), histories["lr 1"].step_loss)
    assert ax.get_xlabel() == "step"
    ax = plot_loss_curves(histories["lr 1"], metric="accuracy")
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), histories["lr 1"].epoch_accuracy)
    assert ax.get_legend() is None and ax.get_ylabel() == "accuracy"


def test_loss_curves_of_lists_arrays_and_tensors():
    ax = plot_loss_curves([0.9, 0.5, 0.2])
    assert len(ax.get_lines()) == 1 and ax.get_legend() is None
    ax = plot_loss_curves(torch.tensor([[3.0, 2.0], [1.0, 0.5]]), labels=["a", "b"])
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [1.0, 0.5])
    ax = plot_loss_curves([np.array([1.0, 0.5]), [0.7, 0.6, 0.2]], labels=["x", "y"])
    assert [len(line.get_xdata()) for line in ax.get_lines()] == [2, 3]


def test_loss_curves_errors(histories):
    with pytest.raises(ValueError, match="per='step' is recorded for the loss only"):
        plot_loss_curves(histories, per="step", metric="accuracy")
    with pytest.raises(ValueError, match="labels must name each of the 2 runs"):
        plot_loss_curves(histories, labels=["one"])
    with pytest.raises(ValueError, match="was the metric recorded"):
        plot_loss_curves(histories, metric="val_loss")
    with pytest.raises(ValueError, match="empty dict"):
        plot_loss_curves({})
    with pytest.raises(ValueError, match="metric must be one of"):
        plot_loss_curves([1.0], metric="f1")
    with pytest.raises(TypeError, match="log must be True or False"):
        plot_loss_curves([1.0], log="yes")


def test_predictions_are_coloured_by_prediction_and_wrong_ones_ringed():
    X = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 2.0]])
    y_true = torch.tensor([[0], [1], [1], [0], [2]])
    y_pred = np.array([0, 1, 0, 0, 1])
    ax = plot_predictions(X, y_true, y_pred)
    by_label = {s.get_label(): s for s in _collection(ax, PathCollection)}
    np.testing.assert_allclose(by_label["predicted class 0"].get_offsets(), X[[0, 2, 3]].numpy())
    np.testing.assert_allclose(by_label["predicted class 1"].get_offsets(), X[[1, 4]].numpy())
    assert "predicted class 2" not in by_label  # nothing was predicted as 2
    np.testing.assert_allclose(by_label["wrong: 2 of 5"].get_offsets(), X[[2, 4]].numpy())
    # One feature: drawn against the true class.
    ax = plot_predictions([0.1, 0.5, 0.9], [0, 1, 1], [0, 0, 1])
    wrong = [s for s in _collection(ax, PathCollection) if s.get_label().startswith("wrong")]
    np.testing.assert_allclose(wrong[0].get_offsets(), [[0.5, 1.0]])
    with pytest.raises(ValueError, match="same number of samples"):
        plot_predictions(X, y_true, y_pred[:3])


def test_accuracy_boxes_one_box_per_label_with_every_point():
    results = {"MSE": [0.6, 0.55, 0.7, 0.5], "CE": np.array([0.74, 0.75]), "both": torch.ones(3)}
    ax = plot_accuracy_boxes(results, jitter=0.1)
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_xticklabels()] == ["MSE", "CE", "both"]
    points = _collection(ax, PathCollection)
    assert len(points) == 3
    for k, (values, scatter) in enumerate(zip(results.values(), points, strict=True)):
        offsets = scatter.get_offsets()
        np.testing.assert_allclose(offsets[:, 1], np.asarray(values, dtype=float))
        assert np.all(np.abs(offsets[:, 0] - (k + 1)) <= 0.1)
    again = plot_accuracy_boxes(results, jitter=0.1)
    np.testing.assert_array_equal(
        _collection(again, PathCollection)[0].get_offsets(), points[0].get_offsets()
    )
    with pytest.raises(TypeError, match="results must be a dict"):
        plot_accuracy_boxes([0.5, 0.6])
    with pytest.raises(ValueError, match="empty dict"):
        plot_accuracy_boxes({})
    with pytest.raises(ValueError, match=r"results\['a'\] must be a non-empty 1-D"):
        plot_accuracy_boxes({"a": []})


def test_confusion_matrix_counts_equal_sklearn():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 3, size=50)
    y_pred = np.where(rng.random(50) < 0.7, y_true, rng.integers(0, 3, size=50))
    ax = plot_confusion_matrix(torch.tensor(y_true)[:, None], y_pred.tolist())
    expected = confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(ax.images[0].get_array(), expected)
    texts = [int(t.get_text()) for t in ax.texts]
    assert sorted(texts) == sorted(expected.ravel().tolist())
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert ax.images[0].get_cmap().name == plotting.SEQUENTIAL_CMAP.name
    ax = plot_confusion_matrix(y_true, y_pred, normalize="true", display_labels=["a", "b", "c"])
    np.testing.assert_allclose(
        ax.images[0].get_array(), confusion_matrix(y_true, y_pred, normalize="true")
    )
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="normalize must be one of"):
        plot_confusion_matrix(y_true, y_pred, normalize="rows")
    with pytest.raises(ValueError, match="same number of samples"):
        plot_confusion_matrix(y_true, y_pred[:-1])


def test_docstring_examples_run():
    result = doctest.testmod(plotting, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
