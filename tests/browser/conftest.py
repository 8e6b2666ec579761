"""Browser tests: Debian's headless chromium driven through Playwright's Python API.

The browser is the one apt installs (`apt-get install chromium fonts-wqy-microhei`); no test tool ever
downloads one (never `playwright install`). Where it is missing the tests skip with the reason, unless
LVZHI_REQUIRE_BROWSER=1 (set by .ci/run), which turns the skip into a failure.

Screenshots go to a temporary directory, or to $LVZHI_SCREENSHOT_DIR when set (to look at them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LVZHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


def _unavailable(reason: str):
    if os.environ.get("LVZHI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (LVZHI_REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable('the playwright package is missing (pip install -e ".[test]")')
    # Playwright's sync API keeps an event loop running in this thread; Django refuses ORM calls from a
    # thread with a running loop unless told it is safe, which it is here (the test drives one browser).
    # Module scope: the loop ends with this module, so the rest of the suite runs as usual.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def screenshots(tmp_path) -> Path:
    target = Path(os.environ.get("LVZHI_SCREENSHOT_DIR") or tmp_path / "screenshots")
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def new_page(request, transactional_db):
    """Open a page at a viewport; users of the platform browse in Chinese (Accept-Language zh-CN)."""
    # The browser is asked for only once the test database is set up, so that a skip (no chromium) leaves
    # the database as the suite's bookkeeping expects (tests/conftest.py restores the demo city after a
    # transactional test).
    browser = request.getfixturevalue("browser")
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
