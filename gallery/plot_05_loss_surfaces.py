r"""
Loss surfaces: why cross-entropy trains and MSE stalls
======================================================

Logistic regression with one feature has two parameters, the weight
:math:`w` and the bias :math:`b`, so its loss is a surface over the plane
and training is a walk across it. Following an IBM lab and a
machinelearningmastery tutorial, we start both walks from the same bad
place, :math:`w = -5, b = -10`, and compare the cross-entropy surface with
the mean-squared-error surface: the first slopes towards the solution from
everywhere, the second is flat exactly where the bad start lies. The surfaces
come from :func:`lrkit.surfaces.loss_surface`, the paths from
:func:`lrkit.train` with ``record_params=True`` and
:func:`lrkit.surfaces.trajectory`, the figures from
:func:`lrkit.plotting.plot_loss_surface` and
:func:`lrkit.plotting.plot_training_snapshots`; the last part shows what the
textbook formula :math:`\log \sigma(z)` does when the sigmoid saturates, and
how :func:`lrkit.losses.binary_cross_entropy_with_logits` avoids it.
"""

# %%
# The data and the bad start
# --------------------------
# Both sources use one feature on a regular grid, :math:`x` from a start to
# a stop in steps of 0.1, labelled 1 where :math:`x > 0.2`
# (:func:`lrkit.data.step_data`). The IBM lab takes :math:`x \in [-1, 1)`,
# the tutorial :math:`x \in [-2, 2)`. Both then overwrite the model's random
# initial parameters with :math:`w = -5` and :math:`b = -10`: a sigmoid that
# *falls* with :math:`x` and is already close to 0 over the whole grid, so
# the model starts out confidently predicting class 0 for every point.
import torch

import lrkit

X_ibm, y_ibm = lrkit.data.step_data(-1.0, 1.0)  # (20, 1), (20, 1)
X_mlm, y_mlm = lrkit.data.step_data(-2.0, 2.0)  # (40, 1), (40, 1)
for name, y in (("IBM lab, x in [-1, 1)", y_ibm), ("tutorial, x in [-2, 2)", y_mlm)):
    n, ones = y.shape[0], int(y.sum())
    print(f"{name}: {n} points, {ones} labelled 1, {n - ones} labelled 0")


def bad_start():
    """A one-feature logistic regression at the labs' initialisation."""
    model = lrkit.LogisticRegression(1)
    with torch.no_grad():
        model.linear.weight.fill_(-5.0)
        model.linear.bias.fill_(-10.0)
    return model


for name, X, y in (("IBM lab", X_ibm, y_ibm), ("tutorial", X_mlm, y_mlm)):
    _, accuracy = lrkit.training.evaluate(bad_start(), X, y, loss="bce")
    print(f"accuracy at w = -5, b = -10 on the {name}'s data: {accuracy:.3f}")

# %%
# Predicting 0 everywhere is already right for the points labelled 0: 65 %
# of the lab's points and 57.5 % of the tutorial's. Remember these numbers.
import matplotlib.pyplot as plt

from lrkit.plotting import plot_data_space, style

with style():
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
plot_data_space(X_ibm, y_ibm, -5.0, -10.0, title="IBM lab's data at the start", ax=axes[0])
plot_data_space(X_mlm, y_mlm, -5.0, -10.0, title="tutorial's data at the start", ax=axes[1])
fig.suptitle("w = -5, b = -10: the sigmoid (solid) is near 0 at almost every point")

