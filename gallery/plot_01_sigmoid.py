r"""
Sigmoid shapes: what the weight and the bias do
===============================================

Logistic regression turns a score :math:`z = w x + b` into a probability with
the sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`. This lesson takes the three
curves of the Sheffield lab apart: which parameters draw which curve, where
each one crosses 0.5 (at :math:`x = -b / w`), how steep it is there
(:math:`w / 4`), and what becomes of all this with two inputs, where the
sigmoid is a ramp over the plane and its 0.5 level is a straight line. The
figures come from :func:`lrkit.plotting.plot_sigmoids` and
:func:`lrkit.plotting.plot_sigmoid_2d`; the numbers are computed with
:func:`torch.sigmoid` and autograd.
"""

# %%
# The sigmoid and its limits
# --------------------------
# The sigmoid squeezes any real number into the open interval :math:`(0, 1)`:
#
# .. math::
#
#     \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad
#     \lim_{z \to +\infty} \sigma(z) = 1, \qquad
#     \lim_{z \to -\infty} \sigma(z) = 0, \qquad
#     \sigma(0) = \frac{1}{1 + 1} = 0.5 .
#
# For large :math:`z`, :math:`e^{-z}` vanishes and :math:`\sigma` approaches 1; for very
# negative :math:`z`, :math:`e^{-z}` explodes and :math:`\sigma` approaches 0. It is also
# symmetric about its midpoint, :math:`\sigma(-z) = 1 - \sigma(z)`, so the
# probabilities of the two classes are mirror images. We evaluate it with the
# formula and with :func:`torch.sigmoid` (which never overflows) side by side.
import torch

z = torch.tensor([-20.0, -5.0, -1.0, 0.0, 1.0, 5.0, 20.0], dtype=torch.float64)  # (7,)
by_hand = 1 / (1 + torch.exp(-z))  # (7,)
library = torch.sigmoid(z)  # (7,)
mirror = 1 - torch.sigmoid(-z)  # (7,)

print("      z   1/(1+exp(-z))   torch.sigmoid   1 - sigmoid(-z)")
for row in zip(z.tolist(), by_hand.tolist(), library.tolist(), mirror.tolist(), strict=True):
    print("{:7.1f}   {:13.9f}   {:13.9f}   {:15.9f}".format(*row))
print(f"sigma(0) = {torch.sigmoid(torch.tensor(0.0)).item():.4f}")
print(f"largest difference formula vs torch.sigmoid: {(by_hand - library).abs().max().item():.1e}")

# %%
# The lab's three curves: which is which?
# ---------------------------------------
# The lab draws three sigmoids :math:`\sigma(w x + b)` on :math:`[-10, 10]` and asks
# which parameters belong to the orange curve (left), the green one (middle) and
# the blue one (right). The candidates are :math:`(w, b) = (1, 5)`, :math:`(5, 5)` and
# :math:`(1, 0)`. The sigmoid equals 0.5 where its argument is zero, so each curve
# crosses 0.5 at
#
# .. math::
#
#     w x + b = 0 \iff x = -\frac{b}{w},
#
# and sorting the crossing points from left to right answers the question.
lab_params = [(1, 5), (5, 5), (1, 0)]
crossings = {(w, b): -b / w for w, b in lab_params}
lab_colours = ["orange", "green", "blue"]  # the lab's figure, from left to right
positions = ["left", "middle", "right"]
for (w, b), colour, where in zip(
    sorted(crossings, key=crossings.get), lab_colours, positions, strict=True
):
    print(
        f"w = {w}, b = {b}: sigma = 0.5 at x = -b/w = {crossings[(w, b)]:.0f} -> {where}, the {colour} curve"
    )

# %%
# So the orange curve on the left is :math:`(w, b) = (1, 5)`, the green one in the
# middle is :math:`(5, 5)` and the blue one on the right is :math:`(1, 0)`. Matplotlib
# colours curves blue, orange, green in the order they are drawn, so the lab drew
# :math:`(1, 0)` first, then :math:`(1, 5)`, then :math:`(5, 5)`. We draw them in that order, and
# lrkit's palette gives the same sequence of colours (its orange is a vermillion).
# The dots mark the crossing points.
import matplotlib.pyplot as plt

import lrkit

