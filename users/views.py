from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from overworld.exceptions import NotFoundError, azuma_exception_handler
from overworld.pagination import INVALID_CURSOR, KEYSET_PARAMETERS, KeysetPagination, paginated
from overworld.parsers import ImageBodyParser
from overworld.renderers import EncodedJSON
from overworld.schema import (
    FORBIDDEN,
    NOT_FOUND,
    THROTTLED,
    UNAUTHORIZED,
    azuma_error,
    field_errors,
    path_parameter,
)
from users import avatars, profile_cache, selectors, services
from users.authentication import TokenAuthentication
from users.models import USERNAME_URL_PATTERN
from users.permissions import HasVerifiedEmail
from users.serializers import (
    ActivitySerializer,
    AuthResponseSerializer,
    AvatarResultSerializer,
    AvatarUploadSerializer,
    AzumaLoginSerializer,
    AzumaRegisterSerializer,
    AzumaUpdateSerializer,
    AzumaUserSerializer,
    CurrentUserSerializer,
    DetailSerializer,
    EmailVerifiedSerializer,
    EmailVerifySerializer,
    ExportSerializer,
    FollowResultSerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    PasswordConfirmSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    ProfileSerializer,
    ProfileUpdateSerializer,
    RegisterSerializer,
    TokenSerializer,
    UserListItemSerializer,
    UsernameSerializer,
    UserSerializer,
)
from users.throttling import (
    AvatarThrottle,
    AzumaThrottle,
    EmailVerifyThrottle,
    LoginThrottle,
    PasswordResetThrottle,
    PasswordThrottle,
    RegisterThrottle,
)

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


# The current user's answer is read on every page load of the SPA: one serializer, whose fields are
# built once, represents every user (a serializer instance per request copies its fields each time).
CURRENT_USER = CurrentUserSerializer()


class CurrentUserView(APIView):
    def get_throttles(self):
        return [PasswordThrottle()] if self.request.method == "DELETE" else []

    @extend_schema(
        tags=["users"],
        summary="Current user",
        responses={200: CurrentUserSerializer, 401: UNAUTHORIZED},
    )
    def get(self, request):
        return Response(CURRENT_USER.to_representation(request.user))

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
        return [IsAuthenticated(), HasVerifiedEmail()]

    def profile_response(self, username: str) -> Response:
        # The same for every viewer but for what is theirs (their relationship to its owner; the
        # owner's e-mail address): served from the cache, kept current by writes (users/profile_cache.py).
        profile = profile_cache.anonymous_profile(
            username,
            lambda user: ProfileSerializer(selectors.user_profile_build(user=user), context={}).data,
        )
        viewer = self.request.user
        if not viewer.is_authenticated:
            return Response(profile)
        return Response(EncodedJSON.encode(profile_cache.as_seen_by(profile, viewer)))

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
        # The owner's own profile, from the user just updated (no second lookup by the new name).
        profile = selectors.user_profile_build(user=user)
        return Response(ProfileSerializer(profile, context={"show_email": True, "viewer": request.user}).data)

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
    permission_classes = [IsAuthenticated, HasVerifiedEmail]
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
            403: FORBIDDEN,
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
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request):
        return super().post(request)


AVATAR_ERRORS = field_errors(
    "AvatarError",
    ["avatar"],
    description=(
        "The image is refused: none sent, over 5 MiB or 8000 pixels a side, not a JPEG, PNG, WebP or GIF, "
        "content other than its declared type, truncated or corrupt, or more than an image (a polyglot)."
    ),
)
TOO_LARGE = OpenApiResponse(DetailSerializer, description="The request's body is over the route's limit.")


