"""
A real app server (gunicorn, production settings) whose PostgreSQL and Redis connections pass through
proxies the test cuts and restores: while one is down, requests that need it get a 503 JSON answer
naming it, the others are served, and once it is back the same process serves again by itself.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection

from overworld.tests.live import DEFAULT_REDIS_URL, AppServer, TcpProxy, database_url, server_environment
from users.tests.factories import PASSWORD, UserFactory

# The server runs production's hashers, which do not include the tests' fast one (conftest.py).
SERVER_HASH = make_password(PASSWORD, hasher="argon2")

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proxies():
    database = connection.settings_dict
    cache = settings.CACHES["default"]
    redis = urlsplit(cache["LOCATION"] if cache["BACKEND"].endswith("RedisCache") else DEFAULT_REDIS_URL)
    database_proxy = TcpProxy(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    redis_proxy = TcpProxy(redis.hostname, redis.port or 6379)
    redis_url = redis._replace(netloc=f"127.0.0.1:{redis_proxy.port}").geturl()
    yield database_proxy, redis_proxy, redis_url
    database_proxy.close()
    redis_proxy.close()


@pytest.fixture
def server(proxies, tmp_path):
    database_proxy, _, redis_url = proxies
    environment = server_environment(
        tmp_path / "cache",
        DATABASE_URL=database_url(host="127.0.0.1", port=database_proxy.port),
        REDIS_URL=redis_url,
    )
    app = AppServer(environment, tmp_path / "server.log").start()
    try:
        app.wait_until_serving()
        yield app
    finally:
        app.stop()


def login(server: AppServer, password: str):
    return server.request("POST", "/api/users/login/", {"username": "madeline", "password": password})


def test_the_database_goes_down_and_comes_back(server, proxies):
    UserFactory(username="madeline", password=SERVER_HASH)
    UserFactory(username="theo")
    database_proxy, _, _ = proxies
    assert server.request("GET", "/api/users/madeline").status == 200

    database_proxy.cut()

    # A profile already in the cache is still served to anonymous visitors; anything else needs the
    # database: a profile not yet cached (theo's) gets 503.
    assert server.request("GET", "/api/users/madeline").status == 200
    profile = server.request("GET", "/api/users/theo")
    assert profile.status == 503
    assert profile.headers["Content-Type"] == "application/json"
    assert profile.body == {
        "detail": "The database is unavailable; try again shortly.",
        "code": "database_unavailable",
    }
    assert profile.headers["Retry-After"] == "5"
    assert login(server, PASSWORD).status == 503
    readiness = server.request("GET", "/readyz")
    assert readiness.status == 503
    assert readiness.body["database"].startswith("unavailable")
    assert readiness.body["cache"] == "ok"
    assert server.request("GET", "/healthz").status == 200

    database_proxy.restore()

    # The next request reconnects: no restart, no warm-up.
    assert server.request("GET", "/api/users/theo").status == 200
    assert login(server, PASSWORD).status == 200
    assert server.request("GET", "/readyz").status == 200
    warnings = [line for line in server.log().splitlines() if "overworld.dependencies" in line]
    assert warnings
    assert "database unavailable: OperationalError" in warnings[0]


def test_redis_goes_down_and_comes_back(server, proxies):
    UserFactory(username="madeline", password=SERVER_HASH)
    _, redis_proxy, _ = proxies
    assert login(server, "wrong-password").status == 400

    redis_proxy.cut()

    # Logins need the cache (throttle, lockout): 503. Reading a profile does not: still served.
    refused = login(server, PASSWORD)
    assert refused.status == 503
    assert refused.body == {
        "detail": "The cache is unavailable; try again shortly.",
        "code": "cache_unavailable",
    }
    assert server.request("GET", "/api/users/madeline").status == 200
    readiness = server.request("GET", "/readyz")
    assert readiness.status == 503
    assert readiness.body["cache"].startswith("unavailable")
    assert readiness.body["database"] == "ok"

    redis_proxy.restore()

    assert login(server, PASSWORD).status == 200
    assert server.request("GET", "/readyz").status == 200
