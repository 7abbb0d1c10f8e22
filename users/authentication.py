import binascii
from hmac import compare_digest

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from overworld.prepared import PreparedQuery

# SPA libraries default to "Bearer"; the seed's clients send "Token". Both carry a knox token.
ACCEPTED_PREFIXES = (b"token", b"bearer")

# The tokens starting with a key, with their users: the query of every authenticated request, compiled
# once (overworld/prepared.py) rather than per request.
tokens_by_key = PreparedQuery(
    AuthToken, lambda key: AuthToken.objects.filter(token_key=key).select_related("user")
)


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox token authentication accepting both `Token` and `Bearer`, at one query per request."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in ACCEPTED_PREFIXES:
            return None
        if len(parts) == 1:
            raise exceptions.AuthenticationFailed("Invalid token header. No credentials provided.")
        if len(parts) > 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header. Token string should not contain spaces."
            )
        try:
            parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed("Invalid token.") from error
        return self.authenticate_credentials(parts[1])

    def authenticate_credentials(self, token: bytes):
        # knox's own, with its query prepared once: the hash of the token is compared with each
        # candidate's in constant time, an expired token is deleted, a valid one renewed.
        message = "Invalid token."
        token = token.decode()
        for auth_token in tokens_by_key(token[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(token)
            except (TypeError, binascii.Error) as error:
                raise exceptions.AuthenticationFailed(message) from error
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(message)

    def _cleanup_token(self, auth_token) -> bool:
        # Knox also sweeps every other token of the user here, costing a query per request;
        # expired tokens are swept in bulk by `manage.py clearexpiredtokens` instead.
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False
