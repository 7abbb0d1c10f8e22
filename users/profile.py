"""
The profile: its shape for every viewer, its cache, and every write that invalidates it.

Shape. `ProfileSerializer` is the profile as anyone sees it. `profile_get` (and `profile_of`, for an
owner who just edited theirs) add what belongs to the viewer, in `_seen_by`: to others, whether
they follow its owner and its owner follows them; to the owner, their e-mail address, whether it
is verified and whether their Gravatar may be shown (from their user row, read with their token, so
current). On the cached, encoded profile `_seen_by_encoded` does the same by splicing those fields into
its bytes (a lookup, not a re-encoding). The picture (`avatar`, `gravatar`) is on the user row: any
change of it saves the user, which invalidates the cached profile like any other edit.

Cache. A profile is the most read answer of the API and the same for every viewer but those few
fields. Its anonymous rendering is cached as encoded JSON (sent unchanged by
overworld.renderers.JSONRenderer), stamped with two versions: the user's (bumped by any write to the
user, their shelves, their follows either way, their favourites) and a global epoch (bumped by what
changes many profiles at once: a game's summary, a user deactivated, reactivated or deleted). A stamp
that no longer matches is a miss, so no write ever waits for, or depends on, finding the entries to
delete. The cache is an accelerator, never a dependency: when it fails, the profile is built from the
database. An entry also expires after PROFILE_CACHE_SECONDS, which bounds how stale it can be if a
version bump was lost while the cache was down; 0 turns the cache off.

Invalidation. The receivers at the end of this module are every way a profile changes: users' and
follows' model signals, shelves' and favourites' model signals, and the games app's announcements
(games/signals.py). No other module touches the cache.
"""

import logging
import uuid

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from games import signals as games_signals
from games.models import FavouriteGame, GameState
from games.serializers import GameSummarySerializer
from overworld.renderers import EncodedJSON
from users.models import Follow, User
from users.selectors import Profile, profile_build, user_get_active
from users.serializers import USE_GRAVATAR_HELP, AvatarField, EmptyStringAsNullField, GravatarField

logger = logging.getLogger(__name__)


@extend_schema_field(GameSummarySerializer(many=True))
class GameSummaryListField(serializers.ReadOnlyField):
    """Games the selector already rendered as GameSummarySerializer would (see games.selectors.Shelves)."""


OWNER_ONLY = "Only shown to the profile's owner."
OTHERS_ONLY = "Whether you follow this user; null when anonymous or on your own profile."


class ProfileSerializer(serializers.Serializer):
    """
    A profile as the contract has it, as anyone sees it: `email`, `email_verified` and `pending_email`
    are declared for the schema and filled for the owner only, `is_following` and `follows_you` for
    other signed-in viewers only (see `_seen_by`).
    """

    id = serializers.IntegerField(source="user.id")
    username = serializers.CharField(source="user.username")
    email = serializers.EmailField(required=False, help_text=OWNER_ONLY)
    email_verified = serializers.BooleanField(required=False, help_text=OWNER_ONLY)
    pending_email = serializers.EmailField(
        required=False,
        allow_null=True,
        help_text=(
            "Only shown to the profile's owner: a new address awaiting confirmation by the link sent "
            "to it (null: none). `email` stays in force until then."
        ),
    )
    bio = EmptyStringAsNullField(source="user.bio")
    location = EmptyStringAsNullField(source="user.location")
    twitter = EmptyStringAsNullField(source="user.twitter")
    avatar = AvatarField(source="user")
    gravatar = GravatarField(source="user")
    use_gravatar = serializers.BooleanField(required=False, help_text=USE_GRAVATAR_HELP)
    date_joined = serializers.DateTimeField(source="user.date_joined")
    played = GameSummaryListField(source="shelves.played")
    liked = GameSummaryListField(source="shelves.liked")
    backlog = GameSummaryListField(source="shelves.backlog")
    wishlist = GameSummaryListField(source="shelves.wishlist")
    following = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the users this user follows."
    )
    followers = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the users following this user."
    )
    following_count = serializers.SerializerMethodField()
    followers_count = serializers.SerializerMethodField()
    played_count = serializers.SerializerMethodField()
    liked_count = serializers.SerializerMethodField()
    backlog_count = serializers.SerializerMethodField()
    wishlist_count = serializers.SerializerMethodField()
    favourites = GameSummarySerializer(many=True, help_text="Up to 5 favourite games, in the owner's order.")
    # The original web client's names (users/legacy.py): additive keys of the seed's profile.
    favorites = GameSummarySerializer(
        source="favourites", many=True, help_text="`favourites`, under the original web client's name."
    )
    is_following = serializers.BooleanField(allow_null=True, default=None, help_text=OTHERS_ONLY)
    follows_you = serializers.BooleanField(
        allow_null=True,
        default=None,
        help_text="Whether this user follows you; null when anonymous or on your own profile.",
    )
    me = inline_serializer(
        "ProfileViewer",
        {"id": serializers.IntegerField(), "username": serializers.CharField()},
        allow_null=True,
        default=None,
        help_text="You, when signed in (the original web client's Edit and Follow buttons); else null.",
    )
    followingUser = serializers.BooleanField(
        allow_null=True,
        default=None,
        help_text="`is_following` under the original web client's name (false on your own profile).",
    )

    def get_following_count(self, profile: Profile) -> int:
        return len(profile.following)

    def get_followers_count(self, profile: Profile) -> int:
        return len(profile.followers)

    def get_played_count(self, profile: Profile) -> int:
        return len(profile.shelves.played)

    def get_liked_count(self, profile: Profile) -> int:
        return len(profile.shelves.liked)

    def get_backlog_count(self, profile: Profile) -> int:
        return len(profile.shelves.backlog)

    def get_wishlist_count(self, profile: Profile) -> int:
        return len(profile.shelves.wishlist)

    def to_representation(self, profile: Profile) -> dict:
        data = super().to_representation(profile)
        # What belongs to a viewer is added by _seen_by: the anonymous rendering has none of it.
        data.pop("email", None)
        data.pop("email_verified", None)
        data.pop("pending_email", None)
        data.pop("use_gravatar", None)
        data["is_following"] = data["follows_you"] = data["me"] = data["followingUser"] = None
        return data


