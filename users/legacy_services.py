"""
The original Overworld web client's writes and catalogue reads, as thin adapters over this API's own
services and selectors (see ../LEGACY_CLIENT.md in the README's section on the client).

The client toggles shelves where this API sets them, rates 0 to 5 in half stars where this API rates
1 to 10, and writes journal entries with fields of its own: each adapter translates and calls the
service that every other client uses, so what is done here shows through the API and back.
"""

import hashlib
import logging
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from games import selectors as games_selectors
from games import services as games_services
from games.igdb import get_client, parse_igdb_id
from games.models import FAVOURITES_MAX, FavouriteGame, Game, GameState, JournalEntry
from overworld.exceptions import NotFoundError, UpstreamError
from users.models import Activity, User

logger = logging.getLogger(__name__)

# The client's action names, and the shelf each toggles.
ACTION_SHELVES = {"log": "played", "like": "liked", "backlog": "backlog", "wishlist": "wishlist"}


# Ratings: the client's 0 to 5 in half stars is this API's 1 to 10; the client's 0 clears.


def rating_from_stars(stars: Decimal | None) -> int | None:
    """The API's rating (1 to 10, None for none) of the client's 0 to 5 in halves (0 or None: none)."""
    if stars is None or stars == 0:
        return None
    if stars < 0 or stars > 5 or (stars * 2) % 1:
        raise ValidationError({"rating": ["A rating is 0 to 5, in half stars (0 clears it)."]})
    return int(stars * 2)


def stars_from_rating(rating: int | None) -> float | None:
    return None if rating is None else rating / 2


def stars_text(rating: int) -> str:
    """A rating as the client's histograms key it: one decimal, "0.5" to "5.0"."""
    return f"{rating / 2:.1f}"


# Writes.


def legacy_shelf_toggle(
    *, user: User, action: str, igdb: str, metadata: dict
) -> tuple[GameState, bool, bool]:
    """
    Flips the shelf of the client's `action` (log, like, backlog, wishlist) for the game, which is
    created from `metadata` on first use. The state is read and set inside one transaction holding
    its row's lock, so two clicks at once apply one after the other: each flips what the other left.
    Logging a game puts it off the backlog. Returns the state, the shelf's new value and whether the
    game was taken off the backlog.
    """
    shelf = ACTION_SHELVES[action]
    game = games_services.game_get_or_create(igdb=igdb, metadata=metadata)
    with transaction.atomic():
        state, _ = GameState.objects.select_for_update().get_or_create(user=user, game=game)
        value = not getattr(state, shelf)
        flags = {shelf: value}
        removed_from_backlog = shelf == "played" and value and state.backlog
        if removed_from_backlog:
            flags["backlog"] = False
        # The same row, already locked by this transaction: the service applies the flip at once.
        state = games_services.game_state_update(user=user, igdb=game.igdb, flags=flags)
    return state, value, removed_from_backlog


def legacy_rate(*, user: User, igdb: str, metadata: dict, stars: Decimal) -> GameState:
    """Sets (or, with 0, clears) the user's rating of the game, given in the client's half stars."""
    rating = rating_from_stars(stars)
    games_services.game_get_or_create(igdb=igdb, metadata=metadata)
    return games_services.game_state_update(user=user, igdb=igdb, flags={}, rating=rating)


# The client's journal entry types: only "Finished" is a finish in this API's journal.
ENTRY_FINISHED = "F"


def legacy_journal_entry_create(*, user: User, igdb: str, metadata: dict, data: dict) -> JournalEntry:
    """
    Writes the log dialog's entry into the user's journal, and does what the client expects of a
    log: the game is played and off the backlog, and the entry's rating (if not 0) becomes the user's
    rating of the game, the stars the client shows next. The dialog's like is the entry's own
    (`JournalEntry.liked`, as in this API's journal), not the liked shelf. All or nothing.
    """
    rating = rating_from_stars(data.get("rating"))
    with transaction.atomic():
        entry = games_services.journal_entry_create(
            user=user,
            igdb=igdb,
            metadata=metadata,
            data={
                "played_on": data["date"],
                "finished": data.get("entry_type", ENTRY_FINISHED) == ENTRY_FINISHED,
                "platform": data.get("platform") or "",
                "review": data.get("review") or "",
                "spoilers": data.get("spoilers", False),
                "liked": data.get("liked", False),
                "rating": rating,
            },
        )
        flags = {"played": True, "backlog": False}
        extra = {"rating": rating} if rating is not None else {}
        games_services.game_state_update(user=user, igdb=entry.game.igdb, flags=flags, **extra)
    return entry


