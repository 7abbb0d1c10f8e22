import io

import pytest
from django.core.management import call_command

from games.models import FavouriteGame, GameState, JournalEntry
from users.models import Activity, Follow, User

pytestmark = pytest.mark.django_db


def counts():
    return [
        model.objects.count() for model in (User, GameState, Follow, FavouriteGame, JournalEntry, Activity)
    ]


def test_demo_data_makes_a_living_profile_and_loads_twice_to_the_same(api_client):
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    call_command("load_demo", stdout=io.StringIO())

    assert counts() == first
    profile = api_client.get("/api/users/madeline").json()
    assert profile["played"] and profile["favourites"] and profile["followers"]
    assert (
        api_client.post(
            "/api/users/login/", {"username": "madeline", "password": "overworld-demo"}
        ).status_code
        == 200
    )
    assert api_client.get("/api/users/madeline/journal/").json()["results"]
    assert api_client.get("/api/games/26226/").json()["rating_count"] >= 1
