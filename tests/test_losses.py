"""lrkit.losses against torch.nn.functional: values, gradients, stability."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from lrkit import losses

REDUCTIONS = ["mean", "sum", "none"]
DTYPES = [torch.float32, torch.float64]
RTOL = {torch.float32: 1e-6, torch.float64: 1e-12}
ATOL = {torch.float32: 1e-7, torch.float64: 1e-14}


def _close(actual, expected, dtype):
    torch.testing.assert_close(actual, expected, rtol=RTOL[dtype] * 10, atol=ATOL[dtype] * 10)


def _grads(fn, *tensors):
    leaves = [t.detach().clone().requires_grad_(True) for t in tensors]
    out = fn(*leaves)
    out.sum().backward()
    return out.detach(), [leaf.grad for leaf in leaves]


shapes = st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple)


@settings(max_examples=40, deadline=None)
@given(
    shape=shapes,
    seed=st.integers(0, 2**16),
    reduction=st.sampled_from(REDUCTIONS),
    dtype=st.sampled_from(DTYPES),
)
def test_binary_cross_entropy_matches_torch(shape, seed, reduction, dtype):
    g = torch.Generator().manual_seed(seed)
    probs = torch.rand(shape, generator=g, dtype=dtype).clamp(0.01, 0.99)
    target = torch.rand(shape, generator=g, dtype=dtype)  # soft targets too
    ours, (gp, gt) = _grads(
        lambda p, t: losses.binary_cross_entropy(p, t, reduction=reduction), probs, target
    )
    ref, (rp, rt) = _grads(
        lambda p, t: F.binary_cross_entropy(p, t, reduction=reduction), probs, target
    )
    _close(ours, ref, dtype)
    _close(gp, rp, dtype)
    _close(gt, rt, dtype)


@settings(max_examples=40, deadline=None)
@given(
    shape=shapes,
    seed=st.integers(0, 2**16),
    reduction=st.sampled_from(REDUCTIONS),
    dtype=st.sampled_from(DTYPES),
    scale=st.sampled_from([1.0, 10.0, 100.0]),
)
def test_binary_cross_entropy_with_logits_matches_torch(shape, seed, reduction, dtype, scale):
    g = torch.Generator().manual_seed(seed)
    logits = scale * torch.randn(shape, generator=g, dtype=dtype)
    target = (torch.rand(shape, generator=g, dtype=dtype) > 0.5).to(dtype)
    fn = losses.binary_cross_entropy_with_logits
    ours, (gz, gt) = _grads(lambda z, t: fn(z, t, reduction=reduction), logits, target)
    ref, (rz, rt) = _grads(
        lambda z, t: F.binary_cross_entropy_with_logits(z, t, reduction=reduction), logits, target
    )
    _close(ours, ref, dtype)
    _close(gz, rz, dtype)
    _close(gt, rt, dtype)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 8),
    c=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    reduction=st.sampled_from(REDUCTIONS),
    dtype=st.sampled_from(DTYPES),
    soft=st.booleans(),
)
def test_cross_entropy_matches_torch(n, c, seed, reduction, dtype, soft):
    g = torch.Generator().manual_seed(seed)
    logits = 3 * torch.randn(n, c, generator=g, dtype=dtype)
    if soft:
        target = torch.softmax(torch.randn(n, c, generator=g, dtype=dtype), dim=1)
    else:
        target = torch.randint(0, c, (n,), generator=g)
    fn = losses.cross_entropy
    if soft:
        ours, (gz, gt) = _grads(lambda z, t: fn(z, t, reduction=reduction), logits, target)
        ref, (rz, rt) = _grads(
            lambda z, t: F.cross_entropy(z, t, reduction=reduction), logits, target
        )
        _close(gt, rt, dtype)
    else:
        ours, (gz,) = _grads(lambda z: fn(z, target, reduction=reduction), logits)
        ref, (rz,) = _grads(lambda z: F.cross_entropy(z, target, reduction=reduction), logits)
    _close(ours, ref, dtype)
    _close(gz, rz, dtype)


def test_cross_entropy_single_sample_matches_torch():
    z = torch.tensor([1.0, -2.0, 0.5])
    _close(
        losses.cross_entropy(z, torch.tensor(2)), F.cross_entropy(z, torch.tensor(2)), torch.float32
    )


@settings(max_examples=40, deadline=None)
@given(
    shape=shapes,
    seed=st.integers(0, 2**16),
    reduction=st.sampled_from(REDUCTIONS),
    dtype=st.sampled_from(DTYPES),
)
def test_mse_matches_torch(shape, seed, reduction, dtype):
    g = torch.Generator().manual_seed(seed)
    pred, target = torch.randn(2, *shape, generator=g, dtype=dtype)
    ours, (gp, gt) = _grads(lambda p, t: losses.mse(p, t, reduction=reduction), pred, target)
    ref, (rp, rt) = _grads(lambda p, t: F.mse_loss(p, t, reduction=reduction), pred, target)
    _close(ours, ref, dtype)
    _close(gp, rp, dtype)
    _close(gt, rt, dtype)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 6),
    c=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    dtype=st.sampled_from(DTYPES),
)
def test_entropy_matches_torch_categorical(n, c, seed, dtype):
    g = torch.Generator().manual_seed(seed)
    probs = torch.softmax(4 * torch.randn(n, c, generator=g, dtype=dtype), dim=1)
    if c > 1:
        probs[0, 0] = 0.0  # a zero probability contributes 0 log 0 = 0
    probs = probs / probs.sum(dim=1, keepdim=True)
    ref = torch.distributions.Categorical(probs=probs, validate_args=False).entropy()
    _close(losses.entropy(probs, reduction="none"), ref, dtype)
    _close(losses.entropy(probs), ref.mean(), dtype)
    _close(losses.entropy(probs, reduction="sum"), ref.sum(), dtype)


def test_entropy_in_bits_of_the_lecture_example():
    value = losses.entropy(torch.tensor([0.75, 0.25]), base=2)
    assert round(value.item(), 3) == 0.811
    assert value.item() == pytest.approx(stats.entropy([0.75, 0.25], base=2), rel=1e-6)


def test_the_lecture_cross_entropy_table():
    # The slide's spreadsheet: mean of -ln softmax over five rows = 0.706624521
    logits = torch.tensor(
        [
            [-0.018, 0.0855],
            [-0.0244, 0.0741],
            [-0.0187, 0.085],
            [-0.0258, 0.0687],
            [-0.0267, 0.0617],
        ],
        dtype=torch.float64,
    )
    target = torch.tensor([0, 0, 0, 1, 1])
    per_row = losses.cross_entropy(logits, target, reduction="none")
    np.testing.assert_allclose(
        per_row.numpy(), [0.74624, 0.74361, 0.74634, 0.64701, 0.64992], atol=6e-5
    )
    assert losses.cross_entropy(logits, target).item() == pytest.approx(0.706624521, abs=2e-5)


def test_the_seven_animals_cross_entropy():
    # The slide's prediction sums to 107 %, not 100 % (a mistake the lesson
    # points out); only the true class counts against a one-hot target, so
    # any proper distribution giving "red panda" 25 % has cross-entropy
    # -ln(0.25) = 1.386 nats. Here fox drops from 45 % to 38 %.
    slide = torch.tensor([0.02, 0.30, 0.45, 0.0, 0.25, 0.05, 0.0])
    assert slide.sum().item() == pytest.approx(1.07)
    q = torch.tensor([[0.02, 0.30, 0.38, 0.0, 0.25, 0.05, 0.0]])
    p = torch.tensor([[0, 0, 0, 0, 1.0, 0, 0]])
    logits = torch.log(q.clamp_min(1e-30))  # softmax(log q) = q; the zeros stay ~1e-30
    assert losses.cross_entropy(logits, p).item() == pytest.approx(1.386, abs=5e-4)
    assert losses.cross_entropy(logits, torch.tensor([4])).item() == pytest.approx(
        -math.log(0.25), rel=1e-6
    )


# ---------------------------------------------------------------- stability
@pytest.mark.parametrize("z", [1e4, -1e4, 1e6, -1e6])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_bce_with_logits_is_finite_with_the_right_gradient_at_huge_logits(z, y):
    logits = torch.tensor([z], dtype=torch.float32, requires_grad=True)
    target = torch.tensor([y])
    value = losses.binary_cross_entropy_with_logits(logits, target)
    value.backward()
    expected = max(z, 0.0) - z * y  # exact: log(1 + e^z) - y z for huge |z|
    assert torch.isfinite(value)
    assert value.item() == pytest.approx(expected, rel=1e-6, abs=1e-6)
    assert logits.grad.item() == pytest.approx(torch.sigmoid(torch.tensor(z)).item() - y, abs=1e-6)


def test_textbook_bce_on_a_saturated_sigmoid_is_large_and_finite():
    # w = -5, b = -10 on x in [-10, 10): at x = -10, z = 40 and the float32
    # sigmoid rounds to exactly 1, so log(1 - p) = log(0) = -inf
    x = torch.arange(-10, 10, 0.1, dtype=torch.float32)
    z = (-5 * x - 10).requires_grad_(True)
    probs = torch.sigmoid(z)
    y = (x > 0.2).float()
    naive = -(y * torch.log(probs) + (1 - y) * torch.log(1 - probs)).mean()
    value = losses.binary_cross_entropy(probs, y)
    value.backward()
    assert not torch.isfinite(naive)  # the formula as written breaks ...
    assert torch.isfinite(value) and value.item() > 10  # ... the clamped one does not
    assert torch.isfinite(z.grad).all()
    torch.testing.assert_close(value, F.binary_cross_entropy(probs.detach(), y))


def test_textbook_bce_at_exact_zero_and_one():
    p = torch.tensor([0.0, 1.0, 0.0, 1.0], requires_grad=True)
    y = torch.tensor([1.0, 0.0, 0.0, 1.0])
    value = losses.binary_cross_entropy(p, y, reduction="none")
    value.sum().backward()
    assert value.tolist() == [100.0, 100.0, 0.0, 0.0]
    ref_p = p.detach().clone().requires_grad_(True)
    F.binary_cross_entropy(ref_p, y, reduction="none").sum().backward()
    torch.testing.assert_close(p.grad, ref_p.grad)
    assert torch.isfinite(p.grad).all()


# ---------------------------------------------------------------- errors
def test_errors_name_the_argument():
    with pytest.raises(
        ValueError, match=r"Target size \(torch.Size\(\[3\]\)\) must be the same as input size"
    ):
        losses.binary_cross_entropy_with_logits(torch.zeros(4), torch.zeros(3))
    with pytest.raises(ValueError, match="probs must hold probabilities in \\[0, 1\\]"):
        losses.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0]))
    with pytest.raises(ValueError, match="target must hold probabilities in \\[0, 1\\]"):
        losses.binary_cross_entropy_with_logits(torch.tensor([0.0]), torch.tensor([2.0]))
    with pytest.raises(ValueError, match=r"class indices in \[0, 2\].*got \[3\]"):
        losses.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 3]))
    with pytest.raises(ValueError, match="reduction must be one of"):
        losses.mse(torch.zeros(2), torch.zeros(2), reduction="avg")
    with pytest.raises(ValueError, match="must sum to 1"):
        losses.entropy(torch.tensor([0.5, 0.2]))
    with pytest.raises(ValueError, match="base must be a positive number other than 1"):
        losses.entropy(torch.tensor([0.5, 0.5]), base=1)
    with pytest.raises(TypeError, match=r"logits must be a torch\.Tensor"):
        losses.cross_entropy("abc", torch.tensor([0]))


def test_numpy_and_lists_are_accepted():
    value = losses.binary_cross_entropy_with_logits([0.0, 0.0], np.array([0.0, 1.0]))
    assert value.item() == pytest.approx(math.log(2))
