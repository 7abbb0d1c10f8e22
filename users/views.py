"""
The Overworld users API: accounts and tokens, profiles, follows, every page about a user (their games,
journal, favourites, stats, activity) and the feed. Each view parses its input, calls one service or
selector, and serializes the answer. (The Azuma account API is in users/azuma.py.)
"""

from itertools import groupby

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from games import selectors as games_selectors
from games import services as games_services
from games.models import SHELVES
from games.serializers import (
    FavouritesSerializer,
    GameSummarySerializer,
    JournalMonthSerializer,
    ShelfEntrySerializer,
)
from overworld.pagination import INVALID_CURSOR, KEYSET_PARAMETERS, InvalidCursor, KeysetPagination, paginated
from overworld.parsers import ImageBodyParser
from overworld.parsing import validated
from overworld.permissions import HasVerifiedEmail, owner_writes_permissions
from overworld.schema import (
    NOT_FOUND,
    THROTTLED,
    field_errors,
    operation,
    path_parameter,
    redescribed,
)
from users import avatars, profile, selectors, services
from users.authentication import TokenAuthentication
from users.models import USERNAME_URL_PATTERN
from users.profile import ProfileSerializer
from users.serializers import (
    ActivitySerializer,
    AuthResponseSerializer,
    AvatarResultSerializer,
    AvatarUploadSerializer,
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
    ProfileUpdateSerializer,
    RegisterSerializer,
    StatsSerializer,
    TokenSerializer,
    UserListItemSerializer,
    UsernameSerializer,
    UserSerializer,
)
from users.throttling import (
    AccountEditThrottle,
    AvatarThrottle,
    EmailVerifyThrottle,
    LoginThrottle,
    PasswordResetThrottle,
    PasswordThrottle,
    RegisterThrottle,
)

# A reserved name (`login`, `user`, ...) is a route of its own under /api/users/, never a username.
USERNAME_PARAMETER = path_parameter(
    "username",
    rf"(?!(?:{'|'.join(sorted(services.RESERVED_USERNAMES))})$){USERNAME_URL_PATTERN}",
    "A username, in any letter case (never a reserved name such as `login`).",
)


def never_cached(response: Response) -> Response:
    """Credentials and fresh tokens must not be kept by any cache."""
    add_never_cache_headers(response)
    return response


class AnonymousView(APIView):
    """A public view that ignores any token: a stale token header must not stop anyone from using it."""

    authentication_classes = []
    permission_classes = [AllowAny]


class TokenIssuingView(AnonymousView):
    """Register and login: answer the user and a fresh token, never cached."""

    def token_response(self, user) -> Response:
        token = services.token_create(user=user, request=self.request)
        return never_cached(Response({"user": UserSerializer(user).data, "token": token}))


# Accounts and tokens.


class RegisterView(TokenIssuingView):
    throttle_classes = [RegisterThrottle]

    @operation(
        "users",
        "Register",
        request=RegisterSerializer,
        ok=AuthResponseSerializer,
        invalid=field_errors("RegisterError", ["username", "email", "password"]),
        errors=("throttled",),
    )
    def post(self, request):
        data = validated(RegisterSerializer, request.data)
        user = services.user_register(**data)
        return self.token_response(user)


class LoginView(TokenIssuingView):
    throttle_classes = [LoginThrottle]

    @operation(
        "users",
        "Log in",
        description="The same error answers an unknown user, a wrong password and a deactivated account.",
        request=LoginSerializer,
        ok=AuthResponseSerializer,
        invalid=field_errors(
            "LoginError",
            ["username", "password"],
            description="Incorrect username/password (`non_field_errors`), or a missing field.",
        ),
        responses={
            429: redescribed(
                THROTTLED,
                (
                    "Throttled; or locked: after 5 failed logins for one username from one client "
                    "within 15 minutes, its logins from that client are refused until the window has "
                    "passed."
                ),
            )
        },
    )
    def post(self, request):
        data = validated(LoginSerializer, request.data)
        user = services.user_authenticate(request=request, **data)
        return self.token_response(user)


def token_revoking_schema(summary: str, description: str):
    return operation(
        "users", summary, description=description, request=None, status=204, errors=("unauthorized",)
    )


@extend_schema_view(
    post=token_revoking_schema(
        "Log out", "Revokes the token of this request only; the user's other tokens keep working."
    )
)
class LogoutView(APIView):
    # Only a token can be revoked: a browsable-API session is not logged out here.
    authentication_classes = [TokenAuthentication]
    everywhere = False

    def post(self, request):
        if self.everywhere:
            services.token_revoke_all(user=request.user, request=request)
        else:
            services.token_revoke(token=request.auth, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    post=token_revoking_schema("Log out everywhere", "Revokes every token of the user, this one included.")
)
class LogoutAllView(LogoutView):
    everywhere = True


