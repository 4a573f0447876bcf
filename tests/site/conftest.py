"""Fixtures for the checks of the built site (``python3 -m nox -s site``).

These tests read a finished build in ``docs/_build/html`` (or the folder named
by ``LRKIT_SITE``); the ``site`` nox session builds it from clean first.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "gallery"
LESSONS = sorted(p.stem for p in GALLERY.glob("plot_*.py"))


def pytest_collection_modifyitems(config, items):
    """Mark everything here as a site check, so the unit test run can skip it."""
    for item in items:
        item.add_marker(pytest.mark.site)


@pytest.fixture(scope="session")
def site() -> Path:
    """The root of the built site."""
    path = Path(os.environ.get("LRKIT_SITE", ROOT / "docs" / "_build" / "html"))
    if not (path / "index.html").exists():
        pytest.fail(
            f"No built site in {path}. Build it with `python3 -m nox -s docs`, or run "
            "`python3 -m nox -s site`, which builds it and runs these checks."
        )
    return path


@pytest.fixture(scope="session")
def lessons() -> list[str]:
    """Stems of the lesson scripts, e.g. ``plot_01_sigmoid``."""
    assert LESSONS, f"no lessons found in {GALLERY}"
    return LESSONS
