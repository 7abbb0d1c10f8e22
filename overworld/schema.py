"""OpenAPI pieces shared by every app: the token scheme and the error bodies of the contract."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "users.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A token from register or login, prefixed: `Token <token>` (or `Bearer <token>`)."
            ),
        }


_DETAIL = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})

UNAUTHORIZED = OpenApiResponse(_DETAIL, description="No token, or a malformed, expired or revoked one.")
_FORBIDDEN = inline_serializer(
    "ForbiddenError",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(
            required=False,
            help_text=(
                "Why, when it is more than a lack of permission: `email_not_verified`, "
                "`reauthentication_required`."
            ),
        ),
    },
)
FORBIDDEN = OpenApiResponse(_FORBIDDEN, description="Authenticated, but not allowed to do this.")
NOT_FOUND = OpenApiResponse(_DETAIL, description='Not found: `{"detail": "Not found."}`.')
THROTTLED = OpenApiResponse(_DETAIL, description="Too many requests; retry after `Retry-After` seconds.")
BAD_GATEWAY = OpenApiResponse(_DETAIL, description="A service the API depends on (IGDB) answered badly.")
SERVICE_UNAVAILABLE = OpenApiResponse(
    _DETAIL,
    description=(
        "A service the API depends on (IGDB) is unreachable, slow or overloaded; retry after "
        "`Retry-After` seconds."
    ),
)


def field_errors(
    name: str, fields: list[str], description: str = "Invalid input: the messages, by field."
) -> OpenApiResponse:
    """A 400 body: a list of messages per field, and `non_field_errors` for the rest."""
    messages = serializers.ListField(child=serializers.CharField(), required=False)
    return OpenApiResponse(
        inline_serializer(name, dict.fromkeys([*fields, "non_field_errors"], messages)),
        description=description,
    )


_AZUMA_ERROR = inline_serializer(
    "AzumaError",
    {
        "message": serializers.CharField(help_text="ALREADY_EXISTS, FORBIDDEN, NOT_FOUND, BAD_REQUEST, ..."),
        "description": serializers.CharField(),
        "code": serializers.CharField(
            required=False, help_text="On a 403, why (as on the Overworld routes)."
        ),
    },
)


def azuma_error(description: str) -> OpenApiResponse:
    """An error of the Azuma routes: `{"message": CODE, "description"}` (plus field messages on a 400)."""
    return OpenApiResponse(_AZUMA_ERROR, description=description)


def path_parameter(name: str, pattern: str, description: str) -> OpenApiParameter:
    """A path parameter with the pattern its route accepts (anything else is a 404)."""
    return OpenApiParameter(name, str, OpenApiParameter.PATH, pattern=f"^{pattern}$", description=description)
