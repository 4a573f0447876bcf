r"""
Cascading logistic regressions: from XOR to neural networks
===========================================================

One logistic regression draws one straight line, and some problems cannot
be solved by any line. The exclusive-or (:func:`lrkit.data.xor`) is the
smallest of them. The lecture's way out is to cascade logistic regressions:
two of them turn the inputs into new features in which the classes *are*
separable by a line, and a third one draws that line. We build the cascade
by hand from three :class:`lrkit.LogisticRegression` units, write the same
thing as a small network (:class:`lrkit.MLP` with sigmoid hidden units),
train it with :func:`lrkit.train`, and look at what it learned in the input
space and in the new feature space with
:func:`lrkit.plotting.plot_decision_boundary` and
:func:`lrkit.plotting.plot_points`. This is a neural network, seen as what
it is built from.
"""

# %%
# The exclusive-or
# ----------------
# Four points, the corners of the unit square. Label 1 where exactly one
# coordinate is 1:
import torch

import lrkit

X4, y4 = lrkit.data.xor()  # (4, 2), (4, 1)
for (x1, x2), label in zip(X4.tolist(), y4[:, 0].tolist(), strict=True):
    print(f"x = ({x1:.0f}, {x2:.0f})  ->  y = {label:.0f}")

# %%
# No line can do it
# -----------------
# A logistic regression predicts class 1 where :math:`w_1 x_1 + w_2 x_2 + b > 0`.
# To get all four corners right it would need
#
# .. math::
#
#     b < 0 \;\; (0, 0), \qquad w_2 + b > 0 \;\; (0, 1), \qquad
#     w_1 + b > 0 \;\; (1, 0), \qquad w_1 + w_2 + b < 0 \;\; (1, 1).
#
# Add the two middle conditions: :math:`w_1 + w_2 + 2b > 0`, so
# :math:`w_1 + w_2 + b > -b > 0` by the first — contradicting the last. At
# most three corners can be right: accuracy 0.75 is the ceiling. A hundred
# thousand random lines agree:
generator = torch.Generator().manual_seed(0)
lines = torch.randn(100_000, 3, generator=generator)  # (w1, w2, b) per row
z = X4.cpu() @ lines[:, :2].T + lines[:, 2]  # (4, 100000): one column per line
accuracy = ((z > 0).float() == y4.cpu()).float().mean(dim=0)  # (100000,)
print(f"best accuracy among 100,000 random lines: {float(accuracy.max()):.2f}")
print(f"lines reaching it: {float((accuracy == 0.75).float().mean()):.1%}")

# %%
# Training does not find even that. Cross-entropy rewards confident right
# answers and punishes confident wrong ones; on the four corners every line
# that gets three right is confidently wrong on the fourth, and the best the
# model can do is to admit it knows nothing, :math:`w = 0, b = 0`,
# :math:`\sigma = 0.5` everywhere, with the loss :math:`\ln 2`:
torch.manual_seed(0)
single = lrkit.LogisticRegression(2)
history = lrkit.train(single, X4, y4, loss="bce", optimizer="sgd", lr=1.0, epochs=300)
print(f"cross-entropy after 300 epochs: {history.epoch_loss[-1]:.4f} (ln 2 = 0.6931)")
print(
    "P(y = 1) at the four corners:", [f"{p:.4f}" for p in single.predict_proba(X4)[:, 0].tolist()]
)

# %%
# The same happens on noisy clouds around the corners, 50 points each, which
# give nicer pictures: a trained logistic regression stays close to 0.5
# everywhere and scores near chance, while the line of the first panel below,
# "at least one coordinate is large", gets three clouds out of four.
import matplotlib.pyplot as plt

from lrkit.plotting import plot_decision_boundary, plot_points, style

X, y = lrkit.data.xor(50, noise=0.15, seed=0)  # (200, 2), (200, 1)


def unit(w, b):
    """A logistic regression on two inputs with hand-picked weights."""
    model = lrkit.LogisticRegression(2)
    with torch.no_grad():
        model.linear.weight.copy_(torch.tensor([w]))
        model.linear.bias.fill_(b)
    return model


