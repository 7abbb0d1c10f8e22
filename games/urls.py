from django.urls import path, re_path

from games import views
from games.models import IGDB_ID_PATTERN

app_name = "games"

IGDB = rf"(?P<igdb>{IGDB_ID_PATTERN})"

urlpatterns = [
    path("", views.GameListView.as_view(), name="list"),
    # Before the IGDB id routes, whose pattern these words would match.
    re_path(r"^search/?$", views.GameSearchView.as_view(), name="search"),
    # /api/games/popular/ is the original web client's (users/legacy_urls.py).
    re_path(r"^trending/?$", views.GamePopularView.as_view(), name="trending"),
    re_path(rf"^{IGDB}/state/?$", views.GameStateView.as_view(), name="state"),
    # With the trailing slash only: /api/games/<slug> without it is the original web client's game page.
    re_path(rf"^{IGDB}/$", views.GameDetailView.as_view(), name="detail"),
]
