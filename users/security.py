"""
Defences of the credential endpoints: who the client is, the login lockout, the security log.

Every password login (the API's, Azuma's, the admin's and the browsable API's) authenticates through
`users.backends.GuardedModelBackend`, which calls `login_attempt_begin` before it checks a password and
`login_failure_record` / `login_success_record` after: one lockout and one log for every way in.

The lockout counts login attempts per (client address, username) in the default cache, which every
worker process shares (Redis in production). An attempt is counted (an atomic increment) *before* its
password is checked, and a success clears the count: however many guesses arrive at once, at most
LOGIN_LOCKOUT_ATTEMPTS of them are checked in a window.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from overworld.exceptions import TooManyAttemptsError
from overworld.throttling import client_address

__all__ = [
    "client_address",
    "lockout_clear",
    "login_attempt_begin",
    "login_failure_record",
    "login_success_record",
    "security_log",
    "username_digest",
]

security_log = logging.getLogger("overworld.security")

_USERNAME_DIGEST_SALT = "users.security.username"


def username_digest(username: str) -> str:
    """
    A short keyed hash of a typed username, for the log: a password typed into the username field
    must not land there in clear. The same name (in any letter case) always gives the same digest,
    so repeated attempts still show; staff compute a name's digest with this function.
    """
    return salted_hmac(_USERNAME_DIGEST_SALT, username.lower(), algorithm="sha256").hexdigest()[:12]


def _lockout_keys(client: str, username: str) -> tuple[str, str]:
    # Hashed: a username is user input of any length and content, unfit for a cache key as such.
    subject = hashlib.sha256(f"{client}\n{username.lower()}".encode()).hexdigest()
    return f"login-failures:{subject}", f"login-failures-since:{subject}"


def login_attempt_begin(*, request: HttpRequest | None, username: str) -> None:
    """
    Counts a login attempt for `username` from this client before its password is checked, and
    raises TooManyAttemptsError when it is past LOGIN_LOCKOUT_ATTEMPTS in the window (counted from
    the first attempt). The increment is atomic: concurrent attempts each get their own number.
    """
    client = client_address(request)
    count_key, since_key = _lockout_keys(client, username)
    window = settings.LOGIN_LOCKOUT_WINDOW_SECONDS
    now = time.time()
    cache.add(since_key, now, timeout=window)
    since = cache.get(since_key, now)
    if since + window <= now:
        # The window has passed by the clock (a cache's own expiry may lag): a new one starts.
        cache.set_many({since_key: now, count_key: 0}, timeout=window)
        since = now
    cache.add(count_key, 0, timeout=window)
    try:
        attempts = cache.incr(count_key)
    except ValueError:
        # The count expired between add and incr: this attempt starts a new window.
        cache.set_many({since_key: now, count_key: 1}, timeout=window)
        since, attempts = now, 1
    remaining = since + window - now
    # Some backends' incr resets the expiry to the default: the count lives as long as its window.
    cache.touch(count_key, timeout=max(1, math.ceil(remaining)))
    if attempts <= settings.LOGIN_LOCKOUT_ATTEMPTS:
        return
    security_log.warning(
        "login locked out login=%s client=%s retry_after=%d", username_digest(username), client, remaining
    )
    raise TooManyAttemptsError(
        "Too many failed logins for this account.", retry_after=math.ceil(remaining), code="login_locked"
    )


def login_failure_record(*, request: HttpRequest | None, username: str, user_id: int | None) -> None:
    """Logs a failed login (its attempt already counts): by user id, or the digest of an unknown name."""
    client = client_address(request)
    _client_index_add(client, username)
    who = f"user={user_id}" if user_id is not None else "user=unknown"
    security_log.info("login failed %s login=%s client=%s", who, username_digest(username), client)


def login_success_record(*, request: HttpRequest | None, username: str, user_id: int) -> None:
    """Clears this client's count for `username`, and logs the login."""
    client = client_address(request)
    cache.delete_many(list(_lockout_keys(client, username)))
    security_log.info("login succeeded user=%s client=%s", user_id, client)


def lockout_clear(*, username: str, client: str | None = None) -> int:
    """
    Ends the lockout of `username` (any letter case): from one client address, or, without
    `client`, from every client its recent failures came from. Returns how many counts were cleared.
    For staff (the admin) and support scripts; a successful login clears its own count.
    """
    index_key = _client_index_key(username)
    clients = [client] if client is not None else cache.get(index_key) or []
    cleared = 0
    for seen in clients:
        count_key, since_key = _lockout_keys(seen, username)
        cleared += int(count_key in cache.get_many([count_key]))
        cache.delete_many([count_key, since_key])
    if client is None:
        cache.delete(index_key)
    security_log.info("lockout cleared login=%s client=%s", username_digest(username), client or "all")
    return cleared


def _client_index_key(username: str) -> str:
    return "login-clients:" + hashlib.sha256(username.lower().encode()).hexdigest()


# The clients a username's recent failures came from, most recent last, so that a lockout can be
# cleared for every client at once. Bounded: an attacker rotating addresses cannot grow it.
CLIENT_INDEX_SIZE = 200


def _client_index_add(client: str, username: str) -> None:
    key = _client_index_key(username)
    clients = [seen for seen in cache.get(key) or [] if seen != client]
    clients.append(client)
    cache.set(key, clients[-CLIENT_INDEX_SIZE:], timeout=settings.LOGIN_LOCKOUT_WINDOW_SECONDS)
