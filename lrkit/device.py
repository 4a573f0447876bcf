"""Where computations run: CUDA, Apple MPS or the CPU.

Every lrkit entry point takes ``device=``; ``None`` means
:func:`default_device`, so a lesson runs on a GPU when there is one and on the
CPU otherwise, without a line of code changing.
"""

from __future__ import annotations

import os
import platform

import torch

__all__ = ["default_device", "describe_device", "resolve_device"]

#: The environment variable that overrides the automatic choice.
ENV_VAR = "LRKIT_DEVICE"

_VALID = "'cpu', 'cuda', 'cuda:N' or 'mps'"


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(
    device: str | torch.device | None = None, *, name: str = "device"
) -> torch.device:
    """Turn a device argument into an available :class:`torch.device`.

    Parameters
    ----------
    device : str, torch.device or None, default=None
        ``None`` picks :func:`default_device`; otherwise a device name such as
        ``"cpu"``, ``"cuda"``, ``"cuda:1"`` or ``"mps"``.
    name : str, default="device"
        The name of the argument, used in error messages.

    Returns
    -------
    torch.device

    Raises
    ------
    ValueError
        If the name is not a device, or the device is not available here.

    Examples
    --------
    >>> from lrkit.device import resolve_device
    >>> resolve_device("cpu")
    device(type='cpu')
    """
    if device is None:
        return default_device()
    if isinstance(device, str):
        try:
            parsed = torch.device(device)
        except RuntimeError as err:
            raise ValueError(f"{name} must be one of {_VALID}; got {device!r}") from err
    elif isinstance(device, torch.device):
        parsed = device
    else:
        raise TypeError(
            f"{name} must be a str or torch.device such as {_VALID}; got {type(device).__name__}"
        )
    if parsed.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"{name}={str(device)!r} asks for CUDA, but CUDA is not available on "
                "this machine (torch.cuda.is_available() is False); use 'cpu'"
            )
        if parsed.index is not None and parsed.index >= torch.cuda.device_count():
            raise ValueError(
                f"{name}={str(device)!r} asks for GPU {parsed.index}, but this machine has "
                f"{torch.cuda.device_count()} CUDA device(s)"
            )
    elif parsed.type == "mps":
        if not _mps_available():
            raise ValueError(
                f"{name}={str(device)!r} asks for Apple MPS, which is not available on "
                "this machine; use 'cpu'"
            )
    elif parsed.type != "cpu":
        raise ValueError(f"{name} must be one of {_VALID}; got {str(device)!r}")
    return parsed


def default_device() -> torch.device:
    """The device lrkit uses when none is given.

    ``LRKIT_DEVICE`` if it is set, else the first CUDA GPU, else Apple MPS,
    else the CPU.

    Returns
    -------
    torch.device

    Raises
    ------
    ValueError
        If ``LRKIT_DEVICE`` names a device that is unknown or not available.

    Examples
    --------
    >>> import lrkit
    >>> lrkit.device.default_device().type in {"cpu", "cuda", "mps"}
    True
    """
    requested = os.environ.get(ENV_VAR, "").strip()
    if requested:
        return resolve_device(requested, name=ENV_VAR)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe_device(device: str | torch.device | None = None) -> str:
    """One line naming the hardware behind a device, for run reports.

    Examples
    --------
    >>> from lrkit.device import describe_device
    >>> describe_device("cpu").startswith("CPU")
    True
    """
    device = resolve_device(device)
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        return f"GPU {torch.cuda.get_device_name(index)} (CUDA {torch.version.cuda})"
    if device.type == "mps":
        return f"Apple GPU (MPS) on {platform.machine()}"
    processor = platform.machine() or "unknown architecture"
    return f"CPU ({processor}, {torch.get_num_threads()} torch threads)"
