"""Writes of the games app: the catalogue and each user's shelves."""

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone

from games import signals
from games.igdb import IgdbGame, get_client, parse_igdb_id
from games.models import FAVOURITES_MAX, SHELVES, FavouriteGame, Game, GameState, JournalEntry
from overworld.exceptions import ForbiddenError, NotFoundError, TooManyAttemptsError, UpstreamError
from overworld.throttling import QuotaThrottle

GAME_METADATA_FIELDS = ("name", "slug", "cover_id", "backdrop_id")


TOO_MANY_NEW_GAMES = "Too many games added to the catalogue; try again later."


def game_get_or_create(*, igdb: str, metadata: dict | None, creator: AbstractBaseUser | None = None) -> Game:
    """
    Returns the game with this IGDB id, creating it on first use. Metadata of a game that exists is
    never overwritten from here: staff curate it in the admin.

    With IGDB configured, a new game is made from IGDB's data for that id only, whatever `metadata`
    says (NotFoundError when IGDB has no such game; its 503 when it is down), so that no user can
    put games of their own naming into the catalogue. Without IGDB, it is made from `metadata`.
    Each creation counts against `creator`'s THROTTLE_GAME_CREATE (TooManyAttemptsError past it).
    """
    game = Game.objects.filter(igdb=igdb).first()
    if game is not None:
        return game
    if creator is not None:
        quota = QuotaThrottle("game_create", f"user-{creator.pk}")
        if not quota.allow_request(None, None):
            raise TooManyAttemptsError(TOO_MANY_NEW_GAMES, retry_after=max(1, math.ceil(quota.wait() or 1)))
    if get_client() is not None:
        game_details_ensure(igdb=igdb)
        return Game.objects.get(igdb=igdb)
    if not metadata or not metadata.get("name"):
        raise ValidationError(
            {"game": ["This game is unknown here: send game.name (and its other metadata)."]}
        )
    defaults = {field: metadata[field] for field in GAME_METADATA_FIELDS if metadata.get(field)}
    # get_or_create settles two first uses at once through the unique index on igdb.
    game, _ = Game.objects.get_or_create(igdb=igdb, defaults=defaults)
    return game


_UNCHANGED = object()


def game_state_update(
    *,
    user: AbstractBaseUser,
    igdb: str,
    flags: dict[str, bool],
    metadata: dict | None = None,
    rating: int | object | None = _UNCHANGED,
) -> GameState:
    """
    Sets any of the four shelf flags of `user` on the game `igdb`, and its rating (None clears it).
    Idempotent: setting what is already set changes nothing, timestamps included, so a retried
    request cannot undo itself. Each change is announced (games/signals.py): shelf_changed,
    rating_changed.
    """
    game = game_get_or_create(igdb=igdb, metadata=metadata, creator=user)
    unknown = set(flags) - set(SHELVES)
    if unknown:
        raise ValueError(f"Not shelves: {sorted(unknown)}")
    with transaction.atomic():
        # Read locked (or created), so that two requests for the same game apply one after the other.
        state, _ = GameState.objects.select_for_update().get_or_create(user=user, game=game)
        now = timezone.now()
        changed = []
        for shelf, value in flags.items():
            if state.set_shelf(shelf, value, at=now):
                changed += [shelf, f"{shelf}_at"]
                signals.shelf_changed.send(sender=GameState, user=user, game=game, shelf=shelf, on=value)
        if rating is not _UNCHANGED and rating != state.rating:
            state.rating = rating
            changed.append("rating")
            signals.rating_changed.send(sender=GameState, user=user, game=game, rating=rating)
        if changed:
            state.save(update_fields=[*changed, "updated_at"])
    state.game = game
    return state


JOURNAL_FIELDS = ("played_on", "finished", "platform", "review", "spoilers", "liked", "rating")


