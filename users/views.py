from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from overworld.schema import (
    FORBIDDEN,
    NOT_FOUND,
    THROTTLED,
    UNAUTHORIZED,
    field_errors,
)
from users import selectors, services
from users.authentication import TokenAuthentication
from users.serializers import (
    AuthResponseSerializer,
    CurrentUserSerializer,
    FollowResultSerializer,
    LoginSerializer,
    ProfileSerializer,
    ProfileUpdateSerializer,
    RegisterSerializer,
    UsernameSerializer,
    UserSerializer,
)

PROFILE_UPDATE_ERRORS = field_errors(
    "ProfileUpdateError", ["username", "email", "bio", "location", "twitter"]
)
LOGIN_ERRORS = inline_serializer(
    "LoginError",
    {"non_field_errors": serializers.ListField(child=serializers.CharField())},
)


class CredentialsView(APIView):
    """Base of register and login: public, throttled, answers a user and a fresh token, never cached."""

    # A stale token header must not stop anyone from signing in again.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]

    def token_response(self, user) -> Response:
        token = services.token_create(user=user, request=self.request)
        response = Response({"user": UserSerializer(user).data, "token": token})
        add_never_cache_headers(response)
        return response


class RegisterView(CredentialsView):
    throttle_scope = "register"

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
    throttle_scope = "login"

    @extend_schema(
        tags=["users"],
        summary="Log in",
        description="The same error answers an unknown user, a wrong password and a deactivated account.",
        request=LoginSerializer,
        responses={
            200: AuthResponseSerializer,
            400: OpenApiResponse(
                LOGIN_ERRORS, description="Incorrect username/password, or a missing field."
            ),
            429: THROTTLED,
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


class CurrentUserView(APIView):
    @extend_schema(
        tags=["users"],
        summary="Current user",
        responses={200: CurrentUserSerializer, 401: UNAUTHORIZED},
    )
    def get(self, request):
        return Response(CurrentUserSerializer(request.user).data)


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
        description="Public. `email` is only present when the viewer is the profile's owner.",
        responses={200: ProfileSerializer, 404: NOT_FOUND},
    )
    def get(self, request, username: str):
        return self.profile_response(username)

    @extend_schema(
        tags=["users"],
        summary="Update profile",
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
