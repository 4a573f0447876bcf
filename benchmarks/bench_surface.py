"""A 300 x 300 loss surface of logistic regression on the lab's step data.

The lab fills its grid cell by cell: for every (w, b) it computes the
sigmoid of ``w x + b`` on all samples with numpy and averages the
cross-entropy, with ``1e-16`` added inside each log. lrkit evaluates the
whole grid as one broadcast expression in log space
(``lrkit.surfaces.loss_surface``). Both run in float64; they must agree
wherever the lab's ``+1e-16`` is negligible.
"""

from __future__ import annotations

import numpy as np
import torch
from _common import CaseResult, Goal, Timing, interleave

import lrkit
from lrkit.surfaces import grid, loss_surface

NAME = "surface"
N = 300


def lab_double_loop(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The lab's way: one numpy evaluation per grid point, rows over b, columns over w."""
    W, B = np.meshgrid(w, b)
    Z = np.zeros(W.shape)
    for i in range(W.shape[0]):
        for j in range(W.shape[1]):
            p = 1 / (1 + np.exp(-(W[i, j] * x + B[i, j])))
            Z[i, j] = -np.mean(y * np.log(p + 1e-16) + (1 - y) * np.log(1 - p + 1e-16))
    return Z


def run(quick: bool, repeats: int | None = None) -> CaseResult:
    repeats = repeats or (2 if quick else 5)
    X, y = lrkit.data.step_data(device="cpu", dtype=torch.float64)
    w, b = grid(15, 13, n=N, device="cpu")
    x_np, y_np = X[:, 0].numpy(), y[:, 0].numpy()
    w_np, b_np = w.numpy(), b.numpy()

    surface = loss_surface(X, y, w, b, loss="bce", device="cpu").numpy()
    reference = lab_double_loop(x_np, y_np, w_np, b_np)
    # Agreement where no probability comes near 1e-16 (the lab's offset).
    z = w_np[None, :, None] * x_np + b_np[:, None, None]  # (n_b, n_w, n_samples)
    safe = (np.abs(z) < 20).all(axis=-1)
    worst = float(np.max(np.abs(surface[safe] - reference[safe]) / np.abs(reference[safe])))
    if worst > 1e-6:
        raise AssertionError(f"loss_surface disagrees with the lab's loop: relative error {worst}")

    times = interleave(
        {
            "lrkit": lambda: loss_surface(X, y, w, b, loss="bce", device="cpu"),
            "lab": lambda: lab_double_loop(x_np, y_np, w_np, b_np),
        },
        repeats,
    )
    lrkit_timing = Timing('lrkit.surfaces.loss_surface(X, y, w, b, loss="bce")', times["lrkit"])
    baseline = Timing("the lab's double Python loop (numpy per grid point)", times["lab"])
    result = CaseResult(
        NAME,
        f"Loss surface on a {N} x {N} (w, b) grid, {x_np.size} samples of the lab's step data",
        lrkit_timing,
        [baseline],
        extra={
            "grid": [N, N],
            "samples": int(x_np.size),
            "max_relative_difference_where_unsaturated": worst,
            "unsaturated_cells": int(safe.sum()),
        },
    )
    result.goals = [
        Goal("at least 100 times faster than the lab's loop", result.ratio(baseline), 100.0,
             at_most=False),
    ]  # fmt: skip
    return result
