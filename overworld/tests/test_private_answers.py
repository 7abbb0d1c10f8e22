"""Private answers are kept by no cache; CORS headers are on every answer, middleware-made ones too."""

import pytest
from django.db import OperationalError

from users.views import CurrentUserView

pytestmark = pytest.mark.django_db

ORIGIN = "https://spa.example.com"


@pytest.mark.parametrize(
    "path",
    ["/api/users/user/", "/api/users/madeline/", "/api/users/profile/madeline", "/api/users/user/export/"],
)
def test_answers_to_a_signed_in_user_are_not_stored_and_vary_with_authorization(auth_client, path):
    response = auth_client.get(path)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]


def test_a_browsable_api_session_gets_no_store_too(client, user, password):
    client.post("/api-auth/login/", {"username": "madeline", "password": password})

    response = client.get("/api/users/user/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_public_answer_varies_with_authorization(api_client, user):
    response = api_client.get("/api/users/madeline/")

    assert "Authorization" in response["Vary"]
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.fixture
def cors(settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


def test_the_json_404_of_an_unrouted_path_carries_cors_headers(api_client, cors):
    response = api_client.get("/api/no-such-route/", HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert response["Access-Control-Allow-Origin"] == ORIGIN


def test_the_413_carries_cors_headers(api_client, cors, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10

    response = api_client.post(
        "/api/users/login/", {"username": "madeline", "password": "x" * 100}, HTTP_ORIGIN=ORIGIN
    )

    assert response.status_code == 413
    assert response["Access-Control-Allow-Origin"] == ORIGIN


def test_the_400_of_a_nul_character_carries_cors_headers(api_client, cors):
    response = api_client.get("/api/games/?search=%00", HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == ORIGIN


def test_the_503_of_a_database_down_carries_cors_headers(api_client, cors, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    # Failing outside DRF's exception handling: the middleware's 503.
    monkeypatch.setattr(CurrentUserView, "dispatch", refused)

    response = api_client.get("/api/users/user/", HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 503
    assert response["Access-Control-Allow-Origin"] == ORIGIN
