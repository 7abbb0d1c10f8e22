"""
The original Overworld web client's routes (danielgrijalva/overworld-old, `frontend/`): each request
it makes, at its exact path, answered in the shape it reads (the README's "Using the original
Overworld web client"). Writes go through users/legacy_services.py, over the services every other
client uses; reads through users/legacy_selectors.py.

Where the client needs a field the data does not have, the closest real data fills it, never
invented data; each fill is named where it happens ("Fill:") and listed in the README:

- a game's `id` is its IGDB id, a number when it is one (a game created here under another id keeps it);
- a cover missing: the game's backdrop, else its first screenshot, else IGDB's own "no cover" image
  (the id the client itself falls back to);
- fewer than two screenshots (the client needs two for its buttons): the backdrop, then the cover,
  then the first image again;
- platforms and genres are stored by name: the name is their `id` too; so are developers without
  IGDB (with IGDB, a developer's `id` is its IGDB company id, where its developer page comes from);
- a developer's page from the games stored here (without IGDB, or when IGDB fails): the games it
  developed, no description; a logo missing (there, or at IGDB): IGDB's "no cover" image.
"""

import re
from datetime import UTC, date, datetime, time

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from games.igdb import is_configured, parse_igdb_id
from games.models import IGDB_ID_PATTERN, SHELVES, Game, GameState
from games.selectors import catalogue_search, favourites_list, game_state_get
from games.serializers import GameSummarySerializer, JournalEntryUpdateSerializer
from games.views import UNVERIFIED, CatalogueView
from overworld.parsing import validated
from overworld.permissions import HasVerifiedEmail
from overworld.schema import (
    BAD_GATEWAY,
    NOT_FOUND,
    SERVICE_UNAVAILABLE,
    THROTTLED,
    UNAUTHORIZED,
    field_errors,
    redescribed,
)
from users import legacy_selectors, legacy_services
from users.selectors import user_get_active

TAG = "original web client"
# IGDB's image of a missing cover: the id the client itself shows when a game has no cover.
NO_IMAGE = "nocover_qhhlj6"
IGDB_ID = re.compile(IGDB_ID_PATTERN)
SEARCH_LIMIT = 10
ACTIVITY_MAX = 5
JOURNAL_LIMIT_MAX = 50
POPULAR_LIMIT_MAX = 50


def _schema(summary: str, description: str = "", **kwargs):
    return extend_schema(tags=[TAG], summary=summary, description=description, **kwargs)


SLUG_PARAMETER = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The game's IGDB slug.")


# Shapes. Games come from IGDB (games.igdb.IgdbGame) or from here (Game): the same attribute names.


def game_id(igdb: str) -> int | str:
    """Fill: the client's `id` of a game is its IGDB id, a number unless the game has another id."""
    number = parse_igdb_id(igdb)
    return igdb if number is None else number


def unix_time(day: date | None) -> int | None:
    return None if day is None else int(datetime.combine(day, time(), tzinfo=UTC).timestamp())


def _images(game) -> list[str]:
    screenshots = getattr(game, "screenshots", None)
    return (
        [image for image in screenshots if isinstance(image, str) and image]
        if isinstance(screenshots, list)
        else []
    )


def cover_image(game) -> str:
    """Fill: without a cover, the backdrop, else the first screenshot, else IGDB's "no cover" image."""
    return game.cover_id or getattr(game, "backdrop_id", "") or next(iter(_images(game)), "") or NO_IMAGE


def screenshot_images(game) -> list[str]:
    """
    Fill: at least two screenshots (the client's buttons read the second): the stored ones, then the
    backdrop, then the cover, then the first again.
    """
    images = _images(game)
    for image in (getattr(game, "backdrop_id", ""), game.cover_id):
        if len(images) >= 2:
            break
        if image and image not in images:
            images.append(image)
    if not images:
        images = [NO_IMAGE]
    while len(images) < 2:
        images.append(images[0])
    return images


