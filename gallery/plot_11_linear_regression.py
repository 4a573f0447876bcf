r"""
Linear regression with torch.nn: fitting a polynomial
=====================================================

The second part of the Sheffield lab fits a random fourth-degree polynomial with
a single :class:`torch.nn.Linear` layer. That sounds like a contradiction, a
linear layer fitting a curve, until one sees that the polynomial is linear in
its coefficients. This lesson writes the whole training loop by hand (forward,
loss, backward, update), because the mechanics of :mod:`torch.nn` are the point,
and explains how to choose a learning rate that converges instead of blowing
up. The target comes from :func:`lrkit.data.polynomial_target`, the batches from
:func:`lrkit.data.polynomial_batch`, the loss is :func:`lrkit.losses.mse` and the
loss curve is drawn by :func:`lrkit.plotting.plot_loss_curves`.
"""

# %%
# The target polynomial
# ---------------------
# The lab seeds torch with 2020 and draws four coefficients and an intercept from a
# normal distribution scaled by 5. :func:`lrkit.data.polynomial_target` draws the same
# numbers from its own generator. To read them as a polynomial we write a small
# formatter that prints each coefficient with its sign.
import torch

import lrkit


def describe_polynomial(weight, bias):
    """Format ``y = w1 x^1 + ... + wd x^d + b`` with signed coefficients, 2 decimals."""
    coefficients = weight.detach().reshape(-1).tolist()
    terms = [f"{w:+.2f} x^{power}" for power, w in enumerate(coefficients, start=1)]
    return "y = " + " ".join(terms) + f" {bias.detach().reshape(-1)[0].item():+.2f}"


weight, bias = lrkit.data.polynomial_target(seed=2020)  # (4, 1), (1,)
print("target:", describe_polynomial(weight, bias))
print(
    f"weight: {weight.ndim}-D, shape {tuple(weight.shape)}; bias: {bias.ndim}-D, shape {tuple(bias.shape)}"
)

# %%
# .. admonition:: Correcting the course material
#
#    The lab describes the drawn weight and bias as a 1-D and a 0-D tensor. They are
#    one dimension larger: the weight is a :math:`4 \times 1` matrix (a column, so that
#    a batch of features of shape (32, 4) times it gives predictions of shape
#    (32, 1)) and the bias a 1-D tensor holding one number. A 0-D tensor would be a
#    bare scalar, shape ``()``.

# %%
# A curve that is linear in its parameters
# ----------------------------------------
# The model the lab fits is
#
# .. math::
#
#     \hat y = w_1 x + w_2 x^2 + w_3 x^3 + w_4 x^4 + b
#            = \mathbf{w}^\top \boldsymbol{\phi}(x) + b, \qquad
#     \boldsymbol{\phi}(x) = (x, x^2, x^3, x^4).
#
# The prediction is a curve in :math:`x`, but a linear function of the features
# :math:`\boldsymbol{\phi}(x)` and of the parameters :math:`(\mathbf{w}, b)`. So once the
# features are computed, fitting the polynomial is ordinary linear regression with
# four inputs, and a :class:`torch.nn.Linear` layer with four inputs and one output
# is exactly that model. :func:`lrkit.data.polynomial_batch` draws
# :math:`x \sim \mathcal{N}(0, 1)`, builds the features with
# :func:`lrkit.data.polynomial_features` and computes the exact targets. Here are
# five samples:
generator = torch.Generator().manual_seed(0)
X_small, y_small = lrkit.data.polynomial_batch(5, weight=weight, bias=bias, generator=generator)
print(f"features {tuple(X_small.shape)}, targets {tuple(y_small.shape)}")
print("     x        x^2        x^3        x^4   ->        y")
for row, target in zip(X_small.tolist(), y_small[:, 0].tolist(), strict=True):
    print(" ".join(f"{v:9.4f}" for v in row) + f"   -> {target:9.4f}")

# %%
# The model
# ---------
# A fresh :class:`torch.nn.Linear` starts from small random weights (uniform in
# :math:`\pm 1/\sqrt{4} = \pm 0.5`), so it starts as a nearly flat polynomial. It lives on
# lrkit's default device, a GPU when there is one.
device = lrkit.device.default_device()
torch.manual_seed(2020)
model = torch.nn.Linear(4, 1).to(device)
print(model)
print("start: ", describe_polynomial(model.weight, model.bias))

