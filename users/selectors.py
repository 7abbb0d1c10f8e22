"""Reads of the users app."""

from dataclasses import dataclass

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