def catalogue_item(game, *, with_screenshots: bool = False) -> dict:
    """A game of a list (search, home): `cover` and `first_release_date` only when known."""
    item = {"id": game_id(game.igdb), "name": game.name, "slug": game.slug}
    if game.first_release_date is not None:
        item["first_release_date"] = unix_time(game.first_release_date)
    if game.cover_id:
        item["cover"] = {"image_id": game.cover_id}
    if with_screenshots and (images := _images(game)):
        item["screenshots"] = [{"image_id": image} for image in images]
    return item


def _named(names) -> list[dict]:
    # Fill: stored by name only, so the name is the id too (the client uses ids as keys).
    return [
        {"id": name, "name": name}
        for name in (names if isinstance(names, list) else [])
        if isinstance(name, str)
    ]


def game_page(game: Game) -> dict:
    page = {
        "id": game_id(game.igdb),
        "name": game.name,
        "slug": game.slug,
        "summary": game.summary,
        "cover": {"image_id": cover_image(game)},
        "screenshots": [{"image_id": image} for image in screenshot_images(game)],
        "platforms": _named(game.platforms),
        "genres": _named(game.genres),
    }
    if game.first_release_date is not None:
        page["first_release_date"] = unix_time(game.first_release_date)
    developers = _developers(game)
    if developers:
        page["involved_companies"] = [
            {"id": index, "developer": True, "publisher": False, "company": company}
            for index, company in enumerate(developers, start=1)
        ]
    return page


def _developers(game: Game) -> list[dict]:
    """
    The game's developers as its page links them (`company.id` names the developer page): with IGDB
    configured, by their IGDB company ids where the details from IGDB have them; else by name (Fill).
    """
    developers = _named(game.developers)
    ids = game.developer_ids if is_configured() and isinstance(game.developer_ids, dict) else {}
    id_by_name = {name: parse_igdb_id(number) for number, name in ids.items()}
    for developer in developers:
        if id_by_name.get(developer["name"]) is not None:
            developer["id"] = id_by_name[developer["name"]]
    return developers


def game_summaries(games) -> list[dict]:
    return GameSummarySerializer(games, many=True).data


# Schema declarations (the shapes above, for the OpenAPI document).


class LegacyImageSerializer(serializers.Serializer):
    """An IGDB image, `{"image_id"}`: one component wherever it appears, alone or in a list."""

    image_id = serializers.CharField()


