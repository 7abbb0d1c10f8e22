"""The login lockout: 5 failures for one username from one client within 15 minutes."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

pytestmark = pytest.mark.django_db

URL = "/api/users/login/"


def attempt(client, password, username="madeline", address="203.0.113.7", **headers):
    return client.post(URL, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def fail_five_times(client, **kwargs):
    for _ in range(5):
        assert attempt(client, "wrong-password", **kwargs).status_code == 400


def test_sixth_login_is_refused_even_with_the_right_password(api_client, user, password):
    fail_five_times(api_client)

    response = attempt(api_client, password)

    assert response.status_code == 429
    assert 890 <= int(response["Retry-After"]) <= 900
    assert "detail" in response.json()


def test_lockout_ends_when_the_window_has_passed(api_client, user, password):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail_five_times(api_client)
        clock.shift(timedelta(minutes=14))
        assert attempt(api_client, password).status_code == 429
        clock.shift(timedelta(minutes=1, seconds=1))

        assert attempt(api_client, password).status_code == 200


def test_failures_spread_over_more_than_the_window_do_not_lock(api_client, user, password):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            attempt(api_client, "wrong-password")
        clock.shift(timedelta(minutes=16))
        attempt(api_client, "wrong-password")

        assert attempt(api_client, password).status_code == 200


def test_four_failures_then_success_resets_the_count(api_client, user, password):
    for _ in range(4):
        attempt(api_client, "wrong-password")
    assert attempt(api_client, password).status_code == 200
    for _ in range(4):
        attempt(api_client, "wrong-password")

    assert attempt(api_client, password).status_code == 200


def test_other_clients_and_other_usernames_are_not_locked(api_client, user, other_user, password):
    fail_five_times(api_client)

    assert attempt(api_client, password, address="198.51.100.1").status_code == 200
    assert attempt(api_client, password, username="theo").status_code == 200


def test_the_username_is_counted_in_any_letter_case(api_client, user, password):
    for username in ["madeline", "MADELINE", "Madeline", "madeLINE", "MadeLine"]:
        attempt(api_client, "wrong-password", username=username)

    assert attempt(api_client, password).status_code == 429


def test_unknown_usernames_lock_too(api_client, db):
    for _ in range(5):
        attempt(api_client, "wrong-password", username="nobody")

    assert attempt(api_client, "wrong-password", username="nobody").status_code == 429


def test_forged_forwarded_for_is_ignored_without_trusted_proxies(api_client, user, password):
    for index in range(5):
        attempt(api_client, "wrong-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{index}")

    assert attempt(api_client, password, HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


def test_forwarded_for_names_the_client_behind_a_trusted_proxy(api_client, user, password, settings):
    settings.TRUSTED_PROXIES = ["203.0.113.0/24"]
    fail_five_times(api_client, HTTP_X_FORWARDED_FOR="192.0.2.1")

    assert attempt(api_client, password, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert attempt(api_client, password, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 200


def test_azuma_login_shares_the_lockout(api_client, user, password):
    fail_five_times(api_client)

    response = api_client.post(
        "/user/login", {"name": "madeline", "password": password}, REMOTE_ADDR="203.0.113.7"
    )

    assert response.status_code == 429
    assert response.json()["message"] == "TOO_MANY_REQUESTS"
    assert "Retry-After" in response


def test_admin_login_is_locked_too(client, db, django_user_model):
    django_user_model.objects.create_superuser(
        username="admin", email="a@example.com", password="admin-pass-123"
    )
    for _ in range(5):
        response = client.post(
            "/admin/login/", {"username": "admin", "password": "wrong"}, REMOTE_ADDR="203.0.113.9"
        )
        assert "Please enter the correct username and password" in response.content.decode()

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": "admin-pass-123"},
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 200
    assert "Too many failed logins" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_admin_login_works(client, db, django_user_model):
    django_user_model.objects.create_superuser(
        username="admin", email="a@example.com", password="admin-pass-123"
    )

    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": "admin-pass-123"})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
