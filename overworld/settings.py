"""
Settings for Overworld, read from the environment.

Every variable is listed, with its default, in `.env.example`. The defaults suit a newcomer's laptop
(SQLite, local memory cache); with `DJANGO_DEBUG` off the process refuses to start on an unsafe value.
"""

import hashlib
import ipaddress
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers
from django.core.exceptions import ImproperlyConfigured

from overworld.config_values import boolean, integer
from overworld.email_config import email_settings
from overworld.storage_config import avatar_storage

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else boolean(name, value)


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else integer(name, value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# A development key is only acceptable while DEBUG is on; production must bring its own.
_INSECURE_DEVELOPMENT_KEY = "django-insecure-overworld-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (see .env.example), or set DJANGO_DEBUG=true "
            "for local development."
        )
    SECRET_KEY = _INSECURE_DEVELOPMENT_KEY
elif not DEBUG and (SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak for production: use 50 or more random characters."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "corsheaders",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Trigram search (games/selectors.py) and its index's operator class, on PostgreSQL.
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "users",
    "games",
]

MIDDLEWARE = [
    # First: one log line per request, with the status and duration the client gets, and X-Request-ID.
    "overworld.middleware.RequestLogMiddleware",
    # Outside every middleware that may answer by itself (JSON 404, 413, 400, 503), so that those
    # answers carry CORS headers too and a cross-origin frontend sees their status.
    "corsheaders.middleware.CorsMiddleware",
    # Answers to a request with credentials: Cache-Control no-store; every answer: Vary Authorization.
    "overworld.middleware.PrivateAnswerMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "overworld.middleware.JsonErrorMiddleware",
    # The database or the cache down: 503 JSON outside DRF too (DRF's views: overworld.exceptions).
    "overworld.middleware.DependencyUnavailableMiddleware",
    # Serves the admin's and the API docs' assets (no CDN: the docs work offline), DEBUG on or off.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "overworld.middleware.RequestSizeLimitMiddleware",
    # A NUL character in the path or the query string: 400 (no database accepts it in a string).
    "overworld.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "overworld.urls"
WSGI_APPLICATION = "overworld.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # Off by default: a check is a `SELECT 1` round trip on every request. Without it, a worker
        # whose connection died (the database restarted) answers one request 503, then reconnects.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", False),
    )
}
# A database that does not answer fails the request (503) within seconds rather than holding a worker
# until gunicorn kills it; `?connect_timeout=N` in DATABASE_URL overrides.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# The cache holds what every worker process must share: throttle counters and the login lockout.
# Redis when REDIS_URL is set; otherwise files on this machine, which its processes share.
REDIS_URL = os.environ.get("REDIS_URL", "")
# The cache holds data of one database (cached profiles): by default its keys are namespaced by the
# database, so a cache shared with another database (a laptop switching DATABASE_URL) never mixes them.
_database_identity = "|".join(
    str(DATABASES["default"].get(key, "")) for key in ("ENGINE", "HOST", "PORT", "NAME")
)
CACHE_KEY_PREFIX = os.environ.get(
    "CACHE_KEY_PREFIX", "overworld-" + hashlib.sha256(_database_identity.encode()).hexdigest()[:12]
)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        # Redis answers in a millisecond; one that does not answer in 2 s is down (503), not slow.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("DJANGO_CACHE_DIR")
        or str(Path(tempfile.gettempdir()) / "overworld-cache"),
        "KEY_PREFIX": CACHE_KEY_PREFIX,
    }
}

AUTH_USER_MODEL = "users.User"
# Every password login, whatever the way in, passes the login lockout and the security log.
AUTHENTICATION_BACKENDS = ["users.backends.GuardedModelBackend"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id first; hashes made by the others still verify and are rehashed with Argon2id at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files (profile pictures) on this machine, unless AVATAR_STORAGE_URL names an S3-compatible store
# (overworld/storage_config.py). MEDIA_URL may be absolute (https://api.example.com/media/): a frontend on
# another origin (the original web client) uses picture URLs as they come.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
if not MEDIA_URL.endswith("/"):
    raise ImproperlyConfigured(f"DJANGO_MEDIA_URL must end with a slash, not {MEDIA_URL!r}.")
# Whether this app serves MEDIA_ROOT at MEDIA_URL itself (the files are its own re-encoded pictures, under
# random names); off, a reverse proxy or the S3 store serves them. Default: DEBUG.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    "avatars": avatar_storage(os.environ, media_root=MEDIA_ROOT, media_url=MEDIA_URL),
}
# Without `collectstatic` (development, tests) the files are found where the apps keep them.
WHITENOISE_USE_FINDERS = True

