"""The site as a reader sees it: headless Chromium on the build, served on 127.0.0.1.

Every page reachable from ``index.html`` is opened once; on each, the browser
checks (``_checks.browse``) look at the status, console and network, images,
math, links and anchors, and run axe-core in light and in dark mode. Lesson
pages are also opened on a 375-pixel-wide phone screen, and their downloads
are fetched. Screenshots of the index and of the first lesson, light and dark,
desktop and phone, land in ``screenshots/`` next to the build's ``html/``.

Without a browser these tests skip (with how to install one); with
``CI=true`` they fail instead.
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import _checks
import _server
import pytest
from _site import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser(request):
    return _server.shared_browser(request.config)


@pytest.fixture(scope="module")
def axe_script():
    if not AXE.is_file():
        _server.skip_or_fail(f"axe-core is not installed: run `npm ci` in {ROOT}")
    return AXE


@pytest.fixture(scope="module")
def crawled(site):
    return _checks.crawl(site)


@pytest.fixture(scope="module")
def served(site):
    with _server.serve(site) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def shots(site):
    folder = site.parent / "screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="module")
def showcase(crawled):
    """The pages captured on screenshots: the index and the first lesson."""
    lessons = sorted(page.path for page in crawled.lessons)
    assert lessons, "the build has no lesson page"
    return ["index.html", lessons[0]]


@pytest.fixture(scope="module")
def tabs(browser, served):
    """Two desktop tabs: axe-core runs in one while the other loads the next page."""
    pages = [browser.new_page(width=1280, height=900) for _ in range(2)]
    yield [_checks.Visit(page, served) for page in pages]
    for page in pages:
        page.context.close()


@pytest.fixture(scope="module")
def visit(tabs):
    return tabs[0]


@pytest.fixture(scope="module")
def found(tabs, crawled, axe_script, shots, showcase):
    """Every page of the site opened once, every per-page check run on it."""
    return _checks.browse(tabs, crawled, axe_script, screenshots={p: shots for p in showcase})


def test_every_page_loads_cleanly(found, crawled):
    """Status 200, no console error, no failed request, no request to another host."""
    assert len(crawled.pages) > 1
    assert not found["load"], _checks.format_problems(found["load"])


def test_every_image_loads_and_has_alt_text(found):
    assert not found["images"], _checks.format_problems(found["images"])


def test_math_is_typeset(found):
    assert not found["math"], _checks.format_problems(found["math"])


def test_links_and_anchors_resolve_in_the_browser(found):
    assert not found["links"], _checks.format_problems(found["links"])


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_no_serious_accessibility_violation(found, mode):
    problems = found[f"axe-{mode}"]
    assert not problems, _checks.format_problems(problems)


def test_lesson_downloads_answer_and_the_notebooks_are_valid(crawled, served, lessons):
    assert len(crawled.lessons) >= len(lessons)
    problems = _checks.check_downloads(crawled, served)
    assert not problems, _checks.format_problems(problems)


@pytest.fixture(scope="module")
def phone(browser, served):
    page = browser.new_page(phone=True, **PHONE)
    yield _checks.Visit(page, served)
    page.context.close()


@pytest.fixture(scope="module")
def on_phone(phone, crawled, shots, showcase):
    """Problems on a 375-px phone screen (lessons and the index); phone screenshots."""
    problems = []
    for path in dict.fromkeys([*showcase, *sorted(p.path for p in crawled.lessons)]):
        phone.open(path)
        problems += _checks.check_horizontal_scroll(phone)
        if path in showcase:
            slug = _checks._slug(path)
            _checks.screenshot(phone.page, shots / f"{slug}-light-phone.png")
            _checks.set_theme(phone.page, "dark")
            problems += _checks.check_horizontal_scroll(phone)
            _checks.screenshot(phone.page, shots / f"{slug}-dark-phone.png")
            _checks.set_theme(phone.page, "light")
        problems += phone.problems()
    return problems


def test_lessons_fit_a_phone_screen(on_phone):
    """At 375 px nothing scrolls sideways, in light or dark mode."""
    assert not on_phone, _checks.format_problems(on_phone)


@pytest.mark.parametrize("term", ["cross-entropy", "sigmoid"])
def test_search_finds(visit, crawled, term):
    problems = _checks.check_search(visit, crawled, term) + visit.problems()
    assert not problems, _checks.format_problems(problems)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_screenshots_are_written_for_review(found, on_phone, shots, showcase):
    """Index and first lesson, light and dark, desktop and phone."""
    for path in showcase:
        for mode in ("light", "dark"):
            for device, css_width, scale in (("desktop", 1280, 1), ("phone", PHONE["width"], 2)):
                file = shots / f"{_checks._slug(path)}-{mode}-{device}.png"
                assert file.is_file(), f"missing screenshot {file}"
                width, height = _png_size(file)
                assert width == css_width * scale, f"{file}: {width} px wide"
                assert height >= 400, f"{file}: only {height} px high"
