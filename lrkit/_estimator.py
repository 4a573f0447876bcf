"""Conversions shared by lrkit's scikit-learn style estimators.

The estimators accept what scikit-learn accepts plus torch tensors on any
device, let scikit-learn validate the input as numpy, compute in torch on
their ``device``, and store fitted attributes as numpy arrays.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data


def host_array(value: object) -> object:
    """Hand a torch tensor (on any device) to scikit-learn's checks as numpy."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return value


def host_labels(value: object) -> object:
    """Like :func:`host_array`, and flatten lrkit's ``(n_samples, 1)`` label tensors.

    The binary data sets of :mod:`lrkit.data` return labels of shape
    ``(n_samples, 1)``; they are accepted as they are. A numpy column vector
    still gets scikit-learn's usual ``DataConversionWarning``.
    """
    if isinstance(value, torch.Tensor):
        if value.ndim == 2 and value.shape[1] == 1:
            value = value[:, 0]
        return value.detach().cpu().numpy()
    return value


def compute_dtype(device: torch.device) -> torch.dtype:
    """float64 everywhere, except on Apple MPS, which has no float64."""
    return torch.float32 if device.type == "mps" else torch.float64


def to_torch(array: np.ndarray, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """A numpy array as a tensor, sharing memory when it can."""
    if not array.flags.writeable:  # torch warns on read-only memory (memory maps)
        array = np.array(array)
    return torch.from_numpy(array).to(device=device, dtype=dtype)


def to_numpy(tensor: torch.Tensor) -> np.ndarray:
    """A tensor back to a float64 numpy array on the host."""
    return tensor.detach().to(device="cpu", dtype=torch.float64).contiguous().numpy()


def validate_classification(estimator, X, y) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check training data the scikit-learn way; return X, the classes and y's class indices.

    Sets ``n_features_in_`` (and ``feature_names_in_``) on ``estimator``, as
    :func:`sklearn.utils.validation.validate_data` does.
    """
    X, y = validate_data(estimator, host_array(X), host_labels(y), dtype=np.float64, order="C")
    check_classification_targets(y)
    classes, y_index = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(
            "y must hold at least two classes to fit a classifier; got one class, "
            f"{classes.tolist()[0]!r}"
        )
    return X, classes, y_index
