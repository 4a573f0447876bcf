"""Checks of a built site, as its readers meet it.

Every check takes a built site (a folder holding ``index.html``), or a browser
page showing one of its pages, and returns a list of problems: strings naming
the page and what is wrong. An empty list means the check passed. Nothing
here knows which pages the site has: :func:`crawl` finds them by following
links from ``index.html``, so the checks work on any build, including a copy
broken on purpose.

Static checks (no browser): :func:`check_links`, :func:`check_resources`,
:func:`check_image_alt`, :func:`check_downloads`, :func:`check_html_validate`,
:func:`compare_lesson_numbers`.
Browser checks (a Playwright page on the served site): :class:`Visit` (status,
console, network), :func:`check_images_loaded`, :func:`check_math`,
:func:`check_dom_links`, :func:`check_axe`, :func:`check_horizontal_scroll`,
:func:`check_search`; :func:`browse` runs them over many pages, visiting each
page once.
"""

from __future__ import annotations

import asyncio
import difflib
import html.parser
import json
import posixpath
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# ---------------------------------------------------------------------------------------
# Exceptions, each with its reason. Keep these few.
# ---------------------------------------------------------------------------------------

#: Images that may have an empty ``alt`` because they are decorative: an ancestor with
#: one of these classes, and the reason.
DECORATIVE_IMAGES = {
    "sphx-glr-thumbcontainer": (
        "sphinx-gallery thumbnails: the lesson title is the link text right under the "
        "image, so alt text would make screen readers say the title twice"
    ),
}

#: axe-core violations allowed on the site: (rule id, regex on the element's CSS selector,
#: reason). Only serious and critical violations are reported at all.
AXE_ALLOWED: list[tuple[str, str, str]] = []

#: Impacts of axe-core violations that fail the check.
AXE_FAILING_IMPACTS = ("serious", "critical")


def format_problems(problems: list[str], limit: int = 60) -> str:
    """Problems as an assertion message, one a line (at most ``limit`` of them)."""
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} problem(s):\n" + "\n".join(problems[:limit]) + more


# ---------------------------------------------------------------------------------------
# Crawl
# ---------------------------------------------------------------------------------------

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
# <link rel=...> values that point at another page rather than at something to load.
_NAV_RELS = {"next", "prev", "previous", "index", "search", "up", "start", "top", "help"}
_SKIPPED_SCHEMES = {"mailto", "tel", "javascript", "data", "blob", "about"}


@dataclass
class Page:
    """What a page of the site links to and loads, as written in its HTML."""

    path: str  # relative to the site root, with "/" separators
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # href of <a>, <area>, navigational <link>
    resources: list[tuple[str, str]] = field(default_factory=list)  # (what, url) it loads
    images: list[dict] = field(default_factory=list)  # src, alt (None if absent), decorative
    downloads: dict[str, str] = field(default_factory=dict)  # "python"/"jupyter" -> href
    is_lesson: bool = False  # a sphinx-gallery example page
    has_icon: bool = False  # declares <link rel="icon">


