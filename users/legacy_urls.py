"""
The original Overworld web client's routes, at the exact paths it requests (slash or no slash as it
sends them), mounted under /api/ before the API's own routes: where a path is the client's, its shape
wins (the README's "Using the original Overworld web client"). Its game page, by slug without the
trailing slash, is routed in overworld/urls.py after the API's own games routes.
"""

from django.urls import re_path

from games.models import IGDB_ID_PATTERN
from overworld.routing import route
from users import legacy
from users.models import USERNAME_URL_PATTERN

app_name = "legacy"

USERNAME = rf"(?P<username>{USERNAME_URL_PATTERN})"
# An IGDB slug: what the client puts after /games/ (one path segment).
SLUG = r"(?P<slug>[^/]+)"

# The profile page's extras, at users/profile/<username>/<extra>, each route named profile-<extra>.
PROFILE_EXTRAS = {"ratings": legacy.ProfileRatingsView, "activity": legacy.ProfileActivityView}

urlpatterns = [
    route("games/popular", legacy.PopularView, "popular"),
    route(rf"games/backdrop/(?P<igdb>{IGDB_ID_PATTERN})", legacy.BackdropView, "backdrop"),
    route("games/frontpage", legacy.FrontpageView, "frontpage"),
    # The text as typed, in the path (at least one character: /api/games/search/ is the API's own).
    re_path(r"^games/search/(?P<text>.+)$", legacy.SearchView.as_view(), name="search"),
    route(r"games/company/(?P<company>[^/]+)", legacy.CompanyView, "company"),
    route(rf"games/{SLUG}/ratings", legacy.GameRatingsView, "game-ratings"),
    route("actions", legacy.GameStateView, "state"),
    *(route(f"actions/{action}", view, action) for action, view in legacy.TOGGLE_VIEWS.items()),
    route("actions/ratings", legacy.RatingView, "rating"),
    route("actions/journal", legacy.JournalView, "journal"),
    route("actions/favorites", legacy.FavouritesView, "favourites"),
    route("actions/favorites/add", legacy.FavouriteAddView, "favourite-add"),
    route("actions/favorites/remove", legacy.FavouriteRemoveView, "favourite-remove"),
    *(
        route(rf"users/profile/{USERNAME}/{extra}", view, f"profile-{extra}")
        for extra, view in PROFILE_EXTRAS.items()
    ),
]