torch.manual_seed(0)
single_clouds = lrkit.LogisticRegression(2)
history = lrkit.train(single_clouds, X, y, loss="bce", optimizer="sgd", lr=1.0, epochs=300)
or_line = unit([6.0, 6.0], -3.0)
_, or_accuracy = lrkit.training.evaluate(or_line, X, y, loss="bce")
print(f"trained logistic regression on the clouds: accuracy {history.epoch_accuracy[-1]:.3f}")
print(f"the line x1 + x2 = 0.5 on the clouds:      accuracy {or_accuracy:.3f}")

limits = ((-0.6, 1.6), (-0.6, 1.6))
with style():
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 4.4), sharey=True)
plot_decision_boundary(or_line, X, y, limits=limits, colorbar=False, ax=axes[0])
axes[0].set_title(f"a hand-picked line: accuracy {or_accuracy:.2f}")
plot_decision_boundary(single_clouds, X, y, limits=limits, ax=axes[1])
axes[1].set_title(f"trained by cross-entropy: accuracy {history.epoch_accuracy[-1]:.2f}")
axes[1].set_ylabel("")
for ax in axes:
    ax.get_legend().set_loc("lower center")
    ax.set_aspect("equal")
fig.suptitle("One logistic regression on XOR: three clouds out of four at best")

# %%
# Two logistic regressions make new features
# ------------------------------------------
# The idea of the lecture: feed the inputs to *two* logistic regressions and
# use their outputs as new features :math:`(x_1', x_2')`. We pick the weights
# by hand; the numbers are our choice, any similar ones would do.
# Both units look at :math:`x_1 + x_2`, with different thresholds:
#
# .. math::
#
#     x_1' = \sigma(6 x_1 + 6 x_2 - 3) \approx [\text{at least one input is 1}],
#     \qquad
#     x_2' = \sigma(6 x_1 + 6 x_2 - 9) \approx [\text{both inputs are 1}].
#
# The corner :math:`(0, 0)` goes to about :math:`(0, 0)`, :math:`(1, 1)` to
# about :math:`(1, 1)`, and the two corners of class 1 both land near
# :math:`(1, 0)`:
first = unit([6.0, 6.0], -3.0)  # "at least one"
second = unit([6.0, 6.0], -9.0)  # "both"


def new_features(points):
    """(x1', x2'): the outputs of the first two units, side by side."""
    return torch.cat([first.predict_proba(points), second.predict_proba(points)], dim=1)


H4 = new_features(X4)  # (4, 2)
print("  x1 x2   y      x1'     x2'")
for (x1, x2), label, (h1, h2) in zip(X4.tolist(), y4[:, 0].tolist(), H4.tolist(), strict=True):
    print(f"  {x1:.0f}  {x2:.0f}   {label:.0f}   {h1:.4f}  {h2:.4f}")

# %%
# In the new features the classes sit on opposite sides of a line: class 1
# has :math:`x_1'` high and :math:`x_2'` low, class 0 does not. A third
# logistic regression on :math:`(x_1', x_2')` draws that line,
#
# .. math::
#
#     P(y = 1 \mid x) = \sigma(10 x_1' - 10 x_2' - 5),
#
# "at least one, but not both" — which is the exclusive-or.
third = unit([10.0, -10.0], -5.0)
p4 = third.predict_proba(H4)  # (4, 1)
print("P(y = 1) at the four corners:", [f"{p:.4f}" for p in p4[:, 0].tolist()])
print(f"accuracy on the four corners: {float(((p4 > 0.5).float() == y4).float().mean()):.2f}")

H = new_features(X)  # (200, 2)
cascade_accuracy = float(((third.predict_proba(H) > 0.5).float() == y).float().mean())
print(f"accuracy on the 200 noisy points: {cascade_accuracy:.3f}")

# %%
# The four corners are all right. On the noisy clouds a few points near the
# unit's thresholds land on the wrong side, as they would for any boundary
# drawn between clouds that touch.
#
# The classes are now linearly separable, so *any* way of fitting a logistic
# regression in the new features works; the hand-picked third unit is not
# special. scikit-learn-style, with :class:`lrkit.LogisticRegressionClassifier`:
fitted_third = lrkit.LogisticRegressionClassifier(C=1.0).fit(H, y)
print(f"logistic regression fitted on (x1', x2'): accuracy {fitted_third.score(H, y):.3f}")

