"""
The original Overworld web client (README: "Using the original ..."): every request it makes, at the path
exactly as it sends it, answered with the status and the shape it reads; with IGDB (the loopback
recordings of games/tests) and without.
"""

from datetime import date, timedelta

import jsonschema
import pytest
from django.utils import timezone
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from rest_framework.test import APIClient

from games.models import FavouriteGame, Game, GameState, JournalEntry
from games.tests.factories import GameFactory, GameStateFactory
from overworld.tests.test_schema import json_schema, rebased
from users.models import Activity
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NO_IMAGE = "nocover_qhhlj6"
CELESTE_REF = {
    "igdb": 26226,
    "name": "Celeste",
    "slug": "celeste",
    "cover_id": "co1rgi",
    "backdrop_id": "sc4o6s",
}


@pytest.fixture
def celeste(db):
    return GameFactory(
        igdb="26226",
        name="Celeste",
        slug="celeste",
        cover_id="co1rgi",
        backdrop_id="ar4s6",
        summary="Climb the mountain.",
        first_release_date=date(2018, 1, 25),
        platforms=["PC (Microsoft Windows)", "Nintendo Switch"],
        genres=["Platform", "Indie"],
        developers=["Maddy Makes Games"],
        screenshots=["sc4o6r", "sc4o6s"],
    )


def _stars(body: list[dict]) -> list[str]:
    return sorted(item["rating"] for item in body)


# 1-4: accounts (the seed's routes, read as the client reads them).


def test_sign_up_log_in_current_user_and_log_out(api_client):
    registered = api_client.post(
        "/api/users/register/",
        {"email": "ada@example.com", "username": "ada", "password": "correct horse battery"},
        format="json",
    )
    assert registered.status_code == 200
    assert isinstance(registered.json()["user"], dict)
    assert registered.json()["user"]["username"] == "ada"

    logged_in = api_client.post(
        "/api/users/login/", {"username": "ada", "password": "correct horse battery"}, format="json"
    )
    assert logged_in.status_code == 200
    token = logged_in.json()["token"]

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    current = client.get("/api/users/user/")
    assert current.status_code == 200
    assert current.json()["username"] == "ada"
    assert "gravatar" in current.json()

    # The client posts an empty body with a JSON content type.
    assert client.post("/api/users/logout/", content_type="application/json").status_code == 204
    assert client.get("/api/users/user/").status_code == 401


def test_failed_log_in_shows_messages_the_forms_can_print(api_client, user):
    response = api_client.post("/api/users/login/", {"username": "madeline", "password": "no"}, format="json")

    assert response.status_code == 400
    # Each value is printed as a message: none may be an object.
    assert all(isinstance(value, list | str) for value in response.json().values())


# 5-11: the catalogue, without IGDB.


def test_popular_is_a_bare_list_of_games_with_covers(api_client, celeste):
    GameStateFactory(game=celeste, played=True, played_at=celeste.created_at)
    GameFactory(igdb="2", name="No Cover")

    response = api_client.get("/api/games/popular/?limit=6&offset=0&filters=%7B%7D")

    assert response.status_code == 200
    assert response.json() == [
        {"game": {"id": 26226, "name": "Celeste", "slug": "celeste", "cover": {"image_id": "co1rgi"}}}
    ]


def test_popular_without_shelved_games_shows_stored_ones_with_filled_covers(api_client):
    GameFactory(igdb="2", name="No Cover", slug="no-cover", backdrop_id="ar1")
    GameFactory(igdb="3", name="Nothing", slug="nothing")

    body = api_client.get("/api/games/popular/?limit=6&offset=0&filters=%7B%7D").json()

    # Fill: the backdrop when there is no cover, else IGDB's own "no cover" image.
    assert [item["game"]["cover"]["image_id"] for item in body] == [NO_IMAGE, "ar1"]


def test_popular_with_no_game_at_all_is_a_404_not_an_empty_list(api_client, db):
    # An empty list would make the client ask again without end.
    response = api_client.get("/api/games/popular/?limit=6&offset=0&filters=%7B%7D")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_the_apis_own_popular_games_moved_to_trending(api_client, celeste):
    GameStateFactory(game=celeste, played=True, played_at=celeste.created_at)

    body = api_client.get("/api/games/trending/?limit=10").json()

    assert body["source"] == "local"
    assert [game["igdb"] for game in body["results"]] == ["26226"]


def test_backdrop_of_a_known_game(api_client, celeste):
    response = api_client.get("/api/games/backdrop/26226/")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": 26226,
            "name": "Celeste",
            "slug": "celeste",
            "screenshots": [{"image_id": "sc4o6r"}, {"image_id": "sc4o6s"}],
        }
    ]


def test_backdrop_of_an_unknown_game_is_a_stored_game_with_images(api_client, celeste):
    GameFactory(igdb="5", name="Plain")

    body = api_client.get("/api/games/backdrop/19686/").json()

    assert body[0]["id"] == 26226
    assert len(body[0]["screenshots"]) >= 2


def test_frontpage_lists_recent_and_upcoming_releases(api_client, celeste):
    soon = GameFactory(
        igdb="7", name="Soon", slug="soon", first_release_date=date.today() + timedelta(days=30)
    )
    GameFactory(igdb="8", name="Undated")

    response = api_client.get("/api/games/frontpage")

    assert response.status_code == 200
    body = response.json()
    assert body["recents"] == [
        {
            "id": 26226,
            "name": "Celeste",
            "slug": "celeste",
            "first_release_date": 1516838400,
            "cover": {"image_id": "co1rgi"},
        }
    ]
    assert [game["slug"] for game in body["upcoming"]] == [soon.slug]
    assert "cover" not in body["upcoming"][0]


