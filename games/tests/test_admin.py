"""The game admin: refresh from IGDB, filters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from games.models import Game
from games.tests.factories import GameFactory
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = User.objects.create_superuser(
        username="admin", email="admin@example.com", password="admin-pass-123"
    )
    client.force_login(staff)
    return client


def refresh(client, *games):
    return client.post(
        "/admin/games/game/",
        {"action": "refresh_from_igdb", "_selected_action": [game.pk for game in games]},
        follow=True,
    )


def test_refresh_from_igdb_replaces_the_details(staff_client, fake_igdb):
    celeste = GameFactory(igdb="26226", name="Made up", details_refreshed_at=None)
    made_up = GameFactory(igdb="local-only", name="Not from IGDB")
    fake_igdb.play("token", "game_celeste")

    response = refresh(staff_client, celeste, made_up)

    assert "1 game(s) refreshed from IGDB." in response.content.decode()
    celeste.refresh_from_db()
    assert celeste.name == "Celeste"
    assert celeste.details_refreshed_at is not None
    assert "where id = (26226);" in fake_igdb.igdb_requests[0].body


def test_refresh_without_igdb_says_so(staff_client, game):
    response = refresh(staff_client, game)

    assert response.status_code == 200
    assert "IGDB refresh failed" in response.content.decode()


@pytest.mark.parametrize(
    ("details", "expected"), [("fresh", {"Fresh"}), ("stale", {"Stale"}), ("missing", {"New"})]
)
def test_filter_by_the_freshness_of_the_details(staff_client, settings, details, expected):
    GameFactory(name="Fresh", details_refreshed_at=timezone.now())
    GameFactory(
        name="Stale", details_refreshed_at=timezone.now() - timedelta(days=settings.IGDB_REFRESH_DAYS + 1)
    )
    GameFactory(name="New", details_refreshed_at=None)

    response = staff_client.get("/admin/games/game/", {"details": details})

    assert {game.name for game in response.context["cl"].result_list} == expected
    assert Game.objects.count() == 3
