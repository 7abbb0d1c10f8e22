"""Every log line written while a request is handled names its request_id, not only the request line."""

import io
import json
import logging
import time

import pytest

from overworld.logs import JsonFormatter, KeyValueFormatter, RequestIdFilter, current_request_id
from users import emails

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """The lines the test writes, as the console handler of LOGGING writes them (JSON format)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    levels = {name: logging.getLogger(name).level for name in ("", "overworld.request", "users.emails")}
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_the_security_log_of_a_failed_login_names_the_request(api_client, user, log_lines):
    response = api_client.post("/api/users/login/", {"username": "madeline", "password": "wrong-password"})

    lines = log_lines()
    assert {line["logger"] for line in lines} >= {"overworld.security", "overworld.request", "django.request"}
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]}


def test_django_request_lines_written_after_the_middleware_name_the_request(api_client, log_lines):
    response = api_client.get("/api/users/nobody/", headers={"X-Request-ID": "lb-42"})

    [warning] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert response.status_code == 404
    assert warning["request_id"] == "lb-42"


def test_lines_after_the_request_name_no_request(api_client, log_lines):
    api_client.get("/healthz")
    logging.getLogger("overworld.tests").warning("between requests")

    [line] = [line for line in log_lines() if line["logger"] == "overworld.tests"]
    assert "request_id" not in line


def test_two_requests_each_name_their_own(api_client, user, log_lines):
    first = api_client.post("/api/users/login/", {"username": "madeline", "password": "wrong-password"})
    second = api_client.post("/api/users/login/", {"username": "madeline", "password": "wrong-password"})

    security = [line["request_id"] for line in log_lines() if line["logger"] == "overworld.security"]
    assert security == [first["X-Request-ID"], second["X-Request-ID"]]


def test_an_email_delivered_in_the_background_names_the_request(
    user, settings, log_lines, django_capture_on_commit_callbacks
):
    settings.EMAIL_SEND_IN_BACKGROUND = True
    message = emails.email_verification_message(user=user, key="a-key")
    token = current_request_id.set("request-of-the-mail")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            emails.send(message, kind="verification", user_id=user.pk)
    finally:
        current_request_id.reset(token)

    deadline = time.monotonic() + 10
    while not (sent := [line for line in log_lines() if line["logger"] == "users.emails"]):
        assert time.monotonic() < deadline, "the e-mail was not delivered"
        time.sleep(0.05)
    assert sent[0]["request_id"] == "request-of-the-mail"


def test_the_text_format_prints_the_request_id_once():
    record = logging.LogRecord("overworld.security", logging.INFO, __file__, 1, "login failed", None, None)
    record.request_id = "abc"
    record.fields = {"request_id": "abc"}

    assert KeyValueFormatter().format(record).endswith("login failed request_id=abc")
