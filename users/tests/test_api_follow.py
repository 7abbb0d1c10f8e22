import pytest

from users.models import Follow

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/users/follow/", "/api/users/follow"])
def test_follow(auth_client, user, other_user, path):
    response = auth_client.post(path, {"username": "theo"})

    assert response.status_code == 200
    assert response.json() == {"username": "theo", "following": True}
    assert list(user.following.all()) == [other_user]
    assert auth_client.get("/api/users/theo").json()["followers"] == [user.id]
    assert auth_client.get("/api/users/madeline").json()["following"] == [other_user.id]


def test_follow_is_case_insensitive(auth_client, other_user):
    assert auth_client.post("/api/users/follow/", {"username": "THEO"}).json()["username"] == "theo"


def test_following_twice_is_one_follow(auth_client, user, other_user):
    auth_client.post("/api/users/follow/", {"username": "theo"})

    response = auth_client.post("/api/users/follow/", {"username": "theo"})

    assert response.status_code == 200
    assert Follow.objects.count() == 1


def test_following_yourself_is_400(auth_client, user):
    response = auth_client.post("/api/users/follow/", {"username": "madeline"})

    assert response.status_code == 400
    assert response.json() == {"username": ["You cannot follow yourself."]}
    assert not Follow.objects.exists()


@pytest.mark.parametrize("path", ["/api/users/follow/", "/api/users/unfollow/"])
def test_missing_username_is_400(auth_client, path):
    response = auth_client.post(path, {})

    assert response.status_code == 400
    assert response.json() == {"username": ["This field is required."]}


@pytest.mark.parametrize("path", ["/api/users/follow/", "/api/users/unfollow/"])
def test_unknown_user_is_404(auth_client, path):
    response = auth_client.post(path, {"username": "nobody"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.parametrize("path", ["/api/users/follow/", "/api/users/unfollow/"])
def test_anonymous_is_401(api_client, other_user, path):
    assert api_client.post(path, {"username": "theo"}).status_code == 401


@pytest.mark.parametrize("path", ["/api/users/unfollow/", "/api/users/unfollow"])
def test_unfollow(auth_client, user, other_user, path):
    auth_client.post("/api/users/follow/", {"username": "theo"})

    response = auth_client.post(path, {"username": "theo"})

    assert response.status_code == 200
    assert response.json() == {"username": "theo", "following": False}
    assert not Follow.objects.exists()


def test_unfollow_someone_you_dont_follow_changes_nothing(auth_client, user, other_user):
    Follow.objects.create(follower=other_user, followed=user)

    response = auth_client.post("/api/users/unfollow/", {"username": "theo"})

    assert response.status_code == 200
    assert Follow.objects.count() == 1


def test_follow_a_deactivated_user_is_404(auth_client, other_user):
    other_user.is_active = False
    other_user.save()

    assert auth_client.post("/api/users/follow/", {"username": "theo"}).status_code == 404
