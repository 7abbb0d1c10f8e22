from datetime import datetime, timedelta
from functools import partial

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from games.igdb import COVER_SIZES, SCREENSHOT_SIZES, image_urls
from games.models import (
    FAVOURITES_MAX,
    IGDB_ID_PATTERN,
    RATING_MAX,
    RATING_MIN,
    SHELVES,
    Game,
    GameState,
    JournalEntry,
)


class GameSummarySerializer(serializers.ModelSerializer):
    slug = serializers.CharField(read_only=True, help_text="The game's slug; empty when unknown.")

    class Meta:
        model = Game
        fields = ["id", "igdb", "name", "slug", "cover_id", "backdrop_id"]
        read_only_fields = fields


class GameDetailSerializer(GameSummarySerializer):
    played_count = serializers.IntegerField(help_text="How many users have played it.")
    liked_count = serializers.IntegerField(help_text="How many users like it.")
    backlog_count = serializers.IntegerField(help_text="How many users have it in their backlog.")
    wishlist_count = serializers.IntegerField(help_text="How many users wish for it.")
    rating_average = serializers.SerializerMethodField(
        help_text="Average rating (1 to 10), null when unrated."
    )
    rating_count = serializers.IntegerField(help_text="How many users rated it.")
    rating_distribution = serializers.SerializerMethodField(
        help_text='How many users gave each rating: {"1": n, ..., "10": n}.'
    )

    class Meta(GameSummarySerializer.Meta):
        fields = [
            *GameSummarySerializer.Meta.fields,
            *(f"{shelf}_count" for shelf in SHELVES),
            "rating_average",
            "rating_count",
            "rating_distribution",
        ]
        read_only_fields = fields

    def get_rating_average(self, game) -> float | None:
        return None if game.rating_average is None else round(game.rating_average, 2)

    def get_rating_distribution(self, game) -> dict[str, int]:
        return {
            str(value): getattr(game, f"rating_{value}_count") for value in range(RATING_MIN, RATING_MAX + 1)
        }


class GameStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = GameState
        fields = [*SHELVES, "rating"]
        read_only_fields = fields


RatingField = partial(serializers.IntegerField, min_value=RATING_MIN, max_value=RATING_MAX)


class GameMetadataSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False)
    slug = serializers.SlugField(max_length=255, required=False, allow_blank=True, allow_unicode=True)
    cover_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    backdrop_id = serializers.CharField(max_length=64, required=False, allow_blank=True)


class GameStateUpdateSerializer(serializers.Serializer):
    # Preceded by an optional flag for each shelf of SHELVES (get_fields).
    rating = RatingField(
        required=False, allow_null=True, help_text="Half stars, 1 to 10 (10 is five stars); null clears it."
    )
    game = GameMetadataSerializer(
        required=False, help_text="The game's metadata; required (with `name`) when the game is unknown here."
    )

    def get_fields(self):
        flags = {shelf: serializers.BooleanField(required=False) for shelf in SHELVES}
        return flags | super().get_fields()


class ShelfEntrySerializer(serializers.ModelSerializer):
    """A game on one of a user's shelves (the view says which, in `shelf`)."""

    game = GameSummarySerializer()
    shelved_at = serializers.SerializerMethodField()

    class Meta:
        model = GameState
        fields = ["game", "shelved_at", "rating"]
        read_only_fields = fields

    def get_shelved_at(self, state) -> datetime:
        return getattr(state, f"{self.context['shelf']}_at")


