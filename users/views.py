from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from overworld.exceptions import NotFoundError, azuma_exception_handler
from overworld.schema import (
    FORBIDDEN,
    NOT_FOUND,
    THROTTLED,
    UNAUTHORIZED,
    azuma_error,
    field_errors,
    path_parameter,
)
from users import selectors, services
from users.authentication import TokenAuthentication
from users.models import USERNAME_URL_PATTERN
from users.serializers import (
    AuthResponseSerializer,
    AzumaLoginSerializer,
    AzumaRegisterSerializer,
    AzumaUpdateSerializer,
    AzumaUserSerializer,
    CurrentUserSerializer,
    ExportSerializer,
    FollowResultSerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    PasswordConfirmSerializer,
    ProfileSerializer,
    ProfileUpdateSerializer,
    RegisterSerializer,
    TokenSerializer,
    UsernameSerializer,
    UserSerializer,
)
from users.throttling import AzumaThrottle, LoginThrottle, PasswordThrottle, RegisterThrottle

PROFILE_UPDATE_ERRORS = field_errors(
    "ProfileUpdateError", ["username", "email", "bio", "location", "twitter"]
)


def never_cached(response: Response) -> Response:
    """Credentials and fresh tokens must not be kept by any cache."""
    add_never_cache_headers(response)
    return response


USERNAME_PARAMETER = path_parameter("username", USERNAME_URL_PATTERN, "A username, in any letter case.")
LOGIN_ERRORS = field_errors(
    "LoginError",
    ["username", "password"],
    description="Incorrect username/password (`non_field_errors`), or a missing field.",
)
LOCKED_OUT = OpenApiResponse(
    THROTTLED.response,
    description=(
        "Throttled; or locked: after 5 failed logins for one username from one client within 15 "
        "minutes, its logins from that client are refused until the window has passed."
    ),
)


class CredentialsView(APIView):
    """Base of register and login: public, throttled, answers a user and a fresh token, never cached."""

    # A stale token header must not stop anyone from signing in again.
    authentication_classes = []
    permission_classes = [AllowAny]

    def token_response(self, user) -> Response:
        token = services.token_create(user=user, request=self.request)
        return never_cached(Response({"user": UserSerializer(user).data, "token": token}))


