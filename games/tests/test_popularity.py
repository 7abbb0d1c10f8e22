"""The per-game shelf counts behind the popular games (games/popularity.py), kept as shelves change."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from games import services
from games.models import GamePopularity, GameState
from games.popularity import game_popularity_rebuild
from games.tests.factories import GameFactory, GameStateFactory
from users import services as user_services
from users.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def users_count(game) -> int:
    return GamePopularity.objects.filter(game=game).values_list("users_count", flat=True).first() or 0


def shelve(user, game, **flags):
    return services.game_state_update(user=user, igdb=game.igdb, flags=flags)


def test_a_game_counts_each_user_once_whatever_the_shelves():
    game = GameFactory()
    madeline, theo = UserFactory(), UserFactory()

    shelve(madeline, game, played=True)
    shelve(madeline, game, liked=True, wishlist=True)
    shelve(theo, game, backlog=True)

    assert users_count(game) == 2


def test_off_the_last_shelf_takes_the_user_away():
    game = GameFactory()
    user = UserFactory()
    shelve(user, game, played=True, liked=True)

    shelve(user, game, played=False)
    assert users_count(game) == 1
    shelve(user, game, liked=False)
    assert users_count(game) == 0
    shelve(user, game, liked=False)  # idempotent: nothing more to take away
    assert users_count(game) == 0


def test_a_rating_alone_puts_a_game_on_no_shelf():
    game = GameFactory()

    services.game_state_update(user=UserFactory(), igdb=game.igdb, flags={}, rating=8)

    assert users_count(game) == 0


def test_deleting_a_user_takes_their_shelves_away():
    celeste, hades = GameFactory(), GameFactory()
    leaving, staying = UserFactory(), UserFactory()
    shelve(leaving, celeste, played=True)
    shelve(leaving, hades, wishlist=True)
    GameStateFactory(user=leaving, game=GameFactory())  # on no shelf: counted nowhere
    shelve(staying, celeste, played=True)

    user_services.user_delete(user=leaving, password=PASSWORD)

    assert (users_count(celeste), users_count(hades)) == (1, 0)


def test_deleting_a_shelved_game_deletes_its_count():
    game = GameFactory()
    shelve(UserFactory(), game, played=True)

    game.delete()

    assert not GamePopularity.objects.exists()


def test_rebuild_recounts_what_bulk_writes_skipped():
    game, other = GameFactory(), GameFactory()
    users = UserFactory.create_batch(3)
    GameState.objects.bulk_create(
        [GameState(user=user, game=game, played=True, played_at=game.created_at) for user in users]
        + [GameState(user=users[0], game=other)]
    )
    assert users_count(game) == 0  # bulk_create sends no signals

    assert game_popularity_rebuild() == 1

    assert (users_count(game), users_count(other)) == (3, 0)


def test_popular_is_read_from_the_counts_in_one_query(api_client, django_assert_max_num_queries):
    games = GameFactory.create_batch(3)
    for count, game in enumerate(games, start=1):
        for user in UserFactory.create_batch(count):
            shelve(user, game, played=True)

    with django_assert_max_num_queries(1):
        body = api_client.get("/api/games/trending/", {"limit": 2}).json()

    assert [game["igdb"] for game in body["results"]] == [games[2].igdb, games[1].igdb]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_shelvings_of_one_game_are_all_counted():
    game = GameFactory()
    users = UserFactory.create_batch(12)
    barrier = Barrier(len(users))

    def shelve_and_unshelve(user):
        try:
            barrier.wait()
            shelve(user, game, played=True)  # the first ones race to create the count's row
            if user.pk % 2:
                shelve(user, game, played=False)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        list(pool.map(shelve_and_unshelve, users))

    assert users_count(game) == sum(1 for user in users if not user.pk % 2)
