from django.contrib import admin
from django.db.models import Count
from django.utils import timezone

from games.models import SHELVES, FavouriteGame, Game, GameState, JournalEntry


@admin.register(Game)
class GameAdmin(admin.ModelAdmin):
    list_display = ("name", "igdb", "slug", "users_count", "updated_at")
    search_fields = ("name", "igdb", "slug")
    # IGDB fills the details (games/igdb.py); a refresh replaces what is edited here.
    readonly_fields = ("details_refreshed_at", "created_at", "updated_at")
    ordering = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(users_total=Count("states"))

    @admin.display(description="users", ordering="users_total")
    def users_count(self, game):
        return game.users_total


@admin.register(GameState)
class GameStateAdmin(admin.ModelAdmin):
    list_display = ("user", "game", "played", "liked", "backlog", "wishlist", "updated_at")
    list_filter = ("played", "liked", "backlog", "wishlist")
    search_fields = ("user__username", "game__name", "game__igdb")
    raw_id_fields = ("user", "game")
    readonly_fields = ("played_at", "liked_at", "backlog_at", "wishlist_at", "created_at", "updated_at")
    list_select_related = ("user", "game")

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
class JournalEntryAdmin(admin.ModelAdmin):
    list_display = ("user", "game", "played_on", "finished", "rating", "spoilers")
    list_filter = ("finished", "spoilers", "liked")
    search_fields = ("user__username", "game__name", "review")
    raw_id_fields = ("user", "game")
    list_select_related = ("user", "game")
    date_hierarchy = "played_on"
    readonly_fields = ("created_at", "updated_at")


@admin.register(FavouriteGame)
class FavouriteGameAdmin(admin.ModelAdmin):
    list_display = ("user", "position", "game")
    search_fields = ("user__username", "game__name")
    raw_id_fields = ("user", "game")
    list_select_related = ("user", "game")
    ordering = ("user", "position")
