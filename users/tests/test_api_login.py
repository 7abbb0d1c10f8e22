import pytest
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle

# No picture uploaded, no Gravatar consent (users/avatars.py).
NO_PICTURE = {"avatar": None, "gravatar": None}

URL = "/api/users/login/"
INCORRECT = {"non_field_errors": ["Incorrect username/password."]}
pytestmark = pytest.mark.django_db


def test_login_returns_user_and_new_token(api_client, user, password):
    response = api_client.post(URL, {"username": "madeline", "password": password})

    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {
        "id": user.id,
        "username": "madeline",
        "email": "madeline@example.com",
        **NO_PICTURE,
    }
    assert "no-store" in response["Cache-Control"]
    assert AuthToken.objects.filter(user=user).count() == 1
    assert api_client.get("/api/users/user/", HTTP_AUTHORIZATION=f"Token {body['token']}").status_code == 200


def test_each_login_issues_another_token(api_client, user, password):
    first = api_client.post(URL, {"username": "madeline", "password": password}).json()["token"]
    second = api_client.post(URL, {"username": "madeline", "password": password}).json()["token"]

    assert first != second
    assert AuthToken.objects.filter(user=user).count() == 2


def test_username_is_case_insensitive(api_client, user, password):
    assert api_client.post(URL, {"username": "MadeLine", "password": password}).status_code == 200


def test_wrong_password(api_client, user):
    response = api_client.post(URL, {"username": "madeline", "password": "wrong-password"})

    assert response.status_code == 400
    assert response.json() == INCORRECT
    assert not AuthToken.objects.exists()


def test_unknown_user_gets_the_same_error(api_client, db):
    response = api_client.post(URL, {"username": "nobody", "password": "whatever-password"})

    assert response.status_code == 400
    assert response.json() == INCORRECT


def test_deactivated_user_gets_the_same_error(api_client, user, password):
    user.is_active = False
    user.save()

    response = api_client.post(URL, {"username": "madeline", "password": password})

    assert response.status_code == 400
    assert response.json() == INCORRECT


@pytest.mark.parametrize("field", ["username", "password"])
def test_missing_field(api_client, db, field):
    body = {"username": "madeline", "password": "x"}
    del body[field]

    response = api_client.post(URL, body)

    assert response.status_code == 400
    assert response.json() == {field: ["This field is required."]}


def test_login_is_throttled(api_client, user, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "3/min")
    for _ in range(3):
        assert api_client.post(URL, {"username": "madeline", "password": "wrong"}).status_code == 400

    response = api_client.post(URL, {"username": "madeline", "password": "wrong"})

    assert response.status_code == 429
    assert "Retry-After" in response
    assert "detail" in response.json()
