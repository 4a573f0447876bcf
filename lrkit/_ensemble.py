r"""Many seeded copies of one model, trained together as one batched computation.

:func:`lrkit.training.train_ensemble` is the public entry point; this module
holds the machinery. Model ``i`` is what ``torch.manual_seed(seeds[i])``
followed by ``model_fn()`` builds, trained on its own seeded order of
mini-batches, exactly as :func:`lrkit.training.train` would train it alone.

Fast path
    A stack of :class:`torch.nn.Linear` layers with :class:`torch.nn.ReLU`
    between them (``lrkit.LogisticRegression``, ``SoftmaxRegression``,
    ``MLP`` or a plain ``nn.Sequential``) is trained with the parameters of
    all models stacked along a leading model axis. With a column of
    ones appended to every layer's input, layer :math:`\ell` of every model
    is one batched product,

    .. math::

        Z_\ell = [H_{\ell-1} \,|\, \mathbf{1}] \begin{bmatrix} W_\ell^\top \\
        \mathbf{b}_\ell^\top \end{bmatrix}, \qquad H_\ell = \max(Z_\ell, 0),

    with :math:`H_{\ell-1}` of shape (n_models, batch, in), and the backward
    pass is written out by hand:

    .. math::

        \frac{\partial L}{\partial [W_\ell^\top; \mathbf{b}_\ell^\top]}
        = [H_{\ell-1} \,|\, \mathbf{1}]^\top \Delta_\ell, \qquad
        \Delta_{\ell-1} = \Delta_\ell W_\ell \odot [Z_{\ell-1} > 0],

    so one product gives a layer's weight and bias gradients. The gradient
    :math:`\Delta_L` of each named loss with respect to the outputs is
    written out too (``_LOSS_GRADS``) and checked against autograd on the
    losses of :mod:`lrkit._objectives`. All parameters and gradients
    live in one flat buffer, so one call of the kernel that
    ``torch.optim.Adam(fused=True)`` runs (or SGD's ``add_``) updates them
    all. The losses and accuracies of the history are computed once per
    epoch from the saved outputs of every step.

    Adam's vanishing moments are set to zero before they become denormal
    numbers (see ``_Stack._scrub``). Kernels use torch's threads as they are
    set: on an idle two-core CPU a second thread makes a step of 30 lecture
    MLPs about 1.4 times faster (the fused Adam and the larger products
    split well).

Fallback
    Any other module, or a loss given as a callable, is trained by a loop of
    :func:`lrkit.training.train` calls, one per seed, each from the global
    random state that model would see in the reference loop.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lrkit._objectives import OBJECTIVES, Objective
from lrkit._validation import check_choice, check_positive
from lrkit.device import resolve_device
from lrkit.losses import _GRAD_EPS
from lrkit.models import MLP, LogisticRegression, SoftmaxRegression
from lrkit.training import (
    OPTIMIZERS,
    History,
    _batch_sizes,
    _check_model,
    _check_schedule,
    _check_seed,
    _epoch_orders,
    _prepare,
    _progress_bar,
    _progress_enabled,
    train,
)

__all__: list[str] = []

Tensor = torch.Tensor

# ReLU's backward as autograd computes it, with an output argument.
_threshold_backward = torch.ops.aten.threshold_backward.grad_input

# torch.optim.Adam's defaults, which lrkit.training.train uses.
_BETA1, _BETA2, _EPS = 0.9, 0.999, 1e-8
#: Adam's vanishing moments are set to zero every this many steps (see _Stack._scrub).
_SCRUB_EVERY = 64

#: Mini-batches are gathered for this many bytes of inputs at a time.
_GATHER_BYTES = 32 * 2**20


# --------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------
def _check_seeds(seeds: object) -> list[int]:
    if isinstance(seeds, numbers.Integral) or isinstance(seeds, str | bytes):
        raise TypeError(
            f"seeds must be a sequence of ints, one per model, such as range(30); "
            f"got {type(seeds).__name__} {seeds!r}"
        )
    try:
        items = list(seeds)
    except TypeError:
        raise TypeError(
            f"seeds must be a sequence of ints, one per model; got {type(seeds).__name__}"
        ) from None
    if not items:
        raise ValueError("seeds must hold at least one seed; got an empty sequence")
    checked = [_check_seed(seed, f"seeds[{i}]") for i, seed in enumerate(items)]
    first: dict[int, int] = {}
    for i, seed in enumerate(checked):
        if seed in first:
            raise ValueError(
                f"seeds must be distinct; got seed {seed} at positions {first[seed]} and {i}"
            )
        first[seed] = i
    return checked


def _cuda_devices(device: torch.device) -> list[int]:
    """The CUDA generators a run on ``device`` may draw from (none for a CPU run)."""
    return list(range(torch.cuda.device_count())) if device.type == "cuda" else []


def _build_models(
    model_fn: Callable[[], nn.Module], seeds: list[int], device: torch.device
) -> tuple[list[nn.Module], list[tuple[Tensor, list[Tensor]]]]:
    """Build one model per seed; keep the random state each build leaves behind.

    The global random state is restored afterwards, so the call leaves no trace
    on it; the states are kept for the fallback loop, which trains each model
    from the state the reference loop ``manual_seed(s); model_fn(); train(...)``
    would be in.
    """
    cuda = _cuda_devices(device)
    models, states = [], []
    with torch.random.fork_rng(devices=cuda):
        for i, seed in enumerate(seeds):
            torch.manual_seed(seed)
            model = model_fn()
            if not isinstance(model, nn.Module):
                raise TypeError(
                    f"model_fn must return a torch.nn.Module; for seeds[{i}]={seed} it "
                    f"returned {type(model).__name__}"
                )
            _check_model(model)
            model.to(device)
            models.append(model)
            states.append((torch.get_rng_state(), [torch.cuda.get_rng_state(d) for d in cuda]))
    return models, states


def _architecture(model: nn.Module) -> tuple:
    """What must agree across seeds: the module type and every parameter's name, shape, dtype."""
    params = tuple(
        (name, tuple(p.shape), p.dtype, p.requires_grad) for name, p in model.named_parameters()
    )
    return (type(model), params)


