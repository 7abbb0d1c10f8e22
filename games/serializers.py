from rest_framework import serializers

from games.models import SHELVES, Game, GameState


class GameSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Game
        fields = ["id", "igdb", "name", "slug", "cover_id", "backdrop_id"]
        read_only_fields = fields


class GameDetailSerializer(GameSummarySerializer):
    played_count = serializers.IntegerField(help_text="How many users have played it.")
    liked_count = serializers.IntegerField(help_text="How many users like it.")
    backlog_count = serializers.IntegerField(help_text="How many users have it in their backlog.")
    wishlist_count = serializers.IntegerField(help_text="How many users wish for it.")

    class Meta(GameSummarySerializer.Meta):
        fields = [*GameSummarySerializer.Meta.fields, *(f"{shelf}_count" for shelf in SHELVES)]
        read_only_fields = fields


class GameStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = GameState
        fields = list(SHELVES)
        read_only_fields = fields


class GameMetadataSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False)
    slug = serializers.SlugField(max_length=255, required=False, allow_blank=True, allow_unicode=True)
    cover_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    backdrop_id = serializers.CharField(max_length=64, required=False, allow_blank=True)


class GameStateUpdateSerializer(serializers.Serializer):
    played = serializers.BooleanField(required=False)
    liked = serializers.BooleanField(required=False)
    backlog = serializers.BooleanField(required=False)
    wishlist = serializers.BooleanField(required=False)
    game = GameMetadataSerializer(
        required=False, help_text="The game's metadata; required (with `name`) when the game is unknown here."
    )
