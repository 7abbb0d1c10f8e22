import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_url_is_json_404(client, debug):
    with override_settings(DEBUG=debug):
        response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_unhandled_exception_is_json_500_without_a_trace(client, user, monkeypatch):
    from users import profile

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(profile, "profile_build", explode)
    client.raise_request_exception = False

    response = client.get("/api/users/madeline")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Internal Server Error.", "code": "server_error"}
    assert b"secret internals" not in response.content


def test_wrong_method_is_json_405(auth_client):
    response = auth_client.delete("/api/users/follow/")

    assert response.status_code == 405
    assert "detail" in response.json()


def test_unsupported_media_type_is_json_415(auth_client):
    response = auth_client.post("/api/users/follow/", data="<xml/>", content_type="application/xml")

    assert response.status_code == 415
    assert "detail" in response.json()


def test_body_over_the_limit_is_a_json_error(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api_client.post(
        "/api/users/login/", data='{"username": "' + "x" * 2000 + '"}', content_type="application/json"
    )

    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == "application/json"


def test_nul_characters_are_400(api_client):
    response = api_client.post("/api/users/login/", {"username": "mad\x00eline", "password": "x"})

    assert response.status_code == 400
    assert "username" in response.json()
