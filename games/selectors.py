"""Reads of the games app."""

import hashlib
import logging
import operator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.postgres.search import TrigramSimilarity
from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Length

from games.igdb import get_client, parse_igdb_id
from games.models import (
    GAME_SUMMARY_FIELDS,
    RATING_MAX,
    RATING_MIN,
    SHELVES,
    FavouriteGame,
    Game,
    GameState,
    JournalEntry,
)
from overworld.exceptions import UpstreamError

# Search by name. On PostgreSQL the case-insensitive lookups below compare UPPER(name), which the
# trigram index games_game_name_trgm holds: a match is found by the index, not by reading the catalogue.
# Texts shorter than a trigram match names that start with them (the index has each name's leading
# "  x" and " xy" trigrams), longer ones anywhere in the name.
SEARCH_SUBSTRING_MIN_LENGTH = 3
# Exact names first, then names that start with the text, then the rest; within each, the closest
# (PostgreSQL: trigram similarity; elsewhere: the shortest name), then by name.
SEARCH_ORDERING = ("match_rank", "-closeness", "name", "id")
GAME_LIST_ORDERING = ("name", "id")
SIMILARITY_SCALE = 10_000  # similarity (0..1) as an integer, exact in a page's cursor


def game_search(*, text: str) -> QuerySet[Game]:
    """Games whose name matches `text` (any letter case), annotated for SEARCH_ORDERING."""
    text = " ".join(text.split())
    lookup = "icontains" if len(text) >= SEARCH_SUBSTRING_MIN_LENGTH else "istartswith"
    if connection.vendor == "postgresql":
        closeness = Cast(TrigramSimilarity("name", text) * SIMILARITY_SCALE, IntegerField())
    else:
        closeness = -Length("name")
    return Game.objects.filter(**{f"name__{lookup}": text}).annotate(
        match_rank=Case(
            When(name__iexact=text, then=Value(0)),
            When(name__istartswith=text, then=Value(1)),
            default=Value(2),
        ),
        closeness=closeness,
    )


def game_list(*, search: str = "") -> tuple[QuerySet[Game], tuple[str, ...]]:
    """The catalogue, or its games matching `search`, and the ordering to page them by (keyset)."""
    if search:
        return game_search(text=search), SEARCH_ORDERING
    return Game.objects.all(), GAME_LIST_ORDERING


RATINGS = range(RATING_MIN, RATING_MAX + 1)


def game_get_with_shelf_counts(*, igdb: str) -> Game | None:
    """
    The game with, in one query: as `<shelf>_count`, how many users have it on each shelf; its
    `rating_average` and `rating_count`; and `rating_<n>_count` for each rating n from 1 to 10.
    """
    return (
        Game.objects.filter(igdb=igdb)
        .annotate(
            **{
                f"{shelf}_count": Count("states", filter=Q(**{f"states__{shelf}": True})) for shelf in SHELVES
            },
            rating_average=Avg("states__rating"),
            rating_count=Count("states__rating"),
            **{f"rating_{value}_count": Count("states", filter=Q(states__rating=value)) for value in RATINGS},
        )
        .first()
    )


def game_state_get(*, user: AbstractBaseUser, igdb: str) -> GameState | None:
    return GameState.objects.filter(user=user, game__igdb=igdb).first()


@dataclass(frozen=True)
class Shelves:
    """Each shelf's games as GameSummarySerializer would render them, newest first."""

    played: list[dict]
    liked: list[dict]
    backlog: list[dict]
    wishlist: list[dict]


def shelves_get(*, user: AbstractBaseUser) -> Shelves:
    """
    The user's four shelves, each newest first, in one query whatever their length. A profile can
    hold thousands of games, so rows are read as values, not model instances, and each game's
    summary is built once however many shelves it is on.
    """
    rows = (
        GameState.objects.filter(user=user)
        .filter(Q(played=True) | Q(liked=True) | Q(backlog=True) | Q(wishlist=True))
        .values_list(
            "id",
            *(f"{shelf}_at" for shelf in SHELVES),
            *(f"game__{field}" for field in GAME_SUMMARY_FIELDS),
        )
    )
    # Per row: the state's id, a timestamp per shelf, then the game's summary.
    timestamps = slice(1, 1 + len(SHELVES))
    summary = slice(1 + len(SHELVES), None)
    entries: list[list[tuple]] = [[] for _ in SHELVES]
    for row in rows:
        game = dict(zip(GAME_SUMMARY_FIELDS, row[summary], strict=True))
        for shelf_entries, shelved_at in zip(entries, row[timestamps], strict=True):
            # A shelf's timestamp is set exactly when the game is on it (a database constraint).
            if shelved_at is not None:
                shelf_entries.append((shelved_at, row[0], game))
    newest_first = operator.itemgetter(0, 1)  # by timestamp, then by state (the order of the paged lists)
    return Shelves(
        **{
            shelf: [game for *_, game in sorted(shelf_entries, key=newest_first, reverse=True)]
            for shelf, shelf_entries in zip(SHELVES, entries, strict=True)
        }
    )


def shelf_states_list(*, user: AbstractBaseUser, shelf: str) -> QuerySet[GameState]:
    """The user's games on `shelf`, with each game; page them newest first by `<shelf>_at`."""
    return GameState.objects.filter(user=user, **{shelf: True}).select_related("game")


def favourites_list(*, user: AbstractBaseUser) -> list[Game]:
    return [favourite.game for favourite in FavouriteGame.objects.filter(user=user).select_related("game")]