# %%
# How large a step?
# -----------------
# With the mean squared error, one gradient step on a batch multiplies the error in
# each direction of parameter space by :math:`1 - 2\eta\lambda`, where :math:`\eta` is the
# learning rate and :math:`\lambda` an eigenvalue of the second-moment matrix
# :math:`M = \mathbb{E}[\tilde{\boldsymbol\phi}\tilde{\boldsymbol\phi}^\top]` of the features
# :math:`\tilde{\boldsymbol\phi} = (1, x, x^2, x^3, x^4)` (the 1 is for the bias). The steps
# shrink the error only if :math:`\eta < 1 / \lambda_\max`. For
# :math:`x \sim \mathcal{N}(0, 1)` the entries are the moments
# :math:`\mathbb{E}[x^{i+j}]`, which are 0 for odd powers and
# :math:`1 \cdot 3 \cdot 5 \cdots (k - 1)` for even :math:`k`; :math:`\mathbb{E}[x^8] = 105`
# dominates. The smallest eigenvalue sets how slowly the last direction converges.
import math


def normal_moment(k):
    """E[x^k] for a standard normal x."""
    return 0.0 if k % 2 else float(math.prod(range(k - 1, 0, -2)))


M = torch.tensor([[normal_moment(i + j) for j in range(5)] for i in range(5)], dtype=torch.float64)
eigenvalues = torch.linalg.eigvalsh(M)  # ascending
lam_min, lam_max = eigenvalues[0].item(), eigenvalues[-1].item()
lr = 0.005
print(f"largest eigenvalue {lam_max:.2f}, smallest {lam_min:.3f}, ratio {lam_max / lam_min:.0f}")
print(f"stable only for a learning rate below 1 / {lam_max:.2f} = {1 / lam_max:.4f}")
print(
    f"with lr = {lr}: about {1 / (2 * lr * lam_min):.0f} steps per factor e in the slowest direction"
)

# %%
# We take :math:`\eta = 0.005`, about half the limit, because a batch of 32 points
# sometimes holds an :math:`x` far out in the tail whose :math:`x^4` dwarfs the rest. The
# slowest direction then needs a few hundred steps per factor :math:`e`, so we expect
# one or a few thousand steps in all.
#
# The training loop
# -----------------
# Every step draws a fresh batch of 32 points, as the lab does: there is no fixed
# training set, just a stream of samples from the function. One step is four lines:
# forward pass, loss, backward pass, and the update
# :math:`\theta \leftarrow \theta - \eta \nabla_\theta L` written out by hand under
# :func:`torch.no_grad` (a :class:`torch.optim.SGD` optimizer would do the same). We
# stop when a batch's loss falls below :math:`10^{-3}`, or after 20,000 steps.
batches = torch.Generator().manual_seed(2020)
step_losses = []
for _ in range(20_000):
    X, y = lrkit.data.polynomial_batch(
        32, weight=weight, bias=bias, generator=batches
    )  # (32, 4), (32, 1)
    loss = lrkit.losses.mse(model(X), y)
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter -= lr * parameter.grad
    step_losses.append(loss.item())
    if step_losses[-1] < 1e-3:
        break
print(f"stopped after {len(step_losses)} steps, batch loss {step_losses[-1]:.2e}")

# %%
# The result
# ----------
# The learned layer, read as a polynomial, next to the target:
learned_weight, learned_bias = (
    model.weight.detach().cpu().T,
    model.bias.detach().cpu(),
)  # (4, 1), (1,)
print("learned:", describe_polynomial(learned_weight, learned_bias))
print("target: ", describe_polynomial(weight, bias))
errors = torch.cat([(learned_weight - weight)[:, 0], learned_bias - bias]).abs()  # (5,)
print(f"largest coefficient error: {errors.max().item():.3f}")

X_check, y_check = lrkit.data.polynomial_batch(
    10_000, weight=weight, bias=bias, generator=torch.Generator().manual_seed(1)
)
with torch.no_grad():
    check = lrkit.losses.mse(model(X_check), y_check).item()
print(f"mean squared error on 10,000 fresh points: {check:.2e}")

