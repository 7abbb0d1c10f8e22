"""Writes of the users app: accounts, tokens, profiles and follows."""

import math
import re
import uuid
from typing import Literal

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.models import BaseUserManager
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from knox.crypto import hash_token
from knox.models import AuthToken, get_expiry
from knox.settings import CONSTANTS, knox_settings

from overworld.exceptions import ForbiddenError, TooManyAttemptsError
from users import emails, security
from users.models import Activity, Follow, User
from users.throttling import EmailAddressThrottle

# Every route under /api/users/ whose first segment could be mistaken for a username, and the ones
# planned there; a test checks that every route of users/urls.py is listed.
RESERVED_USERNAMES = frozenset(
    {
        "user",
        "users",
        "register",
        "login",
        "logout",
        "logoutall",
        "profile",
        "follow",
        "unfollow",
        "password",
        "email",
        "export",
        "me",
        "admin",
        "api",
        "static",
    }
)

DUPLICATE_USERNAME = "A user with that username already exists."
DUPLICATE_EMAIL = "A user with that email already exists."
INVALID_CREDENTIALS = "Incorrect username/password."
INCORRECT_PASSWORD = "Incorrect password."  # noqa: S105 - a message, not a password
PROFILE_FIELDS = ("username", "email", "bio", "location", "twitter", "use_gravatar")


RESERVED_USERNAME = "This username is reserved."


def _username_errors(*, username: str, instance: User | None = None) -> list[ValidationError]:
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as error:
        return error.error_list
    if username.lower() in RESERVED_USERNAMES:
        return [ValidationError(RESERVED_USERNAME, code="reserved")]
    taken = User.objects.with_username(username)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        return [ValidationError(DUPLICATE_USERNAME, code="unique")]
    return []


def _email_errors(*, email: str, instance: User | None = None) -> list[ValidationError]:
    taken = User.objects.with_email(email)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    return [ValidationError(DUPLICATE_EMAIL, code="unique")] if taken.exists() else []


def _password_errors(*, password: str, user: User) -> list[ValidationError]:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        return error.error_list
    return []


def _raise_for_integrity_error(error: IntegrityError) -> None:
    """Turns the unique-constraint violation of a lost race into the same error as the check."""
    message = str(error)
    if "username" in message:
        raise ValidationError({"username": [ValidationError(DUPLICATE_USERNAME, code="unique")]}) from error
    if "email" in message:
        raise ValidationError({"email": [ValidationError(DUPLICATE_EMAIL, code="unique")]}) from error
    raise error


def _raise_if_errors(errors: dict[str, list[ValidationError]]) -> None:
    errors = {field: field_errors for field, field_errors in errors.items() if field_errors}
    if errors:
        raise ValidationError(errors)


