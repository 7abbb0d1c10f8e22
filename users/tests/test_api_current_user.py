import pytest

URL = "/api/users/user/"
pytestmark = pytest.mark.django_db


def test_current_user(auth_client, user):
    response = auth_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("id", "username", "email")} == {
        "id": user.id,
        "username": "madeline",
        "email": "madeline@example.com",
    }
    assert "password" not in body


def test_current_user_without_trailing_slash(auth_client):
    assert auth_client.get(URL.rstrip("/")).status_code == 200


def test_anonymous_is_401(api_client):
    response = api_client.get(URL)

    assert response.status_code == 401
    assert "detail" in response.json()


def test_empty_profile_text_is_null_as_on_the_profile(auth_client):
    body = auth_client.get(URL).json()

    assert (body["bio"], body["location"], body["twitter"]) == (None, None, None)
    assert auth_client.get("/api/users/madeline").json()["twitter"] is None
