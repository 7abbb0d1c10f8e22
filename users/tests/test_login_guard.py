"""
Every way in (API login, Azuma login, admin login, browsable-API login) shares one lockout, one
per-client throttle and one security log.
"""

import logging

import pytest
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from users import security
from users.security import username_digest

pytestmark = pytest.mark.django_db

CLIENT = "203.0.113.7"
BROWSABLE_LOGIN = "/api-auth/login/"


def form_login(client, path, username, password, address=CLIENT):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def api_login(api_client, username, password, address=CLIENT):
    return api_client.post(
        "/api/users/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def has_session(client) -> bool:
    return (
        settings.SESSION_COOKIE_NAME in client.cookies
        and client.get("/api/users/user/", REMOTE_ADDR=CLIENT).status_code == 200
    )


def test_browsable_api_login_is_locked_after_five_wrong_passwords(client, user, password):
    for _ in range(5):
        response = form_login(client, BROWSABLE_LOGIN, "madeline", "wrong-password")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()

    response = form_login(client, BROWSABLE_LOGIN, "madeline", password)

    assert response.status_code == 200
    assert "Too many failed logins" in response.content.decode()
    assert not has_session(client)


def test_an_account_locked_on_the_api_gets_no_browsable_api_session(client, api_client, user, password):
    for _ in range(5):
        assert api_login(api_client, "madeline", "wrong-password").status_code == 400
    assert api_login(api_client, "madeline", password).status_code == 429

    response = form_login(client, BROWSABLE_LOGIN, "madeline", password)

    assert "Too many failed logins" in response.content.decode()
    assert not has_session(client)


def test_failed_form_logins_count_toward_the_api_lockout(client, api_client, user, password):
    for path in [BROWSABLE_LOGIN, "/admin/login/", BROWSABLE_LOGIN, "/admin/login/", BROWSABLE_LOGIN]:
        form_login(client, path, "madeline", "wrong-password")

    assert api_login(api_client, "madeline", password).status_code == 429
    assert (
        api_client.post(
            "/user/login", {"name": "madeline", "password": password}, REMOTE_ADDR=CLIENT
        ).status_code
        == 429
    )


def test_the_browsable_api_login_still_opens_a_session(client, user, password):
    response = form_login(client, BROWSABLE_LOGIN + "?next=/api/users/user/", "madeline", password)

    assert response.status_code == 302
    assert has_session(client)


def test_the_login_throttle_is_shared_by_the_api_and_the_forms(client, api_client, user, password, settings):
    # The throttle's rate is read when its class is made: the test spends the default 30/min.
    for index in range(30):
        name = f"nobody{index}"  # distinct names: the lockout stays out of the way
        if index % 2:
            assert api_login(api_client, name, "wrong-password").status_code == 400
        else:
            form_login(client, BROWSABLE_LOGIN, name, "wrong-password")

    assert api_login(api_client, "madeline", password).status_code == 429
    response = form_login(client, BROWSABLE_LOGIN, "madeline", password)
    assert "Too many login attempts" in response.content.decode()
    assert not has_session(client)
    response = form_login(client, "/admin/login/", "madeline", password)
    assert "Too many login attempts" in response.content.decode()


def test_form_logins_are_in_the_security_log(client, user, password, caplog):
    caplog.set_level(logging.INFO, logger="overworld.security")
    form_login(client, BROWSABLE_LOGIN, "madeline", "wrong-password")
    form_login(client, "/admin/login/", "madeline", password)

    log = "\n".join(record.getMessage() for record in caplog.records if record.name == "overworld.security")
    assert f"login failed user={user.pk} login={username_digest('madeline')} client={CLIENT}" in log
    assert f"login succeeded user={user.pk} client={CLIENT}" in log


def test_an_unknown_username_is_logged_as_a_keyed_digest(api_client, db, caplog):
    caplog.set_level(logging.INFO, logger="overworld.security")
    typed = "my-secret-passphrase"  # a password typed into the username field

    api_login(api_client, typed, "whatever")

    log = "\n".join(record.getMessage() for record in caplog.records if record.name == "overworld.security")
    assert typed not in log
    assert f"login failed user=unknown login={username_digest(typed)} client={CLIENT}" in log
    assert len(username_digest(typed)) == 12
    assert username_digest(typed) == username_digest(typed.upper())


# X-Forwarded-For: believed from TRUSTED_PROXIES only.


def test_forwarded_for_from_an_untrusted_peer_is_ignored_even_with_proxies_configured(
    api_client, user, password, settings
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for index in range(5):
        api_client.post(
            "/api/users/login/",
            {"username": "madeline", "password": "wrong-password"},
            REMOTE_ADDR=CLIENT,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{index}",
        )

    response = api_client.post(
        "/api/users/login/",
        {"username": "madeline", "password": password},
        REMOTE_ADDR=CLIENT,
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )

    assert response.status_code == 429


def test_forwarded_for_is_read_past_trusted_proxies_only(api_client, user, password, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]

    def attempt(forwarded, secret="wrong-password"):  # noqa: S107
        return api_client.post(
            "/api/users/login/",
            {"username": "madeline", "password": secret},
            REMOTE_ADDR="10.1.2.3",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    # The client forges a left-hand entry each time; the proxies append the real address (192.0.2.9).
    for index in range(5):
        attempt(f"198.51.100.{index}, 192.0.2.9, 10.4.4.4")

    assert attempt("198.51.100.77, 192.0.2.9, 10.4.4.4", password).status_code == 429
    assert attempt("192.0.2.10, 10.4.4.4", password).status_code == 200


def test_client_address_rules(rf, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert security.client_address(rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="1.2.3.4")) == (
        "192.0.2.1"
    )
    assert security.client_address(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")) == (
        "1.2.3.4"
    )
    # Only proxies all the way: the leftmost address is the client.
    assert security.client_address(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9")) == (
        "10.9.9.9"
    )
    # Garbage where an address should be: the last address a trusted proxy vouched for.
    assert security.client_address(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="junk")) == (
        "10.0.0.1"
    )
    assert security.client_address(rf.get("/", REMOTE_ADDR="::ffff:192.0.2.5")) == "192.0.2.5"


# lockout_clear: the service staff call (the admin's action).


def test_lockout_clear_for_every_client(api_client, user, password):
    for address in (CLIENT, "198.51.100.1"):
        for _ in range(5):
            api_login(api_client, "madeline", "wrong-password", address=address)
    assert api_login(api_client, "madeline", password).status_code == 429

    assert security.lockout_clear(username="MADELINE") == 2

    assert api_login(api_client, "madeline", password).status_code == 200
    assert api_login(api_client, "madeline", password, address="198.51.100.1").status_code == 200


def test_lockout_clear_for_one_client(api_client, user, password):
    for address in (CLIENT, "198.51.100.1"):
        for _ in range(5):
            api_login(api_client, "madeline", "wrong-password", address=address)

    assert security.lockout_clear(username="madeline", client=CLIENT) == 1

    assert api_login(api_client, "madeline", password).status_code == 200
    assert api_login(api_client, "madeline", password, address="198.51.100.1").status_code == 429


def test_lockout_clear_of_a_name_without_failures_changes_nothing(db):
    assert security.lockout_clear(username="nobody") == 0


def test_forged_forwarded_for_does_not_dodge_the_login_throttle(api_client, db, monkeypatch, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "2/min")

    def attempt(index):
        return api_client.post(
            "/api/users/login/",
            {"username": f"nobody{index}", "password": "x"},
            REMOTE_ADDR=CLIENT,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{index}",
        ).status_code

    assert [attempt(index) for index in range(3)] == [400, 400, 429]
