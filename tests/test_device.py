"""lrkit.device: the environment variable, availability and clear errors."""

from __future__ import annotations

import pytest
import torch

import lrkit
from lrkit.device import default_device, describe_device, resolve_device


def test_environment_variable_wins(monkeypatch):
    monkeypatch.setenv("LRKIT_DEVICE", "cpu")
    assert default_device() == torch.device("cpu")


def test_automatic_choice_without_the_variable(monkeypatch):
    monkeypatch.delenv("LRKIT_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    if not torch.cuda.is_available() and torch.backends.mps.is_available():
        expected = "mps"
    assert default_device().type == expected


def test_cuda_requested_without_cuda_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setenv("LRKIT_DEVICE", "cuda")
    with pytest.raises(
        ValueError, match=r"LRKIT_DEVICE='cuda' asks for CUDA, but CUDA is not available"
    ):
        default_device()
    with pytest.raises(ValueError, match="device='cuda:0' asks for CUDA"):
        resolve_device("cuda:0")
    # and every entry point reports it
    with pytest.raises(ValueError, match="asks for CUDA"):
        lrkit.data.students()
    with pytest.raises(ValueError, match="asks for CUDA"):
        lrkit.LogisticRegression(2)


def test_unknown_names_list_the_valid_ones(monkeypatch):
    with pytest.raises(
        ValueError, match=r"device must be one of 'cpu', 'cuda', 'cuda:N' or 'mps'; got 'gpu'"
    ):
        resolve_device("gpu")
    monkeypatch.setenv("LRKIT_DEVICE", "tpu")
    with pytest.raises(ValueError, match=r"LRKIT_DEVICE must be one of .*got 'tpu'"):
        default_device()
    with pytest.raises(TypeError, match=r"device must be a str or torch\.device"):
        resolve_device(3)


def test_describe_device_names_the_hardware():
    assert describe_device("cpu").startswith("CPU (")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_runs_on_cuda_when_present():  # pragma: no cover - exercised on GPU machines
    X, y = lrkit.data.students(device="cuda")
    model = lrkit.LogisticRegression(2, device="cuda")
    history = lrkit.train(model, X, y, loss="bce", optimizer="sgd", lr=1.0, epochs=5, device="cuda")
    assert next(model.parameters()).is_cuda and len(history.epoch_loss) == 5