_ID = serializers.JSONField(help_text="The game's IGDB id: a number (a string for a game with another id).")
_CATALOGUE_ITEMS = inline_serializer(
    "LegacyCatalogueGame",
    {
        "id": _ID,
        "name": serializers.CharField(),
        "slug": serializers.CharField(),
        "first_release_date": serializers.IntegerField(required=False, help_text="Unix time, when known."),
        "cover": LegacyImageSerializer(required=False),
        "screenshots": LegacyImageSerializer(many=True, required=False),
    },
    many=True,
)
_NAMED = inline_serializer(
    "LegacyNamed", {"id": serializers.JSONField(), "name": serializers.CharField()}, many=True
)
_GAME_PAGE = inline_serializer(
    "LegacyGamePage",
    {
        "id": _ID,
        "name": serializers.CharField(),
        "slug": serializers.CharField(),
        "summary": serializers.CharField(),
        "first_release_date": serializers.IntegerField(required=False),
        "cover": LegacyImageSerializer(),
        "screenshots": LegacyImageSerializer(many=True),
        "platforms": _NAMED,
        "genres": _NAMED,
        "involved_companies": inline_serializer(
            "LegacyInvolvedCompany",
            {
                "id": serializers.IntegerField(),
                "developer": serializers.BooleanField(),
                "publisher": serializers.BooleanField(),
                "company": inline_serializer(
                    "LegacyCompanyRef",
                    {
                        "id": serializers.JSONField(
                            help_text=(
                                "What `/api/games/company/<id>` takes: with IGDB configured, the "
                                "company's IGDB id (a number); else (or when unknown) its name."
                            )
                        ),
                        "name": serializers.CharField(),
                    },
                ),
            },
            many=True,
            required=False,
        ),
    },
    many=True,
)
_RATINGS = inline_serializer(
    "LegacyRating",
    {"rating": serializers.CharField(help_text='Half stars, one decimal: "0.5" to "5.0".')},
    many=True,
)
_STATE = inline_serializer("LegacyGameState", {shelf: serializers.BooleanField() for shelf in SHELVES})
_TOGGLE = inline_serializer(
    "LegacyToggle",
    {
        "game": serializers.IntegerField(help_text="The game's id here."),
        "user": serializers.IntegerField(),
        "action": serializers.ChoiceField(choices=list(legacy_services.ACTION_SHELVES)),
        "value": serializers.BooleanField(help_text="Whether the game is now on the shelf."),
        "removedFromBacklog": serializers.BooleanField(
            required=False, help_text="Only when logging took the game off the backlog."
        ),
    },
)
_STARS = inline_serializer(
    "LegacyStars",
    {"rating": serializers.FloatField(required=False, help_text="0.5 to 5; absent when unrated.")},
)
_CATALOGUE_ERRORS = {404: NOT_FOUND, 429: THROTTLED, 502: BAD_GATEWAY, 503: SERVICE_UNAVAILABLE}
_TOKEN_ERRORS = {401: UNAUTHORIZED}
_WRITE_ERRORS = {**_TOKEN_ERRORS, 403: UNVERIFIED}
# A write that may create its game: from IGDB when configured (404 when IGDB has no such game, its
# 502/503 when it fails), within the user's quota of new games.
_GAME_WRITE_ERRORS = {
    **_WRITE_ERRORS,
    404: redescribed(NOT_FOUND, "With IGDB configured: IGDB has no game with this id."),
    429: redescribed(THROTTLED, "Too many games created here by you (`THROTTLE_GAME_CREATE`)."),
    502: BAD_GATEWAY,
    503: SERVICE_UNAVAILABLE,
}
_UNKNOWN_GAME = (
    "Invalid input: the messages, by field; `game` when the game is unknown here (without IGDB) and "
    "the body has no name for it."
)


class PublicView(APIView):
    permission_classes = [AllowAny]


# Requests and their bodies.


class GameRefSerializer(serializers.Serializer):
    """The game a client's write is about: its IGDB id and the metadata to create it here on first use."""

    igdb = serializers.RegexField(
        rf"^{IGDB_ID_PATTERN}$", help_text="The game's IGDB id (a number or a string)."
    )
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    slug = serializers.SlugField(max_length=255, required=False, allow_blank=True, allow_unicode=True)
    cover_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    backdrop_id = serializers.CharField(max_length=64, required=False, allow_blank=True)

    def to_internal_value(self, data):
        # The client sends IGDB ids as JSON numbers.
        if isinstance(data, dict) and type(data.get("igdb")) is int:
            data = {**data, "igdb": str(data["igdb"])}
        return super().to_internal_value(data)

    @staticmethod
    def split(data: dict) -> tuple[str, dict]:
        metadata = {
            field: data[field] for field in ("name", "slug", "cover_id", "backdrop_id") if data.get(field)
        }
        return data["igdb"], metadata


class RatingRequestSerializer(GameRefSerializer):
    rating = serializers.DecimalField(
        max_digits=3, decimal_places=1, help_text="0.5 to 5 in halves; 0 clears it."
    )


# One 400 body for every write that sends a GameRef (the four toggles, a favourite's addition).
_GAME_REF_ERRORS = field_errors("LegacyGameRefError", [*GameRefSerializer().fields, "game"], _UNKNOWN_GAME)


