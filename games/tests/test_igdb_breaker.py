"""The IGDB circuit breaker: after repeated failures, catalogue calls fail fast for a cool-off."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from games.tests.factories import GameFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def breaker(settings, fake_igdb):
    settings.IGDB_BREAKER_FAILURES = 3
    settings.IGDB_BREAKER_COOLOFF_SECONDS = 30
    settings.IGDB_MAX_RETRIES = 2
    return fake_igdb


def test_repeated_failures_open_the_breaker_and_calls_fail_fast(api_client, breaker):
    GameFactory(igdb="26226", name="Celeste", slug="celeste")
    breaker.play("token", "server_error_500", "server_error_500", "server_error_500")
    assert api_client.get("/api/games/1942/").status_code == 503
    asked = len(breaker.igdb_requests)

    started = time.monotonic()
    unknown = api_client.get("/api/games/1942/")
    search = api_client.get("/api/games/search/", {"q": "celeste"})
    popular = api_client.get("/api/games/popular/")
    elapsed = time.monotonic() - started

    # No request reached IGDB while the breaker is open: the fake would have refused any.
    assert len(breaker.igdb_requests) == asked
    assert elapsed < 2
    assert unknown.status_code == 503
    assert 1 <= int(unknown["Retry-After"]) <= 30
    assert (search.status_code, search.json()["source"]) == (200, "local")
    assert [game["name"] for game in search.json()["results"]] == ["Celeste"]
    assert popular.status_code in (200, 503)


def test_the_breaker_is_shared_by_every_client_of_the_cache(api_client, breaker, settings):
    # Timeouts count like 5xx.
    settings.IGDB_TIMEOUT_SECONDS = 0.3
    breaker.play("token", "timeout", "timeout", "timeout")
    assert api_client.get("/api/games/1942/").status_code == 503

    # Another client (another process would share the same cache) fails fast too.
    asked = len(breaker.igdb_requests)
    response = APIClient().get("/api/games/search/", {"q": "zelda"}, REMOTE_ADDR="198.51.100.9")

    # Nothing local matches: 503 at once, without asking IGDB.
    assert response.status_code == 503
    assert "Retry-After" in response
    assert len(breaker.igdb_requests) == asked


def test_after_the_cool_off_calls_go_through_and_a_success_closes_it(api_client, breaker):
    with time_machine.travel(timezone.now(), tick=True) as clock:
        breaker.play("token", "server_error_500", "server_error_500", "server_error_500")
        assert api_client.get("/api/games/1942/").status_code == 503
        clock.shift(timedelta(seconds=31))
        breaker.play("search_celeste")

        response = api_client.get("/api/games/search/", {"q": "celeste"})

        assert response.json()["source"] == "igdb"


def test_one_failure_after_the_cool_off_opens_it_again(api_client, breaker, settings):
    settings.IGDB_MAX_RETRIES = 0
    with time_machine.travel(timezone.now(), tick=True) as clock:
        breaker.play("token", "server_error_500", "server_error_500", "server_error_500")
        for _ in range(3):
            api_client.get("/api/games/1942/")
        clock.shift(timedelta(seconds=31))
        breaker.play("server_error_500")
        assert api_client.get("/api/games/1942/").status_code == 503

        assert api_client.get("/api/games/1942/").status_code == 503  # failed fast: nothing queued


def test_a_few_failures_then_a_success_do_not_open_it(api_client, breaker):
    breaker.play("token", "server_error_500", "server_error_500", "game_celeste")
    assert api_client.get("/api/games/26226/").status_code == 200
    breaker.play("server_error_500", "server_error_500", "search_celeste")

    assert api_client.get("/api/games/search/", {"q": "celeste"}).json()["source"] == "igdb"