# %%
# A loss surface in one broadcast
# -------------------------------
# For every pair :math:`(w, b)` on a grid, the mean loss over the data,
#
# .. math::
#
#     L(w, b) = \frac{1}{n} \sum_{i=1}^{n} \ell\bigl(w x_i + b,\; y_i\bigr).
#
# The lab fills a 30 by 30 table with a double Python loop;
# :func:`lrkit.surfaces.loss_surface` computes all logits
# :math:`w_j x_i + b_k` as one ``(n_b, n_w, n)`` tensor and averages over the
# last axis. We use the lab's window, :math:`w \in [-15, 15]` and
# :math:`b \in [-13, 13]` (:func:`lrkit.surfaces.grid`), on a finer grid.
#
# The lab minimises the textbook cross-entropy on probabilities,
# :math:`-[y \log \sigma(z) + (1 - y) \log(1 - \sigma(z))]`, named
# ``"bce_probs"`` in lrkit. The same loss computed from the logits,
# ``"bce"``, is exact however large :math:`|z|` gets. On this window the two
# surfaces agree to a few millionths — the rounding error of
# :math:`1 - \sigma(z)` near :math:`|z| = 28` — so either one draws the lab's
# surface.
from lrkit.surfaces import grid, loss_surface, trajectory

w_axis, b_axis = grid(15, 13, n=61)  # (61,), (61,)
Z_ibm = loss_surface(X_ibm, y_ibm, w_axis, b_axis, loss="bce_probs")  # (61, 61)
Z_exact = loss_surface(X_ibm, y_ibm, w_axis, b_axis, loss="bce")  # (61, 61)
largest_logit = float(w_axis.abs().max() * X_ibm.abs().max() + b_axis.abs().max())
low, high = float(Z_ibm.min()), float(Z_ibm.max())
print(f"surface: {tuple(Z_ibm.shape)} values, from {low:.4f} to {high:.4f}")
print(f"largest |z| on this window: {largest_logit:.1f}")
print(
    f"largest difference between the 'bce_probs' and 'bce' surfaces: "
    f"{float((Z_ibm - Z_exact).abs().max()):.1e}"
)

# %%
# The IBM lab's run
# -----------------
# The lab trains with plain SGD, learning rate 2, batches of 3 in a fixed
# order, for 100 epochs. ``record_params=True`` keeps the parameters before
# the first step and after every step (7 steps per epoch, 700 in all), and
# :func:`lrkit.surfaces.trajectory` computes the loss over the *whole* data
# at each of them, so the path lies on the surface.
from lrkit.plotting import plot_loss_surface, plot_training_snapshots

model = bad_start()
history = lrkit.train(
    model,
    X_ibm,
    y_ibm,
    loss="bce_probs",
    optimizer="sgd",
    lr=2.0,
    epochs=100,
    batch_size=3,
    record_params=True,
)
path_ibm = trajectory(history, X_ibm, y_ibm, loss="bce_probs")
steps_per_epoch = len(history.step_loss) // 100  # ceil(20 / 3) = 7
# Accuracy at every recorded parameter set: class 1 where w x + b > 0.
logits = path_ibm.w[:, None] * X_ibm[:, 0].to(path_ibm.w) + path_ibm.b[:, None]  # (701, 20)
path_accuracy = ((logits > 0) == (y_ibm[:, 0] == 1).to(logits.device)).double().mean(dim=1)
print(f"{steps_per_epoch} steps per epoch, {len(history.step_loss)} in all")
print("epoch  step       w        b    loss  accuracy")
for epoch in (0, 1, 21, 41, 61, 81, 100):
    step = epoch * steps_per_epoch
    w, b, loss = (float(v[step]) for v in path_ibm)
    print(f"{epoch:5d} {step:5d} {w:7.3f} {b:8.3f} {loss:7.4f}  {float(path_accuracy[step]):.2f}")
first = int(torch.nonzero(path_accuracy == 1.0)[0, 0])
print(
    f"first step with every point classified correctly: {first} (during epoch "
    f"{(first - 1) // steps_per_epoch + 1})"
)
final_loss, final_accuracy = lrkit.training.evaluate(model, X_ibm, y_ibm, loss="bce_probs")
print(f"after 100 epochs: accuracy {final_accuracy:.1f} (the lab reports 1.0)")

with style():
    fig = plt.figure(figsize=(11, 4.6))
