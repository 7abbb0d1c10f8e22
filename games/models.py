from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

IGDB_ID_MAX_LENGTH = 32
IGDB_ID_PATTERN = r"[A-Za-z0-9-]{1,32}"

igdb_id_validator = RegexValidator(
    regex=rf"^{IGDB_ID_PATTERN}\Z",
    message="Enter an IGDB id: 1 to 32 letters, digits or '-'.",
)

SHELVES = ("played", "liked", "backlog", "wishlist")
# A game state's columns for each shelf, in order: its flag, then when it was set (played, played_at, ...).
SHELF_FIELDS = tuple(field for shelf in SHELVES for field in (shelf, f"{shelf}_at"))
# The fields of a game in a list (a profile's shelves, favourites): GameSummarySerializer's.
GAME_SUMMARY_FIELDS = ("id", "igdb", "name", "slug", "cover_id", "backdrop_id")
# Half stars: 1 is half a star, 10 is five stars.
RATING_MIN, RATING_MAX = 1, 10
FAVOURITES_MAX = 5


def _rating_in_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": RATING_MIN, f"{field}__lte": RATING_MAX})


class RemembersLoaded:
    """A model mixin: `loaded()` runs on each instance read from the database (Django's `from_db`)."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.loaded()
        return instance

    def loaded(self) -> None:
        raise NotImplementedError


class Game(RemembersLoaded, models.Model):
    """A game as Overworld knows it; `igdb` is its id in IGDB, kept as a string as the API has it."""

    igdb = models.CharField(
        "IGDB id", max_length=IGDB_ID_MAX_LENGTH, unique=True, validators=[igdb_id_validator]
    )
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, blank=True, default="", allow_unicode=True)
    cover_id = models.CharField(max_length=64, blank=True, default="")
    backdrop_id = models.CharField(max_length=64, blank=True, default="")
    # Details from IGDB (games/igdb.py), the source of truth for them; filled on first view.
    summary = models.TextField(blank=True, default="")
    first_release_date = models.DateField(null=True, blank=True)
    genres = models.JSONField(default=list, blank=True, help_text="Genre names.")
    platforms = models.JSONField(default=list, blank=True, help_text="Platform names.")
    developers = models.JSONField(default=list, blank=True, help_text="Developer (company) names.")
    # Null until the details come from IGDB (games stored before the ids were kept too): a column that
    # SQLite can add in place (a non-null one rebuilds the table, and with it the trigram index it has
    # no operator class for).
    developer_ids = models.JSONField(
        null=True,
        blank=True,
        help_text='The developers\' IGDB company ids, each with its name: {"18446": "Maddy Makes Games"}.',
    )
    screenshots = models.JSONField(default=list, blank=True, help_text="IGDB image ids of screenshots.")
    details_refreshed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the details were last fetched from IGDB; empty if never."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # The catalogue's pages, by name (keyset).
            models.Index(fields=["name", "id"], name="games_game_name_id_idx"),
            # Search (games/selectors.py): trigrams of the name as the case-insensitive lookups compare
            # it, UPPER(name), so `icontains` and `istartswith` use it. PostgreSQL only (the migration
            # skips it elsewhere).
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="games_game_name_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.igdb})"

    def loaded(self) -> None:
        self._loaded_summary = self.summary_values()

    def summary_values(self) -> tuple:
        """The values lists of games show (GAME_SUMMARY_FIELDS), as loaded; deferred ones as None."""
        return tuple(self.__dict__.get(field) for field in GAME_SUMMARY_FIELDS)

    def summary_changed(self) -> bool:
        """Whether what lists of games show differs from what was loaded (True when unknown)."""
        return getattr(self, "_loaded_summary", None) != self.summary_values()


def _flag_matches_timestamp(shelf: str) -> Q:
    return Q(**{shelf: True, f"{shelf}_at__isnull": False}) | Q(**{shelf: False, f"{shelf}_at__isnull": True})


class GameState(RemembersLoaded, models.Model):
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
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Half stars, 1 to 10 (10 is five stars); empty when unrated."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "game"], name="games_gamestate_user_game_unique"),
            models.CheckConstraint(condition=_rating_in_range("rating"), name="games_gamestate_rating_range"),
            *(
                models.CheckConstraint(
                    condition=_flag_matches_timestamp(shelf),
                    name=f"games_gamestate_{shelf}_at_matches_flag",
                )
                for shelf in SHELVES
            ),
        ]
        # A shelf's page (newest first) is read by its own partial index: a page of a user with
        # thousands of games costs a page, not a sort of all of them.
        indexes = [
            models.Index(
                "user",
                models.F(f"{shelf}_at").desc(),
                models.F("id").desc(),
                condition=Q(**{shelf: True}),
                name=f"games_state_{shelf}_idx",
            )
            for shelf in SHELVES
        ]

    def __str__(self) -> str:
        return f"{self.user_id} / {self.game_id}"

    def loaded(self) -> None:
        self.on_a_shelf_saved = self.on_a_shelf()

    def on_a_shelf(self) -> bool:
        return any(getattr(self, shelf) for shelf in SHELVES)

    def set_shelf(self, shelf: str, value: bool, *, at) -> bool:
        """Puts the game on or off `shelf` as of `at`; False when it already was (nothing changes)."""
        if getattr(self, shelf) == value:
            return False
        setattr(self, shelf, value)
        setattr(self, f"{shelf}_at", at if value else None)
        return True


class JournalEntry(models.Model):
    """A dated entry of a user's journal: a play session or a finish, with an optional review."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries"
    )
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="journal_entries")
    played_on = models.DateField(help_text="The day played (or finished).")
    finished = models.BooleanField(default=False, help_text="Whether the game was finished that day.")
    platform = models.CharField(max_length=100, blank=True, default="")
    review = models.TextField(max_length=10000, blank=True, default="")
    spoilers = models.BooleanField(default=False, help_text="Whether the review gives the game away.")
    liked = models.BooleanField(default=False)
    rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Half stars, 1 to 10.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "journal entries"
        constraints = [
            models.CheckConstraint(
                condition=_rating_in_range("rating"), name="games_journalentry_rating_range"
            ),
        ]
        indexes = [models.Index(fields=["user", "-played_on", "-id"], name="games_journal_user_date_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} / {self.game_id} on {self.played_on}"


class FavouriteGame(models.Model):
    """One of a user's (up to five) favourite games, in the order the user chose."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites")
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["user", "position"], name="games_favourite_user_position_unique"),
            models.UniqueConstraint(fields=["user", "game"], name="games_favourite_user_game_unique"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=FAVOURITES_MAX),
                name="games_favourite_position_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} #{self.position}: {self.game_id}"


class GamePopularity(models.Model):
    """
    How many users have a game on at least one shelf, kept by games/popularity.py as shelves change:
    the popular games are read from here by an index, not counted over every shelf per request.
    A row of its own, not a field of Game, so that saving a game (the admin, an IGDB refresh) never
    writes back a count read before a concurrent shelving.
    """

    game = models.OneToOneField(Game, on_delete=models.CASCADE, primary_key=True, related_name="popularity")
    users_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "game popularity"
        indexes = [models.Index(fields=["-users_count", "game"], name="games_popularity_top_idx")]

    def __str__(self) -> str:
        return f"{self.game_id}: {self.users_count}"
