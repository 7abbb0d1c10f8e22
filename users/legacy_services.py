"""
The original Overworld web client's writes (users/legacy.py), as thin adapters over this API's own
services (the README's "Using the original Overworld web client"); its reads are in
users/legacy_selectors.py.

The client toggles shelves where this API sets them, rates 0 to 5 in half stars where this API rates
1 to 10, and writes journal entries with fields of its own: each adapter translates and calls the
service that every other client uses, so what is done here shows through the API and back.
"""

import hashlib
import logging
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from games import services as games_services
from games.igdb import get_client, parse_igdb_id
from games.models import FAVOURITES_MAX, FavouriteGame, Game, GameState, JournalEntry
from overworld.exceptions import NotFoundError, UpstreamError
from users.models import User

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
    game = games_services.game_get_or_create(igdb=igdb, metadata=metadata, creator=user)
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


def legacy_rating_set(*, user: User, igdb: str, metadata: dict, stars: Decimal) -> GameState:
    """Sets (or, with 0, clears) the user's rating of the game, given in the client's half stars."""
    rating = rating_from_stars(stars)
    games_services.game_get_or_create(igdb=igdb, metadata=metadata, creator=user)
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
    game = games_services.game_get_or_create(igdb=igdb, metadata=metadata, creator=user)
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


# The catalogue's games a page of the client shows, fetched from IGDB and stored here when configured
# (as the API's own game page stores them).


def legacy_game_ensure(*, slug: str) -> Game:
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
    unknown_key = "legacy:unknown-slug:" + hashlib.sha256(slug.encode()).hexdigest()
    if cache.get(unknown_key):
        raise NotFoundError(slug)
    details = client.game_by_slug(slug)
    if details is None:
        cache.set(unknown_key, True, settings.IGDB_SEARCH_CACHE_SECONDS)
        raise NotFoundError(slug)
    return games_services.game_store_from_igdb(details=details)


def legacy_backdrop_game_ensure(*, igdb: str) -> Game:
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
