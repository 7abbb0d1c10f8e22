import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_schema_lists_every_contract_path(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/users/register/",
        "/api/users/login/",
        "/api/users/logout/",
        "/api/users/user/",
        "/api/users/{username}/",
        "/api/users/profile/{username}/",
        "/api/users/follow/",
        "/api/users/unfollow/",
        "/api/games/",
        "/api/games/{igdb}/",
        "/api/games/{igdb}/state/",
    ]:
        assert path in paths
    assert "tokenAuth" in response.json()["components"]["securitySchemes"]


@pytest.mark.parametrize(("url", "asset"), [("/api/docs/", "swagger-ui-dist"), ("/api/redoc/", "redoc")])
def test_docs_pages_use_local_assets(client, url, asset):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"/static/drf_spectacular_sidecar/{asset}" in html
    assert "cdn." not in html
    assert "unpkg" not in html


def test_sidecar_assets_are_installed():
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js")


def test_browsable_api_for_a_logged_in_developer(client, user, password):
    login = client.post(
        "/api-auth/login/", {"username": "madeline", "password": password, "next": "/api/users/user/"}
    )
    assert login.status_code == 302

    response = client.get("/api/users/user/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert b"madeline@example.com" in response.content


def test_docs_assets_are_served_with_debug_off(client, settings):
    assert settings.DEBUG is False

    response = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")

    assert response.status_code == 200
