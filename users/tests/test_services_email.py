"""The rules of password reset and e-mail verification, at the service level."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from rest_framework.throttling import SimpleRateThrottle

from users import services
from users.models import User
from users.tests.mailbox import reset_payload, verification_key

pytestmark = pytest.mark.django_db


def test_a_reset_request_for_an_unknown_address_sends_nothing(committed, user):
    assert committed(services.user_password_reset_request, email="nobody@example.com") is None

    assert mail.outbox == []


@pytest.mark.parametrize("address", ["madeline@example.com", "nobody@example.com"])
def test_a_reset_request_past_the_address_limit_sends_nothing_silently(committed, user, monkeypatch, address):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "email_address", "1/hour")
    committed(services.user_password_reset_request, email=address)

    committed(services.user_password_reset_request, email=address.upper())

    assert len(mail.outbox) == (1 if address.startswith("madeline") else 0)


def test_a_reset_confirm_with_a_bad_token_says_so_on_token(user):
    with pytest.raises(ValidationError) as error:
        services.user_password_reset_confirm(
            uid=services.password_reset_uid(user=user), token="1-abc", new_password="a-new-passphrase"
        )

    assert error.value.message_dict == {"token": ["This password reset link is invalid or has expired."]}
    assert error.value.error_dict["token"][0].code == "invalid_token"


def test_a_reset_confirm_returns_the_user_with_a_verified_address(committed, user):
    committed(services.user_password_reset_request, email="madeline@example.com")

    reset = services.user_password_reset_confirm(**reset_payload(mail.outbox[0], "a-new-passphrase"))

    assert reset == user
    assert User.objects.get(pk=user.pk).email_verified


def test_a_verification_key_is_bound_to_the_user_and_the_address(user, other_user):
    key = services.email_verification_key(user=user)

    assert "madeline" not in key
    assert key != services.email_verification_key(user=other_user)
    User.objects.filter(pk=user.pk).update(email="moved@example.com")
    with pytest.raises(ValidationError):
        services.user_email_verify(key=key)


def test_verify_marks_the_address_verified(user):
    verified = services.user_email_verify(key=services.email_verification_key(user=user))

    assert verified.email_verified
    assert User.objects.get(pk=user.pk).email_verified


def test_resend_for_a_verified_address_is_refused(user):
    user.email_verified = True

    with pytest.raises(ValidationError) as error:
        services.user_email_verification_send(user=user)

    assert error.value.code == "already_verified"


def test_registration_mails_a_verification_link_that_works(committed):
    user = committed(
        services.user_register, username="granny", email="granny@example.com", password="xyz-long-pass"
    )

    assert not user.email_verified
    services.user_email_verify(key=verification_key(mail.outbox[0]))
    assert User.objects.get(pk=user.pk).email_verified


def test_an_address_change_waits_for_its_confirmation(committed, user):
    User.objects.filter(pk=user.pk).update(email_verified=True)
    user.refresh_from_db()

    committed(services.user_profile_update, user=user, actor=user, data={"email": "new@example.com"})

    stored = User.objects.get(pk=user.pk)
    assert (stored.email, stored.email_verified, stored.pending_email) == (
        "madeline@example.com",
        True,
        "new@example.com",
    )
    assert [message.to for message in mail.outbox] == [["new@example.com"], ["madeline@example.com"]]

    services.user_email_verify(key=services.email_change_key(user=stored))

    stored.refresh_from_db()
    assert (stored.email, stored.email_verified, stored.pending_email) == ("new@example.com", True, "")


def test_an_address_change_past_the_limit_is_asked_without_its_confirmation(committed, user, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "email_address", "1/hour")
    services.user_password_reset_request(email="new@example.com")

    committed(services.user_profile_update, user=user, actor=user, data={"email": "new@example.com"})

    assert User.objects.get(pk=user.pk).pending_email == "new@example.com"
    assert [message.to for message in mail.outbox] == [["madeline@example.com"]]
