"""Every lesson as readers download it: the notebook in a fresh Jupyter kernel, the script
with plain ``python``.

The files are the ones the lesson page links to in the build (its download
links), copied into an empty folder and run there, each with a time limit
(``LRKIT_LESSON_TIME_LIMIT`` seconds, default 300). A failure names the file
and, for a notebook, the cell. One test per lesson and kind.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import _checks
import pytest
from _site import DOCS, GALLERY

TIME_LIMIT = float(os.environ.get("LRKIT_LESSON_TIME_LIMIT", "300"))


def _lesson_stems() -> list[str]:
    """The lessons of gallery/, and any other lesson page the build to check holds."""
    stems = {p.stem for p in GALLERY.glob("plot_*.py")}
    built = Path(os.environ.get("LRKIT_SITE", DOCS / "_build" / "html"))
    stems |= {p.stem for p in (built / "auto_examples").glob("plot_*.html")}
    return sorted(stems)


@pytest.fixture(scope="module")
def crawled(site):
    return _checks.crawl(site)


def _reader_env(tmp: Path) -> dict[str, str]:
    """A reader's environment: lrkit picks its device itself; no display; own config dirs."""
    env = {k: v for k, v in os.environ.items() if k != "LRKIT_DEVICE"}
    env["MPLBACKEND"] = "Agg"
    env["IPYTHONDIR"] = str(tmp / "ipython")
    env["MPLCONFIGDIR"] = str(tmp / "matplotlib")
    return env


def _download(crawled, stem: str, kind: str, into: Path) -> Path:
    """Copy the file the lesson page links for download (kind: python/jupyter) into ``into``."""
    path = f"auto_examples/{stem}.html"
    page = crawled.pages.get(path)
    assert page is not None, f"lesson {stem}: no page {path} reachable from index.html"
    href = page.downloads.get(kind)
    assert href, f"lesson {stem}: {path} has no {kind} download link"
    target = _checks.resolve(path, href)
    assert target is not None and target.path and not target.external, href
    source = crawled.root / target.path
    assert source.is_file(), f"lesson {stem}: the download {href} is missing from the build"
    return Path(shutil.copy(source, into / source.name))


@pytest.mark.slow
@pytest.mark.parametrize("stem", _lesson_stems())
def test_downloaded_notebook_runs(crawled, stem, tmp_path, monkeypatch):
    # The kernel's connection file goes to a folder of this test only.
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    work = tmp_path / "work"
    work.mkdir()
    notebook = _download(crawled, stem, "jupyter", work)
    problems = _checks.run_notebook(notebook, work, _reader_env(tmp_path), TIME_LIMIT)
    assert not problems, _checks.format_problems(problems)


@pytest.mark.slow
@pytest.mark.parametrize("stem", _lesson_stems())
def test_downloaded_script_runs(crawled, stem, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    script = _download(crawled, stem, "python", work)
    problems = _checks.run_script(script, work, _reader_env(tmp_path), TIME_LIMIT)
    assert not problems, _checks.format_problems(problems)
