"""Games enter the catalogue from IGDB's data when IGDB is configured; creations are limited per user."""

import pytest
from rest_framework.throttling import SimpleRateThrottle

from games.models import Game

pytestmark = pytest.mark.django_db

FORGED = {"played": True, "game": {"name": "Free V-Bucks Generator", "slug": "free-v-bucks"}}


def test_with_igdb_a_new_game_is_made_from_igdbs_data_only(auth_client, fake_igdb):
    fake_igdb.play("token", "game_celeste")

    response = auth_client.patch("/api/games/26226/state/", FORGED, format="json")

    assert response.status_code == 200
    game = Game.objects.get(igdb="26226")
    assert (game.name, game.slug, game.cover_id) == ("Celeste", "celeste", "co1rgi")
    assert game.details_refreshed_at is not None


def test_with_igdb_an_id_it_does_not_know_is_404_and_creates_nothing(auth_client, fake_igdb):
    fake_igdb.play("token", "game_unknown")

    response = auth_client.patch("/api/games/999999999/state/", FORGED, format="json")
    again = auth_client.post(
        "/api/journal/",
        {"igdb": "999999999", "played_on": "2026-01-01", "game": FORGED["game"]},
        format="json",
    )

    assert response.status_code == 404
    assert again.status_code == 404  # IGDB's "unknown" is remembered: not asked twice
    assert not Game.objects.filter(igdb="999999999").exists()
    assert auth_client.get("/api/games/", {"search": "V-Bucks"}).json()["results"] == []


def test_with_igdb_down_a_new_game_is_503(auth_client, fake_igdb):
    fake_igdb.play("token", "server_error_500", "server_error_500", "server_error_500")

    response = auth_client.patch("/api/games/26226/state/", FORGED, format="json")

    assert response.status_code == 503
    assert not Game.objects.filter(igdb="26226").exists()


def test_a_known_game_needs_no_igdb(auth_client, game, fake_igdb):
    assert auth_client.patch("/api/games/26226/state/", {"played": True}, format="json").status_code == 200


def test_without_igdb_the_game_is_made_from_the_request(auth_client, db):
    response = auth_client.patch("/api/games/4242/state/", FORGED, format="json")

    assert response.status_code == 200
    assert Game.objects.get(igdb="4242").name == "Free V-Bucks Generator"


def test_game_creation_is_throttled_per_user(auth_client, db, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "game_create", "2/hour")
    for igdb in ("1", "2"):
        body = {"played": True, "game": {"name": f"Game {igdb}"}}
        assert auth_client.patch(f"/api/games/{igdb}/state/", body, format="json").status_code == 200

    refused = auth_client.patch(
        "/api/games/3/state/", {"played": True, "game": {"name": "Game 3"}}, format="json"
    )
    journal = auth_client.post(
        "/api/journal/", {"igdb": "4", "played_on": "2026-01-01", "game": {"name": "Game 4"}}, format="json"
    )

    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert journal.status_code == 429
    # Games already known are not creations: shelving them goes on.
    assert auth_client.patch("/api/games/1/state/", {"liked": True}, format="json").status_code == 200
    assert not Game.objects.filter(igdb__in=["3", "4"]).exists()
