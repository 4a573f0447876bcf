r"""
Cross-entropy by hand: the lecture's table, entropy, and one softmax too many
=============================================================================

The lecture computes a cross-entropy loss in a spreadsheet: five samples, the
two logits a network gave each of them, exponentials, sums, probabilities and
logarithms. We redo the table with torch and check it against
:func:`lrkit.losses.cross_entropy` and :func:`torch.nn.functional.cross_entropy`,
measure entropy in bits with :func:`lrkit.losses.entropy`, repair the slides'
seven-animal example, split cross-entropy into entropy plus KL divergence, and
show what the lecture's extra :func:`torch.softmax` before the loss does to the
value and the gradient. The data come from :func:`lrkit.data.cross_entropy_example`,
the figure from :func:`lrkit.plotting.plot_loss_curves`.
"""

# %%
# Five samples, two classes
# -------------------------
# A classifier with :math:`K` outputs gives each sample a vector of logits
# :math:`\mathbf{z}`; the softmax turns them into probabilities, and the loss of a
# sample of class :math:`y` is minus the log of the probability given to that class:
#
# .. math::
#
#     p_k = \frac{e^{z_k}}{\sum_{j} e^{z_j}}, \qquad
#     \ell(\mathbf{z}, y) = -\ln p_y = -z_y + \ln \sum_j e^{z_j} .
#
# The lecture's example is one mini-batch of five samples from an untrained
# two-output network, with the logits printed to four decimals. We work in float64
# so that the comparison with the spreadsheet is not blurred by rounding.
import torch

import lrkit

logits, target = lrkit.data.cross_entropy_example(dtype=torch.float64)  # (5, 2), (5,)
print("      z1        z2   class")
for (z1, z2), k in zip(logits.tolist(), target.tolist(), strict=True):
    print(f"{z1:8.4f}  {z2:8.4f}   {k:5d}")

# %%
# The table, column by column
# ---------------------------
# The spreadsheet's columns are :math:`e^{z_1}`, :math:`e^{z_2}`, their sum, the
# probability of the true class and its negative log. Each is one line of torch.
# We print the lecture's last column (five decimals) next to ours.
LECTURE_LOSSES = [0.74624, 0.74361, 0.74634, 0.64701, 0.64992]
LECTURE_MEAN = 0.706624521

exp_z = torch.exp(logits)  # (5, 2)
total = exp_z.sum(dim=1)  # (5,)
p_true = exp_z.gather(1, target[:, None])[:, 0] / total  # (5,)
row_loss = -torch.log(p_true)  # (5,)

print(" exp(z1)  exp(z2)    sum    p(class)   -ln p(class)   lecture")
for i in range(5):
    print(
        f"{exp_z[i, 0].item():8.4f} {exp_z[i, 1].item():8.4f} {total[i].item():7.4f}"
        f"   {p_true[i].item():8.4f}   {row_loss[i].item():12.5f}   {LECTURE_LOSSES[i]:7.5f}"
    )
print("per-sample losses (4 decimals):", " ".join(f"{v:.4f}" for v in row_loss.tolist()))
print(f"mean loss by hand:  {row_loss.mean().item():.9f}   lecture: {LECTURE_MEAN:.9f}")

# %%
# The spreadsheet and torch agree to all nine printed decimals. The libraries give
# the same mean, computed differently: through ``log_softmax``, which subtracts the
# largest logit before exponentiating, so no :math:`e^{z}` can overflow (see
# :doc:`/concepts/numerics`).
import torch.nn.functional as F

print(f"by hand:                     {row_loss.mean().item():.4f}")
print(f"lrkit.losses.cross_entropy:  {lrkit.losses.cross_entropy(logits, target).item():.4f}")
print(f"torch F.cross_entropy:       {F.cross_entropy(logits, target).item():.4f}")

