"""GET /api/games/search/ and /api/games/trending/, through HTTP, against the loopback IGDB."""

import pytest
from rest_framework.throttling import SimpleRateThrottle

from games.tests.factories import GameFactory, GameStateFactory

pytestmark = pytest.mark.django_db

CELESTE_COVER_URLS = {
    "thumb": "https://images.igdb.com/igdb/image/upload/t_thumb/co1rgi.jpg",
    "cover_small": "https://images.igdb.com/igdb/image/upload/t_cover_small/co1rgi.jpg",
    "cover_big": "https://images.igdb.com/igdb/image/upload/t_cover_big/co1rgi.jpg",
    "720p": "https://images.igdb.com/igdb/image/upload/t_720p/co1rgi.jpg",
    "1080p": "https://images.igdb.com/igdb/image/upload/t_1080p/co1rgi.jpg",
}


# Search.


def test_search_answers_igdb_results_with_cover_urls(api_client, fake_igdb):
    fake_igdb.play("token", "search_celeste")

    response = api_client.get("/api/games/search/", {"q": "celeste"})

    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "igdb"
    assert body["results"][0] == {
        "igdb": "26226",
        "name": "Celeste",
        "slug": "celeste",
        "first_release_date": "2018-01-25",
        "cover_id": "co1rgi",
        "cover_urls": CELESTE_COVER_URLS,
    }
    assert [game["igdb"] for game in body["results"]] == ["26226", "115276", "136166"]
    # A game without a cover in IGDB has no cover URLs.
    assert body["results"][2]["cover_id"] == ""
    assert body["results"][2]["cover_urls"] is None


def test_search_merges_local_games_without_duplicates(api_client, fake_igdb):
    GameFactory(igdb="26226", name="Celeste (as a user typed it)")
    GameFactory(igdb="celeste-fan-game", name="Celeste Fan Game")
    GameFactory(name="Hollow Knight")
    fake_igdb.play("token", "search_celeste")

    body = api_client.get("/api/games/search/", {"q": "celeste"}).json()

    assert [game["igdb"] for game in body["results"]] == ["26226", "115276", "136166", "celeste-fan-game"]
    # IGDB is the source of truth for a game it knows.
    assert body["results"][0]["name"] == "Celeste"


def test_search_results_are_cached(api_client, fake_igdb):
    fake_igdb.play("token", "search_celeste")

    first = api_client.get("/api/games/search/", {"q": "Celeste"}).json()
    # The same words (any letter case, any spacing) are answered from the cache: no IGDB request.
    second = api_client.get("/api/games/search/", {"q": "  celeste "}).json()

    assert first == second
    assert len(fake_igdb.igdb_requests) == 1


def test_search_cache_lasts_the_configured_time(api_client, fake_igdb, settings):
    settings.IGDB_SEARCH_CACHE_SECONDS = 0  # Django: 0 means "do not cache"
    fake_igdb.play("token", "search_celeste", "search_celeste")

    api_client.get("/api/games/search/", {"q": "celeste"})
    api_client.get("/api/games/search/", {"q": "celeste"})

    assert len(fake_igdb.igdb_requests) == 2


def test_search_respects_limit(api_client, fake_igdb):
    fake_igdb.play("token", "search_celeste")

    body = api_client.get("/api/games/search/", {"q": "celeste", "limit": 2}).json()

    assert len(body["results"]) == 2
    assert fake_igdb.igdb_requests[0].body.endswith("limit 2;")


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 101}, {"q": "celeste", "limit": 0}, {"q": "a", "limit": "all"}],
)
def test_search_without_valid_words_is_400(api_client, params):
    response = api_client.get("/api/games/search/", params)

    assert response.status_code == 400
    assert set(response.json()) <= {"q", "limit"}


def test_search_without_credentials_is_local_and_says_so(api_client, db, django_assert_max_num_queries):
    GameFactory(igdb="26226", name="Celeste", cover_id="co1rgi")
    GameFactory.create_batch(30, name="Celeste clone")
    GameFactory(name="Hollow Knight")

    with django_assert_max_num_queries(1):
        response = api_client.get("/api/games/search/", {"q": "CELESTE", "limit": 50})

    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "local"
    assert len(body["results"]) == 31
    assert body["results"][0]["cover_urls"] == CELESTE_COVER_URLS


def test_search_query_count_is_bounded_with_igdb(api_client, fake_igdb, django_assert_max_num_queries):
    GameFactory.create_batch(30, name="Celeste clone")
    fake_igdb.play("token", "search_celeste")

    with django_assert_max_num_queries(1):
        api_client.get("/api/games/search/", {"q": "celeste", "limit": 50})


def test_search_falls_back_to_local_games_when_igdb_is_down(api_client, fake_igdb):
    GameFactory(igdb="26226", name="Celeste")
    fake_igdb.play("token", "server_error_500", "server_error_500", "server_error_500")

    response = api_client.get("/api/games/search/", {"q": "celeste"})

    assert response.status_code == 200
    assert response.json()["source"] == "local"
    assert [game["igdb"] for game in response.json()["results"]] == ["26226"]


