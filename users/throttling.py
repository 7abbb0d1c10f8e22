"""Per-client rate limits of the credential endpoints; rates are THROTTLE_<SCOPE> in the environment."""

import hashlib

from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle


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


class PasswordResetThrottle(ClientRateThrottle):
    scope = "password_reset"


class EmailVerifyThrottle(ClientRateThrottle):
    """E-mail verification and verification resends."""

    scope = "email_verify"


class EmailAddressThrottle(SimpleRateThrottle):
    """
    Messages sent to one address on request (password resets, verification e-mails), whoever asks
    and from wherever: no mailbox can be flooded from many clients. Keyed by a digest of the address,
    so the cache holds no address. Services use it directly: `allow_request(None, None)`.
    """

    scope = "email_address"

    def __init__(self, address: str):
        super().__init__()
        self.address = address

    def get_cache_key(self, request, view):
        digest = hashlib.sha256(self.address.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class AvatarThrottle(UserRateThrottle):
    """Profile picture uploads and removals, per user: each upload decodes and encodes an image."""

    scope = "avatar"
