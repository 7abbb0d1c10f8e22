"""Races settled by the database: real threads, real connections, on PostgreSQL."""

import os
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core import mail
from django.db import connection
from rest_framework.test import APIClient

from overworld.tests.live import DEFAULT_REDIS_URL
from users import services
from users.models import Follow, User
from users.tests.factories import UserFactory
from users.tests.mailbox import reset_payload

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def run_at_once(count: int, request):
    barrier = Barrier(count)

    def worker(index):
        try:
            barrier.wait()
            return request(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


def test_twenty_simultaneous_follows_make_one(monkeypatch):
    followed = UserFactory(username="celebrity")
    fan = UserFactory(username="fan")
    token = services.token_create(user=fan)

    def follow(_):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client.post("/api/users/follow/", {"username": "celebrity"}).status_code

    statuses = run_at_once(20, follow)

    assert statuses == [200] * 20
    assert Follow.objects.filter(follower=fan, followed=followed).count() == 1


def test_ten_simultaneous_registrations_of_one_name(monkeypatch):
    def register(index):
        response = APIClient().post(
            "/api/users/register/",
            {
                "username": "Madeline" if index % 2 else "madeline",
                "email": f"m{index}@example.com",
                "password": "climbing-the-mountain",
            },
        )
        return response.status_code, response.json()

    results = run_at_once(10, register)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [400] * 9
    for status, body in results:
        if status == 400:
            assert body == {"username": ["A user with that username already exists."]}
    assert User.objects.count() == 1


def test_simultaneous_shelf_updates_keep_one_row():
    user = UserFactory()
    token = services.token_create(user=user)

    def shelve(index):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        shelf = ["played", "liked", "backlog", "wishlist"][index % 4]
        return client.patch("/api/games/26226/state/", {shelf: True, "game": {"name": "Celeste"}}).status_code

    statuses = run_at_once(12, shelve)

    assert statuses == [200] * 12
    state = user.game_states.get()
    assert (state.played, state.liked, state.backlog, state.wishlist) == (True, True, True, True)


def test_one_reset_link_used_twice_at_once_resets_once():
    user = UserFactory(username="madeline", email="madeline@example.com")
    services.user_password_reset_request(email="madeline@example.com")
    link = reset_payload(mail.outbox[0], "")

    def confirm(index):
        body = {**link, "new_password": f"racing-passphrase-{index}"}
        return APIClient().post("/api/users/password/reset/confirm/", body).status_code

    statuses = run_at_once(2, confirm)

    assert sorted(statuses) == [204, 400]
    user.refresh_from_db()
    assert user.check_password(f"racing-passphrase-{statuses.index(204)}")


def test_twenty_simultaneous_wrong_logins_check_at_most_five_passwords(settings):
    # The lockout counts atomically in Redis, production's cache (the file cache's incr is not atomic):
    # this test runs on it whatever the suite's cache is, and fails when Redis cannot be reached.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
            "KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        }
    }
    UserFactory(username="madeline")

    def guess(index):
        return (
            APIClient()
            .post(
                "/api/users/login/",
                {"username": "madeline", "password": f"guess-{index}"},
                REMOTE_ADDR="203.0.113.7",
            )
            .status_code
        )

    statuses = run_at_once(20, guess)

    assert statuses.count(400) <= 5
    assert sorted(set(statuses)) == [400, 429]