def test_search_with_the_text_in_the_path(api_client, celeste):
    response = api_client.get("/api/games/search/cele")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": 26226,
            "name": "Celeste",
            "slug": "celeste",
            "first_release_date": 1516838400,
            "cover": {"image_id": "co1rgi"},
            "screenshots": [{"image_id": "sc4o6r"}, {"image_id": "sc4o6s"}],
        }
    ]
    assert api_client.get("/api/games/search/zelda").json() == []
    # Spaces as the browser sends them.
    assert len(api_client.get("/api/games/search/celeste%20").json()) == 1


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/games/search/a%00b", "text"),
        ("/api/games/a%00b", "slug"),
        ("/api/games/a%00b/ratings", "slug"),
        ("/api/games/company/a%00b", "company"),
        (f"/api/games/{'x' * 300}", "slug"),
    ],
)
def test_text_in_the_path_is_checked_as_a_bodys_would_be(api_client, db, path, field):
    response = api_client.get(path)

    # The NUL middleware refuses it before the view (overworld/middleware.py); the view would too.
    assert response.status_code == 400
    assert response.json().get("code") == "nul_character" or field in response.json()


def test_search_items_never_carry_keys_that_break_rendering(api_client, celeste):
    for item in api_client.get("/api/games/search/c").json():
        assert not {"style", "children"} & set(item)


def test_the_apis_own_search_keeps_its_path(api_client, celeste):
    assert api_client.get("/api/games/search/", {"q": "cele"}).json()["source"] == "local"
    assert api_client.get("/api/games/search", {"q": "cele"}).json()["source"] == "local"


def test_game_page_by_slug(api_client, celeste):
    response = api_client.get("/api/games/celeste")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": 26226,
            "name": "Celeste",
            "slug": "celeste",
            "summary": "Climb the mountain.",
            "first_release_date": 1516838400,
            "cover": {"image_id": "co1rgi"},
            "screenshots": [{"image_id": "sc4o6r"}, {"image_id": "sc4o6s"}],
            "platforms": [
                {"id": "PC (Microsoft Windows)", "name": "PC (Microsoft Windows)"},
                {"id": "Nintendo Switch", "name": "Nintendo Switch"},
            ],
            "genres": [{"id": "Platform", "name": "Platform"}, {"id": "Indie", "name": "Indie"}],
            "involved_companies": [
                {
                    "id": 1,
                    "developer": True,
                    "publisher": False,
                    "company": {"id": "Maddy Makes Games", "name": "Maddy Makes Games"},
                }
            ],
        }
    ]


def test_the_apis_own_game_page_keeps_the_path_with_the_slash(api_client, celeste):
    body = api_client.get("/api/games/26226/").json()

    assert body["igdb"] == "26226"
    assert "played_count" in body


def test_a_numeric_slug_without_the_slash_is_the_clients_game_page(api_client):
    GameFactory(igdb="1234", name="1942", slug="1942")

    assert api_client.get("/api/games/1942").json()[0]["name"] == "1942"


@pytest.mark.parametrize(
    ("fields", "screenshots", "cover"),
    [
        ({"cover_id": "co1", "backdrop_id": "ar1", "screenshots": ["sc1"]}, ["sc1", "ar1"], "co1"),
        ({"cover_id": "co1", "screenshots": ["sc1"]}, ["sc1", "co1"], "co1"),
        ({"cover_id": "co1"}, ["co1", "co1"], "co1"),
        ({"backdrop_id": "ar1"}, ["ar1", "ar1"], "ar1"),
        ({}, [NO_IMAGE, NO_IMAGE], NO_IMAGE),
    ],
)
def test_game_page_fills_cover_and_two_screenshots_from_real_images(api_client, fields, screenshots, cover):
    GameFactory(igdb="9", name="Sparse", slug="sparse", **fields)

    page = api_client.get("/api/games/sparse").json()[0]

    assert [shot["image_id"] for shot in page["screenshots"]] == screenshots
    assert page["cover"] == {"image_id": cover}
    assert page["platforms"] == []
    # Without a developer, no companies at all (the client needs a developer among them).
    assert "involved_companies" not in page
    assert "first_release_date" not in page


def test_game_page_of_an_unknown_slug_is_a_404(api_client, db):
    response = api_client.get("/api/games/no-such-game")

    assert response.status_code == 404
    assert response.json()["detail"] == "Not found."


def test_game_ratings_are_one_decimal_strings(api_client, celeste):
    for rating in (9, 10, 1):
        GameStateFactory(game=celeste, rating=rating)
    GameStateFactory(game=celeste, played=True, played_at=celeste.created_at)

    response = api_client.get("/api/games/celeste/ratings")

    assert response.status_code == 200
    assert _stars(response.json()) == ["0.5", "4.5", "5.0"]
    assert api_client.get("/api/games/unknown/ratings").json() == []


def test_developer_page(api_client, celeste):
    GameFactory(
        igdb="11", name="Celeste 64", slug="celeste-64", cover_id="co2", developers=["Maddy Makes Games"]
    )
    GameFactory(igdb="12", name="Other", slug="other", cover_id="co3", developers=["Maddy Makes Games Two"])

    response = api_client.get("/api/games/company/Maddy%20Makes%20Games")

    assert response.status_code == 200
    body = response.json()
    assert body["company"] == [
        {"name": "Maddy Makes Games", "description": "", "logo_details": [{"image_id": NO_IMAGE}]}
    ]
    assert sorted(game["slug"] for game in body["games"]) == ["celeste", "celeste-64"]
    assert all(game["cover"]["image_id"] for game in body["games"])


