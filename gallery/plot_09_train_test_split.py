r"""
Held-out test data: logistic regression on real tumours
=======================================================

A model that scores well on the data it was trained on has only shown that it
can remember them. Here we keep a quarter of a real medical data set out of
training (:func:`lrkit.data.breast_cancer`, a stratified split with the
standardisation fitted on the training part only), train a
:class:`lrkit.LogisticRegression` with :func:`lrkit.train` while recording the
loss and accuracy on the held-out part after every epoch, read the test
predictions from :func:`lrkit.training.predict`, and draw the curves and the
confusion matrix with :func:`lrkit.plotting.plot_loss_curves` and
:func:`lrkit.plotting.plot_confusion_matrix`. Then we compare with
scikit-learn's :class:`~sklearn.linear_model.LogisticRegression` and with
:class:`lrkit.LogisticRegressionClassifier`, and watch what an L2 penalty does
to the gap between training and test performance.
"""

# %%
# Why hold data out
# -----------------
#
# The goal of a classifier is to label cases it has never seen. Its accuracy
# on the training data is a biased estimate of that: the parameters were chosen
# to fit exactly those points, so the estimate comes out too optimistic, and
# the more flexible the model, the more so. The honest estimate comes from data
# the training never touched: a *test set*, split off before anything is
# fitted and looked at once, at the end.
#
# .. admonition:: Correcting the course material
#
#    The PyTorch tutorial this site draws on (logistic regression with
#    cross-entropy on 1-D step data) announces a split into training and test
#    samples, but never makes one: the "accuracy on test data" it prints, a
#    perfect 1.0, is computed on the very 40 points the model was trained on.
#    A reader pointed this out in the comments, rightly. On that toy problem
#    the perfect score is real (the classes are separated by a threshold), but
#    the code could not have told us if it were not. This lesson does it
#    properly, on real data where the difference shows.

# %%
# The data: a stratified split, scaled with training statistics only
# ------------------------------------------------------------------
#
# The Wisconsin breast-cancer data hold 569 tumours described by 30
# measurements of their cell nuclei (radius, texture, smoothness, ...); the
# label is 1 for benign and 0 for malignant. :func:`lrkit.data.breast_cancer`
# holds out 25 % of them, *stratified* so that both parts keep the same share
# of benign tumours, and standardises every feature,
#
# .. math::
#
#     x'_j = \frac{x_j - \mu_j}{\sigma_j},
#
# with the mean :math:`\mu_j` and standard deviation :math:`\sigma_j` of the
# **training part only**, applied unchanged to the test part. That is the
# point: the test set stands in for future patients, who do not exist yet when
# the model is built. Any number computed with the test rows (a mean, a
# variance, a choice of features, a choice of hyperparameter) lets them shape
# the model and makes the test score optimistic again. With 30 features and a
# few hundred rows the scaling alone leaks little, but the rule is the same for
# steps that leak a lot, such as selecting features by their correlation with
# the label. So the training columns below have mean 0 and standard deviation 1
# (up to rounding), and the test columns only roughly.
#
# We keep the data in float64 for scikit-learn; :func:`lrkit.train` casts them
# to the model's float32.
import numpy as np
import torch

import lrkit

X_train, X_test, y_train, y_test = lrkit.data.breast_cancer(seed=0, dtype=torch.float64)
print(
    f"training samples: {X_train.shape[0]}, test samples: {X_test.shape[0]}, "
    f"features: {X_train.shape[1]}"
)
print(
    f"share of benign tumours: training {float(y_train.mean()):.3f}, "
    f"test {float(y_test.mean()):.3f}"
)
print(f"largest |column mean|, training part: {float(X_train.mean(dim=0).abs().max()):.3f}")
test_means = X_test.mean(dim=0)  # (30,)
test_stds = X_test.std(dim=0, correction=0)  # (30,)
print(
    f"column means of the test part: from {float(test_means.min()):.3f} "
    f"to {float(test_means.max()):.3f}"
)
print(
    f"column standard deviations of the test part: from {float(test_stds.min()):.3f} "
    f"to {float(test_stds.max()):.3f}"
)