def _check_same_architecture(models: list[nn.Module], seeds: list[int]) -> None:
    reference = _architecture(models[0])
    for i in range(1, len(models)):
        arch = _architecture(models[i])
        if arch != reference:
            raise ValueError(
                "model_fn must build the same architecture for every seed; "
                f"seeds[0]={seeds[0]} gave {_describe_architecture(reference)} but "
                f"seeds[{i}]={seeds[i]} gave {_describe_architecture(arch)}"
            )


def _describe_architecture(arch: tuple) -> str:
    kind, params = arch
    shapes = ", ".join(f"{name} {list(shape)}" for name, shape, _, _ in params)
    return f"{kind.__name__}({shapes})"


# --------------------------------------------------------------------------
# Which models take the fast path
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Layer:
    """One linear layer of the stack: z = h W^T + b, then ReLU if ``relu``."""

    in_features: int
    out_features: int
    relu: bool
    weight_name: str
    bias_name: str


def _has_hooks(module: nn.Module) -> bool:
    return any(
        getattr(m, attr, None)
        for m in module.modules()
        for attr in (
            "_forward_hooks",
            "_forward_pre_hooks",
            "_backward_hooks",
            "_backward_pre_hooks",
        )
    )


def _linear_stack(model: nn.Module) -> list[_Layer] | None:
    """The layers of a pure Linear/ReLU stack, or None if the model is anything else.

    Only exact types qualify (a subclass may override ``forward``), every
    linear layer must have a bias, every parameter must be trained, and no
    module may carry hooks.
    """
    if type(model) in (LogisticRegression, SoftmaxRegression):
        modules, names = [model.linear], ["linear"]
    elif type(model) is MLP:
        modules = list(model.layers)
        names = [f"layers.{i}" for i in range(len(modules))]
    elif type(model) is nn.Sequential:
        modules = list(model)
        names = [str(i) for i in range(len(modules))]
    elif type(model) is nn.Linear:
        modules, names = [model], [""]
    else:
        return None
    if _has_hooks(model):
        return None
    layers: list[_Layer] = []
    for module, name in zip(modules, names, strict=True):
        if type(module) is nn.Linear:
            if module.bias is None:
                return None
            dot = f"{name}." if name else ""
            layers.append(
                _Layer(module.in_features, module.out_features, False, f"{dot}weight", f"{dot}bias")
            )
        elif type(module) is nn.ReLU and layers and not layers[-1].relu:
            last = layers[-1]
            layers[-1] = _Layer(
                last.in_features, last.out_features, True, last.weight_name, last.bias_name
            )
        else:
            return None
    params = list(model.named_parameters())
    if not layers or len(params) != 2 * len(layers):
        return None
    if any(not p.requires_grad for _, p in params) or len({p.dtype for _, p in params}) != 1:
        return None
    if not params[0][1].is_floating_point():
        return None
    return layers


