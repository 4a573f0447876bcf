"""Shared fixtures: every test runs on the CPU unless it says otherwise."""

from __future__ import annotations

import matplotlib
import pytest
import torch

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _cpu_and_seed(monkeypatch):
    """Pin lrkit to the CPU and start every test from the same global seed."""
    monkeypatch.setenv("LRKIT_DEVICE", "cpu")
    torch.manual_seed(0)
    yield