# %%
# Training while watching the test set
# ------------------------------------
#
# The model is plain logistic regression, :math:`P(\text{benign} \mid
# \mathbf{x}) = \sigma(\mathbf{w}^\top \mathbf{x} + b)` with 31 parameters,
# trained on the binary cross-entropy of its logits (``loss="bce"``) with Adam
# on one full batch of the 426 training rows, for 1000 epochs and with no
# penalty at all. ``validation_data`` makes :func:`lrkit.train` evaluate the
# loss and accuracy on the test rows after every epoch; they are only
# *recorded*, never used for a gradient step. We check the final test loss
# against scikit-learn's :func:`~sklearn.metrics.log_loss` on the model's
# probabilities.
from sklearn.metrics import log_loss

torch.manual_seed(0)
model = lrkit.LogisticRegression(30)
history = lrkit.train(
    model,
    X_train,
    y_train,
    loss="bce",
    optimizer="adam",
    lr=0.05,
    epochs=1000,
    validation_data=(X_test, y_test),
)
best = int(np.argmin(history.val_loss))
print(
    f"after {len(history.epoch_loss)} epochs: training loss {history.epoch_loss[-1]:.4f}, "
    f"test loss {history.val_loss[-1]:.4f}"
)
print(
    f"after {len(history.epoch_loss)} epochs: training accuracy "
    f"{history.epoch_accuracy[-1]:.3f}, test accuracy {history.val_accuracy[-1]:.3f}"
)
print(
    f"lowest test loss {history.val_loss[best]:.4f} after epoch {best + 1} "
    f"(test accuracy there {history.val_accuracy[best]:.3f})"
)
proba_test = model.predict_proba(X_test.to(model.linear.weight)).detach().cpu().numpy()
print(
    f"sklearn log_loss on the final test probabilities: "
    f"{log_loss(y_test.cpu().numpy().ravel(), proba_test.ravel()):.4f}"
)
print(f"length of the weight vector |w|: {float(model.linear.weight.detach().norm()):.2f}")

# %%
# The two curves tell the story. The training loss falls all the way; the test
# loss falls with it for about a hundred epochs, reaches its lowest point
# (dotted line) and then climbs, while the test accuracy drifts down a little.
# The training curve is the loss of each epoch's forward pass, before that
# epoch's update, and the test curve is measured after it; one step apart, which
# is invisible at this scale.
import matplotlib.pyplot as plt

from lrkit.plotting import plot_loss_curves, style

with style():
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
plot_loss_curves({"training": history.epoch_loss, "test": history.val_loss}, log=True, ax=ax_loss)
ax_loss.axvline(best, color="black", linestyle=":", linewidth=1)
ax_loss.set_title("Binary cross-entropy, training vs test")
ax_loss.set_ylabel("mean loss (log scale)")
plot_loss_curves(
    {"training": history.epoch_accuracy, "test": history.val_accuracy},
    ylabel="accuracy",
    ax=ax_acc,
)
ax_acc.axvline(best, color="black", linestyle=":", linewidth=1)
ax_acc.set_ylim(0.85, 1.005)
ax_acc.set_title("Accuracy, training vs test")
fig.suptitle("Logistic regression on the breast-cancer data, no penalty")
plt.show()