# %%
# Every coefficient is within a few hundredths of the target. The error on fresh
# points is a few times larger than the loss of the last batch: a single batch of
# 32 is a noisy judge, and the loop stopped on a batch that happened to fit well.
# The fitted curve lies on the target over :math:`[-2, 2]`, where almost all of the
# training points fall. The loss per step (right, logarithmic) falls by six orders
# of magnitude; the spikes are batches holding a point far out in the tail, where
# the remaining error in the :math:`x^4` coefficient is magnified.
import matplotlib.pyplot as plt

x = torch.linspace(-2, 2, 201)  # (201,)
features = lrkit.data.polynomial_features(x)  # (201, 4)
with torch.no_grad():
    fitted = model(features.to(device)).cpu()[:, 0]  # (201,)
truth = (features @ weight + bias)[:, 0]  # (201,)

with lrkit.plotting.style():
    fig, (ax_fit, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
ax_fit.plot(x.tolist(), truth.tolist(), label="target", linewidth=4, alpha=0.4)
ax_fit.plot(x.tolist(), fitted.tolist(), "--", label="nn.Linear(4, 1)")
ax_fit.set(xlabel="x", ylabel="y", title="Target and fitted polynomial")
ax_fit.legend(frameon=False)
lrkit.plotting.plot_loss_curves(
    step_losses, per="step", log=True, ylabel="MSE of the batch", ax=ax_loss
)
ax_loss.set_title(f"Loss per step (batches of 32, lr = {lr})")
fig.suptitle("Linear regression on polynomial features")
plt.show()

# %%
# A step too large
# ----------------
# Above the limit :math:`1/\lambda_\max \approx 0.0093`, each step overshoots along the
# direction dominated by :math:`x^4` by more than it corrects, and the error grows
# geometrically. With :math:`\eta = 0.02` the same loop explodes within a few dozen steps:
torch.manual_seed(2020)
unstable = torch.nn.Linear(4, 1).to(device)
batches = torch.Generator().manual_seed(2020)
unstable_losses = []
for _ in range(1000):
    X, y = lrkit.data.polynomial_batch(32, weight=weight, bias=bias, generator=batches)
    loss = lrkit.losses.mse(unstable(X), y)
    unstable.zero_grad()
    loss.backward()
    with torch.no_grad():
        for parameter in unstable.parameters():
            parameter -= 0.02 * parameter.grad
    unstable_losses.append(loss.item())
    if not unstable_losses[-1] < 1e6:
        break
print(f"lr = 0.02: batch loss {unstable_losses[-1]:.1e} at step {len(unstable_losses)}")

# %%
# From linear to logistic regression
# ----------------------------------
# Logistic regression is the same layer with two changes: a sigmoid turns the output
# into a probability, :math:`P(y = 1 \mid \mathbf{x}) = \sigma(\mathbf{w}^\top\mathbf{x} + b)`,
# and the squared error gives way to the binary cross-entropy. The lecture sets the
# two side by side: linear regression outputs any value, logistic regression a
# value between 0 and 1. :class:`lrkit.LogisticRegression` is indeed an
# :class:`torch.nn.Linear` layer inside; its loss applies the sigmoid.
classifier = lrkit.LogisticRegression(4)
print(classifier.linear)

# %%
# What we learned
# ---------------
# * A polynomial is linear in its coefficients, so a :class:`torch.nn.Linear` layer on
#   the features :math:`(x, x^2, x^3, x^4)` is linear regression. The layer learned the
#   lab's target, :math:`y = 6.19 x - 4.80 x^2 + 7.71 x^3 - 2.04 x^4 + 4.40`, to within a few
#   hundredths per coefficient.
# * The training loop of :mod:`torch.nn` is always the same four moves: forward, loss,
#   ``backward()``, update. Here every step used a fresh random batch.
# * The learning rate is bounded by the largest eigenvalue of the feature moment
#   matrix (:math:`\eta < 1/\lambda_\max \approx 0.0093` here); the smallest eigenvalue sets the
#   number of steps. Heavy-tailed features such as :math:`x^4` make both extreme.
# * Add a sigmoid and swap the squared error for the cross-entropy, and the same layer
#   is logistic regression: see :ref:`sphx_glr_auto_examples_plot_02_logistic_from_scratch.py`,
#   and :doc:`/concepts/why-not-mse` for why classification should not keep the squared
#   error.
