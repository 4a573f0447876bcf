"""Serve a built site on 127.0.0.1 and drive Chromium on it.

* :func:`serve` serves a folder over HTTP on a free local port, in a thread.
* :func:`launch_browser` starts Debian's Chromium headless through Playwright,
  with every host but 127.0.0.1 unresolvable, so a page that asks the
  network for anything fails loudly instead of reaching it.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

#: Where the tests look for Chromium (Debian's package), unless LRKIT_CHROMIUM is set.
CHROMIUM = "/usr/bin/chromium"

#: Flags for a quiet, offline, reproducible headless Chromium.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]

HOW_TO_INSTALL = (
    "Install Chromium (Debian/Ubuntu: `sudo apt-get install -y chromium`) or point "
    "LRKIT_CHROMIUM at a Chromium or Chrome executable; `pip install playwright` "
    "(the `site` extra) provides the driver."
)

# Types the standard library may not know; a wrong type breaks fonts and modules.
_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".ipynb": "application/x-ipynb+json",
    ".py": "text/x-python",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".zip": "application/zip",
    ".txt": "text/plain",
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serve files quietly, with the content types a browser expects."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        **_TYPES,
    }

    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve(folder: str | os.PathLike) -> Iterator[str]:
    """Serve ``folder`` on a free port of 127.0.0.1; yield the base URL (ending in ``/``)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder: expected a directory to serve, got {str(folder)!r}")
    handler = functools.partial(_Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def chromium_path() -> str | None:
    """The Chromium executable to use, or None when there is none."""
    candidate = os.environ.get("LRKIT_CHROMIUM", CHROMIUM)
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which(candidate)


def browser_unavailable() -> str | None:
    """Why no browser can be launched, or None when one can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed. " + HOW_TO_INSTALL
    if chromium_path() is None:
        where = os.environ.get("LRKIT_CHROMIUM", CHROMIUM)
        return f"No Chromium at {where}. " + HOW_TO_INSTALL
    return None


class Browser:
    """One headless Chromium for a whole test session (start it with :func:`launch_browser`)."""

    def __init__(self, playwright, browser):
        self._playwright = playwright
        self.browser = browser

    def new_page(self, *, width: int = 1280, height: int = 900, phone: bool = False):
        """A page in a fresh context (empty storage, light colour scheme).

        ``phone=True`` emulates a touch phone (device pixel ratio 2) of the given size.
        Close it with ``page.context.close()``.
        """
        context = self.browser.new_context(
            viewport={"width": width, "height": height},
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
            color_scheme="light",
            reduced_motion="reduce",
            service_workers="block",
        )
        context.set_default_timeout(30_000)
        return context.new_page()

    def close(self) -> None:
        """Close the browser and stop Playwright."""
        with contextlib.suppress(Exception):
            self.browser.close()
        with contextlib.suppress(Exception):
            self._playwright.stop()


def running_in_ci() -> bool:
    """Whether this is a continuous-integration run (``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def skip_or_fail(reason: str) -> None:
    """Skip the calling test, or fail it under ``CI=true``, where nothing may be missing."""
    import pytest

    if running_in_ci():
        pytest.fail(f"{reason} (CI=true: a missing tool fails the run)", pytrace=False)
    pytest.skip(reason)


_SHARED: dict[str, Browser] = {}


def shared_browser(config) -> Browser:
    """The session's one browser: launched on first use, closed when pytest ends.

    ``config`` is pytest's config object (``request.config``). Skips the test
    (fails it under ``CI=true``) when there is no browser.
    """
    reason = browser_unavailable()
    if reason:
        skip_or_fail(reason)
    if "browser" not in _SHARED:
        _SHARED["browser"] = launch_browser()
        config.add_cleanup(lambda: _SHARED.pop("browser").close())
    return _SHARED["browser"]


def launch_browser() -> Browser:
    """Launch headless Chromium with :data:`CHROMIUM_ARGS` (raises if there is none)."""
    reason = browser_unavailable()
    if reason:
        raise RuntimeError(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
    except Exception:
        playwright.stop()
        raise
    return Browser(playwright, browser)
