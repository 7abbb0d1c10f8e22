import pytest

from games.tests.factories import GameFactory, GameStateFactory
from users.models import User
from users.tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE_KEYS = {
    "id",
    "username",
    "bio",
    "location",
    "twitter",
    "played",
    "liked",
    "backlog",
    "wishlist",
    "following",
    "followers",
}


@pytest.mark.parametrize(
    "path",
    [
        "/api/users/madeline",
        "/api/users/madeline/",
        "/api/users/profile/madeline",
        "/api/users/profile/madeline/",
    ],
)
def test_profile_is_public_at_every_documented_path(api_client, user, path):
    response = api_client.get(path)

    assert response.status_code == 200
    body = response.json()
    assert set(body) >= PROFILE_KEYS
    assert body["id"] == user.id
    assert body["username"] == "madeline"


def test_profile_content(api_client, user, other_user):
    user.bio, user.location = "I like games", "A Mountain"
    user.save()
    celeste = GameFactory(igdb="26226", name="Celeste")
    sekiro = GameFactory(igdb="3030-68907", name="Sekiro: Shadows Die Twice")
    GameStateFactory(user=user, game=celeste, on_all_shelves=True)
    GameStateFactory(user=user, game=sekiro, played=True, played_at=celeste.created_at)
    FollowFactory(follower=user, followed=other_user)

    body = api_client.get("/api/users/madeline").json()

    assert body["bio"] == "I like games"
    assert body["location"] == "A Mountain"
    assert body["twitter"] is None
    assert [game["igdb"] for game in body["played"]] == ["26226", "3030-68907"]
    assert body["liked"] == [
        {
            "id": celeste.id,
            "igdb": "26226",
            "name": "Celeste",
            "slug": "celeste",
            "cover_id": "",
            "backdrop_id": "",
        }
    ]
    assert [game["name"] for game in body["backlog"]] == ["Celeste"]
    assert [game["name"] for game in body["wishlist"]] == ["Celeste"]
    assert body["following"] == [other_user.id]
    assert body["followers"] == []
    assert body["following_count"] == 1
    assert body["followers_count"] == 0


def test_shelves_are_newest_first(auth_client, user):
    for igdb in ["1", "2", "3"]:
        auth_client.patch(f"/api/games/{igdb}/state/", {"played": True, "game": {"name": f"Game {igdb}"}})

    body = auth_client.get("/api/users/madeline").json()

    assert [game["igdb"] for game in body["played"]] == ["3", "2", "1"]


def test_email_is_hidden_from_anonymous_and_other_users(api_client, user, other_user):
    assert "email" not in api_client.get("/api/users/madeline").json()

    api_client.force_authenticate(other_user)
    assert "email" not in api_client.get("/api/users/madeline").json()


def test_email_is_shown_to_its_owner(auth_client):
    assert auth_client.get("/api/users/madeline").json()["email"] == "madeline@example.com"


def test_username_lookup_is_case_insensitive(api_client, user):
    assert api_client.get("/api/users/MADELINE").json()["id"] == user.id


@pytest.mark.parametrize("path", ["/api/users/nobody", "/api/users/profile/nobody/"])
def test_unknown_user_is_404(api_client, db, path):
    response = api_client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_deactivated_user_is_404(api_client, user):
    user.is_active = False
    user.save()

    assert api_client.get("/api/users/madeline").status_code == 404


def test_profile_query_count_does_not_grow_with_the_data(api_client, user, django_assert_num_queries):
    with django_assert_num_queries(5) as empty:
        api_client.get("/api/users/madeline")

    for game in GameFactory.create_batch(200):
        GameStateFactory(user=user, game=game, on_all_shelves=True)
    for follower in UserFactory.create_batch(200):
        FollowFactory(follower=follower, followed=user)
        FollowFactory(follower=user, followed=follower)

    with django_assert_num_queries(len(empty.captured_queries)):
        body = api_client.get("/api/users/madeline").json()
    assert len(body["played"]) == len(body["wishlist"]) == 200
    assert len(body["followers"]) == len(body["following"]) == 200


# Profile update


def url(username="madeline"):
    return f"/api/users/profile/{username}"


@pytest.mark.parametrize("method", ["post", "patch"])
def test_owner_updates_profile(auth_client, user, method):
    body = {"bio": "Climbing", "location": "Celeste Mountain", "twitter": "@madeline_c"}

    response = getattr(auth_client, method)(url(), body)

    assert response.status_code == 200
    assert response.json()["bio"] == "Climbing"
    assert response.json()["twitter"] == "madeline_c"
    assert response.json()["email"] == "madeline@example.com"
    user.refresh_from_db()
    assert (user.bio, user.location, user.twitter) == ("Climbing", "Celeste Mountain", "madeline_c")


