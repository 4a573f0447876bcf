"""Checks shared by the public entry points.

Every public function validates its arguments here, at the boundary, and
raises ``ValueError`` (bad value) or ``TypeError`` (bad type) with a message
that names the argument, says what was expected and what was given.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np
import torch

__all__: list[str] = []


def _describe(value: object) -> str:
    """Short description of a value for error messages."""
    if isinstance(value, torch.Tensor):
        return f"tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else type(value).__name__


def as_tensor(
    value: object,
    name: str,
    *,
    dtype: torch.dtype | None = None,
    device: torch.device | None = None,
) -> torch.Tensor:
    """Convert a tensor, numpy array or nested list to a tensor.

    Floating point inputs keep their precision unless ``dtype`` is given;
    integer and boolean inputs are kept as they are (the callers decide).
    """
    if isinstance(value, torch.Tensor):
        tensor = value
    elif isinstance(value, np.ndarray | list | tuple | numbers.Number):
        try:
            array = np.asarray(value)
        except ValueError as err:  # ragged nested lists
            raise ValueError(f"{name} must be rectangular; got {value!r:.60}") from err
        if array.dtype == object or array.dtype.kind in "USV":
            raise TypeError(f"{name} must hold numbers; got an array of dtype {array.dtype}")
        tensor = torch.from_numpy(np.ascontiguousarray(array))
    else:
        raise TypeError(
            f"{name} must be a torch.Tensor, a numpy array or a list of numbers; "
            f"got {type(value).__name__}"
        )
    if tensor.is_complex():
        raise TypeError(f"{name} must be real; got dtype {tensor.dtype}")
    if dtype is not None or device is not None:
        tensor = tensor.to(device=device, dtype=dtype)
    return tensor


def check_finite(tensor: torch.Tensor, name: str) -> None:
    """Raise if a floating point tensor holds NaN or infinity."""
    if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
        n_bad = int((~torch.isfinite(tensor)).sum())
        raise ValueError(
            f"{name} must be finite; got {n_bad} NaN or infinite value(s) in a {_describe(tensor)}"
        )


def check_features(
    X: object,
    name: str = "X",
    *,
    dtype: torch.dtype | None = None,
    device: torch.device | None = None,
) -> torch.Tensor:
    """Validate a feature matrix of shape ``(n_samples, n_features)``."""
    tensor = as_tensor(X, name, device=device)
    if tensor.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D of shape (n_samples, n_features); got "
            f"{tensor.ndim}-D of shape {tuple(tensor.shape)}. Reshape a single "
            "feature with X.reshape(-1, 1), a single sample with X.reshape(1, -1)."
        )
    n_samples, n_features = tensor.shape
    if n_samples == 0:
        raise ValueError(f"{name} must have at least one sample; got shape {tuple(tensor.shape)}")
    if n_features == 0:
        raise ValueError(f"{name} must have at least one feature; got shape {tuple(tensor.shape)}")
    if tensor.dtype == torch.bool or not (
        tensor.is_floating_point() or tensor.dtype in _INTEGER_DTYPES
    ):
        raise TypeError(f"{name} must hold real numbers; got dtype {tensor.dtype}")
    tensor = tensor.to(
        dtype=dtype or (tensor.dtype if tensor.is_floating_point() else torch.get_default_dtype())
    )
    check_finite(tensor, name)
    return tensor


_INTEGER_DTYPES = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)


def check_same_length(
    X: torch.Tensor, y: torch.Tensor, x_name: str = "X", y_name: str = "y"
) -> None:
    """Raise unless ``X`` and ``y`` have the same number of samples."""
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"{x_name} and {y_name} must have the same number of samples; got "
            f"{x_name} with {X.shape[0]} and {y_name} of shape {tuple(y.shape)}"
        )


def check_binary_values(y: torch.Tensor, name: str = "y", *, soft: bool = False) -> None:
    """Raise unless every value is 0 or 1 (or, with ``soft``, in ``[0, 1]``)."""
    check_finite(y, name)
    if soft:
        bad = (y < 0) | (y > 1)
        expected = "probabilities in [0, 1]"
    else:
        bad = (y != 0) & (y != 1)
        expected = "binary labels in {0, 1}"
    if bool(bad.any()):
        values = torch.unique(y[bad])[:5].tolist()
        raise ValueError(f"{name} must hold {expected}; got values such as {values}")


def check_class_indices(y: torch.Tensor, n_classes: int, name: str = "y") -> torch.Tensor:
    """Validate class indices of shape ``(n_samples,)`` and return them as int64."""
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(
            f"{name} must hold one class index per sample, of shape (n_samples,); "
            f"got shape {tuple(y.shape)}"
        )
    if y.is_floating_point():
        check_finite(y, name)
        if bool((y != torch.round(y)).any()):
            raise ValueError(f"{name} must hold integer class indices; got fractional values")
    elif y.dtype == torch.bool:
        y = y.long()
    y = y.long()
    bad = (y < 0) | (y >= n_classes)
    if bool(bad.any()):
        values = torch.unique(y[bad])[:5].tolist()
        raise ValueError(
            f"{name} must hold class indices in [0, {n_classes - 1}] for a model with "
            f"{n_classes} outputs; got {values}"
        )
    return y


def check_positive(value: object, name: str, *, integer: bool = False) -> float | int:
    """Raise unless ``value`` is a positive number (a positive int with ``integer``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        kind = "a positive integer" if integer else "a positive number"
        raise TypeError(f"{name} must be {kind}; got {_describe(value)}")
    if integer and not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer; got {value!r}")
    if not np.isfinite(float(value)) or value <= 0:
        kind = "a positive integer" if integer else "a positive number"
        raise ValueError(f"{name} must be {kind}; got {value!r}")
    return int(value) if integer else float(value)


def check_choice(value: object, name: str, choices: Iterable[str]) -> str:
    """Raise unless ``value`` is one of ``choices``; the message lists them."""
    choices = list(choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {choices}; got {_describe(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}; got {value!r}")
    return value


def check_reduction(reduction: object) -> str:
    """Validate the ``reduction`` argument of a loss."""
    return check_choice(reduction, "reduction", ("mean", "sum", "none"))


def check_same_shape(
    input: torch.Tensor,
    target: torch.Tensor,
    input_name: str = "input",
    target_name: str = "target",
) -> None:
    """Raise with torch's wording unless two tensors have the same shape."""
    if input.shape != target.shape:
        raise ValueError(
            f"{target_name.capitalize()} size ({target.shape}) must be the same as "
            f"{input_name} size ({input.shape})"
        )


def as_sequence_of_ints(value: object, name: str) -> Sequence[int]:
    """Validate a sequence of positive integers (hidden layer sizes, seeds)."""
    if isinstance(value, numbers.Integral):
        value = (value,)
    if not isinstance(value, Iterable) or isinstance(value, str):
        raise TypeError(f"{name} must be a sequence of integers; got {_describe(value)}")
    out = tuple(value)
    for item in out:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral):
            raise TypeError(f"{name} must hold integers; got {item!r} in {out!r}")
    return out


def check_fraction(value: object, name: str) -> float:
    """Raise unless ``value`` is a real number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in [0, 1]; got {type(value).__name__}")
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1]; got {value!r}")
    return float(value)
