r"""Models of the lessons, as small :class:`torch.nn.Module` classes.

Every model's :meth:`~torch.nn.Module.forward` returns logits (raw scores);
``predict_proba`` turns them into probabilities (sigmoid for one output,
softmax for several) and ``predict`` into class labels. A model is created on
the CPU, exactly where the matching :mod:`torch.nn` layers would start after
the same :func:`torch.manual_seed`, and then moved to its device.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from lrkit._validation import as_sequence_of_ints, check_features, check_positive
from lrkit.device import resolve_device

__all__ = ["MLP", "LogisticRegression", "SoftmaxRegression", "init_normal_"]


class _Classifier(nn.Module):
    """Shared ``predict_proba`` / ``predict`` for models that output logits."""

    in_features: int
    out_features: int

    def _place(self, device, dtype) -> None:
        # Parameters are initialised on the CPU (torch's default generator),
        # then moved, so the starting point does not depend on the device.
        self.to(device=resolve_device(device), dtype=dtype)

    def _check_input(self, X) -> torch.Tensor:
        param = next(self.parameters())
        X = check_features(X, "X", dtype=param.dtype, device=param.device)
        if X.shape[1] != self.in_features:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} expects "
                f"{self.in_features} features as input"
            )
        return X

    @torch.no_grad()
    def predict_proba(self, X) -> torch.Tensor:
        """Class probabilities.

        Parameters
        ----------
        X : tensor-like of shape (n_samples, n_features)

        Returns
        -------
        torch.Tensor
            Of shape (n_samples, 1), the probability of class 1, for a model
            with one output; of shape (n_samples, n_classes) otherwise.
        """
        logits = self(self._check_input(X))
        if self.out_features == 1:
            return torch.sigmoid(logits)  # (n_samples, 1)
        return torch.softmax(logits, dim=1)  # (n_samples, n_classes)

    @torch.no_grad()
    def predict(self, X, threshold: float = 0.5) -> torch.Tensor:
        """Class labels as int64.

        Parameters
        ----------
        X : tensor-like of shape (n_samples, n_features)
        threshold : float, default=0.5
            For one output: predict 1 where the probability exceeds it.
            Ignored for several outputs (the most probable class wins).

        Returns
        -------
        torch.Tensor
            Of shape (n_samples, 1) for one output, (n_samples,) otherwise.
        """
        if self.out_features == 1:
            if not 0.0 < threshold < 1.0:
                raise ValueError(f"threshold must lie strictly between 0 and 1; got {threshold!r}")
            return (self.predict_proba(X) > threshold).long()  # (n_samples, 1)
        return self(self._check_input(X)).argmax(dim=1)  # (n_samples,)


class LogisticRegression(_Classifier):
    r"""Binary logistic regression: one linear unit whose logit feeds a sigmoid.

    .. math::

        z = \mathbf{w}^\top \mathbf{x} + b, \qquad
        P(y = 1 \mid \mathbf{x}) = \sigma(z) = \frac{1}{1 + e^{-z}}

    ``forward`` returns :math:`z`; train it with the ``"bce"`` loss (binary
    cross-entropy on logits).

    Parameters
    ----------
    n_features : int
        Number of input features.
    device : str or torch.device, default=None
        Where the parameters live; ``None`` means :func:`lrkit.device.default_device`.
    dtype : torch.dtype, default=None
        Parameter dtype; ``None`` keeps torch's default (float32).

    Attributes
    ----------
    linear : torch.nn.Linear
        The weights ``linear.weight`` of shape (1, n_features) and bias ``linear.bias``.

    Examples
    --------
    >>> import torch, lrkit
    >>> _ = torch.manual_seed(0)
    >>> model = lrkit.LogisticRegression(2, device="cpu")
    >>> model(torch.zeros(3, 2)).shape
    torch.Size([3, 1])
    """

    def __init__(self, n_features: int, *, device=None, dtype=None) -> None:
        super().__init__()
        self.in_features = check_positive(n_features, "n_features", integer=True)
        self.out_features = 1
        self.linear = nn.Linear(self.in_features, 1)
        self._place(device, dtype)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Logits of shape (n_samples, 1)."""
        return self.linear(X)


