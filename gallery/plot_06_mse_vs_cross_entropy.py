r"""
MSE or cross-entropy for a neural-network classifier
====================================================

The lecture behind this lesson trains a small neural network on two noisy
bands twice, once with the mean squared error and once with cross-entropy,
and compares one test accuracy of each. We repeat the experiment with the
lecture's data (:func:`lrkit.data.bands`), network (:class:`lrkit.MLP`
initialised by :func:`lrkit.models.init_normal_`) and settings, and judge the
networks on a separate test set with :func:`lrkit.training.predict`; then we
do what one run per loss cannot: train 30 independently seeded networks for
each of three losses, including the mistaken softmax-before-cross-entropy the
lecture's code runs, in one batched computation with
:func:`lrkit.train_ensemble` (the batched counterpart of :func:`lrkit.train`),
and compare the spread of their test accuracies.
Figures come from :func:`lrkit.plotting.plot_points`,
:func:`lrkit.plotting.plot_loss_curves`,
:func:`lrkit.plotting.plot_predictions` and
:func:`lrkit.plotting.plot_accuracy_boxes`.
"""

# %%
# Two bands that overlap
# ----------------------
#
# The data follow the lecture: :math:`x` runs from -10 to 10 in steps of 0.25,
# the curve is :math:`f(x) = 3x^3 + 2x^2 + 5x`, and both are scaled to
# :math:`[0, 1]`. Each :math:`x` gives a point of class 0 at height
# :math:`f + u` and a point of class 1 at :math:`f - u'`, with offsets
# :math:`u, u'` drawn uniformly from :math:`[-0.1, 0.3]`. The training set has
# 80 values of :math:`x`, so 160 points. For testing we draw a separate set
# with another seed and a finer grid (100 values, 200 points), so no test point
# repeats a training point.
import matplotlib.pyplot as plt
import numpy as np
import torch

import lrkit
from lrkit.plotting import plot_points, style

X_train, y_train = lrkit.data.bands(n_points=80, seed=0)
X_test, y_test = lrkit.data.bands(n_points=100, seed=1)
print(f"training points: {X_train.shape[0]}, test points: {X_test.shape[0]}")

with style():
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, X, y, name in zip(
    axes, (X_train, X_test), (y_train, y_test), ("Training", "Test"), strict=True
):
    plot_points(X, y, ax=ax)
    ax.set_title(f"{name} set: {X.shape[0]} points")
fig.suptitle("Two noisy bands around a cubic")
plt.show()

# %%
# No classifier beats 75 % on average
# -----------------------------------
#
# Measure each point's height above the curve, :math:`d = x_2 - f(x_1)`.
# Class 0 spreads uniformly over :math:`d \in [-0.1, 0.3]` and class 1 over
# :math:`d \in [-0.3, 0.1]`. Above :math:`d = 0.1` only class 0 occurs, below
# :math:`d = -0.1` only class 1, but in the strip :math:`-0.1 < d < 0.1` both
# are equally likely: half of each band lies in it, and there no rule can do
# better than a coin toss. The best possible classifier (the *Bayes
# classifier*) is therefore right, on average, for
# :math:`\tfrac12 \cdot 1 + \tfrac12 \cdot \tfrac12 = 75\,\%` of the points.
#
# *On average* matters. Any boundary that runs inside the strip is equally
# good in expectation, but on a finite test set the coin tosses in the strip
# favour some boundaries over others. We check this by hand, with the true
# curve (:func:`lrkit.data.bands_curve`), which a model never sees: a boundary
# at height :math:`c` above the curve calls class 1 below it, and every
# :math:`c` between -0.1 and 0.1 is a Bayes classifier.
offset = X_test[:, 1] - lrkit.data.bands_curve(X_test[:, 0])  # (200,)
print(
    f"share of test points in the overlap strip: "
    f"{float((offset.abs() < 0.1).float().mean()):.3f} (expected 0.5)"
)
bayes_scores = []
for c in (-0.1, -0.05, 0.0, 0.05, 0.1):
    score = float(((offset < c).long() == y_test).float().mean())
    bayes_scores.append(score)
    print(f"boundary {c:+.2f} above the curve: test accuracy {score:.3f}")