def journal_entry_create(
    *, user: AbstractBaseUser, igdb: str, data: dict, metadata: dict | None = None
) -> JournalEntry:
    """Adds an entry to the user's journal (the game is created from `metadata` on first use)."""
    game = game_get_or_create(igdb=igdb, metadata=metadata, creator=user)
    with transaction.atomic():
        entry = JournalEntry.objects.create(
            user=user, game=game, **{field: data[field] for field in JOURNAL_FIELDS if field in data}
        )
        signals.journal_entry_created.send(sender=JournalEntry, user=user, game=game, entry=entry)
    return entry


def _ensure_owner(*, entry: JournalEntry, actor: AbstractBaseUser) -> None:
    if entry.user_id != actor.pk:
        raise ForbiddenError("You can only change your own journal.")


def journal_entry_update(*, entry: JournalEntry, actor: AbstractBaseUser, data: dict) -> JournalEntry:
    """Edits an entry; only its owner may."""
    _ensure_owner(entry=entry, actor=actor)
    changes = {field: data[field] for field in JOURNAL_FIELDS if field in data}
    for field, value in changes.items():
        setattr(entry, field, value)
    if changes:
        entry.save(update_fields=[*changes, "updated_at"])
    return entry


def journal_entry_delete(*, entry: JournalEntry, actor: AbstractBaseUser) -> None:
    """Deletes an entry (and its event); only its owner may."""
    _ensure_owner(entry=entry, actor=actor)
    entry.delete()


def favourites_set(*, user: AbstractBaseUser, actor: AbstractBaseUser, igdb_ids: list[str]) -> list[Game]:
    """
    Replaces the user's favourite games with `igdb_ids`, in that order (at most five, each a game
    known here). Only the owner may; an empty list clears them.
    """
    if actor.pk != user.pk:
        raise ForbiddenError("You can only choose your own favourites.")
    if len(igdb_ids) > FAVOURITES_MAX:
        raise ValidationError({"games": [f"At most {FAVOURITES_MAX} favourite games."]})
    if len(set(igdb_ids)) != len(igdb_ids):
        raise ValidationError({"games": ["A game can only be a favourite once."]})
    games = {game.igdb: game for game in Game.objects.filter(igdb__in=igdb_ids)}
    unknown = [igdb for igdb in igdb_ids if igdb not in games]
    if unknown:
        raise ValidationError({"games": [f"Unknown game(s): {', '.join(unknown)}."]})
    with transaction.atomic():
        # Lock the user's row: two concurrent replacements apply one after the other.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        FavouriteGame.objects.filter(user=user).delete()
        FavouriteGame.objects.bulk_create(
            FavouriteGame(user=user, game=games[igdb], position=position)
            for position, igdb in enumerate(igdb_ids, start=1)
        )
        # bulk_create sends no model signals.
        signals.favourites_changed.send(sender=FavouriteGame, user=user)
    return [games[igdb] for igdb in igdb_ids]


# The catalogue's details from IGDB (games/igdb.py), the source of truth for them.

logger = logging.getLogger(__name__)

# Games per IGDB query of a bulk import.
IMPORT_BATCH_SIZE = 100


def game_store_from_igdb(*, details: IgdbGame) -> Game:
    """
    Creates or updates the game from IGDB's details, which replace the stored ones. Name, slug,
    cover and backdrop (the first artwork) are replaced only by values IGDB has: a game first
    created from a user's request keeps what IGDB lacks.
    """
    fields = {
        "summary": details.summary,
        "first_release_date": details.first_release_date,
        "genres": details.genres,
        "platforms": details.platforms,
        "developers": details.developers,
        "developer_ids": details.developer_ids,
        "screenshots": details.screenshots,
        "details_refreshed_at": timezone.now(),
    }
    for model_field, value in (
        ("name", details.name),
        ("slug", details.slug),
        ("cover_id", details.cover_id),
        ("backdrop_id", details.artwork_id),
    ):
        if value:
            fields[model_field] = value
    game, _ = Game.objects.update_or_create(
        igdb=details.igdb,
        defaults=fields,
        create_defaults={"name": f"IGDB game {details.igdb}", **fields},
    )
    return game