def test_without_igdb_developers_are_linked_and_found_by_name(api_client, celeste):
    celeste.developer_ids = {"18446": "Maddy Makes Games"}
    celeste.save()

    page = api_client.get("/api/games/celeste").json()[0]
    assert page["involved_companies"][0]["company"] == {
        "id": "Maddy Makes Games",
        "name": "Maddy Makes Games",
    }
    # A number is a name too without IGDB: no company of that name here.
    body = api_client.get("/api/games/company/18446").json()
    assert body["company"][0]["name"] == "18446"
    assert body["games"] == []


def test_developer_page_of_the_null_a_game_without_developer_links_to(api_client, db):
    body = api_client.get("/api/games/company/null").json()

    assert body["games"] == []
    assert body["company"][0]["logo_details"][0]["image_id"]


# 12-19: a user's actions on a game.


def test_actions_of_an_untouched_game_are_all_false(auth_client, db):
    response = auth_client.get("/api/actions/?igdb=26226")

    assert response.status_code == 200
    assert response.json() == {"played": False, "liked": False, "backlog": False, "wishlist": False}


def test_actions_need_a_token(api_client, db):
    assert api_client.get("/api/actions/?igdb=26226").status_code == 401
    assert api_client.post("/api/actions/log/", CELESTE_REF, format="json").status_code == 401


@pytest.mark.parametrize(
    ("action", "shelf"),
    [("log", "played"), ("like", "liked"), ("backlog", "backlog"), ("wishlist", "wishlist")],
)
def test_each_action_is_a_toggle_twice_is_back_to_the_start(auth_client, user, action, shelf):
    first = auth_client.post(f"/api/actions/{action}/", CELESTE_REF, format="json")

    assert first.status_code == 200
    game = Game.objects.get(igdb="26226")
    assert first.json() == {"game": game.pk, "user": user.pk, "action": action, "value": True}
    assert auth_client.get("/api/actions/?igdb=26226").json()[shelf] is True
    # The game was created from the client's body.
    assert (game.name, game.slug, game.cover_id, game.backdrop_id) == (
        "Celeste",
        "celeste",
        "co1rgi",
        "sc4o6s",
    )

    second = auth_client.post(f"/api/actions/{action}/", CELESTE_REF, format="json")

    assert second.json()["value"] is False
    assert auth_client.get("/api/actions/?igdb=26226").json() == dict.fromkeys(
        ("played", "liked", "backlog", "wishlist"), False
    )
    assert not Activity.objects.filter(actor=user).exists()


def test_logging_takes_the_game_off_the_backlog_and_says_so(auth_client):
    auth_client.post("/api/actions/backlog/", CELESTE_REF, format="json")

    logged = auth_client.post("/api/actions/log/", CELESTE_REF, format="json").json()

    assert logged["value"] is True
    assert logged["removedFromBacklog"] is True
    assert auth_client.get("/api/actions/?igdb=26226").json()["backlog"] is False
    # Un-logging does not put it back; logging a game not on the backlog does not say so.
    assert (
        "removedFromBacklog" not in auth_client.post("/api/actions/log/", CELESTE_REF, format="json").json()
    )
    assert (
        "removedFromBacklog" not in auth_client.post("/api/actions/log/", CELESTE_REF, format="json").json()
    )
    assert auth_client.get("/api/actions/?igdb=26226").json()["backlog"] is False


def test_a_toggle_of_an_unknown_game_without_a_name_is_a_400(auth_client, db):
    response = auth_client.post("/api/actions/like/", {"igdb": 5}, format="json")

    assert response.status_code == 400
    assert "game" in response.json()


def test_rating_in_half_stars(auth_client, user):
    assert auth_client.get("/api/actions/ratings/?igdb=26226").json() == {}

    response = auth_client.post("/api/actions/ratings/", {**CELESTE_REF, "rating": 3.5}, format="json")

    assert response.status_code == 200
    # A number: the client clears a rating when the stored value is === the star clicked again.
    assert response.json() == {"rating": 3.5}
    assert auth_client.get("/api/actions/ratings/?igdb=26226").json() == {"rating": 3.5}
    assert GameState.objects.get(user=user).rating == 7
    assert auth_client.get(f"/api/users/{user.username}/stats/").json()["rating_histogram"]["7"] == 1


def test_rating_zero_clears_it(auth_client, user):
    auth_client.post("/api/actions/ratings/", {**CELESTE_REF, "rating": 5}, format="json")

    response = auth_client.post("/api/actions/ratings/", {**CELESTE_REF, "rating": 0}, format="json")

    assert response.json() == {}
    assert GameState.objects.get(user=user).rating is None
    assert auth_client.get("/api/games/celeste/ratings").json() == []


@pytest.mark.parametrize("rating", [5.5, -0.5, 1.25, "x", None])
def test_a_rating_off_the_half_star_scale_is_a_400(auth_client, rating):
    response = auth_client.post("/api/actions/ratings/", {**CELESTE_REF, "rating": rating}, format="json")

    assert response.status_code == 400
    assert "rating" in response.json()