def legacy_favourite_add(*, user: User, igdb: str, metadata: dict) -> None:
    """Adds the game (created from `metadata` on first use) after the user's favourites; at most five."""
    game = games_services.game_get_or_create(igdb=igdb, metadata=metadata)
    with transaction.atomic():
        # The user's row is locked before the list is read: two additions at once keep both.
        User.objects.select_for_update().filter(pk=user.pk).first()
        current = list(FavouriteGame.objects.filter(user=user).values_list("game__igdb", flat=True))
        if game.igdb in current:
            return
        if len(current) >= FAVOURITES_MAX:
            raise ValidationError({"igdb": [f"At most {FAVOURITES_MAX} favourite games: remove one first."]})
        games_services.favourites_set(user=user, actor=user, igdb_ids=[*current, game.igdb])


def legacy_favourite_remove(*, user: User, igdb: str) -> None:
    """Takes the game off the user's favourites (nothing changes if it was not one)."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        current = list(FavouriteGame.objects.filter(user=user).values_list("game__igdb", flat=True))
        if igdb in current:
            games_services.favourites_set(
                user=user, actor=user, igdb_ids=[known for known in current if known != igdb]
            )


# Reads.


def legacy_journal(*, user: User, limit: int) -> list[JournalEntry]:
    """The user's `limit` latest journal entries (by the day played), with their games."""
    return list(
        JournalEntry.objects.filter(user=user).select_related("game").order_by("-played_on", "-id")[:limit]
    )


def legacy_recent_games(*, user: User, limit: int) -> list[Game]:
    """The games of the user's latest events (shelved, rated, logged), newest first, each once."""
    games: dict[int, Game] = {}
    # A few events per game at most (shelved, rated, logged...): a bounded window finds `limit` games.
    for activity in (
        Activity.objects.filter(actor=user, game__isnull=False)
        .select_related("game")
        .order_by("-id")[: limit * 8]
    ):
        games.setdefault(activity.game_id, activity.game)
        if len(games) == limit:
            break
    return list(games.values())


def legacy_user_ratings(*, user: User) -> list[int]:
    return list(
        GameState.objects.filter(user=user, rating__isnull=False)
        .order_by("-updated_at")
        .values_list("rating", flat=True)
    )


def legacy_game_ratings(*, slug: str) -> list[int]:
    """Every rating of the game with this slug (the first stored with it); [] for a game unknown here."""
    game = Game.objects.filter(slug=slug).order_by("id").first()
    if game is None:
        return []
    return list(GameState.objects.filter(game=game, rating__isnull=False).values_list("rating", flat=True))


def _cache_key(kind: str, *parts) -> str:
    digest = hashlib.sha256("\x00".join(map(str, parts)).encode()).hexdigest()
    return f"legacy:{kind}:{digest}"


def legacy_game_by_slug(*, slug: str) -> Game:
    """
    The game of the client's game page. With IGDB configured, its details come from IGDB, stored
    here like those of the API's own game page (and refreshed after IGDB_REFRESH_DAYS); a game unknown
    here is looked up in IGDB by its slug. Without IGDB, or when IGDB fails, the game as stored.
    NotFoundError when neither knows it.
    """
    game = Game.objects.filter(slug=slug).order_by("id").first()
    client = get_client()
    if client is None:
        if game is None:
            raise NotFoundError(slug)
        return game
    if game is not None:
        if parse_igdb_id(game.igdb) is not None:
            games_services.game_details_ensure(igdb=game.igdb)
            game.refresh_from_db()
        return game
    unknown_key = _cache_key("unknown-slug", slug)
    if cache.get(unknown_key):
        raise NotFoundError(slug)
    details = client.game_by_slug(slug)
    if details is None:
        cache.set(unknown_key, True, settings.IGDB_SEARCH_CACHE_SECONDS)
        raise NotFoundError(slug)
    return games_services.game_store_from_igdb(details=details)