# --------------------------------------------------------------------------
# Loss gradients with respect to the outputs, written out
# --------------------------------------------------------------------------
# Each takes batched outputs z of shape (n_models, batch, n_outputs) and the
# targets in gradient form (one-hot rows for class indices) and returns the
# gradient of the summed elementwise loss with respect to z. Autograd on these
# small tensors costs three times as much (cross-entropy of 30 models: 81 us
# against 27 us a step on one thread, where the whole step takes about 0.7 ms).
def _sigmoid_backward(grad_p: Tensor, p: Tensor) -> Tensor:
    return grad_p.mul_(1 - p).mul_(p)  # dp/dz = p (1 - p), in torch's order


def _grad_bce(z: Tensor, t: Tensor) -> Tensor:
    # l = (1 - t) z - log s(z)  ->  dl/dz = s(z) - t
    return torch.sigmoid(z).sub_(t)


def _grad_bce_probs(z: Tensor, t: Tensor) -> Tensor:
    # l = -(t max(log p, -100) + (1 - t) max(log(1 - p), -100)), p = s(z);
    # dl/dp = (p - t) / max(p (1 - p), 1e-12), as torch's binary_cross_entropy
    p = torch.sigmoid(z)
    grad_p = (p - t).div_((p * (1 - p)).clamp_min_(_GRAD_EPS))
    return _sigmoid_backward(grad_p, p)


def _grad_mse(z: Tensor, t: Tensor) -> Tensor:
    return (z - t).mul_(2)  # l = (z - t)^2


def _grad_mse_probs(z: Tensor, t: Tensor) -> Tensor:
    p = torch.sigmoid(z)  # l = (p - t)^2
    return _sigmoid_backward((p - t).mul_(2), p)


def _softmax_minus(logits: Tensor, t: Tensor, hard: bool) -> Tensor:
    """Gradient of cross-entropy on logits: softmax(logits) * sum(t) - t."""
    probs = torch.softmax(logits, dim=-1)  # (n_models, batch, n_classes)
    if not hard:
        probs = probs.mul_(t.sum(dim=-1, keepdim=True))
    return probs.sub_(t)


def _grad_ce(z: Tensor, t: Tensor, hard: bool) -> Tensor:
    return _softmax_minus(z, t, hard)


def _grad_ce_after_softmax(z: Tensor, t: Tensor, hard: bool) -> Tensor:
    # Softmax probabilities s fed to cross-entropy as if they were logits;
    # back through that softmax: dl/dz = s * (g - sum(g * s)).
    s = torch.softmax(z, dim=-1)
    g = _softmax_minus(s, t, hard)
    return g.sub_((g * s).sum(dim=-1, keepdim=True)).mul_(s)


_LOSS_GRADS: dict[str, Callable[..., Tensor]] = {
    "bce": _grad_bce,
    "bce_probs": _grad_bce_probs,
    "mse": _grad_mse,
    "mse_probs": _grad_mse_probs,
    "ce": _grad_ce,
    "ce_after_softmax": _grad_ce_after_softmax,
}
_CLASS_GRADS = ("ce", "ce_after_softmax")


