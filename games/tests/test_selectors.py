"""The profile's shelves (games.selectors.shelves_get) against their definition, on many rows."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from games.models import SHELVES, GameState
from games.selectors import shelves_get
from games.tests.factories import GameFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_each_shelf_holds_its_games_newest_first_then_by_state(django_assert_num_queries):
    user, someone_else = UserFactory.create_batch(2)
    games = GameFactory.create_batch(40)
    now = timezone.now()
    moments = [now - timedelta(days=day) for day in range(5)]  # few moments: many ties, broken by state
    shuffled = random.Random(7)  # noqa: S311 - a fixed draw of test data
    states = []
    for game in games:
        shelved = {shelf: shuffled.random() < 0.5 for shelf in SHELVES}
        timestamps = {
            f"{shelf}_at": shuffled.choice(moments) if on else None for shelf, on in shelved.items()
        }
        states.append(GameState(user=user, game=game, **shelved, **timestamps))
    states.append(GameState(user=user, game=GameFactory()))  # on no shelf
    GameState.objects.bulk_create(states)
    GameState.objects.create(user=someone_else, game=games[0], played=True, played_at=now)

    with django_assert_num_queries(1):
        shelves = shelves_get(user=user)

    for shelf in SHELVES:
        expected = sorted(
            (state for state in GameState.objects.filter(user=user, **{shelf: True}).select_related("game")),
            key=lambda state, shelf=shelf: (getattr(state, f"{shelf}_at"), state.pk),
            reverse=True,
        )
        assert [game["igdb"] for game in getattr(shelves, shelf)] == [state.game.igdb for state in expected]
    assert shelves.played and shelves.wishlist  # the draw put games on every shelf
    assert set(shelves.played[0]) == {"id", "igdb", "name", "slug", "cover_id", "backdrop_id"}


def test_no_games_no_shelves():
    assert shelves_get(user=UserFactory()) == shelves_get(user=UserFactory())
    assert all(getattr(shelves_get(user=UserFactory()), shelf) == [] for shelf in SHELVES)