def _render(user: User) -> dict:
    return ProfileSerializer(profile_build(user=user)).data


def _seen_by(profile: dict, viewer: User) -> dict:
    """The anonymous `profile` as `viewer`, signed in, sees it."""
    me = {"id": viewer.pk, "username": viewer.username}
    if profile["id"] != viewer.pk:
        is_following = viewer.pk in profile["followers"]
        return profile | {
            "is_following": is_following,
            "follows_you": viewer.pk in profile["following"],
            "me": me,
            "followingUser": is_following,
        }
    seen = {}
    for name, value in profile.items():
        seen[name] = value
        if name == "username":  # where the schema has them
            seen |= {
                "email": viewer.email,
                "email_verified": viewer.email_verified,
                "pending_email": viewer.pending_email or None,
            }
        if name == "gravatar":
            seen["use_gravatar"] = viewer.use_gravatar
    return seen | {"me": me, "followingUser": False}


# Where the anonymous rendering has the fields of a signed-in viewer, its last ones (ProfileSerializer's
# to_representation sets them so): the follows between them, and the original web client's `me` and
# `followingUser`. A key's quotes in encoded JSON are never a string's (a string's
# quotes are escaped), so these bytes are found only where the keys are.
_VIEWER_FIELDS = b'"is_following":null,"follows_you":null,"me":null,"followingUser":null'


def _json(value) -> bytes:
    return bytes(EncodedJSON.encode(value))


def _seen_by_encoded(profile: EncodedJSON, owner_id: int, viewer: User) -> EncodedJSON:
    """
    `_seen_by` on the encoded profile, without decoding it: the viewer's fields are spliced into its
    bytes. A large profile (5,000 games, ~1 MB) then costs a copy of its bytes and, for another user,
    one indexed query for the two follows between them, not a decoding and a re-encoding (~14 ms).
    """
    me = {"id": viewer.pk, "username": viewer.username}
    if owner_id != viewer.pk:
        between = set(
            Follow.objects.filter(
                Q(follower_id=viewer.pk, followed_id=owner_id)
                | Q(follower_id=owner_id, followed_id=viewer.pk)
            ).values_list("follower_id", flat=True)
        )
        flags = b'"is_following":%s,"follows_you":%s,"me":%s,"followingUser":%s' % (
            _json(viewer.pk in between),
            _json(owner_id in between),
            _json(me),
            _json(viewer.pk in between),
        )
        # The last fields of a profile: looked for from its end.
        at = profile.rfind(_VIEWER_FIELDS)
        if at != -1:
            return EncodedJSON(profile[:at] + flags + profile[at + len(_VIEWER_FIELDS) :])
    else:
        # The owner's e-mail fields go right after their username, where the schema has them.
        # Their Gravatar consent goes right after `gravatar` (a value never holds `,"` unescaped).
        username = b'"username":' + _json(viewer.username)
        at = profile.find(username)
        gravatar = profile.find(b'"gravatar":', at)
        gravatar_end = profile.find(b',"', gravatar) if gravatar != -1 else -1
        tail = profile.rfind(_VIEWER_FIELDS)
        if at != -1 and gravatar_end != -1 and tail > gravatar_end:
            at += len(username)
            email = b',"email":%s,"email_verified":%s,"pending_email":%s' % (
                _json(viewer.email),
                _json(viewer.email_verified),
                _json(viewer.pending_email or None),
            )
            consent = b',"use_gravatar":' + _json(viewer.use_gravatar)
            owners = b'"is_following":null,"follows_you":null,"me":%s,"followingUser":false' % _json(me)
            return EncodedJSON(
                profile[:at]
                + email
                + profile[at:gravatar_end]
                + consent
                + profile[gravatar_end:tail]
                + owners
                + profile[tail + len(_VIEWER_FIELDS) :]
            )
    # Not where expected (a rendering of another release, a username just changed): the slow way.
    return EncodedJSON.encode(_seen_by(orjson.loads(memoryview(profile)), viewer))


