import datetime

import pytest

from games.models import JournalEntry
from games.tests.factories import GameFactory

pytestmark = pytest.mark.django_db


def write(client, **fields):
    body = {"igdb": "26226", "played_on": "2026-03-14", **fields}
    return client.post("/api/journal/", body)


def test_write_an_entry(auth_client, game, user):
    response = write(
        auth_client,
        played_on="2026-03-14",
        finished=True,
        platform="Switch",
        review="Strawberries!",
        spoilers=True,
        liked=True,
        rating=10,
    )

    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "madeline"
    assert body["game"]["igdb"] == "26226"
    assert {
        key: body[key]
        for key in ("played_on", "finished", "platform", "review", "spoilers", "liked", "rating")
    } == {
        "played_on": "2026-03-14",
        "finished": True,
        "platform": "Switch",
        "review": "Strawberries!",
        "spoilers": True,
        "liked": True,
        "rating": 10,
    }
    assert JournalEntry.objects.get().user == user


def test_an_unknown_game_is_created_from_its_metadata(auth_client):
    response = write(auth_client, igdb="14593", game={"name": "Hollow Knight"})

    assert response.status_code == 201
    assert response.json()["game"]["name"] == "Hollow Knight"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"played_on": None}, "played_on"),
        ({"played_on": "yesterday"}, "played_on"),
        ({"played_on": "2999-01-01"}, "played_on"),
        ({"rating": 11}, "rating"),
        ({"platform": "x" * 101}, "platform"),
        ({"igdb": "not valid!"}, "igdb"),
        ({"igdb": "999999"}, "game"),
    ],
)
def test_invalid_entries_are_400(auth_client, game, fields, field):
    response = write(auth_client, **fields)

    assert response.status_code == 400
    assert field in response.json()
    assert not JournalEntry.objects.exists()


def test_writing_needs_a_token(api_client, game):
    assert write(api_client).status_code == 401


def test_owner_edits_and_deletes(auth_client, game):
    entry = write(auth_client).json()

    edited = auth_client.patch(
        f"/api/journal/{entry['id']}/", {"review": "Even better the second time.", "rating": 9}
    )
    assert edited.status_code == 200
    assert (edited.json()["review"], edited.json()["rating"], edited.json()["platform"]) == (
        "Even better the second time.",
        9,
        "",
    )

    assert auth_client.delete(f"/api/journal/{entry['id']}/").status_code == 204
    assert not JournalEntry.objects.exists()
    assert auth_client.get(f"/api/journal/{entry['id']}/").status_code == 404


def test_others_cannot_edit_or_delete(auth_client, api_client, game, other_user):
    entry = write(auth_client).json()
    url = f"/api/journal/{entry['id']}/"

    assert api_client.get(url).status_code == 200
    assert api_client.patch(url, {"review": "x"}).status_code == 401
    assert api_client.delete(url).status_code == 401
    api_client.force_authenticate(other_user)
    forbidden = api_client.patch(url, {"review": "x"})
    assert forbidden.status_code == 403
    assert "detail" in forbidden.json()
    assert api_client.delete(url).status_code == 403
    assert JournalEntry.objects.get().review == ""


def test_unknown_entry_is_404(auth_client, db):
    assert auth_client.patch("/api/journal/999/", {"review": "x"}).status_code == 404


def test_journal_is_grouped_by_month_newest_first(auth_client, api_client, game):
    for day in ["2025-12-31", "2026-01-02", "2026-01-20", "2026-03-01"]:
        write(auth_client, played_on=day)

    response = api_client.get("/api/users/madeline/journal/")

    assert response.status_code == 200
    months = response.json()["results"]
    assert [
        (month["year"], month["month"], [entry["played_on"] for entry in month["entries"]])
        for month in months
    ] == [
        (2026, 3, ["2026-03-01"]),
        (2026, 1, ["2026-01-20", "2026-01-02"]),
        (2025, 12, ["2025-12-31"]),
    ]


def test_journal_pages_hold_when_entries_arrive_between_pages(auth_client, api_client, game):
    for day in range(1, 8):
        write(auth_client, played_on=f"2026-01-{day:02d}")
    expected = [f"2026-01-{day:02d}" for day in range(7, 0, -1)]

    first = api_client.get("/api/users/madeline/journal/", {"page_size": 3}).json()
    write(auth_client, played_on="2026-01-05")  # the same day as a row already read
    write(auth_client, played_on="2026-02-01")
    seen = [entry["played_on"] for month in first["results"] for entry in month["entries"]]
    next_url = first["next"]
    while next_url:
        page = api_client.get(next_url).json()
        seen += [entry["played_on"] for month in page["results"] for entry in month["entries"]]
        next_url = page["next"]

    # The entry added on an already-read day comes after it (a higher id sorts first within a day,
    # and this cursor is past it), and the newer one is before the first page: nothing repeats.
    assert [day for day in seen if day != "2026-01-05"] == [day for day in expected if day != "2026-01-05"]
    assert seen.count("2026-01-05") == 1


def test_journal_query_count_is_bounded(api_client, user, django_assert_max_num_queries):
    games = GameFactory.create_batch(30)
    JournalEntry.objects.bulk_create(
        JournalEntry(
            user=user, game=game, played_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=index)
        )
        for index, game in enumerate(games)
    )

    with django_assert_max_num_queries(2):
        response = api_client.get("/api/users/madeline/journal/", {"page_size": 30})
    assert sum(len(month["entries"]) for month in response.json()["results"]) == 30


def test_unverified_users_cannot_write_game_data_when_verification_is_required(auth_client, game, settings):
    settings.EMAIL_VERIFICATION_REQUIRED = True

    assert write(auth_client).status_code == 403
    assert auth_client.patch("/api/games/26226/state/", {"played": True}).status_code == 403
    assert auth_client.put("/api/users/madeline/favourites/", {"games": ["26226"]}).status_code == 403
    assert auth_client.get("/api/games/26226/state/").status_code == 200
