import re
import uuid
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

# Argon2id costs ~130 ms a hash: tests use a fast hasher, set before the factories hash their password.
# Production's hashers stay listed after it, so their hashes still verify; the tests whose subject is
# hashing ask for `production_hashers`.
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
PRODUCTION_HASHERS = list(django_settings.PASSWORD_HASHERS)
#
# WhiteNoise indexes every static file (the admin's, DRF's, Swagger UI's: about a thousand) whenever a
# request handler is built, which every test client does: 38 s of the suite's CPU. In the tests it looks
# a file up when it is asked for (its autorefresh mode), which serves the same files.
override_settings(
    PASSWORD_HASHERS=[FAST_HASHER, *PRODUCTION_HASHERS],
    WHITENOISE_AUTOREFRESH=True,
).enable()

from games.tests.factories import GameFactory  # noqa: E402
from users import services  # noqa: E402
from users.tests.factories import PASSWORD, UserFactory  # noqa: E402


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are deselected, loudly, on another database; CI runs them on PostgreSQL."""
    if connection.vendor == "postgresql":
        return
    selected = [item for item in items if "postgresql" not in item.keywords]
    deselected = [item for item in items if "postgresql" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


# The same query shape this many times in one API request means a query per row: an N+1.
REPEATED_QUERY_LIMIT = 3
_IN_LIST = re.compile(r"IN \((?:%s, )*%s\)")


def _query_shape(sql: str) -> str:
    return _IN_LIST.sub("IN (...)", sql)


@pytest.fixture(autouse=True)
def _no_query_per_row():
    """
    Fails any test in which an API request runs the same query shape more than
    REPEATED_QUERY_LIMIT times: whatever the data, no endpoint may query once per row.
    """
    repeated: list[str] = []
    requests: list[tuple[str, Counter, object]] = []

    def started(sender, environ=None, **kwargs):
        path = (environ or {}).get("PATH_INFO", "")
        if not path.startswith("/api/") or requests:
            return
        shapes: Counter = Counter()

        def count(execute, sql, params, many, context):
            if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
                shapes[_query_shape(sql)] += 1
            return execute(sql, params, many, context)

        connection.execute_wrappers.append(count)
        requests.append((path, shapes, count))

    def finished(sender, **kwargs):
        if not requests:
            return
        path, shapes, count = requests.pop()
        if count in connection.execute_wrappers:
            connection.execute_wrappers.remove(count)
        repeated.extend(
            f"{path}: {times} x {shape}" for shape, times in shapes.items() if times > REPEATED_QUERY_LIMIT
        )

    request_started.connect(started)
    request_finished.connect(finished)
    yield
    request_started.disconnect(started)
    request_finished.disconnect(finished)
    assert not repeated, "A request queried once per row (N+1):\n" + "\n".join(repeated)


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """
    Each test gets a cache of its own, so that throttle counters neither leak between tests nor
    between parallel workers: with REDIS_URL (CI's PostgreSQL run), the production backend, Redis,
    under a key prefix of its own; otherwise a fresh in-memory cache, shared by the test's threads
    (the file cache a server without Redis uses costs a file write per cache write: seconds a run).
    """
    isolated = {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    if isolated["BACKEND"].endswith("FileBasedCache"):
        isolated = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": isolated["KEY_PREFIX"],
        }
    settings.CACHES = {"default": isolated}


@pytest.fixture
def production_hashers(settings):
    """The production PASSWORD_HASHERS (Argon2id first), for the tests about hashing itself."""
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory(username="madeline", email="madeline@example.com")


@pytest.fixture
def other_user(db):
    return UserFactory(username="theo", email="theo@example.com")


@pytest.fixture
def token(user) -> str:
    return services.token_create(user=user)


@pytest.fixture
def auth_client(token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def game(db):
    return GameFactory(igdb="26226", name="Celeste", slug="celeste")


def pytest_report_header(config):
    if connection.vendor != "postgresql":
        return [
            f"database: {connection.vendor}; tests marked 'postgresql' are deselected "
            "(run again with DATABASE_URL=postgres://... for them)"
        ]
    return [f"database: {connection.vendor}"]