# %%
# Entropy in bits
# ---------------
# Entropy measures how uncertain a distribution is: the average number of bits
# needed to encode outcomes drawn from it with the best code,
#
# .. math::
#
#     H(p) = -\sum_i p_i \log_2 p_i = \sum_i p_i \log_2 \frac{1}{p_i} .
#
# The lecture's example has two outcomes with probabilities 75 % and 25 %. The
# likely one costs :math:`\log_2(1/0.75) = 0.415` bits, the unlikely one
# :math:`\log_2(1/0.25) = 2` bits, and the entropy is the average,
# :math:`0.75 \times 0.415 + 0.25 \times 2 = 0.311 + 0.5 = 0.811` bits; the slide
# rounds it to 0.81. A fair coin carries the maximum for two outcomes, 1 bit.
import math

p = torch.tensor([0.75, 0.25], dtype=torch.float64)
print(f"-log2(0.75) = {-math.log2(0.75):.3f} bits, -log2(0.25) = {-math.log2(0.25):.3f} bits")
print(
    f"0.75 * {-math.log2(0.75):.3f} + 0.25 * {-math.log2(0.25):.3f} = "
    f"{0.75 * -math.log2(0.75):.3f} + {0.25 * -math.log2(0.25):.3f}"
)
print(
    f"lrkit.losses.entropy((0.75, 0.25), base=2) = {lrkit.losses.entropy(p, base=2).item():.3f} bits"
)
print(f"same in nats (base e):                     = {lrkit.losses.entropy(p).item():.3f} nats")
print(f"fair coin: {lrkit.losses.entropy(torch.tensor([0.5, 0.5]), base=2).item():.3f} bits")

# %%
# Cross-entropy of seven animals
# ------------------------------
# Cross-entropy compares a true distribution :math:`p` with a predicted one
# :math:`q`: :math:`H(p, q) = -\sum_i p_i \log q_i`. The slides' example is an image of a
# red panda, so :math:`p` puts 100 % on "red panda"; a model predicts seven
# probabilities. With a one-hot :math:`p` every term but one is multiplied by zero,
# and the cross-entropy is just :math:`-\log q_\text{red panda}`: nothing else the model
# predicts matters.
#
# .. admonition:: Correcting the course material
#
#    Two things are wrong with the slide. Its predicted distribution,
#    2, 30, 45, 0, 25, 5 and 0 %, adds up to 107 %, so it is not a probability
#    distribution. And its formula says :math:`\log_2`, while its result, 1.386, is
#    :math:`-\ln 0.25` in nats; in bits the same cross-entropy is
#    :math:`-\log_2 0.25 = 2`. Below we use a distribution that sums to 100 % (the fox
#    gets 38 % instead of 45 %) and give the result in both units.
#
# Log-probabilities are valid logits (the softmax of :math:`\ln q` is :math:`q` when
# :math:`q` sums to one), so :func:`lrkit.losses.cross_entropy` computes the same
# number from :math:`\ln q` and the class index. A zero probability becomes a logit
# of :math:`-\infty`, which the softmax handles exactly.
animals = ["cat", "dog", "fox", "cow", "red panda", "bear", "dolphin"]
slide_q = torch.tensor([2, 30, 45, 0, 25, 5, 0], dtype=torch.float64) / 100
fixed_q = torch.tensor([2, 30, 38, 0, 25, 5, 0], dtype=torch.float64) / 100
other_q = torch.tensor([0, 0, 0, 75, 25, 0, 0], dtype=torch.float64) / 100  # same 25 %
red_panda = torch.tensor(animals.index("red panda"))

print(f"slide's prediction sums to {slide_q.sum().item():.0%}; ours to {fixed_q.sum().item():.0%}")
for name, q in [("corrected", fixed_q), ("very different, same 25 %", other_q)]:
    nats = lrkit.losses.cross_entropy(torch.log(q), red_panda).item()
    print(f"{name:>26}: H(p, q) = {nats:.3f} nats = {nats / math.log(2):.3f} bits")
print(f"-ln(0.25) = {-math.log(0.25):.3f}, -log2(0.25) = {-math.log2(0.25):.3f}")
renormalised = lrkit.losses.cross_entropy(torch.log(slide_q), red_panda).item()
print(
    f"slide's numbers renormalised: red panda gets {0.25 / slide_q.sum().item():.1%}, "
    f"H(p, q) = {renormalised:.3f} nats"
)

