"""
The Azuma account API (seed 000), at the exact paths its clients already use, over the same accounts,
tokens and services as the Overworld API. It calls `name` what Overworld calls `username`, and answers
errors as `{"message": CODE, "description"}`.
"""

import copy
from http import HTTPStatus

from django.urls import path
from drf_spectacular.utils import extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from overworld.exceptions import NotFoundError, specific_code, to_api_exception
from overworld.parsing import validated
from overworld.schema import azuma_error, operation
from users import selectors, services
from users.authentication import TokenAuthentication
from users.models import USERNAME_MAX_LENGTH, User
from users.serializers import LoginSerializer, PasswordField, RegisterSerializer
from users.throttling import AccountEditThrottle, AzumaThrottle
from users.views import AnonymousView, LoginView, RegisterView, never_cached

# Serializers: the seed's bodies. Registering and logging in take the Overworld API's bodies, with
# the same rules, under the seed's field names.

# Overworld's field names as Azuma calls them.
FIELD_NAMES = {"username": "name"}


def with_azuma_names(serializer_class: type[serializers.Serializer], class_name: str):
    """A serializer of `serializer_class`'s fields (copies), each under its Azuma name."""
    fields = {
        FIELD_NAMES.get(field_name, field_name): copy.deepcopy(field)
        for field_name, field in serializer_class().fields.items()
    }
    return type(class_name, (serializers.Serializer,), fields)


AzumaRegisterSerializer = with_azuma_names(RegisterSerializer, "AzumaRegisterSerializer")
AzumaLoginSerializer = with_azuma_names(LoginSerializer, "AzumaLoginSerializer")


class AzumaUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=USERNAME_MAX_LENGTH, required=False, allow_null=True, trim_whitespace=False
    )
    password = PasswordField(required=False, allow_null=True)
    current_password = PasswordField(
        required=False,
        allow_null=True,
        help_text="Needed with a new password, unless this token is from a login less than 10 minutes old.",
    )


class AzumaTokenSerializer(serializers.Serializer):
    token = serializers.UUIDField(
        help_text=(
            "A token, a UUID as the seed types it: send it as `Authorization: Token <token>` "
            "(or `Bearer`), to these routes and the Overworld API's alike."
        )
    )


class AzumaUserSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True, help_text="The account's stable UUID.")
    name = serializers.CharField(source="username", read_only=True)
    created_at = serializers.DateTimeField(source="date_joined", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "created_at"]


# Errors: `{"message": CODE, "description": text}`. A validation error whose code says more than
# "invalid" gets its own status: a taken name or e-mail, wrong credentials.

STATUS_BY_ERROR_CODE = {"unique": 409, "invalid_credentials": 403}
MESSAGE_BY_STATUS = {409: "ALREADY_EXISTS"}


def _message(status: int) -> str:
    return MESSAGE_BY_STATUS.get(status) or HTTPStatus(status).phrase.upper().replace(" ", "_")


