import pytest

from games.models import Game, GameState
from games.tests.factories import GameFactory

pytestmark = pytest.mark.django_db

ALL_FALSE = {"played": False, "liked": False, "backlog": False, "wishlist": False, "rating": None}


def url(igdb="26226"):
    return f"/api/games/{igdb}/state/"


def test_untouched_game_is_all_false(auth_client, game):
    response = auth_client.get(url())

    assert response.status_code == 200
    assert response.json() == ALL_FALSE


def test_unknown_game_is_all_false(auth_client):
    assert auth_client.get(url("999999")).json() == ALL_FALSE


def test_patch_sets_flags(auth_client, user, game):
    response = auth_client.patch(url(), {"played": True, "liked": True})

    assert response.status_code == 200
    assert response.json() == {**ALL_FALSE, "played": True, "liked": True}
    assert auth_client.get(url()).json() == response.json()
    state = GameState.objects.get(user=user, game=game)
    assert state.played_at is not None
    assert state.backlog_at is None


def test_patch_without_trailing_slash(auth_client, game):
    assert auth_client.patch(url().rstrip("/"), {"played": True}).status_code == 200


def test_setting_a_set_flag_changes_nothing(auth_client, user, game):
    auth_client.patch(url(), {"played": True})
    first = GameState.objects.get().played_at

    response = auth_client.patch(url(), {"played": True})

    assert response.json()["played"] is True
    assert GameState.objects.get().played_at == first


def test_clearing_a_flag(auth_client, game):
    auth_client.patch(url(), {"played": True, "wishlist": True})

    response = auth_client.patch(url(), {"wishlist": False})

    assert response.json() == {**ALL_FALSE, "played": True}
    assert GameState.objects.get().wishlist_at is None


def test_unknown_game_is_created_from_metadata(auth_client):
    body = {
        "backlog": True,
        "game": {
            "name": "Hollow Knight",
            "slug": "hollow-knight",
            "cover_id": "co1rgi",
            "backdrop_id": "ar5l8",
        },
    }

    response = auth_client.patch(url("14593"), body)

    assert response.status_code == 200
    game = Game.objects.get(igdb="14593")
    assert (game.name, game.slug, game.cover_id, game.backdrop_id) == (
        "Hollow Knight",
        "hollow-knight",
        "co1rgi",
        "ar5l8",
    )
    profile = auth_client.get("/api/users/madeline").json()
    assert [shelved["igdb"] for shelved in profile["backlog"]] == ["14593"]


@pytest.mark.parametrize("body", [{"played": True}, {"played": True, "game": {"slug": "x"}}, {"game": {}}])
def test_unknown_game_without_name_is_400(auth_client, body):
    response = auth_client.patch(url("14593"), body)

    assert response.status_code == 400
    assert "game" in response.json()
    assert not Game.objects.exists()
    assert not GameState.objects.exists()


def test_existing_metadata_is_not_overwritten(auth_client, game):
    response = auth_client.patch(url(), {"played": True, "game": {"name": "Vandalised", "cover_id": "evil"}})

    assert response.status_code == 200
    game.refresh_from_db()
    assert (game.name, game.cover_id) == ("Celeste", "")


@pytest.mark.parametrize(
    "body",
    [
        {"played": "maybe"},
        {"liked": None},
        {"played": [True]},
        {"game": "Celeste"},
        {"game": {"name": "x" * 256}},
    ],
)
def test_wrong_types_are_400(auth_client, game, body):
    response = auth_client.patch(url(), body)

    assert response.status_code == 400
    assert set(response.json()) == set(body)


def test_unknown_fields_are_ignored(auth_client, user, game):
    response = auth_client.patch(url(), {"played": True, "user": 999, "played_at": "2000-01-01T00:00:00Z"})

    assert response.status_code == 200
    state = GameState.objects.get()
    assert state.user == user
    assert state.played_at.year > 2000


@pytest.mark.parametrize("igdb", ["a" * 33, "bad_id", "x.y"])
def test_invalid_igdb_id_is_404(auth_client, igdb):
    response = auth_client.patch(url(igdb), {"played": True, "game": {"name": "X"}})

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_states_are_per_user(auth_client, other_user, game):
    auth_client.patch(url(), {"played": True})

    auth_client.force_authenticate(other_user)
    assert auth_client.get(url()).json() == ALL_FALSE


@pytest.mark.parametrize("method", ["get", "patch"])
def test_anonymous_is_401(api_client, game, method):
    response = getattr(api_client, method)(url())

    assert response.status_code == 401
    assert "detail" in response.json()


def test_patch_query_count_is_bounded(auth_client, django_assert_max_num_queries):
    GameFactory.create_batch(50)
    auth_client.patch(url(), {"played": True, "game": {"name": "Celeste"}})

    with django_assert_max_num_queries(8):
        assert auth_client.patch(url(), {"liked": True}).status_code == 200
