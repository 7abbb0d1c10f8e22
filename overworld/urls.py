import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from games import views as games_views
from overworld.health import HealthView, ReadinessView
from overworld.media import media_serve
from overworld.routing import route
from overworld.schema_view import SchemaView
from users import legacy
from users.forms import BrowsableAPILoginForm

BROWSABLE_API_AUTH = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="rest_framework/login.html", authentication_form=BrowsableAPILoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]

# Every API route answers with or without its trailing slash (overworld.routing.route says why).
urlpatterns = [
    # The original Overworld web client's paths first: where one is also the API's, the client's wins.
    path("api/", include("users.legacy_urls")),
    path("api/", include("users.urls")),
    # The catalogue's root without its slash, which its include cannot match. The schema lists the
    # routes declared twice, like this one and the journal entry's, once (overworld.schema).
    re_path(r"^api/games$", games_views.GameListView.as_view()),
    path("api/games/", include("games.urls")),
    # The client's game page, by slug and without the trailing slash, after the API's own routes there:
    # /api/games/<igdb>/ (with the slash), /api/games/search and /api/games/trending stay the API's.
    re_path(r"^api/games/(?P<slug>[^/]+)$", legacy.GamePageView.as_view(), name="legacy-game"),
    route("api/journal", games_views.JournalCreateView, "journal-create"),
    path("api/journal/<int:entry_id>/", games_views.JournalEntryView.as_view(), name="journal-entry"),
    path("api/journal/<int:entry_id>", games_views.JournalEntryView.as_view()),
    # The Azuma account API, at the exact paths its clients already use.
    path("", include("users.azuma")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    # The browsable API's log-in page, for developers: DRF's, with the API login's throttle and lockout.
    path("api-auth/", include((BROWSABLE_API_AUTH, "rest_framework"))),
    path("admin/", admin.site.urls),
    path("healthz", HealthView.as_view(), name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
    # Profile pictures, when this app serves them (SERVE_MEDIA); MEDIA_URL may name another host.
    re_path(
        rf"^{re.escape(urlsplit(settings.MEDIA_URL).path.lstrip('/'))}(?P<path>.+)$",
        media_serve,
        name="media",
    ),
]