# Request bodies of the API are small JSON documents.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that an anonymous request gets 401 with WWW-Authenticate, not 403.
        "users.authentication.TokenAuthentication",
        # For developers using the browsable API after logging in at /api-auth/login/.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        # DRF's, which also sends cached answers already encoded (overworld/renderers.py).
        "overworld.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        # DRF's, with a bound on nesting (a deeply nested document is a 400, not a RecursionError).
        "overworld.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # drf-spectacular's, with hand-given operation ids and the answers every operation may give.
    "DEFAULT_SCHEMA_CLASS": "overworld.schema.AutoSchema",
    "EXCEPTION_HANDLER": "overworld.exceptions.exception_handler",
    # Per client address; each scope is tuned by THROTTLE_<SCOPE> (e.g. THROTTLE_LOGIN=30/min).
    "DEFAULT_THROTTLE_RATES": {
        scope: os.environ.get(f"THROTTLE_{scope.upper()}", default)
        for scope, default in {
            "register": "20/hour",
            "login": "30/min",
            "password": "10/hour",
            "azuma": "60/min",
            # Password reset requests, per client (users/emails.py).
            "password_reset": "10/hour",
            # E-mail verification and verification resends, per client.
            "email_verify": "30/hour",
            # E-mails one address may be sent on request (resets, verifications), whoever asks.
            "email_address": "5/hour",
            # Game search, popular games and game details, which may call IGDB.
            "catalogue": "120/min",
            # Per user: profile edits and Azuma account updates.
            "account_edit": "60/hour",
            # Per user: games added to the catalogue by shelving or logging a game unknown here.
            "game_create": "60/hour",
            # Profile picture uploads and removals, per user (users/avatars.py).
            "avatar": "30/hour",
        }.items()
    },
    # DRF's own guess at the client trusts X-Forwarded-For from anyone: every throttle here uses
    # overworld.throttling.client_address (TRUSTED_PROXIES) instead, and DRF's would trust nothing.
    "NUM_PROXIES": 0,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# The addresses (CIDR networks) of the reverse proxies in front of the app. X-Forwarded-For is believed
# only from these peers, and only as far back as the proxies it lists are among them; any other peer's
# own address is the client's (throttles, the lockout, the security log: users/security.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _network in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES lists IP addresses or CIDR networks, not {_network!r}."
        ) from _error
if env_int("NUM_PROXIES", 0):
    # A count of proxies trusts X-Forwarded-For from anyone who reaches the app directly.
    raise ImproperlyConfigured("NUM_PROXIES is replaced by TRUSTED_PROXIES: list your proxies' addresses.")

# After LOGIN_LOCKOUT_ATTEMPTS failed logins for one username from one client within the window,
# that client's logins for it get 429 until the window (from the first failure) has passed.
LOGIN_LOCKOUT_ATTEMPTS = env_int("LOGIN_LOCKOUT_ATTEMPTS", 5)
LOGIN_LOCKOUT_WINDOW_SECONDS = env_int("LOGIN_LOCKOUT_WINDOW_SECONDS", 15 * 60)

# A password change needs the current password, or a token issued by a login (or registration) less
# than this many seconds ago (the Azuma seed's register-then-update flow): a stolen token alone is not
# enough to lock the owner out.
PASSWORD_CHANGE_RECENT_LOGIN_SECONDS = env_int("PASSWORD_CHANGE_RECENT_LOGIN_SECONDS", 10 * 60)

# How long a profile may be served from the cache at most: writes invalidate it at once; this only
# bounds staleness when an invalidation was lost while the cache was down. 0: profiles are not cached.
PROFILE_CACHE_SECONDS = env_int("PROFILE_CACHE_SECONDS", 300)

