import logging

import pytest

from users import services
from users.security import username_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="overworld.security")
    return caplog


def logged(caplog) -> str:
    return "\n".join(record.getMessage() for record in caplog.records if record.name == "overworld.security")


def test_every_security_event_is_logged_without_secrets(api_client, user, password, security_log, settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 2
    headers = {"REMOTE_ADDR": "203.0.113.5"}
    api_client.post("/api/users/login/", {"username": "madeline", "password": "wrong-guess-1"}, **headers)
    token = api_client.post(
        "/api/users/login/", {"username": "madeline", "password": password}, **headers
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    token = api_client.post(
        "/api/users/password/",
        {"current_password": password, "new_password": "the-next-passphrase"},
        **headers,
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    api_client.post("/api/users/logout/", **headers)
    second = services.token_create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    api_client.post("/api/users/logoutall/", **headers)
    api_client.credentials()
    for guess in ("wrong-guess-2", "wrong-guess-3", "wrong-guess-4"):
        api_client.post("/api/users/login/", {"username": "madeline", "password": guess}, **headers)
    third = services.token_create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {third}")
    api_client.delete("/api/users/user/", {"password": "the-next-passphrase"}, **headers)

    log = logged(security_log)
    for event in [
        f"login failed user={user.pk} login={username_digest('madeline')} client=203.0.113.5",
        f"login succeeded user={user.pk} client=203.0.113.5",
        f"password changed user={user.pk} client=203.0.113.5",
        f"logout user={user.pk} client=203.0.113.5",
        f"logout everywhere user={user.pk} client=203.0.113.5",
        f"login locked out login={username_digest('madeline')} client=203.0.113.5",
        f"account deleted user={user.pk} client=203.0.113.5",
    ]:
        assert event in log
    for secret in (password, "the-next-passphrase", "wrong-guess-1", token, second, third):
        assert secret not in log