ax3d = fig.add_subplot(1, 2, 1, projection="3d", computed_zorder=False)
plot_loss_surface(
    w_axis,
    b_axis,
    Z_ibm,
    kind="surface",
    trajectory=path_ibm,
    colorbar=False,
    title="cross-entropy surface, 3-D",
    ax=ax3d,
)
plot_loss_surface(
    w_axis,
    b_axis,
    Z_ibm,
    trajectory=path_ibm,
    title="cross-entropy, contours",
    ax=fig.add_subplot(1, 2, 2),
)
fig.suptitle("IBM lab: SGD from w = -5, b = -10 (batches of 3, lr 2, 100 epochs)")

# %%
# The start sits high on a slope that falls steadily towards positive
# :math:`w`: the first epoch alone brings the loss from 4.55 to about 2, and
# after 24 steps, in the fourth epoch, every point is classified correctly.
# After that the walk continues slowly along a valley towards larger
# :math:`w`: on separable data the cross-entropy keeps decreasing as the
# sigmoid gets steeper, so there is no finite minimum.
#
# The lab draws the data space every 20 epochs. Below are the start, the end
# of the first epoch, of epoch 21, and of the run: the sigmoid at each step
# (top) and the path walked so far (bottom).
fig = plot_training_snapshots(
    X_ibm,
    y_ibm,
    path_ibm,
    [0, 7, 147, 700],
    surface=(w_axis, b_axis, Z_ibm),
    fig=plt.figure(figsize=(12, 6.2)),
)
fig.suptitle("IBM lab: data space (top) and parameter space (bottom) during training")

# %%
# .. admonition:: Correcting the course material
#
#    The lab's plotting class stores, after each optimiser step, the loss of
#    the batch just used together with the parameters *after* the step, and
#    draws that pair as a point on the surface. That loss was computed before
#    the step, at the old parameters, and on three points rather than all
#    twenty, so the lab's red crosses float above and below its surface. We
#    compute the full-data loss where the parameters are
#    (:func:`lrkit.surfaces.trajectory`).
#
#    The lab's surface also adds :math:`10^{-16}` inside each logarithm. That
#    caps the loss of a single point at :math:`-\ln 10^{-16} = 36.8`: where the
#    sigmoid has saturated, the capped surface is flat at that height instead
#    of rising with :math:`|z|`. On the lab's window in float64 the cap is
#    never reached (the largest :math:`|z|` is 28, printed above), but in
#    float32 it is reached from :math:`|z| \approx 17`, in the far corners of
#    the window. The last section of this page shows the cap next to the true
#    loss.
#
# How far off the lab's pairing of losses and parameters is on this run:
step_loss = torch.tensor(history.step_loss, dtype=torch.float64)  # (700,)
offset = step_loss - path_ibm.loss[1:].cpu().double()  # (700,) plotted minus true
gap = offset.abs()  # (700,)
worst = int(gap.argmax())
print(
    f"the lab's points lie above the surface at {int((offset > 0).sum())} steps "
    f"and below it at {int((offset < 0).sum())}"
)
print(
    f"largest gap between the lab's plotted loss and the surface: {float(gap[worst]):.2f} "
    f"(step {worst + 1}: batch loss {float(step_loss[worst]):.2f}, "
    f"surface {float(path_ibm.loss[worst + 1]):.2f})"
)

# %%
# Cross-entropy against MSE on the tutorial's data
# ------------------------------------------------
# The tutorial trains on :math:`x \in [-2, 2)` with batches of 2, learning
# rate 2 and 50 epochs, and reports that the same model trained with the
# mean squared error between :math:`\sigma(z)` and the labels reached only
# about 57 %. We train both from the bad start: ``"bce"`` (cross-entropy on
# the logits; the tutorial's ``nn.BCELoss`` on probabilities gives the same
# path here, as no sigmoid saturates) and ``"mse_probs"``,
# :math:`(\sigma(z) - y)^2`.
runs = {}
for loss_name in ("bce", "mse_probs"):
    model = bad_start()
    history = lrkit.train(
        model,
        X_mlm,
        y_mlm,
        loss=loss_name,
        optimizer="sgd",
        lr=2.0,
        epochs=50,
        batch_size=2,
        record_params=True,
    )
    runs[loss_name] = (model, history, trajectory(history, X_mlm, y_mlm, loss=loss_name))

