from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

IGDB_ID_MAX_LENGTH = 32
IGDB_ID_PATTERN = r"[A-Za-z0-9-]{1,32}"

igdb_id_validator = RegexValidator(
    regex=rf"^{IGDB_ID_PATTERN}\Z",
    message="Enter an IGDB id: 1 to 32 letters, digits or '-'.",
)

SHELVES = ("played", "liked", "backlog", "wishlist")


class Game(models.Model):
    """A game as Overworld knows it; `igdb` is its id in IGDB, kept as a string as the API has it."""

    igdb = models.CharField(
        "IGDB id", max_length=IGDB_ID_MAX_LENGTH, unique=True, validators=[igdb_id_validator]
    )
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, blank=True, default="", allow_unicode=True)
    cover_id = models.CharField(max_length=64, blank=True, default="")
    backdrop_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.igdb})"


def _flag_matches_timestamp(shelf: str) -> Q:
    return Q(**{shelf: True, f"{shelf}_at__isnull": False}) | Q(**{shelf: False, f"{shelf}_at__isnull": True})


class GameState(models.Model):
    """
    One user's relation to one game: the four shelf flags, each with when it was set.

    A flag's timestamp is set when the flag turns on and cleared when it turns off (the database
    checks that they agree), so shelves list newest first.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="game_states")
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="states")
    played = models.BooleanField(default=False)
    played_at = models.DateTimeField(null=True, blank=True)
    liked = models.BooleanField(default=False)
    liked_at = models.DateTimeField(null=True, blank=True)
    backlog = models.BooleanField(default=False)
    backlog_at = models.DateTimeField(null=True, blank=True)
    wishlist = models.BooleanField(default=False)
    wishlist_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "game"], name="games_gamestate_user_game_unique"),
            *(
                models.CheckConstraint(
                    condition=_flag_matches_timestamp(shelf),
                    name=f"games_gamestate_{shelf}_at_matches_flag",
                )
                for shelf in SHELVES
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} / {self.game_id}"

    def set_shelf(self, shelf: str, value: bool, *, at) -> bool:
        """Puts the game on or off `shelf` as of `at`; False when it already was (nothing changes)."""
        if getattr(self, shelf) == value:
            return False
        setattr(self, shelf, value)
        setattr(self, f"{shelf}_at", at if value else None)
        return True
