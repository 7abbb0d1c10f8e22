"""
Who the client is, and per-client rate limits keyed by it.

The client is the peer that opened the connection, unless that peer is one of TRUSTED_PROXIES: then
X-Forwarded-For is read from its right end (the hop the proxy itself appended) leftwards, past every
address that is a trusted proxy too, and the first other address is the client. Anything a client
writes into the header itself sits left of that and is never believed; a peer that is not a trusted
proxy is the client whatever it sends.
"""

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.cache
def _networks(configured: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in configured)


def _address(value: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) is that IPv4 client.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _is_trusted_proxy(address: IPAddress) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest | None) -> str:
    """The client's IP address (see the module's docstring); "-" when there is no request."""
    if request is None:
        return "-"
    peer = request.META.get("REMOTE_ADDR", "")
    client = _address(peer)
    if client is None:
        return peer or "-"
    if not _is_trusted_proxy(client):
        return str(client)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            break
        client = address
        if not _is_trusted_proxy(address):
            break
    return str(client)


class DeclaredScopeThrottle(SimpleRateThrottle):
    """
    A throttle whose scope (its rate: THROTTLE_<SCOPE>) is named where its class is declared:
    `class LoginThrottle(ClientRateThrottle, scope="login"): ...`.
    """

    def __init_subclass__(cls, scope: str | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if scope is not None:
            cls.scope = scope


class ClientRateThrottle(DeclaredScopeThrottle):
    """Counts requests per client address (`client_address`)."""

    def get_ident(self, request):
        return client_address(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ScopedClientRateThrottle(ScopedRateThrottle):
    """DRF's ScopedRateThrottle (the view's `throttle_scope`), per client address."""

    def get_ident(self, request):
        return client_address(request)


class UserRateThrottle(DeclaredScopeThrottle):
    """Counts the requests of one signed-in user, wherever they come from (anonymous: per client)."""

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        ident = f"user-{user.pk}" if user is not None and user.is_authenticated else client_address(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class QuotaThrottle(SimpleRateThrottle):
    """
    A rate (THROTTLE_<SCOPE>) per subject a service names, outside any request: an address, a user.
    `QuotaThrottle(scope, subject).allow_request(None, None)` counts one and says whether it is allowed.
    """

    def __init__(self, scope: str, subject: str):
        self.scope = scope
        super().__init__()
        self.subject = subject

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.subject}