for loss_name, (model, history, path) in runs.items():
    predicted_ones = int(model.predict(X_mlm).sum())
    print(
        f"{loss_name:>9}: w = {float(path.w[-1]):7.3f}, b = {float(path.b[-1]):7.3f}, "
        f"accuracy {history.epoch_accuracy[-1]:.3f}, "
        f"points predicted as class 1: {predicted_ones} of {X_mlm.shape[0]}"
    )

# %%
# Cross-entropy reaches accuracy 1.0. MSE ends at 0.575 — it still predicts
# 0 for every point, the 23 of 40 that are labelled 0, which is exactly the
# tutorial's "about 57 %". In 1000 steps it moved :math:`w` from -5 to -3.5
# and made no difference to a single prediction. The surfaces show why.
w_mlm, b_mlm = grid(15, 13, n=61)
surfaces = {name: loss_surface(X_mlm, y_mlm, w_mlm, b_mlm, loss=name) for name in runs}
titles = {"bce": "cross-entropy", "mse_probs": "MSE on the sigmoid"}

with style():
    fig = plt.figure(figsize=(11, 9))
for row, (loss_name, Z) in enumerate(surfaces.items()):
    path = runs[loss_name][2]
    ax3d = fig.add_subplot(2, 2, 2 * row + 1, projection="3d", computed_zorder=False)
    plot_loss_surface(
        w_mlm,
        b_mlm,
        Z,
        kind="surface",
        trajectory=path,
        colorbar=False,
        title=f"{titles[loss_name]}, 3-D",
        ax=ax3d,
    )
    plot_loss_surface(
        w_mlm,
        b_mlm,
        Z,
        trajectory=path,
        title=f"{titles[loss_name]}, contours",
        ax=fig.add_subplot(2, 2, 2 * row + 2),
    )
fig.suptitle("Tutorial's data, from w = -5, b = -10: cross-entropy (top) and MSE (bottom)")

# %%
# The cross-entropy surface rises steeply towards the bad start, so the
# start has a large gradient pointing downhill. The MSE surface is bounded:
# no point can contribute more than 1, and once every point is either right
# or hopelessly wrong the surface is a plateau. The bad start sits on such a
# plateau (the 17 points labelled 1 are hopelessly wrong, the 23 labelled 0
# are right), and SGD only creeps along it.
from lrkit.plotting import plot_loss_curves

with style():
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 3.8))
plot_loss_curves({titles[name]: runs[name][1] for name in runs}, metric="accuracy", ax=axes[0])
axes[0].set_title("accuracy after each epoch")
for ax, loss_name in zip(axes[1:], runs, strict=True):
    path = runs[loss_name][2]
    plot_data_space(
        X_mlm, y_mlm, path.w[-1], path.b[-1], title=f"{titles[loss_name]}, after 50 epochs", ax=ax
    )
fig.suptitle("Tutorial's setting: cross-entropy reaches 1.0, MSE stays at 0.575")

