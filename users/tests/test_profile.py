"""The anonymous profile is served from the cache, and every write that changes it shows at once."""

import json

import pytest
from django.core.cache import caches

from games.models import Game
from games.tests.factories import GameFactory, GameStateFactory
from overworld.renderers import EncodedJSON
from users import profile, services
from users.tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/users/madeline"


def anonymous(api_client, url=URL):
    return api_client.get(url).json()


def test_a_second_anonymous_view_costs_no_query(api_client, user, django_assert_num_queries):
    first = anonymous(api_client)

    with django_assert_num_queries(0):
        assert anonymous(api_client) == first


def test_viewers_with_a_token_always_get_a_fresh_personal_profile(api_client, auth_client, user):
    anonymous(api_client)

    assert auth_client.get(URL).json()["email"] == "madeline@example.com"
    assert "email" not in anonymous(api_client)


def test_every_write_shows_at_once(api_client, auth_client, user, other_user, game):
    anonymous(api_client)
    anonymous(api_client, "/api/users/theo")

    auth_client.patch("/api/users/profile/madeline", {"bio": "New bio"})
    assert anonymous(api_client)["bio"] == "New bio"

    auth_client.patch("/api/games/26226/state/", {"played": True})
    assert [entry["igdb"] for entry in anonymous(api_client)["played"]] == ["26226"]

    auth_client.post("/api/users/follow/", {"username": "theo"})
    assert anonymous(api_client)["following"] == [other_user.id]
    assert anonymous(api_client, "/api/users/theo")["followers"] == [user.id]

    auth_client.put("/api/users/madeline/favourites/", {"games": ["26226"]})
    assert [entry["igdb"] for entry in anonymous(api_client)["favourites"]] == ["26226"]

    game.name = "Celeste (2018)"
    game.save()
    assert anonymous(api_client)["played"][0]["name"] == "Celeste (2018)"

    auth_client.post("/api/users/unfollow/", {"username": "theo"})
    assert anonymous(api_client, "/api/users/theo")["followers"] == []


def test_a_username_change_retires_the_old_name(api_client, auth_client, user):
    anonymous(api_client)

    auth_client.patch("/api/users/profile/madeline", {"username": "badeline"})

    assert api_client.get(URL).status_code == 404
    assert anonymous(api_client, "/api/users/badeline")["username"] == "badeline"


def test_deactivation_and_deletion_change_other_profiles(api_client, user, other_user, password):
    FollowFactory(follower=other_user, followed=user)
    assert anonymous(api_client)["followers"] == [other_user.id]

    other_user.is_active = False
    other_user.save()
    assert anonymous(api_client)["followers"] == []

    other_user.is_active = True
    other_user.save()
    assert anonymous(api_client)["followers"] == [other_user.id]

    services.user_delete(user=other_user, password=password)
    assert anonymous(api_client)["followers"] == []


def test_a_deactivated_user_is_404_at_once(api_client, user):
    anonymous(api_client)

    user.is_active = False
    user.save()

    assert api_client.get(URL).status_code == 404


def test_the_admin_deactivate_action_shows_at_once(api_client, client, user, other_user, django_user_model):
    FollowFactory(follower=other_user, followed=user)
    anonymous(api_client)
    staff = django_user_model.objects.create_superuser(
        username="admin", email="a@example.com", password="x-pass-123"
    )
    client.force_login(staff)

    client.post("/admin/users/user/", {"action": "deactivate", "_selected_action": [other_user.pk]})

    assert anonymous(api_client)["followers"] == []