def _journal_body(**changes) -> dict:
    return {
        "game": {
            "id": 26226,
            "name": "Celeste",
            "slug": "celeste",
            "coverId": "co1rgi",
            "backdropId": "sc4o6r",
        },
        "date": "2024-03-02",
        "liked": True,
        "review": "Hard, kind.",
        "spoilers": False,
        "rating": 4.5,
        "entry_type": "F",
        "platform": "Nintendo Switch",
        **changes,
    }


def test_a_journal_entry_from_the_log_dialog(auth_client, user):
    auth_client.post("/api/actions/backlog/", CELESTE_REF, format="json")

    response = auth_client.post("/api/actions/journal/", _journal_body(), format="json")

    assert response.status_code == 201
    entry = JournalEntry.objects.get(user=user)
    assert (entry.played_on, entry.finished, entry.platform, entry.review, entry.liked, entry.rating) == (
        date(2024, 3, 2),
        True,
        "Nintendo Switch",
        "Hard, kind.",
        True,
        9,
    )
    # Then the client reads the actions and the rating again. The dialog's like is the entry's.
    assert auth_client.get("/api/actions/?igdb=26226").json() == {
        "played": True,
        "liked": False,
        "backlog": False,
        "wishlist": False,
    }
    assert auth_client.get("/api/actions/ratings/?igdb=26226").json() == {"rating": 4.5}


def test_a_journal_entry_with_no_rating_keeps_the_games_rating(auth_client, user):
    auth_client.post("/api/actions/ratings/", {**CELESTE_REF, "rating": 2}, format="json")

    body = _journal_body(rating=0, liked=False, entry_type="A", platform="", review="")
    assert auth_client.post("/api/actions/journal/", body, format="json").status_code == 201
    assert (
        auth_client.post("/api/actions/journal/", {**body, "rating": None}, format="json").status_code == 201
    )

    entry = JournalEntry.objects.filter(user=user).first()
    assert (entry.finished, entry.rating, entry.liked) == (False, None, False)
    assert auth_client.get("/api/actions/ratings/?igdb=26226").json() == {"rating": 2}
    assert auth_client.get("/api/actions/?igdb=26226").json()["liked"] is False


def test_a_journal_entry_in_the_future_is_a_400(auth_client):
    future = (date.today() + timedelta(days=5)).isoformat()

    response = auth_client.post("/api/actions/journal/", _journal_body(date=future), format="json")

    assert response.status_code == 400
    assert "date" in response.json()


# 20-23: a profile's extras.


def test_profile_ratings_and_recent_activity(api_client, auth_client, user, celeste):
    for number in range(7):
        ref = {
            "igdb": 900 + number,
            "name": f"Game {number}",
            "slug": f"game-{number}",
            "cover_id": f"co{number}",
        }
        auth_client.post("/api/actions/like/", ref, format="json")
        auth_client.post("/api/actions/ratings/", {**ref, "rating": 4}, format="json")

    ratings = api_client.get("/api/users/profile/madeline/ratings")
    activity = api_client.get("/api/users/profile/madeline/activity?limit=5")

    assert ratings.status_code == 200
    assert _stars(ratings.json()) == ["4.0"] * 7
    assert activity.status_code == 200
    # At most five (the client's page holds five), each game once, newest first.
    assert [item["game"]["slug"] for item in activity.json()] == [
        f"game-{number}" for number in (6, 5, 4, 3, 2)
    ]
    assert set(activity.json()[0]["game"]) == {"id", "igdb", "name", "slug", "cover_id", "backdrop_id"}
    # Never more than five, whatever the limit asks.
    assert len(api_client.get("/api/users/profile/madeline/activity?limit=50").json()) == 5
    assert api_client.get("/api/users/profile/nobody/ratings").status_code == 404


def test_journal_grouped_by_year_and_month(api_client, auth_client):
    for day in ("2023-12-30", "2024-01-02", "2024-01-20", "2024-03-02"):
        auth_client.post("/api/actions/journal/", _journal_body(date=day), format="json")

    response = api_client.get("/api/actions/journal/?username=madeline&limit=10")

    assert response.status_code == 200
    body = response.json()
    assert [(year["year"], [month["month"] for month in year["months"]]) for year in body] == [
        (2024, [3, 1]),
        (2023, [12]),
    ]
    entry = body[0]["months"][1]["entries"][0]
    assert entry["date"] == "2024-01-20"
    assert entry["game"]["slug"] == "celeste"
    assert len(api_client.get("/api/actions/journal/?username=madeline&limit=2").json()[0]["months"]) == 2
    assert api_client.get("/api/actions/journal/?username=nobody&limit=10").status_code == 404


def test_empty_lists_are_lists(api_client, user):
    assert api_client.get("/api/users/profile/madeline/ratings").json() == []
    assert api_client.get("/api/users/profile/madeline/activity?limit=5").json() == []
    assert api_client.get("/api/actions/journal/?username=madeline&limit=10").json() == []


# 20, 26, 27: the profile (the seed's route, with the client's additive keys).

LIST_KEYS = ("played", "liked", "backlog", "wishlist", "followers", "following", "favorites")


def test_profile_anonymous_has_lists_favorites_and_gravatar(api_client, auth_client, user):
    auth_client.post("/api/actions/favorites/add/", CELESTE_REF, format="json")
    auth_client.post("/api/actions/log/", CELESTE_REF, format="json")

    response = api_client.get("/api/users/profile/madeline")

    assert response.status_code == 200
    body = response.json()
    assert all(isinstance(body[key], list) for key in LIST_KEYS)
    assert [game["igdb"] for game in body["favorites"]] == ["26226"]
    assert body["favorites"] == body["favourites"]
    assert body["played"][0]["cover_id"] == "co1rgi"
    assert "gravatar" in body
    assert body["me"] is None
    assert not body["followingUser"]


