"""Verified e-mail addresses: the message at registration and at a change, verify, resend."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from users.models import User
from users.tests.mailbox import FRONTEND_URL, verification_key

pytestmark = pytest.mark.django_db

VERIFY_URL = "/api/users/email/verify/"
RESEND_URL = "/api/users/email/verify/resend/"
REGISTRATION = {"username": "celeste_fan", "email": "fan@example.com", "password": "a-long-passphrase"}
INVALID_KEY = {"key": ["This verification link is invalid or has expired."]}


def register(api_client, committed, **overrides) -> dict:
    response = committed(api_client.post, "/api/users/register/", {**REGISTRATION, **overrides})
    assert response.status_code == 200
    return response.json()


def test_registration_answers_a_token_at_once_and_mails_a_verification_link(api_client, committed):
    body = register(api_client, committed)

    assert set(body) == {"user", "token"}
    assert set(body["user"]) == {"id", "username", "email", "avatar", "gravatar"}
    [message] = mail.outbox
    assert message.to == ["fan@example.com"]
    assert message.subject == "Confirm your e-mail address for Overworld"
    assert "celeste_fan" in message.body
    assert "fan@example.com" in message.body
    assert f"{FRONTEND_URL}/verify-email/" in message.body
    assert "3 days" in message.body
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    me = api_client.get("/api/users/user/")
    assert me.status_code == 200
    assert me.json()["email_verified"] is False


def test_the_key_of_the_link_verifies_the_address(api_client, committed):
    token = register(api_client, committed)["token"]
    key = verification_key(mail.outbox[0])

    response = APIClient().post(VERIFY_URL, {"key": key})

    assert response.status_code == 200
    assert response.json() == {"email_verified": True}
    assert User.objects.get(username="celeste_fan").email_verified
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/users/user/").json()["email_verified"] is True
    assert api_client.get("/api/users/celeste_fan").json()["email_verified"] is True


def test_verifying_again_changes_nothing(api_client, committed):
    register(api_client, committed)
    key = verification_key(mail.outbox[0])
    api_client.post(VERIFY_URL, {"key": key})

    again = api_client.post(VERIFY_URL, {"key": key})

    assert (again.status_code, again.json()) == (200, {"email_verified": True})


def test_email_verified_is_shown_to_its_owner_only(auth_client, api_client, user, other_user):
    assert auth_client.get("/api/users/madeline").json()["email_verified"] is False
    assert auth_client.get("/api/users/profile/madeline").json()["email_verified"] is False
    assert "email_verified" not in api_client.get("/api/users/madeline").json()
    assert "email_verified" not in auth_client.get("/api/users/theo").json()


def test_the_export_holds_email_verified(auth_client, user):
    assert auth_client.get("/api/users/user/export/").json()["account"]["email_verified"] is False


def test_azuma_registration_mails_a_verification_link_too(api_client, committed):
    body = {"name": "azuma", "email": "azuma@example.com", "password": "a-long-passphrase"}

    assert committed(api_client.post, "/users", body).status_code == 200

    assert [message.to for message in mail.outbox] == [["azuma@example.com"]]


def test_an_address_change_unverifies_it_and_mails_the_new_address(auth_client, committed, user):
    User.objects.filter(pk=user.pk).update(email_verified=True)

    response = committed(auth_client.patch, "/api/users/profile/madeline", {"email": "new@example.com"})

    assert response.status_code == 200
    assert response.json()["email_verified"] is False
    [message] = mail.outbox
    assert message.to == ["new@example.com"]
    assert auth_client.post(VERIFY_URL, {"key": verification_key(message)}).status_code == 200


def test_a_change_of_letter_case_keeps_the_address_verified(auth_client, committed, user):
    User.objects.filter(pk=user.pk).update(email_verified=True)

    response = committed(auth_client.patch, "/api/users/profile/madeline", {"email": "Madeline@example.com"})

    assert response.json()["email_verified"] is True
    assert mail.outbox == []


def test_other_profile_changes_send_nothing(auth_client, committed, user):
    committed(auth_client.patch, "/api/users/profile/madeline", {"bio": "Climbing."})

    assert mail.outbox == []


def test_a_link_to_a_former_address_no_longer_verifies(auth_client, committed, user):
    committed(auth_client.post, RESEND_URL)
    old_key = verification_key(mail.outbox[0])
    committed(auth_client.patch, "/api/users/profile/madeline", {"email": "new@example.com"})

    response = auth_client.post(VERIFY_URL, {"key": old_key})

    assert (response.status_code, response.json()) == (400, INVALID_KEY)
    user.refresh_from_db()
    assert not user.email_verified


def test_a_link_expires_after_email_verification_timeout(api_client, committed, settings):
    settings.EMAIL_VERIFICATION_TIMEOUT = 24 * 60 * 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        register(api_client, committed)
        key = verification_key(mail.outbox[0])
        clock.shift(timedelta(days=1, seconds=1))

        response = api_client.post(VERIFY_URL, {"key": key})

    assert (response.status_code, response.json()) == (400, INVALID_KEY)
    assert not User.objects.get(username="celeste_fan").email_verified


def test_a_link_of_a_deactivated_account_is_refused(api_client, committed):
    register(api_client, committed)
    User.objects.update(is_active=False)

    assert api_client.post(VERIFY_URL, {"key": verification_key(mail.outbox[0])}).json() == INVALID_KEY


@pytest.mark.parametrize(
    "key",
    [
        "not-a-key",
        "a.b.c",
        "WzEsImFiYyJd.1u2abc.forged-signature",
        "W10.1u2abc.x",  # []
        "x" * 256,
    ],
)
def test_a_forged_key_is_400(api_client, user, key):
    response = api_client.post(VERIFY_URL, {"key": key})

    assert (response.status_code, response.json()) == (400, INVALID_KEY)


def test_a_key_signed_for_another_purpose_is_refused(api_client, user):
    key = signing.TimestampSigner(sep=".").sign_object([user.pk, "0" * 32])

    assert api_client.post(VERIFY_URL, {"key": key}).json() == INVALID_KEY


def test_verify_needs_a_key(api_client):
    response = api_client.post(VERIFY_URL, {})

    assert (response.status_code, response.json()) == (400, {"key": ["This field is required."]})
    assert api_client.post(VERIFY_URL, {"key": "x" * 257}).status_code == 400


def test_resend_mails_a_new_link(auth_client, committed, user):
    response = committed(auth_client.post, RESEND_URL)

    assert response.status_code == 202
    assert response.json() == {"detail": "A verification link has been sent to your e-mail address."}
    [message] = mail.outbox
    assert message.to == ["madeline@example.com"]
    assert auth_client.post(VERIFY_URL, {"key": verification_key(message)}).status_code == 200


def test_resend_needs_a_token(api_client, committed, user):
    assert committed(api_client.post, RESEND_URL).status_code == 401
    assert mail.outbox == []


def test_resend_for_a_verified_address_is_400(auth_client, committed, user):
    User.objects.filter(pk=user.pk).update(email_verified=True)

    response = committed(auth_client.post, RESEND_URL)

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Your e-mail address is already verified."]}
    assert mail.outbox == []


def test_resend_is_throttled_per_client(auth_client, committed, user, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "email_verify", "2/hour")
    for _ in range(2):
        assert committed(auth_client.post, RESEND_URL).status_code == 202

    refused = committed(auth_client.post, RESEND_URL)

    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert len(mail.outbox) == 2


def test_resend_is_throttled_per_address_from_any_client(auth_client, committed, user, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "email_address", "2/hour")
    for client in ("203.0.113.1", "203.0.113.2"):
        assert committed(auth_client.post, RESEND_URL, REMOTE_ADDR=client).status_code == 202

    refused = committed(auth_client.post, RESEND_URL, REMOTE_ADDR="203.0.113.3")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert len(mail.outbox) == 2


def test_resends_and_reset_requests_share_the_per_address_limit(
    auth_client, api_client, committed, user, monkeypatch
):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "email_address", "1/hour")
    assert committed(auth_client.post, RESEND_URL).status_code == 202

    refused = committed(api_client.post, "/api/users/password/reset/", {"email": "madeline@example.com"})

    assert refused.status_code == 429


def test_a_registration_past_the_address_limit_succeeds_without_a_message(api_client, committed, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "email_address", "1/hour")
    committed(api_client.post, "/api/users/password/reset/", {"email": "fan@example.com"})

    body = register(api_client, committed)

    assert body["user"]["email"] == "fan@example.com"
    assert mail.outbox == []


def test_verify_is_throttled_per_client(api_client, user, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "email_verify", "2/hour")
    for _ in range(2):
        assert api_client.post(VERIFY_URL, {"key": "not-a-key"}).status_code == 400

    assert api_client.post(VERIFY_URL, {"key": "not-a-key"}).status_code == 429


def test_routes_answer_without_trailing_slash(auth_client, user):
    assert auth_client.post(VERIFY_URL.rstrip("/"), {}).status_code == 400
    assert auth_client.post(RESEND_URL.rstrip("/")).status_code == 202


# EMAIL_VERIFICATION_REQUIRED: an unverified user may read and manage the account, not act on others.


@pytest.fixture
def required(settings):
    settings.EMAIL_VERIFICATION_REQUIRED = True


def test_by_default_an_unverified_user_may_do_everything(auth_client, user, other_user):
    assert auth_client.post("/api/users/follow/", {"username": "theo"}).status_code == 200
    assert auth_client.patch("/api/users/profile/madeline", {"bio": "hi"}).status_code == 200


def test_when_required_an_unverified_user_may_not_act_on_others(required, auth_client, user, other_user):
    refused = auth_client.post("/api/users/follow/", {"username": "theo"})

    assert refused.status_code == 403
    assert refused.json() == {"detail": "Verify your e-mail address first.", "code": "email_not_verified"}
    assert auth_client.post("/api/users/unfollow/", {"username": "theo"}).status_code == 403
    assert auth_client.patch("/api/users/profile/madeline", {"bio": "hi"}).status_code == 403
    assert auth_client.post("/api/users/profile/madeline", {"bio": "hi"}).status_code == 403


def test_when_required_an_unverified_user_may_still_read_and_manage_the_account(
    required, api_client, auth_client, committed, user, other_user, password
):
    assert auth_client.get("/api/users/user/").status_code == 200
    assert auth_client.get("/api/users/theo").status_code == 200
    assert auth_client.get("/api/users/user/export/").status_code == 200
    assert committed(auth_client.post, RESEND_URL).status_code == 202
    login = api_client.post("/api/users/login/", {"username": "madeline", "password": password})
    assert login.status_code == 200
    changed = auth_client.post(
        "/api/users/password/", {"current_password": password, "new_password": "another-passphrase"}
    )
    assert changed.status_code == 200


def test_when_required_a_verified_user_may_act(required, auth_client, committed, user, other_user):
    committed(auth_client.post, RESEND_URL)
    auth_client.post(VERIFY_URL, {"key": verification_key(mail.outbox[0])})

    assert auth_client.post("/api/users/follow/", {"username": "theo"}).status_code == 200
    assert auth_client.patch("/api/users/profile/madeline", {"bio": "hi"}).status_code == 200


def test_when_required_registration_still_answers_a_token(required, api_client, committed):
    body = register(api_client, committed)

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api_client.get("/api/users/user/").json()["email_verified"] is False
