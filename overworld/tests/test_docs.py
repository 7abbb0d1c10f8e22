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


@pytest.fixture
def generations(monkeypatch):
    """How many times the schema is generated: once a process, not once a request."""
    from overworld.schema_view import SchemaView

    calls = []
    generate = SchemaView.generator_class.get_schema

    def counted(self, *args, **kwargs):
        calls.append(1)
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(SchemaView.generator_class, "get_schema", counted)
    SchemaView.document = None
    return calls


def test_the_schema_is_generated_once_and_rendered_in_each_format(client, generations):
    json_answer = client.get("/api/schema/?format=json")
    yaml_answer = client.get("/api/schema/")
    again = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert len(generations) == 1
    assert json_answer.status_code == yaml_answer.status_code == again.status_code == 200
    assert json_answer.content == again.content
    assert json_answer.json()["info"]["title"] == "Overworld API"
    assert json_answer["Content-Disposition"] == 'inline; filename="Overworld API.json"'
    assert yaml_answer["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml_answer["Content-Disposition"] == 'inline; filename="Overworld API.yaml"'
    assert yaml_answer.content.startswith(b"openapi: 3.")


def test_lang_and_version_in_the_query_neither_change_nor_regenerate_the_schema(client, generations):
    plain = client.get("/api/schema/?format=json")
    other = client.get("/api/schema/?format=json&lang=fr&version=9.9")

    assert len(generations) == 1
    assert other.content == plain.content
    assert other.json()["info"]["version"] == "1.0.0"


def test_a_changed_setting_regenerates_the_schema(client, generations, settings):
    client.get("/api/schema/?format=json")
    client.get("/api/schema/?format=json")
    settings.FRONTEND_URL = "https://staging.example.com"  # any setting: the document may depend on them

    answer = client.get("/api/schema/?format=json")

    assert answer.status_code == 200
    assert len(generations) == 2