def test_profiles_are_served_when_the_cache_fails(api_client, user, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache is down")

    backend = caches["default"]
    for method in ("get_many", "get", "set", "set_many"):
        monkeypatch.setattr(backend, method, broken)

    response = api_client.get(URL)

    assert response.status_code == 200
    assert response.json()["username"] == "madeline"
    GameFactory()  # a write while the cache is down does not fail either


def test_game_details_not_shown_on_profiles_keep_them_cached(
    api_client, user, game, django_assert_num_queries
):
    GameStateFactory(user=user, game=game, on_all_shelves=True)
    anonymous(api_client)
    stored = Game.objects.get(pk=game.pk)

    stored.summary = "A mountain, and what it asks of you."
    stored.save()

    with django_assert_num_queries(0):
        assert anonymous(api_client)["played"][0]["name"] == "Celeste"


def test_a_cached_profile_is_sent_as_it_was_encoded(api_client, user, game, django_assert_num_queries):
    GameStateFactory(user=user, game=game, on_all_shelves=True)
    first = api_client.get(URL)
    cached = caches["default"].get("profile-json:madeline")

    with django_assert_num_queries(0):
        second = api_client.get(URL)

    assert second.content == first.content == cached[2]  # the stored bytes, not re-encoded
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert second["Content-Length"] == str(len(first.content))


def test_a_cached_profile_still_honours_indent_and_the_browsable_api(api_client, user):
    compact = api_client.get(URL).json()

    indented = api_client.get(URL, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b'{\n  "')
    assert indented.json() == compact

    page = api_client.get(URL, HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert b"&quot;username&quot;: &quot;madeline&quot;" in page.content


@pytest.mark.parametrize(
    ("viewer_follows", "owner_follows"), [(False, False), (True, False), (False, True), (True, True)]
)
def test_signed_in_viewers_get_the_cached_profile_with_their_relationship(
    api_client, auth_client, user, other_user, game, viewer_follows, owner_follows, django_assert_num_queries
):
    GameStateFactory(user=other_user, game=game, on_all_shelves=True)
    FollowFactory(follower=UserFactory(), followed=other_user)
    if viewer_follows:
        FollowFactory(follower=user, followed=other_user)
    if owner_follows:
        FollowFactory(follower=other_user, followed=user)
    anonymous(api_client, "/api/users/theo")  # cached

    # the token, and the follows between the two (one indexed lookup): the profile comes from the cache
    with django_assert_num_queries(2):
        seen = auth_client.get("/api/users/theo").json()

    built = anonymous(api_client, "/api/users/theo") | {
        "is_following": viewer_follows,
        "follows_you": owner_follows,
        # The original web client's names (users/legacy.py).
        "me": {"id": user.pk, "username": user.username},
        "followingUser": viewer_follows,
    }
    assert list(seen) == list(built)  # the same fields, in the same order
    assert seen == built
    assert (seen["is_following"], seen["follows_you"]) == (viewer_follows, owner_follows)
    assert "email" not in seen


def test_owners_get_the_cached_profile_with_their_email(
    api_client, auth_client, user, other_user, game, django_assert_num_queries
):
    GameStateFactory(user=user, game=game, on_all_shelves=True)
    FollowFactory(follower=other_user, followed=user)
    anonymous(api_client)  # cached

    with django_assert_num_queries(1):  # the token, with the user row: the profile comes from the cache
        seen = auth_client.get("/api/users/MADELINE").json()

    built = json.loads(profile.profile_of(user=user))  # built from the database, as after an edit
    assert list(seen) == list(built)  # the same fields, in the same order
    assert seen == built
    assert (seen["email"], seen["email_verified"]) == ("madeline@example.com", False)
    assert (seen["is_following"], seen["follows_you"]) == (None, None)

    auth_client.patch("/api/users/profile/madeline", {"email": "new@example.com"})
    seen = auth_client.get(URL).json()
    assert (seen["email"], seen["pending_email"]) == ("madeline@example.com", "new@example.com")
    assert "email" not in anonymous(api_client)


def test_profiles_are_not_cached_when_profile_cache_seconds_is_0(
    api_client, user, settings, django_assert_num_queries
):
    cached = anonymous(api_client)
    settings.PROFILE_CACHE_SECONDS = 0

    with django_assert_num_queries(5):  # the user, shelves, following, followers, favourites: no entry read
        assert anonymous(api_client) == cached
    caches["default"].delete("profile-json:madeline")
    anonymous(api_client)
    assert caches["default"].get("profile-json:madeline") is None  # nor stored


def test_signed_in_viewers_are_served_when_the_cache_fails(auth_client, other_user, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache is down")

    for method in ("get_many", "get", "set", "set_many"):
        monkeypatch.setattr(caches["default"], method, broken)

    body = auth_client.get("/api/users/theo").json()

    assert (body["username"], body["is_following"], body["follows_you"]) == ("theo", False, False)


@pytest.mark.parametrize("viewer", ["follower", "followed", "stranger", "owner"])
def test_the_viewers_fields_spliced_into_the_cached_bytes_are_those_of_a_rendering(
    user, other_user, game, viewer
):
    """_seen_by_encoded (bytes) and _seen_by (data) agree, whatever the text around the splice."""
    owner = UserFactory(username="owner_", bio='"is_following":null,"follows_you":null "username":"owner_"')
    GameStateFactory(user=owner, game=game, on_all_shelves=True)
    if viewer == "follower":
        FollowFactory(follower=user, followed=owner)
    if viewer == "followed":
        FollowFactory(follower=owner, followed=user)
    seer = owner if viewer == "owner" else user
    owner_id, cached = profile._anonymous_profile("owner_")

    spliced = profile._seen_by_encoded(cached, owner_id, seer)

    assert spliced == EncodedJSON.encode(profile._seen_by(json.loads(cached), seer))
