"""
Defences of the credential endpoints: who the client is, the login lockout, the security log.

The lockout counts failed logins per (client address, username) in the default cache, which every
worker process shares (Redis in production), so that guessing passwords for one account from one
client stops after a few tries whichever worker answers.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

from overworld.exceptions import TooManyAttemptsError

security_log = logging.getLogger("overworld.security")

# How many clients' failures for one username lockout_clear can find (the most recent ones).
LOCKOUT_CLIENTS_KEPT = 100


def client_address(request: HttpRequest | None) -> str:
    """The client's address, from X-Forwarded-For only as far as NUM_PROXIES trusted proxies vouch."""
    if request is None:
        return "-"
    return BaseThrottle().get_ident(request) or "-"


def _lockout_keys(request: HttpRequest | None, username: str) -> tuple[str, str]:
    return _client_lockout_keys(client_address(request), username)


def _client_lockout_keys(client: str, username: str) -> tuple[str, str]:
    # Hashed: a username is user input of any length and content, unfit for a cache key as such.
    subject = hashlib.sha256(f"{client}\n{username.lower()}".encode()).hexdigest()
    return f"login-failures:{subject}", f"login-failures-since:{subject}"


def _clients_key(username: str) -> str:
    return "login-failure-clients:" + hashlib.sha256(username.lower().encode()).hexdigest()


def login_lockout_check(*, request: HttpRequest | None, username: str) -> None:
    """Raises TooManyAttemptsError while this client has too many recent failures for this username."""
    count_key, since_key = _lockout_keys(request, username)
    values = cache.get_many([count_key, since_key])
    failures, since = values.get(count_key, 0), values.get(since_key)
    if since is None:
        return
    # The window is measured from the stored start, not the cache's expiry, so it is exact.
    remaining = since + settings.LOGIN_LOCKOUT_WINDOW_SECONDS - time.time()
    if remaining <= 0:
        cache.delete_many([count_key, since_key])
        return
    if failures < settings.LOGIN_LOCKOUT_ATTEMPTS:
        return
    security_log.warning(
        "login locked out username=%r client=%s retry_after=%d",
        username,
        client_address(request),
        remaining,
    )
    raise TooManyAttemptsError(
        "Too many failed logins for this account.", retry_after=math.ceil(remaining), code="login_locked"
    )


def login_failure_record(*, request: HttpRequest | None, username: str) -> None:
    count_key, since_key = _lockout_keys(request, username)
    window = settings.LOGIN_LOCKOUT_WINDOW_SECONDS
    now = time.time()
    cache.add(since_key, now, timeout=window)
    cache.add(count_key, 0, timeout=window)
    try:
        cache.incr(count_key)
    except ValueError:
        # The key expired between add and incr: this failure starts a new window.
        cache.set_many({since_key: now, count_key: 1}, timeout=window)
    # Some backends' incr resets the expiry to the default: the count lives as long as its window.
    since = cache.get(since_key, now)
    cache.touch(count_key, timeout=max(1, math.ceil(since + window - now)))
    # The clients a username's failures came from, so that staff can clear its lockout everywhere.
    clients = cache.get(_clients_key(username)) or []
    client = client_address(request)
    if client not in clients:
        cache.set(_clients_key(username), [*clients, client][-LOCKOUT_CLIENTS_KEPT:], timeout=window)
    security_log.info("login failed username=%r client=%s", username, client)


def login_failures_clear(*, request: HttpRequest | None, username: str) -> None:
    cache.delete_many(list(_lockout_keys(request, username)))


def lockout_clear(*, username: str, client: str | None = None) -> int:
    """
    Ends the login lockout of `username` (any letter case): from one client address, or without
    `client` from every client it failed from. Returns how many clients' counts were cleared. For
    staff (the admin's action); a successful login clears its own count.
    """
    clients = [client] if client is not None else cache.get(_clients_key(username)) or []
    cleared = 0
    for address in clients:
        keys = list(_client_lockout_keys(address, username))
        cleared += keys[0] in cache.get_many(keys)
        cache.delete_many(keys)
    if client is None:
        cache.delete(_clients_key(username))
    security_log.info("lockout cleared username=%r client=%s", username, client or "all")
    return cleared
