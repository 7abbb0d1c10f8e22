"""
Headless Chromium for the browser tests, driven by Playwright.

The browser is Debian's `chromium` package: Playwright's own browser download is never used. When
Chromium is missing the tests fail (they never skip), naming the package to install. No test may
reach past this machine: every request to another host is blocked and recorded, and a test can
assert that none was needed. A failing test leaves a screenshot in `browser-screenshots/`.
"""

import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Request, expect, sync_playwright

from overworld.tests.browser.chromium import launch_chromium

SCREENSHOTS_DIR = Path(settings.BASE_DIR) / "browser-screenshots"
# Long enough for a slow CI machine, short enough that a broken flow fails fast.
TIMEOUT_MS = 10_000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# The same hosts as Chromium's proxy bypass list writes them (an IPv6 address in brackets).
PROXY_BYPASS = ",".join(f"[{host}]" if ":" in host else host for host in sorted(LOOPBACK_HOSTS))

expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # The page fixture reads it at teardown to know whether the test failed.
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio loop running in this thread while it is started, and
    # Django refuses ORM calls from a thread with a running loop. The tests are synchronous (the
    # loop only drives the browser), so they tell Django it is safe, for the browser tests only: one
    # Chromium serves the tests of this folder that a worker runs in a row (0.7 s a start), and is
    # closed before any other test runs.
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


@pytest.fixture(scope="module")
def dead_proxy() -> Iterator[str]:
    """
    A port that refuses every connection (bound, never listening), kept for the module: the
    browser's proxy, through which Chromium sends whatever is not for this machine.
    """
    with socket.socket() as refusing:
        refusing.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{refusing.getsockname()[1]}"


@pytest.fixture
def context(browser, blocked_requests, dead_proxy) -> Iterator[BrowserContext]:
    # Off-machine requests go to the dead proxy and fail; loopback never goes through a proxy. (Routing
    # requests through Playwright would block them too, but turns the browser's cache off: the admin
    # test alone took 1.6 s longer.)
    proxy = {"server": dead_proxy, "bypass": PROXY_BYPASS}
    context = browser.new_context(viewport={"width": 1200, "height": 860}, proxy=proxy)
    context.set_default_timeout(TIMEOUT_MS)

    def record_off_machine(request: Request) -> None:
        url = urlsplit(request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.hostname not in LOOPBACK_HOSTS:
            blocked_requests.append(request.url)

    context.on("request", record_off_machine)
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
