"""
The original Overworld web client's routes, at the exact paths it requests (slash or no slash as it
sends them), mounted under /api/ before the API's own routes: where a path is the client's, its shape
wins (the README's "Using the original Overworld web client"). Its game page, by slug without the
trailing slash, is routed in overworld/urls.py after the API's own games routes.
"""

from django.urls import re_path

from games.models import IGDB_ID_PATTERN
from users import legacy
from users.models import USERNAME_URL_PATTERN

app_name = "legacy"

USERNAME = rf"(?P<username>{USERNAME_URL_PATTERN})"
# An IGDB slug: what the client puts after /games/ (one path segment).
SLUG = r"(?P<slug>[^/]+)"

urlpatterns = [
    re_path(r"^games/popular/?$", legacy.PopularView.as_view(), name="popular"),
    re_path(
        rf"^games/backdrop/(?P<igdb>{IGDB_ID_PATTERN})/?$", legacy.BackdropView.as_view(), name="backdrop"
    ),
    re_path(r"^games/frontpage/?$", legacy.FrontpageView.as_view(), name="frontpage"),
    # The text as typed, in the path (at least one character: /api/games/search/ is the API's own).
    re_path(r"^games/search/(?P<text>.+)$", legacy.SearchView.as_view(), name="search"),
    re_path(r"^games/company/(?P<company>[^/]+)/?$", legacy.CompanyView.as_view(), name="company"),
    re_path(rf"^games/{SLUG}/ratings/?$", legacy.GameRatingsView.as_view(), name="game-ratings"),
    re_path(r"^actions/?$", legacy.GameStateView.as_view(), name="state"),
    *(
        re_path(rf"^actions/{action}/?$", view.as_view(), name=action)
        for action, view in legacy.TOGGLE_VIEWS.items()
    ),
    re_path(r"^actions/ratings/?$", legacy.RatingView.as_view(), name="rating"),
    re_path(r"^actions/journal/?$", legacy.JournalView.as_view(), name="journal"),
    re_path(r"^actions/favorites/?$", legacy.FavouritesView.as_view(), name="favourites"),
    re_path(r"^actions/favorites/add/?$", legacy.FavouriteAddView.as_view(), name="favourite-add"),
    re_path(r"^actions/favorites/remove/?$", legacy.FavouriteRemoveView.as_view(), name="favourite-remove"),
    re_path(
        rf"^users/profile/{USERNAME}/ratings/?$", legacy.ProfileRatingsView.as_view(), name="profile-ratings"
    ),
    re_path(
        rf"^users/profile/{USERNAME}/activity/?$",
        legacy.ProfileActivityView.as_view(),
        name="profile-activity",
    ),
]