print(
    f"equally good rules score from {min(bayes_scores):.3f} to {max(bayes_scores):.3f} "
    f"on this test set"
)

# %%
# So on these 200 test points a score a few points above 0.75 is luck of the
# draw, not a classifier beating the limit, and a few points below is not a
# failure either. The standard error of an accuracy near 0.75 measured on 200
# points is :math:`\sqrt{0.75 \cdot 0.25 / 200} \approx 0.031`. Keep that
# yardstick in mind for everything below.

# %%
# One network, three losses
# -------------------------
#
# The network is the lecture's: 2 inputs, three hidden layers of 50, 100 and 50
# ReLU units, every weight and bias drawn from :math:`\mathcal{N}(0, 0.02^2)`;
# Adam with learning rate 0.005, mini-batches of 5 in a new random order every
# epoch, 500 epochs (16,000 steps). Only the output layer and the loss change.
#
# **MSE** (``loss="mse"``): one output :math:`z` regresses the label 0 or 1,
# :math:`\ell = (z - y)^2`, and a point is called class 1 when
# :math:`z > 0.5`.
#
# **Cross-entropy** (``loss="ce"``): two outputs :math:`z_0, z_1` are logits,
# :math:`\ell = -\ln \operatorname{softmax}(\mathbf{z})_y`, and the larger
# logit wins.
#
# **Softmax, then cross-entropy** (``loss="ce_after_softmax"``): the mistake
# of feeding *probabilities* to a loss that applies its own softmax
# (``torch.nn.CrossEntropyLoss`` expects logits). The loss becomes
# :math:`-\ln \operatorname{softmax}(\operatorname{softmax}(\mathbf{z}))_y`.
# Its inputs lie in :math:`[0, 1]`, so they differ by at most 1; the
# "probability" of the right class can never exceed
# :math:`e / (1 + e) \approx 0.731` and the loss never falls below
# :math:`\ln(1 + e^{-1}) \approx 0.313`, however confident and right the
# network is. The decision (the largest output) is unchanged, since softmax
# preserves the order.
#
# One run proves little (see below), so we train 30 networks per loss, seeds 0
# to 29: network :math:`i` starts from the weights ``torch.manual_seed(i)``
# gives and sees the mini-batches in the order seed :math:`i` draws, with the
# test loss and accuracy recorded after every epoch (``validation_data``).
# :func:`lrkit.train_ensemble` trains all 30 as one batched computation
# (stacked weights, one fused Adam update per step), many times faster than 30
# separate runs, and hands back one :class:`~lrkit.training.History` per seed,
# with the trained network in ``History.model``.
from functools import partial

from lrkit.models import init_normal_

LOSSES = {"MSE": ("mse", 1), "CE": ("ce", 2), "softmax + CE": ("ce_after_softmax", 2)}
SETTINGS = dict(optimizer="adam", lr=0.005, epochs=500, batch_size=5, shuffle=True)


def lecture_net(n_outputs):
    """The lecture's network, every parameter drawn from N(0, 0.02^2)."""
    return init_normal_(lrkit.MLP(2, n_outputs))


SEEDS = range(30)
ensembles = {
    name: lrkit.train_ensemble(
        partial(lecture_net, n_outputs),
        X_train,
        y_train,
        seeds=SEEDS,
        loss=loss,
        validation_data=(X_test, y_test),
        **SETTINGS,
    )
    for name, (loss, n_outputs) in LOSSES.items()
}

# %%
# First, as the lecture did, one network for each of its two losses: seed 0.
single = {name: ensembles[name][0] for name in ("MSE", "CE")}
for name, history in single.items():
    print(
        f"{name:<4} final training loss {history.epoch_loss[-1]:.4f}, "
        f"test loss {history.val_loss[-1]:.4f}"
    )

# %%
# The loss curves, per epoch, on training and test data. The two losses are in
# different units (a squared error against a cross-entropy in nats), so compare
# the shapes, not the heights. The training loss is the mean over each epoch's
# mini-batches while the weights move; the test loss is measured after the
# epoch. Both are jagged: with batches of 5, every step follows a noisy
# gradient. The MSE curves stay together. The cross-entropy network's training
# loss falls away from its test loss in the last few hundred epochs: it starts
# to carve out individual training points inside the overlap strip, which
# cannot carry over to new points.
from lrkit.plotting import plot_loss_curves

