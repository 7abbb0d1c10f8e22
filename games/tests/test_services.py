import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from games import services
from games.models import GameState
from games.tests.factories import GameStateFactory

pytestmark = pytest.mark.django_db


def test_state_update_is_idempotent(user, game):
    first = services.game_state_update(user=user, igdb="26226", flags={"played": True})
    again = services.game_state_update(user=user, igdb="26226", flags={"played": True})

    assert first.pk == again.pk
    assert first.played_at == again.played_at
    assert GameState.objects.count() == 1


def test_turning_a_flag_off_clears_its_timestamp(user, game):
    services.game_state_update(user=user, igdb="26226", flags={"liked": True})

    state = services.game_state_update(user=user, igdb="26226", flags={"liked": False})

    assert (state.liked, state.liked_at) == (False, None)


def test_unknown_game_needs_a_name(user):
    with pytest.raises(ValidationError):
        services.game_state_update(user=user, igdb="1", flags={"played": True}, metadata={"slug": "x"})


def test_database_keeps_one_state_per_user_and_game(user, game):
    GameStateFactory(user=user, game=game)

    with pytest.raises(IntegrityError), transaction.atomic():
        GameStateFactory(user=user, game=game)


def test_database_refuses_a_flag_without_its_timestamp(user, game):
    with pytest.raises(IntegrityError), transaction.atomic():
        GameState.objects.create(user=user, game=game, played=True)
