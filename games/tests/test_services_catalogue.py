"""The catalogue's services: storing IGDB's details, keeping them fresh, bulk imports."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from games import services
from games.igdb import IgdbGame
from games.models import Game
from games.tests.factories import GameFactory
from overworld.exceptions import NotFoundError, UpstreamError, UpstreamUnavailableError

pytestmark = pytest.mark.django_db

CELESTE = IgdbGame(
    igdb="26226",
    name="Celeste",
    slug="celeste",
    first_release_date=date(2018, 1, 25),
    cover_id="co1rgi",
    summary="Climb the mountain.",
    genres=["Platform"],
    platforms=["Nintendo Switch"],
    developers=["Maddy Makes Games"],
    developer_ids={"18446": "Maddy Makes Games"},
    screenshots=["sc4o6r"],
    artwork_id="ar4s6",
)


def test_store_creates_the_game_with_its_details():
    game = services.game_store_from_igdb(details=CELESTE)

    game.refresh_from_db()
    assert (game.igdb, game.name, game.slug, game.cover_id, game.backdrop_id) == (
        "26226",
        "Celeste",
        "celeste",
        "co1rgi",
        "ar4s6",
    )
    assert (game.summary, game.genres, game.platforms, game.developers, game.screenshots) == (
        "Climb the mountain.",
        ["Platform"],
        ["Nintendo Switch"],
        ["Maddy Makes Games"],
        ["sc4o6r"],
    )
    assert game.developer_ids == {"18446": "Maddy Makes Games"}
    assert game.first_release_date == date(2018, 1, 25)
    assert game.details_refreshed_at is not None


def test_store_replaces_details_but_keeps_what_igdb_lacks():
    GameFactory(igdb="26226", name="Celeste", slug="celeste", cover_id="mycover", backdrop_id="mybackdrop")
    sparse = IgdbGame(igdb="26226", name="", summary="New words.", genres=["Indie"])

    game = services.game_store_from_igdb(details=sparse)

    game.refresh_from_db()
    assert (game.name, game.slug, game.cover_id, game.backdrop_id) == (
        "Celeste",
        "celeste",
        "mycover",
        "mybackdrop",
    )
    assert (game.summary, game.genres, game.screenshots) == ("New words.", ["Indie"], [])


def test_store_names_a_nameless_new_game():
    game = services.game_store_from_igdb(details=IgdbGame(igdb="7", name=""))

    assert game.name == "IGDB game 7"


def test_details_are_fresh_within_the_refresh_period(settings):
    now = timezone.now()
    assert services.game_details_are_fresh(
        game=Game(details_refreshed_at=now - timedelta(days=1), developer_ids={})
    )
    assert not services.game_details_are_fresh(
        game=Game(
            details_refreshed_at=now - timedelta(days=settings.IGDB_REFRESH_DAYS, seconds=1), developer_ids={}
        )
    )
    assert not services.game_details_are_fresh(game=Game(details_refreshed_at=None, developer_ids={}))


def test_details_fetched_before_the_developers_ids_were_kept_are_stale():
    assert not services.game_details_are_fresh(
        game=Game(details_refreshed_at=timezone.now(), developer_ids=None)
    )


def test_ensure_without_credentials_uses_the_database_alone(game):
    assert services.game_details_ensure(igdb="26226") == "local"
    with pytest.raises(NotFoundError):
        services.game_details_ensure(igdb="1942")


def test_ensure_fetches_once_then_trusts_the_stored_details(fake_igdb):
    fake_igdb.play("token", "game_celeste")

    assert services.game_details_ensure(igdb="26226") == "igdb"
    assert services.game_details_ensure(igdb="26226") == "igdb"

    assert len(fake_igdb.igdb_requests) == 1
    assert Game.objects.get(igdb="26226").genres == ["Platform", "Adventure", "Indie"]


def test_ensure_raises_igdb_errors_for_a_game_unknown_here(fake_igdb):
    fake_igdb.play("token", "server_error_500", "server_error_500", "server_error_500")

    with pytest.raises(UpstreamUnavailableError):
        services.game_details_ensure(igdb="26226")


def test_ensure_keeps_a_stored_game_when_igdb_fails(fake_igdb, game):
    fake_igdb.play("token", "bad_query_400")

    assert services.game_details_ensure(igdb="26226") == "local"

    game.refresh_from_db()
    assert game.details_refreshed_at is None


def test_import_by_ids_in_batches(fake_igdb, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_BATCH_SIZE", 2)
    GameFactory(igdb="26226", name="Celeste")
    # Batch 1 (26226, 1942): only Celeste is in the recording; batch 2 (7): unknown.
    fake_igdb.play("token", "game_celeste", "game_unknown")
    progress = []

    report = services.games_import(ids=[26226, 1942, 26226, 7], progress=lambda *step: progress.append(step))

    assert report == services.ImportReport(created=[], updated=["26226"], missing=[1942, 7])
    first, second = fake_igdb.igdb_requests
    assert "where id = (26226,1942);" in first.body
    assert "where id = (7);" in second.body
    assert progress[-1] == (3, 3)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_import_by_search_asks_for_the_details(fake_igdb):
    fake_igdb.play("token", "game_celeste")

    report = services.games_import(search="celeste", limit=10)

    assert report.created == ["26226"]
    (query,) = fake_igdb.igdb_requests
    assert query.body.startswith(
        'search "celeste"; fields name,slug,first_release_date,cover.image_id,summary'
    )
    assert query.body.endswith("limit 10;")
    assert Game.objects.get(igdb="26226").developers == ["Maddy Makes Games"]


def test_import_stops_on_igdb_errors_keeping_what_was_stored(fake_igdb, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_BATCH_SIZE", 1)
    fake_igdb.play("token", "game_celeste", "token_refused")
    fake_igdb.exchanges[-1] = {**fake_igdb.exchanges[-1], "request": {"method": "POST", "path": "/v4/*"}}

    with pytest.raises(UpstreamError):
        services.games_import(ids=[26226, 1942])

    assert Game.objects.filter(igdb="26226").exists()


def test_import_needs_credentials(db):
    with pytest.raises(ImproperlyConfigured):
        services.games_import(ids=[26226])