with style():
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
for ax, (name, history) in zip(axes, single.items(), strict=True):
    plot_loss_curves(
        {"training": history.epoch_loss, "test": history.val_loss}, ax=ax, ylabel="mean loss"
    )
    ax.set_title(f"{name}, seed 0")
fig.suptitle("Loss per epoch")
plt.show()

# %%
# Predictions on the test set
# ---------------------------
#
# Each network labels the 200 test points; colours are the *predicted* class
# and the ringed points are wrong. :func:`lrkit.training.predict` applies each
# loss's decision rule (threshold 0.5 for MSE, largest logit for CE).
from lrkit.plotting import plot_predictions

with style():
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, (name, history) in zip(axes, single.items(), strict=True):
    pred = lrkit.training.predict(history.model, X_test, loss=LOSSES[name][0])
    n_right = int((pred.reshape(-1) == y_test).sum())
    plot_predictions(X_test, y_test, pred, ax=ax)
    ax.legend(loc="lower right", fontsize="small")  # the corner the bands leave empty
    ax.set_title(f"{name}: test accuracy {history.val_accuracy[-1]:.3f}")
    print(
        f"{name:<4} test accuracy {history.val_accuracy[-1]:.3f} ({n_right} of {len(y_test)} right)"
    )
fig.suptitle("Test points coloured by prediction, wrong ones ringed")
plt.show()

# %%
# Both networks get the clear-cut points right and err only inside the overlap
# strip, where nothing beats guessing. The gap between their accuracies, a few
# test points out of 200, is within the noise computed above (one standard
# error is about 3 percentage points).
#
# .. admonition:: Correcting the course material
#
#    - **Epochs.** The lecture's loop runs ``for epoch in range(1, 500)``, which
#      is 499 epochs, not 500. We run 500.
#    - **Argument order.** Its MSE step computes the loss as
#      ``loss_func(target, prediction)``; PyTorch's losses take the prediction
#      first. For the squared error the order does not matter (it is
#      symmetric), but for cross-entropy or any asymmetric loss the swap is a
#      silent bug, so we never write it.
#    - **A softmax too many.** Its cross-entropy loop applies ``softmax`` to the
#      network's outputs and passes the probabilities to
#      ``CrossEntropyLoss``, which applies log-softmax itself. That is the
#      third loss below, ``ce_after_softmax``; correct cross-entropy takes the
#      raw logits (``loss="ce"``).
#    - **One run on 32 points.** The slides report a test accuracy of 0.72
#      (23 correct) for cross-entropy and 0.66 (21 correct) for MSE. Both
#      counts imply a test set of 32 points, so a single point moves the
#      accuracy by about 3 percentage points, and the standard error of an
#      accuracy near 0.7 on 32 points is about 8 points. Two points more or
#      fewer, in one run from one seed, cannot rank two losses; the box plot
#      below compares them properly.
lecture = {"CE": (23, 0.72), "MSE": (21, 0.66)}
print(
    "lecture: test-set size implied by the counts:",
    ", ".join(f"{n}/{acc} = {n / acc:.1f}" for n, acc in lecture.values()),
)
print(f"one test point out of 32 = {1 / 32:.3f} of accuracy")
print(f"standard error of an accuracy of 0.70 on 32 points: {np.sqrt(0.7 * 0.3 / 32):.3f}")
print(f"standard error of an accuracy of 0.75 on 200 points: {np.sqrt(0.75 * 0.25 / 200):.3f}")
print(f"{'loss':<6}{'lecture (32 points)':>21}{'ours (200 points)':>19}")
for name in ("MSE", "CE"):
    print(f"{name:<6}{lecture[name][1]:>21.2f}{single[name].val_accuracy[-1]:>19.3f}")

# %%
# Thirty seeds per loss
# ---------------------
#
# To compare the losses rather than single runs, we use all 30 networks of
# each loss, the third loss included. Each network's final test accuracy,
# ``History.val_accuracy[-1]``, is one point of the box plot.
accuracies = {
    name: np.array([h.val_accuracy[-1] for h in histories]) for name, histories in ensembles.items()
}

