import pytest

from games.models import GameState
from games.tests.factories import GameStateFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/games/26226/state/"


def test_rate_a_game(auth_client, game):
    response = auth_client.patch(URL, {"rating": 7})

    assert response.status_code == 200
    assert response.json()["rating"] == 7
    assert auth_client.get(URL).json()["rating"] == 7


def test_null_clears_the_rating_and_absence_keeps_it(auth_client, game):
    auth_client.patch(URL, {"rating": 7})

    assert auth_client.patch(URL, {"played": True}).json()["rating"] == 7
    assert auth_client.patch(URL, {"rating": None}).json()["rating"] is None


@pytest.mark.parametrize("rating", [0, 11, -1, 5.5, "five", True])
def test_rating_out_of_range_is_400(auth_client, game, rating):
    response = auth_client.patch(URL, {"rating": rating})

    assert response.status_code == 400
    assert "rating" in response.json()
    assert not GameState.objects.exists()


def test_game_detail_shows_average_and_distribution(api_client, game):
    for rating in [10, 10, 7, None]:
        GameStateFactory(game=game, user=UserFactory(), rating=rating)

    body = api_client.get("/api/games/26226/").json()

    assert body["rating_count"] == 3
    assert body["rating_average"] == 9.0
    assert body["rating_distribution"] == {str(value): {10: 2, 7: 1}.get(value, 0) for value in range(1, 11)}


def test_unrated_game_has_no_average(api_client, game):
    body = api_client.get("/api/games/26226/").json()

    assert (body["rating_average"], body["rating_count"]) == (None, 0)
