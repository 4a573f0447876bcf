"""Two clean builds of one commit show the same numbers on every lesson page.

The site under test is the first build. This test copies its sources (``docs/``
and ``gallery/``, without anything generated) into a temporary folder, builds
them again from clean with the same ``SOURCE_DATE_EPOCH``, and compares the
numbers in the text of every lesson page. Only measured times may differ: the
"Total running time" footer, the "Wall time" of the run box and the
execution-times tables are masked (``_checks.RUN_TIME_PATTERNS``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import _checks
import pytest
from _site import DOCS, GALLERY, ROOT

BUILD_TIME_LIMIT = 1800  # seconds
GENERATED = ("_build", "auto_examples", "gen_modules", "generated", "sg_execution_times.rst")


def _source_date_epoch() -> str:
    """The build's timestamp: $SOURCE_DATE_EPOCH, else the last commit's (as nox does)."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    done = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "0"


def _sources_of(site: Path) -> tuple[Path, Path]:
    """The docs/ and gallery/ the site was built from (a build lives in docs/_build/html)."""
    docs = site.resolve().parents[1]
    if (docs / "conf.py").is_file() and (docs.parent / "gallery").is_dir():
        return docs, docs.parent / "gallery"
    return DOCS, GALLERY


def build_site(docs: Path, gallery: Path, into: Path, epoch: str) -> Path:
    """Build a clean copy of ``docs`` and ``gallery`` under ``into``; the HTML folder."""
    shutil.copytree(docs, into / "docs", ignore=shutil.ignore_patterns(*GENERATED, "__pycache__"))
    shutil.copytree(gallery, into / "gallery", ignore=shutil.ignore_patterns("__pycache__"))
    html = into / "docs" / "_build" / "html"
    env = {k: v for k, v in os.environ.items() if k != "LRKIT_DEVICE"}  # as nox builds it
    env.update(SOURCE_DATE_EPOCH=epoch, MPLBACKEND="Agg")
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html"]
    command += ["-d", str(into / "docs" / "_build" / "doctrees"), str(into / "docs"), str(html)]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=BUILD_TIME_LIMIT, check=False
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-30:])
        pytest.fail(f"the second build failed ({done.returncode}):\n{tail}", pytrace=False)
    return html


@pytest.mark.slow
def test_two_clean_builds_show_the_same_numbers(site, tmp_path):
    first = _checks.crawl(site)
    assert first.lessons, "the build has no lesson page"
    for page in first.lessons:
        text = (site / page.path).read_text(encoding="utf-8")
        assert _checks.page_numbers(text), f"{page.path}: no number on the page to compare"
    docs, gallery = _sources_of(site)
    second = _checks.crawl(build_site(docs, gallery, tmp_path, _source_date_epoch()))
    problems = _checks.compare_lesson_numbers(first, second)
    assert not problems, _checks.format_problems(problems)
