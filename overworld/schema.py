"""
The API's OpenAPI schema, declared once for every app: the token scheme, the error bodies of the
contract, every operation's hand-given id, and what every operation may answer whatever its view says
(a malformed body, a dead token, a dependency down; the X-Request-ID and Retry-After headers).

`AutoSchema` is the project's schema class (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]); it adds these
through drf-spectacular's documented hooks (`get_operation_id`, `get_operation`, `get_examples`).
"""

from drf_spectacular.drainage import warn
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.settings import api_settings

from overworld import exceptions
from overworld.schema_examples import EXAMPLES


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


_DRF_CODES = [
    "not_authenticated",
    "authentication_failed",
    "permission_denied",
    "not_found",
    "method_not_allowed",
    "unsupported_media_type",
    "throttled",
    "parse_error",
]
_DETAIL = inline_serializer(
    "ErrorDetail",
    {
        "detail": serializers.CharField(help_text="A message for people."),
        "code": serializers.CharField(
            help_text=(
                "A code for programs: DRF's ("
                + ", ".join(f"`{code}`" for code in _DRF_CODES)
                + ") or the API's ("
                + ", ".join(f"`{code}`" for code in exceptions.ERROR_CODES)
                + ")."
            )
        ),
    },
)

UNAUTHORIZED = OpenApiResponse(_DETAIL, description="No token, or a malformed, expired or revoked one.")
FORBIDDEN = OpenApiResponse(_DETAIL, description="Authenticated, but not allowed to do this.")
NOT_FOUND = OpenApiResponse(_DETAIL, description='Not found: `{"detail": "Not found.", "code": "not_found"}`')
THROTTLED = OpenApiResponse(_DETAIL, description="Too many requests; retry after `Retry-After` seconds.")
BAD_GATEWAY = OpenApiResponse(_DETAIL, description="A service the API depends on (IGDB) answered badly.")
SERVICE_UNAVAILABLE = OpenApiResponse(
    _DETAIL,
    description=(
        "A service the API depends on (IGDB) is unreachable, slow or overloaded; retry after "
        "`Retry-After` seconds."
    ),
)

# The common answers of an operation, by a short name (see `operation`).
COMMON_ERRORS = {
    "unauthorized": {401: UNAUTHORIZED},
    "forbidden": {403: FORBIDDEN},
    "not_found": {404: NOT_FOUND},
    "throttled": {429: THROTTLED},
    "igdb": {502: BAD_GATEWAY, 503: SERVICE_UNAVAILABLE},
}


def operation(tag: str, summary: str, *, ok=None, status: int = 200, invalid=None, errors=(), **kwargs):
    """
    `extend_schema` for one operation: `ok` is its answer (with `status`), `invalid` its 400 body,
    `errors` the short names of its common errors (COMMON_ERRORS), `responses` any other answers (or
    another description of a common one). The rest (description, request, parameters) is passed on.
    """
    responses = {status: ok}
    if invalid is not None:
        responses[400] = invalid
    for name in errors:
        responses |= COMMON_ERRORS[name]
    responses |= kwargs.pop("responses", {})
    return extend_schema(tags=[tag], summary=summary, responses=dict(sorted(responses.items())), **kwargs)


# The messages of one field: what DRF answers for a plain field.
_MESSAGES = {"type": "array", "items": {"type": "string"}}


@extend_schema_field({"oneOf": [_MESSAGES, {"type": "object", "additionalProperties": _MESSAGES}]})
class NestedMessagesField(serializers.Field):
    """
    The messages of a nested object or a list: messages for the whole (`["..."]`), or per key or
    index (`{"name": ["..."]}`, `{"0": ["..."]}`).
    """


# The names of the field-error components: they list every key they may have (postprocess_schema).
FIELD_ERROR_COMPONENTS: set[str] = set()


def _messages_field(field: serializers.Field | None) -> serializers.Field:
    if isinstance(field, serializers.BaseSerializer | serializers.ListField | serializers.DictField):
        return NestedMessagesField(required=False)
    return serializers.ListField(child=serializers.CharField(), required=False)


