"""lrkit: logistic regression and cross-entropy, on a small PyTorch library.

The most used names live at the top level; each concept has its module:

- :mod:`lrkit.losses` — cross-entropy, MSE and entropy, in log space
- :mod:`lrkit.models` — logistic and softmax regression, the lecture's MLP
- :mod:`lrkit.generative` — the Gaussian generative classifier
- :mod:`lrkit.logistic` — logistic regression as a scikit-learn estimator
- :mod:`lrkit.data` — every data set of the lessons
- :mod:`lrkit.training` — training loops, single models and batched ensembles
- :mod:`lrkit.surfaces` — loss surfaces over a (w, b) grid
- :mod:`lrkit.plotting` — the figures of the lessons
- :mod:`lrkit.device` — where computations run

Submodules load on first use, so ``import lrkit`` stays quick.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lrkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

_SUBMODULES = (
    "data",
    "device",
    "generative",
    "logistic",
    "losses",
    "models",
    "plotting",
    "surfaces",
    "training",
)
_TOP_LEVEL = {
    "train": "training",
    "train_ensemble": "training",
    "LogisticRegression": "models",
    "SoftmaxRegression": "models",
    "MLP": "models",
    "GaussianGenerativeClassifier": "generative",
    "LogisticRegressionClassifier": "logistic",
}

__all__ = [*_TOP_LEVEL, *_SUBMODULES, "__version__"]


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f"lrkit.{name}")
        globals()[name] = module
        return module
    if name in _TOP_LEVEL:
        value = getattr(importlib.import_module(f"lrkit.{_TOP_LEVEL[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lrkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
