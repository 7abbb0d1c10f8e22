import datetime

import pytest
from django.utils import timezone

from games.models import GameState
from games.tests.factories import GameFactory

pytestmark = pytest.mark.django_db


def shelve(user, count, start=0):
    now = timezone.now()
    GameState.objects.bulk_create(
        GameState(
            user=user, game=game, played=True, played_at=now + datetime.timedelta(seconds=start + index)
        )
        for index, game in enumerate(GameFactory.create_batch(count))
    )


def test_a_users_shelf_most_recent_first(auth_client, api_client, user):
    for igdb in ["1", "2", "3"]:
        auth_client.patch(f"/api/games/{igdb}/state/", {"backlog": True, "game": {"name": f"Game {igdb}"}})
    auth_client.patch("/api/games/2/state/", {"rating": 6})

    response = api_client.get("/api/users/madeline/games/", {"shelf": "backlog"})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [entry["game"]["igdb"] for entry in results] == ["3", "2", "1"]
    assert results[1]["rating"] == 6
    assert results[0]["shelved_at"]


@pytest.mark.parametrize("shelf", ["", "favourites", "PLAYED"])
def test_shelf_is_required_and_checked(api_client, user, shelf):
    response = api_client.get("/api/users/madeline/games/", {"shelf": shelf})

    assert response.status_code == 400
    assert "shelf" in response.json()


def test_unknown_user_is_404(api_client, db):
    assert api_client.get("/api/users/nobody/games/", {"shelf": "played"}).status_code == 404


def test_pages_hold_while_games_are_shelved(api_client, user):
    shelve(user, 7)
    expected = list(
        GameState.objects.filter(user=user).order_by("-played_at", "-id").values_list("game__igdb", flat=True)
    )

    first = api_client.get("/api/users/madeline/games/", {"shelf": "played", "page_size": 3}).json()
    shelve(user, 2, start=100)
    seen = [entry["game"]["igdb"] for entry in first["results"]]
    next_url = first["next"]
    while next_url:
        page = api_client.get(next_url).json()
        seen += [entry["game"]["igdb"] for entry in page["results"]]
        next_url = page["next"]

    assert seen == expected


def test_query_count_is_bounded(api_client, user, django_assert_max_num_queries):
    shelve(user, 60)

    with django_assert_max_num_queries(2):
        response = api_client.get("/api/users/madeline/games/", {"shelf": "played", "page_size": 50})
    assert len(response.json()["results"]) == 50