def test_search_is_503_when_igdb_is_down_and_nothing_is_local(api_client, fake_igdb):
    fake_igdb.play("token", "rate_limited_429", "rate_limited_429", "server_error_500")

    response = api_client.get("/api/games/search/", {"q": "celeste"})

    assert response.status_code == 503
    assert response.json()["detail"].startswith("IGDB is unavailable")
    assert int(response["Retry-After"]) >= 1


def test_search_is_502_when_igdb_credentials_are_refused(api_client, fake_igdb):
    fake_igdb.play("token_refused")

    response = api_client.get("/api/games/search/", {"q": "celeste"})

    assert response.status_code == 502
    assert response.json() == {
        "detail": "Twitch refused IGDB's credentials (HTTP 403).",
        "code": "bad_gateway",
    }


def test_search_recovers_from_an_expired_token(api_client, fake_igdb):
    fake_igdb.play("token", "expired_token", "search_celeste")

    response = api_client.get("/api/games/search/", {"q": "celeste"})

    assert response.status_code == 200
    assert response.json()["source"] == "igdb"


@pytest.mark.parametrize(
    "attack",
    ['celeste"; fields *; limit 500; where id > 0; search "', 'celeste\\"; fields *;', "celeste\\"],
)
def test_search_words_cannot_inject_a_query(api_client, fake_igdb, attack):
    fake_igdb.play("token", "search_empty")

    response = api_client.get("/api/games/search/", {"q": attack})

    assert response.status_code == 200
    (query,) = fake_igdb.igdb_requests
    escaped = attack.replace("\\", "\\\\").replace('"', '\\"')
    assert query.body == (
        f'search "{escaped}"; fields name,slug,first_release_date,cover.image_id; '
        "where version_parent = null; limit 20;"
    )


def test_search_is_throttled(api_client, monkeypatch, db):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "catalogue", "2/min")

    statuses = [api_client.get("/api/games/search/", {"q": "celeste"}).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


# Popular.


def test_popular_comes_from_igdb_popularity(api_client, fake_igdb):
    fake_igdb.play("token", "popular")

    response = api_client.get("/api/games/trending/")

    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "igdb"
    assert [game["name"] for game in body["results"]] == ["Elden Ring", "Celeste", "Hollow Knight"]
    assert body["results"][1]["cover_urls"] == CELESTE_COVER_URLS


def test_popular_is_cached(api_client, fake_igdb):
    fake_igdb.play("token", "popular")

    first = api_client.get("/api/games/trending/").json()
    second = api_client.get("/api/games/trending/").json()

    assert first == second
    assert len(fake_igdb.igdb_requests) == 2  # popularity_primitives, then games: once


def _shelve(game, users: int):
    for _ in range(users):
        GameStateFactory(game=game, wishlist=True, wishlist_at=game.created_at)


def test_popular_without_credentials_is_the_most_shelved_here(api_client, db, django_assert_max_num_queries):
    celeste, hollow_knight, hades = (GameFactory(name=name) for name in ("Celeste", "Hollow Knight", "Hades"))
    GameFactory(name="Nobody's game")
    GameStateFactory(game=GameFactory(name="Untouched shelf"))  # a state row, on no shelf
    _shelve(celeste, 1)
    _shelve(hollow_knight, 3)
    _shelve(hades, 2)

    with django_assert_max_num_queries(1):
        response = api_client.get("/api/games/trending/", {"limit": 10})

    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "local"
    assert [game["name"] for game in body["results"]] == ["Hollow Knight", "Hades", "Celeste"]


def test_popular_falls_back_to_local_games_when_igdb_is_down(api_client, fake_igdb, settings):
    settings.IGDB_TIMEOUT_SECONDS = 0.3
    _shelve(GameFactory(name="Celeste"), 1)
    fake_igdb.play("token", "timeout", "server_error_500", "server_error_500")

    response = api_client.get("/api/games/trending/")

    assert response.status_code == 200
    assert response.json()["source"] == "local"
    assert [game["name"] for game in response.json()["results"]] == ["Celeste"]


def test_popular_is_503_when_igdb_is_down_and_nothing_is_shelved(api_client, fake_igdb):
    fake_igdb.play("token", "server_error_500", "server_error_500", "server_error_500")

    response = api_client.get("/api/games/trending/")

    assert response.status_code == 503
    assert "detail" in response.json()


@pytest.mark.parametrize("limit", ["0", "51", "ten"])
def test_popular_limit_is_validated(api_client, db, limit):
    response = api_client.get("/api/games/trending/", {"limit": limit})

    assert response.status_code == 400
    assert "limit" in response.json()


def test_search_and_trending_are_not_igdb_ids(api_client, db):
    # The routes come before the `<igdb>` route, whose pattern would match these words (and before
    # the original web client's game page, /api/games/<slug> without the slash).
    assert "source" in api_client.get("/api/games/trending").json()
    assert api_client.get("/api/games/search").status_code == 400
