from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from games import selectors, services
from games.models import IGDB_ID_PATTERN, GameState
from games.serializers import (
    CataloguePopularQuerySerializer,
    CatalogueSearchQuerySerializer,
    CatalogueSerializer,
    GameCatalogueDetailSerializer,
    GameStateSerializer,
    GameStateUpdateSerializer,
    GameSummarySerializer,
    JournalEntryCreateSerializer,
    JournalEntrySerializer,
    JournalEntryUpdateSerializer,
)
from overworld.exceptions import NotFoundError
from overworld.pagination import INVALID_CURSOR, KEYSET_PARAMETERS, KeysetPagination, paginated
from overworld.parsing import validated
from overworld.permissions import HasVerifiedEmail, owner_writes_permissions
from overworld.schema import (
    FORBIDDEN,
    field_errors,
    operation,
    path_parameter,
    redescribed,
)
from overworld.throttling import ScopedClientRateThrottle

IGDB_PARAMETER = path_parameter("igdb", IGDB_ID_PATTERN, "The game's IGDB id.")
UNVERIFIED = redescribed(
    FORBIDDEN,
    "Only when EMAIL_VERIFICATION_REQUIRED is on: your e-mail address is not verified yet.",
)


def game_creating_operation(tag: str, summary: str, **kwargs):
    """
    The schema of a write by a verified user that creates the game it names when it is unknown here
    (from IGDB's data when IGDB is configured): IGDB may not know the game, or fail, and the games a
    user creates are limited (THROTTLE_GAME_CREATE).
    """
    errors = ("unauthorized", "not_found", "throttled", "igdb")
    return operation(tag, summary, errors=errors, responses={403: UNVERIFIED}, **kwargs)


class CatalogueView(APIView):
    # Public, and limited per client: it may reach IGDB.
    permission_classes = [AllowAny]
    throttle_classes = [ScopedClientRateThrottle]
    throttle_scope = "catalogue"


class GameListView(APIView):
    permission_classes = [AllowAny]

    @operation(
        "games",
        "List games",
        description=(
            "The games known here, by name; with `search`, those whose name contains it (any letter "
            "case; a text of one or two characters: names that start with it), exact names first, then "
            "names that start with it, then the closest."
        ),
        parameters=[
            OpenApiParameter("search", str, description="Part of the game's name, any letter case."),
            *KEYSET_PARAMETERS,
        ],
        ok=paginated(GameSummarySerializer),
        invalid=INVALID_CURSOR,
    )
    def get(self, request):
        games, ordering = selectors.game_list(search=request.query_params.get("search", "").strip())
        paginator = KeysetPagination(ordering)
        page = paginator.paginate_queryset(games, request, view=self)
        return paginator.get_paginated_response(GameSummarySerializer(page, many=True).data)


class GameDetailView(CatalogueView):
    @operation(
        "games",
        "Game",
        parameters=[IGDB_PARAMETER],
        description=(
            "A game, with how many users have it on each shelf, and its details from IGDB (summary, "
            "genres, platforms, release date, cover, screenshots, developers): fetched and stored on "
            "first view, fetched again when older than `IGDB_REFRESH_DAYS`. `source` says whether IGDB "
            "stands behind them. When IGDB fails, a game known here is served as stored (`source: "
            "local`); a game unknown here is then a 503 (or a 502). A game neither here nor in IGDB is "
            "a 404."
        ),
        ok=GameCatalogueDetailSerializer,
        errors=("not_found", "throttled", "igdb"),
    )
    def get(self, request, igdb: str):
        source = services.game_details_ensure(igdb=igdb)
        game = selectors.game_get_with_shelf_counts(igdb=igdb)
        if game is None:
            raise NotFoundError(igdb)
        return Response(GameCatalogueDetailSerializer(game, context={"source": source}).data)


@extend_schema(parameters=[IGDB_PARAMETER])
class GameStateView(APIView):
    permission_classes = [IsAuthenticated, HasVerifiedEmail]

    @operation(
        "games",
        "Your shelves for a game",
        description="All false for a game you never touched (or one unknown here).",
        ok=GameStateSerializer,
        errors=("unauthorized", "not_found"),
    )
    def get(self, request, igdb: str):
        state = selectors.game_state_get(user=request.user, igdb=igdb) or GameState()
        return Response(GameStateSerializer(state).data)

    @game_creating_operation(
        "games",
        "Put a game on or off your shelves",
        description=(
            "Any subset of the four flags; a flag already set changes nothing (no toggles). A game "
            "unknown here is created on first use: with IGDB configured from IGDB's data for this id "
            "only (`game` is ignored; `404` when IGDB has no such game), else from `game`, which then "
            "needs at least `name`. The metadata of a known game is not changed by this request. "
            "Games created are limited per user (`THROTTLE_GAME_CREATE`)."
        ),
        request=GameStateUpdateSerializer,
        ok=GameStateSerializer,
        invalid=field_errors("GameStateUpdateError", GameStateUpdateSerializer),
    )
    def patch(self, request, igdb: str):
        data = dict(validated(GameStateUpdateSerializer, request.data))
        metadata = data.pop("game", None)
        rating = {"rating": data.pop("rating")} if "rating" in data else {}
        state = services.game_state_update(
            user=request.user, igdb=igdb, flags=data, metadata=metadata, **rating
        )
        return Response(GameStateSerializer(state).data)