# %%
# Cross-entropy = entropy + KL divergence
# ---------------------------------------
# Splitting :math:`-\log q_i = -\log p_i + \log(p_i / q_i)` splits the cross-entropy:
#
# .. math::
#
#     H(p, q) = \underbrace{-\sum_i p_i \log p_i}_{H(p)}
#             + \underbrace{\sum_i p_i \log \frac{p_i}{q_i}}_{D_\text{KL}(p \,\|\, q)} .
#
# The entropy of the truth is a floor no model can go below; the KL divergence is
# the extra cost of predicting :math:`q` instead of :math:`p`, zero only when
# :math:`q = p`. Training changes only :math:`q`, so minimising cross-entropy is
# minimising the KL divergence. With one-hot targets :math:`H(p) = 0` and the two
# are equal. We check the identity on the 75/25 distribution with the prediction
# :math:`q = (0.6, 0.4)`, using :func:`lrkit.losses.cross_entropy` with a probability
# target, :func:`lrkit.losses.entropy`, and torch's
# :func:`torch.nn.functional.kl_div` as the independent reference.
q = torch.tensor([0.6, 0.4], dtype=torch.float64)
ce = lrkit.losses.cross_entropy(torch.log(q), p).item() / math.log(2)
h = lrkit.losses.entropy(p, base=2).item()
kl = F.kl_div(torch.log(q), p, reduction="sum").item() / math.log(2)
print(f"H(p, q) = {ce:.4f} bits")
print(f"H(p) + KL(p || q) = {h:.4f} + {kl:.4f} = {h + kl:.4f} bits")
print(
    f"one-hot target: H(p) = {lrkit.losses.entropy(torch.tensor([0.0, 1.0]), base=2).item():.4f} bits"
)

# %%
# Why cross-entropy wants logits, not probabilities
# -------------------------------------------------
# :func:`torch.nn.functional.cross_entropy` (and :class:`torch.nn.CrossEntropyLoss`)
# applies the softmax itself: it expects raw logits. The lecture's training loop
# applies :func:`torch.softmax` to the network's output first and passes the
# probabilities to the loss, which then applies a second softmax. On the table's
# logits this already changes the value:
double = F.cross_entropy(torch.softmax(logits, dim=1), target)
print(f"cross-entropy of the logits:               {F.cross_entropy(logits, target).item():.4f}")
print(f"cross-entropy after an extra softmax:      {double.item():.4f}")

# %%
# The gradient is what training feels. For the correct loss the gradient with
# respect to the logits is :math:`(\mathbf{p} - \text{one-hot}(y)) / n`; the extra softmax
# multiplies it by the softmax's Jacobian, which is at most :math:`1/4` per unit of
# logit for two classes. We let autograd compute both.
z = logits.clone().requires_grad_(True)
(grad_right,) = torch.autograd.grad(F.cross_entropy(z, target), z)  # (5, 2)
(grad_double,) = torch.autograd.grad(F.cross_entropy(torch.softmax(z, dim=1), target), z)
print("d loss / d z_class    right      extra softmax   ratio")
for i in range(5):
    k = target[i].item()
    gr, gd = grad_right[i, k].item(), grad_double[i, k].item()
    print(f"sample {i}:          {gr:+.4f}        {gd:+.4f}      {gd / gr:.3f}")
ratio = (grad_double.norm() / grad_right.norm()).item()
print(
    f"norm of the gradient: {grad_right.norm().item():.4f} vs {grad_double.norm().item():.4f} (ratio {ratio:.3f})"
)

