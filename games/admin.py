from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count
from django.utils import timezone

from games import services
from games.igdb import parse_igdb_id
from games.models import SHELVES, FavouriteGame, Game, GameState, JournalEntry
from overworld.admin import RawIdAdmin
from overworld.exceptions import UpstreamError


class DetailsFilter(admin.SimpleListFilter):
    """Whether IGDB's details are stored, and fresh (younger than IGDB_REFRESH_DAYS)."""

    title = "IGDB details"
    parameter_name = "details"

    def lookups(self, request, model_admin):
        return [("fresh", "Fresh"), ("stale", "Stale"), ("missing", "Missing")]

    def queryset(self, request, queryset):
        stale_before = timezone.now() - timedelta(days=settings.IGDB_REFRESH_DAYS)
        if self.value() == "fresh":
            return queryset.filter(details_refreshed_at__gt=stale_before)
        if self.value() == "stale":
            return queryset.filter(details_refreshed_at__lte=stale_before)
        if self.value() == "missing":
            return queryset.filter(details_refreshed_at__isnull=True)
        return queryset


@admin.register(Game)
class GameAdmin(admin.ModelAdmin):
    list_display = ("name", "igdb", "slug", "first_release_date", "users_count", "details_refreshed_at")
    list_filter = (DetailsFilter, ("first_release_date", admin.DateFieldListFilter), "created_at")
    search_fields = ("name", "igdb", "slug")
    # IGDB fills the details (games/igdb.py); a refresh replaces what is edited here.
    readonly_fields = ("details_refreshed_at", "created_at", "updated_at")
    ordering = ("name",)
    actions = ("refresh_from_igdb",)

    @admin.action(description="Refresh the selected games from IGDB")
    def refresh_from_igdb(self, request, queryset):
        # Games made up by a user's request under an id that is not IGDB's cannot be refreshed.
        parsed = (parse_igdb_id(igdb) for igdb in queryset.values_list("igdb", flat=True))
        igdb_ids = [number for number in parsed if number is not None]
        try:
            report = services.games_import(ids=igdb_ids)
        except (UpstreamError, ImproperlyConfigured) as error:
            reason = getattr(error, "detail", error)
            self.message_user(request, f"IGDB refresh failed: {reason}", messages.ERROR)
            return
        self.message_user(request, f"{len(report.updated)} game(s) refreshed from IGDB.", messages.SUCCESS)
        if report.missing:
            missing = ", ".join(map(str, report.missing))
            self.message_user(request, f"Unknown to IGDB: {missing}.", messages.WARNING)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(users_total=Count("states"))

    @admin.display(description="users", ordering="users_total")
    def users_count(self, game):
        return game.users_total


@admin.register(GameState)
class GameStateAdmin(RawIdAdmin):
    list_display = ("user", "game", "played", "liked", "backlog", "wishlist", "updated_at")
    list_filter = ("played", "liked", "backlog", "wishlist")
    search_fields = ("user__username", "game__name", "game__igdb")
    raw_id_fields = ("user", "game")
    readonly_fields = ("played_at", "liked_at", "backlog_at", "wishlist_at", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        # The form sets the flags; their timestamps follow, as the database requires.
        now = timezone.now()
        for shelf in SHELVES:
            if not getattr(obj, shelf):
                setattr(obj, f"{shelf}_at", None)
            elif getattr(obj, f"{shelf}_at") is None:
                setattr(obj, f"{shelf}_at", now)
        super().save_model(request, obj, form, change)


@admin.register(JournalEntry)
class JournalEntryAdmin(RawIdAdmin):
    list_display = ("user", "game", "played_on", "finished", "rating", "spoilers")
    list_filter = ("finished", "spoilers", "liked")
    search_fields = ("user__username", "game__name", "review")
    raw_id_fields = ("user", "game")
    date_hierarchy = "played_on"
    readonly_fields = ("created_at", "updated_at")


@admin.register(FavouriteGame)
class FavouriteGameAdmin(RawIdAdmin):
    list_display = ("user", "position", "game")
    search_fields = ("user__username", "game__name")
    raw_id_fields = ("user", "game")
    ordering = ("user", "position")