class JournalCreateView(APIView):
    permission_classes = [IsAuthenticated, HasVerifiedEmail]

    @game_creating_operation(
        "journal",
        "Write a journal entry",
        request=JournalEntryCreateSerializer,
        description=(
            "A game unknown here is created as by the shelves' PATCH: from IGDB's data when IGDB is "
            "configured, else from `game`; limited per user (`THROTTLE_GAME_CREATE`)."
        ),
        status=201,
        ok=JournalEntrySerializer,
        invalid=field_errors("JournalEntryError", JournalEntryCreateSerializer),
    )
    def post(self, request):
        data = dict(validated(JournalEntryCreateSerializer, request.data))
        igdb, metadata = data.pop("igdb"), data.pop("game", None)
        entry = services.journal_entry_create(user=request.user, igdb=igdb, data=data, metadata=metadata)
        return Response(JournalEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class JournalEntryView(APIView):
    def get_permissions(self):
        return owner_writes_permissions(self.request)

    @staticmethod
    def entry(entry_id: int):
        entry = selectors.journal_entry_get(entry_id=entry_id)
        if entry is None:
            raise NotFoundError(entry_id)
        return entry

    @operation("journal", "A journal entry", ok=JournalEntrySerializer, errors=("not_found",))
    def get(self, request, entry_id: int):
        return Response(JournalEntrySerializer(self.entry(entry_id)).data)

    @operation(
        "journal",
        "Edit a journal entry",
        description="Owner only; any of the fields.",
        request=JournalEntryUpdateSerializer,
        ok=JournalEntrySerializer,
        invalid=field_errors("JournalEntryUpdateError", JournalEntryUpdateSerializer),
        errors=("unauthorized", "forbidden", "not_found"),
    )
    def patch(self, request, entry_id: int):
        entry = self.entry(entry_id)
        data = validated(JournalEntryUpdateSerializer, request.data)
        entry = services.journal_entry_update(entry=entry, actor=request.user, data=data)
        return Response(JournalEntrySerializer(entry).data)

    @operation(
        "journal",
        "Delete a journal entry",
        description="Owner only.",
        status=204,
        errors=("unauthorized", "forbidden", "not_found"),
    )
    def delete(self, request, entry_id: int):
        services.journal_entry_delete(entry=self.entry(entry_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# The catalogue fed by IGDB: search and popular games.


class GameSearchView(CatalogueView):
    @operation(
        "games",
        "Search the catalogue",
        description=(
            "IGDB's matches for `q` (cached for `IGDB_SEARCH_CACHE_SECONDS`), then the games known here "
            "that IGDB did not return, at most `limit`. Without IGDB credentials, or when IGDB fails, "
            "the local matches alone, with `source: local`; when IGDB fails and nothing matches here, "
            "a 503 (or a 502)."
        ),
        parameters=[CatalogueSearchQuerySerializer],
        ok=CatalogueSerializer,
        invalid=field_errors("CatalogueSearchError", ["q", "limit"]),
        errors=("throttled", "igdb"),
    )
    def get(self, request):
        data = validated(CatalogueSearchQuerySerializer, request.query_params)
        catalogue = selectors.catalogue_search(text=data["q"], limit=data["limit"])
        return Response(CatalogueSerializer(catalogue).data)


class GamePopularView(CatalogueView):
    @operation(
        "games",
        "Popular games",
        description=(
            "The most visited games on IGDB (its popularity data, cached for "
            "`IGDB_POPULAR_CACHE_SECONDS`). Without IGDB credentials, or when IGDB fails, the games on "
            "the most users' shelves here, with `source: local`; when IGDB fails and no game is shelved "
            "here, a 503 (or a 502). At `/api/games/trending/`: `/api/games/popular/` is the original "
            "web client's, in its own shape."
        ),
        parameters=[CataloguePopularQuerySerializer],
        ok=CatalogueSerializer,
        invalid=field_errors("CataloguePopularError", ["limit"]),
        errors=("throttled", "igdb"),
    )
    def get(self, request):
        data = validated(CataloguePopularQuerySerializer, request.query_params)
        catalogue = selectors.catalogue_popular_list(limit=data["limit"])
        return Response(CatalogueSerializer(catalogue).data)