# %%
# Why the test loss rises: overfitting
# ------------------------------------
#
# The training rows are almost linearly separable (the model classifies more
# than 99 % of them correctly). Once the boundary is in place, the cheapest way
# to lower the training loss further is to make :math:`\mathbf{w}` longer: every
# logit :math:`z = \mathbf{w}^\top \mathbf{x} + b` grows, the correctly
# classified training points approach probability 1 and their losses
# :math:`-\ln \sigma(z)` approach 0. Nothing stops this without a penalty; the
# length :math:`\lVert \mathbf{w} \rVert` printed above keeps growing with the
# epochs. The test set pays for it. Its few misclassified tumours are now
# predicted *confidently* wrong, and cross-entropy charges
# :math:`-\ln(1 - p)`, which grows without bound as :math:`p \to 1`. The
# test loss rises although almost the same points are misclassified: the
# model has become overconfident, a form of overfitting that accuracy alone
# does not show. A gap between training and test accuracy (here about
# 4 percentage points) is the other symptom.
#
# Stopping at the epoch with the lowest test loss would look like a fix, but
# choosing the epoch *by* the test set turns it into part of the training
# procedure, and its score is then optimistic too. To tune such a choice, hold
# out a third part (a validation set) or use cross-validation, and keep the
# test set for the final verdict.

# %%
# The confusion matrix on the test set
# ------------------------------------
#
# Accuracy hides *which* mistakes are made, and here they differ in cost: a
# malignant tumour called benign (true 0, predicted 1) is far worse than the
# reverse. :func:`lrkit.training.predict` applies the decision rule of the
# ``"bce"`` loss (benign where the logit is positive, i.e. where
# :math:`P(\text{benign}) > 0.5`); scikit-learn's
# :func:`~sklearn.metrics.confusion_matrix` counts the same cells as the
# figure.
from sklearn.metrics import confusion_matrix

from lrkit.plotting import plot_confusion_matrix

pred_test = lrkit.training.predict(model, X_test, loss="bce")  # (143, 1)
y_true_np = y_test.cpu().numpy().ravel().astype(int)
y_pred_np = pred_test.cpu().numpy().ravel()
(tn, fp), (fn, tp) = confusion_matrix(y_true_np, y_pred_np)
print(f"malignant called malignant: {tn}, malignant called benign: {fp}")
print(f"benign called malignant: {fn}, benign called benign: {tp}")
print(f"test accuracy from the matrix: {(tn + tp) / len(y_true_np):.3f}")

ax = plot_confusion_matrix(y_test, pred_test, labels=[0, 1], display_labels=["malignant", "benign"])
ax.set_title("Test set, logistic regression after 1000 epochs")
plt.show()

# %%
# The same model in scikit-learn, with a penalty
# ----------------------------------------------
#
# :class:`sklearn.linear_model.LogisticRegression` fits the same model with an
# L2 penalty by default: it minimises
#
# .. math::
#
#     \sum_{n=1}^{N} -\ln P(y_n \mid \mathbf{x}_n)
#     + \frac{1}{2C} \lVert \mathbf{w} \rVert^2 ,
#
# where a small :math:`C` means a strong penalty. We take its default
# :math:`C = 1` and a tight tolerance, and fit
# :class:`lrkit.LogisticRegressionClassifier`, which minimises the same
# objective (divided by :math:`N`) with a Newton method in torch, at the same
# :math:`C`. Both are deterministic and solved to convergence, so their
# coefficients must agree to rounding error, and their predictions exactly.
from sklearn.linear_model import LogisticRegression

C = 1.0
X_train_np, X_test_np = X_train.cpu().numpy(), X_test.cpu().numpy()
y_train_np = y_train.cpu().numpy().ravel()
sk_model = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-10, max_iter=1000)
sk_model.fit(X_train_np, y_train_np)
lr_model = lrkit.LogisticRegressionClassifier(C=C, tol=1e-10, max_iter=1000).fit(X_train, y_train)

print(f"{'model':<44}{'train acc':>10}{'test acc':>10}")
rows = [
    ("lrkit.train, no penalty, 1000 epochs", history.epoch_accuracy[-1], history.val_accuracy[-1]),
    (
        f"sklearn LogisticRegression, C={C:g}",
        sk_model.score(X_train_np, y_train_np),
        sk_model.score(X_test_np, y_true_np),
    ),
    (
        f"lrkit.LogisticRegressionClassifier, C={C:g}",
        lr_model.score(X_train, y_train),
        lr_model.score(X_test, y_test),
    ),
]
for name, train_acc, test_acc in rows:
    print(f"{name:<44}{train_acc:>10.3f}{test_acc:>10.3f}")