class JournalGameSerializer(serializers.Serializer):
    id = serializers.JSONField(help_text="The game's IGDB id.")
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    slug = serializers.SlugField(max_length=255, required=False, allow_blank=True, allow_unicode=True)
    coverId = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    backdropId = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)

    def validate_id(self, value):
        value = str(value) if type(value) is int else value
        if not isinstance(value, str) or not IGDB_ID.fullmatch(value):
            raise serializers.ValidationError("Enter the game's IGDB id.")
        return value


class JournalRequestSerializer(serializers.Serializer):
    game = JournalGameSerializer()
    date = serializers.DateField(help_text="The day played, YYYY-MM-DD.")
    entry_type = serializers.ChoiceField(
        choices=["F", "S", "P", "R", "A"],
        default="F",
        help_text="Finished, Started, Played, Replayed, Abandoned: F is a finish in the journal.",
    )
    platform = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    review = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, allow_null=True, trim_whitespace=False
    )
    spoilers = serializers.BooleanField(default=False)
    liked = serializers.BooleanField(default=False)
    rating = serializers.DecimalField(max_digits=3, decimal_places=1, required=False, allow_null=True)

    def validate_date(self, value):
        # The API's own journal rule: no entry in the future (a day of slack for time zones).
        return JournalEntryUpdateSerializer().validate_played_on(value)


class IgdbQuerySerializer(serializers.Serializer):
    igdb = serializers.RegexField(rf"^{IGDB_ID_PATTERN}$", help_text="The game's IGDB id.")


class LimitQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=POPULAR_LIMIT_MAX, default=6)


class JournalQuerySerializer(serializers.Serializer):
    username = serializers.CharField(max_length=254)
    limit = serializers.IntegerField(min_value=1, max_value=JOURNAL_LIMIT_MAX, default=10)


def _path_text(name: str, value: str, max_length: int) -> str:
    """Text from the path, checked as a body's text would be (no NUL character, bounded): else a 400."""
    try:
        return serializers.CharField(max_length=max_length).run_validation(value)
    except serializers.ValidationError as error:
        raise serializers.ValidationError({name: error.detail}) from error


# The catalogue.


class PopularView(CatalogueView):
    @_schema(
        "Popular games (landing page)",
        "IGDB's most popular games, or without IGDB the most shelved here (then the latest stored). "
        "`limit` (default 6); the client's `offset` and `filters` are ignored. A 404 when no game is "
        "stored at all. The API's own answer, with its source, is at `/api/games/trending/`.",
        parameters=[LimitQuerySerializer],
        responses={
            200: inline_serializer(
                "LegacyPopularGame",
                {
                    "game": inline_serializer(
                        "LegacyPopularGameGame",
                        {
                            "id": _ID,
                            "name": serializers.CharField(),
                            "slug": serializers.CharField(),
                            "cover": LegacyImageSerializer(),
                        },
                    )
                },
                many=True,
            ),
            400: field_errors("LegacyPopularError", ["limit"]),
            **_CATALOGUE_ERRORS,
        },
    )
    def get(self, request):
        limit = validated(LimitQuerySerializer, request.query_params)["limit"]
        games = legacy_selectors.legacy_popular_list(limit=limit)
        return Response(
            [
                {
                    "game": {
                        "id": game_id(game.igdb),
                        "name": game.name,
                        "slug": game.slug,
                        "cover": {"image_id": cover_image(game)},
                    }
                }
                for game in games
            ]
        )


class BackdropView(CatalogueView):
    @_schema(
        "A backdrop (landing page)",
        "The game asked for (from IGDB when configured), as a one-element list; when it is unknown, a "
        "game stored here with images, so that the page shows a real backdrop (its own id and name).",
        responses={
            200: inline_serializer(
                "LegacyBackdrop",
                {
                    "id": _ID,
                    "name": serializers.CharField(),
                    "slug": serializers.CharField(),
                    "screenshots": LegacyImageSerializer(many=True),
                },
                many=True,
            ),
            **_CATALOGUE_ERRORS,
        },
    )
    def get(self, request, igdb: str):
        game = legacy_services.legacy_backdrop_game_ensure(igdb=igdb)
        return Response(
            [
                {
                    "id": game_id(game.igdb),
                    "name": game.name,
                    "slug": game.slug,
                    "screenshots": [{"image_id": image} for image in screenshot_images(game)],
                }
            ]
        )