def azuma_exception_handler(exc, context):
    """
    The error bodies of the Azuma routes: `{"message", "description"}`, and for a 400 the messages
    of each invalid field beside them, under the Azuma field names.
    """
    exc = to_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if not isinstance(exc, exceptions.ValidationError):
        response.data = {"message": _message(response.status_code), "description": str(exc.detail)}
        code = specific_code(exc)
        if code is not None:
            response.data["code"] = code
        return response
    detail = exc.detail if isinstance(exc.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
    fields = {FIELD_NAMES.get(field, field): messages for field, messages in detail.items()}
    for messages in fields.values():
        for message in messages:
            status = STATUS_BY_ERROR_CODE.get(getattr(message, "code", None))
            if status is not None:
                response.status_code = status
                response.data = {"message": _message(status), "description": str(message)}
                return response
    described = ", ".join(sorted(field for field in fields if field != api_settings.NON_FIELD_ERRORS_KEY))
    response.data = {
        "message": _message(400),
        "description": f"Invalid fields: {described}." if described else "Invalid request.",
        **fields,
    }
    return response


# Views.

TOO_MANY_REQUESTS = "`TOO_MANY_REQUESTS`."


def azuma_operation(summary: str, *, ok, errors: dict[int, str], **kwargs):
    """
    The schema of an Azuma route: its answer, and its errors by status with their descriptions. Every
    route may answer 429 (AzumaRouteMixin): `TOO_MANY_REQUESTS`, unless `errors` says more.
    """
    errors = {429: TOO_MANY_REQUESTS} | errors
    responses = {status: azuma_error(description) for status, description in errors.items()}
    return operation("azuma", summary, ok=ok, responses=responses, **kwargs)


class AzumaRouteMixin:
    """
    Every Azuma route: the seed's error bodies, and a limit per client (AzumaThrottle) on top of the
    view's own throttles (those it shares with the Overworld route it mirrors).
    """

    def get_exception_handler(self):
        return azuma_exception_handler

    def get_throttles(self):
        return [*super().get_throttles(), AzumaThrottle()]


class AzumaTokenView(AzumaRouteMixin, AnonymousView):
    """
    Register and login, each a subclass of the Overworld route it mirrors (whose throttles it keeps):
    the seed's `body` is validated, `account` makes or finds the account, which gets a new token,
    answered as `{"token"}`, never cached.
    """

    body: type[serializers.Serializer]

    def account(self, data: dict) -> User:
        raise NotImplementedError

    def post(self, request):
        user = self.account(validated(self.body, request.data))
        token = services.token_create(user=user, request=request, kind="uuid")
        return never_cached(Response(AzumaTokenSerializer({"token": token}).data))


@extend_schema_view(
    post=azuma_operation(
        "Register User",
        description="Creates an account (`name` is its username) and answers a new token.",
        request=AzumaRegisterSerializer,
        ok=AzumaTokenSerializer,
        errors={
            400: "Invalid fields (name, email, password): `BAD_REQUEST` with their messages.",
            409: "`ALREADY_EXISTS`: the name or the e-mail is taken.",
        },
    )
)
class AzumaRegisterView(AzumaTokenView, RegisterView):
    body = AzumaRegisterSerializer

    def account(self, data: dict) -> User:
        return services.user_register(username=data["name"], email=data["email"], password=data["password"])


@extend_schema_view(
    post=azuma_operation(
        "Login User",
        description="A new token for the account; unlike the Overworld login, an unknown name is a 404.",
        request=AzumaLoginSerializer,
        ok=AzumaTokenSerializer,
        errors={
            400: "`BAD_REQUEST`: a field is missing or malformed.",
            403: "`FORBIDDEN`: the credentials were incorrect.",
            404: "`NOT_FOUND`: no user has this name.",
            429: "`TOO_MANY_REQUESTS`: throttled, or locked after repeated failed logins.",
        },
    )
)
class AzumaLoginView(AzumaTokenView, LoginView):
    body = AzumaLoginSerializer

    def account(self, data: dict) -> User:
        name = data["name"]
        # The Azuma contract tells an unknown name (404) from a wrong password (403).
        if not selectors.user_exists(username=name):
            raise NotFoundError(name)
        return services.user_authenticate(request=self.request, username=name, password=data["password"])


class AzumaUpdateView(AzumaRouteMixin, APIView):
    # Tokens only: the browsable API's session does not reach the Azuma routes.
    authentication_classes = [TokenAuthentication]
    throttle_classes = [AccountEditThrottle]

    @azuma_operation(
        "Update User",
        description=(
            "A new name and/or password; an empty body changes nothing. A new password needs "
            "`current_password`, unless this request's token was issued by a login (or registration) "
            "less than 10 minutes ago; it ends every other token and every browser session of the user, "
            "and the token of this request keeps working."
        ),
        request=AzumaUpdateSerializer,
        ok=AzumaUserSerializer,
        errors={
            400: "`BAD_REQUEST`: an invalid name or a weak password, with their messages.",
            401: "`UNAUTHORIZED`: no token, or an invalid one.",
            403: (
                "`FORBIDDEN`: a new password without `current_password` from a token older than 10 minutes "
                "(`code`: `reauthentication_required`), or a rename before the address is verified when "
                "verification is required (`email_not_verified`)."
            ),
            409: "`ALREADY_EXISTS`: the name is taken.",
        },
    )
    def patch(self, request):
        data = validated(AzumaUpdateSerializer, request.data)
        user = services.user_account_update(
            user=request.user,
            username=data.get("name"),
            password=data.get("password"),
            current_password=data.get("current_password"),
            keep_token=request.auth,
            request=request,
        )
        return Response(AzumaUserSerializer(user).data)


# The seed's own paths, without a trailing slash.
urlpatterns = [
    path("users", AzumaRegisterView.as_view(), name="azuma-register"),
    path("user/login", AzumaLoginView.as_view(), name="azuma-login"),
    path("user/update", AzumaUpdateView.as_view(), name="azuma-update"),
]
