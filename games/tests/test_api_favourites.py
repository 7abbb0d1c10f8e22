import pytest

from games.models import FavouriteGame
from games.tests.factories import GameFactory

pytestmark = pytest.mark.django_db

URL = "/api/users/madeline/favourites/"


@pytest.fixture
def games(db):
    return [GameFactory(igdb=str(igdb)) for igdb in range(1, 7)]


def test_owner_sets_favourites_in_order(auth_client, api_client, games):
    response = auth_client.put(URL, {"games": ["3", "1", "2"]})

    assert response.status_code == 200
    assert [game["igdb"] for game in response.json()] == ["3", "1", "2"]
    assert [game["igdb"] for game in api_client.get(URL).json()] == ["3", "1", "2"]
    assert [game["igdb"] for game in api_client.get("/api/users/madeline").json()["favourites"]] == [
        "3",
        "1",
        "2",
    ]


def test_setting_again_replaces_the_list(auth_client, games):
    auth_client.put(URL, {"games": ["1", "2", "3"]})

    auth_client.put(URL, {"games": ["2"]})

    assert list(FavouriteGame.objects.values_list("game__igdb", "position")) == [("2", 1)]
    assert auth_client.put(URL, {"games": []}).json() == []
    assert not FavouriteGame.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"games": ["1", "2", "3", "4", "5", "6"]},
        {"games": ["1", "1"]},
        {"games": ["999"]},
        {"games": "1"},
        {},
    ],
)
def test_invalid_lists_are_400_and_change_nothing(auth_client, games, body):
    auth_client.put(URL, {"games": ["1"]})

    response = auth_client.put(URL, body)

    assert response.status_code == 400
    assert "games" in response.json()
    assert list(FavouriteGame.objects.values_list("game__igdb", flat=True)) == ["1"]


def test_only_the_owner_sets_them(api_client, games, user, other_user):
    assert api_client.put(URL, {"games": ["1"]}).status_code == 401
    api_client.force_authenticate(other_user)
    assert api_client.put(URL, {"games": ["1"]}).status_code == 403
    assert not FavouriteGame.objects.exists()


def test_unknown_user_is_404(api_client, db):
    assert api_client.get("/api/users/nobody/favourites/").status_code == 404
