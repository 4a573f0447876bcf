"""The built pages as files: what they link to, what they load, and whether they are valid HTML.

The pages are found by crawling from ``index.html`` (never listed by hand).
html-validate runs with its ``html-validate:standard`` preset; the rules turned
off and the messages allowed are listed, each with its reason, in
``htmlvalidate.json`` next to this file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import _checks
import _server
import pytest
from _site import ROOT

SETTINGS = Path(__file__).with_name("htmlvalidate.json")


@pytest.fixture(scope="module")
def crawled(site):
    return _checks.crawl(site)


def test_crawl_reaches_every_lesson_and_page_kind(crawled, lessons):
    pages = set(crawled.pages)
    missing = [s for s in lessons if f"auto_examples/{s}.html" not in pages]
    assert not missing, f"lessons with no page reachable from index.html: {missing}"
    lesson_pages = {p.path for p in crawled.lessons}
    assert {f"auto_examples/{s}.html" for s in lessons} <= lesson_pages
    for expected in ("search.html", "genindex.html", "auto_examples/index.html", "api.html"):
        assert expected in pages, f"{expected} is not reachable from index.html"


def test_internal_links_and_anchors_resolve(crawled):
    problems = _checks.check_links(crawled)
    assert not problems, _checks.format_problems(problems)


def test_pages_load_only_files_of_the_site(crawled):
    problems = _checks.check_resources(crawled)
    assert not problems, _checks.format_problems(problems)


def test_images_have_alt_text(crawled):
    assert any(page.images for page in crawled.pages.values()), "no image found at all"
    problems = _checks.check_image_alt(crawled)
    assert not problems, _checks.format_problems(problems)


def test_html_validates(crawled):
    if shutil.which("node") is None:
        _server.skip_or_fail("Node.js is not installed (Debian: apt-get install -y nodejs npm)")
    if not (ROOT / "node_modules" / "html-validate").is_dir():
        _server.skip_or_fail(f"html-validate is not installed: run `npm ci` in {ROOT}")
    problems = _checks.check_html_validate(crawled, SETTINGS, ROOT)
    assert not problems, _checks.format_problems(problems)


def test_every_exception_gives_its_reason():
    config, allowed = _checks.html_validate_settings(SETTINGS)
    assert config["extends"] == ["html-validate:standard"]
    assert all(entry["reason"].strip() for entry in allowed)
    for rule, where, reason in _checks.AXE_ALLOWED:
        assert rule and where and reason.strip()
    assert all(reason.strip() for reason in _checks.DECORATIVE_IMAGES.values())