# %%
# The gradient argument
# ---------------------
# Both losses reach :math:`w` and :math:`b` through the logit
# :math:`z = w x + b`, so the difference is in :math:`\partial \ell / \partial z`.
# With :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`:
#
# .. math::
#
#     \ell_\text{CE} = -\bigl[y \ln \sigma(z) + (1 - y) \ln(1 - \sigma(z))\bigr]
#     \;\Rightarrow\;
#     \frac{\partial \ell_\text{CE}}{\partial z} = \sigma(z) - y,
#
# .. math::
#
#     \ell_\text{MSE} = (\sigma(z) - y)^2
#     \;\Rightarrow\;
#     \frac{\partial \ell_\text{MSE}}{\partial z}
#       = 2\,(\sigma(z) - y)\,\sigma(z)\,(1 - \sigma(z)).
#
# For cross-entropy the :math:`\sigma'` of the sigmoid cancels against the
# :math:`1/\sigma` of the logarithm: a point that is badly wrong pulls with
# strength close to 1. MSE keeps the factor :math:`\sigma(1 - \sigma)`, which
# vanishes exactly when the sigmoid saturates — when the point is badly wrong
# *or* clearly right. At the bad start, the positive points have
# :math:`z \le -11`:
z0 = -5.0 * X_mlm - 10.0  # (40, 1) logits at the start
p0 = torch.sigmoid(z0)  # (40, 1)
grad_ce = p0 - y_mlm  # (40, 1)
grad_mse = 2 * (p0 - y_mlm) * p0 * (1 - p0)  # (40, 1)
print("    x       z     sigma(z)  y   dCE/dz     dMSE/dz")
for i in (0, 10, 15, 23, 30, 39):
    print(
        f"{float(X_mlm[i]):5.1f} {float(z0[i]):7.1f}  {float(p0[i]):10.3e}  {int(y_mlm[i])}  "
        f"{float(grad_ce[i]):8.4f}  {float(grad_mse[i]):11.3e}"
    )
positive = y_mlm[:, 0] == 1
slope = (p0 * (1 - p0))[positive]
print(f"largest sigma(1 - sigma) among the 17 points labelled 1: {float(slope.max()):.2e}")

# %%
# The cross-entropy gradient of every positive point is essentially -1: each
# of them pulls as hard as a wrong point can. Their MSE gradients are at most
# :math:`2 \times 10^{-5}`. The only points with a sizeable MSE gradient are
# the negatives near :math:`x = -2`, where :math:`\sigma(z)` is still around
# 0.5, and they ask for *less* class 1. Autograd on the mean losses gives the
# gradients with respect to the parameters themselves (on the CPU: these are
# two scalars), and splits the MSE gradient between the two classes:
from lrkit.losses import binary_cross_entropy_with_logits, mse

X_cpu, y_cpu = X_mlm.cpu(), y_mlm.cpu()
gradients = {}
for name, loss_fn in (
    ("cross-entropy", lambda z: binary_cross_entropy_with_logits(z, y_cpu)),
    ("MSE", lambda z: mse(torch.sigmoid(z), y_cpu)),
):
    w = torch.tensor(-5.0, requires_grad=True)
    b = torch.tensor(-10.0, requires_grad=True)
    loss_fn(w * X_cpu + b).backward()
    gradients[name] = (float(w.grad), float(b.grad))
    print(
        f"{name:>13} at w = -5, b = -10: dL/dw = {float(w.grad):+.5f}, dL/db = {float(b.grad):+.5f}"
    )
ratio_w = gradients["cross-entropy"][0] / gradients["MSE"][0]
print(f"cross-entropy / MSE gradient in w: {ratio_w:.0f}")
n_points = X_mlm.shape[0]
from_positive = float(grad_mse[positive].sum()) / n_points
from_negative = float(grad_mse[~positive].sum()) / n_points
print(
    f"MSE dL/db, part from the 17 points labelled 1: {from_positive:+.1e}, "
    f"from the 23 labelled 0: {from_negative:+.5f}"
)

# %%
# Both gradients in :math:`w` are negative, so SGD (which subtracts them)
# raises :math:`w`; the cross-entropy one is 18 times stronger. In :math:`b`
# they disagree. Cross-entropy raises :math:`b`, towards predicting class 1
# for the positives. MSE *lowers* it: its gradient in :math:`b` comes almost
# entirely from the negatives near :math:`x = -2`, which it pushes further
# towards 0, deeper into the plateau (the run above took :math:`b` from -10
# to -10.76). The positive points, the ones that need fixing, have no say.
#
# With the tutorial's full listing the story is different, because that
# listing never sets :math:`w = -5, b = -10`: after ``torch.manual_seed(0)``
# the model starts where torch's initialisation puts it. From there, on
# gentle slopes, even MSE finds the solution:
for loss_name in ("bce_probs", "mse_probs"):
    torch.manual_seed(0)
    model = lrkit.LogisticRegression(1)
    start = (model.linear.weight.detach().item(), model.linear.bias.detach().item())
    history = lrkit.train(
        model, X_mlm, y_mlm, loss=loss_name, optimizer="sgd", lr=2.0, epochs=50, batch_size=2
    )
    print(
        f"{loss_name:>9} from w = {start[0]:.4f}, b = {start[1]:.4f}: "
        f"accuracy {history.epoch_accuracy[-1]:.3f}"
    )

