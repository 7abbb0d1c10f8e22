import pytest

from overworld.tests.browser.chromium import launch_chromium

pytestmark = pytest.mark.browser


def test_a_missing_chromium_fails_the_tests_and_names_the_package(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        launch_chromium(playwright=None, executable=str(tmp_path / "chromium"))


def test_requests_off_this_machine_are_stopped_and_recorded(page, live_server, blocked_requests):
    failures = {}
    page.on("requestfailed", lambda request: failures.setdefault(request.url, request.failure))
    page.goto(f"{live_server.url}/healthz")

    outcomes = page.evaluate(
        """urls => Promise.all(urls.map(url =>
            fetch(url, {mode: "no-cors"}).then(() => "answered", () => "failed")))""",
        ["http://example.com/", "https://93.184.215.14/x", f"{live_server.url}/healthz"],
    )

    assert outcomes == ["failed", "failed", "answered"]
    assert blocked_requests == ["http://example.com/", "https://93.184.215.14/x"]
    # Stopped by the browser's dead proxy, before any name lookup or connection.
    assert set(failures.values()) == {"net::ERR_PROXY_CONNECTION_FAILED"}
