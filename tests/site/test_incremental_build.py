"""Rebuilding re-executes exactly the lessons that changed, or whose library code changed.

A tiny site is built with the project's own ``docs/conf.py`` and extension,
two small lessons, and a private copy of lrkit placed first on ``PYTHONPATH``,
so the test can edit library modules without touching the real ones.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _site import DOCS

import lrkit

LESSON_DATA = '''
"""
Uses lrkit.data
===============

Only the data module (and what it imports).
"""

import lrkit

X, y = lrkit.data.students()
print("students", tuple(X.shape))
'''

LESSON_SURFACE = '''
"""
Uses lrkit.surfaces
===================

A loss surface on hand-made data, without lrkit.data.
"""

import torch

import lrkit

x = torch.linspace(-1, 1, 5).reshape(-1, 1)
y = (x > 0).float()
Z = lrkit.surfaces.loss_surface(x, y, torch.linspace(-2, 2, 3), torch.linspace(-1, 1, 3))
print("surface", tuple(Z.shape))
'''


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    docs = root / "docs"
    docs.mkdir()
    for name in ("conf.py", "_ext", "_static", "_templates"):
        src = DOCS / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, docs / name)
    (docs / "index.rst").write_text(
        "Tiny\n====\n\n.. toctree::\n\n   auto_examples/index\n   sg_execution_times\n"
    )
    gallery = root / "gallery"
    gallery.mkdir()
    (gallery / "GALLERY_HEADER.rst").write_text("Lessons\n=======\n")
    (gallery / "plot_01_data.py").write_text(textwrap.dedent(LESSON_DATA))
    (gallery / "plot_02_surface.py").write_text(textwrap.dedent(LESSON_SURFACE))
    src = root / "src"
    shutil.copytree(
        Path(lrkit.__file__).parent, src / "lrkit", ignore=shutil.ignore_patterns("__pycache__")
    )
    return root


def _sphinx(root: Path) -> subprocess.CompletedProcess:
    """Build the tiny site with its private lrkit first on the path."""
    env = {
        **os.environ,
        "PYTHONPATH": str(root / "src"),
        "MPLBACKEND": "Agg",
        "LRKIT_DEVICE": "cpu",
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-q",
            "-b",
            "html",
            "-d",
            str(root / "doctrees"),
            str(root / "docs"),
            str(root / "html"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=root,
    )


def _build(root: Path) -> dict[str, int]:
    """Build the tiny site; return the mtime of each lesson's run record."""
    result = _sphinx(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    records = {}
    for path in (root / "docs" / "auto_examples").glob("*.run.json"):
        records[path.name.split(".")[0]] = path.stat().st_mtime_ns
    return records


def _executed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name, mtime in after.items() if before.get(name) != mtime}


def _touch_module(root: Path, module: str) -> None:
    path = root / "src" / "lrkit" / f"{module}.py"
    path.write_text(path.read_text() + "\n# edited by the incremental-build test\n")


def test_only_what_changed_runs_again(tiny_site):
    first = _build(tiny_site)
    assert set(first) == {"plot_01_data", "plot_02_surface"}
    assert lrkit_path_of(tiny_site).startswith(str(tiny_site / "src"))
    records = tiny_site / "docs" / "auto_examples"
    assert '"lrkit.surfaces"' in (records / "plot_02_surface.run.json").read_text()
    assert '"lrkit.surfaces"' not in (records / "plot_01_data.run.json").read_text()

    # Nothing changed: nothing runs.
    second = _build(tiny_site)
    assert _executed(first, second) == set()

    # Edit one lesson: only that lesson runs.
    lesson = tiny_site / "gallery" / "plot_01_data.py"
    lesson.write_text(lesson.read_text() + "\nprint('edited')\n")
    third = _build(tiny_site)
    assert _executed(second, third) == {"plot_01_data"}

    # Edit a library module only the second lesson imports: only it runs.
    _touch_module(tiny_site, "surfaces")
    fourth = _build(tiny_site)
    assert _executed(third, fourth) == {"plot_02_surface"}

    # Edit a module both import (device choice): both run, no stale page survives.
    _touch_module(tiny_site, "device")
    fifth = _build(tiny_site)
    assert _executed(fourth, fifth) == {"plot_01_data", "plot_02_surface"}
    html = (tiny_site / "html" / "auto_examples" / "plot_01_data.html").read_text()
    assert re.search(r"students \(6, 2\)", html)


def test_a_failing_lesson_fails_the_build_naming_lesson_and_error(tiny_site, tmp_path):
    root = tmp_path / "broken"
    for name in ("docs", "gallery", "src"):
        shutil.copytree(tiny_site / name, root / name)
    (root / "gallery" / "plot_03_broken.py").write_text(
        '"""\nBroken\n======\n\nA lesson whose code fails.\n"""\n\n'
        'raise ValueError("the lesson broke on purpose")\n'
    )
    result = _sphinx(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert "plot_03_broken.py" in output, output[-3000:]
    assert "ValueError: the lesson broke on purpose" in output, output[-3000:]


def lrkit_path_of(root: Path) -> str:
    """Where the tiny site's build imported lrkit from (to be sure it used the copy)."""
    out = subprocess.run(
        [sys.executable, "-c", "import lrkit; print(lrkit.__file__)"],
        env={**os.environ, "PYTHONPATH": str(root / "src")},
        capture_output=True,
        text=True,
        cwd=root,
    )
    return out.stdout.strip()