# A new login past this many tokens revokes the user's oldest token.
TOKEN_LIMIT_PER_USER = env_int("TOKEN_LIMIT_PER_USER", 20)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("TOKEN_TTL_DAYS", 30)),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(days=env_int("TOKEN_MAX_TTL_DAYS", 90)),
    "AUTH_HEADER_PREFIX": "Token",
}

# The game catalogue from IGDB (games/igdb.py). Without IGDB_CLIENT_ID and IGDB_CLIENT_SECRET (a Twitch
# application's credentials) the catalogue works from the local database alone.
IGDB_CLIENT_ID = os.environ.get("IGDB_CLIENT_ID", "")
IGDB_CLIENT_SECRET = os.environ.get("IGDB_CLIENT_SECRET", "")
IGDB_API_URL = os.environ.get("IGDB_API_URL", "https://api.igdb.com/v4").rstrip("/")
TWITCH_TOKEN_URL = os.environ.get("TWITCH_TOKEN_URL", "https://id.twitch.tv/oauth2/token")
# Connect and read timeout of each request to IGDB or Twitch, in seconds.
IGDB_TIMEOUT_SECONDS = env_int("IGDB_TIMEOUT_SECONDS", 3)
# Retries after a timeout, a 429 or a 5xx (so at most 1 + this many attempts), with exponential backoff.
IGDB_MAX_RETRIES = env_int("IGDB_MAX_RETRIES", 2)
IGDB_RETRY_BACKOFF_SECONDS = 0.5
# The longest an API request waits for IGDB in all (token, rate limit, attempts, pauses); under gunicorn's
# timeout. Bulk imports (manage.py igdb_import) have no such bound.
IGDB_REQUEST_BUDGET_SECONDS = env_int("IGDB_REQUEST_BUDGET_SECONDS", 5)
# The circuit breaker (games/igdb.py): after this many failed attempts in a row (timeouts, connection
# errors, 5xx), shared by every process, IGDB is not called for the cool-off (503 or the local answer
# at once); 0 turns it off.
IGDB_BREAKER_FAILURES = env_int("IGDB_BREAKER_FAILURES", 5)
IGDB_BREAKER_COOLOFF_SECONDS = env_int("IGDB_BREAKER_COOLOFF_SECONDS", 30)
# IGDB allows 4 requests per second per client id: every process claims its slots in the shared cache.
IGDB_REQUESTS_PER_SECOND = env_int("IGDB_REQUESTS_PER_SECOND", 4)
IGDB_SEARCH_CACHE_SECONDS = env_int("IGDB_SEARCH_CACHE_SECONDS", 60 * 60)
IGDB_POPULAR_CACHE_SECONDS = env_int("IGDB_POPULAR_CACHE_SECONDS", 6 * 60 * 60)
# A game's details are fetched again from IGDB when viewed this many days after the last fetch.
IGDB_REFRESH_DAYS = env_int("IGDB_REFRESH_DAYS", 7)

