import pytest
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle

from users.models import User

# No picture uploaded, no Gravatar consent (users/avatars.py).
NO_PICTURE = {"avatar": None, "gravatar": None}

URL = "/api/users/register/"
pytestmark = pytest.mark.django_db

VALID = {"username": "madeline", "email": "madeline@example.com", "password": "climbing-the-mountain"}


def test_register_returns_user_and_working_token(api_client):
    response = api_client.post(URL, VALID)

    assert response.status_code == 200
    body = response.json()
    user = User.objects.get(username="madeline")
    assert body["user"] == {
        "id": user.id,
        "username": "madeline",
        "email": "madeline@example.com",
        **NO_PICTURE,
    }
    assert "no-store" in response["Cache-Control"]
    assert user.check_password("climbing-the-mountain")
    me = api_client.get("/api/users/user/", HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert me.status_code == 200
    assert me.json()["username"] == "madeline"


def test_token_is_hashed_at_rest(api_client):
    token = api_client.post(URL, VALID).json()["token"]

    stored = AuthToken.objects.get()
    assert token not in (stored.digest, stored.token_key)
    assert len(stored.digest) == 128


def test_register_without_trailing_slash(api_client):
    assert api_client.post(URL.rstrip("/"), VALID).status_code == 200


def test_duplicate_username_has_the_contracts_error(api_client):
    api_client.post(URL, VALID)

    response = api_client.post(URL, {**VALID, "email": "other@example.com"})

    assert response.status_code == 400
    assert response.json() == {"username": ["A user with that username already exists."]}


def test_duplicate_username_in_another_case_is_refused(api_client):
    api_client.post(URL, VALID)

    response = api_client.post(URL, {**VALID, "username": "MADELINE", "email": "other@example.com"})

    assert response.status_code == 400
    assert response.json() == {"username": ["A user with that username already exists."]}
    assert User.objects.count() == 1


def test_duplicate_email_in_another_case_is_refused(api_client):
    api_client.post(URL, VALID)

    response = api_client.post(URL, {**VALID, "username": "badeline", "email": "MADELINE@example.com"})

    assert response.status_code == 400
    assert response.json() == {"email": ["A user with that email already exists."]}


@pytest.mark.parametrize("field", ["username", "email", "password"])
def test_missing_field(api_client, field):
    body = {key: value for key, value in VALID.items() if key != field}

    response = api_client.post(URL, body)

    assert response.status_code == 400
    assert response.json() == {field: ["This field is required."]}


@pytest.mark.parametrize(
    "username",
    ["ab", "a" * 31, "has space", "émile", "semi;colon", "slash/name", ""],
)
def test_invalid_username(api_client, username):
    response = api_client.post(URL, {**VALID, "username": username})

    assert response.status_code == 400
    assert "username" in response.json()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "username", ["user", "Login", "PROFILE", "follow", "unfollow", "logoutall", "register"]
)
def test_route_names_are_reserved(api_client, username):
    response = api_client.post(URL, {**VALID, "username": username})

    assert response.status_code == 400
    assert response.json() == {"username": ["This username is reserved."]}


@pytest.mark.parametrize("username", ["abc", "a" * 30, "Mad_el-ine.99"])
def test_valid_usernames(api_client, username):
    assert api_client.post(URL, {**VALID, "username": username}).status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("8390218374", "This password is entirely numeric."),
    ],
)
def test_weak_password_is_refused(api_client, password, message):
    response = api_client.post(URL, {**VALID, "password": password})

    assert response.status_code == 400
    assert message in response.json()["password"]
    assert not User.objects.exists()


def test_invalid_email(api_client):
    response = api_client.post(URL, {**VALID, "email": "not-an-email"})

    assert response.status_code == 400
    assert response.json() == {"email": ["Enter a valid email address."]}


def test_wrong_types_are_400(api_client):
    response = api_client.post(URL, {"username": ["a"], "email": 5, "password": {"x": 1}})

    assert response.status_code == 400
    assert set(response.json()) == {"username", "email", "password"}


def test_malformed_json_is_400(api_client):
    response = api_client.post(URL, data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_oversized_password_is_400(api_client):
    response = api_client.post(URL, {**VALID, "password": "x" * 5000})

    assert response.status_code == 400
    assert "password" in response.json()


def test_mass_assignment_is_ignored(api_client):
    response = api_client.post(URL, {**VALID, "is_staff": True, "is_superuser": True, "id": 999})

    assert response.status_code == 200
    user = User.objects.get()
    assert not user.is_staff
    assert not user.is_superuser
    assert user.id != 999


def test_a_stale_token_header_does_not_block_register(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert api_client.post(URL, VALID).status_code == 200


def test_register_is_throttled_per_client(api_client, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "register", "2/hour")
    for index in range(2):
        body = {**VALID, "username": f"player{index}", "email": f"p{index}@example.com"}
        assert api_client.post(URL, body, REMOTE_ADDR="203.0.113.1").status_code == 200

    refused = api_client.post(URL, VALID, REMOTE_ADDR="203.0.113.1")
    other_client = api_client.post(URL, VALID, REMOTE_ADDR="203.0.113.2")

    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert other_client.status_code == 200
