from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken

from users import services

pytestmark = pytest.mark.django_db

ME = "/api/users/user/"


def get_me(client, token):
    return client.get(ME, HTTP_AUTHORIZATION=f"Token {token}")


def test_a_token_unused_for_30_days_dies(api_client, user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = services.token_create(user=user)
        clock.shift(timedelta(days=30, seconds=1))

        assert get_me(api_client, token).status_code == 401
        assert not AuthToken.objects.exists()


def test_using_a_token_keeps_it_alive(api_client, user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = services.token_create(user=user)
        for _ in range(3):
            clock.shift(timedelta(days=25))
            assert get_me(api_client, token).status_code == 200


def test_no_token_lives_longer_than_90_days(api_client, user):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = services.token_create(user=user)
        for _ in range(4):
            clock.shift(timedelta(days=20))
            assert get_me(api_client, token).status_code == 200
        clock.shift(timedelta(days=10, seconds=1))

        assert get_me(api_client, token).status_code == 401


def test_logoutall_revokes_every_token(api_client, user, token):
    other = services.token_create(user=user)

    response = api_client.post("/api/users/logoutall/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 204
    assert get_me(api_client, token).status_code == 401
    assert get_me(api_client, other).status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()


def test_logoutall_leaves_other_users_alone(api_client, user, token, other_user):
    theirs = services.token_create(user=other_user)

    api_client.post("/api/users/logoutall", HTTP_AUTHORIZATION=f"Token {token}")

    assert get_me(api_client, theirs).status_code == 200


def test_logoutall_needs_a_token(api_client, db):
    assert api_client.post("/api/users/logoutall/").status_code == 401


def test_a_login_past_the_token_limit_revokes_the_oldest(api_client, user, password, settings):
    settings.TOKEN_LIMIT_PER_USER = 3
    with time_machine.travel(timezone.now(), tick=False) as clock:
        tokens = []
        for _ in range(4):
            clock.shift(timedelta(seconds=1))
            response = api_client.post("/api/users/login/", {"username": "madeline", "password": password})
            assert response.status_code == 200
            tokens.append(response.json()["token"])

    assert AuthToken.objects.filter(user=user).count() == 3
    assert get_me(api_client, tokens[0]).status_code == 401
    assert all(get_me(api_client, token).status_code == 200 for token in tokens[1:])


def test_clearexpiredtokens_deletes_only_expired_tokens(user, other_user):
    live = services.token_create(user=user)
    services.token_create(user=other_user)
    services.token_create(user=user)
    AuthToken.objects.exclude(token_key=live[:15]).update(expiry=timezone.now() - timedelta(seconds=1))

    call_command("clearexpiredtokens")

    assert list(AuthToken.objects.values_list("token_key", flat=True)) == [live[:15]]


def test_a_uuid_token_is_stored_as_its_digest_with_the_usual_expiry(user):
    with time_machine.travel(timezone.now(), tick=False):
        token = services.token_create(user=user, kind="uuid")

        stored = AuthToken.objects.get(user=user)
        assert stored.digest == hash_token(token)
        assert stored.token_key not in token  # not even knox's usual first characters in clear
        assert stored.expiry == timezone.now() + timedelta(days=30)