def test_profile_as_its_owner_and_as_a_follower(auth_client, user, other_user):
    own = auth_client.get("/api/users/profile/madeline").json()
    assert own["me"] == {"id": user.pk, "username": "madeline"}
    assert own["followingUser"] is False

    other = auth_client.get("/api/users/profile/theo").json()
    assert other["me"]["username"] == "madeline"
    assert other["followingUser"] is False

    auth_client.post("/api/users/follow/", {"username": "theo"}, format="json")

    assert auth_client.get("/api/users/profile/theo").json()["followingUser"] is True
    # The seed's paths keep their shape, with the same additive keys.
    assert auth_client.get("/api/users/theo").json()["followingUser"] is True


def test_profile_edit_from_the_settings_page_renames_at_the_new_name(auth_client, user):
    body = {
        "username": "madeline2",
        "email": "m2@example.com",
        "location": "Summit",
        "twitter": None,
        "bio": None,
    }

    response = auth_client.post("/api/users/profile/madeline2", body, format="json")

    assert response.status_code == 200
    profile = response.json()
    # A new address waits for the confirmation of the link mailed to it (issue 16).
    assert (profile["username"], profile["location"], profile["email"], profile["pending_email"]) == (
        "madeline2",
        "Summit",
        "madeline@example.com",
        "m2@example.com",
    )
    assert isinstance(profile["favorites"], list)
    assert "gravatar" in profile
    assert profile["me"]["username"] == "madeline2"
    user.refresh_from_db()
    assert user.username == "madeline2"
    # The current name works too.
    assert (
        auth_client.post("/api/users/profile/madeline2", {"bio": "Climbing."}, format="json").status_code
        == 200
    )


def test_profile_edit_at_another_users_name_is_a_403_and_at_no_ones_a_404(auth_client, other_user):
    assert auth_client.post("/api/users/profile/theo", {"bio": "x"}, format="json").status_code == 403
    taken = auth_client.post("/api/users/profile/theo", {"username": "theo"}, format="json")
    assert taken.status_code == 403
    assert auth_client.post("/api/users/profile/nobody", {"bio": "x"}, format="json").status_code == 404


def test_refresh_avatar_changes_nothing(auth_client, user):
    before = auth_client.get("/api/users/profile/madeline").json()

    response = auth_client.post("/api/users/profile/madeline", {"refreshAvatar": True}, format="json")

    assert response.status_code == 200
    assert response.json() == before


def test_at_most_five_favorites_on_the_profile(auth_client, user):
    for number in range(5):
        auth_client.post(
            "/api/actions/favorites/add/", {"igdb": 700 + number, "name": f"G{number}"}, format="json"
        )

    assert len(auth_client.get("/api/users/profile/madeline").json()["favorites"]) == 5


# 24, 25: follow and unfollow (the seed's routes).


def test_follow_and_unfollow(auth_client, other_user):
    assert auth_client.post("/api/users/follow/", {"username": "theo"}, format="json").status_code == 200
    assert auth_client.post("/api/users/unfollow/", {"username": "theo"}, format="json").status_code == 200
    assert auth_client.post("/api/users/follow/", {"username": "nobody"}, format="json").status_code == 404


# 28-30: favourites.


def test_favourites_add_list_and_remove(auth_client, user, celeste):
    assert auth_client.get("/api/actions/favorites/").json() == []

    added = auth_client.post("/api/actions/favorites/add/", CELESTE_REF, format="json")
    again = auth_client.post("/api/actions/favorites/add/", CELESTE_REF, format="json")
    other = {
        "igdb": 14593,
        "name": "Hollow Knight",
        "slug": "hollow-knight",
        "cover_id": "co1rgy",
        "backdrop_id": "",
    }
    auth_client.post("/api/actions/favorites/add/", other, format="json")

    assert (added.status_code, added.json(), again.status_code) == (200, {}, 200)
    favourites = auth_client.get("/api/actions/favorites/").json()
    assert [(game["igdb"], game["cover_id"]) for game in favourites] == [
        ("26226", "co1rgi"),
        ("14593", "co1rgy"),
    ]
    assert [game["igdb"] for game in auth_client.get("/api/users/madeline/favourites/").json()] == [
        "26226",
        "14593",
    ]

    removed = auth_client.post("/api/actions/favorites/remove/", {"igdb": 26226}, format="json")

    assert (removed.status_code, removed.json()) == (200, {})
    assert [game["igdb"] for game in auth_client.get("/api/actions/favorites/").json()] == ["14593"]
    assert (
        auth_client.post("/api/actions/favorites/remove/", {"igdb": 26226}, format="json").status_code == 200
    )


def test_at_most_five_favourites(auth_client, user):
    for number in range(5):
        ref = {"igdb": 700 + number, "name": f"Game {number}"}
        assert auth_client.post("/api/actions/favorites/add/", ref, format="json").status_code == 200

    response = auth_client.post("/api/actions/favorites/add/", {"igdb": 799, "name": "Sixth"}, format="json")

    assert response.status_code == 400
    assert FavouriteGame.objects.filter(user=user).count() == 5


# What is done through the client shows through the API.


