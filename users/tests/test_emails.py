"""The messages (users/emails.py): their parts and links, how they leave, and a real SMTP delivery."""

import email
import email.policy
import logging
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from rest_framework.test import APIClient

from users import emails, services
from users.tests.factories import UserFactory
from users.tests.mailbox import FRONTEND_URL, RESET_LINK

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(3600, "1 hour"), (259200, "3 days"), (5400, "90 minutes"), (86400, "1 day"), (90, "90 seconds")],
)
def test_duration_text(seconds, text):
    assert emails.duration_text(seconds) == text


def test_a_reset_message_has_a_text_and_an_html_part_with_the_link(user):
    message = emails.password_reset_message(user=user, uid="MQ", token="abc-123")

    link = f"{FRONTEND_URL}/reset-password/MQ/abc-123"
    assert message.to == ["madeline@example.com"]
    assert link in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "<html" in html
    assert "<" not in message.body


def test_the_frontend_paths_are_settings(user, settings):
    settings.FRONTEND_PASSWORD_RESET_PATH = "/account/reset?uid={uid}&token={token}"
    settings.FRONTEND_EMAIL_VERIFICATION_PATH = "/account/verify?key={key}"

    reset = emails.password_reset_message(user=user, uid="MQ", token="abc-123")
    verification = emails.email_verification_message(user=user, key="the-key")

    # As typed in the text part; escaped as HTML wants it in the HTML part.
    assert f"{FRONTEND_URL}/account/reset?uid=MQ&token=abc-123" in reset.body
    assert f"{FRONTEND_URL}/account/reset?uid=MQ&amp;token=abc-123" in reset.alternatives[0][0]
    assert f"{FRONTEND_URL}/account/verify?key=the-key" in verification.body


def test_user_input_is_escaped_in_the_html_part(db):
    user = UserFactory(email='"<b>"@example.com')

    message = emails.email_verification_message(user=user, key="k")

    assert "<b>" not in message.alternatives[0][0]
    assert '"<b>"@example.com' in message.body


class RecordingBackend(BaseEmailBackend):
    """Notes which thread sent each message."""

    threads: list[str] = []
    sent = threading.Event()

    def send_messages(self, email_messages):
        RecordingBackend.threads.append(threading.current_thread().name)
        RecordingBackend.sent.set()
        return len(email_messages)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


def test_a_message_leaves_on_commit(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.user_email_verification_send(user=user)

        assert mail.outbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_in_the_background_a_thread_sends(user, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = f"{__name__}.RecordingBackend"
    settings.EMAIL_SEND_IN_BACKGROUND = True
    RecordingBackend.threads.clear()
    RecordingBackend.sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.user_email_verification_send(user=user)

    assert RecordingBackend.sent.wait(timeout=10)
    assert RecordingBackend.threads[0].startswith("email")


def test_a_failed_delivery_is_logged_and_the_client_is_answered(user, settings, committed, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"

    with caplog.at_level(logging.ERROR, logger="users.emails"):
        response = committed(
            APIClient().post, "/api/users/password/reset/", {"email": "madeline@example.com"}
        )

    assert response.status_code == 202
    [record] = caplog.records
    assert record.getMessage() == f"e-mail not sent kind=password_reset user={user.pk}"
    assert "madeline@example.com" not in caplog.text


# A real SMTP server on loopback: the message as it arrives, read like a mail client would.


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.arrived.set()
        return "250 Message accepted for delivery"


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    """An SMTP server on a free 127.0.0.1 port, and the settings that send through it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_loopback_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    # As in production: the message leaves from a background thread after the answer.
    settings.EMAIL_SEND_IN_BACKGROUND = True
    yield inbox
    controller.stop()


def test_a_reset_link_delivered_over_smtp_resets_the_password(smtp_inbox, committed, user):
    client = APIClient()

    response = committed(client.post, "/api/users/password/reset/", {"email": "madeline@example.com"})

    assert response.status_code == 202
    assert smtp_inbox.arrived.wait(timeout=10), "no message reached the SMTP server"
    [message] = smtp_inbox.messages
    assert message["To"] == "madeline@example.com"
    assert message["Subject"] == "Reset your Overworld password"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    link = RESET_LINK.search(text)
    assert link, text
    assert link.group(0) in html

    confirmed = client.post(
        "/api/users/password/reset/confirm/",
        {"uid": link["uid"], "token": link["token"], "new_password": "delivered-by-smtp"},
    )

    assert confirmed.status_code == 204
    user.refresh_from_db()
    assert user.check_password("delivered-by-smtp")
    assert mail.outbox == []
