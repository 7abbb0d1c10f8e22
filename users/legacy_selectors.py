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
from games.igdb import IgdbCompany, get_client, parse_igdb_id
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


def legacy_company_get(*, company: str) -> IgdbCompany:
    """
    The client's developer page, for the company the game page links to. With IGDB configured, the
    game page links a developer by its IGDB company id: the company and the games it developed come
    from IGDB (cached for IGDB_POPULAR_CACHE_SECONDS; an id IGDB does not know is a NotFoundError,
    not asked again for IGDB_SEARCH_CACHE_SECONDS). When IGDB fails, the games stored here that
    this company developed (by its id), or IGDB's error when none is. Without IGDB, or for a name,
    the games stored here that the company of that name developed.
    """
    client = get_client()
    igdb_id = parse_igdb_id(company)
    if client is None or igdb_id is None:
        return IgdbCompany(igdb="", name=company, developed=_company_games(name=company))
    key = _cache_key("company", igdb_id)
    found = cache.get(key)
    if found is None:
        try:
            found = client.company(igdb_id)
        except UpstreamError:
            local = _company_page_stored(igdb_id=igdb_id)
            if local is None:
                raise
            logger.warning(
                "IGDB company %s failed; answering from the local catalogue.", igdb_id, exc_info=True
            )
            return local
        if found is None:
            # Remembered as unknown (False): unknown ids cannot drain the rate limit.
            cache.set(key, False, settings.IGDB_SEARCH_CACHE_SECONDS)
            raise NotFoundError(company)
        cache.set(key, found, settings.IGDB_POPULAR_CACHE_SECONDS)
    if found is False:
        raise NotFoundError(company)
    return found


def _company_games(*, name: str) -> list[Game]:
    """
    The games stored here that the company of this name developed (as IGDB writes it): games made
    without IGDB carry their developers' names only.
    """
    # The JSON list is searched as text (any database), then each match is checked exactly.
    candidates = Game.objects.filter(developers__icontains=name).order_by("-first_release_date", "id")
    return [
        game
        for game in candidates[: COMPANY_GAMES_LIMIT * 2]
        if isinstance(game.developers, list) and name in game.developers
    ][:COMPANY_GAMES_LIMIT]


def _company_page_stored(*, igdb_id: int) -> IgdbCompany | None:
    """The games stored here that the company with this IGDB id developed, under its name; None if none."""
    key = str(igdb_id)
    games = list(
        Game.objects.filter(developer_ids__has_key=key).order_by("-first_release_date", "id")[
            :COMPANY_GAMES_LIMIT
        ]
    )
    if not games:
        return None
    return IgdbCompany(igdb=key, name=str(games[0].developer_ids[key]), developed=games)