class _PageParser(html.parser.HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.stack: list[tuple[str, set[str]]] = []

    def _classes_above(self) -> set[str]:
        return set().union(*(classes for _, classes in self.stack)) if self.stack else set()

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        classes = set(a.get("class", "").split())
        page = self.page
        if "id" in a:
            page.ids.add(a["id"])
        if tag == "a" and "name" in a:
            page.ids.add(a["name"])
        if tag in ("a", "area") and "href" in a:
            page.links.append(a["href"])
            above = self._classes_above()
            for kind in ("python", "jupyter"):
                if f"sphx-glr-download-{kind}" in above:
                    page.downloads.setdefault(kind, a["href"])
        if tag == "link" and "href" in a:
            rels = set(a.get("rel", "").lower().split())
            if rels & _NAV_RELS:
                page.links.append(a["href"])
            elif rels & {"stylesheet", "preload", "modulepreload", "icon", "manifest"}:
                page.resources.append((f"<link rel={a.get('rel')}>", a["href"]))
            if "icon" in rels:
                page.has_icon = True
        if tag == "script" and a.get("src"):
            page.resources.append(("<script>", a["src"]))
        if tag in ("img", "iframe", "embed", "audio", "video", "source", "track", "input"):
            if a.get("src"):
                page.resources.append((f"<{tag}>", a["src"]))
            for candidate in a.get("srcset", "").split(","):
                if candidate.strip():
                    page.resources.append((f"<{tag} srcset>", candidate.split()[0]))
        if tag == "object" and a.get("data"):
            page.resources.append(("<object>", a["data"]))
        if tag == "img":
            above = self._classes_above() | classes
            decorative = sorted(c for c in DECORATIVE_IMAGES if c in above)
            page.images.append(
                {"src": a.get("src", ""), "alt": a.get("alt"), "decorative": decorative}
            )
        if "sphx-glr-footer-example" in classes:
            page.is_lesson = True
        if tag not in _VOID:
            self.stack.append((tag, classes))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return


def parse_page(root: Path, path: str) -> Page:
    """Read one HTML file of the site."""
    page = Page(path)
    parser = _PageParser(page)
    parser.feed((root / path).read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return page


@dataclass
class Target:
    """Where a URL written in a page points."""

    external: bool  # another host (or a scheme that is neither http nor a file)
    path: str | None  # site-relative file, None if external, skipped or outside the site
    fragment: str
    outside: bool = False  # climbs above the site root


def resolve(page_path: str, url: str) -> Target | None:
    """Resolve ``url`` written in ``page_path``; None for mailto:, data: and the like."""
    parts = urlsplit(url)
    if parts.scheme in _SKIPPED_SCHEMES:
        return None
    fragment = unquote(parts.fragment)
    if parts.scheme or parts.netloc:
        return Target(external=True, path=None, fragment=fragment)
    if not parts.path:
        return Target(external=False, path=page_path, fragment=fragment)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), unquote(parts.path)))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return Target(external=False, path=None, fragment=fragment, outside=True)
    if parts.path.endswith("/") or joined == ".":
        joined = posixpath.join("" if joined == "." else joined, "index.html")
    return Target(external=False, path=joined, fragment=fragment)


@dataclass
class Site:
    """The pages of a build reachable from its ``index.html``, in crawl order."""

    root: Path
    pages: dict[str, Page]

    @property
    def lessons(self) -> list[Page]:
        """The sphinx-gallery example pages."""
        return [p for p in self.pages.values() if p.is_lesson]

    def exists(self, path: str) -> bool:
        """Whether the site has a file (or a folder with an index.html) at ``path``."""
        full = self.root / path
        return full.is_file() or (full.is_dir() and (full / "index.html").is_file())


def _is_html(path: str) -> bool:
    return path.endswith((".html", ".htm"))


def crawl(root: str | Path, start: str = "index.html") -> Site:
    """Find every HTML page reachable from ``start`` by internal links (breadth first)."""
    root = Path(root)
    if not (root / start).is_file():
        raise ValueError(f"root: expected a built site with {start}, got {str(root)!r}")
    pages: dict[str, Page] = {}
    queue = [start]
    seen = {start}
    while queue:
        path = queue.pop(0)
        page = parse_page(root, path)
        pages[path] = page
        for href in page.links:
            target = resolve(path, href)
            if target is None or target.external or target.path is None:
                continue
            candidate = target.path
            if (root / candidate).is_dir():
                candidate = posixpath.join(candidate, "index.html")
            if _is_html(candidate) and candidate not in seen and (root / candidate).is_file():
                seen.add(candidate)
                queue.append(candidate)
    return Site(root, pages)


# ---------------------------------------------------------------------------------------
# Static checks
# ---------------------------------------------------------------------------------------


def _ids_of(site: Site, path: str) -> set[str]:
    if path not in site.pages:
        site.pages[path] = parse_page(site.root, path)
    return site.pages[path].ids


def check_links(site: Site) -> list[str]:
    """Every internal link points at an existing file, and every ``#anchor`` at an id."""
    problems = []
    for page in site.pages.values():
        for href in dict.fromkeys(page.links):
            target = resolve(page.path, href)
            if target is None or target.external:
                continue
            if target.outside:
                problems.append(f"{page.path}: link {href!r} points outside the site")
                continue
            path = target.path
            if not site.exists(path):
                problems.append(f"{page.path}: link {href!r} points at a missing file {path}")
                continue
            if (site.root / path).is_dir():
                path = posixpath.join(path, "index.html")
            if target.fragment and _is_html(path) and target.fragment not in _ids_of(site, path):
                problems.append(
                    f"{page.path}: link {href!r}: {path} has no element with id {target.fragment!r}"
                )
    return problems