coef_gap = np.abs(sk_model.coef_ - lr_model.coef_).max()
agree = np.mean(sk_model.predict(X_test_np) == lr_model.predict(X_test))
# (the exact gap is rounding noise that changes from run to run: show a bound)
print(f"coefficients agree to 1e-8: {bool(coef_gap < 1e-8)}")
print(f"test predictions that agree: {agree:.3f}")
print(f"|w| with C={C:g}: {np.linalg.norm(lr_model.coef_):.2f}")

# %%
# What the regularisation does
# ----------------------------
#
# The penalty :math:`\lVert \mathbf{w} \rVert^2 / 2C` is exactly the brake the
# unpenalised run lacked: lengthening :math:`\mathbf{w}` now costs something,
# so the fit stops where the gain on the training loss no longer pays for it.
# Sweeping :math:`C` over seven orders of magnitude shows both ways to fail.
# With a strong penalty (small :math:`C`) the weights stay short, the
# probabilities stay near 0.5 and the model *underfits*: training and test
# scores are both poor, and close to each other. With a weak penalty (large
# :math:`C`) the weights grow, the training loss heads for 0, the training
# accuracy reaches 100 % and the test loss climbs: *overfitting*, as in the run
# above. In between lies a range where the test loss is lowest. (Picking
# :math:`C` by this curve would again use the test set for a decision; the
# sweep is here to show the mechanism, and in practice :math:`C` is chosen by
# cross-validation on the training part, e.g. with
# :class:`~sklearn.linear_model.LogisticRegressionCV`.)
Cs = [1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4]
sweep = {"train loss": [], "test loss": []}
print(f"{'C':>8}{'|w|':>9}{'train acc':>11}{'test acc':>10}{'train loss':>12}{'test loss':>11}")
for c in Cs:
    clf = lrkit.LogisticRegressionClassifier(C=c, tol=1e-10, max_iter=1000).fit(X_train, y_train)
    train_loss = log_loss(y_train_np, clf.predict_proba(X_train))
    test_loss = log_loss(y_true_np, clf.predict_proba(X_test))
    sweep["train loss"].append(train_loss)
    sweep["test loss"].append(test_loss)
    print(
        f"{c:>8g}{np.linalg.norm(clf.coef_):>9.2f}{clf.score(X_train, y_train):>11.3f}"
        f"{clf.score(X_test, y_test):>10.3f}{train_loss:>12.4f}{test_loss:>11.4f}"
    )

with style():
    fig, ax = plt.subplots()
    for label, values in sweep.items():
        ax.loglog(Cs, values, marker="o", label=label)
    ax.set_xlabel("C (inverse strength of the L2 penalty)")
    ax.set_ylabel("mean cross-entropy (log scale)")
    ax.set_title("Training and test loss against the penalty")
    ax.legend()
plt.show()

# %%
# Takeaways
# ---------
#
# - Judge a classifier on data it never saw. Split first (stratified for
#   classification), fit every preprocessing step on the training part only,
#   and look at the test set once, at the end.
# - Training and test curves side by side reveal overfitting: here the
#   training loss kept falling while the test loss turned upwards after about a
#   hundred epochs, because an unpenalised logistic regression on almost
#   separable data keeps lengthening its weights and grows overconfident.
# - An L2 penalty (scikit-learn's and lrkit's ``C``) limits the length of the
#   weights; too strong underfits, too weak overfits. Choose it by
#   cross-validation, not by the test set.
# - scikit-learn and :class:`lrkit.LogisticRegressionClassifier` solve the same
#   problem: at the same :math:`C` they give the same coefficients and the same
#   predictions.
#
# Logistic regression itself is built step by step in
# :ref:`sphx_glr_auto_examples_plot_02_logistic_from_scratch.py`, and the loss
# it minimises is explained in :doc:`/concepts/cross-entropy`. Next,
# :ref:`sphx_glr_auto_examples_plot_10_cascading_logistic.py` stacks logistic
# units into a network.