# %%
# Three pictures tell the story. In the input space the two units draw two
# parallel lines, :math:`x_1 + x_2 = 0.5` and :math:`x_1 + x_2 = 1.5`; class 1
# lies between them. In the new feature space the points are squeezed to
# three corners of the unit square, and one line separates the classes.
# Mapped back to the input space, that line becomes the band between the two
# lines: a boundary no single logistic regression can draw.
import numpy as np


def draw_unit_lines(ax, weight, bias):
    """The boundaries w . x + b = 0 of hidden units, one row of weight each."""
    x1 = np.array(ax.get_xlim())
    for k, (w, b) in enumerate(zip(weight.tolist(), bias.tolist(), strict=True)):
        ax.plot(
            x1,
            -(w[0] * x1 + b) / w[1],
            "--",
            color="0.2",
            linewidth=1.4,
            label=f"unit {k + 1}: {w[0]:.1f} x1 + {w[1]:.1f} x2 + {b:.1f} = 0",
        )


# The whole cascade as one model, so that it can be drawn over the input plane.
cascade = lrkit.MLP(2, 1, hidden=(2,))
cascade.layers[1] = torch.nn.Sigmoid()
with torch.no_grad():
    cascade.layers[0].weight.copy_(torch.cat([first.linear.weight, second.linear.weight]))
    cascade.layers[0].bias.copy_(torch.cat([first.linear.bias, second.linear.bias]))
    cascade.layers[2].weight.copy_(third.linear.weight)
    cascade.layers[2].bias.copy_(third.linear.bias)
difference = (cascade.predict_proba(X) - third.predict_proba(H)).abs().max()
print(f"max |network - cascade of three units| on the 200 points: {float(difference):.1e}")


def three_panels(network, output_unit, features, title):
    """Input space with the hidden lines; feature space; the input-space map."""
    with style():
        fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    ax = plot_points(X, y, ax=axes[0])
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    draw_unit_lines(ax, network.layers[0].weight.detach(), network.layers[0].bias.detach())
    ax.legend(loc="center", fontsize=7)
    ax.set_title("input space and the two hidden units")
    ax = plot_decision_boundary(
        output_unit, features, y, limits=((-0.05, 1.05), (-0.05, 1.05)), colorbar=False, ax=axes[1]
    )
    ax.set_xlabel("$x_1'$ (hidden unit 1)")
    ax.set_ylabel("$x_2'$ (hidden unit 2)")
    ax.get_legend().set_loc("upper left")
    ax.set_title("new features and the third unit")
    ax = plot_decision_boundary(network, X, y, limits=limits, ax=axes[2])
    ax.get_legend().set_loc("lower center")
    ax.set_title("the cascade, back in the input space")
    for ax in axes:
        ax.set_aspect("equal")
    fig.suptitle(title)
    return fig


three_panels(cascade, third, H, "Hand-picked cascade: two logistic regressions, then a third")

# %%
# The cascade is a neural network
# -------------------------------
# Stack the weight vectors of the first two units as the rows of a 2 by 2
# matrix :math:`W_1`, put their biases in :math:`b_1`, and the cascade is
#
# .. math::
#
#     P(y = 1 \mid x) = \sigma\bigl(w_2^\top \sigma(W_1 x + b_1) + b_2\bigr):
#
# a network with two inputs, one hidden layer of two sigmoid units and one
# output — exactly how ``cascade`` was built above, and why it matches the
# three units to the last digit. :class:`lrkit.MLP` puts ReLUs between its
# layers; we swap the one activation for a sigmoid, so that each hidden unit
# is literally a logistic regression, and keep everything else: the module
# returns logits, and :func:`lrkit.train` fits it with the cross-entropy
# like any other lrkit model.
print(cascade)

# %%
# Learning the cascade
# --------------------
# Nobody picks weights by hand for real problems. We train the network from
# torch's random initialisation, with full-batch gradient descent (learning
# rate 10, 400 epochs) on the 200 noisy points — for ten different seeds,
# because the outcome depends on where training starts.


def sigmoid_network(seed):
    """A 2-2-1 network whose hidden units are logistic regressions."""
    torch.manual_seed(seed)
    network = lrkit.MLP(2, 1, hidden=(2,))
    network.layers[1] = torch.nn.Sigmoid()
    return network


