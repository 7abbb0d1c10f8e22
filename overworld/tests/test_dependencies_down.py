"""
The database or the cache down: 503 JSON naming it (with Retry-After), never a 500, in every part of
the app, and the next request after its return is served. (test_recovery.py does the same against a
real server whose connections are cut; these run in-process, on SQLite too.)
"""

import logging

import pytest
import redis
from django.db import InterfaceError, OperationalError, ProgrammingError, connection
from django.test import override_settings

from overworld.exceptions import unavailable_dependency
from overworld.tests.live import free_port

pytestmark = pytest.mark.django_db

DATABASE_DOWN = {"detail": "The database is unavailable; try again shortly.", "code": "database_unavailable"}
CACHE_DOWN = {"detail": "The cache is unavailable; try again shortly.", "code": "cache_unavailable"}


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as Django reports a refused connection (its wrapper of the driver's error)."""

    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(connection, "cursor", refused)
    return monkeypatch


@pytest.fixture
def redis_down(settings):
    """The cache on a Redis port where nothing listens."""
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
                "OPTIONS": settings.CACHES["default"].get("OPTIONS", {}),
            }
        }
    )


def assert_unavailable(response, body):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == body
    assert response["Retry-After"] == "5"


def test_a_public_endpoint_answers_503_while_the_database_is_down(client, user, database_down, caplog):
    with caplog.at_level(logging.WARNING, logger="overworld.dependencies"):
        response = client.get("/api/users/madeline")

    assert_unavailable(response, DATABASE_DOWN)
    assert "database unavailable: OperationalError: connection to server" in caplog.text


def test_a_token_is_not_401_while_the_database_is_down(auth_client, database_down):
    # The token cannot be looked up: that is the database's fault, not the client's.
    assert_unavailable(auth_client.get("/api/users/user/"), DATABASE_DOWN)


def test_a_write_answers_503_while_the_database_is_down(auth_client, other_user, database_down):
    assert_unavailable(auth_client.post("/api/users/follow/", {"username": "theo"}), DATABASE_DOWN)


def test_the_azuma_api_answers_503_in_its_own_format(api_client, user, database_down):
    response = api_client.post("/user/login", {"name": "madeline", "password": "whatever-password"})

    assert response.status_code == 503
    assert response.json() == {
        "message": "SERVICE_UNAVAILABLE",
        "description": "The database is unavailable; try again shortly.",
    }
    assert response["Retry-After"] == "5"


def test_a_view_outside_drf_answers_503_json_while_the_database_is_down(client, user, database_down):
    response = client.post("/admin/login/", {"username": "madeline", "password": "whatever-password"})

    assert_unavailable(response, DATABASE_DOWN)


def test_a_lost_connection_is_503_too(client, user, monkeypatch):
    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(connection, "cursor", closed)

    assert_unavailable(client.get("/api/users/madeline"), DATABASE_DOWN)


def test_liveness_does_not_depend_on_the_database(client, database_down):
    assert client.get("/healthz").status_code == 200


def test_the_next_request_is_served_once_the_database_is_back(client, user, database_down):
    assert client.get("/api/users/madeline").status_code == 503

    database_down.undo()

    assert client.get("/api/users/madeline").status_code == 200


def test_a_login_answers_503_while_redis_is_down_and_works_once_it_is_back(
    api_client, user, password, redis_down
):
    with redis_down:
        down = api_client.post("/api/users/login/", {"username": "madeline", "password": password})
        readiness = api_client.get("/readyz")
        # What needs no cache is still served.
        profile = api_client.get("/api/users/madeline")

    assert_unavailable(down, CACHE_DOWN)
    assert readiness.status_code == 503
    assert readiness.json()["cache"] == "unavailable: ConnectionError"
    assert profile.status_code == 200
    back = api_client.post("/api/users/login/", {"username": "madeline", "password": password})
    assert back.status_code == 200


@pytest.mark.parametrize(
    ("error", "dependency"),
    [
        (OperationalError("server closed the connection unexpectedly"), "database"),
        (InterfaceError("connection already closed"), "database"),
        (redis.exceptions.ConnectionError("Connection refused"), "cache"),
        (redis.exceptions.TimeoutError("Timeout reading from socket"), "cache"),
        (ProgrammingError("relation does not exist"), None),
        (redis.exceptions.ResponseError("WRONGTYPE"), None),
        (RuntimeError("a bug"), None),
    ],
)
def test_only_unreachable_dependencies_are_503(error, dependency):
    assert unavailable_dependency(error) == dependency
