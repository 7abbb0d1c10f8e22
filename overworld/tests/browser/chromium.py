"""Launches Debian's Chromium for the browser tests (never a browser downloaded by Playwright)."""

import os

import pytest
from playwright.sync_api import Browser, Playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]


def launch_chromium(playwright: Playwright, executable: str = CHROMIUM) -> Browser:
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        pytest.fail(
            f"Chromium is missing at {executable}, and the browser tests need it. Install Debian's "
            "package (as root: apt-get update && apt-get install -y chromium), or point CHROMIUM_PATH "
            "at another Chromium. Playwright's own browser download is not used.",
            pytrace=False,
        )
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
