import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken

from users.authentication import token_with_user

URL = "/api/users/user/"
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["Token", "Bearer", "token", "bearer"])
def test_token_and_bearer_prefixes(api_client, token, prefix):
    assert api_client.get(URL, HTTP_AUTHORIZATION=f"{prefix} {token}").status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token abc def",
        "Token not-a-token",
        "Bearer " + "0" * 64,
        "Token \u00e9\u00e9\u00e9",
        "Token " + "z" * 64,
    ],
)
def test_malformed_or_unknown_tokens_are_401(api_client, user, header):
    response = api_client.get(URL, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert "detail" in response.json()
    assert response["WWW-Authenticate"] == "Token"


def test_no_token_is_401(api_client, db):
    response = api_client.get(URL)

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }


def test_expired_token_is_401_and_deleted(api_client, user, token):
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))

    response = api_client.get(URL, HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 401
    assert not AuthToken.objects.exists()


def test_using_a_token_slides_its_expiry(api_client, user, token):
    AuthToken.objects.update(expiry=timezone.now() + timedelta(days=1))

    api_client.get(URL, HTTP_AUTHORIZATION=f"Token {token}")

    assert AuthToken.objects.get().expiry > timezone.now() + timedelta(days=29)


def test_deactivated_users_token_is_401(api_client, user, token):
    user.is_active = False
    user.save()

    assert api_client.get(URL, HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_token_authentication_costs_one_query(api_client, token, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert api_client.get(URL, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_the_token_query_answers_as_the_orm(user, token, other_user, django_assert_num_queries):
    digest = hash_token(token)
    expected = AuthToken.objects.select_related("user").get(digest=digest)

    with django_assert_num_queries(1):
        found = token_with_user(digest)
        assert fields(found.user) == fields(expected.user)  # the user came with it

    assert fields(found) == fields(expected)
    assert found.expiry.tzinfo is not None and found.user.date_joined.tzinfo is not None
    assert isinstance(found.user.uuid, uuid.UUID)
    assert found.user.pk == user.pk
    assert token_with_user(hash_token("0" * 64)) is None