def field_errors(
    name: str,
    fields: list[str] | type[serializers.Serializer],
    description: str = "Invalid input: the messages, by field.",
) -> OpenApiResponse:
    """
    A 400 body: a list of messages per field, and `non_field_errors` for the rest. `fields` is the
    request serializer (its writable fields are listed, nested ones as objects) or the names.
    """
    if isinstance(fields, list):
        by_name = dict.fromkeys(fields)
    else:
        by_name = {key: field for key, field in fields().fields.items() if not field.read_only}
    FIELD_ERROR_COMPONENTS.add(name)
    return OpenApiResponse(
        inline_serializer(
            name,
            {
                **{key: _messages_field(field) for key, field in by_name.items()},
                api_settings.NON_FIELD_ERRORS_KEY: _messages_field(None),
            },
        ),
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


def redescribed(response: OpenApiResponse, description: str) -> OpenApiResponse:
    """The same body as `response` (one of the common errors), said of a particular case."""
    return OpenApiResponse(response.response, description=description)


def path_parameter(name: str, pattern: str, description: str) -> OpenApiParameter:
    """A path parameter with the pattern its route accepts (anything else is a 404)."""
    return OpenApiParameter(name, str, OpenApiParameter.PATH, pattern=f"^{pattern}$", description=description)


# --- Operation ids -----------------------------------------------------------------------------------
# Named by what each operation does, keyed by its view and method, so they survive a change of path
# or module. A view that serves one method at two paths names the second path's operation by its path
# too ("View.method /path/"); views of the same name in two modules are told apart by their module
# ("module.View.method", looked up first).
OPERATION_IDS = {
    "RegisterView.post": "users_register",
    "LoginView.post": "users_login",
    "LogoutView.post": "users_logout",
    "LogoutAllView.post": "users_logout_all",
    "PasswordChangeView.post": "password_change",
    "PasswordResetView.post": "password_reset_request",
    "PasswordResetConfirmView.post": "password_reset_confirm",
    "EmailVerifyView.post": "email_verify",
    "EmailVerificationResendView.post": "email_verification_resend",
    "CurrentUserView.get": "current_user_retrieve",
    "CurrentUserView.delete": "account_delete",
    "ExportView.get": "account_export",
    "FollowView.post": "users_follow",
    "UnfollowView.post": "users_unfollow",
    "ProfileView.get": "profile_retrieve",
    "ProfileView.post": "profile_update",
    "ProfileView.patch": "profile_partial_update",
    "ProfileView.get /api/users/profile/{username}/": "profile_retrieve_at_profile_path",
    "ProfileView.post /api/users/{username}/": "profile_update_at_username_path",
    "ProfileView.patch /api/users/{username}/": "profile_partial_update_at_username_path",
    "FollowersView.get": "followers_list",
    "FollowingView.get": "following_list",
    "ActivityView.get": "activity_list",
    "FeedView.get": "feed_list",
    "UserGamesView.get": "user_games_list",
    "JournalView.get": "user_journal_list",
    "FavouritesView.get": "favourites_list",
    "FavouritesView.put": "favourites_set",
    "AvatarView.put": "avatar_set",
    "AvatarView.delete": "avatar_remove",
    "StatsView.get": "user_stats_retrieve",
    "GameListView.get": "games_list",
    "GameSearchView.get": "games_search",
    "GamePopularView.get": "games_popular",
    "GameDetailView.get": "game_retrieve",
    "GameStateView.get": "game_state_retrieve",
    "GameStateView.patch": "game_state_update",
    "JournalCreateView.post": "journal_entry_create",
    "JournalEntryView.get": "journal_entry_retrieve",
    "JournalEntryView.patch": "journal_entry_update",
    "JournalEntryView.delete": "journal_entry_delete",
    "AzumaRegisterView.post": "azuma_register",
    "AzumaLoginView.post": "azuma_login",
    "AzumaUpdateView.patch": "azuma_update",
    "HealthView.get": "health_live",
    "ReadinessView.get": "health_ready",
    # The original web client's routes (users/legacy.py), named ahead of their merge; while that
    # module does not exist, these names are unused (overworld/tests/test_schema.py allows it).
    "users.legacy.PopularView.get": "legacy_games_popular",
    "users.legacy.BackdropView.get": "legacy_game_backdrop",
    "users.legacy.FrontpageView.get": "legacy_frontpage",
    "users.legacy.SearchView.get": "legacy_games_search",
    "users.legacy.GamePageView.get": "legacy_game_page",
    "users.legacy.GameRatingsView.get": "legacy_game_ratings",
    "users.legacy.CompanyView.get": "legacy_company_games",
    "users.legacy.GameStateView.get": "legacy_game_state_retrieve",
    "users.legacy.ToggleLogView.post": "legacy_toggle_log",
    "users.legacy.ToggleLikeView.post": "legacy_toggle_like",
    "users.legacy.ToggleBacklogView.post": "legacy_toggle_backlog",
    "users.legacy.ToggleWishlistView.post": "legacy_toggle_wishlist",
    "users.legacy.RatingView.get": "legacy_rating_retrieve",
    "users.legacy.RatingView.post": "legacy_rating_set",
    "users.legacy.JournalView.get": "legacy_journal_list",
    "users.legacy.JournalView.post": "legacy_journal_log",
    "users.legacy.FavouritesView.get": "legacy_favourites_list",
    "users.legacy.FavouriteAddView.post": "legacy_favourite_add",
    "users.legacy.FavouriteRemoveView.post": "legacy_favourite_remove",
    "users.legacy.ProfileRatingsView.get": "legacy_profile_ratings",
    "users.legacy.ProfileActivityView.get": "legacy_profile_activity",
}

REQUEST_ID_HEADER = {
    "X-Request-ID": {
        "description": "The request's id: the one it sent (when valid), else a new one; the log names it.",
        "required": True,
        "schema": {"type": "string"},
    }
}


def _retry_after(required: bool) -> dict:
    return {
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "required": required,
            "schema": {"type": "integer", "minimum": 0},
        }
    }


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's, with hand-given operation ids and the answers every operation may give."""

    def get_operation_id(self) -> str:
        view, method = type(self.view).__name__, self.method.lower()
        module = type(self.view).__module__
        operation_id = (
            OPERATION_IDS.get(f"{module}.{view}.{method}")
            or OPERATION_IDS.get(f"{view}.{method} {self.path}")
            or OPERATION_IDS.get(f"{view}.{method}")
        )
        if operation_id is None:
            warn(f"{view}.{method} has no operation id: name it in overworld.schema.OPERATION_IDS.")
            return super().get_operation_id()
        return operation_id

    def get_examples(self):
        return [*super().get_examples(), *EXAMPLES.get(self.get_operation_id(), [])]

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        detail = self.resolve_serializer(_DETAIL, "response").ref
        # Views with an error handler of their own (Azuma) answer their own shape; the project's
        # answer {"detail", "code"}.
        own_shape = self.view.get_exception_handler() is exceptions.exception_handler
        error = detail if own_shape else self._declared_error_schema(responses)
        if error is not None:
            if self.view.authentication_classes and "401" not in responses:
                responses["401"] = {
                    "description": "A token was sent, but it is malformed, expired or revoked.",
                    "content": _json(error),
                }
            responses.setdefault(
                "503",
                {
                    "description": "The database or the cache is down; retry after `Retry-After` seconds.",
                    "content": _json(error),
                },
            )
        if own_shape:
            self._add_malformed_request(responses, detail, has_body="requestBody" in operation)
        for status, response in responses.items():
            headers = response.setdefault("headers", {})
            headers.update(REQUEST_ID_HEADER)
            if status in ("429", "503"):
                headers.update(_retry_after(required=status == "429"))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    @staticmethod
    def _declared_error_schema(responses: dict) -> dict | None:
        for status in sorted(responses):
            if status.startswith("4") and "content" in responses[status]:
                return responses[status]["content"]["application/json"]["schema"]
        return None

    @staticmethod
    def _add_malformed_request(responses: dict, detail: dict, *, has_body: bool) -> None:
        """
        A NUL character in the URL or the Authorization header is `400 {"detail", "code"}` on every
        operation; so is a body that is not JSON, and one over the size limit is `413`.
        """
        malformed = (
            "a body that is not JSON, or a NUL character in the URL or the Authorization header"
            if has_body
            else "a NUL character in the URL or the Authorization header"
        )
        malformed = f'{malformed}: `{{"detail", "code"}}`.'
        declared = responses.get("400")
        if declared is None:
            responses["400"] = {"description": malformed[0].upper() + malformed[1:], "content": _json(detail)}
        elif declared.get("content", {}).get("application/json", {}).get("schema") != detail:
            schema = declared["content"]["application/json"]["schema"]
            declared["content"]["application/json"]["schema"] = {"oneOf": [schema, detail]}
            declared["description"] = f"{declared['description']} Or {malformed}".strip()
        if has_body:
            responses.setdefault(
                "413",
                {"description": "The body is over the size limit.", "content": _json(detail)},
            )


def preprocess_endpoints(endpoints):
    """
    One path per route in the schema: a route that also answers without its trailing slash
    (`/api/games` beside `/api/games/`) is listed once, with the slash, like every other route.
    """
    with_slash = {(path, method, callback.cls) for path, _, method, callback in endpoints}
    return [
        (path, regex, method, callback)
        for path, regex, method, callback in endpoints
        if path.endswith("/") or (f"{path}/", method, callback.cls) not in with_slash
    ]


def postprocess_schema(result, generator, request, public):
    """
    Error bodies list every key they may have (`additionalProperties: false`), so a client can type
    them and the fuzz test catches an undeclared one.
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name in [*FIELD_ERROR_COMPONENTS, "ErrorDetail"]:
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    return result
