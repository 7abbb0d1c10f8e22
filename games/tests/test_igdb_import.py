"""manage.py igdb_import: bulk imports and refreshes from IGDB, with a progress bar."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from games.models import Game
from games.tests.factories import GameFactory

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("igdb_import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_by_ids_with_a_progress_bar(fake_igdb):
    fake_igdb.play("token", "game_celeste")

    out, err = run("--ids", "26226", "1942")

    assert "Imported 1 new game(s), refreshed 0." in out
    assert "Unknown to IGDB: 1942." in out
    assert "[##############################] 2/2 games" in err
    assert Game.objects.get(igdb="26226").summary.startswith("Help Madeline")


def test_import_by_search(fake_igdb):
    GameFactory(igdb="26226", name="Celeste")
    fake_igdb.play("token", "game_celeste")

    out, _ = run("--search", "celeste", "--limit", "5", "--no-progress")

    assert "Imported 0 new game(s), refreshed 1." in out
    assert fake_igdb.igdb_requests[0].body.endswith("limit 5;")


def test_refresh_stale_games(fake_igdb, settings):
    GameFactory(igdb="26226", name="Celeste", details_refreshed_at=None)
    GameFactory(igdb="1942", name="Fresh", details_refreshed_at=timezone.now(), developer_ids={})
    GameFactory(igdb="local-only", name="Not from IGDB")
    GameFactory(
        igdb="7",
        name="Stale",
        details_refreshed_at=timezone.now() - timedelta(days=settings.IGDB_REFRESH_DAYS + 1),
        developer_ids={},
    )
    # Fetched before the developers' ids were kept.
    GameFactory(igdb="8", name="Without ids", details_refreshed_at=timezone.now(), developer_ids=None)
    fake_igdb.play("token", "game_celeste")

    out, _ = run("--stale")

    assert "where id = (26226,7,8);" in fake_igdb.igdb_requests[0].body
    assert "refreshed 1." in out
    assert "Unknown to IGDB: 7, 8." in out


def test_nothing_stale(fake_igdb):
    GameFactory(igdb="1942", details_refreshed_at=timezone.now(), developer_ids={})

    out, _ = run("--stale")

    assert "fresh" in out
    assert fake_igdb.requests == []


def test_igdb_errors_stop_the_import_with_a_message(fake_igdb):
    fake_igdb.play("token_refused")

    with pytest.raises(CommandError, match="Twitch refused"):
        run("--ids", "26226")


def test_without_credentials(db):
    with pytest.raises(CommandError, match="IGDB_CLIENT_ID"):
        run("--ids", "26226")


@pytest.mark.parametrize(
    "args",
    [
        ["--ids", "26226", "1;fields *"],
        ["--ids", "0"],
        ["--ids", "-3"],
        ["--search", "   "],
        ["--search", "celeste", "--limit", "501"],
        ["--ids", "1", "--search", "celeste"],
        [],
    ],
)
def test_bad_arguments(fake_igdb, args):
    with pytest.raises(CommandError):
        run(*args)
    assert fake_igdb.requests == []
