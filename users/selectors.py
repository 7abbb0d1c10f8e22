"""Reads of the users app."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet, Subquery
from knox.models import AuthToken

from games.models import Game, GameState
from games.selectors import Shelves, favourites_list, shelves_get
from overworld.exceptions import NotFoundError
from overworld.prepared import PreparedQuery
from users.models import Activity, Follow, User

# The lookup of most requests that name a user (profiles, follows), compiled once (overworld/prepared.py).
_active_users_named = PreparedQuery(
    User, lambda lowercased: User.objects.with_lowercased_username(lowercased).filter(is_active=True)
)


def user_get_active(*, username: str) -> User:
    """The active account with this username, in any letter case; NotFoundError otherwise."""
    found = _active_users_named(username.lower())
    if not found:
        raise NotFoundError(username)
    return found[0]


def profile_owner_get(*, username: str, actor: User, new_username: str | None) -> User:
    """
    The user whose profile an edit at the path naming `username` is for: the actor's when it names
    them, or names the new username they are taking (the original web client posts a rename to the
    new name); else the active user of that name (NotFoundError when there is none), whom the edit
    service then refuses to anyone but its owner.
    """
    lowered = username.lower()
    if lowered == actor.username.lower():
        return actor
    try:
        return user_get_active(username=username)
    except NotFoundError:
        if new_username is not None and new_username.lower() == lowered:
            return actor
        raise


def user_exists(*, username: str) -> bool:
    """Whether an account (active or not) has this username, in any letter case."""
    return User.objects.with_username(username).exists()


@dataclass(frozen=True)
class Profile:
    user: User
    shelves: Shelves
    following: list[int]
    followers: list[int]
    favourites: list[Game]


def profile_build(*, user: User) -> Profile:
    """
    A user's public profile: the account, its four shelves, its follows (ids of active users,
    newest first) and its favourite games. Four queries, whatever the size of the lists.
    """
    return Profile(
        user=user,
        shelves=shelves_get(user=user),
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
        favourites=favourites_list(user=user),
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


def followers_list(*, user: User) -> QuerySet[Follow]:
    """Follows of `user` by active users, with the follower; page them newest first by id."""
    return Follow.objects.filter(followed=user, follower__is_active=True).select_related("follower")


def following_list(*, user: User) -> QuerySet[Follow]:
    """Follows by `user` of active users, with the followed user; page them newest first by id."""
    return Follow.objects.filter(follower=user, followed__is_active=True).select_related("followed")


def followed_ids_get(*, viewer: User, among: list[int]) -> set[int]:
    """Which of the users `among` the viewer follows (one query, for a page of users)."""
    if not viewer.is_authenticated or not among:
        return set()
    return set(
        Follow.objects.filter(follower=viewer, followed_id__in=among).values_list("followed_id", flat=True)
    )


def _with_subjects(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.select_related("actor", "game", "target")


def activity_list(*, user: User) -> QuerySet[Activity]:
    """`user`'s events; page them newest first by id."""
    return _with_subjects(Activity.objects.filter(actor=user))


def feed_list(*, reader: User) -> QuerySet[Activity]:
    """
    The events of everyone `reader` follows, as one query however many they follow: the follows
    are a subquery, and each actor's events are found by the (actor, id) index.
    """
    followed = Follow.objects.filter(follower=reader).values("followed_id")
    return _with_subjects(Activity.objects.filter(actor__in=Subquery(followed), actor__is_active=True))