# %%
# At the start the gradient is only halved. The real damage shows as the model
# improves. After a softmax the second softmax sees numbers between 0 and 1, so
# for two classes its input gap is at most 1 and the probability it gives the right
# class is at most :math:`e / (e + 1) = 0.731`. The loss can never go below
#
# .. math::
#
#     -\ln \frac{e}{e + 1} = \ln(1 + e^{-1}) \approx 0.3133 .
#
# We move one sample's logit gap :math:`d = z_y - z_\text{other}` from 0 (undecided) to
# 50 (certain) and follow both losses and their slopes.
print(f"-ln(e/(e+1)) = {math.log(1 + math.exp(-1)):.4f}")
print("     d   loss (right)   slope      loss (extra softmax)   slope")
for gap in [0.0, 1.0, 2.0, 4.0, 8.0, 50.0]:
    d = torch.tensor(gap, dtype=torch.float64, requires_grad=True)
    pair = torch.stack([d, torch.zeros_like(d)])[None, :]  # (1, 2), class 0 is right
    right = F.cross_entropy(pair, torch.tensor([0]))
    wrong = F.cross_entropy(torch.softmax(pair, dim=1), torch.tensor([0]))
    (slope_right,) = torch.autograd.grad(right, d)
    (slope_wrong,) = torch.autograd.grad(wrong, d)
    print(
        f"{gap:6.0f}   {right.item():12.4f}   {slope_right.item():+.4f}   "
        f"{wrong.item():20.4f}   {slope_wrong.item():+.4f}"
    )

# %%
# With the extra softmax the loss stalls at 0.3133 while its slope dies out even
# faster than the correct one's: at :math:`d = 4` the correct loss is 0.018, the double
# one still 0.323, and the double one pushes with about half the force. The loss curve reports a model
# stuck far from zero when it is in fact confident, and the gradient gives no
# reason to improve further. The same happens when we let gradient descent move the
# five logits themselves, 200 steps at learning rate 10, with each loss:
trajectories = {}
for name, loss_fn in [
    ("cross-entropy of logits", lambda v: F.cross_entropy(v, target)),
    ("after an extra softmax", lambda v: F.cross_entropy(torch.softmax(v, dim=1), target)),
]:
    v = logits.clone().requires_grad_(True)  # (5, 2), the parameters here
    values = []
    for _ in range(200):
        loss = loss_fn(v)
        (grad,) = torch.autograd.grad(loss, v)
        with torch.no_grad():
            v -= 10.0 * grad
        values.append(loss.item())
    trajectories[name] = values
    print(f"{name:>24}: loss after 200 steps = {values[-1]:.4f}")

import matplotlib.pyplot as plt

ax = lrkit.plotting.plot_loss_curves(trajectories, per="step", log=True, ylabel="mean loss")
ax.axhline(math.log(1 + math.exp(-1)), color="0.3", linestyle="--", linewidth=1)
ax.annotate("floor 0.3133", (200, math.log(1 + math.exp(-1))), ha="right", va="bottom")
ax.set_title("Gradient descent on the five logits: one softmax too many stalls")
plt.show()

# %%
# What we learned
# ---------------
# * Cross-entropy with a softmax is :math:`-\ln p_y`: on the lecture's five samples the
#   per-sample losses are 0.7462, 0.7436, 0.7463, 0.6470 and 0.6499 and their mean is
#   0.7066, by hand, in :func:`lrkit.losses.cross_entropy` and in torch, equal to the
#   spreadsheet's 0.706624521.
# * Entropy is the average code length of the truth, 0.811 bits for 75/25;
#   cross-entropy is that plus the KL divergence of the prediction. With a one-hot
#   target only the probability of the true class counts: 25 % for the red panda
#   gives 1.386 nats, that is 2 bits.
# * The loss functions want logits. A softmax too many caps the probability of the
#   right class at 0.731 (two classes), puts a floor of 0.3133 under the loss and
#   shrinks the gradient. :ref:`sphx_glr_auto_examples_plot_06_mse_vs_cross_entropy.py`
#   measures what it does to the lecture's training runs.
#
# Next, :ref:`sphx_glr_auto_examples_plot_04_decision_boundary.py` trains logistic
# regression on two clouds of points. The concept page :doc:`/concepts/cross-entropy`
# derives the loss from maximum likelihood, and
# :ref:`sphx_glr_auto_examples_plot_02_logistic_from_scratch.py` uses its two-class
# form on six students.