print(f"test accuracy of {len(SEEDS)} networks per loss (200 test points each)")
print(f"{'loss':<14}{'median':>8}{'mean':>8}{'min':>8}{'max':>8}")
for name, acc in accuracies.items():
    print(f"{name:<14}{np.median(acc):>8.3f}{acc.mean():>8.3f}{acc.min():>8.3f}{acc.max():>8.3f}")

# %%
# The dashed line is the Bayes limit, 0.75 on average.
from lrkit.plotting import plot_accuracy_boxes

ax = plot_accuracy_boxes(accuracies, ylabel="test accuracy")
ax.axhline(0.75, color="black", linestyle="--", linewidth=1, label="Bayes limit (on average)")
ax.legend(loc="lower left")
ax.set_title(f"Test accuracy of {len(SEEDS)} networks per loss")
plt.show()

# %%
# Networks that never learned
# ---------------------------
#
# The lowest points of the two cross-entropy boxes sit at exactly 0.5: those
# networks predict one class for every input. Their training curves show why.
# A network whose output does not depend on its input can do no better than
# the constant that matches the class balance, which costs
# :math:`\ln 2 \approx 0.693` in cross-entropy, with or without the extra
# softmax, and :math:`0.25` in squared error. We count the networks whose
# training loss stayed within 0.01 of that constant in every epoch.
LN2 = float(np.log(2.0))
CONSTANT_LOSS = {"MSE": 0.25, "CE": LN2, "softmax + CE": LN2}
collapsed = {
    name: [
        bool(np.all(np.abs(np.array(h.epoch_loss) - CONSTANT_LOSS[name]) < 0.01)) for h in histories
    ]
    for name, histories in ensembles.items()
}
for name in LOSSES:
    stuck = [s for s, flag in zip(SEEDS, collapsed[name], strict=True) if flag]
    print(
        f"{name:<14} stuck at the loss of a constant ({CONSTANT_LOSS[name]:.3f}): "
        f"{len(stuck):>2} of {len(SEEDS)}" + (f", seeds {stuck}" if stuck else "")
    )
both = [
    s for s, a, b in zip(SEEDS, collapsed["CE"], collapsed["softmax + CE"], strict=True) if a and b
]
print(f"seeds stuck with both cross-entropy losses: {both}")

with style():
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
for ax, (name, histories) in zip(axes, ensembles.items(), strict=True):
    plot_loss_curves([h.epoch_loss for h in histories], ax=ax, ylabel="training loss")
    ax.get_legend().remove()  # 30 runs need no legend
    for line in ax.get_lines():
        line.set_linewidth(0.8)
    ax.axhline(CONSTANT_LOSS[name], color="black", linestyle=":", linewidth=1)
    ax.set_title(name)
axes[2].axhline(float(np.log1p(np.exp(-1.0))), color="black", linestyle="--", linewidth=1)
fig.suptitle(f"Training loss per epoch of all {len(SEEDS)} networks per loss")
plt.show()

# %%
# Dotted: the loss of a constant prediction; dashed (right): the floor of 0.313
# of the softmax + CE loss, far below where its curves level off. The stuck
# networks are the flat lines at :math:`\ln 2` from the first epoch to the
# last: they never started. The cause is the lecture's initialisation. With
# every weight *and bias* drawn from :math:`\mathcal{N}(0, 0.02^2)`, the
# hidden units carry almost no signal at the start, while Adam moves every
# parameter by about the learning rate, 0.005, per step, a quarter of the
# initial spread. If these first steps push the last hidden layer's units
# below zero for every input,
# the ReLUs pass nothing, no gradient reaches anything below them, and the
# network is stuck for good (a *dead* layer). We check it on the first stuck
# seed: in its trained network we count, in each hidden layer, the units that
# are positive for at least one training point.
first_stuck = next(s for s, flag in zip(SEEDS, collapsed["CE"], strict=True) if flag)
history = ensembles["CE"][first_stuck]
net = history.model
with torch.no_grad():
    h = X_train.to(next(net.parameters()).device)
    alive = []
    for layer in net.layers:
        h = layer(h)
        if isinstance(layer, torch.nn.ReLU):
            alive.append(int((h > 0).any(dim=0).sum()))
