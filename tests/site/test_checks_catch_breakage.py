"""The site checks fail on a broken site: each check meets the breakage it exists for.

The build is copied and two of its pages are broken on purpose: the first
lesson gets a missing image, an image without alt text, an external script, a
console error, dead anchors, raw TeX, a duplicate id and a block too wide for a
phone, and its downloads go missing or corrupt; a page without MathJax gets raw
TeX. Each check must report its breakage on the page where it was made. The
lesson runners and the comparison of two builds are shown failing the same way.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import _checks
import _server
import pytest
from _site import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SETTINGS = Path(__file__).with_name("htmlvalidate.json")

LESSON_BREAKAGE = """
<section id="lrkit-deliberate-breakage">
<p>Broken on purpose: <a href="#no-such-section">a dead anchor</a> and
<a href="{up}index.html#no-such-heading">a dead anchor on another page</a>.</p>
<img src="{up}_images/lrkit-no-such-figure.png" alt="A figure that is not there">
<img src="{image}">
<p>Unrendered math: $\\sigma(z) = 1/(1 + e^{{-z}})$.</p>
<div style="width: 1200px">A block wider than a phone.</div>
<script src="https://cdn.example.org/tracker.js"></script>
<script>console.error("lrkit deliberate console error");</script>
<p id="lrkit-twice">one</p><p id="lrkit-twice">two</p>
</section>
"""
PLAIN_BREAKAGE = r"""
<p id="lrkit-raw-tex">Unrendered math: \(\frac{1}{N}\sum_n \ell_n\).</p>
"""


def _inject(path: Path, snippet: str) -> None:
    text = path.read_text(encoding="utf-8")
    marker = "</article>" if "</article>" in text else "</body>"
    assert marker in text, f"{path}: nowhere to inject the breakage"
    path.write_text(text.replace(marker, snippet + marker, 1), encoding="utf-8")


class Broken:
    """A broken copy of the site and where it was broken."""

    def __init__(self, original, root: Path):
        self.original = original
        self.root = root
        lessons = sorted(page.path for page in original.lessons)
        assert lessons, "the build has no lesson page to break"
        self.lesson = lessons[0]
        self.plain = next(
            path
            for path in original.pages
            if path != "search.html"
            and "mathjax" not in (root / path).read_text(encoding="utf-8").lower()
        )
        page = original.pages[self.lesson]
        up = "../" * self.lesson.count("/")
        image = next((i["src"] for i in page.images if i["src"]), None)
        assert image, f"{self.lesson} has no image to reuse"
        _inject(root / self.lesson, LESSON_BREAKAGE.format(up=up, image=image))
        _inject(root / self.plain, PLAIN_BREAKAGE)
        # The downloads: the script is gone, the notebook is not a notebook.
        for kind, damage in (("python", None), ("jupyter", "{not a notebook")):
            target = _checks.resolve(self.lesson, page.downloads[kind])
            file = root / target.path
            if damage is None:
                file.unlink()
            else:
                file.write_text(damage)
        self.site = _checks.crawl(root)


@pytest.fixture(scope="module")
def broken(site, tmp_path_factory):
    root = tmp_path_factory.mktemp("broken") / "html"
    shutil.copytree(site, root)
    return Broken(_checks.crawl(site), root)


def _about(problems: list[str], page: str, *fragments: str) -> list[str]:
    """The problems on ``page`` that mention every fragment."""
    return [p for p in problems if p.startswith(page) and all(f in p for f in fragments)]


def _assert_reported(problems: list[str], page: str, *fragments: str) -> None:
    assert _about(problems, page, *fragments), (
        f"no problem on {page} mentioning {fragments}; reported:\n"
        + _checks.format_problems(problems)
    )


def test_the_crawl_reaches_the_broken_pages(broken):
    assert broken.lesson in broken.site.pages
    assert broken.plain in broken.site.pages


def test_link_check_catches_dead_anchors(broken):
    problems = _checks.check_links(broken.site)
    _assert_reported(problems, broken.lesson, "#no-such-section")
    _assert_reported(problems, broken.lesson, "no-such-heading")
    assert not any("no-such" in p for p in _checks.check_links(broken.original))


def test_resource_check_catches_an_external_script_and_a_missing_image(broken):
    problems = _checks.check_resources(broken.site)
    _assert_reported(problems, broken.lesson, "https://cdn.example.org/tracker.js", "another host")
    _assert_reported(problems, broken.lesson, "lrkit-no-such-figure.png", "missing file")


def test_alt_check_catches_an_image_without_alt(broken):
    problems = _checks.check_image_alt(broken.site)
    _assert_reported(problems, broken.lesson, "has no alt attribute")
    assert not _about(_checks.check_image_alt(broken.original), broken.lesson)


def test_html_validate_catches_a_duplicate_id(broken):
    if shutil.which("node") is None or not (ROOT / "node_modules" / "html-validate").is_dir():
        _server.skip_or_fail(f"html-validate is not installed: run `npm ci` in {ROOT}")
    problems = _checks.check_html_validate(broken.site, SETTINGS, ROOT, pages=[broken.lesson])
    _assert_reported(problems, broken.lesson, "lrkit-twice")


@pytest.fixture(scope="module")
def served(broken):
    with _server.serve(broken.root) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser(request):
    return _server.shared_browser(request.config)


@pytest.fixture(scope="module")
def found(browser, broken, served):
    if not AXE.is_file():
        _server.skip_or_fail(f"axe-core is not installed: run `npm ci` in {ROOT}")
    page = browser.new_page()
    try:
        visit = _checks.Visit(page, served)
        return _checks.browse(visit, broken.site, AXE, paths=[broken.lesson, broken.plain])
    finally:
        page.context.close()


def test_browser_sees_the_external_script_the_console_error_and_the_404(found, broken):
    load = found["load"]
    _assert_reported(load, broken.lesson, "request to another host", "cdn.example.org")
    _assert_reported(load, broken.lesson, "console error", "lrkit deliberate console error")
    _assert_reported(load, broken.lesson, "404", "lrkit-no-such-figure.png")


def test_browser_sees_the_missing_image_and_the_missing_alt(found, broken):
    _assert_reported(found["images"], broken.lesson, "lrkit-no-such-figure.png", "did not load")
    _assert_reported(found["images"], broken.lesson, "has no alt attribute")


def test_browser_sees_raw_tex(found, broken):
    _assert_reported(found["math"], broken.lesson, "raw TeX", "sigma")
    _assert_reported(found["math"], broken.plain, "raw TeX", "frac")


def test_browser_sees_dead_anchors(found, broken):
    _assert_reported(found["links"], broken.lesson, "no-such-section")
    _assert_reported(found["links"], broken.lesson, "no-such-heading")


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_axe_sees_the_image_without_alt(found, broken, mode):
    _assert_reported(found[f"axe-{mode}"], broken.lesson, "image-alt", f"[{mode}]")


def test_phone_check_sees_the_wide_block(browser, broken, served):
    page = browser.new_page(phone=True, width=375, height=812)
    try:
        visit = _checks.Visit(page, served)
        visit.open(broken.lesson)
        problems = _checks.check_horizontal_scroll(visit)
    finally:
        page.context.close()
    _assert_reported(problems, broken.lesson, "scrolls sideways", "at 375 px")


def test_download_check_catches_a_missing_script_and_a_corrupt_notebook(broken, served):
    lesson = broken.site.pages[broken.lesson]
    problems = _checks.check_downloads(broken.site, served, lessons=[lesson])
    _assert_reported(problems, broken.lesson, ".py answered HTTP 404")
    _assert_reported(problems, broken.lesson, "is not a valid notebook")


def test_number_comparison_catches_a_changed_number_and_ignores_run_times(broken, tmp_path):
    path = broken.lesson
    html = (broken.original.root / path).read_text(encoding="utf-8")
    timed = re.sub(
        r"(Total running time of the script:\s*\(\s*)[^)]*", r"\g<1>9 minutes 9.999 seconds", html
    )
    timed = re.sub(r"Wall time:\s*[\d.]+\s*s", "Wall time: 999.9 s", timed)
    assert timed != html, f"{path} shows no run time to mask"
    sites = {}
    variants = {
        "same": html,
        "retimed": timed,
        "renumbered": html.replace("</article>", "<p>Accuracy: 0.9376</p></article>", 1),
    }
    for name, text in variants.items():
        (tmp_path / name / path).parent.mkdir(parents=True)
        (tmp_path / name / path).write_text(text, encoding="utf-8")
        root = tmp_path / name
        sites[name] = _checks.Site(root, {path: _checks.parse_page(root, path)})
    assert not _checks.compare_lesson_numbers(sites["same"], sites["retimed"])
    problems = _checks.compare_lesson_numbers(sites["same"], sites["renumbered"])
    _assert_reported(problems, path, "0.9376")


NOTEBOOK_CELLS = ["x = 1 + 1", "raise ValueError('deliberate failure in the second cell')", "y = 3"]


def _notebook(path: Path, cells: list[str]) -> Path:
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbformat.write(notebook, path)
    return path


@pytest.mark.slow
def test_notebook_runner_names_the_file_and_the_failing_cell(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    notebook = _notebook(tmp_path / "plot_99_broken.ipynb", NOTEBOOK_CELLS)
    problems = _checks.run_notebook(
        notebook, tmp_path, {**os.environ, "MPLBACKEND": "Agg"}, limit=120
    )
    assert len(problems) == 1, problems
    assert problems[0].startswith('plot_99_broken.ipynb: cell 1 (starting "raise ValueError')
    assert "ValueError: deliberate failure in the second cell" in problems[0]


@pytest.mark.slow
def test_notebook_runner_stops_a_notebook_over_its_time_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    cells = ["x = 1", "import time\ntime.sleep(600)"]
    notebook = _notebook(tmp_path / "plot_98_slow.ipynb", cells)
    problems = _checks.run_notebook(
        notebook, tmp_path, {**os.environ, "MPLBACKEND": "Agg"}, limit=20
    )
    assert len(problems) == 1, problems
    # In cell 1, unless starting the kernel took the whole time.
    assert problems[0].startswith("plot_98_slow.ipynb: over the time limit of 20 s, in ")


def test_script_runner_names_the_file_and_stops_at_the_time_limit(tmp_path):
    failing = tmp_path / "plot_97_broken.py"
    failing.write_text("print('start')\nraise KeyError('deliberate')\n")
    problems = _checks.run_script(failing, tmp_path, dict(os.environ), limit=60)
    assert len(problems) == 1 and problems[0].startswith("plot_97_broken.py: exited with status 1")
    assert "KeyError: 'deliberate'" in problems[0]
    slow = tmp_path / "plot_96_slow.py"
    slow.write_text("import time\ntime.sleep(600)\n")
    problems = _checks.run_script(slow, tmp_path, dict(os.environ), limit=2)
    assert problems == ["plot_96_slow.py: over the time limit of 2 s"]


def test_settings_name_a_reason_for_every_exception(tmp_path):
    settings = json.loads(SETTINGS.read_text())
    settings["off"] = {"no-dup-id": ""}
    bad = tmp_path / "htmlvalidate.json"
    bad.write_text(json.dumps(settings))
    with pytest.raises(ValueError, match="no-dup-id"):
        _checks.html_validate_settings(bad)


@pytest.mark.parametrize("ci", ["", "false", "true", "1"])
def test_a_missing_tool_skips_locally_and_fails_under_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    expected = pytest.fail.Exception if ci in ("true", "1") else pytest.skip.Exception
    with pytest.raises(expected, match="no browser here"):
        _server.skip_or_fail("no browser here")
