"""lrkit.surfaces against the lab's double loop, torch.nn.functional and exact math."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import lrkit
from lrkit import surfaces
from lrkit.surfaces import SURFACE_LOSSES, Trajectory, grid, loss_surface, trajectory

# --------------------------------------------------------------------------
# Reference computations, written the slow and obvious way
# --------------------------------------------------------------------------


def lab_double_loop(x, y, w, b):
    """The lab's surface: one grid point at a time, sigmoid then log(p + 1e-16)."""
    W, B = np.meshgrid(w, b)
    Z = np.zeros(W.shape)
    for i in range(W.shape[0]):
        for j in range(W.shape[1]):
            p = 1 / (1 + np.exp(-1 * (W[i, j] * x + B[i, j])))
            Z[i, j] = -1 * np.mean(y * np.log(p + 1e-16) + (1 - y) * np.log(1 - p + 1e-16))
    return Z


def exact_bce(x, y, w, b):
    """Binary cross-entropy in plain float64 math, through log-sigmoid.

    -log sigmoid(s) = softplus(-s) = max(-s, 0) + log1p(exp(-|s|)), evaluated
    per sample in Python floats: exact to a few ulps for any logit.
    """

    def softplus(s):
        return max(s, 0.0) + math.log1p(math.exp(-abs(s)))

    Z = np.zeros((len(b), len(w)))
    for i, bi in enumerate(b):
        for j, wj in enumerate(w):
            total = 0.0
            for xk, yk in zip(x, y, strict=True):
                z = float(wj) * float(xk) + float(bi)
                total += softplus(-z) if yk == 1 else softplus(z)
            Z[i, j] = total / len(x)
    return Z


def min_true_label_probability(x, y, w, b):
    """Smallest probability the model gives a sample's true class, per grid point."""
    W, B = np.meshgrid(w, b)
    z = W[..., None] * x + B[..., None]  # (n_b, n_w, n)
    signed = np.where(y == 1, z, -z)  # log-probability of the true class is logsigmoid(signed)
    return np.exp(-np.logaddexp(0.0, -signed)).min(axis=-1)


@pytest.fixture
def step():
    X, y = lrkit.data.step_data(device="cpu")  # float32, as in the lab
    return X, y


@pytest.fixture
def lab_grid():
    return grid(15, 13, n=30, device="cpu")


def _numpy_data(X, y):
    return X[:, 0].numpy().astype(np.float64), y[:, 0].numpy().astype(np.float64)


# --------------------------------------------------------------------------
# loss_surface: values
# --------------------------------------------------------------------------
def test_bce_equals_lab_double_loop_where_the_lab_is_not_saturated(step, lab_grid):
    X, y = step
    w, b = lab_grid
    x_np, y_np = _numpy_data(X, y)
    ours = loss_surface(X, y, w, b, loss="bce", device="cpu").numpy()
    lab = lab_double_loop(x_np, y_np, w.numpy(), b.numpy())
    assert ours.shape == lab.shape == (30, 30)
    # The lab's log(p + 1e-16) and 1 - p lose about 1e-16 / q in absolute terms,
    # q the probability of the true class: negligible while every q > 1e-6.
    clean = min_true_label_probability(x_np, y_np, w.numpy(), b.numpy()) > 1e-6
    assert clean.sum() > 150  # a real part of the grid, not a handful of points
    np.testing.assert_allclose(ours[clean], lab[clean], rtol=1e-12, atol=1e-9)


def test_bce_is_exact_where_the_lab_is_not(step, lab_grid):
    X, y = step
    w, b = lab_grid
    x_np, y_np = _numpy_data(X, y)
    ours = loss_surface(X, y, w, b, loss="bce", device="cpu").numpy()
    lab = lab_double_loop(x_np, y_np, w.numpy(), b.numpy())
    exact = exact_bce(x_np, y_np, w.numpy(), b.numpy())
    np.testing.assert_allclose(ours, exact, rtol=1e-13, atol=1e-13)
    # log(q + 1e-16) > log(q): the lab is below the true loss where some
    # sample's true class gets a tiny probability (|z| up to 28 on this grid).
    assert (lab <= exact + 1e-9).all()
    assert (exact - lab).max() > 1e-6