print(f"CE, seed {first_stuck}: training loss after 500 epochs {history.epoch_loss[-1]:.4f}")
print(f"units alive in the hidden layers (of 50, 100, 50): {alive}")

# %%
# The last hidden layer is dead. MSE did not lose a single network to this in
# 30 seeds; a likely reason is that at the start every MSE target pulls the
# single output the same way (from about 0 towards the mean label, 0.5), a
# steady signal, while the two logits of cross-entropy are pulled in opposite
# directions that cancel over a balanced batch. Mostly the same seeds collapse
# with and without the extra softmax (listed above): those networks start from
# the same weights and see the same batches, so the die is cast in the first
# steps. PyTorch's default initialisation, which scales each layer's weights by
# its width, makes such collapses rare; here we keep the lecture's to reproduce
# its experiment.
#
# How big are the differences? Over all networks, and over those that trained:
mse_mean = accuracies["MSE"].mean()
mse_var = accuracies["MSE"].var(ddof=1) / len(SEEDS)
for name in ("CE", "softmax + CE"):
    acc = accuracies[name]
    trained = acc[~np.array(collapsed[name])]
    se = np.sqrt(trained.var(ddof=1) / trained.size + mse_var)
    print(
        f"mean accuracy, {name} minus MSE: all networks {acc.mean() - mse_mean:+.3f}, "
        f"trained networks only {trained.mean() - mse_mean:+.3f} (standard error {se:.3f})"
    )
for name, acc in accuracies.items():
    trained = acc[~np.array(collapsed[name])]
    print(
        f"{name:<14} trained networks: {trained.size:>2}, median {np.median(trained):.3f}, "
        f"mean {trained.mean():.3f}, min {trained.min():.3f}"
    )

# %%
# What the box plot shows
# -----------------------
#
# - **Cross-entropy does not beat MSE here.** Among networks that trained, the
#   three losses land at the same place: medians and means within about a point
#   of each other, differences of the order of their standard errors (printed
#   above), and a little above 0.75, which on this test set is the luck of the
#   draw (equally good rules scored from 0.715 to 0.790 on it). The slides' 6-point lead of
#   cross-entropy was one run on 32 points: noise.
# - **What separates them is reliability.** With the lecture's initialisation,
#   about a quarter of the cross-entropy networks died before learning
#   anything, and none of the MSE networks did. Their means are lower for that
#   reason alone.
# - **The extra softmax changed the loss, not the decisions.** Its accuracies
#   are those of plain cross-entropy, within the noise; its loss sits on a floor of 0.313 and is no
#   longer the log-probability of anything. On this easy problem the damped
#   gradients cost nothing visible; the loss values, however, are meaningless.
#
# This does not overturn the case for cross-entropy (see
# :doc:`/concepts/why-not-mse`): its gradient does not vanish when a sigmoid
# or softmax saturates, its outputs are probabilities, and for a linear model
# it is convex. Those advantages matter most for logistic models and for
# outputs that start confidently wrong; an MLP with a linear output that starts
# near zero, as here, can regress 0 and 1 about as well.

# %%
# Takeaways
# ---------
#
# - With overlapping classes no classifier beats the Bayes limit (75 % here, on
#   average); judge scores against it, and against the noise of the test set.
# - One run on a small test set is an anecdote. Repeat over seeds (cheap with
#   :func:`lrkit.train_ensemble`) and look at the whole distribution: here it
#   revealed dead networks a single run would have hidden or blamed on the
#   loss.
# - Feed cross-entropy raw logits; a softmax before
#   ``torch.nn.CrossEntropyLoss`` silently changes the loss.
#
# The lecture's homework, the same comparison with four classes, is worked out
# in :ref:`sphx_glr_auto_examples_plot_07_four_classes.py`. The losses
# themselves are compared in :doc:`/concepts/why-not-mse` and
# :doc:`/concepts/cross-entropy`, and with a logistic model in
# :ref:`sphx_glr_auto_examples_plot_03_cross_entropy_by_hand.py`.