def journal_entry_list(*, user: AbstractBaseUser) -> QuerySet[JournalEntry]:
    """The user's journal, with each entry's game; page it newest first by `played_on`."""
    return JournalEntry.objects.filter(user=user).select_related("game", "user")


def journal_entry_get(*, entry_id: int) -> JournalEntry | None:
    return (
        JournalEntry.objects.filter(pk=entry_id, user__is_active=True).select_related("game", "user").first()
    )


@dataclass(frozen=True)
class Stats:
    shelves: dict[str, int]
    finished_per_year: list[dict]
    rating_histogram: dict[str, int]
    journal_entries_this_year: int


def stats_get(*, user: AbstractBaseUser, year: int) -> Stats:
    """A user's numbers, in three queries whatever their size."""
    states = GameState.objects.filter(user=user).aggregate(
        **{shelf: Count("id", filter=Q(**{shelf: True})) for shelf in SHELVES},
        **{f"rating_{value}": Count("id", filter=Q(rating=value)) for value in RATINGS},
    )
    finished = (
        JournalEntry.objects.filter(user=user, finished=True)
        .values("played_on__year")
        .annotate(games=Count("game", distinct=True))
        .order_by("-played_on__year")
    )
    return Stats(
        shelves={shelf: states[shelf] for shelf in SHELVES},
        finished_per_year=[{"year": row["played_on__year"], "games": row["games"]} for row in finished],
        rating_histogram={str(value): states[f"rating_{value}"] for value in RATINGS},
        journal_entries_this_year=JournalEntry.objects.filter(user=user, played_on__year=year).count(),
    )


# The catalogue: IGDB (games/igdb.py) merged with the games known here.

logger = logging.getLogger(__name__)

SOURCE_IGDB = "igdb"
SOURCE_LOCAL = "local"


@dataclass(frozen=True)
class Catalogue:
    """
    Games for a catalogue answer (IgdbGame or Game, the same attributes), and where they come from:
    "igdb", or "local" when IGDB is not configured or failed and the database answered alone.
    """

    source: str
    results: list


def _catalogue_cache_key(kind: str, *parts) -> str:
    # Hashed: user input never becomes a cache key as such (length, control characters).
    digest = hashlib.sha256("\x00".join(map(str, parts)).encode()).hexdigest()
    return f"igdb:{kind}:{digest}"


def catalogue_search(*, text: str, limit: int) -> Catalogue:
    """
    Games whose name matches `text`: IGDB's matches (cached for IGDB_SEARCH_CACHE_SECONDS), then the
    local games IGDB did not return (the same IGDB id is the same game), at most `limit` in all.
    When IGDB fails, the local matches alone; when it fails and none match here, its error.
    """
    text = " ".join(text.split())
    local = list(game_search(text=text).order_by(*SEARCH_ORDERING)[:limit])
    client = get_client()
    if client is None:
        return Catalogue(SOURCE_LOCAL, local)
    key = _catalogue_cache_key("search", limit, text.casefold())
    found = cache.get(key)
    if found is None:
        try:
            found = client.search(text, limit=limit)
        except UpstreamError:
            if not local:
                raise
            logger.warning("IGDB search failed; answering from the local catalogue.", exc_info=True)
            return Catalogue(SOURCE_LOCAL, local)
        cache.set(key, found, settings.IGDB_SEARCH_CACHE_SECONDS)
    known = {game.igdb for game in found}
    return Catalogue(SOURCE_IGDB, [*found, *(game for game in local if game.igdb not in known)][:limit])


def game_list_most_shelved(*, limit: int) -> list[Game]:
    """
    The local games on the most users' shelves (any shelf), most first, ties by the game added first:
    the top of an index over the counts games/popularity.py keeps, not a count of every shelf.
    """
    return list(
        Game.objects.filter(popularity__users_count__gt=0).order_by(
            "-popularity__users_count", "popularity__game_id"
        )[:limit]
    )


def catalogue_popular_list(*, limit: int) -> Catalogue:
    """
    IGDB's most popular games (cached for IGDB_POPULAR_CACHE_SECONDS); without IGDB, or when it
    fails, the games most shelved here; when it fails and none are, its error.
    """
    client = get_client()
    if client is None:
        return Catalogue(SOURCE_LOCAL, game_list_most_shelved(limit=limit))
    key = _catalogue_cache_key("popular", limit)
    found = cache.get(key)
    if found is None:
        try:
            found = client.popular(limit=limit)
        except UpstreamError:
            local = game_list_most_shelved(limit=limit)
            if not local:
                raise
            logger.warning("IGDB popular games failed; answering from the local catalogue.", exc_info=True)
            return Catalogue(SOURCE_LOCAL, local)
        cache.set(key, found, settings.IGDB_POPULAR_CACHE_SECONDS)
    return Catalogue(SOURCE_IGDB, found)


def game_ids_list_stale(*, refreshed_before) -> list[int]:
    """
    IGDB ids of the local games whose IGDB details are missing or older than `refreshed_before`, or
    were fetched before the developers' ids were kept (services.game_details_are_fresh).
    """
    igdb_ids = (
        Game.objects.filter(
            Q(details_refreshed_at__isnull=True)
            | Q(details_refreshed_at__lt=refreshed_before)
            | Q(developer_ids__isnull=True)
        )
        .order_by("id")
        .values_list("igdb", flat=True)
    )
    return [number for number in map(parse_igdb_id, igdb_ids) if number is not None]