def check_resources(site: Site) -> list[str]:
    """Everything a page loads (scripts, styles, fonts, images) is a file of the site.

    That includes its icon: a page without ``<link rel="icon">`` makes browsers
    ask the root of the host for ``/favicon.ico``, outside a site served from a
    folder (and a console error where there is none).
    """
    problems = []
    iconless = [page.path for page in site.pages.values() if not page.has_icon]
    if iconless:
        problems.append(
            f"{', '.join(iconless[:3])}{' and others' if len(iconless) > 3 else ''} "
            f'({len(iconless)} of {len(site.pages)} pages): no <link rel="icon">, so '
            "browsers request /favicon.ico from the root of the host"
        )
    for page in site.pages.values():
        for what, url in dict.fromkeys(page.resources):
            target = resolve(page.path, url)
            if target is None:
                continue
            if target.external:
                problems.append(f"{page.path}: {what} loads {url} from another host")
            elif target.outside:
                problems.append(f"{page.path}: {what} loads {url}, outside the site")
            elif not (site.root / target.path).is_file():
                problems.append(f"{page.path}: {what} loads {url}, a missing file")
    return problems


def check_image_alt(site: Site) -> list[str]:
    """Every image has alt text (empty only where :data:`DECORATIVE_IMAGES` says why)."""
    problems = []
    for page in site.pages.values():
        for image in page.images:
            alt = image["alt"]
            if alt is None:
                problems.append(f"{page.path}: image {image['src']} has no alt attribute")
            elif not alt.strip() and not image["decorative"]:
                problems.append(f"{page.path}: image {image['src']} has an empty alt text")
    return problems


