"""The MLP lesson's box plot: 30 seeds x 3 losses of the lecture network.

The lecture trains its 2-50-100-50-K ReLU network (every parameter drawn
from N(0, 0.02^2)) with Adam at lr 0.005, batches of 5 shuffled by a
DataLoader, for 500 epochs on the 160 points of the two bands; the box plot
repeats that for many seeds and three losses: MSE on one output, cross-entropy
on two, and cross-entropy after a softmax (the lecture's mistake). Three
ways of doing it are timed here:

- ``lrkit.train_ensemble``: 30 seeds of one loss as one batched computation,
  three calls in all;
- a loop of ``lrkit.train`` calls, one model at a time;
- the lecture's own loop: ``TensorDataset``, ``DataLoader(shuffle=True)``,
  ``nn.Sequential`` and ``torch.optim.Adam`` with its defaults, recording
  the loss and accuracy of every batch.

The two loops take about ten seconds a model, so they are timed on one seed
per loss in each repeat and scaled to the 90 models. They run on one thread
(``torch.set_num_threads(1)``), their fastest setting: a second thread only
adds synchronisation to their tiny operations. The ensemble runs with
torch's thread count as it is; the case also times it on one thread.
"""

from __future__ import annotations

import contextlib
import itertools
import time

import torch
from _common import CaseResult, Goal, Timing, interleave, sgemm_peak
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import lrkit
from lrkit.models import init_normal_

NAME = "ensemble"
LOSSES = (("mse", 1), ("ce", 2), ("ce_after_softmax", 2))
HIDDEN = (50, 100, 50)
BATCH = 5
LR = 0.005


def _lecture_mlp(n_out: int) -> nn.Module:
    return init_normal_(lrkit.MLP(2, n_out, HIDDEN, device="cpu"))


def flop_per_step(n_out: int, batch: int = BATCH) -> int:
    """Multiply-adds x 2 of one step of one model: forward, weight and input gradients."""
    sizes = [2, *HIDDEN, n_out]
    products = [a * b for a, b in itertools.pairwise(sizes)]
    # forward and weight gradients touch every layer; input gradients all but the first
    return 2 * batch * (2 * sum(products) + sum(products[1:]))


def _ensemble(X, y, seeds, epochs) -> dict[str, float]:
    accuracy = {}
    for loss, n_out in LOSSES:
        histories = lrkit.train_ensemble(
            lambda n_out=n_out: _lecture_mlp(n_out),
            X,
            y,
            seeds=seeds,
            loss=loss,
            optimizer="adam",
            lr=LR,
            epochs=epochs,
            batch_size=BATCH,
            shuffle=True,
            device="cpu",
            progress=False,
        )
        accuracy[loss] = sum(h.epoch_accuracy[-1] for h in histories) / len(histories)
    return accuracy


def _train_loop(X, y, seeds, epochs) -> None:
    for loss, n_out in LOSSES:
        for seed in seeds:
            torch.manual_seed(seed)
            model = _lecture_mlp(n_out)
            lrkit.train(
                model,
                X,
                y,
                loss=loss,
                optimizer="adam",
                lr=LR,
                epochs=epochs,
                batch_size=BATCH,
                shuffle=True,
                seed=seed,
                device="cpu",
                progress=False,
            )


def _dataloader_loop(X, y, seeds, epochs) -> None:
    """The lecture's way, one model at a time."""
    for loss, n_out in LOSSES:
        target = y.float()[:, None] if loss == "mse" else y
        loss_fn = nn.MSELoss() if loss == "mse" else nn.CrossEntropyLoss()
        for seed in seeds:
            torch.manual_seed(seed)
            net = nn.Sequential(
                nn.Linear(2, 50),
                nn.ReLU(),
                nn.Linear(50, 100),
                nn.ReLU(),
                nn.Linear(100, 50),
                nn.ReLU(),
                nn.Linear(50, n_out),
            )
            for param in net.parameters():
                nn.init.normal_(param, mean=0.0, std=0.02)
            optimizer = torch.optim.Adam(net.parameters(), lr=LR)
            loader = DataLoader(TensorDataset(X, target), batch_size=BATCH, shuffle=True)
            losses, accuracies = [], []
            for _ in range(epochs):
                for batch_x, batch_y in loader:
                    out = net(batch_x)
                    if loss == "ce_after_softmax":
                        out = torch.softmax(out, dim=1)
                    value = loss_fn(out, batch_y)
                    losses.append(value.item())
                    optimizer.zero_grad()
                    value.backward()
                    optimizer.step()
                    if loss == "mse":
                        hits = ((out.detach() > 0.5).float() == batch_y).sum()
                    else:
                        hits = (out.detach().argmax(dim=1) == batch_y).sum()
                    accuracies.append(int(hits) / len(batch_y))


