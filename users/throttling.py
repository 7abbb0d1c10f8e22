"""
Rate limits of the account endpoints: per client address (overworld/throttling.py), per user for
edits; rates are THROTTLE_<SCOPE> in the environment.
"""

import hashlib

from rest_framework.throttling import SimpleRateThrottle

from overworld.throttling import ClientRateThrottle, UserRateThrottle


class RegisterThrottle(ClientRateThrottle, scope="register"):
    """Registrations, per client."""


class LoginThrottle(ClientRateThrottle, scope="login"):
    """Logins, per client: every login route and form."""


class PasswordThrottle(ClientRateThrottle, scope="password"):
    """Password changes and account deletions: each checks a password."""


class AzumaThrottle(ClientRateThrottle, scope="azuma"):
    """Every Azuma route, on top of the register and login limits they share with Overworld."""


class PasswordResetThrottle(ClientRateThrottle, scope="password_reset"):
    """Requests for a password reset link, per client."""


class EmailVerifyThrottle(ClientRateThrottle, scope="email_verify"):
    """E-mail verification and verification resends."""


class AccountEditThrottle(UserRateThrottle, scope="account_edit"):
    """Profile and account edits, per user: each may answer whether a name or an address is taken."""


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


class AvatarThrottle(UserRateThrottle, scope="avatar"):
    """Profile picture uploads and removals, per user: each upload decodes and encodes an image."""
