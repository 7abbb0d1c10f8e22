"""The user admin: a page that costs the same for any user, and the actions staff need."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from games.tests.factories import GameStateFactory
from users import security, services
from users.models import Follow, User
from users.tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = User.objects.create_superuser(
        username="admin", email="admin@example.com", password="admin-pass-123"
    )
    client.force_login(staff)
    return client


def followed_by(user, count: int) -> None:
    followers = UserFactory.create_batch(count)
    Follow.objects.bulk_create(Follow(follower=follower, followed=user) for follower in followers)
    Follow.objects.bulk_create(Follow(follower=user, followed=follower) for follower in followers)


def user_page_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/users/user/{user.pk}/change/")
    assert response.status_code == 200
    return len(queries)


def test_the_user_page_costs_the_same_whatever_the_number_of_followers(staff_client, game):
    few, many = UserFactory(username="few"), UserFactory(username="many")
    followed_by(few, 2)
    followed_by(many, 60)
    for user in (few, many):
        GameStateFactory(user=user, game=game, on_all_shelves=True)
        services.token_create(user=user)

    user_page_queries(staff_client, few)  # the first page of a session fills caches (content types)

    assert user_page_queries(staff_client, many) == user_page_queries(staff_client, few)


def test_the_user_page_links_counts_to_the_filtered_lists(staff_client, user, other_user):
    FollowFactory(follower=other_user, followed=user)
    FollowFactory(follower=UserFactory(username="granny"), followed=user)

    html = staff_client.get(f"/admin/users/user/{user.pk}/change/").content.decode()
    followers = staff_client.get("/admin/users/follow/", {"followed__id__exact": user.pk})

    assert f'href="/admin/users/follow/?followed__id__exact={user.pk}">2</a>' in html
    assert f'href="/admin/users/follow/?follower__id__exact={user.pk}">0</a>' in html
    assert followers.status_code == 200
    assert {follow.follower.username for follow in followers.context["cl"].result_list} == {"theo", "granny"}


def test_the_user_list_counts_follows_without_multiplying_them(staff_client, user, other_user):
    followed_by(user, 3)

    response = staff_client.get("/admin/users/user/", {"q": "madeline"})

    [row] = response.context["cl"].result_list
    assert (row.followers_total, row.following_total) == (3, 3)


def act(client, action: str, *users):
    return client.post(
        "/admin/users/user/", {"action": action, "_selected_action": [user.pk for user in users]}, follow=True
    )


def test_reactivate(staff_client, user, api_client, password):
    services.user_deactivate(user=user)

    response = act(staff_client, "reactivate", user)

    assert "1 user(s) reactivated." in response.content.decode()
    user.refresh_from_db()
    assert user.is_active
    login = api_client.post("/api/users/login/", {"username": "madeline", "password": password})
    assert login.status_code == 200
    assert api_client.get("/api/users/madeline/").status_code == 200


def test_revoke_all_tokens(staff_client, user, other_user, api_client):
    tokens = [services.token_create(user=user) for _ in range(2)]
    kept = services.token_create(user=other_user)

    act(staff_client, "revoke_tokens", user)

    assert not AuthToken.objects.filter(user=user).exists()
    for token in tokens:
        assert api_client.get("/api/users/user/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert api_client.get("/api/users/user/", HTTP_AUTHORIZATION=f"Token {kept}").status_code == 200
    assert user.is_active


def test_clear_the_login_lockout(staff_client, user, api_client, password):
    for address in ("203.0.113.7", "198.51.100.9"):
        for _ in range(5):
            api_client.post(
                "/api/users/login/", {"username": "madeline", "password": "wrong"}, REMOTE_ADDR=address
            )
    login = {"username": "madeline", "password": password}
    assert api_client.post("/api/users/login/", login, REMOTE_ADDR="203.0.113.7").status_code == 429

    response = act(staff_client, "clear_lockout", user)

    assert "(2 client(s))" in response.content.decode()
    assert api_client.post("/api/users/login/", login, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert api_client.post("/api/users/login/", login, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_lockout_clear_for_one_client_only(api_client, user, password):
    for address in ("203.0.113.7", "198.51.100.9"):
        for _ in range(5):
            api_client.post(
                "/api/users/login/", {"username": "madeline", "password": "wrong"}, REMOTE_ADDR=address
            )

    assert security.lockout_clear(username="MADELINE", client="203.0.113.7") == 1

    login = {"username": "madeline", "password": password}
    assert api_client.post("/api/users/login/", login, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert api_client.post("/api/users/login/", login, REMOTE_ADDR="198.51.100.9").status_code == 429


def test_lockout_clear_of_a_name_without_failures_changes_nothing(db):
    assert security.lockout_clear(username="nobody") == 0