class FrontpageView(CatalogueView):
    @_schema(
        "Recent and upcoming releases (signed-in home)",
        "From IGDB when configured (the last and next year's releases), else from the games stored here.",
        responses={
            200: inline_serializer(
                "LegacyFrontpage", {"recents": _CATALOGUE_ITEMS, "upcoming": _CATALOGUE_ITEMS}
            ),
            **_CATALOGUE_ERRORS,
        },
    )
    def get(self, request):
        found = legacy_selectors.legacy_releases_get()
        return Response({key: [catalogue_item(game) for game in games] for key, games in found.items()})


class SearchView(CatalogueView):
    @_schema(
        "Search (navigation bar)",
        "The catalogue's matches of the text in the path (IGDB's, then the games stored here), at most 10.",
        operation_id="legacy_games_search",
        parameters=[OpenApiParameter("text", str, OpenApiParameter.PATH, description="The text typed.")],
        responses={
            200: _CATALOGUE_ITEMS,
            400: field_errors("LegacySearchError", ["text"]),
            **_CATALOGUE_ERRORS,
        },
    )
    def get(self, request, text: str):
        text = " ".join(_path_text("text", text, max_length=1000).split())[:100]
        if not text:
            return Response([])
        catalogue = catalogue_search(text=text, limit=SEARCH_LIMIT)
        return Response([catalogue_item(game, with_screenshots=True) for game in catalogue.results])


class GamePageView(CatalogueView):
    @_schema(
        "A game by its slug (game page)",
        "A one-element list. With IGDB configured, its details come from IGDB and are stored here (as "
        "by `/api/games/<igdb>/`, the API's own game page, with the trailing slash); without IGDB, the "
        "game as stored. `cover`, `platforms` and at least two `screenshots` are always present.",
        operation_id="legacy_game_page",
        parameters=[SLUG_PARAMETER],
        responses={200: _GAME_PAGE, 400: field_errors("LegacyGamePageError", ["slug"]), **_CATALOGUE_ERRORS},
    )
    def get(self, request, slug: str):
        slug = _path_text("slug", slug, max_length=255)
        return Response([game_page(legacy_services.legacy_game_ensure(slug=slug))])


class GameRatingsView(PublicView):
    @_schema(
        "A game's ratings (game page)",
        "Every user's rating of the game, in half stars; `[]` for a game unknown here.",
        responses={200: _RATINGS, 400: field_errors("LegacyGameRatingsError", ["slug"])},
    )
    def get(self, request, slug: str):
        ratings = legacy_selectors.legacy_game_ratings_list(slug=_path_text("slug", slug, max_length=255))
        return Response([{"rating": legacy_services.stars_text(rating)} for rating in ratings])