trained = {}
for seed in range(10):
    network = sigmoid_network(seed)
    history = lrkit.train(network, X, y, loss="bce", optimizer="sgd", lr=10.0, epochs=400)
    trained[seed] = (network, history)
    _, corners = lrkit.training.evaluate(network, X4, y4, loss="bce")
    print(
        f"seed {seed}: cross-entropy {history.epoch_loss[-1]:.3f}, "
        f"accuracy {history.epoch_accuracy[-1]:.3f} (four corners: {corners:.2f})"
    )
solved = [seed for seed, (_, h) in trained.items() if h.epoch_accuracy[-1] == 1.0]
print(f"solved: {len(solved)} of {len(trained)} seeds")

# %%
# A successful run, seen the same three ways. The weights are not the ones
# we picked — there are many solutions, and gradient descent finds one that
# the loss likes, usually with steeper sigmoids — but the construction is
# the same: two hidden lines, and a feature space in which one line
# separates the classes.
network, history = trained[solved[0]]
with torch.no_grad():
    H_trained = torch.sigmoid(network.layers[0](X))  # (200, 2): the learned features
output_unit = lrkit.LogisticRegression(2)
output_unit.linear.load_state_dict(network.layers[2].state_dict())
for name, tensor in network.named_parameters():
    values = ", ".join(f"{v:.2f}" for v in tensor.detach().cpu().flatten().tolist())
    print(f"seed {solved[0]}, {name}: [{values}]")
three_panels(
    network,
    output_unit,
    H_trained,
    f"Trained network (seed {solved[0]}): accuracy {history.epoch_accuracy[-1]:.2f}",
)

# %%
# And a run that failed. One of its hidden units drew its line away from all
# four clouds, so it is almost constant over the data and adds nothing. In
# the feature space the class-1 clouds land on top of the class-0 cloud from
# :math:`(1, 1)`, no line separates them, and the output unit does what a
# single logistic regression does: three clouds out of four. Training has
# not stopped, but it crawls:
stuck_seed = next(seed for seed in trained if seed not in solved)
network, history = trained[stuck_seed]
print(
    f"seed {stuck_seed}: cross-entropy after epoch 100: {history.epoch_loss[99]:.3f}, "
    f"250: {history.epoch_loss[249]:.3f}, 400: {history.epoch_loss[399]:.3f}"
)

# %%
# One logistic regression has a convex loss: gradient descent cannot get
# lost. A cascade of them does not: its loss surface has flat regions and
# poor stationary points, and where a run ends depends on where it starts.
# Restarting from other seeds, or giving the network more hidden units than
# the bare minimum, is the usual cure.
with torch.no_grad():
    H_stuck = torch.sigmoid(network.layers[0](X))  # (200, 2)
output_unit = lrkit.LogisticRegression(2)
output_unit.linear.load_state_dict(network.layers[2].state_dict())
three_panels(
    network,
    output_unit,
    H_stuck,
    f"Trained network (seed {stuck_seed}), stuck: accuracy {history.epoch_accuracy[-1]:.3f}",
)

# %%
# Takeaways
# ---------
# * A single logistic regression separates classes with one straight line;
#   on XOR no line gets more than three corners of four, and cross-entropy
#   training settles for :math:`\sigma = 0.5` everywhere.
# * Two logistic regressions can transform the inputs into features in which
#   the classes are linearly separable; a third one then separates them.
# * That cascade is a neural network with one hidden layer of sigmoid units.
#   Trained end to end with the cross-entropy, it learns its own features,
#   but its loss is no longer convex: some starts end in a local minimum.
#
# This is the bridge to the networks of
# :ref:`sphx_glr_auto_examples_plot_06_mse_vs_cross_entropy.py`, whose hidden
# layers do the same with more units. The lessons on the building blocks are
# :ref:`sphx_glr_auto_examples_plot_04_decision_boundary.py` (one logistic
# regression in the plane) and
# :ref:`sphx_glr_auto_examples_plot_08_generative_vs_discriminative.py` (where
# its linear boundary comes from); the concept page :doc:`/concepts/sigmoid`
# covers the unit itself.