def user_register(*, username: str, email: str, password: str) -> User:
    """
    Creates an account, applying every rule: username shape, reserved names, case-insensitive
    uniqueness of username and e-mail, and the password validators. A verification link is mailed
    to the address once the account exists.

    Two concurrent registrations of one name are settled by the database's unique index: the loser
    gets the same field error as a sequential duplicate.
    """
    email = BaseUserManager.normalize_email(email)
    user = User(username=username, email=email)
    _raise_if_errors(
        {
            "username": _username_errors(username=username),
            "email": _email_errors(email=email),
            "password": _password_errors(password=password, user=user),
        }
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        _raise_for_integrity_error(error)
    _email_verification_offer(user=user)
    return user


def user_authenticate(*, request: HttpRequest | None, username: str, password: str) -> User:
    """
    Checks credentials. An unknown user, a wrong password and a deactivated account get the same
    error, and Django's backend hashes the password even for an unknown user, so neither the
    answer nor its timing tells whether an account exists.
    """
    security.login_lockout_check(request=request, username=username)
    user = authenticate(request, username=username, password=password)
    if user is None:
        security.login_failure_record(request=request, username=username)
        raise ValidationError(INVALID_CREDENTIALS, code="invalid_credentials")
    security.login_failures_clear(request=request, username=username)
    security.security_log.info("login succeeded user=%s client=%s", user.pk, security.client_address(request))
    return user


# knox's own tokens (64 hex characters), or UUIDs for the Azuma routes, whose seed types tokens so.
TokenKind = Literal["knox", "uuid"]


def token_create(*, user: User, request: HttpRequest | None = None, kind: TokenKind = "knox") -> str:
    """
    Issues a new token for `user` and returns its only clear-text copy. Past TOKEN_LIMIT_PER_USER
    tokens, the oldest are revoked: a new login is never refused.

    `kind="uuid"`: the token is a canonical, lower-case UUID4 (122 random bits from the operating
    system), the type the Azuma seed gives it. It is a knox token like the others: stored only as
    knox's digest of it, with the same expiry, limit and revocation, accepted on every route.
    """
    with transaction.atomic():
        if kind == "uuid":
            token = str(uuid.uuid4())
            digest = hash_token(token)
            AuthToken(
                digest=digest,
                # Knox keeps a token's first characters in clear to find it by; for a UUID that would
                # give away 48 of its 122 random bits, and tokens are found by their digest here.
                token_key=digest[: CONSTANTS.TOKEN_KEY_LENGTH],
                user=user,
                expiry=get_expiry(knox_settings.TOKEN_TTL),
            ).save(force_insert=True)
        else:
            _, token = AuthToken.objects.create(user=user)
        surplus = AuthToken.objects.filter(user=user).order_by("-created", "-pk")[
            settings.TOKEN_LIMIT_PER_USER :
        ]
        AuthToken.objects.filter(pk__in=list(surplus.values_list("pk", flat=True))).delete()
    user_logged_in.send(sender=User, request=request, user=user)
    return token


def token_revoke(*, token: AuthToken, request: HttpRequest | None = None) -> None:
    user = token.user
    token.delete()
    security.security_log.info("logout user=%s client=%s", user.pk, security.client_address(request))
    user_logged_out.send(sender=User, request=request, user=user)


def token_revoke_all(*, user: User, request: HttpRequest | None = None) -> None:
    """Logs the user out everywhere: every token of theirs stops working."""
    AuthToken.objects.filter(user=user).delete()
    security.security_log.info(
        "logout everywhere user=%s client=%s", user.pk, security.client_address(request)
    )
    user_logged_out.send(sender=User, request=request, user=user)


def _check_current_password(*, user: User, password: str, field: str) -> None:
    if not user.check_password(password):
        raise ValidationError({field: [ValidationError(INCORRECT_PASSWORD, code="incorrect_password")]})


def user_profile_update(*, user: User, actor: User, data: dict) -> User:
    """
    Updates the profile fields present in `data` (any of PROFILE_FIELDS; anything else is
    ignored). Only the owner may do it; a new username or e-mail keeps every rule of registration.
    A new e-mail address is unverified, and gets a verification link.
    """
    if actor.pk != user.pk:
        raise ForbiddenError("You can only edit your own profile.")
    changes = {field: data[field] for field in PROFILE_FIELDS if field in data}
    if not changes:
        return user
    if "email" in changes:
        changes["email"] = BaseUserManager.normalize_email(changes["email"])
    _raise_if_errors(
        {
            "username": _username_errors(username=changes["username"], instance=user)
            if "username" in changes
            else [],
            "email": _email_errors(email=changes["email"], instance=user) if "email" in changes else [],
        }
    )
    email_changed = "email" in changes and changes["email"].lower() != user.email.lower()
    if email_changed:
        # A new address is unverified until its owner follows the link sent to it.
        changes["email_verified"] = False
    for field, value in changes.items():
        setattr(user, field, value)
    try:
        with transaction.atomic():
            user.save(update_fields=list(changes))
    except IntegrityError as error:
        _raise_for_integrity_error(error)
    if email_changed:
        _email_verification_offer(user=user)
    return user


def user_password_set(
    *,
    user: User,
    password: str,
    keep_token: AuthToken | None = None,
    request: HttpRequest | None = None,
    field: str = "password",
) -> None:
    """
    Changes the password after the password validators, and revokes every token of the user but
    `keep_token` (the one the change was made with), so a stolen session ends with the change.
    """
    _raise_if_errors({field: _password_errors(password=password, user=user)})
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        tokens = AuthToken.objects.filter(user=user)
        if keep_token is not None:
            tokens = tokens.exclude(pk=keep_token.pk)
        tokens.delete()
    security.security_log.info(
        "password changed user=%s client=%s", user.pk, security.client_address(request)
    )


def user_password_change(
    *, user: User, current_password: str, new_password: str, request: HttpRequest | None = None
) -> str:
    """
    The user's own password change: the current password must be right. Every token of the user
    is revoked, and a fresh one is returned for the client that made the change.
    """
    _check_current_password(user=user, password=current_password, field="current_password")
    with transaction.atomic():
        user_password_set(user=user, password=new_password, request=request, field="new_password")
        return token_create(user=user, request=request)


def user_delete(*, user: User, password: str, request: HttpRequest | None = None) -> None:
    """
    Deletes the account and everything it owns (follows both ways, shelves, tokens: the database
    cascades), once the password confirms it.
    """
    _check_current_password(user=user, password=password, field="password")
    user_id = user.pk
    user.delete()
    security.security_log.info("account deleted user=%s client=%s", user_id, security.client_address(request))


def user_deactivate(*, user: User) -> None:
    """Deactivates an account (staff moderation): it can no longer log in, and its tokens are revoked."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        AuthToken.objects.filter(user=user).delete()


def user_reactivate(*, user: User) -> None:
    """Reactivates a deactivated account (staff moderation): it may log in again; no old token returns."""
    user.is_active = True
    user.save(update_fields=["is_active"])


def user_account_update(
    *,
    user: User,
    username: str | None = None,
    password: str | None = None,
    keep_token: AuthToken | None = None,
    request: HttpRequest | None = None,
) -> User:
    """
    A new username and/or password, checked together and applied together: when either is refused,
    nothing changes.
    """
    candidate = User(pk=user.pk, username=username or user.username, email=user.email)
    _raise_if_errors(
        {
            "username": _username_errors(username=username, instance=user) if username is not None else [],
            "password": _password_errors(password=password, user=candidate) if password is not None else [],
        }
    )
    with transaction.atomic():
        if username is not None:
            user_profile_update(user=user, actor=user, data={"username": username})
        if password is not None:
            user_password_set(user=user, password=password, keep_token=keep_token, request=request)
    return user


def user_follow(*, follower: User, followed: User) -> Follow:
    """Makes `follower` follow `followed`. Following twice (or twice at once) is one follow."""
    if follower.pk == followed.pk:
        raise ValidationError({"username": ["You cannot follow yourself."]})
    # Inserted at once, rather than looked for first (a follow is nearly always new): the unique
    # constraint on (follower, followed) says when it already exists, or a simultaneous one won.
    try:
        with transaction.atomic():
            follow = Follow.objects.create(follower=follower, followed=followed)
            activity_record(actor=follower, verb=Activity.Verb.FOLLOWED, target=followed)
    except IntegrityError:
        follow = Follow.objects.filter(follower=follower, followed=followed).first()
        if follow is None:
            raise  # not a duplicate (the user followed was just deleted, say)
    return follow


def user_unfollow(*, follower: User, followed: User) -> None:
    """Ends a follow; unfollowing someone you don't follow changes nothing."""
    with transaction.atomic():
        Follow.objects.filter(follower=follower, followed=followed).delete()
        activity_remove(actor=follower, verb=Activity.Verb.FOLLOWED, target=followed)


def activity_record(*, actor: User, verb: str, **subject) -> Activity:
    """Publishes an event of `actor`'s activity (`subject`: game, target, journal_entry, shelf, rating)."""
    return Activity.objects.create(actor=actor, verb=verb, **subject)


def activity_remove(*, actor: User, verb: str, **subject) -> None:
    """Withdraws the events of an act that was undone."""
    Activity.objects.filter(actor=actor, verb=verb, **subject).delete()


# Password reset and e-mail verification; users/emails.py renders and sends the messages.

PASSWORD_RESET_INVALID = "This password reset link is invalid or has expired."  # noqa: S105 - a message
EMAIL_VERIFICATION_INVALID = "This verification link is invalid or has expired."
EMAIL_ALREADY_VERIFIED = "Your e-mail address is already verified."
TOO_MANY_EMAILS = "Too many e-mails were asked for this address; try again later."
_EMAIL_VERIFICATION_SALT = "users.services.email-verification"
# The decoded uid of a reset link: a user id (bounded, so that no lookup overflows an integer column).
_USER_ID_PATTERN = re.compile(r"[0-9]{1,18}")


def _email_address_quota_take(*, address: str) -> None:
    """Counts a message to `address` (THROTTLE_EMAIL_ADDRESS); TooManyAttemptsError past the rate."""
    throttle = EmailAddressThrottle(address)
    if not throttle.allow_request(None, None):
        raise TooManyAttemptsError(
            TOO_MANY_EMAILS, retry_after=max(1, math.ceil(throttle.wait() or 1)), code="too_many_emails"
        )


def password_reset_uid(*, user: User) -> str:
    """The `uid` of a reset link, as Django's own reset views make it."""
    return urlsafe_base64_encode(force_bytes(user.pk))


def _password_reset_user_id(uid: str) -> int | None:
    try:
        decoded = urlsafe_base64_decode(uid).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
    return int(decoded) if _USER_ID_PATTERN.fullmatch(decoded) else None


def user_password_reset_request(*, email: str, request: HttpRequest | None = None) -> None:
    """
    Mails a password reset link to the active account with this address, if there is one. Nothing
    tells whether there is: the caller answers the same either way, an unknown address runs the same
    query and counts against the same per-address limit, and the message leaves after the response
    (users/emails.py), so that its delivery does not show in the timing either.
    """
    _email_address_quota_take(address=email)
    user = User.objects.with_email(email).filter(is_active=True).first()
    client = security.client_address(request)
    if user is None or not user.has_usable_password():
        security.security_log.info("password reset asked for no account client=%s", client)
        return
    token = default_token_generator.make_token(user)
    message = emails.password_reset_message(user=user, uid=password_reset_uid(user=user), token=token)
    emails.send(message, kind=emails.PASSWORD_RESET, user_id=user.pk)
    security.security_log.info("password reset asked user=%s client=%s", user.pk, client)


def user_password_reset_confirm(
    *, uid: str, token: str, new_password: str, request: HttpRequest | None = None
) -> User:
    """
    Sets a new password with the `uid` and `token` of a reset link. The token is Django's: it dies
    after PASSWORD_RESET_TIMEOUT seconds and as soon as the password, the address or the last login
    changes, so it works once. The new password passes the validators like any other, and every
    token of the user is revoked. Following the link proves the mailbox is the user's: the address
    becomes verified.
    """
    user_id = _password_reset_user_id(uid)
    with transaction.atomic():
        # Locked: two requests with one link cannot both pass the check before either changes it.
        users = User.objects.select_for_update().filter(pk=user_id, is_active=True)
        user = users.first() if user_id is not None else None
        if user is None or not default_token_generator.check_token(user, token):
            raise ValidationError({"token": [ValidationError(PASSWORD_RESET_INVALID, code="invalid_token")]})
        user_password_set(user=user, password=new_password, request=request, field="new_password")
        if not user.email_verified:
            user.email_verified = True
            user.save(update_fields=["email_verified"])
    security.security_log.info("password reset user=%s client=%s", user.pk, security.client_address(request))
    return user


def _email_verification_signer() -> signing.TimestampSigner:
    # "." rather than ":" between the parts: the key travels in a URL path.
    return signing.TimestampSigner(salt=_EMAIL_VERIFICATION_SALT, sep=".")


def _email_fingerprint(email: str) -> str:
    # Binds a key to one address without writing the address into the key (links end up in logs).
    return salted_hmac(_EMAIL_VERIFICATION_SALT, email.lower()).hexdigest()[:32]


def email_verification_key(*, user: User) -> str:
    """The key of a link verifying the user's current address: signed, dated, bound to the address."""
    return _email_verification_signer().sign_object([user.pk, _email_fingerprint(user.email)])


def _email_verification_mail(*, user: User) -> None:
    message = emails.email_verification_message(user=user, key=email_verification_key(user=user))
    emails.send(message, kind=emails.EMAIL_VERIFICATION, user_id=user.pk)


def _email_verification_offer(*, user: User) -> None:
    """
    The verification message of a registration or an address change. Within the per-address limit
    only: a refused message does not refuse the account or the change (the user can ask again).
    """
    try:
        _email_address_quota_take(address=user.email)
    except TooManyAttemptsError:
        security.security_log.warning("verification e-mail not sent: address limit user=%s", user.pk)
        return
    _email_verification_mail(user=user)


def user_email_verification_send(*, user: User) -> None:
    """Mails the user a new verification link, within the per-address limit."""
    if user.email_verified:
        raise ValidationError(EMAIL_ALREADY_VERIFIED, code="already_verified")
    _email_address_quota_take(address=user.email)
    _email_verification_mail(user=user)


def user_email_verify(*, key: str) -> User:
    """
    Marks the address verified with the key of a verification link. A key works for
    EMAIL_VERIFICATION_TIMEOUT seconds and only while the account has the address it was sent to;
    using it again changes nothing.
    """
    try:
        payload = _email_verification_signer().unsign_object(key, max_age=settings.EMAIL_VERIFICATION_TIMEOUT)
    except signing.BadSignature:  # SignatureExpired included
        payload = None
    user = None
    if (
        isinstance(payload, list)
        and len(payload) == 2
        and isinstance(payload[0], int)
        and isinstance(payload[1], str)
    ):
        user = User.objects.filter(pk=payload[0], is_active=True).first()
    if user is None or not constant_time_compare(_email_fingerprint(user.email), payload[1]):
        raise ValidationError({"key": [ValidationError(EMAIL_VERIFICATION_INVALID, code="invalid_key")]})
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
        security.security_log.info("e-mail verified user=%s", user.pk)
    return user
