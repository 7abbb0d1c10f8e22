import pytest

from overworld.tests.fresh_settings import STRONG_KEY, run_with_settings

PRINT_THROTTLE_RATES = (
    "from django.conf import settings; print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])"
)


def load_settings(**environment):
    return run_with_settings(PRINT_THROTTLE_RATES, **environment)


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(DJANGO_DEBUG="false")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "key", ["django-insecure-overworld-development-key-never-use-in-production", "short"]
)
def test_production_refuses_a_weak_secret_key(key):
    result = load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=key)

    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_production_starts_with_a_strong_key():
    assert load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=STRONG_KEY).returncode == 0


def test_throttle_rates_come_from_the_environment():
    result = load_settings(
        DJANGO_DEBUG="true", THROTTLE_LOGIN="7/min", THROTTLE_REGISTER="3/hour", THROTTLE_AZUMA="9/min"
    )

    assert result.returncode == 0, result.stderr
    assert "'login': '7/min'" in result.stdout
    assert "'register': '3/hour'" in result.stdout
    assert "'azuma': '9/min'" in result.stdout


def test_a_cors_wildcard_is_refused():
    result = load_settings(DJANGO_DEBUG="true", CORS_ALLOWED_ORIGINS="*")

    assert result.returncode != 0
    assert "wildcard" in result.stderr


@pytest.mark.django_db
def test_cors_allows_listed_origins_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    preflight = {
        "HTTP_ORIGIN": "https://app.example.com",
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization, content-type",
    }

    allowed = client.options("/api/users/login/", **preflight)
    refused = client.options("/api/users/login/", **{**preflight, "HTTP_ORIGIN": "https://evil.example.com"})

    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "authorization" in allowed["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in refused
    assert "Access-Control-Allow-Credentials" not in allowed


@pytest.mark.django_db
def test_a_body_over_one_mebibyte_is_413_json(api_client):
    body = '{"username": "' + "x" * (1024 * 1024) + '", "password": "x"}'

    response = api_client.post("/api/users/login/", data=body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {
        "detail": "Request body too large: the limit is 1048576 bytes.",
        "code": "request_too_large",
    }


@pytest.mark.django_db
def test_a_body_just_under_the_limit_is_read(api_client):
    body = '{"username": "' + "x" * 1000 + '", "password": "x"}'

    response = api_client.post("/api/users/login/", data=body, content_type="application/json")

    assert response.status_code == 400
    assert "username" in response.json()
