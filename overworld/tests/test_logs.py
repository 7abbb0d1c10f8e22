"""One structured log line per request (RequestLogMiddleware), X-Request-ID, and the two log formats."""

import json
import logging
import sys

import pytest

from overworld.logs import JsonFormatter, KeyValueFormatter
from overworld.tests.fresh_settings import STRONG_KEY, run_with_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_log(caplog):
    """The `overworld.request` records of the test, as dicts of their fields."""
    caplog.set_level(logging.INFO, logger="overworld.request")

    def lines() -> list[dict]:
        return [record.fields for record in caplog.records if record.name == "overworld.request"]

    return lines


def test_each_request_logs_one_line(client, request_log):
    response = client.get("/healthz")

    [line] = request_log()
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32


def test_the_logged_status_is_the_one_the_client_gets(client, request_log):
    # Django's HTML 404, turned into JSON by JsonErrorMiddleware: the log sees the final answer.
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert request_log()[0]["status"] == 404


def test_the_user_id_is_logged_for_a_token(auth_client, user, request_log):
    auth_client.get("/api/users/user/")

    assert request_log()[0]["user_id"] == user.pk


def test_a_request_id_sent_by_the_client_or_the_load_balancer_is_kept(client, request_log):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.c0ffee:1"})

    assert response["X-Request-ID"] == "lb-7f3a.c0ffee:1"
    assert request_log()[0]["request_id"] == "lb-7f3a.c0ffee:1"


@pytest.mark.parametrize("offered", ["", "two words", "line\nbreak", "x" * 201, "<script>"])
def test_an_unfit_request_id_is_replaced(client, request_log, offered):
    response = client.get("/healthz", headers={"X-Request-ID": offered})

    assert response["X-Request-ID"] != offered
    assert len(response["X-Request-ID"]) == 32
    assert request_log()[0]["request_id"] == response["X-Request-ID"]


def test_the_request_id_is_exposed_to_the_frontend(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]

    response = client.options(
        "/api/users/login/",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-request-id",
        },
    )
    answer = client.get("/api/users/madeline", headers={"Origin": "https://app.example.com"})

    assert "x-request-id" in response["Access-Control-Allow-Headers"]
    assert "X-Request-ID" in answer["Access-Control-Expose-Headers"]


def test_no_password_token_authorization_header_or_query_string_is_logged(api_client, user, password, caplog):
    caplog.set_level(logging.DEBUG)
    login = api_client.post("/api/users/login/", {"username": "madeline", "password": password})
    token = login.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    api_client.get("/api/users/user/")
    api_client.get("/api/games/?search=secret-search-term")

    for formatter in (KeyValueFormatter(), JsonFormatter()):
        output = "\n".join(formatter.format(record) for record in caplog.records)
        assert "/api/users/login/" in output
        assert password not in output
        assert token not in output
        assert token[:8] not in output
        assert "Authorization" not in output
        assert "secret-search-term" not in output


def record(message: str = "request", **fields) -> logging.LogRecord:
    entry = logging.LogRecord("overworld.request", logging.INFO, __file__, 1, message, None, None)
    entry.fields = fields
    return entry


def test_the_text_format_is_a_readable_key_value_line():
    line = KeyValueFormatter().format(
        record(method="GET", path="/api/users/madeline", status=200, duration_ms=1.5, user_id=None)
    )

    assert line.endswith(
        " INFO overworld.request request"
        " method=GET path=/api/users/madeline status=200 duration_ms=1.5 user_id=-"
    )
    assert line[:24].endswith("Z")


def test_the_text_format_quotes_what_could_forge_a_line():
    line = KeyValueFormatter().format(record(path='/api/users/a b\nINFO forged="1"'))

    assert "\n" not in line
    assert line.endswith(r'path="/api/users/a b\nINFO forged=\"1\""')


def test_the_json_format_is_one_object_per_line():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        failed = record(message="failed", path="/x\ny", status=500)
        failed.exc_info = sys.exc_info()

    line = JsonFormatter().format(failed)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "overworld.request"
    assert entry["message"] == "failed"
    assert entry["path"] == "/x\ny"
    assert entry["status"] == 500
    assert "RuntimeError: boom" in entry["exception"]
    assert entry["time"].endswith("Z")


LOG_ONE_REQUEST = (
    "import logging; logging.getLogger('overworld.request').info("
    "'request', extra={'fields': {'method': 'GET', 'path': '/healthz', 'status': 200}})"
)


def test_django_log_format_json_makes_every_line_json():
    result = run_with_settings(
        LOG_ONE_REQUEST, setup=True, DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_LOG_FORMAT="json"
    )

    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["logger"] == "overworld.request"
    assert entry["path"] == "/healthz"


def test_the_default_log_format_is_text():
    result = run_with_settings(LOG_ONE_REQUEST, setup=True, DJANGO_SECRET_KEY=STRONG_KEY)

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith("request method=GET path=/healthz status=200")


def test_an_unknown_log_format_is_refused():
    result = run_with_settings("", setup=True, DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_LOG_FORMAT="xml")

    assert result.returncode != 0
    assert "DJANGO_LOG_FORMAT must be text or json" in result.stderr
