"""
A stolen token is not an account: password changes need a recent login or the current password,
address changes wait for the new address's confirmation, logging out everywhere ends browser
sessions; account edits are throttled per user.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from users import services
from users.models import User
from users.tests.mailbox import reset_payload, verification_key

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def later():
    """The clock 11 minutes on: the tokens made before are no longer a recent login."""
    with time_machine.travel(timezone.now(), tick=False) as clock:

        def shift():
            clock.shift(timedelta(minutes=11))

        yield shift


# Password changes through Azuma's update.


def test_the_azuma_register_then_update_flow_still_works(api_client):
    token = api_client.post(
        "/users", {"name": "azuma", "email": "azuma@example.com", "password": "a-long-passphrase"}
    ).json()["token"]

    response = token_client(token).patch("/user/update", {"password": NEW_PASSWORD})

    assert response.status_code == 200
    assert User.objects.get(username="azuma").check_password(NEW_PASSWORD)


def test_a_password_change_with_an_old_token_and_no_current_password_is_403(user, password, later):
    token = services.token_create(user=user)
    later()

    response = token_client(token).patch("/user/update", {"password": NEW_PASSWORD})

    assert response.status_code == 403
    assert response.json()["message"] == "FORBIDDEN"
    assert response.json()["code"] == "reauthentication_required"
    user.refresh_from_db()
    assert user.check_password(password)


def test_the_current_password_allows_a_change_with_an_old_token(user, password, later):
    token = services.token_create(user=user)
    later()
    client = token_client(token)

    wrong = client.patch("/user/update", {"password": NEW_PASSWORD, "current_password": "not-it"})
    right = client.patch("/user/update", {"password": NEW_PASSWORD, "current_password": password})

    assert wrong.status_code == 400
    assert right.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_fresh_login_allows_the_change(api_client, user, password, later):
    later()
    token = api_client.post("/user/login", {"name": "madeline", "password": password}).json()["token"]

    assert token_client(token).patch("/user/update", {"password": NEW_PASSWORD}).status_code == 200


def test_a_rename_alone_needs_no_password(user, later):
    token = services.token_create(user=user)
    later()

    assert token_client(token).patch("/user/update", {"name": "madeline2"}).status_code == 200


def test_the_overworld_password_change_still_needs_the_current_password(auth_client):
    response = auth_client.post("/api/users/password/", {"new_password": NEW_PASSWORD})

    assert response.status_code == 400
    assert "current_password" in response.json()


# E-mail address changes.


@pytest.fixture
def change_asked(auth_client, committed, user):
    User.objects.filter(pk=user.pk).update(email_verified=True)
    response = committed(auth_client.patch, "/api/users/profile/madeline", {"email": "thief@example.net"})
    assert response.status_code == 200
    return response


def test_a_new_address_waits_for_confirmation_and_the_owner_sees_it(change_asked, auth_client, api_client):
    assert (change_asked.json()["email"], change_asked.json()["pending_email"]) == (
        "madeline@example.com",
        "thief@example.net",
    )
    me = auth_client.get("/api/users/user/").json()
    assert (me["email"], me["email_verified"], me["pending_email"]) == (
        "madeline@example.com",
        True,
        "thief@example.net",
    )
    own_profile = auth_client.get("/api/users/madeline").json()
    assert own_profile["pending_email"] == "thief@example.net"
    assert "pending_email" not in api_client.get("/api/users/madeline").json()
    assert User.objects.get(username="madeline").email == "madeline@example.com"


def test_the_current_address_is_told_and_the_new_one_gets_the_link(change_asked):
    by_address = {message.to[0]: message for message in mail.outbox}

    assert set(by_address) == {"madeline@example.com", "thief@example.net"}
    notice = by_address["madeline@example.com"]
    assert "thief@example.net" in notice.body
    assert "change your password" in notice.body
    assert "/verify-email/" in by_address["thief@example.net"].body


def test_resets_go_to_the_confirmed_address_only(change_asked, api_client, committed):
    mail.outbox.clear()

    committed(api_client.post, "/api/users/password/reset/", {"email": "thief@example.net"})
    assert mail.outbox == []

    committed(api_client.post, "/api/users/password/reset/", {"email": "madeline@example.com"})
    assert [message.to for message in mail.outbox] == [["madeline@example.com"]]


def test_the_link_makes_the_new_address_the_accounts(change_asked, api_client, committed):
    link = next(message for message in mail.outbox if message.to == ["thief@example.net"])
    mail.outbox.clear()

    response = api_client.post("/api/users/email/verify/", {"key": verification_key(link)})

    assert response.status_code == 200
    user = User.objects.get(username="madeline")
    assert (user.email, user.email_verified, user.pending_email) == ("thief@example.net", True, "")
    assert api_client.post("/api/users/email/verify/", {"key": verification_key(link)}).status_code == 200
    committed(api_client.post, "/api/users/password/reset/", {"email": "thief@example.net"})
    assert [message.to for message in mail.outbox] == [["thief@example.net"]]
    assert reset_payload(mail.outbox[0], NEW_PASSWORD)["uid"]


def test_sending_the_current_address_again_keeps_the_pending_change(change_asked, auth_client):
    # The original web client's settings page posts every field, the current address included.
    response = auth_client.post(
        "/api/users/profile/madeline", {"email": "madeline@example.com", "bio": "Climbing."}
    )

    assert response.json()["pending_email"] == "thief@example.net"


@pytest.mark.parametrize("takeback", ["password", "logoutall"])
def test_the_owner_taking_the_account_back_cancels_the_change(
    change_asked, auth_client, api_client, password, takeback
):
    link = next(message for message in mail.outbox if message.to == ["thief@example.net"])
    if takeback == "password":
        auth_client.post("/api/users/password/", {"current_password": password, "new_password": NEW_PASSWORD})
    else:
        auth_client.post("/api/users/logoutall/")

    assert api_client.post("/api/users/email/verify/", {"key": verification_key(link)}).status_code == 400
    user = User.objects.get(username="madeline")
    assert (user.email, user.pending_email) == ("madeline@example.com", "")


def test_an_address_taken_meanwhile_is_refused_at_confirmation(change_asked, api_client):
    link = next(message for message in mail.outbox if message.to == ["thief@example.net"])
    api_client.post(
        "/api/users/register/",
        {"username": "other", "email": "Thief@example.net", "password": "a-long-passphrase"},
    )

    response = api_client.post("/api/users/email/verify/", {"key": verification_key(link)})

    assert response.status_code == 400
    assert User.objects.get(username="madeline").email == "madeline@example.com"


def test_resend_sends_the_pending_confirmation_again(change_asked, auth_client, committed):
    mail.outbox.clear()

    assert committed(auth_client.post, "/api/users/email/verify/resend/").status_code == 202

    assert [message.to for message in mail.outbox] == [["thief@example.net"]]


# Logging out everywhere, and password changes, end browser sessions too.


@pytest.fixture
def session(client, user, password):
    response = client.post("/api-auth/login/", {"username": "madeline", "password": password})
    assert response.status_code == 302
    assert client.get("/api/users/user/").status_code == 200
    return client


def test_logout_everywhere_ends_browsable_api_sessions(session, auth_client):
    assert auth_client.post("/api/users/logoutall/").status_code == 204

    assert session.get("/api/users/user/").status_code in (401, 403)


def test_a_password_change_ends_browsable_api_sessions(session, auth_client, password):
    response = auth_client.post(
        "/api/users/password/", {"current_password": password, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 200

    assert session.get("/api/users/user/").status_code in (401, 403)


def test_an_azuma_password_change_ends_browsable_api_sessions(session, auth_client):
    assert auth_client.patch("/user/update", {"password": NEW_PASSWORD}).status_code == 200

    assert session.get("/api/users/user/").status_code in (401, 403)


def test_a_plain_logout_leaves_sessions_alone(session, auth_client):
    assert auth_client.post("/api/users/logout/").status_code == 204

    assert session.get("/api/users/user/").status_code == 200


# Per-user throttle on account edits.


def test_profile_and_account_edits_are_throttled_per_user(auth_client, user, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "account_edit", "3/hour")
    for index in range(2):
        assert auth_client.patch("/api/users/profile/madeline", {"bio": f"try {index}"}).status_code == 200
    assert auth_client.patch("/user/update", {"name": "madeline"}).status_code == 200

    refused = auth_client.patch(
        "/api/users/profile/madeline", {"email": "taken@example.com"}, REMOTE_ADDR="1.2.3.4"
    )

    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert auth_client.patch("/user/update", {"name": "madeline"}).status_code == 429
    assert auth_client.get("/api/users/madeline").status_code == 200


def test_the_account_edit_throttle_counts_each_user_apart(auth_client, other_user, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "account_edit", "1/hour")
    assert auth_client.patch("/api/users/profile/madeline", {"bio": "one"}).status_code == 200
    other = token_client(services.token_create(user=other_user))

    assert other.patch("/api/users/profile/theo", {"bio": "one"}).status_code == 200


# The Azuma rename and e-mail verification.


def test_when_verification_is_required_an_azuma_rename_needs_a_verified_address(auth_client, user, settings):
    settings.EMAIL_VERIFICATION_REQUIRED = True

    refused = auth_client.patch("/user/update", {"name": "madeline2"})

    assert refused.status_code == 403
    assert (refused.json()["message"], refused.json()["code"]) == ("FORBIDDEN", "email_not_verified")
    assert User.objects.filter(username="madeline").exists()
    assert auth_client.patch("/user/update", {"password": NEW_PASSWORD}).status_code == 200
    User.objects.filter(pk=user.pk).update(email_verified=True)
    assert auth_client.patch("/user/update", {"name": "madeline2"}).status_code == 200
