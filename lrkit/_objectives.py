"""Training objectives by name: a loss on model outputs plus its decision rule.

A model returns raw outputs (logits, or scores for ``"mse"``). Each named
objective says how to turn the user's targets into what its loss expects, how
to compute the loss elementwise from the outputs, and how outputs become
class labels for the accuracy. :mod:`lrkit.training` (one model or a batched
ensemble) and :mod:`lrkit.surfaces` share this table, so a name means the
same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from lrkit._validation import (
    as_tensor,
    check_binary_values,
    check_class_indices,
    check_finite,
)
from lrkit.losses import _bce_with_logits, _BinaryCrossEntropy, _cross_entropy

Tensor = torch.Tensor


@dataclass(frozen=True)
class Objective:
    """A named loss on raw model outputs.

    ``elementwise(outputs, target)`` returns per-element losses whose mean is
    the loss; ``predict(outputs)`` returns labels comparable with the labels
    from ``prepare``.
    """

    name: str
    description: str
    elementwise: Callable[[Tensor, Tensor], Tensor]
    predict: Callable[[Tensor], Tensor]
    kind: str  # "binary": one output, labels {0, 1}; "classes": n outputs; "any"

    def loss(self, outputs: Tensor, target: Tensor) -> Tensor:
        """Mean loss over every element."""
        return self.elementwise(outputs, target).mean()

    def prepare(self, y: object, n_outputs: int, *, dtype: torch.dtype, device, name: str = "y"):
        """Validate targets; return ``(target, labels)``, labels ``None`` for regression."""
        y = as_tensor(y, name, device=device)
        if y.dtype == torch.bool:
            y = y.long()
        if self.kind == "binary" or (self.kind == "any" and n_outputs == 1):
            if n_outputs != 1:
                raise ValueError(
                    f"loss={self.name!r} needs a model with 1 output; this model has {n_outputs}"
                )
            if y.ndim == 1:
                y = y[:, None]
            if y.ndim != 2 or y.shape[1] != 1:
                raise ValueError(
                    f"{name} must be of shape (n_samples,) or (n_samples, 1) for a model with "
                    f"one output; got shape {tuple(y.shape)}"
                )
            target = y.to(dtype)
            check_finite(target, name)
            if self.kind == "binary":
                check_binary_values(target, name)
                return target, target.long()
            # "mse" with one output: regression targets; accuracy when they are labels.
            is_label = bool(((target == 0) | (target == 1)).all())
            return target, (target.long() if is_label else None)
        # Several outputs.
        if self.kind == "classes" and n_outputs < 2:
            raise ValueError(
                f"loss={self.name!r} needs a model with at least 2 outputs (one per "
                f"class); this model has {n_outputs}. Use loss='bce' for one output."
            )
        if y.is_floating_point() and y.ndim == 2 and y.shape[1] == n_outputs and n_outputs > 1:
            check_finite(y, name)
            if self.kind == "classes":
                check_binary_values(y, name, soft=True)
                return y.to(dtype), y.argmax(dim=1)
            return y.to(dtype), None  # multi-output regression
        labels = check_class_indices(y, n_outputs, name)
        if self.kind == "classes":
            return labels, labels
        # "mse" on class indices: regress the one-hot code.
        return F.one_hot(labels, n_outputs).to(dtype), labels


def _binary_predict(outputs: Tensor) -> Tensor:
    return (outputs > 0).long()  # sigmoid(z) > 0.5  <=>  z > 0


def _score_predict(outputs: Tensor) -> Tensor:
    if outputs.shape[-1] == 1:
        return (outputs > 0.5).long()  # a score regressed onto {0, 1}
    return outputs.argmax(dim=-1)


def _argmax(outputs: Tensor) -> Tensor:
    return outputs.argmax(dim=-1)


def _bce_probs(outputs: Tensor, target: Tensor) -> Tensor:
    return _BinaryCrossEntropy.apply(torch.sigmoid(outputs), target.expand_as(outputs))


def _mse(outputs: Tensor, target: Tensor) -> Tensor:
    return (outputs - target) ** 2


def _mse_probs(outputs: Tensor, target: Tensor) -> Tensor:
    return (torch.sigmoid(outputs) - target) ** 2


def _ce_after_softmax(outputs: Tensor, target: Tensor) -> Tensor:
    return _cross_entropy(torch.softmax(outputs, dim=-1), target)


OBJECTIVES: dict[str, Objective] = {
    obj.name: obj
    for obj in (
        Objective(
            "bce",
            "binary cross-entropy on logits (stable)",
            _bce_with_logits,
            _binary_predict,
            "binary",
        ),
        Objective(
            "bce_probs",
            "textbook binary cross-entropy on sigmoid probabilities, logs clamped at -100",
            _bce_probs,
            _binary_predict,
            "binary",
        ),
        Objective(
            "mse_probs",
            "squared error between sigmoid probabilities and 0/1 labels",
            _mse_probs,
            _binary_predict,
            "binary",
        ),
        Objective(
            "mse",
            "squared error on raw outputs (one-hot targets for class indices)",
            _mse,
            _score_predict,
            "any",
        ),
        Objective(
            "ce",
            "cross-entropy on logits (log-softmax)",
            _cross_entropy,
            _argmax,
            "classes",
        ),
        Objective(
            "ce_after_softmax",
            "cross-entropy applied to softmax probabilities (a softmax too many)",
            _ce_after_softmax,
            _argmax,
            "classes",
        ),
    )
}


def _model_rule(outputs: Tensor) -> Tensor:
    """The decision rule of a model that returns logits."""
    if outputs.shape[-1] == 1:
        return _binary_predict(outputs)
    return outputs.argmax(dim=-1)


class _CallableObjective(Objective):
    """A user loss ``fn(outputs, target) -> scalar`` on logits.

    Targets are passed as given (floats cast to the model's dtype); accuracy
    uses the rule of a model that returns logits, when the targets are labels.
    """

    def loss(self, outputs: Tensor, target: Tensor) -> Tensor:
        value = self.elementwise(outputs, target)
        if not isinstance(value, Tensor) or value.ndim != 0:
            raise ValueError(
                f"loss callable {self.name!r} must return a scalar tensor; got "
                f"{type(value).__name__} of shape {tuple(getattr(value, 'shape', ()))}"
            )
        return value

    def prepare(self, y, n_outputs, *, dtype, device, name="y"):
        y = as_tensor(y, name, device=device)
        if y.is_floating_point():
            check_finite(y, name)
            y = y.to(dtype)
        if n_outputs == 1:
            if y.ndim == 1:
                y = y[:, None]
            is_label = bool(((y == 0) | (y == 1)).all())
            return y.to(dtype), (y.long() if is_label else None)
        if not y.is_floating_point() and y.ndim in (1, 2):
            labels = check_class_indices(y, n_outputs, name)
            return labels, labels
        return y, None


def get_objective(loss: object) -> Objective:
    """Look up a named objective, or wrap a callable."""
    if isinstance(loss, Objective):
        return loss
    if isinstance(loss, str):
        if loss not in OBJECTIVES:
            raise ValueError(
                f"loss must be one of {sorted(OBJECTIVES)} or a callable; got {loss!r}"
            )
        return OBJECTIVES[loss]
    if callable(loss):
        name = getattr(loss, "__name__", type(loss).__name__)
        return _CallableObjective(name, "user-supplied loss", loss, _model_rule, "callable")
    raise TypeError(
        f"loss must be one of {sorted(OBJECTIVES)} or a callable; got {type(loss).__name__}"
    )