def test_the_clients_actions_show_in_the_apis_state_profile_journal_and_feed(auth_client, user, other_user):
    follower = APIClient()
    follower.force_authenticate(other_user)
    follower.post("/api/users/follow/", {"username": "madeline"}, format="json")

    auth_client.post("/api/actions/wishlist/", CELESTE_REF, format="json")
    auth_client.post("/api/actions/ratings/", {**CELESTE_REF, "rating": 4}, format="json")
    auth_client.post("/api/actions/journal/", _journal_body(rating=0, liked=False), format="json")

    state = auth_client.get("/api/games/26226/state/").json()
    assert state == {"played": True, "liked": False, "backlog": False, "wishlist": True, "rating": 8}
    profile = APIClient().get("/api/users/madeline").json()
    assert [game["igdb"] for game in profile["played"]] == ["26226"]
    assert [game["igdb"] for game in profile["wishlist"]] == ["26226"]
    journal = APIClient().get("/api/users/madeline/journal/").json()["results"]
    assert journal[0]["entries"][0]["finished"] is True
    verbs = {(event["verb"], event["shelf"]) for event in follower.get("/api/feed/").json()["results"]}
    assert {("shelved", "wishlist"), ("shelved", "played"), ("rated", None), ("logged", None)} <= verbs

    # And back: what the API sets, the client reads.
    auth_client.patch("/api/games/26226/state/", {"liked": True, "rating": 3}, format="json")
    assert auth_client.get("/api/actions/?igdb=26226").json()["liked"] is True
    assert auth_client.get("/api/actions/ratings/?igdb=26226").json() == {"rating": 1.5}


# With IGDB (the loopback recordings).


def test_game_page_from_igdb_is_stored_here(api_client, fake_igdb):
    fake_igdb.play("token", "game_celeste")

    response = api_client.get("/api/games/celeste")

    assert response.status_code == 200
    page = response.json()[0]
    assert (page["id"], page["name"], page["cover"]) == (26226, "Celeste", {"image_id": "co1rgi"})
    assert page["screenshots"] == [{"image_id": "sc4o6r"}, {"image_id": "sc4o6s"}]
    assert {"id": "Nintendo Switch", "name": "Nintendo Switch"} in page["platforms"]
    assert page["involved_companies"][0]["company"]["name"] == "Maddy Makes Games"
    assert 'where slug = "celeste"' in fake_igdb.igdb_requests[0].body
    assert Game.objects.get(igdb="26226").slug == "celeste"
    # Stored: the next view asks IGDB nothing.
    assert api_client.get("/api/games/celeste").status_code == 200
    assert len(fake_igdb.igdb_requests) == 1


def test_game_page_of_a_slug_igdb_does_not_know_is_a_404_asked_once(api_client, fake_igdb):
    fake_igdb.play("token", "game_unknown")

    assert api_client.get("/api/games/no-such-game").status_code == 404
    assert api_client.get("/api/games/no-such-game").status_code == 404
    assert len(fake_igdb.igdb_requests) == 1


def test_search_from_igdb(api_client, fake_igdb):
    fake_igdb.play("token", "search_celeste")

    body = api_client.get("/api/games/search/celeste").json()

    assert [game["id"] for game in body] == [26226, 115276, 136166]
    assert body[0] == {
        "id": 26226,
        "name": "Celeste",
        "slug": "celeste",
        "first_release_date": 1516838400,
        "cover": {"image_id": "co1rgi"},
    }
    assert "cover" not in body[2]


def test_popular_from_igdb(api_client, fake_igdb):
    fake_igdb.play("token", "popular")

    body = api_client.get("/api/games/popular/?limit=6&offset=0&filters=%7B%7D").json()

    assert [item["game"]["slug"] for item in body] == ["elden-ring", "celeste", "hollow-knight"]
    assert body[0]["game"] == {
        "id": 119133,
        "name": "Elden Ring",
        "slug": "elden-ring",
        "cover": {"image_id": "co3p2d"},
    }


def test_backdrop_from_igdb(api_client, fake_igdb):
    fake_igdb.play("token", "game_celeste")

    body = api_client.get("/api/games/backdrop/26226/").json()

    assert body[0]["id"] == 26226
    assert [shot["image_id"] for shot in body[0]["screenshots"]] == ["sc4o6r", "sc4o6s"]


def test_frontpage_from_igdb_is_cached(api_client, fake_igdb):
    fake_igdb.play("token", "releases")

    body = api_client.get("/api/games/frontpage").json()

    assert [game["slug"] for game in body["recents"]] == ["elden-ring", "hollow-knight"]
    assert body["upcoming"] == [
        {
            "id": 136166,
            "name": "Celeste Classic 2: Lani's Trek",
            "slug": "celeste-classic-2-lanis-trek",
            "first_release_date": 1893456000,
        }
    ]
    assert "sort first_release_date desc" in fake_igdb.igdb_requests[0].body
    assert api_client.get("/api/games/frontpage").json() == body
    assert len(fake_igdb.igdb_requests) == 2


def test_frontpage_falls_back_to_the_stored_games_when_igdb_fails(api_client, fake_igdb, celeste):
    fake_igdb.play("token", "server_error_500", "server_error_500", "server_error_500")

    body = api_client.get("/api/games/frontpage").json()

    assert [game["slug"] for game in body["recents"]] == ["celeste"]