SPECTACULAR_SETTINGS = {
    "TITLE": "Overworld API",
    "DESCRIPTION": (
        "The backend of Overworld, a social network for people who play video games: accounts, "
        "profiles, follows and game shelves.\n\n"
        "Authenticate with `Authorization: Token <token>` (or `Bearer <token>`), using the token "
        "returned by register or login.\n\n"
        'Any endpoint may answer `503 {"detail"}` with `Retry-After` while the database or the cache '
        "is unavailable. Every response carries an `X-Request-ID` header (the request's own when it "
        "sends one), which the server's log names too."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The API's contract is JSON and tokens: the form parsers and the session serve the browsable API,
    # which keeps them, but the schema (and every client generated from it) offers neither.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "AUTHENTICATION_WHITELIST": ["users.authentication.TokenAuthentication"],
    "PREPROCESSING_HOOKS": ["overworld.schema.preprocess_endpoints"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "overworld.schema.postprocess_schema",
    ],
    "TAGS": [
        {"name": "users", "description": "Accounts, profiles and follows."},
        {"name": "games", "description": "The game catalogue and each user's shelves."},
        {"name": "journal", "description": "Dated entries of what users played, with reviews."},
        {"name": "activity", "description": "What users did, for their pages and their followers' feeds."},
        {"name": "health", "description": "Liveness and readiness probes."},
        {
            "name": "azuma",
            "description": (
                "The Azuma account API over the same accounts and tokens (`name` is the username). "
                'Errors: `{"message": CODE, "description"}`.'
            ),
        },
    ],
}

# Production hardening: active whenever DEBUG is off (`manage.py check --deploy` is clean).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Probes of the load balancer speak plain HTTP to the app.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The SPA lives on other origins: they are listed, never a wildcard. Tokens travel in the
# Authorization header, not cookies, so credentials (cookies) are not allowed cross-origin.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
if any("*" in origin for origin in CORS_ALLOWED_ORIGINS):
    raise ImproperlyConfigured("CORS_ALLOWED_ORIGINS lists origins; a wildcard is not allowed.")
CORS_URLS_REGEX = r"^/(api/|users$|user/)"
CORS_EXPOSE_HEADERS = ["Retry-After", "Content-Disposition", "X-Request-ID"]
# A frontend may send its own request id, which the log then carries (RequestLogMiddleware).
CORS_ALLOW_HEADERS = (*default_headers, "x-request-id")
CORS_PREFLIGHT_MAX_AGE = 60 * 60

# Readable lines ending in key=value pairs, or one JSON object per line for a pipeline (overworld/logs.py).
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"()": "overworld.logs.KeyValueFormatter"},
        "json": {"()": "overworld.logs.JsonFormatter"},
    },
    # Each line written while a request is handled names its request_id (overworld/logs.py).
    "filters": {"request_id": {"()": "overworld.logs.RequestIdFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Logins, lockouts, logouts, password changes, deletions: user id and client, never a secret.
    # overworld.request (one line per request, INFO) follows DJANGO_LOG_LEVEL: WARNING silences it.
    "loggers": {"overworld.security": {"level": "INFO"}},
}

# --- E-mail: password reset and address verification (users/emails.py) ---
# The backend from EMAIL_URL (smtp://user:pass@host:587?tls=1, console://, ...) or the usual EMAIL_*
# variables; with neither, the console while DEBUG is on (see overworld/email_config.py).
_email = email_settings(os.environ, debug=DEBUG)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]
if "EMAIL_FILE_PATH" in _email:
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Overworld <noreply@localhost>")
# Messages are handed to a background thread once the transaction commits: no request waits for the
# mail server (nor shows by its timing whether a message was sent at all), and an outage is logged.
EMAIL_SEND_IN_BACKGROUND = env_bool("EMAIL_SEND_IN_BACKGROUND", True)
# The links in messages lead to the single-page frontend, which calls the API.
FRONTEND_URL = os.environ.get("FRONTEND_URL", "http://localhost:3000").rstrip("/")
if not FRONTEND_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"FRONTEND_URL must start with http:// or https://, not {FRONTEND_URL!r}.")
FRONTEND_PASSWORD_RESET_PATH = os.environ.get("FRONTEND_PASSWORD_RESET_PATH", "/reset-password/{uid}/{token}")
FRONTEND_EMAIL_VERIFICATION_PATH = os.environ.get("FRONTEND_EMAIL_VERIFICATION_PATH", "/verify-email/{key}")
for _name, _path, _placeholders in (
    ("FRONTEND_PASSWORD_RESET_PATH", FRONTEND_PASSWORD_RESET_PATH, ("{uid}", "{token}")),
    ("FRONTEND_EMAIL_VERIFICATION_PATH", FRONTEND_EMAIL_VERIFICATION_PATH, ("{key}",)),
):
    if not _path.startswith("/") or not all(placeholder in _path for placeholder in _placeholders):
        raise ImproperlyConfigured(f"{_name} must start with / and contain {' and '.join(_placeholders)}.")
# Seconds a password reset link works (Django's token generator reads this setting). Default: 1 hour.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)
# Seconds an e-mail verification link works. Default: 3 days.
EMAIL_VERIFICATION_TIMEOUT = env_int("EMAIL_VERIFICATION_TIMEOUT", 3 * 24 * 60 * 60)
# When true, a user whose address is not verified may read but not act on others: following and
# profile edits (views with overworld.permissions.HasVerifiedEmail) answer 403 until the address is
# verified. Logging in, logging out and managing the account always work; registration still returns
# a token at once.
EMAIL_VERIFICATION_REQUIRED = env_bool("EMAIL_VERIFICATION_REQUIRED", False)