def test_update_with_trailing_slash(auth_client):
    assert auth_client.patch(url() + "/", {"bio": "x"}).status_code == 200


def test_update_only_changes_given_fields(auth_client, user):
    user.location = "Mountain"
    user.save()

    auth_client.patch(url(), {"bio": "new"})

    user.refresh_from_db()
    assert user.location == "Mountain"


def test_null_clears_a_text_field(auth_client, user):
    user.twitter = "madeline"
    user.save()

    response = auth_client.patch(url(), {"twitter": None})

    assert response.status_code == 200
    assert response.json()["twitter"] is None
    user.refresh_from_db()
    assert user.twitter == ""


def test_username_change(auth_client, user):
    response = auth_client.patch(url(), {"username": "Badeline"})

    assert response.status_code == 200
    assert response.json()["username"] == "Badeline"
    assert auth_client.get("/api/users/badeline").status_code == 200
    assert auth_client.get("/api/users/madeline").status_code == 404


def test_username_change_to_own_name_in_another_case(auth_client, user):
    assert auth_client.patch(url(), {"username": "MADELINE"}).status_code == 200
    user.refresh_from_db()
    assert user.username == "MADELINE"


def test_duplicate_username_in_any_case_is_400(auth_client, user, other_user):
    response = auth_client.patch(url(), {"username": "THEO"})

    assert response.status_code == 400
    assert response.json() == {"username": ["A user with that username already exists."]}
    user.refresh_from_db()
    assert user.username == "madeline"


@pytest.mark.parametrize(
    ("username", "message"),
    [("user", "This username is reserved."), ("a b", None), ("x" * 31, None), ("ab", None)],
)
def test_username_change_keeps_registration_rules(auth_client, user, username, message):
    response = auth_client.patch(url(), {"username": username})

    assert response.status_code == 400
    if message:
        assert response.json() == {"username": [message]}
    assert User.objects.get(pk=user.pk).username == "madeline"


def test_duplicate_email_is_400(auth_client, other_user):
    response = auth_client.patch(url(), {"email": "Theo@Example.com"})

    assert response.status_code == 400
    assert response.json() == {"email": ["A user with that email already exists."]}


@pytest.mark.parametrize(
    "body",
    [
        {"email": "nope"},
        {"bio": "x" * 501},
        {"location": "x" * 101},
        {"twitter": "has space"},
        {"twitter": "x" * 16},
        {"bio": ["list"]},
    ],
)
def test_invalid_fields_are_400(auth_client, user, body):
    response = auth_client.patch(url(), body)

    assert response.status_code == 400
    assert set(response.json()) == set(body)


def test_protected_fields_change_nothing(auth_client, user):
    response = auth_client.patch(
        url(),
        {"is_staff": True, "is_superuser": True, "id": 999, "password": "new-password-1234", "bio": "ok"},
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.is_superuser
    assert user.id != 999
    assert user.check_password("correct-horse-battery-staple")
    assert user.bio == "ok"


def test_someone_elses_profile_is_403(auth_client, other_user):
    response = auth_client.patch(url("theo"), {"bio": "hacked"})

    assert response.status_code == 403
    assert "detail" in response.json()
    other_user.refresh_from_db()
    assert other_user.bio == ""


def test_anonymous_update_is_401(api_client, user):
    response = api_client.post(url(), {"bio": "hacked"})

    assert response.status_code == 401
    user.refresh_from_db()
    assert user.bio == ""


def test_update_of_unknown_user_is_404(auth_client):
    assert auth_client.patch(url("nobody"), {"bio": "x"}).status_code == 404


# The rest of the profile: relationship, counts, favourites


def test_relationship_is_shown_to_an_authenticated_viewer(auth_client, user, other_user):
    FollowFactory(follower=other_user, followed=user)

    body = auth_client.get("/api/users/theo").json()

    assert (body["is_following"], body["follows_you"]) == (False, True)
    auth_client.post("/api/users/follow/", {"username": "theo"})
    body = auth_client.get("/api/users/theo").json()
    assert (body["is_following"], body["follows_you"]) == (True, True)


def test_relationship_is_null_for_anonymous_and_for_yourself(api_client, auth_client, user):
    anonymous = api_client.get("/api/users/madeline").json()
    own = auth_client.get("/api/users/madeline").json()

    assert (anonymous["is_following"], anonymous["follows_you"]) == (None, None)
    assert (own["is_following"], own["follows_you"]) == (None, None)


def test_shelf_counts_on_the_profile(api_client, user):
    for game in GameFactory.create_batch(3):
        GameStateFactory(user=user, game=game, played=True, played_at=game.created_at)
    GameStateFactory(user=user, on_all_shelves=True)

    body = api_client.get("/api/users/madeline").json()

    assert (body["played_count"], body["liked_count"], body["backlog_count"], body["wishlist_count"]) == (
        4,
        1,
        1,
        1,
    )
