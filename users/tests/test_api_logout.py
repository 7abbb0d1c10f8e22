import pytest
from knox.models import AuthToken

from users import services

URL = "/api/users/logout/"
pytestmark = pytest.mark.django_db


def test_logout_revokes_only_that_token(api_client, user, token):
    other_token = services.token_create(user=user)

    response = api_client.post(URL, HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 204
    assert api_client.get("/api/users/user/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert api_client.get("/api/users/user/", HTTP_AUTHORIZATION=f"Token {other_token}").status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 1


def test_logout_with_bearer_prefix(api_client, token):
    assert api_client.post(URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 204


def test_logout_with_a_revoked_token(api_client, token):
    api_client.post(URL, HTTP_AUTHORIZATION=f"Token {token}")

    response = api_client.post(URL, HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token.", "code": "authentication_failed"}


def test_logout_without_a_token(api_client, db):
    response = api_client.post(URL)

    assert response.status_code == 401
    assert "detail" in response.json()