class SoftmaxRegression(_Classifier):
    r"""Multinomial logistic regression: one linear layer, softmax over classes.

    .. math::

        \mathbf{z} = W \mathbf{x} + \mathbf{b}, \qquad
        P(y = k \mid \mathbf{x}) = \frac{e^{z_k}}{\sum_j e^{z_j}}

    ``forward`` returns :math:`\mathbf{z}`; train it with the ``"ce"`` loss.

    Parameters
    ----------
    n_features : int
        Number of input features.
    n_classes : int
        Number of classes, at least 2.
    device : str or torch.device, default=None
        Where the parameters live; ``None`` means :func:`lrkit.device.default_device`.
    dtype : torch.dtype, default=None
        Parameter dtype.

    Examples
    --------
    >>> import torch, lrkit
    >>> model = lrkit.SoftmaxRegression(2, 4, device="cpu")
    >>> model.predict_proba(torch.zeros(1, 2))
    tensor([[0.2500, 0.2500, 0.2500, 0.2500]])
    """

    def __init__(self, n_features: int, n_classes: int, *, device=None, dtype=None) -> None:
        super().__init__()
        self.in_features = check_positive(n_features, "n_features", integer=True)
        self.out_features = check_positive(n_classes, "n_classes", integer=True)
        if self.out_features < 2:
            raise ValueError(
                f"n_classes must be at least 2 (use LogisticRegression for one output); "
                f"got {n_classes}"
            )
        self.linear = nn.Linear(self.in_features, self.out_features)
        self._place(device, dtype)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Logits of shape (n_samples, n_classes)."""
        return self.linear(X)


class MLP(_Classifier):
    r"""Fully connected network with ReLU hidden layers and a linear output.

    .. math::

        \mathbf{h}_0 = \mathbf{x}, \quad
        \mathbf{h}_\ell = \operatorname{ReLU}(W_\ell \mathbf{h}_{\ell-1} + \mathbf{b}_\ell),
        \quad \mathbf{z} = W_{L+1} \mathbf{h}_L + \mathbf{b}_{L+1}

    The default hidden sizes (50, 100, 50) are the lecture's network. The
    layers sit in ``self.layers``, an :class:`torch.nn.Sequential` built in
    the same order as the lecture's, so the same seed gives the same weights.

    Parameters
    ----------
    in_features : int
        Number of input features.
    out_features : int
        Number of outputs: 1 for a binary (or regression) output, the number
        of classes for a softmax output.
    hidden : sequence of int, default=(50, 100, 50)
        Sizes of the hidden layers; empty for a linear model.
    device : str or torch.device, default=None
        Where the parameters live; ``None`` means :func:`lrkit.device.default_device`.
    dtype : torch.dtype, default=None
        Parameter dtype.

    Examples
    --------
    >>> import torch, lrkit
    >>> net = lrkit.MLP(2, 2, device="cpu")
    >>> [tuple(p.shape) for p in net.parameters()][::2]
    [(50, 2), (100, 50), (50, 100), (2, 50)]
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        hidden: Sequence[int] = (50, 100, 50),
        *,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.in_features = check_positive(in_features, "in_features", integer=True)
        self.out_features = check_positive(out_features, "out_features", integer=True)
        self.hidden = tuple(as_sequence_of_ints(hidden, "hidden"))
        for size in self.hidden:
            check_positive(size, "hidden", integer=True)
        layers: list[nn.Module] = []
        width = self.in_features
        for size in self.hidden:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        layers.append(nn.Linear(width, self.out_features))
        self.layers = nn.Sequential(*layers)
        self._place(device, dtype)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Logits of shape (n_samples, out_features)."""
        return self.layers(X)


def init_normal_(module: nn.Module, mean: float = 0.0, std: float = 0.02) -> nn.Module:
    r"""Draw every parameter, weights and biases alike, from :math:`\mathcal{N}(\mu, \sigma^2)`.

    This is the lecture's initialisation (``std=0.02`` for every parameter).
    Parameters are drawn on the CPU in the order of ``named_parameters()``
    and copied to their device, so the result does not depend on the device.

    Parameters
    ----------
    module : torch.nn.Module
        The model to initialise in place.
    mean : float, default=0.0
        Mean of the normal distribution.
    std : float, default=0.02
        Standard deviation, positive.

    Returns
    -------
    torch.nn.Module
        The same module, for chaining.

    Examples
    --------
    >>> import torch, lrkit
    >>> _ = torch.manual_seed(0)
    >>> net = lrkit.models.init_normal_(lrkit.MLP(2, 1, device="cpu"))
    >>> abs(float(net.layers[0].weight.std()) - 0.02) < 0.01
    True
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module; got {type(module).__name__}")
    std = check_positive(std, "std")
    with torch.no_grad():
        for _, param in module.named_parameters():
            if param.requires_grad:
                draw = torch.empty(param.shape, dtype=param.dtype).normal_(mean, std)
                param.copy_(draw)
    return module