class CompanyView(CatalogueView):
    @_schema(
        "A developer (developer page)",
        "The company named by the `company.id` of a game page, and the games it developed (those with "
        "a cover). With IGDB configured, that id is the company's IGDB id: the company (its "
        "description, founding date, logo) and its games come from IGDB, cached; an id IGDB does not "
        "know is a 404. When IGDB fails, the games stored here that it developed (503 or 502 when "
        "none is). Without IGDB, or for a name: the games stored here that the company of that name "
        'developed, with no description and IGDB\'s "no cover" image as its logo (as for a company '
        "without a logo at IGDB).",
        parameters=[
            OpenApiParameter(
                "company",
                str,
                OpenApiParameter.PATH,
                description="The company's IGDB id (with IGDB configured), or its name.",
            )
        ],
        responses={
            200: inline_serializer(
                "LegacyCompany",
                {
                    "company": inline_serializer(
                        "LegacyCompanyDetails",
                        {
                            "name": serializers.CharField(),
                            "description": serializers.CharField(help_text="Empty when unknown."),
                            "start_date": serializers.IntegerField(
                                required=False, help_text="When it was founded (Unix time), when known."
                            ),
                            "logo_details": LegacyImageSerializer(many=True),
                        },
                        many=True,
                    ),
                    "games": inline_serializer(
                        "LegacyCompanyGame",
                        {"slug": serializers.CharField(), "cover": LegacyImageSerializer()},
                        many=True,
                    ),
                },
            ),
            400: field_errors("LegacyCompanyError", ["company"]),
            **_CATALOGUE_ERRORS,
        },
    )
    def get(self, request, company: str):
        found = legacy_selectors.legacy_company_get(company=_path_text("company", company, max_length=255))
        details = {
            "name": found.name,
            "description": found.description,
            "logo_details": [{"image_id": found.logo_id or NO_IMAGE}],
        }
        if found.start_date is not None:
            details["start_date"] = unix_time(found.start_date)
        return Response(
            {
                "company": [details],
                "games": [
                    {"slug": game.slug, "cover": {"image_id": game.cover_id}}
                    for game in found.developed
                    if game.slug and game.cover_id
                ],
            }
        )


# A user's actions on games (token required).


class ActionView(APIView):
    permission_classes = [IsAuthenticated, HasVerifiedEmail]

    def queried_state(self, request) -> GameState | None:
        """Your shelves for the game `?igdb=` names (None: never touched)."""
        igdb = validated(IgdbQuerySerializer, request.query_params)["igdb"]
        return game_state_get(user=request.user, igdb=igdb)


def _game_query_schema(summary: str, description: str, *, ok, error_name: str):
    """The schema of a read about one of your games, named by `?igdb=`."""
    return _schema(
        summary,
        description,
        parameters=[IgdbQuerySerializer],
        responses={200: ok, 400: field_errors(error_name, ["igdb"]), **_TOKEN_ERRORS},
    )


class GameStateView(ActionView):
    @_game_query_schema(
        "Your shelves for a game (game page)",
        "All false for a game you never touched, or one unknown here.",
        ok=_STATE,
        error_name="LegacyStateError",
    )
    def get(self, request):
        state = self.queried_state(request) or GameState()
        return Response({shelf: getattr(state, shelf) for shelf in SHELVES})


class ToggleView(ActionView):
    action_name = ""

    def post(self, request):
        igdb, metadata = GameRefSerializer.split(validated(GameRefSerializer, request.data))
        state, value, removed = legacy_services.legacy_shelf_toggle(
            user=request.user, action=self.action_name, igdb=igdb, metadata=metadata
        )
        body = {"game": state.game_id, "user": request.user.pk, "action": self.action_name, "value": value}
        if removed:
            body["removedFromBacklog"] = True
        return Response(body)


def _toggle_view(action: str, shelf: str):
    description = (
        f"A toggle: puts the game on your {shelf} shelf, or off it when it is there (this API's own "
        "`PATCH /api/games/<igdb>/state/` sets flags instead). The game is created from the body on "
        "first use."
    )
    if action == "log":
        description += " Logging a game takes it off your backlog: then `removedFromBacklog` is present."
    view = type(
        f"Toggle{action.title()}View",
        (ToggleView,),
        {"action_name": action, "__doc__": f"The client's {action} button."},
    )
    # On the view's own copy of the inherited `post` (extend_schema_view isolates it): decorating
    # ToggleView.post itself would give the four views the last one's schema.
    return extend_schema_view(
        post=_schema(
            f"Toggle {shelf} (game page)",
            description,
            request=GameRefSerializer,
            responses={200: _TOGGLE, 400: _GAME_REF_ERRORS, **_GAME_WRITE_ERRORS},
        )
    )(view)


