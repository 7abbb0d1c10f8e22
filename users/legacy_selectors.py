"""
The original Overworld web client's reads (users/legacy.py): its catalogue from IGDB when configured,
else from the games stored here, and the lists of its profile and game pages.
"""

import hashlib
import logging
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from games import selectors as games_selectors
from games.igdb import get_client
from games.models import Game, GameState, JournalEntry
from overworld.exceptions import NotFoundError, UpstreamError
from users.models import Activity, User

logger = logging.getLogger(__name__)


def legacy_journal_list(*, user: User, limit: int) -> list[JournalEntry]:
    """The user's `limit` latest journal entries (by the day played), with their games."""
    return list(
        JournalEntry.objects.filter(user=user).select_related("game").order_by("-played_on", "-id")[:limit]
    )


def legacy_recent_games_list(*, user: User, limit: int) -> list[Game]:
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


def legacy_user_ratings_list(*, user: User) -> list[int]:
    return list(
        GameState.objects.filter(user=user, rating__isnull=False)
        .order_by("-updated_at")
        .values_list("rating", flat=True)
    )


def legacy_game_ratings_list(*, slug: str) -> list[int]:
    """Every rating of the game with this slug (the first stored with it); [] for a game unknown here."""
    game = Game.objects.filter(slug=slug).order_by("id").first()
    if game is None:
        return []
    return list(GameState.objects.filter(game=game, rating__isnull=False).values_list("rating", flat=True))


def _cache_key(kind: str, *parts) -> str:
    digest = hashlib.sha256("\x00".join(map(str, parts)).encode()).hexdigest()
    return f"legacy:{kind}:{digest}"


def legacy_popular_list(*, limit: int) -> list:
    """
    The landing page's popular games: IGDB's most popular or the most shelved here (the API's own
    popular games); when nothing is shelved here yet, the games most recently stored, so that the
    page shows real games. NotFoundError when none is stored at all (an empty list would make the
    client ask again without end).
    """
    games = games_selectors.catalogue_popular_list(limit=limit).results
    if not games:
        games = list(Game.objects.order_by("-created_at", "-id")[:limit])
    if not games:
        raise NotFoundError("popular")
    return games


RELEASES_LIMIT = 6
RELEASES_WINDOW_DAYS = 365


def legacy_releases_get() -> dict[str, list]:
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


def legacy_company_games_list(*, name: str) -> list[Game]:
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
