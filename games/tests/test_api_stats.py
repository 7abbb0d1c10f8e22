import datetime

import pytest
import time_machine

from games.models import JournalEntry
from games.tests.factories import GameFactory, GameStateFactory

pytestmark = pytest.mark.django_db


def test_stats(api_client, user, game):
    hollow = GameFactory(igdb="14593")
    GameStateFactory(user=user, game=game, on_all_shelves=True, rating=10)
    GameStateFactory(user=user, game=hollow, rating=7)
    for day, finished, played in [
        ("2025-05-01", True, game),
        ("2025-06-01", True, game),
        ("2026-02-01", True, hollow),
        ("2026-03-01", False, game),
    ]:
        JournalEntry.objects.create(
            user=user, game=played, played_on=datetime.date.fromisoformat(day), finished=finished
        )

    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        response = api_client.get("/api/users/madeline/stats/")

    assert response.status_code == 200
    assert response.json() == {
        "shelves": {"played": 1, "liked": 1, "backlog": 1, "wishlist": 1},
        "finished_per_year": [{"year": 2026, "games": 1}, {"year": 2025, "games": 1}],
        "rating_histogram": {str(value): {10: 1, 7: 1}.get(value, 0) for value in range(1, 11)},
        "journal_entries_this_year": 2,
    }


def test_stats_of_unknown_user_is_404(api_client, db):
    assert api_client.get("/api/users/nobody/stats/").status_code == 404


def test_stats_query_count_is_bounded(api_client, user, django_assert_max_num_queries):
    for game in GameFactory.create_batch(30):
        GameStateFactory(user=user, game=game, on_all_shelves=True, rating=5)

    with django_assert_max_num_queries(4):
        assert api_client.get("/api/users/madeline/stats/").status_code == 200
