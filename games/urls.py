from django.urls import path, re_path

from games import views
from games.models import IGDB_ID_PATTERN
from overworld.routing import route

app_name = "games"

IGDB = rf"(?P<igdb>{IGDB_ID_PATTERN})"

urlpatterns = [
    path("", views.GameListView.as_view(), name="list"),
    # Before the IGDB id routes, whose pattern these words would match.
    route("search", views.GameSearchView, "search"),
    # /api/games/popular/ is the original web client's (users/legacy_urls.py).
    route("trending", views.GamePopularView, "trending"),
    route(rf"{IGDB}/state", views.GameStateView, "state"),
    # With the trailing slash only: /api/games/<slug> without it is the original web client's game page.
    re_path(rf"^{IGDB}/$", views.GameDetailView.as_view(), name="detail"),
]