TOGGLE_VIEWS = {
    action: _toggle_view(action, shelf) for action, shelf in legacy_services.ACTION_SHELVES.items()
}


class RatingView(ActionView):
    @_game_query_schema(
        "Your rating of a game (game page)",
        "In half stars, 0.5 to 5 (this API's 1 to 10 halved); `{}` when unrated.",
        ok=_STARS,
        error_name="LegacyRatingQueryError",
    )
    def get(self, request):
        return Response(self.stars(self.queried_state(request)))

    @staticmethod
    def stars(state: GameState | None) -> dict:
        if state is None or state.rating is None:
            return {}
        return {"rating": legacy_services.stars_from_rating(state.rating)}

    @_schema(
        "Rate a game (game page)",
        "0.5 to 5 in halves; 0 clears the rating. The game is created from the body on first use.",
        request=RatingRequestSerializer,
        responses={
            200: _STARS,
            400: field_errors(
                "LegacyRatingError", [*RatingRequestSerializer().fields, "game"], _UNKNOWN_GAME
            ),
            **_GAME_WRITE_ERRORS,
        },
    )
    def post(self, request):
        data = validated(RatingRequestSerializer, request.data)
        stars = data.pop("rating")
        igdb, metadata = GameRefSerializer.split(data)
        state = legacy_services.legacy_rating_set(
            user=request.user, igdb=igdb, metadata=metadata, stars=stars
        )
        return Response(self.stars(state))


class JournalView(APIView):
    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [AllowAny()]
        return [IsAuthenticated(), HasVerifiedEmail()]

    @_schema(
        "A user's journal (profile)",
        "The user's `limit` latest entries (default 10, at most 50), grouped by year, then month.",
        parameters=[JournalQuerySerializer],
        responses={
            200: inline_serializer(
                "LegacyJournalYear",
                {
                    "year": serializers.IntegerField(),
                    "months": inline_serializer(
                        "LegacyJournalMonth",
                        {
                            "month": serializers.IntegerField(),
                            "entries": inline_serializer(
                                "LegacyJournalEntry",
                                {
                                    "id": serializers.IntegerField(),
                                    "date": serializers.DateField(),
                                    "game": GameSummarySerializer(),
                                },
                                many=True,
                            ),
                        },
                        many=True,
                    ),
                },
                many=True,
            ),
            400: field_errors("LegacyJournalQueryError", ["username", "limit"]),
            404: NOT_FOUND,
        },
    )
    def get(self, request):
        query = validated(JournalQuerySerializer, request.query_params)
        user = user_get_active(username=query["username"])
        entries = legacy_selectors.legacy_journal_list(user=user, limit=query["limit"])
        summaries = game_summaries([entry.game for entry in entries])
        years: list[dict] = []
        for entry, game in zip(entries, summaries, strict=True):
            day = entry.played_on
            if not years or years[-1]["year"] != day.year:
                years.append({"year": day.year, "months": []})
            months = years[-1]["months"]
            if not months or months[-1]["month"] != day.month:
                months.append({"month": day.month, "entries": []})
            months[-1]["entries"].append({"id": entry.pk, "date": day.isoformat(), "game": game})
        return Response(years)

    @_schema(
        "Log a game in your journal (game page)",
        "The log dialog's entry: a journal entry (`entry_type` F is a finish), and the game is then "
        "played and off your backlog, liked if `liked`, rated if `rating` is not 0.",
        request=JournalRequestSerializer,
        responses={
            201: inline_serializer("LegacyJournalCreated", {"id": serializers.IntegerField()}),
            # From the serializer: `game`'s messages may be per key (`{"game": {"id": [...]}}`).
            400: field_errors("LegacyJournalError", JournalRequestSerializer, _UNKNOWN_GAME),
            **_GAME_WRITE_ERRORS,
        },
    )
    def post(self, request):
        data = dict(validated(JournalRequestSerializer, request.data))
        game = data.pop("game")
        metadata = {
            field: value
            for field, value in (
                ("name", game.get("name")),
                ("slug", game.get("slug")),
                ("cover_id", game.get("coverId")),
                ("backdrop_id", game.get("backdropId")),
            )
            if value
        }
        entry = legacy_services.legacy_journal_entry_create(
            user=request.user, igdb=game["id"], metadata=metadata, data=data
        )
        return Response({"id": entry.pk}, status=status.HTTP_201_CREATED)


