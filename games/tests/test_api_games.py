import pytest

from games.tests.factories import GameFactory, GameStateFactory

pytestmark = pytest.mark.django_db


def test_list_is_public_and_paginated(api_client):
    GameFactory.create_batch(25)

    response = api_client.get("/api/games/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 25
    assert len(body["results"]) == 20
    assert body["next"] is not None
    assert len(api_client.get(body["next"]).json()["results"]) == 5


def test_search_by_name(api_client):
    GameFactory(name="Celeste")
    GameFactory(name="Celestial Tales")
    GameFactory(name="Hollow Knight")

    body = api_client.get("/api/games/", {"search": "CELEST"}).json()

    assert [game["name"] for game in body["results"]] == ["Celeste", "Celestial Tales"]


def test_page_out_of_range_is_404_json(api_client):
    response = api_client.get("/api/games/", {"page": 99})

    assert response.status_code == 404
    assert "detail" in response.json()


def test_list_query_count_is_bounded(api_client, django_assert_max_num_queries):
    GameFactory.create_batch(60)

    with django_assert_max_num_queries(2):
        api_client.get("/api/games/", {"page_size": 50})


def test_detail_with_shelf_counts(api_client, game):
    GameStateFactory(game=game, on_all_shelves=True)
    GameStateFactory(game=game, played=True, played_at=game.created_at)
    GameStateFactory(game=GameFactory(), on_all_shelves=True)

    response = api_client.get("/api/games/26226/")

    assert response.status_code == 200
    body = response.json()
    assert body["igdb"] == "26226"
    assert body["name"] == "Celeste"
    assert (body["played_count"], body["liked_count"], body["backlog_count"], body["wishlist_count"]) == (
        2,
        1,
        1,
        1,
    )


def test_unknown_game_is_404(api_client, db):
    response = api_client.get("/api/games/404404/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
