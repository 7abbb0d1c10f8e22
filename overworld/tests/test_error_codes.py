"""
Every `{"detail"}` error carries a machine-readable `code` beside it (DRF's and the project's), so a
client branches on the code, not on message text; field errors keep the seed's `{"field": [messages]}`.
"""

import pytest
from rest_framework.throttling import SimpleRateThrottle

from overworld.exceptions import ERROR_CODES

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]


def test_no_token_is_not_authenticated(api_client):
    assert_error(api_client.get("/api/users/user/"), 401, "not_authenticated")


def test_a_bad_token_is_authentication_failed_on_a_public_endpoint_too(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert_error(api_client.get("/api/games/"), 401, "authentication_failed")


def test_an_unknown_user_is_not_found(api_client):
    assert_error(api_client.get("/api/users/nobody/"), 404, "not_found")


def test_an_unknown_url_is_not_found(api_client):
    assert_error(api_client.get("/api/nothing-here/"), 404, "not_found")


def test_malformed_json_is_parse_error(api_client):
    response = api_client.post("/api/users/register/", "{not json", content_type="application/json")

    assert_error(response, 400, "parse_error")


def test_a_wrong_method_is_method_not_allowed(auth_client):
    assert_error(auth_client.put("/api/users/follow/", {}), 405, "method_not_allowed")


def test_someone_elses_profile_is_permission_denied(auth_client, other_user):
    response = auth_client.patch("/api/users/profile/theo", {"bio": "Not mine."})

    assert_error(response, 403, "permission_denied")


def test_an_unverified_address_is_email_not_verified(auth_client, other_user, settings):
    settings.EMAIL_VERIFICATION_REQUIRED = True

    response = auth_client.post("/api/users/follow/", {"username": "theo"})

    assert_error(response, 403, "email_not_verified")


def test_a_locked_login_is_login_locked(api_client, user, password):
    for _ in range(5):
        api_client.post("/api/users/login/", {"username": "madeline", "password": "wrong-password"})

    response = api_client.post("/api/users/login/", {"username": "madeline", "password": password})

    assert_error(response, 429, "login_locked")
    assert int(response["Retry-After"]) > 0


def test_a_throttled_request_is_throttled(api_client, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "register", "1/hour")
    body = {"username": "someone", "email": "someone@example.com", "password": "a-long-passphrase"}
    api_client.post("/api/users/register/", body)

    assert_error(api_client.post("/api/users/register/", body), 429, "throttled")


def test_an_oversized_body_is_request_too_large(api_client):
    response = api_client.post(
        "/api/users/register/", b"{}", content_type="application/json", CONTENT_LENGTH=str(2 * 1024 * 1024)
    )

    assert_error(response, 413, "request_too_large")


def test_field_errors_keep_their_shape_without_codes(api_client, user):
    response = api_client.post(
        "/api/users/register/", {"username": "MADELINE", "email": "new@example.com", "password": "x"}
    )

    assert response.status_code == 400
    body = response.json()
    assert "code" not in body and "detail" not in body
    assert body["username"] == ["A user with that username already exists."]
    assert all(isinstance(message, str) for messages in body.values() for message in messages)


def test_the_project_codes_are_snake_case():
    assert all(code.isidentifier() and code == code.lower() for code in ERROR_CODES)