class FavouritesView(ActionView):
    @_schema(
        "Your favourite games (settings)",
        "Up to 5, in your order (the same list as `/api/users/<username>/favourites/`).",
        responses={200: GameSummarySerializer(many=True), **_TOKEN_ERRORS},
    )
    def get(self, request):
        return Response(game_summaries(favourites_list(user=request.user)))


def _empty_answer_schema(summary: str, description: str, *, request, answer_name: str, errors: dict):
    """The schema of a write answered `{}`, which the client does not read (`answer_name` names it)."""
    return _schema(
        summary, description, request=request, responses={200: inline_serializer(answer_name, {}), **errors}
    )


class FavouriteAddView(ActionView):
    @_empty_answer_schema(
        "Add a favourite game (settings)",
        "After your others; at most 5. The game is created from the body on first use.",
        request=GameRefSerializer,
        answer_name="LegacyEmpty",
        errors={400: _GAME_REF_ERRORS, **_GAME_WRITE_ERRORS},
    )
    def post(self, request):
        igdb, metadata = GameRefSerializer.split(validated(GameRefSerializer, request.data))
        legacy_services.legacy_favourite_add(user=request.user, igdb=igdb, metadata=metadata)
        return Response({})


class FavouriteRemoveView(ActionView):
    @_empty_answer_schema(
        "Remove a favourite game (settings)",
        "Nothing changes when the game is not one of your favourites.",
        request=IgdbQuerySerializer,
        answer_name="LegacyEmptyRemoved",
        errors={400: field_errors("LegacyFavouriteRemoveError", ["igdb"]), **_WRITE_ERRORS},
    )
    def post(self, request):
        data = request.data
        if isinstance(data, dict) and type(data.get("igdb")) is int:
            data = {"igdb": str(data["igdb"])}
        legacy_services.legacy_favourite_remove(
            user=request.user, igdb=validated(IgdbQuerySerializer, data)["igdb"]
        )
        return Response({})


# A user's profile extras (public).


class ProfileRatingsView(PublicView):
    @_schema(
        "A user's ratings (profile)",
        "Every rating of the user, in half stars, latest first.",
        responses={200: _RATINGS, 404: NOT_FOUND},
    )
    def get(self, request, username: str):
        user = user_get_active(username=username)
        ratings = legacy_selectors.legacy_user_ratings_list(user=user)
        return Response([{"rating": legacy_services.stars_text(rating)} for rating in ratings])


class ProfileActivityView(PublicView):
    @_schema(
        "A user's recent games (profile)",
        "The games of the user's latest events (shelved, rated, logged), each once: at most 5 (the "
        "client's page holds five), fewer when `limit` asks.",
        parameters=[OpenApiParameter("limit", int, description="At most this many (1 to 5, default 5).")],
        responses={
            200: inline_serializer("LegacyRecentGame", {"game": GameSummarySerializer()}, many=True),
            404: NOT_FOUND,
        },
    )
    def get(self, request, username: str):
        user = user_get_active(username=username)
        try:
            limit = min(max(int(request.query_params.get("limit", ACTIVITY_MAX)), 1), ACTIVITY_MAX)
        except ValueError:
            limit = ACTIVITY_MAX
        games = legacy_selectors.legacy_recent_games_list(user=user, limit=limit)
        return Response([{"game": game} for game in game_summaries(games)])