def fetch_url(url: str) -> tuple[int, bytes]:
    """GET ``url``: (HTTP status, body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def check_downloads(
    site: Site,
    base_url: str,
    lessons: Iterable[Page] | None = None,
    fetch: Callable[[str], tuple[int, bytes]] = fetch_url,
) -> list[str]:
    """Each lesson page links its ``.py`` and ``.ipynb``; both answer 200 from the server,
    the script compiles and the notebook is valid (nbformat)."""
    import nbformat

    problems = []
    for page in site.lessons if lessons is None else lessons:
        for kind, suffix in (("python", ".py"), ("jupyter", ".ipynb")):
            href = page.downloads.get(kind)
            if href is None:
                problems.append(f"{page.path}: no download link for the {suffix} file")
                continue
            if not urlsplit(href).path.endswith(suffix):
                problems.append(f"{page.path}: the {kind} download {href!r} is not a {suffix}")
            url = urljoin(urljoin(base_url, page.path), href)
            status, body = fetch(url)
            if status != 200:
                problems.append(f"{page.path}: download {href} answered HTTP {status}")
                continue
            if suffix == ".py":
                try:
                    compile(body, href, "exec")
                except SyntaxError as error:
                    problems.append(f"{page.path}: {href} does not compile: {error}")
            else:
                try:
                    notebook = nbformat.reads(body.decode("utf-8"), as_version=4)
                    nbformat.validate(notebook)
                except Exception as error:  # nbformat raises several kinds
                    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
                    problems.append(
                        f"{page.path}: {href} is not a valid notebook: "
                        f"{type(error).__name__}: {first}"
                    )
    return problems


# html-validate's command line needs a newer Node.js than its API does, so the
# check calls the API: argv = node_modules folder, config (JSON), files.
_HTML_VALIDATE_JS = r"""
const path = require("node:path");
const [nodeRoot, config, ...files] = process.argv.slice(1);
const hv = require(path.join(nodeRoot, "node_modules", "html-validate"));
const validator = new hv.HtmlValidate(new hv.StaticConfigLoader(JSON.parse(config)));
(async () => {
  const found = [];
  for (const file of files) {
    const report = await validator.validateFile(file);
    for (const result of report.results) {
      for (const m of result.messages) {
        found.push({file, rule: m.ruleId, line: m.line, column: m.column, message: m.message});
      }
    }
  }
  process.stdout.write(JSON.stringify(found));
})().catch((error) => { console.error(error); process.exit(2); });
"""


def html_validate_settings(path: Path) -> tuple[dict, list[dict]]:
    """Read the html-validate settings file: (config for html-validate, allowed messages).

    Every rule in ``off`` and every entry of ``allowed`` must give its reason.
    """
    settings = json.loads(Path(path).read_text(encoding="utf-8"))
    config = json.loads(json.dumps(settings["config"]))
    for rule, reason in settings.get("off", {}).items():
        if not str(reason).strip():
            raise ValueError(f"{path}: rule {rule!r} is turned off without a reason")
        config.setdefault("rules", {})[rule] = "off"
    allowed = settings.get("allowed", [])
    for entry in allowed:
        if not str(entry.get("reason", "")).strip():
            raise ValueError(f"{path}: allowed entry {entry} has no reason")
    return config, allowed


def check_html_validate(
    site: Site, settings: Path, node_root: Path, pages: Iterable[str] | None = None
) -> list[str]:
    """Validate pages with html-validate (from ``node_root``/node_modules) and ``settings``."""
    package = node_root / "node_modules" / "html-validate" / "package.json"
    if not package.is_file():
        raise FileNotFoundError(f"html-validate is not installed: run `npm ci` in {node_root}")
    config, allowed = html_validate_settings(settings)
    paths = list(site.pages if pages is None else pages)
    problems = []
    for start in range(0, len(paths), 200):
        chunk = paths[start : start + 200]
        done = subprocess.run(
            ["node", "-e", _HTML_VALIDATE_JS, str(node_root), json.dumps(config), *chunk],
            cwd=site.root,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"html-validate failed ({done.returncode}): {done.stderr}")
        for m in json.loads(done.stdout):
            if any(
                a["rule"] == m["rule"]
                and re.search(a.get("pages", ""), m["file"])
                and a.get("message", m["message"]) == m["message"]
                for a in allowed
            ):
                continue
            problems.append(f"{m['file']}:{m['line']}:{m['column']}: {m['message']} [{m['rule']}]")
    return problems


# ---------------------------------------------------------------------------------------
# Downloaded lessons, run as readers run them
# ---------------------------------------------------------------------------------------


def run_notebook(path: Path, workdir: Path, env: dict[str, str], limit: float) -> list[str]:
    """Run a notebook top to bottom in a fresh kernel; problems naming file and cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    notebook = nbformat.read(path, as_version=4)
    current = {"index": None}

    def on_cell_start(cell, cell_index):
        current["index"] = cell_index

    client = NotebookClient(
        notebook,
        timeout=int(limit) + 60,  # per cell; the deadline for the file comes first
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
        allow_errors=False,
        on_cell_start=on_cell_start,
    )
    outcome: dict[str, BaseException] = {}

    def execute() -> None:
        # A loop of its own, in a thread of its own, away from the browser tests' loop.
        try:
            asyncio.run(asyncio.wait_for(client.async_execute(env=env), timeout=limit))
        except BaseException as error:  # reported below
            outcome["error"] = error

    thread = threading.Thread(target=execute, name=f"notebook-{path.stem}", daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(limit + 120)
    elapsed = time.monotonic() - started

    def where() -> str:
        index = current["index"]
        if index is None:
            return "before the first cell"
        source = notebook.cells[index].source.strip().splitlines()
        first = next((line for line in source if line.strip()), "")
        return f"cell {index} (starting {first[:80]!r})"

    if thread.is_alive():
        return [f"{path.name}: still running after {elapsed:.0f} s, in {where()}"]
    error = outcome.get("error")
    if error is None:
        return []
    if isinstance(error, CellExecutionError):
        trace = "\n".join(str(error.traceback).strip().splitlines()[-15:])
        return [f"{path.name}: {where()} failed: {error.ename}: {error.evalue}\n{trace}"]
    if isinstance(error, asyncio.TimeoutError | CellTimeoutError) or elapsed >= limit:
        # Stopping the kernel at the deadline may surface as a dead kernel instead.
        return [f"{path.name}: over the time limit of {limit:.0f} s, in {where()}"]
    return [f"{path.name}: the kernel failed in {where()}: {type(error).__name__}: {error}"]


def run_script(path: Path, workdir: Path, env: dict[str, str], limit: float) -> list[str]:
    """Run a script with plain ``python``; problems naming the file."""
    try:
        done = subprocess.run(
            [sys.executable, path.name],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [f"{path.name}: over the time limit of {limit:.0f} s"]
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-20:])
        return [f"{path.name}: exited with status {done.returncode}:\n{tail}"]
    return []


# ---------------------------------------------------------------------------------------
# Reproducible numbers
# ---------------------------------------------------------------------------------------