def profile_get(*, username: str, viewer) -> EncodedJSON:
    """
    The profile of the active user `username` (NotFoundError when there is none) as `viewer` (signed
    in or anonymous) sees it, encoded: from the cache when it is current.
    """
    owner_id, profile = _anonymous_profile(username)
    if not viewer.is_authenticated:
        return profile
    return _seen_by_encoded(profile, owner_id, viewer)


def profile_of(*, user: User) -> EncodedJSON:
    """`user`'s own profile, as they see it, built now (after their edit, from the user just saved)."""
    return EncodedJSON.encode(_seen_by(_render(user), user))


# The cache of the anonymous rendering.

EPOCH_KEY = "profile-epoch"


def _entry_key(username: str) -> str:
    # "json": entries of the encoded answer; the name changes with what an entry holds, so entries of
    # an earlier release are never read.
    return f"profile-json:{username.lower()}"


def _version_key(user_id: int) -> str:
    return f"profile-version:{user_id}"


def _anonymous_profile(username: str) -> tuple[int, EncodedJSON]:
    """
    The id of the active user `username` and their anonymous profile, encoded: from the cache when its
    stamp is current; else the user is looked up (NotFoundError when there is none), the profile built
    and its JSON stored.
    """
    if settings.PROFILE_CACHE_SECONDS <= 0:  # the cache is off
        user = user_get_active(username=username)
        return user.pk, EncodedJSON.encode(_render(user))
    entry_key = _entry_key(username)
    try:
        found = cache.get_many([entry_key, EPOCH_KEY])
        if entry_key in found:
            user_id, stamp, encoded = found[entry_key]
            if stamp == (cache.get(_version_key(user_id)), found.get(EPOCH_KEY)):
                return user_id, EncodedJSON(encoded)
    except Exception:
        # The cache only speeds things up: without it, the database answers.
        logger.warning("profile cache unavailable; profile built from the database", exc_info=True)
        user = user_get_active(username=username)
        return user.pk, EncodedJSON.encode(_render(user))
    user = user_get_active(username=username)
    try:
        # The versions are read before the rows: a write meanwhile leaves this entry stale at once.
        stamp = (cache.get(_version_key(user.pk)), found.get(EPOCH_KEY))
    except Exception:
        logger.warning("profile cache unavailable; profile built from the database", exc_info=True)
        return user.pk, EncodedJSON.encode(_render(user))
    encoded = EncodedJSON.encode(_render(user))
    try:
        cache.set(entry_key, (user.pk, stamp, bytes(encoded)), timeout=settings.PROFILE_CACHE_SECONDS)
    except Exception:
        logger.warning("profile cache unavailable; profile not stored", exc_info=True)
    return user.pk, encoded


def _bump(*keys: str) -> None:
    def bump():
        try:
            # One round trip for all of them (a follow changes two profiles).
            cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
        except Exception:
            # Entries then expire after PROFILE_CACHE_SECONDS.
            logger.warning("profile cache unavailable; could not invalidate %s", keys, exc_info=True)

    # Now, for readers after this write; and again after the commit, since a reader in between
    # may have stored the rows of before the commit under the first new version.
    bump()
    transaction.on_commit(bump)


def _profiles_changed(*user_ids: int) -> None:
    _bump(*(_version_key(user_id) for user_id in user_ids))


def _all_profiles_changed() -> None:
    """Something shown on many profiles changed (a game's summary, whether a user exists)."""
    _bump(EPOCH_KEY)


# Invalidation: every write that changes a profile.


@receiver(post_save, sender=User)
def _user_saved(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    _profiles_changed(instance.pk)
    # Other profiles list this user only while active: a save that may have changed is_active (not a
    # login's last_login, nor a profile edit's named fields) may change them.
    if not created and (update_fields is None or "is_active" in update_fields):
        _all_profiles_changed()


@receiver(post_delete, sender=User)
def _user_deleted(sender, instance: User, **kwargs) -> None:
    _all_profiles_changed()


@receiver([post_save, post_delete], sender=Follow)
def _follow_changed(sender, instance: Follow, **kwargs) -> None:
    _profiles_changed(instance.follower_id, instance.followed_id)


@receiver([post_save, post_delete], sender=GameState)
@receiver([post_save, post_delete], sender=FavouriteGame)
def _shelves_changed(sender, instance, **kwargs) -> None:
    _profiles_changed(instance.user_id)


@receiver(games_signals.favourites_changed)
def _favourites_replaced(sender, user, **kwargs) -> None:
    # Favourites are replaced in bulk, which sends no model signal.
    _profiles_changed(user.pk)


@receiver(games_signals.game_summary_changed)
def _game_summary_changed(sender, game, **kwargs) -> None:
    _all_profiles_changed()