def test_bce_stays_exact_where_the_lab_caps_each_sample_at_36_8(step):
    X, y = step
    w, b = grid(60, 40, n=(12, 10), device="cpu")  # |z| up to 100: q down to 4e-44
    x_np, y_np = _numpy_data(X, y)
    ours = loss_surface(X, y, w, b, loss="bce", device="cpu").numpy()
    lab = lab_double_loop(x_np, y_np, w.numpy(), b.numpy())
    exact = exact_bce(x_np, y_np, w.numpy(), b.numpy())
    np.testing.assert_allclose(ours, exact, rtol=1e-13, atol=1e-13)
    cap = -math.log(1e-16)  # 36.84: the most one sample can cost in the lab's formula
    assert lab.max() <= cap + 1e-9 < ours.max()
    assert (lab <= exact + 1e-9).all()
    assert (exact - lab).max() > 10.0


def test_mse_probs_equals_double_loop_of_squared_error(step, lab_grid):
    X, y = step
    w, b = lab_grid
    x_np, y_np = _numpy_data(X, y)
    expected = np.zeros((len(b), len(w)))
    for i, bi in enumerate(b.numpy()):
        for j, wj in enumerate(w.numpy()):
            p = 1 / (1 + np.exp(-(wj * x_np + bi)))
            expected[i, j] = np.mean((p - y_np) ** 2)
    ours = loss_surface(X, y, w, b, loss="mse_probs", device="cpu").numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


def test_mse_on_raw_outputs_equals_double_loop(step, lab_grid):
    X, y = step
    w, b = lab_grid
    x_np, y_np = _numpy_data(X, y)
    expected = np.array(
        [[np.mean((wj * x_np + bi - y_np) ** 2) for wj in w.numpy()] for bi in b.numpy()]
    )
    ours = loss_surface(X, y, w, b, loss="mse", device="cpu").numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("dtype", "w_range", "rtol"),
    [(torch.float64, 15, 1e-12), (torch.float32, 200, 1e-5)],  # float32: p == 1 exactly, clamps
)
def test_bce_probs_equals_torch_point_by_point(step, dtype, w_range, rtol):
    X, y = step
    w, b = grid(w_range, 13, n=(12, 10), dtype=dtype, device="cpu")
    x = X[:, 0].to(dtype)
    target = y[:, 0].to(dtype)
    expected = torch.empty(len(b), len(w), dtype=dtype)
    for i in range(len(b)):
        for j in range(len(w)):
            probs = torch.sigmoid(w[j] * x + b[i])
            expected[i, j] = F.binary_cross_entropy(probs, target)
    ours = loss_surface(X, y, w, b, loss="bce_probs", device="cpu", dtype=dtype)
    assert ours.dtype == dtype
    torch.testing.assert_close(ours, expected, rtol=rtol, atol=rtol)
    if dtype == torch.float32:  # the clamp was reached: some sample contributes 100
        assert float(ours.max()) > 100 / len(x)


def test_layout_is_meshgrid_w_b(step):
    """Rows index b, columns index w, as numpy.meshgrid(w, b) lays them out."""
    X, y = step
    w = torch.tensor([-2.0, 0.5, 3.0, 7.0], dtype=torch.float64)
    b = torch.tensor([-1.0, 0.0, 4.0], dtype=torch.float64)
    Z = loss_surface(X, y, w, b, device="cpu")
    assert Z.shape == (3, 4)
    x = X[:, 0].double()
    t = y[:, 0].double()
    for i in range(3):
        for j in range(4):
            expected = F.binary_cross_entropy_with_logits(w[j] * x + b[i], t)
            torch.testing.assert_close(Z[i, j], expected, rtol=1e-14, atol=0)