#: Texts that measure time, masked before two builds are compared.
RUN_TIME_PATTERNS = [
    # sphinx-gallery's footer of each lesson
    r"Total running time of the script:\s*\([^)]*\)",
    # the "How this page was run" box
    r"Wall time:\s*[\d.]+\s*s",
    # sphinx-gallery's execution-times tables (mm:ss.sss) and their totals
    r"\b\d+:\d\d\.\d+\b",
    r"Computation times.*?total execution time[^\n]*",
]
_NUMBER = re.compile(r"[-+−]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


class _ArticleText(html.parser.HTMLParser):
    """The text of a page's main article (its whole body if there is no <article>)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.article_depth = 0
        self.has_article = False
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.article_depth += 1
            self.has_article = True
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "article" and self.article_depth:
            self.article_depth -= 1
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and (self.article_depth or not self.has_article):
            self.parts.append(data)


def page_text(html_text: str) -> str:
    """The reader-visible text of a page's article, with run times masked."""
    parser = _ArticleText()
    parser.feed(html_text)
    parser.close()
    text = "".join(parser.parts)
    for pattern in RUN_TIME_PATTERNS:
        text = re.sub(pattern, "<run time>", text, flags=re.DOTALL)
    return text


def page_numbers(html_text: str) -> list[str]:
    """Every number in the article text of a page, in order, run times masked."""
    return _NUMBER.findall(page_text(html_text))


def _context(text: str, matches: list[re.Match], i1: int, i2: int) -> str:
    """The text around numbers ``i1:i2`` of ``text`` (or where they would be)."""
    if not matches:
        return "(no number)"
    start = matches[min(i1, len(matches) - 1)].start()
    end = matches[max(min(i2, len(matches)) - 1, 0)].end() if i2 > i1 else start
    snippet = " ".join(text[max(start - 50, 0) : end + 30].split())
    return repr(snippet)


def compare_lesson_numbers(site_a: Site, site_b: Site) -> list[str]:
    """Lesson pages of two builds show the same numbers (run times aside)."""
    problems = []
    paths_a = {p.path for p in site_a.lessons}
    paths_b = {p.path for p in site_b.lessons}
    for path in sorted(paths_a ^ paths_b):
        where = "first" if path in paths_a else "second"
        problems.append(f"{path}: a lesson page only in the {where} build")
    for path in sorted(paths_a & paths_b):
        text_a = page_text((site_a.root / path).read_text(encoding="utf-8"))
        text_b = page_text((site_b.root / path).read_text(encoding="utf-8"))
        found_a, found_b = list(_NUMBER.finditer(text_a)), list(_NUMBER.finditer(text_b))
        nums_a, nums_b = [m.group() for m in found_a], [m.group() for m in found_b]
        if nums_a == nums_b:
            continue
        matcher = difflib.SequenceMatcher(a=nums_a, b=nums_b, autojunk=False)
        diffs = [op for op in matcher.get_opcodes() if op[0] != "equal"]
        for _, i1, i2, j1, j2 in diffs[:5]:
            problems.append(
                f"{path}: {' '.join(nums_a[i1:i2]) or '(nothing)'} became "
                f"{' '.join(nums_b[j1:j2]) or '(nothing)'}: "
                f"{_context(text_a, found_a, i1, i2)} -> {_context(text_b, found_b, j1, j2)}"
            )
        if len(diffs) > 5:
            problems.append(f"{path}: ... and {len(diffs) - 5} more difference(s)")
    return problems


# ---------------------------------------------------------------------------------------
# Browser checks (Playwright sync API)
# ---------------------------------------------------------------------------------------

_SETTLE_JS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  if (document.fonts) await document.fonts.ready;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""


class Visit:
    """A browser page that records what goes wrong while it shows pages of one server.

    ``open(path)`` loads a page and waits for its math and fonts; ``problems()``
    returns what went wrong since: HTTP errors, console errors, uncaught
    exceptions, failed requests and requests to any other host.
    """

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.origin = urlsplit(base_url).netloc
        self.path = ""
        self._recording = False
        self._problems: list[str] = []
        self._requests: set = set()  # the requests of the page now shown
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self._add(f"uncaught exception: {error}"))
        page.on("request", self._on_request)
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)

    def _add(self, problem: str) -> None:
        if self._recording:
            self._problems.append(problem)

    def _on_console(self, message) -> None:
        if message.type == "error":
            where = (message.location or {}).get("url", "")
            self._add(f"console error: {message.text}" + (f" (at {where})" if where else ""))

    def _on_request(self, request) -> None:
        if self._recording:
            self._requests.add(request)
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.origin:
            self._add(f"request to another host: {request.url}")

    # Only requests of the page now shown count: a request of the page shown before
    # may end (aborted) after the next one has started loading.
    def _on_failed(self, request) -> None:
        if request in self._requests:
            self._add(f"request failed: {request.url} ({request.failure})")

    def _on_response(self, response) -> None:
        if response.status >= 400 and response.request in self._requests:
            self._add(f"HTTP {response.status} for {response.url}")

    def url(self, path: str) -> str:
        """The served URL of a site-relative path."""
        return urljoin(self.base_url, path)

    def open(self, path: str, settle: bool = True) -> None:
        """Show ``path`` (site-relative, may carry a query), wait until it is drawn."""
        self._recording = False
        self.page.goto("about:blank")
        self._problems = []
        self._requests = set()
        self.path = path
        self._recording = True
        response = self.page.goto(self.url(path), wait_until="load")
        if response is None or response.status not in (200, 304):  # 304: from the cache
            status = "no response" if response is None else f"HTTP {response.status}"
            self._add(f"page answered {status}")
        if settle:
            self.page.evaluate(_SETTLE_JS)

    def problems(self) -> list[str]:
        """What went wrong since the page was opened, each prefixed with the page."""
        return [f"{self.path}: {p}" for p in dict.fromkeys(self._problems)]