def _loss_grad_for(objective: Objective, target: Tensor, n_outputs: int, dtype: torch.dtype):
    """The written-out gradient of a named objective and its targets in gradient form.

    Returns ``(grad_fn, grad_target)`` with ``grad_fn(z, t)`` for batched
    outputs and ``grad_target`` of shape (n_samples, n_outputs); ``None`` for
    a user-supplied loss.
    """
    if OBJECTIVES.get(objective.name) is not objective or objective.name not in _LOSS_GRADS:
        return None
    grad = _LOSS_GRADS[objective.name]
    if objective.name in _CLASS_GRADS:
        hard = not target.is_floating_point()
        if hard:  # class indices -> one-hot rows
            target = F.one_hot(target, n_outputs)
        return (lambda z, t: grad(z, t, hard)), target.to(dtype)
    return grad, target


# --------------------------------------------------------------------------
# The batched network
# --------------------------------------------------------------------------
class _Stack:
    r"""Parameters, gradients and optimizer state of every model, in flat buffers.

    Layer :math:`\ell` of all models is one block of shape
    (n_models, in + 1, out): rows ``0..in-1`` hold :math:`W_\ell^\top`, the
    last row the bias. Activations carry a trailing column of ones, so the
    forward product adds the bias and the backward product
    :math:`[H\,|\,1]^\top \Delta` yields the weight and bias gradients
    together; one fused optimizer call then updates every model.
    """

    def __init__(self, models: list[nn.Module], layers: list[_Layer], optimizer: str, lr: float):
        self.layers = layers
        self.n_models = M = len(models)
        self.names = [name for name, _ in models[0].named_parameters()]
        first = next(models[0].parameters())
        self.dtype, self.device = first.dtype, first.device
        blocks = [M * (layer.in_features + 1) * layer.out_features for layer in layers]
        self.flat = torch.empty(sum(blocks), dtype=self.dtype, device=self.device)
        self.grad = torch.zeros_like(self.flat)
        self.weights, self.grads = [], []  # (M, in + 1, out) views
        offset = 0
        for layer, size in zip(layers, blocks, strict=True):
            shape = (M, layer.in_features + 1, layer.out_features)
            self.weights.append(self.flat[offset : offset + size].view(shape))
            self.grads.append(self.grad[offset : offset + size].view(shape))
            offset += size
        # W of shape (M, out, in), a view, for the backward products
        self.weights_t = [w[:, :-1].transpose(1, 2) for w in self.weights]
        with torch.no_grad():
            params = [dict(model.named_parameters()) for model in models]
            for i, layer in enumerate(layers):
                weight = torch.stack([p[layer.weight_name] for p in params])  # (M, out, in)
                bias = torch.stack([p[layer.bias_name] for p in params])  # (M, out)
                self.weights[i][:, :-1].copy_(weight.transpose(1, 2))
                self.weights[i][:, -1].copy_(bias)
        self.optimizer, self.lr = optimizer, lr
        if optimizer == "adam":
            self.exp_avg = torch.zeros_like(self.flat)
            self.exp_avg_sq = torch.zeros_like(self.flat)
            # Moments below this reach no denormal number before the next scrub.
            self.scrub_below = torch.finfo(self.dtype).tiny / _BETA1**_SCRUB_EVERY
            self.steps = 0
            # The step count, a float32 tensor next to the parameters, as fused Adam keeps it.
            self.step_count = torch.zeros((), dtype=torch.float32, device=self.device)
        self._relu = [layer.relu for layer in layers]
        self._buffers: dict[int, tuple[list[Tensor], ...]] = {}

    def _buffers_for(self, batch: int) -> tuple[list[Tensor], ...]:
        """Buffers for a batch size: layer outputs, activations ``[h|1]`` and their views."""
        if batch not in self._buffers:
            M, kwargs = self.n_models, {"dtype": self.dtype, "device": self.device}
            outputs = [torch.empty(M, batch, layer.out_features, **kwargs) for layer in self.layers]
            full = [  # (M, batch, out + 1): the last column stays 1
                torch.ones(M, batch, layer.out_features + 1, **kwargs) for layer in self.layers[:-1]
            ]
            inner = [h[..., :-1] for h in full]
            transposed = [h.transpose(1, 2) for h in full]  # (M, out + 1, batch)
            deltas = [torch.empty(M, batch, layer.in_features, **kwargs) for layer in self.layers]
            self._buffers[batch] = (outputs, full, inner, transposed, deltas)
        return self._buffers[batch]

    def forward(self, x: Tensor) -> Tensor:
        """Outputs of shape (M, batch, n_outputs) for inputs ``[x|1]`` of shape (M, batch, F + 1).

        The hidden activations stay in buffers, for :meth:`backward`.
        """
        outputs, full, inner, _, _ = self._buffers_for(x.shape[1])
        h = x
        for i in range(len(self.layers) - 1):
            z = torch.bmm(h, self.weights[i], out=outputs[i])  # (M, batch, out) = [h|1] [W^T; b]
            if self._relu[i]:
                torch.clamp_min(z, 0, out=inner[i])
            else:
                inner[i].copy_(z)
            h = full[i]
        z = torch.bmm(h, self.weights[-1], out=outputs[-1])
        return z.relu_() if self._relu[-1] else z

    def backward(self, x: Tensor, z: Tensor, delta: Tensor) -> None:
        """Write every gradient into ``self.grad``, given d(loss)/d(outputs) ``delta``."""
        _, _, inner, transposed, deltas = self._buffers_for(x.shape[1])
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            if self._relu[i]:  # pass the gradient where the ReLU was positive, in place
                _threshold_backward(delta, z if i == last else inner[i], 0, grad_input=delta)
            below = x.transpose(1, 2) if i == 0 else transposed[i - 1]  # (M, in + 1, batch)
            # [h|1]^T delta: the weight gradient (transposed) and, in the last row, the bias's
            torch.bmm(below, delta, out=self.grads[i])  # (M, in + 1, out)
            if i > 0:
                delta = torch.bmm(delta, self.weights_t[i], out=deltas[i])  # (M, batch, in)

    def step(self) -> None:
        if self.optimizer == "sgd":
            self.flat.add_(self.grad, alpha=-self.lr)  # torch.optim.SGD without momentum
            return
        self.steps += 1
        if self.steps % _SCRUB_EVERY == 0:
            self._scrub()
        # What torch.optim.Adam(fused=True).step() does, on one flat tensor.
        self.step_count.add_(1)
        torch._fused_adam_(
            [self.flat],
            [self.grad],
            [self.exp_avg],
            [self.exp_avg_sq],
            [],
            [self.step_count],
            lr=self.lr,
            beta1=_BETA1,
            beta2=_BETA2,
            weight_decay=0.0,
            eps=_EPS,
            amsgrad=False,
            maximize=False,
        )

    def _scrub(self) -> None:
        r"""Set Adam's vanishing moments to zero before they become denormal numbers.

        Once a ReLU unit has died, its gradients are exactly zero and its
        first moment decays by :math:`\beta_1` a step, down into the
        denormal numbers, where it stays (0.9 times the smallest of them
        rounds back to itself) and CPU arithmetic is many times slower (fused
        Adam on 313,560 float32 parameters: 3.7 ms a step with denormal
        moments, 0.2 ms without). Scrubs start at step 64, when the first
        bias correction is about 1: a first moment below ``scrub_below``
        (about 1e-35 in float32) moves its parameter by less than
        ``lr * 1e-27``, and a second moment that small adds at most about
        1e-17 to the denominator's ``eps = 1e-8``; both far below the
        precision of any parameter.
        """
        # hardshrink and threshold_ take a seventh of the time of abs, compare and masked_fill.
        self.exp_avg.copy_(F.hardshrink(self.exp_avg, self.scrub_below))  # |m| <= limit -> 0
        F.threshold_(self.exp_avg_sq, self.scrub_below, 0.0)  # v >= 0: v <= limit -> 0

    def snapshot(self) -> Tensor:
        return self.flat.detach().to("cpu", copy=True)

    def unpack(self, snapshots: list[Tensor]) -> list[list[dict[str, Tensor]]]:
        """Turn flat snapshots into, per model, a list of ``{name: tensor}`` in nn.Linear's layout."""
        stacked = torch.stack(snapshots)  # (n_snapshots, n_flat)
        per_name: dict[str, Tensor] = {}
        offset = 0
        for layer in self.layers:
            shape = (len(snapshots), self.n_models, layer.in_features + 1, layer.out_features)
            size = math.prod(shape[1:])
            block = stacked[:, offset : offset + size].view(shape)
            per_name[layer.weight_name] = block[:, :, :-1].transpose(2, 3).contiguous()
            per_name[layer.bias_name] = block[:, :, -1].contiguous()
            offset += size
        return [
            [{name: per_name[name][s, i] for name in self.names} for s in range(len(snapshots))]
            for i in range(self.n_models)
        ]

    @torch.no_grad()
    def evaluate(
        self, objective: Objective, X1: Tensor, target: Tensor, labels: Tensor | None
    ) -> tuple[list[float], list[float] | None]:
        """Loss and accuracy of every model on the same data (``X1`` with its ones)."""
        M = self.n_models
        z = self.forward(X1.expand(M, *X1.shape))  # (M, n_samples, n_outputs)
        loss = objective.elementwise(z, target.expand(M, *target.shape))
        loss = loss.reshape(M, -1).mean(dim=1)  # (M,)
        if labels is None:
            return loss.tolist(), None
        correct = objective.predict(z) == labels.expand(M, *labels.shape)
        return loss.tolist(), correct.reshape(M, -1).double().mean(dim=1).tolist()