class JournalEntrySerializer(serializers.ModelSerializer):
    game = GameSummarySerializer(read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = JournalEntry
        fields = [
            "id",
            "username",
            "game",
            "played_on",
            "finished",
            "platform",
            "review",
            "spoilers",
            "liked",
            "rating",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class JournalEntryUpdateSerializer(serializers.Serializer):
    played_on = serializers.DateField(required=False, help_text="The day played (or finished).")
    finished = serializers.BooleanField(required=False)
    platform = serializers.CharField(max_length=100, required=False, allow_blank=True)
    review = serializers.CharField(max_length=10000, required=False, allow_blank=True, trim_whitespace=False)
    spoilers = serializers.BooleanField(required=False)
    liked = serializers.BooleanField(required=False)
    rating = RatingField(required=False, allow_null=True, help_text="Half stars, 1 to 10; null for none.")

    def validate_played_on(self, played_on):
        if played_on > timezone.localdate() + timedelta(days=1):
            raise serializers.ValidationError("A journal entry cannot be in the future.")
        return played_on


class JournalEntryCreateSerializer(JournalEntryUpdateSerializer):
    igdb = serializers.RegexField(rf"^{IGDB_ID_PATTERN}$", help_text="The game's IGDB id.")
    game = GameMetadataSerializer(
        required=False, help_text="The game's metadata; required (with `name`) when the game is unknown here."
    )
    played_on = serializers.DateField(help_text="The day played (or finished).")


class JournalMonthSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    entries = JournalEntrySerializer(many=True)


class FavouritesSerializer(serializers.Serializer):
    games = serializers.ListField(
        child=serializers.RegexField(rf"^{IGDB_ID_PATTERN}$"),
        max_length=FAVOURITES_MAX,
        allow_empty=True,
        help_text=f"IGDB ids of up to {FAVOURITES_MAX} games known here, in order; [] clears them.",
    )


# The catalogue fed by IGDB (games/igdb.py).

CATALOGUE_SOURCES = ["igdb", "local"]
SOURCE_HELP = (
    '"igdb" when IGDB answered (or its stored details are fresh); "local" when the local database '
    "answered alone: IGDB is not configured, failed, or does not know the game."
)

_COVER_URLS = inline_serializer(
    "CoverUrls",
    {size: serializers.URLField() for size in COVER_SIZES},
    allow_null=True,
    help_text="The cover in IGDB's sizes (t_thumb, t_cover_small, ...); null without a cover.",
)
_SCREENSHOTS = inline_serializer(
    "Screenshot",
    {
        "image_id": serializers.CharField(),
        "urls": inline_serializer(
            "ScreenshotUrls", {size: serializers.URLField() for size in SCREENSHOT_SIZES}
        ),
    },
    many=True,
)


class CatalogueGameSerializer(serializers.Serializer):
    """A game of a catalogue answer: from IGDB (an IgdbGame) or from the local database (a Game)."""

    igdb = serializers.CharField(help_text="The game's IGDB id, a string.")
    name = serializers.CharField()
    slug = serializers.CharField()
    first_release_date = serializers.DateField(allow_null=True)
    cover_id = serializers.CharField(help_text="IGDB's image id of the cover; empty without one.")
    cover_urls = serializers.SerializerMethodField()

    @extend_schema_field(_COVER_URLS)
    def get_cover_urls(self, game) -> dict | None:
        return image_urls(game.cover_id, COVER_SIZES)


class CatalogueSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=CATALOGUE_SOURCES, help_text=SOURCE_HELP)
    results = CatalogueGameSerializer(many=True)


class CataloguePopularQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        min_value=1, max_value=50, default=20, help_text="At most this many games (1 to 50)."
    )


class CatalogueSearchQuerySerializer(CataloguePopularQuerySerializer):
    q = serializers.CharField(max_length=100, help_text="Words of the game's name.")


class _NameListField(serializers.ListField):
    """A stored JSON list of names; anything else (an admin edit gone wrong) reads as empty."""

    def to_representation(self, data):
        return [item for item in data if isinstance(item, str)] if isinstance(data, list) else []


class GameCatalogueDetailSerializer(GameDetailSerializer):
    """A game with its shelf counts and its details from IGDB."""

    summary = serializers.CharField()
    first_release_date = serializers.DateField(allow_null=True)
    genres = _NameListField(child=serializers.CharField())
    platforms = _NameListField(child=serializers.CharField())
    developers = _NameListField(child=serializers.CharField())
    screenshots = serializers.SerializerMethodField()
    cover_urls = serializers.SerializerMethodField()
    details_refreshed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the details were last fetched from IGDB; null if never."
    )
    source = serializers.SerializerMethodField(help_text=SOURCE_HELP)

    class Meta(GameDetailSerializer.Meta):
        fields = [
            *GameDetailSerializer.Meta.fields,
            "summary",
            "first_release_date",
            "genres",
            "platforms",
            "developers",
            "cover_urls",
            "screenshots",
            "details_refreshed_at",
            "source",
        ]
        read_only_fields = fields

    @extend_schema_field(_COVER_URLS)
    def get_cover_urls(self, game) -> dict | None:
        return image_urls(game.cover_id, COVER_SIZES)

    @extend_schema_field(_SCREENSHOTS)
    def get_screenshots(self, game) -> list[dict]:
        return [
            {"image_id": image_id, "urls": urls}
            for image_id in (game.screenshots if isinstance(game.screenshots, list) else [])
            if isinstance(image_id, str) and (urls := image_urls(image_id, SCREENSHOT_SIZES))
        ]

    @extend_schema_field(serializers.ChoiceField(choices=CATALOGUE_SOURCES))
    def get_source(self, game) -> str:
        return self.context.get("source", "local")