with lrkit.plotting.style():
    fig, ax = plt.subplots(figsize=(6.5, 4.0))
lrkit.plotting.plot_sigmoids([(1, 0), (1, 5), (5, 5)], ax=ax)
for k, (w, b) in enumerate([(1, 0), (1, 5), (5, 5)]):
    ax.plot(-b / w, 0.5, "o", color=lrkit.plotting.CLASS_COLORS[k], markeredgecolor="black")
ax.set_title("The lab's three sigmoids: each crosses 0.5 at $x = -b/w$")
plt.show()

# %%
# The bias moves the curve, the weight sets its steepness
# -------------------------------------------------------
# Changing :math:`b` slides the curve sideways without changing its shape: the lab's
# example :math:`w = 1, b = 1` crosses 0.5 at :math:`x = -1`. Changing :math:`w` squeezes or
# stretches it around the crossing point. The derivative of the sigmoid is
# :math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`, which is :math:`1/4` at :math:`z = 0`, so by the
# chain rule the slope of :math:`\sigma(w x + b)` where it crosses 0.5 is
#
# .. math::
#
#     \frac{d}{dx}\,\sigma(w x + b) \Big|_{x = -b/w} = w\,\sigma'(0) = \frac{w}{4}.
#
# The curve climbs from 0.1 to 0.9 while :math:`z` goes from :math:`-\ln 9` to
# :math:`\ln 9`, that is over a stretch of :math:`x` of width :math:`2 \ln 9 / |w|`. We measure
# the slopes with autograd instead of trusting the formula.
import math

