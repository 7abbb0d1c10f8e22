import pytest

from games.tests.factories import GameFactory, GameStateFactory

pytestmark = pytest.mark.django_db


def test_list_is_public_and_keyset_paged_by_name(api_client):
    games = GameFactory.create_batch(25)

    response = api_client.get("/api/games/")

    assert response.status_code == 200
    body = response.json()
    # No count: counting the whole catalogue on every page is what keyset pages avoid.
    assert set(body) == {"next", "results"}
    assert len(body["results"]) == 20
    rest = api_client.get(body["next"]).json()
    assert rest["next"] is None
    names = [game["name"] for game in body["results"] + rest["results"]]
    assert names == sorted(game.name for game in games)


def test_a_game_added_while_reading_never_repeats_a_row(api_client):
    for name in ("B", "D", "F", "H"):
        GameFactory(name=name)
    first = api_client.get("/api/games/", {"page_size": 2}).json()
    GameFactory(name="A")  # before the first page: shifts no later page

    second = api_client.get(first["next"]).json()

    assert [game["name"] for game in first["results"] + second["results"]] == ["B", "D", "F", "H"]


def test_search_ranks_exact_then_prefix_then_elsewhere(api_client):
    for name in ("Modded Celeste", "Celeste Classic", "Hollow Knight", "Celeste", "Celestial Tales"):
        GameFactory(name=name)

    body = api_client.get("/api/games/", {"search": "CELESTE"}).json()

    assert [game["name"] for game in body["results"]] == ["Celeste", "Celeste Classic", "Modded Celeste"]


def test_search_by_part_of_the_name(api_client):
    GameFactory(name="Celeste")
    GameFactory(name="Celestial Tales")
    GameFactory(name="Hollow Knight")

    body = api_client.get("/api/games/", {"search": "CELEST"}).json()

    assert [game["name"] for game in body["results"]] == ["Celeste", "Celestial Tales"]


def test_a_search_of_one_or_two_characters_matches_the_start_of_names(api_client):
    GameFactory(name="Celeste")
    GameFactory(name="Mace Griffin")

    body = api_client.get("/api/games/", {"search": "ce"}).json()

    assert [game["name"] for game in body["results"]] == ["Celeste"]


def test_search_pages_follow_the_ranking(api_client):
    for name in ("Hades", "Hades II", "Hades Fan Game", "Shades of Hades", "The Hadeslike", "Hades: Origins"):
        GameFactory(name=name)
    whole = [game["name"] for game in api_client.get("/api/games/", {"search": "hades"}).json()["results"]]

    paged, url, params = [], "/api/games/", {"search": "hades", "page_size": 2}
    while url:
        body = api_client.get(url, params).json()
        paged += [game["name"] for game in body["results"]]
        url, params = body["next"], None

    assert paged == whole
    assert len(whole) == 6
    assert whole[0] == "Hades"


def test_an_invalid_cursor_is_400_json(api_client, db):
    response = api_client.get("/api/games/", {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    assert "cursor" in response.json()


def test_list_query_count_is_bounded(api_client, django_assert_max_num_queries):
    GameFactory.create_batch(60)

    with django_assert_max_num_queries(1):
        api_client.get("/api/games/", {"page_size": 50})
    with django_assert_max_num_queries(1):
        api_client.get("/api/games/", {"page_size": 50, "search": "game"})


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