@pytest.mark.parametrize("loss", list(SURFACE_LOSSES))
def test_blocks_of_samples_give_the_same_surface(step, monkeypatch, loss):
    X, y = step  # 20 samples
    w, b = grid(15, 13, n=(17, 23), device="cpu")
    whole = loss_surface(X, y, w, b, loss=loss, device="cpu")
    blocks = []
    original = surfaces._mean_loss

    def recording(*args):
        blocks.append(args[-1])
        return original(*args)

    monkeypatch.setattr(surfaces, "_mean_loss", recording)
    # Room for the temporaries of 7 samples of this 23 x 17 grid: blocks of 7, 7 and 6.
    monkeypatch.setattr(surfaces, "_CPU_BLOCK_BYTES", 7 * 17 * 23 * 8 * surfaces._TEMPORARIES)
    blocked = loss_surface(X, y, w, b, loss=loss, device="cpu")
    assert blocks == [7]
    torch.testing.assert_close(blocked, whole, rtol=1e-13, atol=0)


def test_large_grid_is_evaluated_in_cache_sized_blocks(step, monkeypatch):
    X, y = step
    w, b = grid(15, 13, n=300, device="cpu")
    blocks = []
    original = surfaces._mean_loss
    monkeypatch.setattr(surfaces, "_mean_loss", lambda *a: blocks.append(a[-1]) or original(*a))
    Z = loss_surface(X, y, w, b, device="cpu")
    assert Z.shape == (300, 300)
    (samples,) = blocks
    assert 1 <= samples < 20
    assert samples * 300 * 300 * 8 * surfaces._TEMPORARIES <= max(
        surfaces._CPU_BLOCK_BYTES, 300 * 300 * 8 * surfaces._TEMPORARIES
    )


def test_dtype_follows_the_inputs(step):
    X, y = step
    w32, b32 = grid(5, 5, n=4, dtype=torch.float32, device="cpu")
    assert loss_surface(X, y, w32, b32, device="cpu").dtype == torch.float32
    assert loss_surface(X, y, w32.double(), b32, device="cpu").dtype == torch.float64
    assert loss_surface(X.double(), y, w32, b32, device="cpu").dtype == torch.float64
    Z = loss_surface(X, y, w32, b32, device="cpu", dtype=torch.float64)
    assert Z.dtype == torch.float64 and Z.device.type == "cpu"


def test_accepts_numpy_lists_and_flat_shapes(step):
    X, y = step
    w, b = grid(3, 2, n=5, device="cpu")
    reference = loss_surface(X, y, w, b, device="cpu", dtype=torch.float64)
    variants = [
        (X[:, 0], y[:, 0], w, b),
        (X.numpy(), y.numpy(), w.numpy(), b.numpy()),
        (X[:, 0].tolist(), y[:, 0].long().tolist(), w.tolist(), b.tolist()),
        (X, y.bool(), w, b),
    ]
    for args in variants:
        torch.testing.assert_close(
            loss_surface(*args, device="cpu", dtype=torch.float64), reference
        )


def test_float32_surface_is_close_to_float64(step, lab_grid):
    X, y = step
    w, b = lab_grid
    Z64 = loss_surface(X, y, w, b, device="cpu")
    Z32 = loss_surface(X, y, w.float(), b.float(), device="cpu")
    torch.testing.assert_close(Z32.double(), Z64, rtol=1e-5, atol=1e-5)


# --------------------------------------------------------------------------
# loss_surface: errors
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"X": torch.zeros(20, 2)}, ValueError, "one feature"),
        ({"X": torch.zeros(19, 1)}, ValueError, "same number of samples"),
        ({"y": torch.full((20, 1), 2.0)}, ValueError, "binary labels"),
        ({"y": torch.zeros(20, 2)}, ValueError, r"shape \(n_samples,\)"),
        ({"X": torch.full((20, 1), float("nan"))}, ValueError, "finite"),
        ({"w": torch.zeros(3, 3)}, ValueError, "w must be a non-empty 1-D"),
        ({"b": []}, ValueError, "b must be a non-empty 1-D"),
        ({"b": [0.0, float("inf")]}, ValueError, "b must be finite"),
        ({"w": "abc"}, TypeError, "w must be a torch.Tensor"),
        ({"loss": "ce"}, ValueError, r"loss must be one of \['bce'"),
        ({"loss": F.mse_loss}, TypeError, "loss must be one of"),
        ({"dtype": torch.int64}, TypeError, "dtype must be a floating point"),
        ({"device": "tpu"}, ValueError, "device must be one of"),
    ],
)
def test_bad_input_raises_clear_errors(step, kwargs, error, match):
    X, y = step
    args = {"X": X, "y": y, "w": [0.0, 1.0], "b": [0.0], "loss": "bce", "device": "cpu"}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        loss_surface(
            args["X"],
            args["y"],
            args["w"],
            args["b"],
            loss=args["loss"],
            device=args["device"],
            dtype=args.get("dtype"),
        )


