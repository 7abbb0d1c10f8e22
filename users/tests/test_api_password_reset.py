"""Forgotten passwords: POST /api/users/password/reset/ and /api/users/password/reset/confirm/."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle

from users import services
from users.models import User
from users.tests.factories import UserFactory
from users.tests.mailbox import FRONTEND_URL, reset_payload

pytestmark = pytest.mark.django_db

URL = "/api/users/password/reset/"
CONFIRM_URL = "/api/users/password/reset/confirm/"
NEW_PASSWORD = "a-brand-new-passphrase"
SENT = {"detail": "If an account has this e-mail address, a link to reset its password was sent to it."}
INVALID_LINK = {"token": ["This password reset link is invalid or has expired."]}


@pytest.fixture
def ask(api_client, committed):
    """Asks for a reset link for `email`; the message (if any) leaves as the request commits."""

    def run(email: str, **extra):
        return committed(api_client.post, URL, {"email": email}, **extra)

    return run


def test_a_known_address_gets_a_link_that_resets_the_password(api_client, ask, user, password):
    response = ask("madeline@example.com")

    assert response.status_code == 202
    assert response.json() == SENT
    assert "no-store" in response["Cache-Control"]
    [message] = mail.outbox
    assert message.to == ["madeline@example.com"]
    assert message.subject == "Reset your Overworld password"
    assert "madeline" in message.body
    assert "1 hour" in message.body
    assert f"{FRONTEND_URL}/reset-password/" in message.body

    confirmed = api_client.post(CONFIRM_URL, reset_payload(message, NEW_PASSWORD))

    assert confirmed.status_code == 204
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    login = api_client.post("/api/users/login/", {"username": "madeline", "password": NEW_PASSWORD})
    assert login.status_code == 200
    old_login = api_client.post("/api/users/login/", {"username": "madeline", "password": password})
    assert old_login.status_code == 400


def test_known_and_unknown_addresses_get_the_same_answer(ask, user):
    known = ask("madeline@example.com")
    unknown = ask("nobody@example.com")

    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json()) == (202, SENT)
    assert known.headers.keys() == unknown.headers.keys()
    assert len(mail.outbox) == 1


def test_known_and_unknown_addresses_take_the_same_path_to_the_answer(
    api_client, user, django_capture_on_commit_callbacks, django_assert_num_queries
):
    # The same queries, and no message leaves before the answer: sending waits for the commit (and,
    # outside tests, runs in a background thread), so the mail server's delay cannot show.
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(1):
        api_client.post(URL, {"email": "madeline@example.com"})
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(1):
        api_client.post(URL, {"email": "nobody@example.com"})

    assert mail.outbox == []


def test_the_address_is_matched_in_any_letter_case(ask, user):
    assert ask("MADELINE@Example.COM").status_code == 202

    assert [message.to for message in mail.outbox] == [["madeline@example.com"]]


def test_a_deactivated_account_gets_no_link(ask, user):
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = ask("madeline@example.com")

    assert (response.status_code, response.json()) == (202, SENT)
    assert mail.outbox == []


def test_an_invalid_address_is_400(api_client):
    response = api_client.post(URL, {"email": "not-an-address"})

    assert response.status_code == 400
    assert response.json() == {"email": ["Enter a valid email address."]}
    assert api_client.post(URL, {}).json() == {"email": ["This field is required."]}


def test_a_link_works_once(api_client, ask, user):
    ask("madeline@example.com")
    payload = reset_payload(mail.outbox[0], NEW_PASSWORD)
    assert api_client.post(CONFIRM_URL, payload).status_code == 204

    again = api_client.post(CONFIRM_URL, {**payload, "new_password": "yet-another-passphrase"})

    assert again.status_code == 400
    assert again.json() == INVALID_LINK
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_every_link_dies_with_the_reset(api_client, ask, user):
    ask("madeline@example.com")
    ask("madeline@example.com")
    first, second = (reset_payload(message, NEW_PASSWORD) for message in mail.outbox)

    assert api_client.post(CONFIRM_URL, second).status_code == 204
    assert api_client.post(CONFIRM_URL, first).json() == INVALID_LINK


def test_a_link_expires_after_password_reset_timeout(api_client, ask, user, settings):
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ask("madeline@example.com")
        payload = reset_payload(mail.outbox[0], NEW_PASSWORD)
        clock.shift(timedelta(hours=1, seconds=1))

        response = api_client.post(CONFIRM_URL, payload)

    assert response.status_code == 400
    assert response.json() == INVALID_LINK
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)


def test_a_link_works_until_it_expires(api_client, ask, user, settings):
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ask("madeline@example.com")
        clock.shift(timedelta(minutes=59))

        assert api_client.post(CONFIRM_URL, reset_payload(mail.outbox[0], NEW_PASSWORD)).status_code == 204


def test_the_reset_revokes_every_token_of_the_user(api_client, ask, auth_client, user, other_user):
    services.token_create(user=user)
    other_token = services.token_create(user=other_user)
    ask("madeline@example.com")

    assert api_client.post(CONFIRM_URL, reset_payload(mail.outbox[0], NEW_PASSWORD)).status_code == 204

    assert not AuthToken.objects.filter(user=user).exists()
    assert auth_client.get("/api/users/user/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {other_token}")
    assert api_client.get("/api/users/user/").status_code == 200


def test_a_weak_new_password_is_refused_and_the_link_still_works(api_client, ask, user):
    ask("madeline@example.com")
    payload = reset_payload(mail.outbox[0], NEW_PASSWORD)

    weak = api_client.post(CONFIRM_URL, {**payload, "new_password": "madeline"})

    assert weak.status_code == 400
    assert set(weak.json()) == {"new_password"}
    assert api_client.post(CONFIRM_URL, payload).status_code == 204


def test_the_reset_verifies_the_address(api_client, ask, user):
    assert not user.email_verified
    ask("madeline@example.com")

    api_client.post(CONFIRM_URL, reset_payload(mail.outbox[0], NEW_PASSWORD))

    user.refresh_from_db()
    assert user.email_verified


def test_a_link_for_a_deactivated_account_is_refused(api_client, ask, user):
    ask("madeline@example.com")
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert api_client.post(CONFIRM_URL, reset_payload(mail.outbox[0], NEW_PASSWORD)).json() == INVALID_LINK


def test_a_link_for_another_user_is_refused(api_client, ask, user, other_user):
    ask("madeline@example.com")
    payload = reset_payload(mail.outbox[0], NEW_PASSWORD)

    response = api_client.post(CONFIRM_URL, {**payload, "uid": services.password_reset_uid(user=other_user)})

    assert response.json() == INVALID_LINK


@pytest.mark.parametrize(
    "uid",
    [
        "",  # required
        "!!",  # not base64
        "YWJj",  # "abc"
        "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk",  # a number no column holds
        "OTk5OTk5",  # 999999: no such user
        "_w",  # not UTF-8
    ],
)
def test_a_malformed_or_unknown_uid_is_400(api_client, user, uid):
    response = api_client.post(CONFIRM_URL, {"uid": uid, "token": "abc-123", "new_password": NEW_PASSWORD})

    assert response.status_code == 400
    assert response.json() == INVALID_LINK if uid else {"uid": ["This field may not be blank."]}


@pytest.mark.parametrize("token", ["abc-123", "nodash", "a-b-c", "zzzzzzzzzzzzzzz-1"])
def test_a_forged_token_is_400(api_client, user, token):
    uid = services.password_reset_uid(user=user)

    response = api_client.post(CONFIRM_URL, {"uid": uid, "token": token, "new_password": NEW_PASSWORD})

    assert (response.status_code, response.json()) == (400, INVALID_LINK)


def test_confirm_needs_every_field(api_client):
    response = api_client.post(CONFIRM_URL, {})

    assert response.status_code == 400
    assert set(response.json()) == {"uid", "token", "new_password"}


def test_a_stale_token_header_does_not_stop_a_reset(api_client, ask, user):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert ask("madeline@example.com").status_code == 202
    assert api_client.post(CONFIRM_URL, reset_payload(mail.outbox[0], NEW_PASSWORD)).status_code == 204


def test_requests_are_throttled_per_client(ask, user, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "password_reset", "2/hour")
    for address in ("a@example.com", "b@example.com"):
        assert ask(address, REMOTE_ADDR="203.0.113.1").status_code == 202

    refused = ask("madeline@example.com", REMOTE_ADDR="203.0.113.1")

    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert ask("madeline@example.com", REMOTE_ADDR="203.0.113.2").status_code == 202


@pytest.mark.parametrize("address", ["madeline@example.com", "nobody@example.com"])
def test_a_spent_address_quota_silently_stops_sending(ask, user, monkeypatch, address):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "email_address", "2/hour")
    for client in ("203.0.113.1", "203.0.113.2"):
        assert ask(address, REMOTE_ADDR=client).status_code == 202

    answers = [ask(address.upper(), REMOTE_ADDR=f"203.0.113.{3 + index}") for index in range(4)]

    # Known or not, spent or not, the address gets the same answer; nothing more is sent.
    assert [(answer.status_code, answer.json()) for answer in answers] == [(202, SENT)] * 4
    assert all("Retry-After" not in answer for answer in answers)
    assert len(mail.outbox) == (2 if address == "madeline@example.com" else 0)


def test_strangers_cannot_block_a_victims_reset(ask, user, monkeypatch):
    """Others spending the address's quota cannot make the owner's own request a 429."""
    for index in range(6):
        assert ask("madeline@example.com", REMOTE_ADDR=f"198.51.100.{index}").status_code == 202

    answer = ask("madeline@example.com", REMOTE_ADDR="203.0.113.50")

    assert (answer.status_code, answer.json()) == (202, SENT)


def test_confirmations_are_throttled_per_client(api_client, user, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "password", "2/hour")
    body = {"uid": "MQ", "token": "abc-123", "new_password": NEW_PASSWORD}
    for _ in range(2):
        assert api_client.post(CONFIRM_URL, body).status_code == 400

    assert api_client.post(CONFIRM_URL, body).status_code == 429


def test_routes_answer_without_trailing_slash(api_client, user):
    assert api_client.post(URL.rstrip("/"), {"email": "madeline@example.com"}).status_code == 202
    assert api_client.post(CONFIRM_URL.rstrip("/"), {}).status_code == 400


def test_an_account_without_a_usable_password_gets_no_link(ask, db):
    user = UserFactory(email="nopass@example.com")
    user.set_unusable_password()
    user.save()

    assert ask("nopass@example.com").status_code == 202
    assert mail.outbox == []
