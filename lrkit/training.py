r"""Training loops that record what the lessons plot.

:func:`train` fits one model by gradient descent on mini-batches taken in the
order a :class:`torch.utils.data.DataLoader` would give them, and returns a
:class:`History`: the loss of every step, the loss and accuracy of every
epoch, optionally the parameters after every step (to draw the path on a loss
surface) and the loss and accuracy on held-out data.

Losses are named (see :data:`LOSSES`) or given as a callable on logits.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch
from torch import nn

from lrkit._objectives import OBJECTIVES, Objective, get_objective
from lrkit._validation import (
    check_choice,
    check_features,
    check_positive,
    check_same_length,
)
from lrkit.device import resolve_device

__all__ = ["LOSSES", "OPTIMIZERS", "History", "evaluate", "predict", "train", "train_ensemble"]

#: Loss names accepted by :func:`train`, with what each computes.
LOSSES: dict[str, str] = {name: obj.description for name, obj in OBJECTIVES.items()}
#: Optimizer names accepted by :func:`train`.
OPTIMIZERS: tuple[str, ...] = ("sgd", "adam")

#: A run shows a progress bar only once it has lasted this many seconds.
PROGRESS_DELAY = 2.0


@dataclass
class History:
    """What happened during a training run.

    Attributes
    ----------
    step_loss : list of float
        The loss of every optimisation step, computed on that step's batch
        before its update.
    epoch_loss : list of float
        The mean loss over each epoch's samples, from the same forward passes
        as ``step_loss``. With one full batch this is the loss of the epoch's
        only forward pass, before its update (what course logs print).
    epoch_accuracy : list of float
        The fraction of correctly classified samples in those forward passes;
        empty when the targets are not class labels (regression).
    params : list of dict, or None
        With ``record_params=True``: the parameters (name to CPU tensor)
        before the first step and after every step, so ``params[i]`` is where
        ``step_loss[i]`` was computed and ``params[-1]`` is the final model.
    val_loss, val_accuracy : list of float
        With ``validation_data``: the loss and accuracy on it after each epoch.
    seed : int or None
        The seed of the mini-batch shuffling, if any.
    model : torch.nn.Module or None
        The trained model: the one passed to :func:`train` (trained in
        place), or the one :func:`train_ensemble` built for this seed.
    """

    step_loss: list[float] = field(default_factory=list)
    epoch_loss: list[float] = field(default_factory=list)
    epoch_accuracy: list[float] = field(default_factory=list)
    params: list[dict[str, torch.Tensor]] | None = None
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    seed: int | None = None
    model: nn.Module | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        parts = [f"epochs={len(self.epoch_loss)}", f"steps={len(self.step_loss)}"]
        if self.epoch_loss:
            parts.append(f"loss={self.epoch_loss[-1]:.4g}")
        if self.epoch_accuracy:
            parts.append(f"accuracy={self.epoch_accuracy[-1]:.4g}")
        if self.val_loss:
            parts.append(f"val_loss={self.val_loss[-1]:.4g}")
        if self.val_accuracy:
            parts.append(f"val_accuracy={self.val_accuracy[-1]:.4g}")
        return f"History({', '.join(parts)})"


# --------------------------------------------------------------------------
# Argument checks shared with train_ensemble
# --------------------------------------------------------------------------
def _check_seed(seed: object, name: str = "seed") -> int | None:
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be an int or None; got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"{name} must be non-negative; got {seed}")
    return int(seed)


def _check_schedule(epochs: object, batch_size: object, n_samples: int) -> tuple[int, int]:
    epochs = check_positive(epochs, "epochs", integer=True)
    if batch_size is None:
        return epochs, n_samples
    return epochs, check_positive(batch_size, "batch_size", integer=True)


def _n_outputs(model: nn.Module, X: torch.Tensor) -> int:
    n = getattr(model, "out_features", None)
    if isinstance(n, int):
        return n
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = model(X[:1])
    model.train(was_training)
    if out.ndim != 2:
        raise ValueError(
            f"model must return outputs of shape (n_samples, n_outputs); got shape {tuple(out.shape)}"
        )
    return int(out.shape[1])


def _check_model(model: object) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model must have trainable parameters; it has none")
    if not params[0].is_floating_point():
        raise TypeError(f"model parameters must be floating point; got {params[0].dtype}")
    return model


def _make_optimizer(
    optimizer: object, lr: object, params: list[torch.nn.Parameter]
) -> torch.optim.Optimizer:
    if isinstance(optimizer, torch.optim.Optimizer):
        if lr is not None:
            raise ValueError(
                "lr must be None when optimizer is a torch.optim.Optimizer (its own lr is "
                f"used); got lr={lr!r}"
            )
        return optimizer
    name = check_choice(optimizer, "optimizer", OPTIMIZERS)
    lr = check_positive(lr, "lr")
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    # The fused kernel does the whole update in one pass; the unfused one is
    # several times slower on the exact zeros dead ReLUs leave behind.
    return torch.optim.Adam(params, lr=lr, fused=True)


def _epoch_orders(n_samples: int, shuffle: bool, seed: int | None) -> Iterator[torch.Tensor | None]:
    """Sample orders, epoch after epoch, as ``DataLoader(shuffle=True)`` draws them.

    Every epoch, a DataLoader with ``generator=torch.Generator().manual_seed(seed)``
    draws one int64 from the generator (its workers' base seed), then the
    permutation it uses, then, when its sampler runs out, one more
    permutation it throws away. Drawing the same gives the very same batches.
    """
    if not shuffle:
        while True:
            yield None
    generator = torch.Generator()
    generator.manual_seed(seed)
    while True:
        torch.empty((), dtype=torch.int64).random_(generator=generator)
        order = torch.randperm(n_samples, generator=generator)
        torch.randperm(n_samples, generator=generator)
        yield order


def _progress_enabled(progress: bool | None) -> bool:
    if progress is not None:
        if not isinstance(progress, bool):
            raise TypeError(f"progress must be True, False or None; got {type(progress).__name__}")
        return progress
    # Automatic: only on an interactive terminal, never inside a docs build.
    if "sphinx_gallery" in sys.modules:
        return False
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


def _progress_bar(total: int, enabled: bool, forced: bool, desc: str):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(
        total=total, desc=desc, unit="epoch", delay=0.0 if forced else PROGRESS_DELAY, leave=False
    )


#: Below this many multiply-adds per step (batch size times parameters), a step
#: is all per-call overhead: a second intra-op thread only adds synchronisation,
#: and when another process holds a core it stalls every operation for
#: milliseconds (measured: 1000 epochs of logistic regression on the breast
#: cancer data, 0.5 s on one thread; on two threads 0.6 s idle, 66 s beside a
#: busy process).
SMALL_STEP = 1_000_000


@contextlib.contextmanager
def _threads_for_step(n_multiply_adds: int, device: torch.device) -> Iterator[None]:
    """Run small CPU steps on one thread, restoring torch's setting afterwards."""
    threads = torch.get_num_threads()
    if device.type != "cpu" or threads == 1 or n_multiply_adds > SMALL_STEP:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _batch_sizes(n_samples: int, batch_size: int) -> torch.Tensor:
    """The number of samples in each step of an epoch (the last may be short), as float64."""
    return torch.tensor(
        [min(batch_size, n_samples - s) for s in range(0, n_samples, batch_size)],
        dtype=torch.float64,
    )


def _snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
    return {name: p.detach().to("cpu", copy=True) for name, p in model.named_parameters()}


def _prepare(model, X, y, loss, device, name_x="X", name_y="y"):
    """Validate data and move it next to the model; return tensors and objective."""
    param = next(model.parameters())
    X = check_features(X, name_x, dtype=param.dtype, device=device)
    in_features = getattr(model, "in_features", None)
    if isinstance(in_features, int) and X.shape[1] != in_features:
        raise ValueError(
            f"{name_x} has {X.shape[1]} features, but {type(model).__name__} expects "
            f"{in_features} features as input"
        )
    objective = get_objective(loss)
    target, labels = objective.prepare(
        y, _n_outputs(model, X), dtype=param.dtype, device=device, name=name_y
    )
    check_same_length(X, target, name_x, name_y)
    return X, target, labels, objective


@torch.no_grad()
def _evaluate(model, objective: Objective, X, target, labels) -> tuple[float, float]:
    was_training = model.training
    model.eval()
    outputs = model(X)
    model.train(was_training)
    loss = float(objective.loss(outputs, target))
    if labels is None:
        return loss, math.nan
    return loss, float((objective.predict(outputs) == labels).double().mean())


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------
def train(
    model: nn.Module,
    X,
    y,
    *,
    loss: str | Callable,
    optimizer: str | torch.optim.Optimizer,
    lr: float | None,
    epochs: int,
    batch_size: int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
    device=None,
    progress: bool | None = None,
    record_params: bool = False,
    validation_data: tuple | None = None,
) -> History:
    r"""Train a model by mini-batch gradient descent and record its history.

    Each epoch visits the samples in batches of ``batch_size``, in order, or
    in a seeded random order with ``shuffle=True``, exactly as a
    :class:`~torch.utils.data.DataLoader` with
    ``generator=torch.Generator().manual_seed(seed)`` would; every batch
    costs one forward pass, one backward pass and one optimizer step:

    .. math::

        \theta \leftarrow \theta - \eta \, \nabla_\theta
        \frac{1}{|B|} \sum_{i \in B} \ell\bigl(f_\theta(x_i), y_i\bigr)

    Parameters
    ----------
    model : torch.nn.Module
        Returns outputs of shape (n_samples, n_outputs): logits for the
        cross-entropy losses. Moved to ``device`` in place.
    X : tensor-like of shape (n_samples, n_features)
        Training inputs.
    y : tensor-like of shape (n_samples,) or (n_samples, 1)
        Labels 0/1 for one output, class indices for several outputs, or real
        targets for ``loss="mse"``.
    loss : str or callable
        One of :data:`LOSSES`: ``"bce"`` (binary cross-entropy on logits),
        ``"bce_probs"`` (the textbook formula on sigmoid probabilities),
        ``"mse_probs"`` (squared error of sigmoid probabilities), ``"mse"``
        (squared error of raw outputs, one-hot for class indices), ``"ce"``
        (cross-entropy on logits), ``"ce_after_softmax"`` (cross-entropy
        applied to softmax probabilities, a common mistake); or a callable
        ``loss(outputs, target) -> scalar`` on logits.
    optimizer : {"sgd", "adam"} or torch.optim.Optimizer
        Plain SGD, Adam, or an optimizer built on ``model.parameters()``.
    lr : float or None
        Learning rate for a named optimizer; ``None`` with an optimizer instance.
    epochs : int
        Number of passes over the data.
    batch_size : int, default=None
        Samples per step; ``None`` for one full batch per epoch.
    shuffle : bool, default=False
        Draw a new random order every epoch.
    seed : int, default=None
        Seed of the shuffling; ``None`` draws one from torch's global RNG.
    device : str or torch.device, default=None
        Where to train; ``None`` means :func:`lrkit.device.default_device`.
    progress : bool, default=None
        Show a progress bar; ``None`` shows one on a terminal for runs longer
        than :data:`PROGRESS_DELAY` seconds, never in a docs build or notebook.
    record_params : bool, default=False
        Record the parameters before the first and after every step.
    validation_data : tuple (X_val, y_val), default=None
        Held-out data to evaluate after each epoch.

    Returns
    -------
    History

    Raises
    ------
    ValueError, TypeError
        On bad data (NaN, wrong shapes, labels outside {0, 1} or class
        indices out of range) or bad settings (unknown names, non-positive
        ``lr``, ``epochs`` or ``batch_size``).

    Notes
    -----
    On the CPU, a step smaller than :data:`SMALL_STEP` multiply-adds runs on
    one thread (torch's setting is restored afterwards): such steps are all
    per-call overhead, which a second thread only adds to.

    Examples
    --------
    The six students, trained as in the lecture from zero weights:

    >>> import torch, lrkit
    >>> X, y = lrkit.data.students(device="cpu")
    >>> model = lrkit.LogisticRegression(2, device="cpu")
    >>> _ = torch.nn.init.zeros_(model.linear.weight), torch.nn.init.zeros_(model.linear.bias)
    >>> history = lrkit.train(model, X, y, loss="bce", optimizer="sgd", lr=1.0,
    ...                       epochs=1001, device="cpu")
    >>> [round(loss, 6) for loss in history.epoch_loss[::500]]
    [0.693147, 0.037261, 0.019852]
    """
    model = _check_model(model)
    device = resolve_device(device)
    model.to(device)
    X, target, labels, objective = _prepare(model, X, y, loss, device)
    n_samples = X.shape[0]
    epochs, batch_size = _check_schedule(epochs, batch_size, n_samples)
    seed = _check_seed(seed)
    if not isinstance(shuffle, bool):
        raise TypeError(f"shuffle must be True or False; got {type(shuffle).__name__}")
    if shuffle and seed is None:
        seed = int(torch.empty((), dtype=torch.int64).random_().item())
    if validation_data is not None:
        if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
            raise TypeError("validation_data must be a tuple (X_val, y_val)")
        X_val, target_val, labels_val, _ = _prepare(
            model, *validation_data, objective, device, "X_val", "y_val"
        )
    params = [p for p in model.parameters() if p.requires_grad]
    opt = _make_optimizer(optimizer, lr, params)

    history = History(
        params=[_snapshot(model)] if record_params else None,
        seed=seed if shuffle else None,
        model=model,
    )
    enabled = _progress_enabled(progress)
    bar = _progress_bar(epochs, enabled, progress is True, type(model).__name__)
    orders = _epoch_orders(n_samples, shuffle, seed)
    model.train()
    step_size = batch_size * sum(p.numel() for p in params)  # multiply-adds, roughly
    sizes = _batch_sizes(n_samples, batch_size)
    try:
        with _threads_for_step(step_size, device):
            for _ in range(epochs):
                order = next(orders)
                batch_losses: list[torch.Tensor] = []
                correct = torch.zeros((), dtype=torch.int64, device=device)
                for start in range(0, n_samples, batch_size):
                    idx = (
                        slice(start, start + batch_size)
                        if order is None
                        else order[start : start + batch_size]
                    )
                    outputs = model(X[idx])
                    value = objective.loss(outputs, target[idx])
                    opt.zero_grad(set_to_none=True)
                    value.backward()
                    opt.step()
                    batch_losses.append(value.detach())
                    if labels is not None:
                        correct += (objective.predict(outputs.detach()) == labels[idx]).sum()
                    if record_params:
                        history.params.append(_snapshot(model))
                step = torch.stack(batch_losses).double().cpu()
                history.step_loss += step.tolist()
                history.epoch_loss.append(float((step * sizes).sum() / n_samples))
                if labels is not None:
                    history.epoch_accuracy.append(int(correct) / labels.numel())
                if validation_data is not None:
                    val_loss, val_acc = _evaluate(model, objective, X_val, target_val, labels_val)
                    history.val_loss.append(val_loss)
                    if labels_val is not None:
                        history.val_accuracy.append(val_acc)
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(loss=f"{history.epoch_loss[-1]:.4g}", refresh=False)
    finally:
        if bar is not None:
            bar.close()
    return history


def evaluate(model: nn.Module, X, y, *, loss: str | Callable, device=None) -> tuple[float, float]:
    """Loss and accuracy of a model on data, without changing the model.

    Parameters
    ----------
    model : torch.nn.Module
    X : tensor-like of shape (n_samples, n_features)
    y : tensor-like of shape (n_samples,) or (n_samples, 1)
    loss : str or callable
        As in :func:`train`; also fixes the decision rule of the accuracy.
    device : str or torch.device, default=None
        Where to evaluate; ``None`` keeps the model where it is.

    Returns
    -------
    (float, float)
        The mean loss and the accuracy (``nan`` for regression targets).

    Examples
    --------
    >>> import lrkit
    >>> X, y = lrkit.data.students(device="cpu")
    >>> model = lrkit.LogisticRegression(2, device="cpu")
    >>> loss, accuracy = lrkit.training.evaluate(model, X, y, loss="bce")
    """
    model = _check_model(model)
    device = next(model.parameters()).device if device is None else resolve_device(device)
    model.to(device)
    X, target, labels, objective = _prepare(model, X, y, loss, device)
    return _evaluate(model, objective, X, target, labels)


@torch.no_grad()
def predict(model: nn.Module, X, *, loss: str | Callable) -> torch.Tensor:
    """Class labels under the decision rule that goes with a loss.

    A model trained with ``"bce"`` predicts 1 where its logit is positive;
    one trained with ``"mse"`` on 0/1 labels predicts 1 where its output
    exceeds 0.5; the multi-class losses take the largest output.

    Parameters
    ----------
    model : torch.nn.Module
    X : tensor-like of shape (n_samples, n_features)
    loss : str or callable
        The loss the model was trained with.

    Returns
    -------
    torch.Tensor of int64
        Of shape (n_samples, 1) for one output, (n_samples,) otherwise.

    Examples
    --------
    >>> import torch, lrkit
    >>> model = lrkit.MLP(2, 1, hidden=(), device="cpu")
    >>> lrkit.training.predict(model, torch.zeros(4, 2), loss="mse").shape
    torch.Size([4, 1])
    """
    model = _check_model(model)
    param = next(model.parameters())
    X = check_features(X, "X", dtype=param.dtype, device=param.device)
    objective = get_objective(loss)
    was_training = model.training
    model.eval()
    outputs = model(X)
    model.train(was_training)
    return objective.predict(outputs)


def train_ensemble(
    model_fn: Callable[[], nn.Module],
    X,
    y,
    *,
    seeds,
    loss: str | Callable,
    optimizer: str,
    lr: float,
    epochs: int,
    batch_size: int | None = None,
    shuffle: bool = False,
    device=None,
    progress: bool | None = None,
    record_params: bool = False,
    validation_data: tuple | None = None,
) -> list[History]:
    r"""Train one independently seeded model per seed, all as one batched computation.

    Model ``i`` is the one ``torch.manual_seed(seeds[i]); model_fn()`` builds,
    trained exactly as :func:`train` with ``seed=seeds[i]`` would train it
    alone: its own initialisation, its own order of mini-batches. A stack of
    :class:`torch.nn.Linear` layers with ReLUs between them
    (:class:`~lrkit.models.LogisticRegression`,
    :class:`~lrkit.models.SoftmaxRegression`, :class:`~lrkit.models.MLP`, or
    an ``nn.Sequential`` of those layers) is trained with the weights of all
    models stacked, so each step is a few batched matrix products, a
    backward pass written out by hand and one fused optimizer update for
    every model at once:

    .. math::

        \theta^{(m)} \leftarrow \theta^{(m)} - \eta \, \nabla_{\theta^{(m)}}
        \frac{1}{|B_t^{(m)}|} \sum_{i \in B_t^{(m)}}
        \ell\bigl(f_{\theta^{(m)}}(x_i), y_i\bigr), \qquad m = 1, \dots, M

    where :math:`B_t^{(m)}` is batch :math:`t` of model :math:`m`'s shuffled
    order. Any other module, or a callable loss, is trained by one
    :func:`train` call per seed, with the same results.

    Parameters
    ----------
    model_fn : callable
        Takes no argument and returns a new :class:`torch.nn.Module`; it is
        called once per seed, right after ``torch.manual_seed(seed)``, and
        must build the same architecture every time.
    X : tensor-like of shape (n_samples, n_features)
        Training inputs, shared by every model.
    y : tensor-like of shape (n_samples,) or (n_samples, 1)
        Targets, as for :func:`train`.
    seeds : sequence of int
        One distinct non-negative seed per model, e.g. ``range(30)``.
    loss : str or callable
        One of :data:`LOSSES`, or a callable as for :func:`train` (which
        takes the loop of :func:`train` calls).
    optimizer : {"sgd", "adam"}
        Plain SGD or Adam (torch's defaults), one state per model.
    lr : float
        Learning rate.
    epochs : int
        Number of passes over the data.
    batch_size : int, default=None
        Samples per step; ``None`` for one full batch per epoch.
    shuffle : bool, default=False
        Give every model a new random order every epoch, seeded by its seed.
    device : str or torch.device, default=None
        Where to train; ``None`` means :func:`lrkit.device.default_device`.
    progress : bool, default=None
        Show one progress bar for the ensemble, as for :func:`train`.
    record_params : bool, default=False
        Record every model's parameters before the first and after every step.
    validation_data : tuple (X_val, y_val), default=None
        Held-out data to evaluate every model on after each epoch.

    Returns
    -------
    list of History
        One per seed, in the order of ``seeds``; the last entries of
        ``epoch_accuracy`` or ``val_accuracy`` are ready for a box plot.

    Raises
    ------
    ValueError, TypeError
        As :func:`train` does, and when ``seeds`` is not a non-empty sequence
        of distinct non-negative ints, when ``model_fn`` is not callable or
        builds different architectures for different seeds, or when
        ``optimizer`` is an optimizer instance.

    Notes
    -----
    With Adam, first and second moments below about
    :math:`10^{-35}` (float32) are set to zero every 64 steps: they would
    otherwise decay through the denormal numbers once a ReLU unit has died,
    where CPU arithmetic is many times slower, while the updates they carry
    are far below the precision of any parameter.

    See Also
    --------
    train : The same training for one model.

    Examples
    --------
    Five lecture networks on the bands, each from its own seed:

    >>> import lrkit
    >>> X, y = lrkit.data.bands(device="cpu")
    >>> histories = lrkit.train_ensemble(
    ...     lambda: lrkit.models.init_normal_(lrkit.MLP(2, 2, device="cpu")), X, y,
    ...     seeds=range(5), loss="ce", optimizer="adam", lr=0.005, epochs=20,
    ...     batch_size=5, shuffle=True, device="cpu")
    >>> len(histories), len(histories[0].epoch_loss)
    (5, 20)
    >>> all(0.5 <= h.epoch_accuracy[-1] <= 1.0 for h in histories)
    True
    """
    from lrkit._ensemble import train_ensemble as _train_ensemble

    return _train_ensemble(
        model_fn,
        X,
        y,
        seeds=seeds,
        loss=loss,
        optimizer=optimizer,
        lr=lr,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=shuffle,
        device=device,
        progress=progress,
        record_params=record_params,
        validation_data=validation_data,
    )
