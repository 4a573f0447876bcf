"""lrkit.data: every data set is deterministic and matches its source."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.datasets import load_breast_cancer

from lrkit import data


def test_step_data_of_the_ibm_lab():
    X, y = data.step_data()
    expected = torch.arange(-1, 1, 0.1).view(-1, 1)
    torch.testing.assert_close(X, expected, rtol=0, atol=0)
    assert X.shape == (20, 1) and y.shape == (20, 1)
    # labelled 1 strictly above 0.2: 0.3, 0.4, ..., 0.9 (the float32 "0.2" is below 0.2)
    assert X[y[:, 0] == 1, 0].tolist() == pytest.approx(
        [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], abs=1e-6
    )


def test_step_data_of_the_tutorial_predicting_zero_scores_57_5_percent():
    X, y = data.step_data(-2.0, 2.0)
    assert X.shape == (40, 1)
    assert float((y == 0).float().mean()) == pytest.approx(0.575)


def test_students():
    X, y = data.students()
    assert X.tolist() == [[1, 2], [2, 3], [3, 1], [4, 3], [5, 3], [6, 2]]
    assert y[:, 0].tolist() == [0, 0, 0, 1, 1, 1]
    assert X.dtype == torch.float32 and y.shape == (6, 1)


def test_two_gaussians_statistics():
    X, y = data.two_gaussians(seed=3)
    assert X.shape == (1000, 2) and y.shape == (1000, 1)
    class0, class1 = X[:500], X[500:]
    assert y[:500].sum() == 0 and y[500:].sum() == 500
    # means within 4 standard errors of (0, 0) and (2, 2); unit variances
    assert torch.allclose(class0.mean(0), torch.zeros(2), atol=4 / 500**0.5)
    assert torch.allclose(class1.mean(0), torch.full((2,), 2.0), atol=4 / 500**0.5)
    assert torch.allclose(class0.var(0), torch.ones(2), atol=0.2)


def test_generative_example_has_the_lecture_counts_and_moments():
    X, y = data.generative_example(seed=0, dtype=torch.float64)
    assert X.shape == (140, 2) and int(y.sum()) == 79
    water = X[y[:, 0] == 1].numpy()
    normal = X[y[:, 0] == 0].numpy()
    for sample, mean in ((water, [75.0, 71.3]), (normal, [55.6, 59.8])):
        se = np.sqrt(np.diag(np.cov(sample.T)) / len(sample))
        assert np.all(np.abs(sample.mean(0) - mean) < 4 * se)


def test_bands_reproduce_the_lecture_recipe():
    X, y = data.bands(seed=5, dtype=torch.float64)
    assert X.shape == (160, 2) and y.shape == (160,) and y.dtype == torch.int64
    x = np.arange(-10, 10, 0.25)
    f = 3 * x**3 + 2 * x**2 + 5 * x
    f10 = np.array([3 * v**3 + 2 * v**2 + 5 * v for v in (-10.0, 10.0)])
    curve = (f - f10[0]) / (f10[1] - f10[0])
    np.testing.assert_allclose(X[0::2, 0].numpy(), (x + 10) / 20)
    np.testing.assert_allclose(X[1::2, 0].numpy(), (x + 10) / 20)
    above = X[0::2, 1].numpy() - curve  # class 0: curve + U(-0.1, 0.3)
    below = curve - X[1::2, 1].numpy()  # class 1: curve - U(-0.1, 0.3)
    for offset in (above, below):
        assert offset.min() >= -0.1 and offset.max() <= 0.3
        assert offset.min() < -0.05 and offset.max() > 0.25  # the whole range is used
    assert y.tolist() == [0, 1] * 80


def test_bands_curve_is_the_scaled_cubic_under_the_bands():
    x1 = torch.linspace(0, 1, 11, dtype=torch.float64)
    x = x1.numpy() * 20 - 10
    f = 3 * x**3 + 2 * x**2 + 5 * x
    np.testing.assert_allclose(data.bands_curve(x1).numpy(), (f + 2850) / 6100, rtol=1e-12)
    X, y = data.bands(seed=2, dtype=torch.float64)
    height = X[:, 1] - data.bands_curve(X[:, 0])
    assert float(height[y == 0].min()) >= -0.1 and float(height[y == 1].max()) <= 0.1


def test_bands_with_four_classes_keep_neighbours_overlapping_alike():
    X, y = data.bands(4, n_points=2000, seed=1, dtype=torch.float64)
    assert X.shape == (8000, 2) and set(y.tolist()) == {0, 1, 2, 3}
    x = X[0::4, 0].numpy() * 20 - 10
    f = 3 * x**3 + 2 * x**2 + 5 * x
    curve = (f - (-2850.0)) / (3250.0 - (-2850.0))
    offsets = X[:, 1].numpy().reshape(-1, 4) - curve[:, None]
    centres = offsets.mean(0)
    np.testing.assert_allclose(centres, [0.3, 0.1, -0.1, -0.3], atol=0.01)
    np.testing.assert_allclose(offsets.max(0) - offsets.min(0), 0.4, atol=0.01)


def test_xor():
    X, y = data.xor()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y[:, 0].tolist() == [0, 1, 1, 0]
    Xn, yn = data.xor(25, noise=0.1, seed=2)
    assert Xn.shape == (100, 2) and yn.shape == (100, 1) and yn.sum() == 50


def test_polynomial_target_of_sheffield_lab_6():
    # the lab prints these after torch.manual_seed(2020)
    weight, bias = data.polynomial_target()
    np.testing.assert_allclose(weight[:, 0].numpy(), [6.1861, -4.8020, 7.7076, -2.0393], atol=5e-5)
    assert bias.item() == pytest.approx(4.4029, abs=5e-5)
    torch.manual_seed(2020)  # and they are exactly what the lab's global-seed draws give
    torch.testing.assert_close(weight, torch.randn(4, 1) * 5, rtol=0, atol=0)


def test_polynomial_batch_is_exact():
    weight, bias = data.polynomial_target()
    g = torch.Generator().manual_seed(1)
    X, y = data.polynomial_batch(6, weight=weight, bias=bias, generator=g)
    x = X[:, 0]
    expected = 6.1861 * x - 4.8020 * x**2 + 7.7076 * x**3 - 2.0393 * x**4 + 4.4029
    torch.testing.assert_close(y[:, 0], expected, rtol=1e-3, atol=1e-3)
    torch.testing.assert_close(X[:, 2], x**3)


def test_breast_cancer_standardised_on_the_training_part_only():
    X_train, X_test, y_train, y_test = data.breast_cancer(seed=0, dtype=torch.float64)
    assert X_train.shape == (426, 30) and X_test.shape == (143, 30)
    torch.testing.assert_close(
        X_train.mean(0), torch.zeros(30, dtype=torch.float64), atol=1e-10, rtol=0
    )
    torch.testing.assert_close(X_train.std(0, unbiased=False), torch.ones(30, dtype=torch.float64))
    assert X_test.mean(0).abs().max() > 1e-3  # the test part was not used to fit the scaler
    raw, labels = load_breast_cancer(return_X_y=True)
    assert int(y_train.sum() + y_test.sum()) == int(labels.sum())
    # stratified: both parts keep the proportion of benign tumours
    assert float(y_test.mean()) == pytest.approx(labels.mean(), abs=0.01)
    raw_train = data.breast_cancer(seed=0, standardize=False, dtype=torch.float64)[0]
    assert any(np.allclose(raw_train[0].numpy(), row) for row in raw)


@pytest.mark.parametrize(
    "make",
    [
        lambda seed: data.two_gaussians(seed=seed),
        lambda seed: data.bands(seed=seed),
        lambda seed: data.bands(4, seed=seed),
        lambda seed: data.xor(3, noise=0.2, seed=seed),
        lambda seed: data.generative_example(seed=seed),
        lambda seed: data.breast_cancer(seed=seed),
    ],
)
def test_deterministic_under_a_seed_and_different_across_seeds(make):
    first, again, other = make(1), make(1), make(2)
    for a, b in zip(first, again, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert not torch.equal(first[0], other[0])


def test_global_random_state_is_left_alone():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    data.two_gaussians(seed=9)
    data.bands(seed=9)
    torch.testing.assert_close(torch.rand(3), expected)


def test_device_and_dtype():
    X, _ = data.students(device="cpu", dtype=torch.float64)
    assert X.dtype == torch.float64 and X.device.type == "cpu"
    _, yb = data.bands(device="cpu", dtype=torch.float64)
    assert yb.dtype == torch.int64  # labels keep their integer type


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: data.step_data(step=0), ValueError, "step must be a positive number"),
        (lambda: data.step_data(1.0, -1.0), ValueError, "stop must be greater than start"),
        (lambda: data.two_gaussians(0), ValueError, "n_samples must be a positive integer"),
        (lambda: data.bands(1), ValueError, "n_classes must be at least 2"),
        (lambda: data.bands(noise=(0.3, -0.1)), ValueError, "noise must be a range"),
        (lambda: data.xor(5), ValueError, "noise must be positive when n_per_corner > 1"),
        (lambda: data.breast_cancer(test_size=1.5), ValueError, "test_size must be a fraction"),
        (lambda: data.students(dtype=torch.int64), TypeError, "dtype must be a floating point"),
        (lambda: data.two_gaussians(seed=-1), ValueError, "seed must be a non-negative int"),
        (lambda: data.polynomial_features(torch.zeros(2, 2)), ValueError, "x must be 1-D"),
    ],
)
def test_bad_arguments(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
