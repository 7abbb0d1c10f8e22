import pytest
from django.contrib.auth.hashers import make_password
from knox.models import AuthToken

from users import services
from users.models import User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


def login(client, username, password):
    return client.post("/api/users/login/", {"username": username, "password": password})


def test_new_passwords_are_hashed_with_argon2id(api_client, production_hashers):
    api_client.post(
        "/api/users/register/",
        {"username": "madeline", "email": "m@example.com", "password": "climb-the-mountain"},
    )

    assert User.objects.get().password.startswith("argon2$argon2id$")


def test_pbkdf2_hash_still_works_and_is_upgraded_at_login(api_client, user, production_hashers):
    user.password = make_password("an-old-pbkdf2-password", hasher="pbkdf2_sha256")
    user.save()

    assert login(api_client, "madeline", "an-old-pbkdf2-password").status_code == 200

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert login(api_client, "madeline", "an-old-pbkdf2-password").status_code == 200


@pytest.mark.parametrize(
    "password",
    [
        "x" * 64 + "-long-passphrase-" * 10,
        "🎮 jeux vidéo, ゲーム, игры 🎮",
        "  spaces around  ",
    ],
)
def test_long_and_unicode_passwords_work_exactly_as_typed(api_client, password):
    response = api_client.post(
        "/api/users/register/", {"username": "madeline", "email": "m@example.com", "password": password}
    )
    assert response.status_code == 200

    assert login(api_client, "madeline", password).status_code == 200
    assert login(api_client, "madeline", password.strip() + "!").status_code == 400


def test_unicode_is_not_normalised(api_client):
    composed = "caf\u00e9-au-lait-chaud"
    decomposed = "cafe\u0301-au-lait-chaud"
    api_client.post(
        "/api/users/register/", {"username": "madeline", "email": "m@example.com", "password": composed}
    )

    assert login(api_client, "madeline", composed).status_code == 200
    assert login(api_client, "madeline", decomposed).status_code == 400


# POST /api/users/password/


def test_password_change_answers_a_fresh_token_and_ends_the_others(api_client, user, token, password):
    other = services.token_create(user=user)

    response = api_client.post(
        "/api/users/password/",
        {"current_password": password, "new_password": NEW_PASSWORD},
        HTTP_AUTHORIZATION=f"Token {token}",
    )

    assert response.status_code == 200
    fresh = response.json()["token"]
    assert "no-store" in response["Cache-Control"]
    for old in (token, other):
        assert api_client.get("/api/users/user/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    assert api_client.get("/api/users/user/", HTTP_AUTHORIZATION=f"Token {fresh}").status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 1
    assert login(api_client, "madeline", password).status_code == 400
    assert login(api_client, "madeline", NEW_PASSWORD).status_code == 200


def test_password_change_with_wrong_current_password(auth_client, user, password):
    response = auth_client.post(
        "/api/users/password/", {"current_password": "wrong-one", "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert response.json() == {"current_password": ["Incorrect password."]}
    user.refresh_from_db()
    assert user.check_password(password)


@pytest.mark.parametrize("new_password", ["short", "password123", "madeline-example", "12345678901"])
def test_password_change_validates_the_new_password(auth_client, user, password, new_password):
    response = auth_client.post(
        "/api/users/password/", {"current_password": password, "new_password": new_password}
    )

    assert response.status_code == 400
    assert "new_password" in response.json()
    user.refresh_from_db()
    assert user.check_password(password)


def test_password_change_needs_a_token(api_client, user, password):
    response = api_client.post(
        "/api/users/password/", {"current_password": password, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 401


def test_password_change_with_missing_fields(auth_client):
    response = auth_client.post("/api/users/password/", {})

    assert response.status_code == 400
    assert set(response.json()) == {"current_password", "new_password"}
