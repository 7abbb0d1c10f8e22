"""Query budgets of the hot endpoints: fixed numbers, whatever the size of the data around them."""

import pytest

from games.tests.factories import GameFactory, GameStateFactory
from users.tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded(user, other_user):
    """Plenty of rows around the user, so that a budget that grows with them would show."""
    for game in GameFactory.create_batch(30):
        GameStateFactory(user=user, game=game, on_all_shelves=True)
    for someone in UserFactory.create_batch(30):
        FollowFactory(follower=someone, followed=user)
        FollowFactory(follower=user, followed=someone)


@pytest.mark.parametrize(
    ("method", "path", "body", "budget"),
    [
        # token (1) and nothing else
        ("get", "/api/users/user/", None, 1),
        # Counted inside the test's transaction, so transactions show as savepoints.
        # token, target, savepoint, the follow's insert, activity, release
        ("post", "/api/users/follow/", {"username": "theo"}, 6),
        # token, target, the follow's delete, the activity's delete
        ("post", "/api/users/unfollow/", {"username": "theo"}, 6),
        # token, game, savepoint, the state read locked or created (4), activity, update, the game's
        # popularity count, release
        ("patch", "/api/games/26226/state/", {"played": True}, 11),
        # token, user, shelves, following, followers, favourites
        ("get", "/api/users/madeline", None, 6),
        ("get", "/api/users/madeline/followers/", None, 4),
        ("get", "/api/users/madeline/games/?shelf=played", None, 3),
        ("get", "/api/users/madeline/stats/", None, 5),
        ("get", "/api/feed/", None, 2),
    ],
)
def test_budget(auth_client, crowded, game, method, path, body, budget, django_assert_max_num_queries):
    with django_assert_max_num_queries(budget):
        response = getattr(auth_client, method)(path, body) if body else getattr(auth_client, method)(path)
    assert response.status_code == 200


def test_budget_of_a_state_patch_on_a_shelved_game(auth_client, crowded, game, django_assert_num_queries):
    auth_client.patch("/api/games/26226/state/", {"played": True})

    # token, game, savepoint, the state read locked, activity, update, the game's popularity count,
    # release
    with django_assert_num_queries(8):
        response = auth_client.patch("/api/games/26226/state/", {"played": False})
    assert response.status_code == 200