class RegisterView(CredentialsView):
    throttle_classes = [RegisterThrottle]

    @extend_schema(
        tags=["users"],
        summary="Register",
        request=RegisterSerializer,
        responses={
            200: AuthResponseSerializer,
            400: field_errors("RegisterError", ["username", "email", "password"]),
            429: THROTTLED,
        },
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return self.token_response(user)


class LoginView(CredentialsView):
    throttle_classes = [LoginThrottle]

    @extend_schema(
        tags=["users"],
        summary="Log in",
        description="The same error answers an unknown user, a wrong password and a deactivated account.",
        request=LoginSerializer,
        responses={
            200: AuthResponseSerializer,
            400: LOGIN_ERRORS,
            429: LOCKED_OUT,
        },
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_authenticate(request=request, **serializer.validated_data)
        return self.token_response(user)


class LogoutView(APIView):
    # Only a token can be revoked: a browsable-API session is not logged out here.
    authentication_classes = [TokenAuthentication]

    @extend_schema(
        tags=["users"],
        summary="Log out",
        description="Revokes the token of this request only; the user's other tokens keep working.",
        request=None,
        responses={204: None, 401: UNAUTHORIZED},
    )
    def post(self, request):
        services.token_revoke(token=request.auth, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    authentication_classes = [TokenAuthentication]

    @extend_schema(
        tags=["users"],
        summary="Log out everywhere",
        description="Revokes every token of the user, this one included.",
        request=None,
        responses={204: None, 401: UNAUTHORIZED},
    )
    def post(self, request):
        services.token_revoke_all(user=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    throttle_classes = [PasswordThrottle]

    @extend_schema(
        tags=["users"],
        summary="Change password",
        description="Revokes every token of the user and answers a fresh one for this client.",
        request=PasswordChangeSerializer,
        responses={
            200: TokenSerializer,
            400: field_errors("PasswordChangeError", ["current_password", "new_password"]),
            401: UNAUTHORIZED,
            429: THROTTLED,
        },
    )
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.user_password_change(user=request.user, request=request, **serializer.validated_data)
        return never_cached(Response({"token": token}))


class CurrentUserView(APIView):
    def get_throttles(self):
        return [PasswordThrottle()] if self.request.method == "DELETE" else []

    @extend_schema(
        tags=["users"],
        summary="Current user",
        responses={200: CurrentUserSerializer, 401: UNAUTHORIZED},
    )
    def get(self, request):
        return Response(CurrentUserSerializer(request.user).data)

    @extend_schema(
        tags=["users"],
        summary="Delete your account",
        description=(
            "Confirmed by the password. The account and everything it owns (follows both ways, "
            "shelves, tokens) are deleted."
        ),
        request=PasswordConfirmSerializer,
        responses={
            204: None,
            400: field_errors("AccountDeleteError", ["password"]),
            401: UNAUTHORIZED,
            429: THROTTLED,
        },
    )
    def delete(self, request):
        serializer = PasswordConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_delete(user=request.user, request=request, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportView(APIView):
    @extend_schema(
        tags=["users"],
        summary="Export your data",
        description="Everything stored about you, as one JSON document (data portability).",
        responses={200: ExportSerializer, 401: UNAUTHORIZED},
    )
    def get(self, request):
        response = Response(ExportSerializer(selectors.user_export_get(user=request.user)).data)
        response["Content-Disposition"] = f'attachment; filename="overworld-{request.user.username}.json"'
        return never_cached(response)


class ProfileView(APIView):
    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def profile_response(self, username: str) -> Response:
        profile = selectors.user_profile_get(username=username)
        show_email = self.request.user.is_authenticated and self.request.user.pk == profile.user.pk
        return Response(ProfileSerializer(profile, context={"show_email": show_email}).data)

    @extend_schema(
        tags=["users"],
        summary="Profile",
        parameters=[USERNAME_PARAMETER],
        description="Public. `email` is only present when the viewer is the profile's owner.",
        responses={200: ProfileSerializer, 404: NOT_FOUND},
    )
    def get(self, request, username: str):
        return self.profile_response(username)

    @extend_schema(
        tags=["users"],
        summary="Update profile",
        parameters=[USERNAME_PARAMETER],
        description=(
            "Owner only. Any of `username`, `email`, `bio`, `location`, `twitter`; other fields are "
            "ignored. A new username follows every rule of registration."
        ),
        request=ProfileUpdateSerializer,
        responses={
            200: ProfileSerializer,
            400: PROFILE_UPDATE_ERRORS,
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, username: str):
        user = selectors.user_get_active(username=username)
        serializer = ProfileUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_profile_update(user=user, actor=request.user, data=serializer.validated_data)
        return self.profile_response(user.username)

    @extend_schema(
        tags=["users"],
        summary="Update profile (PATCH)",
        parameters=[USERNAME_PARAMETER],
        description="The same as POST.",
        request=ProfileUpdateSerializer,
        responses={
            200: ProfileSerializer,
            400: PROFILE_UPDATE_ERRORS,
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def patch(self, request, username: str):
        return self.post(request, username)


class FollowView(APIView):
    following = True

    @extend_schema(
        tags=["users"],
        summary="Follow a user",
        description="Idempotent: following someone you already follow changes nothing.",
        request=UsernameSerializer,
        responses={
            200: FollowResultSerializer,
            400: field_errors("FollowError", ["username"]),
            401: UNAUTHORIZED,
            404: NOT_FOUND,
        },
    )
    def post(self, request):
        serializer = UsernameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        other = selectors.user_get_active(username=serializer.validated_data["username"])
        if self.following:
            services.user_follow(follower=request.user, followed=other)
        else:
            services.user_unfollow(follower=request.user, followed=other)
        return Response({"username": other.username, "following": self.following})


class UnfollowView(FollowView):
    following = False

    @extend_schema(
        tags=["users"],
        summary="Unfollow a user",
        description="Unfollowing someone you don't follow changes nothing.",
        request=UsernameSerializer,
        responses={
            200: FollowResultSerializer,
            400: field_errors("UnfollowError", ["username"]),
            401: UNAUTHORIZED,
            404: NOT_FOUND,
        },
    )
    def post(self, request):
        return super().post(request)


# The Azuma account API, at its own paths, over the same accounts, tokens and services.


class AzumaView(APIView):
    """Answers errors as `{"message": CODE, "description"}`; calls `name` what Overworld calls `username`."""

    azuma_field_names = {"username": "name"}
    authentication_classes = [TokenAuthentication]

    def get_exception_handler(self):
        return azuma_exception_handler


class AzumaRegisterView(AzumaView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [RegisterThrottle, AzumaThrottle]

    @extend_schema(
        tags=["azuma"],
        summary="Register User",
        description="Creates an account (`name` is its username) and answers a new token.",
        request=AzumaRegisterSerializer,
        responses={
            200: TokenSerializer,
            400: azuma_error("Invalid fields (name, email, password): `BAD_REQUEST` with their messages."),
            409: azuma_error("`ALREADY_EXISTS`: the name or the e-mail is taken."),
            429: azuma_error("`TOO_MANY_REQUESTS`."),
        },
    )
    def post(self, request):
        serializer = AzumaRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = services.user_register(username=data["name"], email=data["email"], password=data["password"])
        return never_cached(Response({"token": services.token_create(user=user, request=request)}))


class AzumaLoginView(AzumaView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle, AzumaThrottle]

    @extend_schema(
        tags=["azuma"],
        summary="Login User",
        description="A new token for the account; unlike the Overworld login, an unknown name is a 404.",
        request=AzumaLoginSerializer,
        responses={
            200: TokenSerializer,
            400: azuma_error("`BAD_REQUEST`: a field is missing or malformed."),
            403: azuma_error("`FORBIDDEN`: the credentials were incorrect."),
            404: azuma_error("`NOT_FOUND`: no user has this name."),
            429: azuma_error("`TOO_MANY_REQUESTS`: throttled, or locked after repeated failed logins."),
        },
    )
    def post(self, request):
        serializer = AzumaLoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data["name"]
        # The Azuma contract tells an unknown name (404) from a wrong password (403).
        if not selectors.user_exists(username=name):
            raise NotFoundError(name)
        user = services.user_authenticate(
            request=request, username=name, password=serializer.validated_data["password"]
        )
        return never_cached(Response({"token": services.token_create(user=user, request=request)}))


class AzumaUpdateView(AzumaView):
    throttle_classes = [AzumaThrottle]

    @extend_schema(
        tags=["azuma"],
        summary="Update User",
        description=(
            "A new name and/or password; an empty body changes nothing. A new password ends every "
            "other token of the user; the one of this request keeps working."
        ),
        request=AzumaUpdateSerializer,
        responses={
            200: AzumaUserSerializer,
            400: azuma_error("`BAD_REQUEST`: an invalid name or a weak password, with their messages."),
            401: azuma_error("`UNAUTHORIZED`: no token, or an invalid one."),
            409: azuma_error("`ALREADY_EXISTS`: the name is taken."),
            429: azuma_error("`TOO_MANY_REQUESTS`."),
        },
    )
    def patch(self, request):
        serializer = AzumaUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_account_update(
            user=request.user,
            username=serializer.validated_data.get("name"),
            password=serializer.validated_data.get("password"),
            keep_token=request.auth,
            request=request,
        )
        return Response(AzumaUserSerializer(user).data)