def legacy_backdrop_game(*, igdb: str) -> Game:
    """
    The game of the landing page's backdrop: the one asked for when it is known (here, or in IGDB when
    configured); else a game stored here with the most images, so that the page shows a real backdrop.
    NotFoundError when no game is stored at all.
    """
    try:
        games_services.game_details_ensure(igdb=igdb)
    except (NotFoundError, UpstreamError):
        logger.info("Backdrop game %s unknown or IGDB failed; another game's images are shown.", igdb)
    game = Game.objects.filter(igdb=igdb).first()
    if game is not None:
        return game
    # The stored games with a backdrop or screenshots first (screenshots are a JSON list: "[]" is none).
    with_images = ~Q(backdrop_id="") | ~Q(screenshots=[])
    game = Game.objects.filter(with_images).order_by("-details_refreshed_at", "id").first()
    game = game or Game.objects.order_by("id").first()
    if game is None:
        raise NotFoundError(igdb)
    return game


def legacy_popular(*, limit: int) -> list:
    """
    The landing page's popular games: IGDB's most popular or the most shelved here (the API's own
    popular games); when nothing is shelved here yet, the games most recently stored, so that the
    page shows real games. NotFoundError when none is stored at all (an empty list would make the
    client ask again without end).
    """
    games = games_selectors.catalogue_popular(limit=limit).results
    if not games:
        games = list(Game.objects.order_by("-created_at", "-id")[:limit])
    if not games:
        raise NotFoundError("popular")
    return games


RELEASES_LIMIT = 6
RELEASES_WINDOW_DAYS = 365


def legacy_frontpage() -> dict[str, list]:
    """
    The signed-in home's recent and upcoming releases: from IGDB when configured (cached for
    IGDB_POPULAR_CACHE_SECONDS), else (or when IGDB fails) from the games stored here.
    """
    today = timezone.localdate()
    client = get_client()
    if client is not None:
        key = _cache_key("frontpage", today.isoformat())
        found = cache.get(key)
        if found is None:
            now = int(datetime.combine(today, time(), tzinfo=UTC).timestamp())
            window = RELEASES_WINDOW_DAYS * 86400
            try:
                found = {
                    "recents": client.releases(
                        after=now - window, before=now, limit=RELEASES_LIMIT, newest_first=True
                    ),
                    "upcoming": client.releases(
                        after=now, before=now + window, limit=RELEASES_LIMIT, newest_first=False
                    ),
                }
            except UpstreamError:
                logger.warning("IGDB releases failed; answering from the local catalogue.", exc_info=True)
                found = None
            else:
                cache.set(key, found, settings.IGDB_POPULAR_CACHE_SECONDS)
        if found is not None:
            return found
    dated = Game.objects.filter(first_release_date__isnull=False)
    return {
        "recents": list(
            dated.filter(first_release_date__lte=today).order_by("-first_release_date", "id")[:RELEASES_LIMIT]
        ),
        "upcoming": list(
            dated.filter(
                first_release_date__gt=today,
                first_release_date__lte=today + timedelta(days=RELEASES_WINDOW_DAYS),
            ).order_by("first_release_date", "id")[:RELEASES_LIMIT]
        ),
    }


COMPANY_GAMES_LIMIT = 50


def legacy_company_games(*, name: str) -> list[Game]:
    """
    The games stored here that this company developed (by its name, as IGDB writes it): the
    client's developer page. Stored games carry their developers' names, not IGDB's company ids.
    """
    # The JSON list is searched as text (any database), then each match is checked exactly.
    candidates = Game.objects.filter(developers__icontains=name).order_by("-first_release_date", "id")
    return [
        game
        for game in candidates[: COMPANY_GAMES_LIMIT * 2]
        if isinstance(game.developers, list) and name in game.developers
    ][:COMPANY_GAMES_LIMIT]