def test_mse_accepts_real_targets(step):
    X, _ = step
    target = torch.linspace(-3, 3, 20)
    Z = loss_surface(X, target, [1.0], [0.0], loss="mse", device="cpu", dtype=torch.float64)
    expected = F.mse_loss(X[:, 0].double(), target.double())
    torch.testing.assert_close(Z[0, 0], expected)


# --------------------------------------------------------------------------
# grid
# --------------------------------------------------------------------------
def test_grid_matches_numpy_linspace():
    w, b = grid(15, 13, n=30, device="cpu")
    np.testing.assert_allclose(w.numpy(), np.linspace(-15, 15, 30), rtol=0, atol=1e-14)
    np.testing.assert_allclose(b.numpy(), np.linspace(-13, 13, 30), rtol=0, atol=1e-14)
    w, b = grid((-1, 3), (2.0, 4.0), n=(5, 3), dtype=torch.float32, device="cpu")
    assert w.tolist() == [-1.0, 0.0, 1.0, 2.0, 3.0] and b.tolist() == [2.0, 3.0, 4.0]
    assert w.dtype == torch.float32


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"w_range": -1.0}, ValueError, "w_range must be a positive number"),
        ({"b_range": (3, 1)}, ValueError, "b_range must be finite with low < high"),
        ({"b_range": (0, float("inf"))}, ValueError, "b_range must be finite"),
        ({"w_range": "wide"}, TypeError, "w_range must be a positive number r"),
        ({"w_range": ("a", "b")}, TypeError, "w_range must hold two numbers"),
        ({"n": 0}, ValueError, "n must be a positive integer"),
        ({"n": 2.5}, TypeError, "n must be a positive integer"),
        ({"n": (3,)}, ValueError, r"n must be an int or a pair"),
        ({"dtype": torch.int32}, TypeError, "dtype must be a floating point"),
    ],
)
def test_grid_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        grid(**{"device": "cpu", **kwargs})


# --------------------------------------------------------------------------
# trajectory
# --------------------------------------------------------------------------
def _lab_model(dtype=torch.float64):
    model = lrkit.LogisticRegression(1, device="cpu", dtype=dtype)
    with torch.no_grad():
        model.linear.weight.fill_(-5.0)
        model.linear.bias.fill_(-10.0)
    return model


def _bce_at(params, X, y):
    x, t = X[:, 0].double(), y[:, 0].double()
    w = params["linear.weight"].double().reshape(())
    b = params["linear.bias"].double().reshape(())
    return float(F.binary_cross_entropy_with_logits(w * x + b, t))


def test_trajectory_of_full_batch_training_matches_the_training_losses(step):
    X, y = step
    X, y = X.double(), y.double()
    history = lrkit.train(
        _lab_model(), X, y, loss="bce", optimizer="sgd", lr=2.0, epochs=40,
        record_params=True, device="cpu",
    )  # fmt: skip
    path = trajectory(history, X, y, device="cpu")
    assert isinstance(path, Trajectory)
    assert path.w.shape == path.b.shape == path.loss.shape == (41,)
    recorded_w = [float(p["linear.weight"]) for p in history.params]
    recorded_b = [float(p["linear.bias"]) for p in history.params]
    assert path.w.tolist() == recorded_w and path.b.tolist() == recorded_b
    # With one full batch, step k's loss was computed exactly at params[k].
    np.testing.assert_allclose(path.loss[:-1].numpy(), history.step_loss, rtol=1e-12)
    expected = [_bce_at(p, X, y) for p in history.params]
    np.testing.assert_allclose(path.loss.numpy(), expected, rtol=1e-13)