# %%
# .. admonition:: Correcting the course material
#
#    The tutorial prints the parameters ``-5`` and ``-10`` before training,
#    but its complete listing contains no line that sets them: run as
#    published, it trains from torch's random initialisation (the
#    :math:`w = -0.0075, b = 0.5364` it printed a few paragraphs earlier,
#    reproduced above), where the comparison with MSE loses its point. We set
#    the bad start explicitly (``bad_start`` above). The tutorial also
#    measures its "accuracy on test data" on the very points it trained on;
#    :ref:`sphx_glr_auto_examples_plot_09_train_test_split.py` holds data out
#    properly.
#
# The textbook formula when the sigmoid saturates
# ------------------------------------------------
# So far no sigmoid was saturated in float32, and the textbook formula on
# probabilities gave the same numbers as the loss on logits. Widen the data
# to :math:`x \in [-10, 10)` and keep the bad start: for the negative points
# on the left, :math:`z = -5x - 10` reaches 40, and in float32
# :math:`\sigma(z)` rounds to exactly 1 from :math:`z \approx 17`. Then
# :math:`\log(1 - \sigma(z)) = \log 0 = -\infty`.
import torch.nn.functional as F

from lrkit.losses import binary_cross_entropy

X_wide, y_wide = lrkit.data.step_data(-10.0, 10.0)  # (200, 1)
X_wide, y_wide = X_wide.cpu(), y_wide.cpu()
p_wide = torch.sigmoid(-5.0 * X_wide - 10.0)  # (200, 1) float32
print(
    f"{X_wide.shape[0]} points; sigmoid exactly 1: {int((p_wide == 1).sum())}, "
    f"exactly 0: {int((p_wide == 0).sum())}"
)


def naive(p, y):
    """The textbook formula, typed in as is."""
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


variants = {
    "textbook formula": lambda z: naive(torch.sigmoid(z), y_wide),
    "torch F.binary_cross_entropy": lambda z: F.binary_cross_entropy(torch.sigmoid(z), y_wide),
    "lrkit binary_cross_entropy": lambda z: binary_cross_entropy(torch.sigmoid(z), y_wide),
    "lrkit bce with logits": lambda z: binary_cross_entropy_with_logits(z, y_wide),
}
for name, loss_fn in variants.items():
    w = torch.tensor(-5.0, requires_grad=True)
    b = torch.tensor(-10.0, requires_grad=True)
    value = loss_fn(w * X_wide + b)
    value.backward()
    print(
        f"{name:>29}: loss {value.detach().item():9.4f}   dL/dw {float(w.grad):+9.4f}   "
        f"dL/db {float(b.grad):+8.4f}"
    )

x64, y64 = X_wide.double(), y_wide.double()
z64 = -5.0 * x64 - 10.0  # (200, 1) float64
exact = (F.softplus(z64) - y64 * z64).mean()
exact_dw = ((torch.sigmoid(z64) - y64) * x64).mean()
exact_db = (torch.sigmoid(z64) - y64).mean()
print(
    f"{'exact, float64':>29}: loss {float(exact):9.4f}   dL/dw {float(exact_dw):+9.4f}   "
    f"dL/db {float(exact_db):+8.4f}"
)