def test_developer_page_from_igdb_by_the_id_the_game_page_links_is_cached(api_client, fake_igdb, validators):
    fake_igdb.play("token", "game_celeste", "company_maddy")
    (company,) = [
        item["company"] for item in api_client.get("/api/games/celeste").json()[0]["involved_companies"]
    ]
    assert company == {"id": 18446, "name": "Maddy Makes Games"}

    response = api_client.get(f"/api/games/company/{company['id']}")

    assert response.status_code == 200
    assert response.json() == {
        "company": [
            {
                "name": "Maddy Makes Games",
                "description": "Maddy Makes Games is the Vancouver studio behind TowerFall and Celeste.",
                "start_date": 1262304000,
                "logo_details": [{"image_id": "cl3wv"}],
            }
        ],
        # Celeste Classic 2 has no cover at IGDB: not shown.
        "games": [
            {"slug": "celeste", "cover": {"image_id": "co1rgi"}},
            {"slug": "celeste-classic", "cover": {"image_id": "co1wzo"}},
        ],
    }
    _conforms(validators, "legacy_company_games", response)
    assert fake_igdb.igdb_requests[-1].path == "/v4/companies"
    assert fake_igdb.igdb_requests[-1].body == (
        "fields name,description,start_date,logo.image_id,developed.slug,developed.cover.image_id; "
        "where id = (18446); limit 1;"
    )
    # Cached: the next view asks IGDB nothing (the client's path has no slash, the API's has one).
    assert api_client.get("/api/games/company/18446/").json() == response.json()
    assert len(fake_igdb.igdb_requests) == 2


def test_developer_page_from_igdb_without_logo_date_description_or_games(api_client, fake_igdb):
    fake_igdb.play("token", "company_no_logo")

    body = api_client.get("/api/games/company/70707").json()

    assert body == {
        "company": [{"name": "A Small Studio", "description": "", "logo_details": [{"image_id": NO_IMAGE}]}],
        "games": [],
    }


def test_developer_page_of_an_id_igdb_does_not_know_is_a_404_asked_once(api_client, fake_igdb):
    fake_igdb.play("token", "company_unknown")

    response = api_client.get("/api/games/company/999999")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api_client.get("/api/games/company/999999").status_code == 404
    assert len(fake_igdb.igdb_requests) == 1


def test_developer_page_by_name_with_igdb_is_the_stored_games(api_client, fake_igdb, celeste):
    body = api_client.get("/api/games/company/Maddy Makes Games").json()

    assert [game["slug"] for game in body["games"]] == ["celeste"]
    assert fake_igdb.requests == []


def test_developer_page_falls_back_to_the_stored_games_when_igdb_fails(api_client, fake_igdb, celeste):
    celeste.developer_ids = {"18446": "Maddy Makes Games"}
    celeste.save()
    GameFactory(igdb="12", slug="other", cover_id="co3", developer_ids={"184460": "Maddy Makes Games Two"})
    fake_igdb.play("token", "server_error_500", "server_error_500", "server_error_500")

    response = api_client.get("/api/games/company/18446")

    assert response.status_code == 200
    assert response.json() == {
        "company": [
            {"name": "Maddy Makes Games", "description": "", "logo_details": [{"image_id": NO_IMAGE}]}
        ],
        "games": [{"slug": "celeste", "cover": {"image_id": "co1rgi"}}],
    }


def test_developer_page_of_an_id_unknown_here_when_igdb_fails_is_a_503(api_client, fake_igdb, celeste):
    fake_igdb.play("token", "server_error_500", "server_error_500", "server_error_500")

    response = api_client.get("/api/games/company/18446")

    assert response.status_code == 503
    assert "Retry-After" in response
    # Not remembered as unknown: once IGDB is back, it is asked.
    fake_igdb.play("company_maddy")
    assert api_client.get("/api/games/company/18446").status_code == 200


def test_a_game_page_stored_before_developer_ids_were_kept_is_fetched_again(api_client, fake_igdb, celeste):
    Game.objects.filter(pk=celeste.pk).update(details_refreshed_at=timezone.now(), developer_ids=None)
    fake_igdb.play("token", "game_celeste")

    page = api_client.get("/api/games/celeste").json()[0]

    assert page["involved_companies"][0]["company"] == {"id": 18446, "name": "Maddy Makes Games"}
    assert api_client.get("/api/games/celeste").status_code == 200
    assert len(fake_igdb.igdb_requests) == 1


def test_a_toggle_from_an_igdb_game_page_creates_the_game_with_its_images(api_client, auth_client, fake_igdb):
    fake_igdb.play("token", "game_celeste")
    page = api_client.get("/api/games/celeste").json()[0]
    ref = {
        "igdb": page["id"],
        "name": page["name"],
        "slug": page["slug"],
        "cover_id": page["cover"]["image_id"],
        "backdrop_id": page["screenshots"][1]["image_id"],
    }

    assert auth_client.post("/api/actions/log/", ref, format="json").json()["value"] is True
    assert auth_client.get("/api/actions/?igdb=26226").json()["played"] is True


# Concurrency.


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_toggles_of_one_flag_end_consistent():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from users import services

    user = UserFactory()
    token = services.token_create(user=user)
    GameFactory(igdb="26226", name="Celeste")

    def toggle(_):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            return client.post("/api/actions/like/", {"igdb": 26226}, format="json").json()["value"]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        values = list(pool.map(toggle, range(10)))

    # Each toggle flipped what the one before left: five on, five off, and off at the end.
    assert sorted(values) == [False] * 5 + [True] * 5
    state = GameState.objects.get(user=user)
    assert state.liked is False and state.liked_at is None
    assert not Activity.objects.filter(actor=user, shelf="liked").exists()


# Query budgets: no read of the client's costs more with more rows.


