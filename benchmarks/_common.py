"""Shared pieces of the benchmarks: timing, goals, machine facts, the sgemm peak."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import torch


@dataclass
class Timing:
    """Wall-clock seconds of several repeats; ``seconds`` is their median."""

    label: str
    repeats: list[float]
    note: str = ""
    scale: float = 1.0  # the median is multiplied by this (per-model timings scaled up)

    @property
    def seconds(self) -> float:
        return statistics.median(self.repeats) * self.scale

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "seconds": self.seconds,
            "repeats": self.repeats,
            "scale": self.scale,
            "note": self.note,
        }


@dataclass
class Goal:
    """A target a case must reach: ``value <= limit`` or ``value >= limit``."""

    text: str
    value: float
    limit: float
    at_most: bool = True
    checked: bool = True

    @property
    def met(self) -> bool:
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def as_dict(self) -> dict:
        return {**asdict(self), "met": self.met if self.checked else None}


@dataclass
class CaseResult:
    """What a case measured: the lrkit way, its baselines, goals and extra facts."""

    name: str
    title: str
    lrkit: Timing
    baselines: list[Timing]
    goals: list[Goal] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def ratio(self, baseline: Timing) -> float:
        """How many times faster the lrkit way is than a baseline."""
        return baseline.seconds / self.lrkit.seconds

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "lrkit": self.lrkit.as_dict(),
            "baselines": [
                {**b.as_dict(), "speedup": self.ratio(b), "ratio": self.lrkit.seconds / b.seconds}
                for b in self.baselines
            ],
            "goals": [g.as_dict() for g in self.goals],
            "extra": self.extra,
        }


def repeat(fn: Callable[[], object], repeats: int) -> list[float]:
    """Wall-clock seconds of ``repeats`` calls of ``fn``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


#: Pause (not timed) after every timed call. torch's OpenMP threads and the BLAS
#: threads numpy and scikit-learn use keep spinning for a while after a call;
#: without a pause, each library's idle threads steal the cores from the other's
#: next call (measured: a 28 ms lrkit fit took 136 ms right after a scikit-learn
#: fit), which no user running one library at a time would see.
SETTLE_SECONDS = 0.25


def interleave(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Time several functions side by side: A, B, A, B, ... so drifts hit both alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
            time.sleep(SETTLE_SECONDS)
    return times


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict:
    import sklearn

    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "platform": platform.platform(),
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def sgemm_peak(size: int = 2048, repeats: int = 5) -> float:
    """The float32 matrix-product rate in GFLOP/s: best of a few large products."""
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(size, size, generator=generator)
    b = torch.randn(size, size, generator=generator)
    torch.mm(a, b)  # warm up
    best = min(repeat(lambda: torch.mm(a, b), repeats))
    return 2 * size**3 / best / 1e9


def warm_up() -> None:
    """Pay the one-off costs (optimizer imports, thread pools) before any timing."""
    model = torch.nn.Linear(2, 1)
    for kwargs in ({}, {"fused": True}):
        opt = torch.optim.Adam(model.parameters(), lr=0.1, **kwargs)
        model(torch.zeros(3, 2)).sum().backward()
        opt.step()
    torch.optim.SGD(model.parameters(), lr=0.1).step()
