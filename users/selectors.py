"""Reads of the users app."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from knox.models import AuthToken

from games.models import Game, GameState
from games.selectors import Shelves, favourites_list, shelves_get
from overworld.exceptions import NotFoundError
from users.models import Activity, Follow, User


def user_get_active(*, username: str) -> User:
    """The active account with this username, in any letter case; NotFoundError otherwise."""
    try:
        return User.objects.with_username(username).get(is_active=True)
    except User.DoesNotExist as error:
        raise NotFoundError(username) from error


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
    # A follow of a deactivated user is not shown, as their profile is not (the event stays, and
    # shows again if the account is reactivated).
    visible = Q(target__isnull=True) | Q(target__is_active=True)
    return activities.filter(visible).select_related("actor", "game", "target")


def activity_list(*, user: User) -> QuerySet[Activity]:
    """`user`'s events; page them newest first by id."""
    return _with_subjects(Activity.objects.filter(actor=user))


# The ids of a feed's page: the `limit` newest events below a position (%s) of the active users the
# reader follows, read by the (actor, -id) index and never by walking the event table:
# 1. `followed`: each followed user's newest event below the position (one index probe per user);
# 2. `bound`: the limit-th newest of those. At least `limit` events are that new, so the page holds no
#    older one; and only the users whose newest event is that new (about `limit` of them) can be on it;
# 3. those users' events down to the bound, merged, newest first.
# So a page costs one probe per followed user plus at most limit x limit index entries, however large
# the event table and however long ago each followed user was last active. README, "The feed".
_FEED_PAGE_IDS = """
    WITH followed AS (
        SELECT follow.followed_id AS actor_id, (
            SELECT activity.id FROM users_activity AS activity
            WHERE activity.actor_id = follow.followed_id AND activity.id < %s
            ORDER BY activity.id DESC
            LIMIT 1
        ) AS newest
        FROM users_follow AS follow
        JOIN users_user AS actor ON actor.id = follow.followed_id AND actor.is_active
        WHERE follow.follower_id = %s
    ), bound AS (
        SELECT CASE WHEN COUNT(*) < %s THEN 0 ELSE MIN(newest) END AS id
        FROM (SELECT newest FROM followed WHERE newest IS NOT NULL ORDER BY newest DESC LIMIT %s) AS top
    )
    SELECT recent.id
    FROM followed CROSS JOIN bound CROSS JOIN LATERAL (
        SELECT activity.id FROM users_activity AS activity
        WHERE activity.actor_id = followed.actor_id AND activity.id < %s AND activity.id >= bound.id
        ORDER BY activity.id DESC
        LIMIT %s
    ) AS recent
    WHERE followed.newest >= bound.id
    ORDER BY recent.id DESC
    LIMIT %s
"""
# Above every id: "below the first page's position".
_NO_POSITION = 2**63 - 1


def feed_list(*, reader: User, before_id: int | None = None, limit: int) -> QuerySet[Activity]:
    """
    The events of everyone `reader` follows, newest first: the `limit` newest below `before_id` (a
    page's position) are those to page. One query. On PostgreSQL, the page's ids come from each
    followed user's newest events (_FEED_PAGE_IDS); elsewhere from the follows as a subquery.
    """
    if connection.vendor == "postgresql":
        position = _NO_POSITION if before_id is None else before_id
        # Parameters only: the query's text is a constant.
        parameters = [position, reader.pk, limit, limit, position, limit, limit]
        page_ids = RawSQL(_FEED_PAGE_IDS, parameters)  # noqa: S611
        return _with_subjects(Activity.objects.filter(id__in=page_ids))
    followed = Follow.objects.filter(follower=reader).values("followed_id")
    return _with_subjects(Activity.objects.filter(actor__in=Subquery(followed), actor__is_active=True))