_IMAGES_JS = """async (decorativeClasses) => {
  const images = Array.from(document.images);
  for (const img of images) if (img.loading === "lazy") img.loading = "eager";
  await Promise.all(images.map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener("load", done, {once: true});
    img.addEventListener("error", done, {once: true});
    setTimeout(done, 10000);
  })));
  return images.map((img) => ({
    src: img.getAttribute("src") || "",
    alt: img.getAttribute("alt"),
    width: img.naturalWidth,
    decorative: decorativeClasses.some((c) => img.closest("." + c) !== null),
  }));
}"""


def check_images_loaded(visit: Visit) -> list[str]:
    """Every image of the shown page loaded (naturalWidth > 0) and has alt text."""
    problems = []
    for image in visit.page.evaluate(_IMAGES_JS, list(DECORATIVE_IMAGES)):
        if image["width"] == 0:
            problems.append(f"{visit.path}: image {image['src']} did not load")
        if image["alt"] is None:
            problems.append(f"{visit.path}: image {image['src']} has no alt attribute")
        elif not image["alt"].strip() and not image["decorative"]:
            problems.append(f"{visit.path}: image {image['src']} has an empty alt text")
    return problems


_TEXT_JS = """() => {
  const skip = "script, style, noscript, template, pre, code, kbd, samp, textarea, "
             + "mjx-container, .highlight, .MathJax";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && !parent.closest(skip)) parts.push(node.nodeValue);
  }
  const errors = Array.from(document.querySelectorAll("mjx-merror"))
    .map((e) => e.getAttribute("data-mjx-error") || e.textContent);
  return {text: parts.join(" "), errors: errors};
}"""

#: Raw TeX in a page's rendered text (outside code): a formula MathJax never saw.
RAW_TEX = [
    (r"\\\(|\\\)", r"inline delimiter \( \)"),
    (r"\\\[|\\\]", r"display delimiter \[ \]"),
    (r"\$\$", "display delimiter $$"),
    (r"\\begin\{", r"environment \begin{...}"),
    (r"\$[^$\n]{0,80}?\\[A-Za-z]+[^$\n]{0,80}?\$", "dollar math $...\\command...$"),
]


def raw_tex(text: str) -> list[str]:
    """Descriptions of raw TeX found in ``text``, each with its context."""
    found = []
    for pattern, what in RAW_TEX:
        for match in re.finditer(pattern, text):
            start, end = max(match.start() - 40, 0), min(match.end() + 40, len(text))
            context = " ".join(text[start:end].split())
            found.append(f"raw TeX ({what}) in {context!r}")
    return found


def check_math(visit: Visit) -> list[str]:
    """The shown page's math is typeset: no raw TeX in its text, no MathJax error."""
    result = visit.page.evaluate(_TEXT_JS)
    problems = [f"{visit.path}: {p}" for p in raw_tex(result["text"])]
    problems += [f"{visit.path}: MathJax could not typeset: {e}" for e in result["errors"]]
    return problems