print("  w   b   crossing x   slope (autograd)   w/4      width 0.1 -> 0.9")
for w, b in lab_params:
    x0 = torch.tensor(-b / w, dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(torch.sigmoid(w * x0 + b), x0)
    print(
        f"{w:3d} {b:3d}   {x0.item():+10.2f}   {slope.item():16.4f}   {w / 4:.4f}"
        f"   {2 * math.log(9) / abs(w):9.2f}"
    )

# %%
# On the left, the bias varies with :math:`w = 1`: the same curve, shifted. On the
# right, the weight varies with :math:`b = 0`: the same crossing point, different
# steepness; a negative weight turns the curve around, so large :math:`x` then means
# class 0.
with lrkit.plotting.style():
    fig, (ax_b, ax_w) = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
lrkit.plotting.plot_sigmoids([(1, -5), (1, 0), (1, 5)], ax=ax_b)
ax_b.set_title("$w = 1$: the bias moves the crossing to $x = -b$")
lrkit.plotting.plot_sigmoids([(0.5, 0), (1, 0), (5, 0), (-1, 0)], ax=ax_w)
ax_w.set_title("$b = 0$: the weight sets the slope, $w/4$ at $x = 0$")
fig.suptitle(r"What $b$ and $w$ do to $\sigma(wx + b)$")
plt.show()

# %%
# The sigmoid of two inputs
# -------------------------
# With two features the score is :math:`z = w_1 x_1 + w_2 x_2 + b` and the sigmoid
# becomes a ramp over the plane. The lab's example gives :math:`x_2` twice the
# weight of :math:`x_1` and no bias, :math:`(w_1, w_2, b) = (1, 2, 0)`: the probability
# changes twice as fast along :math:`x_2` as along :math:`x_1`. The colour map (left)
# and the surface (right) show the same function.
w1, w2, b = 1, 2, 0
with lrkit.plotting.style():
    fig = plt.figure(figsize=(11, 4.5))
    ax_map = fig.add_subplot(1, 2, 1)
    ax_3d = fig.add_subplot(1, 2, 2, projection="3d")
lrkit.plotting.plot_sigmoid_2d((w1, w2), b, kind="map", ax=ax_map)
ax_map.set_title(r"colour map, with the line $\sigma = 0.5$")
lrkit.plotting.plot_sigmoid_2d((w1, w2), b, kind="surface", ax=ax_3d)
ax_3d.set_title("the same function as a surface")
fig.suptitle(r"$\sigma(x_1 + 2 x_2)$: a ramp rising along $(w_1, w_2) = (1, 2)$")
plt.show()

# %%
# The boundary is a straight line
# -------------------------------
# The probability is 0.5 where the score is zero, :math:`w_1 x_1 + w_2 x_2 + b = 0`,
# a straight line. Solved for :math:`x_2` (when :math:`w_2 \ne 0`):
#
# .. math::
#
#     x_2 = -\frac{w_1}{w_2}\, x_1 - \frac{b}{w_2},
#
# here :math:`x_2 = -0.5\, x_1`: a line through the origin with slope :math:`-1/2`. We
# compare the formula with the line :func:`~lrkit.plotting.plot_sigmoid_2d` drew, and
# check that the sigmoid really is 0.5 all along it.
slope, intercept = -w1 / w2, -b / w2
print(f"boundary from the formula: x2 = {slope:.2f} x1 + {intercept:.2f}")

(line,) = ax_map.get_lines()
(xa, xb), (ya, yb) = line.get_xdata(), line.get_ydata()
drawn_slope = (yb - ya) / (xb - xa)
print(f"boundary as drawn:         x2 = {drawn_slope:.2f} x1 + {ya - drawn_slope * xa:.2f}")

x1 = torch.linspace(-6, 6, 101, dtype=torch.float64)  # (101,)
on_line = torch.sigmoid(w1 * x1 + w2 * (slope * x1 + intercept) + b)  # (101,)
print(f"largest |sigma - 0.5| along the line: {(on_line - 0.5).abs().max().item():.1e}")

# %%
# A weight of zero
# ----------------
# If :math:`w_2 = 0`, the score no longer depends on :math:`x_2`: the 2-D sigmoid is the
# 1-D sigmoid of :math:`x_1` copied along every vertical line, and the boundary is the
# vertical line :math:`x_1 = -b / w_1`. Likewise :math:`w_1 = 0` leaves a sigmoid of
# :math:`x_2` with a horizontal boundary. With both weights zero the output is the
# constant :math:`\sigma(b)` and there is no boundary at all: such a model cannot tell
# any two points apart.
grid = torch.linspace(-6, 6, 51, dtype=torch.float64)
G1, G2 = torch.meshgrid(grid, grid, indexing="xy")  # (51, 51) each
for v1, v2 in [(1, 0), (0, 2), (0, 0)]:
    P = torch.sigmoid(v1 * G1 + v2 * G2 + b)  # (51, 51): rows follow x2, columns x1
    along_x1 = (P.amax(dim=1) - P.amin(dim=1)).max().item()  # change within a row
    along_x2 = (P.amax(dim=0) - P.amin(dim=0)).max().item()  # change within a column
    print(f"w = ({v1}, {v2}): largest change along x1 = {along_x1:.3f}, along x2 = {along_x2:.3f}")
print(
    f"w = (0, 0), b = {b}: sigma(b) = {torch.sigmoid(torch.tensor(float(b))).item():.2f} everywhere"
)

with lrkit.plotting.style():
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
lrkit.plotting.plot_sigmoid_2d((1, 0), b, ax=axes[0])
axes[0].set_title("$w_2 = 0$: a sigmoid of $x_1$ alone")
lrkit.plotting.plot_sigmoid_2d((0, 2), b, ax=axes[1])
axes[1].set_title("$w_1 = 0$: a sigmoid of $x_2$ alone")
fig.suptitle("A zero weight makes the sigmoid ignore that input")
plt.show()

# %%
# Takeaways
# ---------
# * :math:`\sigma(z)` runs from 0 to 1, equals 0.5 at :math:`z = 0` and never reaches either
#   end; :math:`\sigma(-z) = 1 - \sigma(z)`.
# * In :math:`\sigma(w x + b)`, the crossing point :math:`x = -b/w` is where the decision
#   flips, and :math:`w/4` is the slope there: the bias places the boundary, the weight
#   sets how sharply the probability changes across it. The lab's curves are orange
#   :math:`(1, 5)`, green :math:`(5, 5)` and blue :math:`(1, 0)`.
# * With two inputs the boundary :math:`w_1 x_1 + w_2 x_2 + b = 0` is a line, perpendicular to
#   :math:`(w_1, w_2)`; a zero weight makes the model blind to that input.
#
# Next, :ref:`sphx_glr_auto_examples_plot_02_logistic_from_scratch.py` fits
# :math:`w` and :math:`b` to data by gradient descent. The concept page
# :doc:`/concepts/sigmoid` collects the sigmoid's properties (derivative,
# symmetry, link to the log-odds).
