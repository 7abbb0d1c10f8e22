"""GET /api/games/<igdb>/ with IGDB: details fetched on first view, stored, refreshed when stale."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from games.models import Game
from games.tests.factories import GameFactory, GameStateFactory

pytestmark = pytest.mark.django_db

SHELF_COUNT_FIELDS = ("played_count", "liked_count", "backlog_count", "wishlist_count")


def test_first_view_fetches_and_stores_the_details(api_client, fake_igdb):
    fake_igdb.play("token", "game_celeste")

    response = api_client.get("/api/games/26226/")

    assert response.status_code == 200
    body = response.json()
    assert body["igdb"] == "26226"
    assert body["name"] == "Celeste"
    assert body["slug"] == "celeste"
    assert body["summary"].startswith("Help Madeline survive")
    assert body["first_release_date"] == "2018-01-25"
    assert body["genres"] == ["Platform", "Adventure", "Indie"]
    assert body["platforms"] == ["PC (Microsoft Windows)", "Nintendo Switch", "PlayStation 4"]
    assert body["developers"] == ["Maddy Makes Games"]
    assert body["cover_id"] == "co1rgi"
    assert (
        body["cover_urls"]["cover_big"] == "https://images.igdb.com/igdb/image/upload/t_cover_big/co1rgi.jpg"
    )
    assert body["backdrop_id"] == "ar4s6"
    assert body["screenshots"][0] == {
        "image_id": "sc4o6r",
        "urls": {
            size: f"https://images.igdb.com/igdb/image/upload/t_{size}/sc4o6r.jpg"
            for size in ("thumb", "screenshot_med", "screenshot_big", "screenshot_huge", "720p", "1080p")
        },
    }
    assert body["details_refreshed_at"] is not None
    assert body["source"] == "igdb"
    assert all(body[field] == 0 for field in SHELF_COUNT_FIELDS)
    game = Game.objects.get(igdb="26226")
    assert game.first_release_date == date(2018, 1, 25)
    assert game.screenshots == ["sc4o6r", "sc4o6s"]


def test_fresh_details_are_served_without_asking_igdb(api_client, fake_igdb):
    fake_igdb.play("token", "game_celeste")
    api_client.get("/api/games/26226/")

    response = api_client.get("/api/games/26226/")

    assert response.status_code == 200
    assert response.json()["source"] == "igdb"
    assert len(fake_igdb.igdb_requests) == 1


def test_stale_details_are_refreshed(api_client, fake_igdb, settings):
    stale = timezone.now() - timedelta(days=settings.IGDB_REFRESH_DAYS, minutes=1)
    GameFactory(igdb="26226", name="Celeste", summary="Old words.", details_refreshed_at=stale)
    fake_igdb.play("token", "game_celeste")

    body = api_client.get("/api/games/26226/").json()

    assert body["summary"].startswith("Help Madeline survive")
    assert Game.objects.get(igdb="26226").details_refreshed_at > stale


def test_details_a_little_younger_than_the_refresh_period_are_kept(api_client, fake_igdb, settings):
    fake_igdb.play("token", "game_celeste")
    api_client.get("/api/games/26226/")

    with time_machine.travel(
        timezone.now() + timedelta(days=settings.IGDB_REFRESH_DAYS) - timedelta(hours=1)
    ):
        api_client.get("/api/games/26226/")
    fake_igdb.play("game_celeste")
    with time_machine.travel(timezone.now() + timedelta(days=settings.IGDB_REFRESH_DAYS, hours=1)):
        api_client.get("/api/games/26226/")

    assert len(fake_igdb.igdb_requests) == 2


def test_shelf_counts_are_kept(api_client, fake_igdb, game):
    GameStateFactory(game=game, on_all_shelves=True)
    fake_igdb.play("token", "game_celeste")

    body = api_client.get("/api/games/26226/").json()

    assert [body[field] for field in SHELF_COUNT_FIELDS] == [1, 1, 1, 1]
    assert body["id"] == game.pk


def test_igdb_replaces_what_a_user_submitted(api_client, fake_igdb):
    # A game created from someone's PATCH .../state/ with made-up metadata.
    GameFactory(igdb="26226", name="Celeste!!! best game", slug="celeste-lol", cover_id="bogus")
    fake_igdb.play("token", "game_celeste")

    body = api_client.get("/api/games/26226/").json()

    assert (body["name"], body["slug"], body["cover_id"]) == ("Celeste", "celeste", "co1rgi")


def test_a_game_unknown_here_and_to_igdb_is_404(api_client, fake_igdb):
    fake_igdb.play("token", "game_unknown")

    response = api_client.get("/api/games/999999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert not Game.objects.exists()
    # IGDB is not asked again about an id it does not know, for a while.
    assert api_client.get("/api/games/999999999/").status_code == 404
    assert len(fake_igdb.igdb_requests) == 1


def test_a_local_game_unknown_to_igdb_is_served_from_here(api_client, fake_igdb):
    GameFactory(igdb="999999999", name="A homebrew game")
    fake_igdb.play("token", "game_unknown")

    response = api_client.get("/api/games/999999999/")

    assert response.status_code == 200
    assert response.json()["name"] == "A homebrew game"
    assert response.json()["source"] == "local"
    assert response.json()["details_refreshed_at"] is None


@pytest.mark.parametrize("igdb", ["celeste-fan-game", "026226", "99999999999999999999"])
def test_an_id_that_is_not_an_igdb_id_never_reaches_igdb(api_client, fake_igdb, igdb):
    GameFactory(igdb=igdb, name="Local")

    response = api_client.get(f"/api/games/{igdb}/")

    assert response.status_code == 200
    assert response.json()["source"] == "local"
    assert fake_igdb.requests == []
    assert api_client.get("/api/games/not-an-igdb-id/").status_code == 404


def test_igdb_down_serves_the_stored_game(api_client, fake_igdb, game, settings):
    settings.IGDB_TIMEOUT_SECONDS = 0.3
    fake_igdb.play("token", "server_error_500", "timeout", "rate_limited_429")

    response = api_client.get("/api/games/26226/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Celeste"
    assert body["source"] == "local"
    assert body["summary"] == ""


def test_igdb_down_and_the_game_unknown_here_is_503(api_client, fake_igdb):
    fake_igdb.play("token", "server_error_500", "server_error_500", "server_error_500")

    response = api_client.get("/api/games/26226/")

    assert response.status_code == 503
    assert response.json()["detail"] == "IGDB is unavailable (answered 500); try again later."
    assert response["Retry-After"] == "5"
    assert not Game.objects.exists()


def test_igdb_refusing_the_credentials_and_the_game_unknown_here_is_502(api_client, fake_igdb):
    fake_igdb.play("token_refused")

    response = api_client.get("/api/games/26226/")

    assert response.status_code == 502
    assert "detail" in response.json()


def test_an_expired_token_is_refreshed(api_client, fake_igdb):
    fake_igdb.play("token", "expired_token", "game_celeste")

    response = api_client.get("/api/games/26226/")

    assert response.status_code == 200
    assert response.json()["source"] == "igdb"


def test_without_credentials_the_game_is_local_and_says_so(api_client, game, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = api_client.get("/api/games/26226/")

    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "local"
    assert body["genres"] == []
    assert body["cover_urls"] is None


def test_query_count_is_bounded_with_fresh_details(api_client, fake_igdb, django_assert_max_num_queries):
    fake_igdb.play("token", "game_celeste")
    api_client.get("/api/games/26226/")
    GameStateFactory.create_batch(5, game=Game.objects.get(igdb="26226"), on_all_shelves=True)

    with django_assert_max_num_queries(2):
        api_client.get("/api/games/26226/")


def test_odd_stored_details_do_not_break_the_answer(api_client):
    # What a staff member could type into the admin's JSON fields.
    GameFactory(
        igdb="26226", genres={"a": 1}, platforms=["Switch", 3], developers="Maddy", screenshots=[None]
    )

    body = api_client.get("/api/games/26226/").json()

    assert (body["genres"], body["platforms"], body["developers"], body["screenshots"]) == (
        [],
        ["Switch"],
        [],
        [],
    )