def game_details_are_fresh(*, game: Game) -> bool:
    """
    Whether the stored details are recent enough to serve as IGDB's. Details fetched before the
    developers' IGDB ids were kept (`developer_ids` null) are not: their next view fetches them once.
    """
    stale_before = timezone.now() - timedelta(days=settings.IGDB_REFRESH_DAYS)
    return (
        game.details_refreshed_at is not None
        and game.details_refreshed_at > stale_before
        and game.developer_ids is not None
    )


def game_details_ensure(*, igdb: str) -> str:
    """
    Fetches and stores the game's details from IGDB when they are missing or older than
    IGDB_REFRESH_DAYS. Returns where the stored details come from: "igdb", or "local" when IGDB is
    not configured, does not know this id, or failed (the stored data is then served as it is).
    Raises NotFoundError when neither knows the game, and IGDB's error when it fails and the game is
    unknown here.
    """
    game = Game.objects.filter(igdb=igdb).first()
    client = get_client()
    igdb_id = parse_igdb_id(igdb)
    if client is None or igdb_id is None:
        if game is None:
            raise NotFoundError(igdb)
        return "local"
    if game is not None and game_details_are_fresh(game=game):
        return "igdb"
    # An id IGDB does not know is not asked again for a while: unknown ids cannot drain the rate limit.
    unknown_key = f"igdb:unknown:{igdb_id}"
    if cache.get(unknown_key):
        found = []
    else:
        try:
            found = client.games([igdb_id])
        except UpstreamError:
            if game is None:
                raise
            logger.warning("IGDB failed; serving the stored details of game %s.", igdb, exc_info=True)
            return "local"
    if not found:
        cache.set(unknown_key, True, settings.IGDB_SEARCH_CACHE_SECONDS)
        if game is None:
            raise NotFoundError(igdb)
        return "local"
    game_store_from_igdb(details=found[0])
    return "igdb"


@dataclass(frozen=True)
class ImportReport:
    created: list[str]
    updated: list[str]
    missing: list[int]


def games_import(
    *,
    ids: list[int] | None = None,
    search: str | None = None,
    limit: int = 50,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """
    Imports or refreshes games from IGDB in bulk: the games with `ids` (IMPORT_BATCH_SIZE per query),
    or IGDB's first `limit` matches of `search`. `progress(done, total)` is called as games are
    stored. IGDB's errors propagate; the games stored before stay stored.
    """
    client = get_client(bounded=False)
    if client is None:
        raise ImproperlyConfigured("IGDB_CLIENT_ID and IGDB_CLIENT_SECRET are not set.")
    report = ImportReport(created=[], updated=[], missing=[])
    if search is not None:
        found = client.search(search, limit=limit, detailed=True)
        _games_store(found=found, report=report, progress=progress, done=0, total=len(found))
        return report
    ids = list(dict.fromkeys(ids or []))
    for start in range(0, len(ids), IMPORT_BATCH_SIZE):
        batch = ids[start : start + IMPORT_BATCH_SIZE]
        found = client.games(batch)
        stored = {details.igdb for details in found}
        report.missing.extend(igdb_id for igdb_id in batch if str(igdb_id) not in stored)
        _games_store(found=found, report=report, progress=progress, done=start, total=len(ids))
        if progress:
            progress(start + len(batch), len(ids))
    return report


def _games_store(
    *, found: list[IgdbGame], report: ImportReport, progress: Callable | None, done: int, total: int
) -> None:
    igdb_ids = [details.igdb for details in found]
    known = set(Game.objects.filter(igdb__in=igdb_ids).values_list("igdb", flat=True))
    for details in found:
        game_store_from_igdb(details=details)
        (report.updated if details.igdb in known else report.created).append(details.igdb)
        done += 1
        if progress:
            progress(done, total)
