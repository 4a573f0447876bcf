"""Fixtures for the checks of the built site (``python3 -m nox -s site``).

These tests read a finished build in ``docs/_build/html`` (or the folder named
by ``LRKIT_SITE``); the ``site`` nox session builds it from clean first.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# The checks import their helpers (_site, _checks, ...) from this folder.
sys.path.insert(0, str(Path(__file__).parent))

from _site import DOCS, GALLERY, LESSONS


def pytest_collection_modifyitems(config, items):
    """Mark everything here as a site check, so the unit test run can skip it."""
    for item in items:
        item.add_marker(pytest.mark.site)


@pytest.fixture(scope="session")
def site() -> Path:
    """The root of the built site."""
    path = Path(os.environ.get("LRKIT_SITE", DOCS / "_build" / "html"))
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