def _with_ones(X: Tensor) -> Tensor:
    """``[X | 1]``: inputs with a column of ones for the bias."""
    return torch.cat([X, torch.ones_like(X[:, :1])], dim=1)  # (n_samples, n_features + 1)


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------
def _blocks(n_samples: int, batch_size: int, rows: int) -> list[tuple[int, int]]:
    """Row ranges holding whole batches, each at most ``rows`` rows, gathered at once."""
    per_block = max(1, rows // batch_size) * batch_size
    return [(first, min(first + per_block, n_samples)) for first in range(0, n_samples, per_block)]


def _step_means(values: Tensor, batch_size: int) -> Tensor:
    """Mean of each batch's elementwise values; ``values`` of shape (M, n_samples, ...)."""
    M, n = values.shape[:2]
    per_sample = values.reshape(M, n, -1)
    full = (n // batch_size) * batch_size
    means = [per_sample[:, :full].reshape(M, n // batch_size, -1).mean(dim=2)] if full else []
    if full < n:
        means.append(per_sample[:, full:].reshape(M, 1, -1).mean(dim=2))
    return torch.cat(means, dim=1)  # (M, n_steps)


@dataclass
class _Run:
    """Everything the batched training needs besides the models."""

    layers: list[_Layer]
    loss_grad: Callable[[Tensor, Tensor], Tensor]
    grad_target: Tensor  # (n, K): targets in the form the gradient takes
    objective: Objective
    X1: Tensor  # (n, F + 1): inputs with their ones
    target: Tensor
    labels: Tensor | None
    optimizer: str
    lr: float
    epochs: int
    batch_size: int
    shuffle: bool
    record_params: bool
    validation: tuple[Tensor, Tensor, Tensor | None] | None
    per_sample: int  # elementwise loss terms per sample


def _train_stack(
    run: _Run, models: list[nn.Module], seeds: list[int], tick: Callable[[float], None]
) -> list[History]:
    stack = _Stack(models, run.layers, run.optimizer, run.lr)
    M, device = stack.n_models, stack.device
    X1, n_samples, batch_size = run.X1, run.X1.shape[0], run.batch_size
    row_bytes = M * (X1.shape[1] + run.grad_target.shape[1]) * X1.element_size()
    blocks = _blocks(n_samples, batch_size, max(batch_size, _GATHER_BYTES // row_bytes))
    orders = [_epoch_orders(n_samples, run.shuffle, seed) for seed in seeds]
    sizes = _batch_sizes(n_samples, batch_size)
    histories = [History(seed=seed if run.shuffle else None) for seed in seeds]
    snapshots = [stack.snapshot()] if run.record_params else None
    # The outputs of every step's forward pass: the losses and accuracy come from them.
    outputs = torch.empty(
        M, n_samples, run.layers[-1].out_features, dtype=stack.dtype, device=device
    )
    for _ in range(run.epochs):
        order = [next(o) for o in orders]
        perm = None if order[0] is None else torch.stack(order).to(device)  # (M, n)
        for first, last in blocks:
            if perm is None:  # every model sees the same rows
                xb = X1[first:last].expand(M, -1, -1)  # (M, rows, F + 1)
                tb = run.grad_target[first:last].expand(M, -1, -1)  # (M, rows, K)
            else:  # each model its own rows
                idx = perm[:, first:last]  # (M, rows)
                xb, tb = X1[idx], run.grad_target[idx]
            for x, t, out in zip(
                xb.split(batch_size, 1),
                tb.split(batch_size, 1),
                outputs[:, first:last].split(batch_size, 1),
                strict=True,
            ):
                z = stack.forward(x)  # (M, batch, K)
                out.copy_(z)
                delta = run.loss_grad(z, t).div_(x.shape[1] * run.per_sample)
                stack.backward(x, z, delta)
                stack.step()
                if snapshots is not None:
                    snapshots.append(stack.snapshot())
        # The epoch's losses and accuracy, from the outputs its steps saw.
        if perm is None:
            target = run.target.expand(M, *run.target.shape)
            labels = None if run.labels is None else run.labels.expand(M, *run.labels.shape)
        else:
            target = run.target[perm]
            labels = None if run.labels is None else run.labels[perm]
        elementwise = run.objective.elementwise(outputs, target)  # (M, n, ...)
        step_loss = _step_means(elementwise, batch_size).double().cpu()  # (M, n_steps)
        epoch_loss = ((step_loss * sizes).sum(dim=1) / n_samples).tolist()
        step_loss = step_loss.tolist()
        accuracy = None
        if labels is not None:
            correct = (run.objective.predict(outputs) == labels).reshape(M, -1).sum(dim=1)
            accuracy = (correct.double() / run.labels.numel()).tolist()
        val = stack.evaluate(run.objective, *run.validation) if run.validation else None
        for i, history in enumerate(histories):
            history.step_loss += step_loss[i]
            history.epoch_loss.append(epoch_loss[i])
            if accuracy is not None:
                history.epoch_accuracy.append(accuracy[i])
            if val is not None:
                history.val_loss.append(val[0][i])
                if val[1] is not None:
                    history.val_accuracy.append(val[1][i])
        tick(sum(epoch_loss) / M)
    if snapshots is not None:
        for history, params in zip(histories, stack.unpack(snapshots), strict=True):
            history.params = params
    # Each model built by model_fn gets its trained parameters back.
    for history, model, (final,) in zip(histories, models, stack.unpack([stack.flat]), strict=True):
        for name, param in model.named_parameters():
            param.copy_(final[name])
        history.model = model
    return histories


def _fit_stacked(
    models: list[nn.Module], seeds: list[int], run: _Run, progress: bool | None
) -> list[History]:
    enabled = _progress_enabled(progress)
    bar = _progress_bar(
        run.epochs, enabled, progress is True, f"{len(models)} x {type(models[0]).__name__}"
    )

    def tick(loss: float) -> None:
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{loss:.4g}", refresh=False)

    try:
        with torch.no_grad():
            return _train_stack(run, models, seeds, tick)
    finally:
        if bar is not None:
            bar.close()


def _fit_loop(
    models: list[nn.Module],
    states: list[tuple[Tensor, list[Tensor]]],
    X,
    y,
    *,
    seeds: list[int],
    progress: bool | None,
    **kwargs,
) -> list[History]:
    """One :func:`train` call per seed, each from the random state its build left."""
    cuda = _cuda_devices(kwargs["device"])
    epochs = kwargs["epochs"]
    enabled = _progress_enabled(progress)
    bar = _progress_bar(
        len(models) * epochs,
        enabled,
        progress is True,
        f"{len(models)} x {type(models[0]).__name__}",
    )
    histories = []
    try:
        for model, (cpu_state, cuda_states), seed in zip(models, states, seeds, strict=True):
            with torch.random.fork_rng(devices=cuda):
                torch.set_rng_state(cpu_state)
                for index, state in zip(cuda, cuda_states, strict=True):
                    torch.cuda.set_rng_state(state, index)
                histories.append(train(model, X, y, seed=seed, progress=False, **kwargs))
            if bar is not None:
                bar.update(epochs)
    finally:
        if bar is not None:
            bar.close()
    return histories


def train_ensemble(
    model_fn: Callable[[], nn.Module],
    X,
    y,
    *,
    seeds: Sequence[int],
    loss,
    optimizer: str,
    lr: float,
    epochs: int,
    batch_size: int | None,
    shuffle: bool,
    device,
    progress: bool | None,
    record_params: bool,
    validation_data: tuple | None,
) -> list[History]:
    """The body of :func:`lrkit.training.train_ensemble` (documented there)."""
    if isinstance(model_fn, nn.Module) or not callable(model_fn):
        kind = "module instance" if isinstance(model_fn, nn.Module) else "object"
        raise TypeError(
            "model_fn must be a callable that builds a new model, such as "
            f"lambda: lrkit.MLP(2, 1); got a {type(model_fn).__name__} {kind}"
        )
    seeds = _check_seeds(seeds)
    if isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            f"optimizer must be one of {list(OPTIMIZERS)} for an ensemble, since every model "
            f"gets its own optimizer state; got a {type(optimizer).__name__} instance"
        )
    optimizer = check_choice(optimizer, "optimizer", OPTIMIZERS)
    lr = check_positive(lr, "lr")
    if not isinstance(shuffle, bool):
        raise TypeError(f"shuffle must be True or False; got {type(shuffle).__name__}")
    _progress_enabled(progress)  # validates the argument
    if validation_data is not None and (
        not isinstance(validation_data, tuple | list) or len(validation_data) != 2
    ):
        raise TypeError("validation_data must be a tuple (X_val, y_val)")
    device = resolve_device(device)

    models, states = _build_models(model_fn, seeds, device)
    _check_same_architecture(models, seeds)
    X_t, target, labels, objective = _prepare(models[0], X, y, loss, device)
    epochs, batch_size = _check_schedule(epochs, batch_size, X_t.shape[0])
    validation = None
    if validation_data is not None:
        X_val, target_val, labels_val, _ = _prepare(
            models[0], *validation_data, objective, device, "X_val", "y_val"
        )
        validation = (X_val, target_val, labels_val)

    layers = [_linear_stack(model) for model in models]
    same = layers[0] is not None and all(lay == layers[0] for lay in layers)
    loss_grad = (
        _loss_grad_for(objective, target, layers[0][-1].out_features, X_t.dtype) if same else None
    )
    if loss_grad is None:
        return _fit_loop(
            models,
            states,
            X,
            y,
            seeds=seeds,
            progress=progress,
            loss=loss,
            optimizer=optimizer,
            lr=lr,
            epochs=epochs,
            batch_size=batch_size,
            shuffle=shuffle,
            device=device,
            record_params=record_params,
            validation_data=validation_data,
        )
    grad, grad_target = loss_grad
    layers = layers[0]
    per_sample = objective.elementwise(
        torch.zeros(1, 1, layers[-1].out_features, dtype=X_t.dtype, device=device),
        target[:1].unsqueeze(0),
    ).numel()
    run = _Run(
        layers=layers,
        loss_grad=grad,
        grad_target=grad_target,
        objective=objective,
        X1=_with_ones(X_t),
        target=target,
        labels=labels,
        optimizer=optimizer,
        lr=lr,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=shuffle,
        record_params=bool(record_params),
        validation=None if validation is None else (_with_ones(validation[0]), *validation[1:]),
        per_sample=per_sample,
    )
    return _fit_stacked(models, seeds, run, progress)
