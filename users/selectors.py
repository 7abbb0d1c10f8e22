"""Reads of the users app."""

from dataclasses import dataclass
from datetime import datetime

from knox.models import AuthToken

from games.models import GameState
from games.selectors import Shelves, user_shelves
from overworld.exceptions import NotFoundError
from users.models import Follow, User


def user_get_active(*, username: str) -> User:
    """The active account with this username, in any letter case; NotFoundError otherwise."""
    user = User.objects.with_username(username).filter(is_active=True).first()
    if user is None:
        raise NotFoundError(username)
    return user


def user_exists(*, username: str) -> bool:
    """Whether an account (active or not) has this username, in any letter case."""
    return User.objects.with_username(username).exists()


@dataclass(frozen=True)
class Profile:
    user: User
    shelves: Shelves
    following: list[int]
    followers: list[int]


def user_profile_get(*, username: str) -> Profile:
    """
    A user's public profile: the account, its four shelves and its follows (ids of active users,
    newest first). Four queries, whatever the size of the lists.
    """
    user = user_get_active(username=username)
    return Profile(
        user=user,
        shelves=user_shelves(user=user),
        following=list(
            Follow.objects.filter(follower=user, followed__is_active=True)
            .order_by("-created_at", "-id")
            .values_list("followed_id", flat=True)
        ),
        followers=list(
            Follow.objects.filter(followed=user, follower__is_active=True)
            .order_by("-created_at", "-id")
            .values_list("follower_id", flat=True)
        ),
    )


@dataclass(frozen=True)
class FollowEntry:
    user: User
    created_at: datetime


@dataclass(frozen=True)
class Export:
    user: User
    following: list[FollowEntry]
    followers: list[FollowEntry]
    shelves: list[GameState]
    tokens: list[AuthToken]


def user_export_get(*, user: User) -> Export:
    """Everything stored about `user`, for the data export."""
    following = Follow.objects.filter(follower=user).select_related("followed").order_by("-created_at")
    followers = Follow.objects.filter(followed=user).select_related("follower").order_by("-created_at")
    return Export(
        user=user,
        following=[FollowEntry(user=follow.followed, created_at=follow.created_at) for follow in following],
        followers=[FollowEntry(user=follow.follower, created_at=follow.created_at) for follow in followers],
        shelves=list(GameState.objects.filter(user=user).select_related("game").order_by("-updated_at")),
        tokens=list(AuthToken.objects.filter(user=user).order_by("-created")),
    )
