from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from games import selectors, services
from games.models import IGDB_ID_PATTERN, SHELVES, GameState
from games.serializers import (
    GameDetailSerializer,
    GameStateSerializer,
    GameStateUpdateSerializer,
    GameSummarySerializer,
)
from overworld.exceptions import NotFoundError
from overworld.schema import NOT_FOUND, UNAUTHORIZED, field_errors, path_parameter

IGDB_PARAMETER = path_parameter("igdb", IGDB_ID_PATTERN, "The game's IGDB id.")


class GamePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class GameListView(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = GameSummarySerializer
    pagination_class = GamePagination

    def get_queryset(self):
        return selectors.game_list(search=self.request.query_params.get("search", "").strip())

    @extend_schema(
        tags=["games"],
        summary="List games",
        responses={200: GameSummarySerializer(many=True), 404: NOT_FOUND},
        parameters=[OpenApiParameter("search", str, description="Part of the game's name, any letter case.")],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class GameDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["games"],
        summary="Game",
        parameters=[IGDB_PARAMETER],
        description="A game, with how many users have it on each shelf.",
        responses={200: GameDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, igdb: str):
        game = selectors.game_get_with_shelf_counts(igdb=igdb)
        if game is None:
            raise NotFoundError(igdb)
        return Response(GameDetailSerializer(game).data)


class GameStateView(APIView):
    @extend_schema(
        tags=["games"],
        summary="Your shelves for a game",
        description="All false for a game you never touched (or one unknown here).",
        parameters=[IGDB_PARAMETER],
        responses={200: GameStateSerializer, 401: UNAUTHORIZED, 404: NOT_FOUND},
    )
    def get(self, request, igdb: str):
        state = selectors.game_state_get(user=request.user, igdb=igdb) or GameState()
        return Response(GameStateSerializer(state).data)

    @extend_schema(
        tags=["games"],
        summary="Put a game on or off your shelves",
        parameters=[IGDB_PARAMETER],
        description=(
            "Any subset of the four flags; a flag already set changes nothing (no toggles). A game "
            "unknown here is created from `game`, which then needs at least `name`; the metadata of "
            "a known game is not changed by this request."
        ),
        request=GameStateUpdateSerializer,
        responses={
            200: GameStateSerializer,
            400: field_errors("GameStateUpdateError", [*SHELVES, "game"]),
            401: UNAUTHORIZED,
            404: NOT_FOUND,
        },
    )
    def patch(self, request, igdb: str):
        serializer = GameStateUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        metadata = data.pop("game", None)
        state = services.game_state_update(user=request.user, igdb=igdb, flags=data, metadata=metadata)
        return Response(GameStateSerializer(state).data)