@pytest.fixture
def busy_user(user, other_user):
    games = [
        GameFactory(
            igdb=str(500 + number), name=f"Game {number}", developers=["Studio"], cover_id=f"co{number}"
        )
        for number in range(8)
    ]
    for number, game in enumerate(games):
        GameStateFactory(user=user, game=game, rating=1 + number, played=True, played_at=game.created_at)
        GameStateFactory(user=other_user, game=game, rating=10, liked=True, liked_at=game.created_at)
        JournalEntry.objects.create(user=user, game=game, played_on=date(2024, 1 + number, 1))
        Activity.objects.create(actor=user, verb="shelved", game=game, shelf="played")
    for position, game in enumerate(games[:5], start=1):
        FavouriteGame.objects.create(user=user, game=game, position=position)
    return user


@pytest.mark.parametrize(
    ("path", "budget"),
    [
        ("/api/games/popular/?limit=6&offset=0&filters=%7B%7D", 1),
        ("/api/games/frontpage", 2),
        ("/api/games/search/game", 1),
        ("/api/games/game-1", 1),
        ("/api/games/game-1/ratings", 2),
        ("/api/games/company/Studio", 1),
        ("/api/games/backdrop/501/", 2),
        ("/api/users/profile/madeline/ratings", 2),
        ("/api/users/profile/madeline/activity?limit=5", 2),
        ("/api/actions/journal/?username=madeline&limit=10", 2),
    ],
)
def test_public_reads_have_a_fixed_query_budget(
    api_client, busy_user, path, budget, django_assert_max_num_queries
):
    with django_assert_max_num_queries(budget):
        response = api_client.get(path)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "budget"),
    [("/api/actions/?igdb=501", 2), ("/api/actions/ratings/?igdb=501", 2), ("/api/actions/favorites/", 2)],
)
def test_signed_in_reads_have_a_fixed_query_budget(
    auth_client, busy_user, path, budget, django_assert_max_num_queries
):
    # One of them is the token's.
    with django_assert_max_num_queries(budget):
        response = auth_client.get(path)

    assert response.status_code == 200


def test_the_schema_lists_the_clients_routes_under_a_tag_of_their_own(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]

    legacy = {
        path: {operation["tags"][0] for operation in operations.values()}
        for path, operations in paths.items()
        if path.startswith(("/api/actions", "/api/games/popular", "/api/games/frontpage"))
        or path in ("/api/games/{slug}", "/api/games/search/{text}", "/api/users/profile/{username}/ratings")
    }
    assert len(legacy) >= 12
    assert all(tags == {"original web client"} for tags in legacy.values())
    assert paths["/api/games/trending/"]["get"]["tags"] == ["games"]


def test_each_toggle_documents_its_own_operation(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]

    summaries = {paths[f"/api/actions/{action}/"]["post"]["summary"] for action in ACTIONS}
    assert len(summaries) == len(ACTIONS)


ACTIONS = ("log", "like", "backlog", "wishlist")


@pytest.fixture(scope="module")
def validators(django_db_blocker):
    """A JSON Schema validator of each operation's answers, by operation id and status."""
    with django_db_blocker.unblock():
        document = json_schema(APIClient().get("/api/schema/?format=json").json())
    registry = Registry().with_resource("urn:schema", DRAFT202012.create_resource(document))
    return {
        (operation["operationId"], status): jsonschema.Draft202012Validator(
            rebased(response["content"]["application/json"]["schema"]), registry=registry
        )
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
        for status, response in operation["responses"].items()
        if "content" in response
    }


def _conforms(validators, operation_id: str, response) -> None:
    validator = validators[(operation_id, str(response.status_code))]
    errors = [error.message for error in validator.iter_errors(response.json())]
    assert not errors, f"{operation_id} {response.status_code}: {errors}"


def test_the_catalogues_answers_match_the_schema(api_client, celeste, validators):
    GameFactory(igdb="27", name="Soon", slug="soon", first_release_date=date.today() + timedelta(days=30))
    GameStateFactory(game=celeste, rating=7)
    for operation_id, path in (
        ("legacy_games_popular", "/api/games/popular/?limit=6&offset=0&filters=%7B%7D"),
        ("legacy_game_backdrop", "/api/games/backdrop/26226/"),
        ("legacy_frontpage", "/api/games/frontpage"),
        ("legacy_games_search", "/api/games/search/cel"),
        ("legacy_game_page", "/api/games/celeste"),
        ("legacy_game_ratings", "/api/games/celeste/ratings"),
        ("legacy_company_games", "/api/games/company/Maddy Makes Games"),
    ):
        response = api_client.get(path)
        assert response.status_code == 200, path
        assert response.json(), path
        _conforms(validators, operation_id, response)


def test_the_writes_errors_match_the_schema(auth_client, validators):
    unknown = {"igdb": 424242}
    for action in ACTIONS:
        response = auth_client.post(f"/api/actions/{action}/", unknown, format="json")
        assert response.status_code == 400
        assert "game" in response.json()
        _conforms(validators, f"legacy_toggle_{action}", response)
    response = auth_client.post("/api/actions/favorites/add/", unknown, format="json")
    _conforms(validators, "legacy_favourite_add", response)
    response = auth_client.post("/api/actions/ratings/", {**unknown, "rating": 3}, format="json")
    _conforms(validators, "legacy_rating_set", response)
    response = auth_client.post("/api/actions/journal/", {"game": {"id": None}}, format="json")
    assert set(response.json()) == {"game", "date"}
    _conforms(validators, "legacy_journal_log", response)
