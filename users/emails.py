"""
The e-mails of the users app: the password reset link and the address verification link.

Each message has a plain-text and an HTML part, rendered from `users/templates/users/email/`, with a
link to the single-page frontend (FRONTEND_URL and the FRONTEND_*_PATH settings). A message leaves once
the transaction that asked for it commits, through Django's e-mail backend; with
EMAIL_SEND_IN_BACKGROUND on, a background thread talks to the mail server, so that no request waits
for it, nor shows by its duration whether a message was sent. A failed delivery is logged, never
turned into an error answer.
"""

import contextvars
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from users.models import User

logger = logging.getLogger(__name__)

SITE_NAME = "Overworld"
TEMPLATE_FOLDER = "users/email"
PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of message
EMAIL_VERIFICATION = "email_verification"

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def frontend_link(path: str, **values: str) -> str:
    """FRONTEND_URL + `path`, its `{name}` placeholders replaced (the values are URL-safe tokens)."""
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return settings.FRONTEND_URL + path


def duration_text(seconds: int) -> str:
    """How long a link works, for a reader: '1 hour', '3 days', '90 minutes'."""
    for unit, length in (("day", 24 * 60 * 60), ("hour", 60 * 60), ("minute", 60), ("second", 1)):
        if seconds >= length and seconds % length == 0:
            count = seconds // length
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def _message(*, kind: str, user: User, context: dict) -> EmailMultiAlternatives:
    context = {"site_name": SITE_NAME, "username": user.username, **context}
    # A subject is one line, whatever the template's line breaks.
    subject = " ".join(render_to_string(f"{TEMPLATE_FOLDER}/{kind}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{TEMPLATE_FOLDER}/{kind}.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string(f"{TEMPLATE_FOLDER}/{kind}.html", context), "text/html")
    return message


def password_reset_message(*, user: User, uid: str, token: str) -> EmailMultiAlternatives:
    link = frontend_link(settings.FRONTEND_PASSWORD_RESET_PATH, uid=uid, token=token)
    return _message(
        kind=PASSWORD_RESET,
        user=user,
        context={"link": link, "lifetime": duration_text(settings.PASSWORD_RESET_TIMEOUT)},
    )


def email_verification_message(*, user: User, key: str) -> EmailMultiAlternatives:
    link = frontend_link(settings.FRONTEND_EMAIL_VERIFICATION_PATH, key=key)
    return _message(
        kind=EMAIL_VERIFICATION,
        user=user,
        context={
            "link": link,
            "email": user.email,
            "lifetime": duration_text(settings.EMAIL_VERIFICATION_TIMEOUT),
        },
    )


def _deliver(message: EmailMultiAlternatives, kind: str, user_id: int) -> None:
    try:
        message.send()
    except Exception:
        # The client was answered long ago: the operator learns it from the log.
        logger.exception("e-mail not sent kind=%s user=%s", kind, user_id)
    else:
        logger.info("e-mail sent kind=%s user=%s", kind, user_id)


def _background() -> ThreadPoolExecutor:
    # Made on first use, so in each worker process after gunicorn forks it.
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="email")
        return _executor


def send(message: EmailMultiAlternatives, *, kind: str, user_id: int) -> None:
    """Sends `message` once the current transaction commits (at once outside a transaction)."""

    def hand_over() -> None:
        if settings.EMAIL_SEND_IN_BACKGROUND:
            # In the request's context, so the delivery's log line names the request's id.
            _background().submit(contextvars.copy_context().run, _deliver, message, kind, user_id)
        else:
            _deliver(message, kind, user_id)

    transaction.on_commit(hand_over)