def test_trajectory_of_mini_batches_uses_the_full_data(step):
    X, y = step
    history = lrkit.train(
        _lab_model(torch.float32), X, y, loss="bce", optimizer="sgd", lr=2.0, epochs=3,
        batch_size=3, record_params=True, device="cpu",
    )  # fmt: skip
    path = trajectory(history, X, y, device="cpu")
    assert len(path.loss) == 3 * 7 + 1  # 7 batches of at most 3 in 20 points, plus the start
    expected = [_bce_at(p, X, y) for p in history.params]
    np.testing.assert_allclose(path.loss.numpy(), expected, rtol=1e-6)
    # Batch losses are not full-data losses: the lab's pairing would put points off the surface.
    assert not np.allclose(history.step_loss, expected[:-1], rtol=1e-3)
    # The points lie on the surface.
    for k in (0, 5, 21):
        on_surface = loss_surface(X, y, path.w[k : k + 1], path.b[k : k + 1], device="cpu")
        torch.testing.assert_close(on_surface[0, 0], path.loss[k])


@pytest.mark.parametrize("loss", ["bce", "bce_probs", "mse_probs", "mse"])
def test_trajectory_agrees_with_loss_surface_for_every_loss(step, loss):
    X, y = step
    w = torch.tensor([-5.0, 0.0, 3.0, 14.0], dtype=torch.float64)
    b = torch.tensor([-10.0, 1.0, -0.5, 12.0], dtype=torch.float64)
    path = trajectory((w, b), X, y, loss=loss, device="cpu")
    Z = loss_surface(X, y, w, b, loss=loss, device="cpu")
    torch.testing.assert_close(path.loss, torch.diagonal(Z), rtol=1e-14, atol=0)


def test_trajectory_accepts_dicts_trajectories_and_other_parameter_names(step):
    X, y = step
    mlp = lrkit.MLP(1, 1, hidden=(), device="cpu", dtype=torch.float64)
    params = [{n: p.detach().clone() for n, p in mlp.named_parameters()}]
    assert list(params[0]) == ["layers.0.weight", "layers.0.bias"]
    from_dicts = trajectory(params, X, y, device="cpu")
    w = float(mlp.layers[0].weight.detach())
    b = float(mlp.layers[0].bias.detach())
    assert from_dicts.w.tolist() == [w] and from_dicts.b.tolist() == [b]
    again = trajectory(from_dicts, X, y, loss="mse_probs", device="cpu")
    assert again.w.tolist() == [w]
    expected = F.mse_loss(torch.sigmoid(w * X[:, 0].double() + b), y[:, 0].double())
    torch.testing.assert_close(again.loss[0], expected)


def test_trajectory_errors(step):
    X, y = step
    history = lrkit.train(
        _lab_model(), X, y, loss="bce", optimizer="sgd", lr=0.1, epochs=1, device="cpu"
    )
    with pytest.raises(ValueError, match="record_params=True"):
        trajectory(history, X, y, device="cpu")
    two_features = [{"linear.weight": torch.zeros(1, 2), "linear.bias": torch.zeros(1)}]
    with pytest.raises(ValueError, match="must hold a single value"):
        trajectory(two_features, X, y, device="cpu")
    with pytest.raises(ValueError, match=r"exactly one parameter named '...bias'"):
        trajectory([{"linear.weight": torch.zeros(1, 1)}], X, y, device="cpu")
    with pytest.raises(ValueError, match="at least one set"):
        trajectory([], X, y, device="cpu")
    with pytest.raises(TypeError, match=r"params\[0\] must be a dict"):
        trajectory([1.0, 2.0], X, y, device="cpu")
    with pytest.raises(TypeError, match="params must be a History"):
        trajectory(3.0, X, y, device="cpu")
    with pytest.raises(ValueError, match="same length"):
        trajectory(([0.0, 1.0], [0.0]), X, y, device="cpu")
    with pytest.raises(ValueError, match="loss must be one of"):
        trajectory(([0.0], [0.0]), X, y, loss="ce", device="cpu")


def test_docstring_examples_run():
    result = doctest.testmod(surfaces, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
