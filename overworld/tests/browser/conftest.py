"""
Headless Chromium for the browser tests, driven by Playwright.

The browser is Debian's `chromium` package: Playwright's own browser download is never used. When
Chromium is missing the tests fail (they never skip), naming the package to install. No test may
reach past this machine: every request to another host is blocked and recorded, and a test can
assert that none was needed. A failing test leaves a screenshot in `browser-screenshots/`.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, expect, sync_playwright

from overworld.tests.browser.chromium import launch_chromium

SCREENSHOTS_DIR = Path(settings.BASE_DIR) / "browser-screenshots"
# Long enough for a slow CI machine, short enough that a broken flow fails fast.
TIMEOUT_MS = 10_000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}

expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # The page fixture reads it at teardown to know whether the test failed.
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio loop running in this thread while it is started, and
    # Django refuses ORM calls from a thread with a running loop. The tests are synchronous (the
    # loop only drives the browser), so they tell Django it is safe, for this module only.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            yield browser
            browser.close()


@pytest.fixture
def blocked_requests() -> list[str]:
    """The URLs of the requests the browser tried to send off this machine (all were blocked)."""
    return []


@pytest.fixture
def context(browser, blocked_requests) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1200, "height": 860})
    context.set_default_timeout(TIMEOUT_MS)

    def only_loopback(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.hostname not in LOOPBACK_HOSTS:
            blocked_requests.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    context.route("**/*", only_loopback)
    yield context
    context.close()


@pytest.fixture
def page(context, request) -> Iterator[Page]:
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=SCREENSHOTS_DIR / f"{name}.png", full_page=True)


@pytest.fixture
def doc_screenshot():
    """
    `doc_screenshot(page_or_locator, name)` writes the docs' picture `docs/screenshots/<name>.png`,
    only when UPDATE_DOC_SCREENSHOTS=1 (a normal run leaves the working tree alone).
    """

    def save(target: Page | Locator, name: str) -> None:
        if os.environ.get("UPDATE_DOC_SCREENSHOTS") == "1":
            target.screenshot(path=Path(settings.BASE_DIR) / "docs" / "screenshots" / f"{name}.png")

    return save
