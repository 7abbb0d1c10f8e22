"""The right to leave and the right to take one's data along."""

import pytest
from knox.models import AuthToken

from games.models import GameState
from games.tests.factories import GameStateFactory
from users import services
from users.models import Follow, User
from users.tests.factories import FollowFactory

pytestmark = pytest.mark.django_db

URL = "/api/users/user/"


@pytest.fixture
def owned(user, other_user, game):
    """Everything the user owns: follows both ways, a shelf and a second token."""
    FollowFactory(follower=user, followed=other_user)
    FollowFactory(follower=other_user, followed=user)
    GameStateFactory(user=user, game=game, on_all_shelves=True)
    GameStateFactory(user=other_user, game=game, on_all_shelves=True)
    services.token_create(user=user)


def test_delete_account_removes_everything_it_owns(auth_client, user, other_user, owned, password):
    response = auth_client.delete(URL, {"password": password})

    assert response.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Follow.objects.exists()
    assert list(GameState.objects.values_list("user", flat=True)) == [other_user.pk]
    assert not AuthToken.objects.filter(user_id=user.pk).exists()
    assert auth_client.get(URL).status_code == 401
    auth_client.credentials()
    assert auth_client.get("/api/users/madeline").status_code == 404


def test_delete_with_a_wrong_password_deletes_nothing(auth_client, user, owned):
    response = auth_client.delete(URL, {"password": "not-my-password"})

    assert response.status_code == 400
    assert response.json() == {"password": ["Incorrect password."]}
    assert User.objects.filter(pk=user.pk).exists()
    assert Follow.objects.count() == 2


def test_delete_without_a_password_is_400(auth_client, user):
    response = auth_client.delete(URL)

    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_needs_a_token(api_client, user, password):
    assert api_client.delete(URL, {"password": password}).status_code == 401


def test_delete_is_throttled(auth_client, user, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "password", "2/hour")
    for _ in range(2):
        assert auth_client.delete(URL, {"password": "wrong"}).status_code == 400

    assert auth_client.delete(URL, {"password": "wrong"}).status_code == 429
    assert auth_client.get(URL).status_code == 200


def test_export_holds_everything_stored_about_the_user(auth_client, user, other_user, game, owned):
    response = auth_client.get("/api/users/user/export/")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = response.json()
    assert body["account"]["username"] == "madeline"
    assert body["account"]["email"] == "madeline@example.com"
    assert body["account"]["uuid"] == str(user.uuid)
    assert [entry["username"] for entry in body["following"]] == ["theo"]
    assert [entry["username"] for entry in body["followers"]] == ["theo"]
    assert body["following"][0]["since"]
    assert len(body["shelves"]) == 1
    shelf = body["shelves"][0]
    assert shelf["game"]["igdb"] == "26226"
    assert shelf["played"] is True
    assert shelf["played_at"]
    assert len(body["tokens"]) == 2
    assert set(body["tokens"][0]) == {"created", "expiry"}
    serialized = response.content.decode()
    assert "password" not in serialized
    assert user.password not in serialized
    assert all(token.digest not in serialized for token in AuthToken.objects.all())


def test_export_needs_a_token(api_client, db):
    assert api_client.get("/api/users/user/export/").status_code == 401
