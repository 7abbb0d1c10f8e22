"""
The anonymous profile, cached in the shared cache and invalidated by every write that changes it.

A profile is the most read answer of the API, and the same for every anonymous visitor; a signed-in
viewer sees it with a few fields of their own (`as_seen_by`). It is cached as its
encoded JSON (sent unchanged by overworld.renderers.JSONRenderer), stamped with two versions: the
user's (bumped by any write to the user, their shelves, their follows either way, their favourites)
and a global epoch (bumped by what changes many profiles at once: a game's metadata, a user
deactivated, reactivated or deleted). A stamp that no longer matches is a miss, so no write ever
waits for, or depends on, finding the entries to delete.

The cache is an accelerator, never a dependency: when it fails, the profile is built from the
database. An entry also expires after PROFILE_CACHE_SECONDS, which bounds how stale it can be if a
version bump was lost while the cache was down; 0 turns the cache off.
"""

import logging
import uuid
from collections.abc import Callable

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from games.models import FavouriteGame, Game, GameState
from overworld.renderers import EncodedJSON
from users.models import Follow, User
from users.selectors import user_get_active

logger = logging.getLogger(__name__)

EPOCH_KEY = "profile-epoch"


def _entry_key(username: str) -> str:
    # "json": entries of the encoded answer; the name changes with what an entry holds, so entries of
    # an earlier release are never read.
    return f"profile-json:{username.lower()}"


def _version_key(user_id: int) -> str:
    return f"profile-version:{user_id}"


def anonymous_profile(username: str, render: Callable[[User], dict]) -> EncodedJSON | dict:
    """
    The anonymous profile of `username`, as the data of a response: its JSON from the cache when its
    stamp is current; else the active user is looked up (NotFoundError when there is none),
    `render(user)` builds the profile's data, and its JSON is stored.
    """
    if settings.PROFILE_CACHE_SECONDS <= 0:  # the cache is off
        return EncodedJSON.encode(render(user_get_active(username=username)))
    entry_key = _entry_key(username)
    try:
        found = cache.get_many([entry_key, EPOCH_KEY])
        if entry_key in found:
            user_id, stamp, encoded = found[entry_key]
            if stamp == (cache.get(_version_key(user_id)), found.get(EPOCH_KEY)):
                return EncodedJSON(encoded)
    except Exception:
        # The cache only speeds things up: without it, the database answers.
        logger.warning("profile cache unavailable; profile built from the database", exc_info=True)
        return render(user_get_active(username=username))
    user = user_get_active(username=username)
    try:
        # The versions are read before the rows: a write meanwhile leaves this entry stale at once.
        stamp = (cache.get(_version_key(user.pk)), found.get(EPOCH_KEY))
    except Exception:
        logger.warning("profile cache unavailable; profile built from the database", exc_info=True)
        return render(user)
    encoded = EncodedJSON.encode(render(user))
    try:
        cache.set(entry_key, (user.pk, stamp, bytes(encoded)), timeout=settings.PROFILE_CACHE_SECONDS)
    except Exception:
        logger.warning("profile cache unavailable; profile not stored", exc_info=True)
    return encoded


def as_seen_by(profile: EncodedJSON | dict, viewer: User) -> dict:
    """
    The anonymous `profile` as `viewer`, signed in, sees it (ProfileSerializer's answer for them): to
    others, with whether they follow its owner and its owner follows them; to its owner, with their
    e-mail address, whether it is verified and the address awaiting confirmation, from their user row
    (read with their token, so current).
    """
    data = orjson.loads(memoryview(profile)) if isinstance(profile, bytes) else dict(profile)
    if data["id"] != viewer.pk:
        data["is_following"] = viewer.pk in data["followers"]
        data["follows_you"] = viewer.pk in data["following"]
        return data
    seen = {}
    for name, value in data.items():
        seen[name] = value
        if name == "username":  # where the serializer has them
            seen |= {
                "email": viewer.email,
                "email_verified": viewer.email_verified,
                "pending_email": viewer.pending_email or None,
            }
    return seen


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


def profiles_changed(*user_ids: int) -> None:
    """The profiles of these users changed."""
    _bump(*(_version_key(user_id) for user_id in user_ids))


def all_profiles_changed() -> None:
    """Something shown on many profiles changed (a game's metadata, whether a user exists)."""
    _bump(EPOCH_KEY)


@receiver(post_save, sender=User)
def _user_saved(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    profiles_changed(instance.pk)
    # Other profiles list this user only while active: a save that may have changed is_active (not a
    # login's last_login, nor a profile edit's named fields) may change them.
    if not created and (update_fields is None or "is_active" in update_fields):
        all_profiles_changed()


@receiver(post_delete, sender=User)
def _user_deleted(sender, instance: User, **kwargs) -> None:
    all_profiles_changed()


@receiver([post_save, post_delete], sender=Follow)
def _follow_changed(sender, instance: Follow, **kwargs) -> None:
    profiles_changed(instance.follower_id, instance.followed_id)


@receiver([post_save, post_delete], sender=GameState)
@receiver([post_save, post_delete], sender=FavouriteGame)
def _shelves_changed(sender, instance, **kwargs) -> None:
    profiles_changed(instance.user_id)


@receiver(post_save, sender=Game)
def _game_saved(sender, instance: Game, created: bool, **kwargs) -> None:
    # A new game is on no profile yet, and details IGDB refreshes (summary, genres, ...) are not shown
    # on profiles: only a change of what a profile shows of a game invalidates them all.
    if not created and instance.summary_changed():
        all_profiles_changed()


@receiver(post_delete, sender=Game)
def _game_deleted(sender, instance: Game, **kwargs) -> None:
    all_profiles_changed()