# %%
# The formula as typed gives an infinite loss and ``nan`` gradients: one
# saturated point poisons the whole batch. torch's ``binary_cross_entropy``
# (and lrkit's, which matches it) clamps each logarithm at -100: the loss is
# finite, but each of the 47 saturated points counts 100 instead of its true
# :math:`z`, and — worse — contributes *zero* gradient, since the clamp is
# flat. Those points are the most wrong of all, and the loss ignores them:
# its gradient in :math:`w` is five times too small. The loss on logits,
# :math:`(1 - y) z - \log \sigma(z)` computed with a stable log-sigmoid,
# agrees with the float64 value and gives every point its gradient
# :math:`\sigma(z) - y`.
#
# The figure shows the loss of one point labelled 0 as its logit grows,
# under each formula, including the lab's :math:`\log(p + 10^{-16})`.
z = torch.linspace(0.0, 60.0, 601)  # (601,)
zeros = torch.zeros_like(z)
curves = {
    "true loss (on logits)": binary_cross_entropy_with_logits(
        z.double(), zeros.double(), reduction="none"
    ),
    "clamped at 100, float32 (torch)": binary_cross_entropy(
        torch.sigmoid(z), zeros, reduction="none"
    ),
    "lab's log(1 - p + 1e-16), float32": -torch.log(1 - torch.sigmoid(z) + 1e-16),
    "lab's log(1 - p + 1e-16), float64": -torch.log(1 - torch.sigmoid(z.double()) + 1e-16),
}
print(f"{'z':>5}  " + "  ".join(f"{h:>8}" for h in ("true", "clamp32", "lab f32", "lab f64")))
for value in (10.0, 17.0, 20.0, 30.0, 40.0, 60.0):
    i = round(value * 10)  # z[i] == value
    print(f"{value:5.0f}  " + "  ".join(f"{float(c[i]):8.4f}" for c in curves.values()))

with style():
    fig, ax = plt.subplots(figsize=(7, 4.2))
for (name, values), ls in zip(curves.items(), ("-", "--", "-.", ":"), strict=True):
    ax.plot(z.numpy(), values.cpu().numpy(), linestyle=ls, label=name)
ax.axhline(36.84, color="0.5", linewidth=0.8)
ax.set_xlabel("logit z of a point labelled 0")
ax.set_ylabel("loss of that point")
ax.set_title("One wrong point: the true loss keeps growing, the patched formulas go flat")
ax.legend(loc="lower right")

# %%
# In float32, :math:`1 - \sigma(z)` loses its digits before it becomes 0 (at
# :math:`z = 10` the lab's formula already gives 9.9996), and from
# :math:`z \approx 17` it is exactly 0: the lab's formula is flat at 36.8 and
# torch's clamp at 100; in float64 it follows the truth until
# :math:`z` nears 36.8, then flattens too. A flat loss means no gradient: on that part of a
# surface, gradient descent cannot tell a bad model from a terrible one.
#
# What we learned
# ---------------
# * A loss surface over :math:`(w, b)` shows training as a walk; computing
#   it as one broadcast takes milliseconds, and the path belongs on it only
#   when each point's loss is computed at that point's parameters.
# * From :math:`w = -5, b = -10`, cross-entropy reaches accuracy 1.0 (the
#   lab's setting and the tutorial's), while MSE on the sigmoid stays at
#   0.575, predicting class 0 everywhere.
# * The reason is one factor: :math:`\partial \ell / \partial z` is
#   :math:`\sigma - y` for cross-entropy, but
#   :math:`2(\sigma - y)\sigma(1 - \sigma)` for MSE, which vanishes for
#   saturated, badly wrong points.
# * Compute the cross-entropy from logits. Clamps and :math:`+10^{-16}`
#   patches keep the numbers finite but flatten the loss exactly where the
#   model is most wrong.
#
# :ref:`sphx_glr_auto_examples_plot_06_mse_vs_cross_entropy.py` repeats the
# comparison on a neural network, where the effect is statistical rather
# than all-or-nothing. The concept pages :doc:`/concepts/why-not-mse` and
# :doc:`/concepts/numerics` develop the two arguments of this page.