class PasswordChangeView(APIView):
    throttle_classes = [PasswordThrottle]

    @operation(
        "users",
        "Change password",
        description="Revokes every token of the user and answers a fresh one for this client.",
        request=PasswordChangeSerializer,
        ok=TokenSerializer,
        invalid=field_errors("PasswordChangeError", ["current_password", "new_password"]),
        errors=("unauthorized", "throttled"),
    )
    def post(self, request):
        data = validated(PasswordChangeSerializer, request.data)
        token = services.user_password_change(user=request.user, request=request, **data)
        return never_cached(Response({"token": token}))


# The current user's answer is read on every page load of the SPA: one serializer, whose fields are
# built once, represents every user (a serializer instance per request copies its fields each time).
CURRENT_USER = CurrentUserSerializer()


class CurrentUserView(APIView):
    def get_throttles(self):
        return [PasswordThrottle()] if self.request.method == "DELETE" else []

    @operation("users", "Current user", ok=CurrentUserSerializer, errors=("unauthorized",))
    def get(self, request):
        return Response(CURRENT_USER.to_representation(request.user))

    @operation(
        "users",
        "Delete your account",
        description=(
            "Confirmed by the password. The account and everything it owns (follows both ways, "
            "shelves, tokens) are deleted."
        ),
        request=PasswordConfirmSerializer,
        status=204,
        invalid=field_errors("AccountDeleteError", ["password"]),
        errors=("unauthorized", "throttled"),
    )
    def delete(self, request):
        data = validated(PasswordConfirmSerializer, request.data)
        services.user_delete(user=request.user, request=request, **data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportView(APIView):
    @operation(
        "users",
        "Export your data",
        description="Everything stored about you, as one JSON document (data portability).",
        ok=ExportSerializer,
        errors=("unauthorized",),
    )
    def get(self, request):
        response = Response(ExportSerializer(selectors.user_export_get(user=request.user)).data)
        response["Content-Disposition"] = f'attachment; filename="overworld-{request.user.username}.json"'
        return never_cached(response)


# Password reset and e-mail verification. The messages leave after the response (users/emails.py).

RESET_LINK_SENT = "If an account has this e-mail address, a link to reset its password was sent to it."
VERIFICATION_SENT = "A verification link has been sent to your e-mail address."
EMAIL_THROTTLED = redescribed(
    THROTTLED,
    "Throttled: too many requests from this client, or too many e-mails asked for this address.",
)


class PasswordResetView(AnonymousView):
    throttle_classes = [PasswordResetThrottle]

    @operation(
        "users",
        "Ask for a password reset link",
        description=(
            "Always `202` with the same body, whether or not an account has this address: when one "
            "does, it is mailed a link to the frontend with a `uid` and a `token`, which work once, for "
            "`PASSWORD_RESET_TIMEOUT` seconds. Limited per client (`429`); past the per-address "
            "limit, nothing more is sent to the address, with the same `202`."
        ),
        request=PasswordResetSerializer,
        status=202,
        ok=DetailSerializer,
        invalid=field_errors("PasswordResetError", ["email"]),
        errors=("throttled",),
    )
    def post(self, request):
        data = validated(PasswordResetSerializer, request.data)
        services.user_password_reset_request(request=request, **data)
        return never_cached(Response({"detail": RESET_LINK_SENT}, status=status.HTTP_202_ACCEPTED))


class PasswordResetConfirmView(AnonymousView):
    throttle_classes = [PasswordThrottle]

    @operation(
        "users",
        "Reset the password with a reset link",
        description=(
            "The `uid` and `token` of the link, and the new password, which passes the same rules as at "
            "registration. Every token of the user is revoked (log in again); the link stops working, "
            "and the e-mail address counts as verified. A used, expired or malformed link is a `400` "
            "on `token`."
        ),
        request=PasswordResetConfirmSerializer,
        status=204,
        invalid=field_errors("PasswordResetConfirmError", ["uid", "token", "new_password"]),
        errors=("throttled",),
    )
    def post(self, request):
        data = validated(PasswordResetConfirmSerializer, request.data)
        services.user_password_reset_confirm(request=request, **data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyView(AnonymousView):
    # The key is the credential: it works on any device, logged in or not.
    throttle_classes = [EmailVerifyThrottle]

    @operation(
        "users",
        "Verify your e-mail address",
        description=(
            "With the `key` of the link mailed at registration, at an address change or on request. A "
            "key works for `EMAIL_VERIFICATION_TIMEOUT` seconds, while the account keeps that address; "
            "using it again changes nothing."
        ),
        request=EmailVerifySerializer,
        ok=EmailVerifiedSerializer,
        invalid=field_errors("EmailVerifyError", ["key"]),
        errors=("throttled",),
    )
    def post(self, request):
        data = validated(EmailVerifySerializer, request.data)
        services.user_email_verify(**data)
        return Response({"email_verified": True})


class EmailVerificationResendView(APIView):
    throttle_classes = [EmailVerifyThrottle]

    @operation(
        "users",
        "Send the verification e-mail again",
        description=(
            "A new link: to the address awaiting confirmation when there is one, else to your current "
            "address. Limited per client and per address."
        ),
        request=None,
        status=202,
        ok=DetailSerializer,
        invalid=field_errors(
            "EmailVerificationResendError", [], description="The address is already verified."
        ),
        errors=("unauthorized",),
        responses={429: EMAIL_THROTTLED},
    )
    def post(self, request):
        services.user_email_verification_send(user=request.user)
        return Response({"detail": VERIFICATION_SENT}, status=status.HTTP_202_ACCEPTED)


# The profile (its shape, cache and invalidation: users/profile.py) and follows.

PROFILE_UPDATE = operation(
    "users",
    "Update profile",
    description=(
        "Owner only (POST or PATCH, the same). Any of `username`, `email`, `bio`, `location`, "
        "`twitter`, `use_gravatar`; other fields are ignored. A new username follows every rule of "
        "registration. The original client's `refreshAvatar: true` changes nothing: the profile answered "
        "carries the picture as it is now. The path names your current username, or the new one of the "
        "body (the original web client posts a rename to it); another user's is a 403. A new `email` is "
        "not applied at once: it is `pending_email` until confirmed by the link mailed to it (the current "
        "address is told of the request, and keeps receiving password resets meanwhile). Throttled per "
        "user (`THROTTLE_ACCOUNT_EDIT`)."
    ),
    request=ProfileUpdateSerializer,
    ok=ProfileSerializer,
    invalid=field_errors("ProfileUpdateError", ProfileUpdateSerializer),
    errors=("unauthorized", "forbidden", "not_found", "throttled"),
)


@extend_schema(parameters=[USERNAME_PARAMETER])
@extend_schema_view(
    get=operation(
        "users",
        "Profile",
        description="Public. `email` is only present when the viewer is the profile's owner.",
        ok=ProfileSerializer,
        errors=("not_found",),
    ),
    post=PROFILE_UPDATE,
    patch=PROFILE_UPDATE,
)
class ProfileView(APIView):
    def get_permissions(self):
        return owner_writes_permissions(self.request)

    def get_throttles(self):
        return [] if self.request.method in SAFE_METHODS else [AccountEditThrottle()]

    def get(self, request, username: str):
        return Response(profile.profile_get(username=username, viewer=request.user))

    def post(self, request, username: str):
        data = validated(ProfileUpdateSerializer, request.data)
        user = selectors.profile_owner_get(
            username=username, actor=request.user, new_username=data.get("username")
        )
        user = services.user_profile_update(user=user, actor=request.user, data=data)
        return Response(profile.profile_of(user=user))

    def patch(self, request, username: str):
        return self.post(request, username)


def follow_schema(summary: str, description: str, errors_name: str):
    return operation(
        "users",
        summary,
        description=description,
        request=UsernameSerializer,
        ok=FollowResultSerializer,
        invalid=field_errors(errors_name, ["username"]),
        errors=("unauthorized", "forbidden", "not_found"),
    )


@extend_schema_view(
    post=follow_schema(
        "Follow a user", "Idempotent: following someone you already follow changes nothing.", "FollowError"
    )
)
class FollowView(APIView):
    permission_classes = [IsAuthenticated, HasVerifiedEmail]
    following = True

    def post(self, request):
        data = validated(UsernameSerializer, request.data)
        other = selectors.user_get_active(username=data["username"])
        if self.following:
            services.user_follow(follower=request.user, followed=other)
        else:
            services.user_unfollow(follower=request.user, followed=other)
        return Response({"username": other.username, "following": self.following})


@extend_schema_view(
    post=follow_schema(
        "Unfollow a user", "Unfollowing someone you don't follow changes nothing.", "UnfollowError"
    )
)
class UnfollowView(FollowView):
    following = False


# The user's picture (users/avatars.py).

AVATAR_ERRORS = field_errors(
    "AvatarError",
    ["avatar"],
    description=(
        "The image is refused: none sent, over 5 MiB or 8000 pixels a side, not a JPEG, PNG, WebP or GIF, "
        "content other than its declared type, truncated or corrupt, or more than an image (a polyglot)."
    ),
)
TOO_LARGE = OpenApiResponse(DetailSerializer, description="The request's body is over the route's limit.")


@extend_schema(parameters=[USERNAME_PARAMETER])
class AvatarView(APIView):
    permission_classes = [IsAuthenticated, HasVerifiedEmail]
    parser_classes = [MultiPartParser, ImageBodyParser]
    throttle_classes = [AvatarThrottle]
    # A picture and a multipart form's framing (overworld.middleware.RequestSizeLimitMiddleware).
    request_body_limit = avatars.MAX_BYTES + 64 * 1024
    body_file_field = "avatar"

    @operation(
        "users",
        "Set your picture",
        description=(
            "Owner only. The image as the `avatar` file of a multipart form, or as the whole body with its "
            "type (`Content-Type: image/jpeg`, `image/png`, `image/webp` or `image/gif`). JPEG, PNG, WebP "
            "or GIF (its first frame), at most 5 MiB and 8000 pixels a side. It is re-encoded, without its "
            "metadata (EXIF, GPS included), as square WebP pictures of 256 and 64 pixels, whose URLs are "
            "answered and shown wherever the user is. Limited per user (`THROTTLE_AVATAR`)."
        ),
        request={"multipart/form-data": AvatarUploadSerializer, "image/*": OpenApiTypes.BINARY},
        ok=AvatarResultSerializer,
        invalid=AVATAR_ERRORS,
        errors=("unauthorized", "forbidden", "not_found", "throttled"),
        responses={413: TOO_LARGE},
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

    @operation(
        "users",
        "Remove your picture",
        description=(
            "Owner only (and staff, to moderate). Answers the `avatar` shown now: the Gravatar if its owner "
            "turned it on, else null."
        ),
        request=None,
        ok=AvatarResultSerializer,
        errors=("unauthorized", "forbidden", "not_found", "throttled"),
    )
    def delete(self, request, username: str):
        user = selectors.user_get_active(username=username)
        avatars.avatar_remove(user=user, actor=request.user, request=request)
        return Response(AvatarResultSerializer(user).data)


# The pages about a user: public, most of them keyset-paged lists.


def user_page_schema(
    *, summary: str, description: str, response, tag: str = "users", paged: bool = True, **extra
):
    """The schema of a public page about the user named in the path (a keyset-paged list by default)."""
    parameters = [USERNAME_PARAMETER, *extra.pop("parameters", [])]
    responses = {200: response, 404: NOT_FOUND}
    if paged:
        parameters += KEYSET_PARAMETERS
        responses |= {200: paginated(response), 400: extra.pop("errors", INVALID_CURSOR)}
    return extend_schema_view(
        get=extend_schema(
            tags=[tag], summary=summary, description=description, parameters=parameters, responses=responses
        )
    )


class UserPageView(APIView):
    """A public page about the user named in the URL."""

    permission_classes = [AllowAny]

    def page(self, queryset, ordering: list[str]) -> tuple[list, KeysetPagination]:
        paginator = KeysetPagination(ordering)
        return paginator.paginate_queryset(queryset, self.request, view=self), paginator


class FollowListView(UserPageView):
    direction = "followers"

    def get(self, request, username: str):
        user = selectors.user_get_active(username=username)
        if self.direction == "followers":
            follows, paginator = self.page(selectors.followers_list(user=user), ["-id"])
            users = [follow.follower for follow in follows]
        else:
            follows, paginator = self.page(selectors.following_list(user=user), ["-id"])
            users = [follow.followed for follow in follows]
        followed_ids = (
            selectors.followed_ids_get(viewer=request.user, among=[user.pk for user in users])
            if request.user.is_authenticated
            else None
        )
        data = UserListItemSerializer(users, many=True, context={"followed_ids": followed_ids}).data
        return paginator.get_paginated_response(data)


@user_page_schema(summary="Followers", description="Newest follower first.", response=UserListItemSerializer)
class FollowersView(FollowListView):
    direction = "followers"


@user_page_schema(
    summary="Following",
    description="The users this user follows, newest first.",
    response=UserListItemSerializer,
)
class FollowingView(FollowListView):
    direction = "following"


@user_page_schema(
    tag="activity",
    summary="A user's activity",
    description="Their events, newest first: games shelved, ratings, journal entries, follows.",
    response=ActivitySerializer,
)
class ActivityView(UserPageView):
    def get(self, request, username: str):
        user = selectors.user_get_active(username=username)
        activities, paginator = self.page(selectors.activity_list(user=user), ["-id"])
        return paginator.get_paginated_response(ActivitySerializer(activities, many=True).data)


@user_page_schema(
    tag="games",
    summary="A user's shelf",
    description="The games on one of the user's shelves, most recently shelved first.",
    response=ShelfEntrySerializer,
    parameters=[
        OpenApiParameter("shelf", str, enum=list(SHELVES), required=True, description="Which shelf.")
    ],
    errors=field_errors("ShelfError", ["shelf", "cursor"]),
)
class UserGamesView(UserPageView):
    def get(self, request, username: str):
        user = selectors.user_get_active(username=username)
        shelf = request.query_params.get("shelf", "")
        if shelf not in SHELVES:
            raise ValidationError({"shelf": [f"Choose one of: {', '.join(SHELVES)}."]})
        states, paginator = self.page(
            games_selectors.shelf_states_list(user=user, shelf=shelf), [f"-{shelf}_at", "-id"]
        )
        return paginator.get_paginated_response(
            ShelfEntrySerializer(states, many=True, context={"shelf": shelf}).data
        )


@user_page_schema(
    tag="journal",
    summary="A user's journal",
    description=(
        "Entries newest first (by the day played), grouped by year and month. A month can continue "
        "on the next page."
    ),
    response=JournalMonthSerializer,
)
class JournalView(UserPageView):
    def get(self, request, username: str):
        user = selectors.user_get_active(username=username)
        entries, paginator = self.page(games_selectors.journal_entry_list(user=user), ["-played_on", "-id"])
        months = [
            {"year": year, "month": month, "entries": list(group)}
            for (year, month), group in groupby(
                entries, key=lambda entry: (entry.played_on.year, entry.played_on.month)
            )
        ]
        return paginator.get_paginated_response(JournalMonthSerializer(months, many=True).data)


@user_page_schema(
    tag="games",
    summary="A user's stats",
    description=(
        "Games per shelf, distinct games finished per year (from the journal), the rating histogram, "
        "and journal entries this year."
    ),
    response=StatsSerializer,
    paged=False,
)
class StatsView(UserPageView):
    def get(self, request, username: str):
        user = selectors.user_get_active(username=username)
        stats = games_selectors.stats_get(user=user, year=timezone.localdate().year)
        return Response(StatsSerializer(stats).data)


@user_page_schema(
    tag="games",
    summary="A user's favourite games",
    description="Up to 5 games, in the owner's order.",
    response=GameSummarySerializer(many=True),
    paged=False,
)
class FavouritesView(APIView):
    def get_permissions(self):
        return owner_writes_permissions(self.request)

    def get(self, request, username: str):
        user = selectors.user_get_active(username=username)
        return Response(GameSummarySerializer(games_selectors.favourites_list(user=user), many=True).data)

    @operation(
        "games",
        "Choose your favourite games",
        description="Owner only. Replaces the list, in the order given: up to 5 games known here.",
        parameters=[USERNAME_PARAMETER],
        request=FavouritesSerializer,
        ok=GameSummarySerializer(many=True),
        invalid=field_errors("FavouritesError", FavouritesSerializer),
        errors=("unauthorized", "forbidden", "not_found"),
    )
    def put(self, request, username: str):
        user = selectors.user_get_active(username=username)
        data = validated(FavouritesSerializer, request.data)
        games = games_services.favourites_set(user=user, actor=request.user, igdb_ids=data["games"])
        return Response(GameSummarySerializer(games, many=True).data)


class FeedView(APIView):
    @operation(
        "activity",
        "Your feed",
        description="The events of everyone you follow, newest first.",
        parameters=KEYSET_PARAMETERS,
        ok=paginated(ActivitySerializer),
        invalid=INVALID_CURSOR,
        errors=("unauthorized",),
    )
    def get(self, request):
        paginator = KeysetPagination(["-id"])
        position = paginator.position(request)
        try:
            before_id = int(position[0]) if position else None
        except (TypeError, ValueError) as error:
            raise InvalidCursor() from error
        feed = selectors.feed_list(
            reader=request.user, before_id=before_id, limit=paginator.page_size(request) + 1
        )
        activities = paginator.paginate_queryset(feed, request, view=self)
        return paginator.get_paginated_response(ActivitySerializer(activities, many=True).data)