@contextlib.contextmanager
def _threads_set_to(threads: int):
    old = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def _threads(X, y, epochs: int) -> dict[str, float]:
    """Seconds of one 30-model ensemble (cross-entropy) with 1 thread and with torch's default."""
    out = {}
    for threads in sorted({1, torch.get_num_threads()}):
        with _threads_set_to(threads):
            start = time.perf_counter()
            lrkit.train_ensemble(
                lambda: _lecture_mlp(2),
                X,
                y,
                seeds=range(30),
                loss="ce",
                optimizer="adam",
                lr=LR,
                epochs=epochs,
                batch_size=BATCH,
                shuffle=True,
                device="cpu",
                progress=False,
            )
            out[f"{threads} thread(s)"] = time.perf_counter() - start
    return out


def run(quick: bool, repeats: int | None = None) -> CaseResult:
    X, y = lrkit.data.bands(device="cpu")
    n_seeds, epochs = (4, 20) if quick else (30, 500)
    repeats = repeats or (1 if quick else 3)
    seeds = range(n_seeds)
    models = n_seeds * len(LOSSES)
    loop_seeds = [[r] for r in range(repeats)]  # one seed per loss in each repeat

    accuracy: dict[str, float] = {}
    ensemble_times: list[float] = []
    loop_times: dict[str, list[float]] = {"train": [], "dataloader": []}
    for r in range(repeats):
        start = time.perf_counter()
        accuracy = _ensemble(X, y, seeds, epochs)
        ensemble_times.append(time.perf_counter() - start)
        with _threads_set_to(1):
            times = interleave(
                {
                    "train": lambda r=r: _train_loop(X, y, loop_seeds[r], epochs),
                    "dataloader": lambda r=r: _dataloader_loop(X, y, loop_seeds[r], epochs),
                },
                1,
            )
        for key, value in times.items():
            loop_times[key] += value

    scale = models / len(LOSSES)  # each loop repeat trained one model per loss
    note = (
        f"timed on 1 seed per loss ({len(LOSSES)} models) per repeat, scaled to {models} "
        "models; on one thread, the loops' fastest setting"
    )
    lrkit_timing = Timing(
        f"lrkit.train_ensemble, {len(LOSSES)} calls of {n_seeds} seeds", ensemble_times
    )
    baselines = [
        Timing("DataLoader loop, as in the lecture", loop_times["dataloader"], note, scale),
        Timing("loop of lrkit.train calls", loop_times["train"], note, scale),
    ]
    steps = epochs * -(-X.shape[0] // BATCH)
    flop = sum(n_seeds * steps * flop_per_step(n_out) for _, n_out in LOSSES)
    peak = sgemm_peak()
    achieved = flop / lrkit_timing.seconds / 1e9
    extra = {
        "models": models,
        "epochs": epochs,
        "steps_per_model": steps,
        "flop_per_model_step": {loss: flop_per_step(n_out) for loss, n_out in LOSSES},
        "gflops_achieved": achieved,
        "gflops_sgemm_peak": peak,
        "fraction_of_peak": achieved / peak,
        "mean_final_train_accuracy": accuracy,
        "seconds_per_model": {
            "ensemble": lrkit_timing.seconds / models,
            "dataloader": baselines[0].seconds / models,
            "train": baselines[1].seconds / models,
        },
    }
    if not quick:
        extra["threads_30_models_100_epochs"] = _threads(X, y, 100)
    result = CaseResult(
        NAME,
        f"MLP box plot: {models} lecture MLPs ({n_seeds} seeds x {len(LOSSES)} losses, "
        f"{epochs} epochs, batches of {BATCH})",
        lrkit_timing,
        baselines,
        extra=extra,
    )
    result.goals = [
        Goal(f"whole ensemble in at most 30 s ({models} models)", lrkit_timing.seconds, 30.0,
             checked=not quick),
        Goal("at least 35 times faster than the DataLoader loop", result.ratio(baselines[0]),
             35.0, at_most=False, checked=not quick),
    ]  # fmt: skip
    return result
