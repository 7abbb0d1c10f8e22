"""Per-client rate limits of the credential endpoints; rates are THROTTLE_<SCOPE> in the environment."""

from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    """Counts requests per client address (X-Forwarded-For as far as NUM_PROXIES allows)."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RegisterThrottle(ClientRateThrottle):
    scope = "register"


class LoginThrottle(ClientRateThrottle):
    scope = "login"


class PasswordThrottle(ClientRateThrottle):
    """Password changes and account deletions: each checks a password."""

    scope = "password"


class AzumaThrottle(ClientRateThrottle):
    """Every Azuma route, on top of the register and login limits they share with Overworld."""

    scope = "azuma"