class AvatarView(APIView):
    permission_classes = [IsAuthenticated, HasVerifiedEmail]
    parser_classes = [MultiPartParser, ImageBodyParser]
    throttle_classes = [AvatarThrottle]
    # A picture and a multipart form's framing (overworld.middleware.RequestSizeLimitMiddleware).
    request_body_limit = avatars.MAX_BYTES + 64 * 1024
    body_file_field = "avatar"

    @extend_schema(
        tags=["users"],
        summary="Set your picture",
        parameters=[USERNAME_PARAMETER],
        description=(
            "Owner only. The image as the `avatar` file of a multipart form, or as the whole body with its "
            "type (`Content-Type: image/jpeg`, `image/png`, `image/webp` or `image/gif`). JPEG, PNG, WebP "
            "or GIF (its first frame), at most 5 MiB and 8000 pixels a side. It is re-encoded, without its "
            "metadata (EXIF, GPS included), as square WebP pictures of 256 and 64 pixels, whose URLs are "
            "answered and shown wherever the user is. Limited per user (`THROTTLE_AVATAR`)."
        ),
        request={"multipart/form-data": AvatarUploadSerializer, "image/*": OpenApiTypes.BINARY},
        responses={
            200: AvatarResultSerializer,
            400: AVATAR_ERRORS,
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            413: TOO_LARGE,
            429: THROTTLED,
        },
    )
    def put(self, request, username: str):
        user = selectors.user_get_active(username=username)
        upload = request.data.get(self.body_file_field)
        if not isinstance(upload, UploadedFile):
            raise ValidationError({"avatar": [ValidationError(avatars.NO_IMAGE, code="required")]})
        avatars.avatar_set(
            user=user,
            actor=request.user,
            image=upload.read(avatars.MAX_BYTES + 1),
            content_type=upload.content_type,
            request=request,
        )
        return Response(AvatarResultSerializer(user).data)

    @extend_schema(
        tags=["users"],
        summary="Remove your picture",
        parameters=[USERNAME_PARAMETER],
        description=(
            "Owner only (and staff, to moderate). Answers the `avatar` shown now: the Gravatar if its owner "
            "turned it on, else null."
        ),
        request=None,
        responses={
            200: AvatarResultSerializer,
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def delete(self, request, username: str):
        user = selectors.user_get_active(username=username)
        avatars.avatar_remove(user=user, actor=request.user, request=request)
        return Response(AvatarResultSerializer(user).data)


# Per-user lists: public, keyset-paged newest first.


class PublicUserListView(APIView):
    """A public, paged list about the user named in the URL."""

    permission_classes = [AllowAny]

    def page(self, queryset, ordering: list[str]) -> tuple[list, KeysetPagination]:
        paginator = KeysetPagination(ordering)
        return paginator.paginate_queryset(queryset, self.request, view=self), paginator


class FollowListView(PublicUserListView):
    direction = "followers"

    def get(self, request, username: str):
        user = selectors.user_get_active(username=username)
        if self.direction == "followers":
            follows, paginator = self.page(selectors.user_followers(user=user), ["-id"])
            users = [follow.follower for follow in follows]
        else:
            follows, paginator = self.page(selectors.user_following(user=user), ["-id"])
            users = [follow.followed for follow in follows]
        followed_ids = (
            selectors.user_followed_ids(viewer=request.user, among=[user.pk for user in users])
            if request.user.is_authenticated
            else None
        )
        data = UserListItemSerializer(users, many=True, context={"followed_ids": followed_ids}).data
        return paginator.get_paginated_response(data)


FOLLOW_LIST_SCHEMA = {
    "tags": ["users"],
    "parameters": [USERNAME_PARAMETER, *KEYSET_PARAMETERS],
    "responses": {200: paginated(UserListItemSerializer), 400: INVALID_CURSOR, 404: NOT_FOUND},
}


@extend_schema_view(
    get=extend_schema(summary="Followers", description="Newest follower first.", **FOLLOW_LIST_SCHEMA)
)
class FollowersView(FollowListView):
    direction = "followers"


@extend_schema_view(
    get=extend_schema(
        summary="Following", description="The users this user follows, newest first.", **FOLLOW_LIST_SCHEMA
    )
)
class FollowingView(FollowListView):
    direction = "following"


class ActivityView(PublicUserListView):
    @extend_schema(
        tags=["activity"],
        summary="A user's activity",
        description="Their events, newest first: games shelved, ratings, journal entries, follows.",
        parameters=[USERNAME_PARAMETER, *KEYSET_PARAMETERS],
        responses={200: paginated(ActivitySerializer), 400: INVALID_CURSOR, 404: NOT_FOUND},
    )
    def get(self, request, username: str):
        user = selectors.user_get_active(username=username)
        activities, paginator = self.page(selectors.user_activity(user=user), ["-id"])
        return paginator.get_paginated_response(ActivitySerializer(activities, many=True).data)


class FeedView(APIView):
    @extend_schema(
        tags=["activity"],
        summary="Your feed",
        description="The events of everyone you follow, newest first.",
        parameters=KEYSET_PARAMETERS,
        responses={200: paginated(ActivitySerializer), 400: INVALID_CURSOR, 401: UNAUTHORIZED},
    )
    def get(self, request):
        paginator = KeysetPagination(["-id"])
        activities = paginator.paginate_queryset(selectors.user_feed(reader=request.user), request, view=self)
        return paginator.get_paginated_response(ActivitySerializer(activities, many=True).data)


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


# Password reset and e-mail verification. The messages leave after the response (users/emails.py).

RESET_LINK_SENT = "If an account has this e-mail address, a link to reset its password was sent to it."
VERIFICATION_SENT = "A verification link has been sent to your e-mail address."
EMAIL_THROTTLED = OpenApiResponse(
    THROTTLED.response,
    description="Throttled: too many requests from this client, or too many e-mails asked for this address.",
)


class PasswordResetView(CredentialsView):
    throttle_classes = [PasswordResetThrottle]

    @extend_schema(
        tags=["users"],
        summary="Ask for a password reset link",
        description=(
            "Always `202` with the same body, whether or not an account has this address: when one "
            "does, it is mailed a link to the frontend with a `uid` and a `token`, which work once, for "
            "`PASSWORD_RESET_TIMEOUT` seconds. Limited per client and per address."
        ),
        request=PasswordResetSerializer,
        responses={
            202: DetailSerializer,
            400: field_errors("PasswordResetError", ["email"]),
            429: EMAIL_THROTTLED,
        },
    )
    def post(self, request):
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_reset_request(request=request, **serializer.validated_data)
        return never_cached(Response({"detail": RESET_LINK_SENT}, status=status.HTTP_202_ACCEPTED))


class PasswordResetConfirmView(CredentialsView):
    throttle_classes = [PasswordThrottle]

    @extend_schema(
        tags=["users"],
        summary="Reset the password with a reset link",
        description=(
            "The `uid` and `token` of the link, and the new password, which passes the same rules as at "
            "registration. Every token of the user is revoked (log in again); the link stops working, "
            "and the e-mail address counts as verified. A used, expired or malformed link is a `400` "
            "on `token`."
        ),
        request=PasswordResetConfirmSerializer,
        responses={
            204: None,
            400: field_errors("PasswordResetConfirmError", ["uid", "token", "new_password"]),
            429: THROTTLED,
        },
    )
    def post(self, request):
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_reset_confirm(request=request, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyView(CredentialsView):
    # The key is the credential: it works on any device, logged in or not.
    throttle_classes = [EmailVerifyThrottle]

    @extend_schema(
        tags=["users"],
        summary="Verify your e-mail address",
        description=(
            "With the `key` of the link mailed at registration, at an address change or on request. A "
            "key works for `EMAIL_VERIFICATION_TIMEOUT` seconds, while the account keeps that address; "
            "using it again changes nothing."
        ),
        request=EmailVerifySerializer,
        responses={
            200: EmailVerifiedSerializer,
            400: field_errors("EmailVerifyError", ["key"]),
            429: THROTTLED,
        },
    )
    def post(self, request):
        serializer = EmailVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_email_verify(**serializer.validated_data)
        return Response({"email_verified": True})


class EmailVerificationResendView(APIView):
    throttle_classes = [EmailVerifyThrottle]

    @extend_schema(
        tags=["users"],
        summary="Send the verification e-mail again",
        description="A new link to your current address. Limited per client and per address.",
        request=None,
        responses={
            202: DetailSerializer,
            400: field_errors(
                "EmailVerificationResendError", [], description="The address is already verified."
            ),
            401: UNAUTHORIZED,
            429: EMAIL_THROTTLED,
        },
    )
    def post(self, request):
        services.user_email_verification_send(user=request.user)
        return Response({"detail": VERIFICATION_SENT}, status=status.HTTP_202_ACCEPTED)