def check_dom_links(visit: Visit, site: Site) -> list[str]:
    """Links in the live page (including those scripts add) reach files and anchors."""
    hrefs = visit.page.evaluate(
        "() => Array.from(document.querySelectorAll('a[href], area[href]'), (a) => a.href)"
    )
    here = urlsplit(visit.page.url)
    ids_here = None
    problems = []
    for href in dict.fromkeys(hrefs):
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or parts.netloc != here.netloc:
            continue
        path = unquote(parts.path).lstrip("/")
        base_path = unquote(urlsplit(visit.base_url).path).lstrip("/")
        path = path[len(base_path) :] if path.startswith(base_path) else path
        if path == "" or path.endswith("/"):
            path += "index.html"
        if not site.exists(path):
            problems.append(f"{visit.path}: link {href} points at a missing file")
            continue
        fragment = unquote(parts.fragment)
        if not fragment or not _is_html(path):
            continue
        if path == unquote(here.path).lstrip("/")[len(base_path) :]:
            if ids_here is None:
                ids_here = set(
                    visit.page.evaluate(
                        "() => Array.from(document.querySelectorAll('[id], a[name]'),"
                        " (e) => e.id || e.getAttribute('name'))"
                    )
                )
            ok = fragment in ids_here
        else:
            ok = fragment in _ids_of(site, path)
        if not ok:
            problems.append(f"{visit.path}: link {href}: no element with id {fragment!r}")
    return problems


def set_theme(page, mode: str) -> None:
    """Switch a pydata-sphinx-theme page to ``"light"`` or ``"dark"``, as its toggle does."""
    if mode not in ("light", "dark"):
        raise ValueError(f"mode: expected 'light' or 'dark', got {mode!r}")
    page.evaluate(
        """(mode) => {
          localStorage.setItem("mode", mode);
          localStorage.setItem("theme", mode);
          document.documentElement.dataset.mode = mode;
          document.documentElement.dataset.theme = mode;
          return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        }""",
        mode,
    )


_AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({
      impact: n.impact, target: n.target.join(" "), html: n.html.slice(0, 160),
      summary: (n.failureSummary || "").split("\\n").slice(0, 2).join(" "),
    })),
  }));
}"""


def start_axe(visit: Visit, axe_script: Path) -> None:
    """Start axe-core on the shown page without waiting (see :func:`axe_problems`)."""
    page = visit.page
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script))
    page.evaluate(f"() => {{ window.__lrkitAxe = ({_AXE_JS})(); }}")


def axe_problems(
    visit: Visit, label: str = "", allowed: Iterable[tuple[str, str, str]] = AXE_ALLOWED
) -> list[str]:
    """Wait for the run :func:`start_axe` started; its serious and critical violations."""
    allowed = list(allowed)
    problems = []
    tag = f" [{label}]" if label else ""
    for violation in visit.page.evaluate("() => window.__lrkitAxe"):
        for node in violation["nodes"]:
            impact = node["impact"] or violation["impact"]
            if impact not in AXE_FAILING_IMPACTS:
                continue
            if any(
                rule == violation["id"] and re.search(where, node["target"])
                for rule, where, _ in allowed
            ):
                continue
            problems.append(
                f"{visit.path}{tag}: {violation['id']} ({impact}): {violation['help']}: "
                f"{node['target']}: {node['summary']} {node['html']}"
            )
    return problems


def check_axe(
    visit: Visit,
    axe_script: Path,
    label: str = "",
    allowed: Iterable[tuple[str, str, str]] = AXE_ALLOWED,
) -> list[str]:
    """No serious or critical axe-core violation on the shown page, bar ``allowed`` ones."""
    start_axe(visit, axe_script)
    return axe_problems(visit, label, allowed)


_OVERFLOW_JS = """() => {
  const describe = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + Array.from(e.classList).slice(0, 3).map((c) => "." + c).join("");
  // Inside a box of its own that scrolls or clips (a code block, a table), an element
  // may be wide; that box is what its container sees.
  const boxed = (e, stop) => {
    for (let p = e.parentElement; p && p !== stop; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  const culprits = (container, right) => {
    const found = [];
    for (const e of container.querySelectorAll("*")) {
      const box = e.getBoundingClientRect();
      if (box.width > 0 && box.right > right + 1 && !boxed(e, container)) {
        found.push(describe(e) + " (right edge " + Math.round(box.right) + " px)");
        if (found.length >= 5) break;
      }
    }
    return found;
  };
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    found.push({what: "the page", excess: root.scrollWidth - root.clientWidth,
                culprits: culprits(document.body, root.clientWidth)});
  }
  // The theme lets the column holding the article scroll sideways by itself: on a
  // phone that moves the whole text sideways, so it counts as the page scrolling.
  const article = document.querySelector("article") || document.querySelector("main");
  for (let e = article; e && e !== document.body; e = e.parentElement) {
    const style = getComputedStyle(e).overflowX;
    if ((style === "auto" || style === "scroll") && e.scrollWidth > e.clientWidth + 1) {
      const right = e.getBoundingClientRect().left + e.clientLeft + e.clientWidth;
      found.push({what: "the article column " + describe(e),
                  excess: e.scrollWidth - e.clientWidth, culprits: culprits(e, right)});
    }
  }
  return found;
}"""


def check_horizontal_scroll(visit: Visit) -> list[str]:
    """Neither the shown page nor its article column scrolls sideways at this width."""
    width = visit.page.viewport_size["width"]
    return [
        f"{visit.path}: {found['what']} scrolls sideways by {found['excess']} px at "
        f"{width} px width; too wide: {', '.join(found['culprits']) or 'unknown'}"
        for found in visit.page.evaluate(_OVERFLOW_JS)
    ]


def search(visit: Visit, term: str) -> list[str]:
    """Run the site's search for ``term``: the site-relative links of the results."""
    from urllib.parse import quote

    visit.open(f"search.html?q={quote(term)}", settle=False)
    visit.page.wait_for_function(
        """() => {
          const s = document.querySelector("#search-results .search-summary");
          return s && /finished|did not match/i.test(s.textContent);
        }""",
        timeout=30_000,
    )
    hrefs = visit.page.evaluate(
        "() => Array.from(document.querySelectorAll('#search-results ul.search li a'),"
        " (a) => a.getAttribute('href'))"
    )
    return [h for h in hrefs if h]


def check_search(visit: Visit, site: Site, term: str) -> list[str]:
    """The search page finds ``term`` and every result links to a page of the site."""
    hrefs = search(visit, term)
    if not hrefs:
        return [f"search.html: searching for {term!r} finds nothing"]
    problems = []
    for href in hrefs:
        target = resolve("search.html", href)
        if target is None or target.external or target.path is None:
            problems.append(f"search.html: result {href!r} for {term!r} leaves the site")
        elif not site.exists(target.path):
            problems.append(f"search.html: result {href!r} for {term!r} is a missing page")
    return problems


#: The checks :func:`browse` runs, in the order it reports them.
BROWSER_CHECKS = ("load", "images", "math", "links", "axe-light", "axe-dark")


def _page_steps(visit, site, axe_script, path, shots):
    """Every per-page check of one page; yields while axe runs, returns the problems."""
    visit.open(path)
    now = {
        "images": check_images_loaded(visit),
        "math": check_math(visit),
        "links": check_dom_links(visit, site),
    }
    start_axe(visit, axe_script)
    yield
    now["axe-light"] = axe_problems(visit, "light")
    if shots is not None:
        screenshot(visit.page, shots / f"{_slug(path)}-light-desktop.png")
    set_theme(visit.page, "dark")
    start_axe(visit, axe_script)
    yield
    now["axe-dark"] = axe_problems(visit, "dark")
    if shots is not None:
        screenshot(visit.page, shots / f"{_slug(path)}-dark-desktop.png")
    set_theme(visit.page, "light")
    now["load"] = visit.problems()
    return now


def browse(
    visits: Visit | list[Visit],
    site: Site,
    axe_script: Path,
    paths: Iterable[str] | None = None,
    screenshots: dict[str, Path] | None = None,
) -> dict[str, list[str]]:
    """Open each page once and run every per-page browser check on it.

    With several visits (browser tabs), one tab's axe-core run overlaps the
    next tab's page load and checks. Returns the problems per check
    (:data:`BROWSER_CHECKS`), in the order of ``paths`` (default: crawl order).
    ``screenshots`` maps a page to a folder where it is captured, light and dark.
    """
    visits = [visits] if isinstance(visits, Visit) else list(visits)
    order = list(site.pages if paths is None else paths)
    todo = iter(order)
    results: dict[str, dict[str, list[str]]] = {}
    running: dict[int, tuple[str, object]] = {}
    exhausted = False
    while True:
        for slot, visit in enumerate(visits):
            if slot not in running:
                path = None if exhausted else next(todo, None)
                if path is None:
                    exhausted = True
                    continue
                shots = (screenshots or {}).get(path)
                running[slot] = (path, _page_steps(visit, site, axe_script, path, shots))
            path, steps = running[slot]
            try:
                next(steps)
            except StopIteration as done:
                results[path] = done.value
                del running[slot]
        if exhausted and not running:
            break
    found: dict[str, list[str]] = {name: [] for name in BROWSER_CHECKS}
    for path in order:
        for name in BROWSER_CHECKS:
            found[name].extend(results[path][name])
    return found


def _slug(path: str) -> str:
    stem = path[: -len(".html")] if path.endswith(".html") else path
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)


def screenshot(page, target: Path) -> Path:
    """Capture the whole page into ``target`` (PNG)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    return target
