from django.urls import path, re_path

from games import views
from games.models import IGDB_ID_PATTERN

app_name = "games"

IGDB = rf"(?P<igdb>{IGDB_ID_PATTERN})"

urlpatterns = [
    path("", views.GameListView.as_view(), name="list"),
    re_path(rf"^{IGDB}/state/?$", views.GameStateView.as_view(), name="state"),
    re_path(rf"^{IGDB}/?$", views.GameDetailView.as_view(), name="detail"),
]
