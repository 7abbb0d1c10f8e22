"""Input meant to break the server gets a 400 JSON answer, never a 5xx."""

import base64
import json
from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from games.tests.factories import GameFactory
from users import services
from users.tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db


# Deeply nested JSON.


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/users/login/"),
        ("post", "/api/users/register/"),
        ("post", "/users"),
        ("post", "/user/login"),
        ("post", "/api/users/password/reset/"),
    ],
)
@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_deeply_nested_json_is_400(api_client, db, method, path, opening):
    body = opening * 1000

    response = getattr(api_client, method)(path, body, content_type="application/json")

    assert response.status_code == 400
    assert "nested deeper" in json.dumps(response.json())


def test_nesting_past_the_bound_but_within_python_limits_is_400(auth_client, game):
    body = '{"played": true, "game": ' + "[" * 100 + "]" * 100 + "}"

    response = auth_client.patch("/api/games/26226/state/", body, content_type="application/json")

    assert response.status_code == 400


def test_ordinary_nesting_is_accepted(auth_client, db):
    response = auth_client.patch(
        "/api/games/26226/state/", {"played": True, "game": {"name": "Celeste"}}, format="json"
    )

    assert response.status_code == 200


# Cursors: opaque, signed; a forged one is 400 on every paged list.

FORGED_VALUES = [
    "[Infinity]",
    "[1e400]",
    '["9999-12-31T23:59:59-23:59", 1]',
    "[[1], {}]",
    "[1]",
    '["2024-01-01T00:00:00+00:00", 1]',
]


def old_style(values: str) -> str:
    return base64.urlsafe_b64encode(values.encode()).decode().rstrip("=")


@pytest.fixture
def paged_lists(user, other_user, auth_client):
    """Every keyset-paged list, each with more than one page; the paths, with their parameters."""
    for _ in range(3):
        FollowFactory(follower=user, followed=UserFactory())
        FollowFactory(follower=UserFactory(), followed=user)
    FollowFactory(follower=user, followed=other_user)
    for index in range(3):
        game = GameFactory(igdb=str(1000 + index))
        services_state(auth_client, game.igdb)
        auth_client.post(
            "/api/journal/", {"igdb": game.igdb, "played_on": f"2024-01-0{index + 1}"}, format="json"
        )
    FollowFactory(follower=other_user, followed=user)
    return [
        "/api/users/madeline/followers/",
        "/api/users/madeline/following/",
        "/api/users/madeline/activity/",
        "/api/users/madeline/games/?shelf=played",
        "/api/users/madeline/journal/",
        "/api/feed/",
    ]


def services_state(client, igdb):
    assert client.patch(f"/api/games/{igdb}/state/", {"played": True}, format="json").status_code == 200


def with_param(path: str, **params) -> str:
    return path + ("&" if "?" in path else "?") + urlencode(params)


def test_forged_cursors_are_400_on_every_paged_list(paged_lists, other_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {services.token_create(user=other_user)}")
    for path in paged_lists:
        for values in FORGED_VALUES:
            response = client.get(with_param(path, cursor=old_style(values), page_size=1))
            assert response.status_code == 400, (path, values)
            assert "cursor" in response.json()


def test_an_issued_cursor_works_and_one_changed_byte_is_400(paged_lists, other_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {services.token_create(user=other_user)}")
    for path in paged_lists:
        first = client.get(with_param(path, page_size=1))
        assert first.status_code == 200, path
        next_link = first.json()["next"]
        assert next_link, path
        assert client.get(next_link).status_code == 200
        cursor = next_link.split("cursor=")[1].split("&")[0]
        for position in (0, len(cursor) // 2, len(cursor) - 1):
            changed = cursor[:position] + ("A" if cursor[position] != "A" else "B") + cursor[position + 1 :]
            response = client.get(with_param(path, cursor=changed, page_size=1))
            assert response.status_code == 400, (path, position)


def test_a_cursor_of_one_list_is_refused_by_a_list_of_another_ordering(paged_lists, other_user):
    client = APIClient()
    journal = client.get("/api/users/madeline/journal/?page_size=1").json()["next"]
    cursor = journal.split("cursor=")[1].split("&")[0]

    assert client.get(with_param("/api/users/madeline/followers/", cursor=cursor)).status_code == 400


# NUL characters in the URL.


@pytest.mark.parametrize(
    "url",
    [
        "/api/games/?search=cel%00este",
        "/api/games/search/?q=cel%00este",
        "/api/users/mad%00eline/",
        "/api/users/profile/mad%00eline",
        "/api/games/26226%00/",
        "/api/games/26226/state/?x%00=1",
        "/api/users/madeline/followers/?cursor=%00",
    ],
)
def test_a_nul_character_in_the_url_is_400_json(api_client, auth_client, db, url):
    for client in (api_client, auth_client):
        response = client.get(url)

        assert response.status_code == 400
        assert response.json() == {"detail": "The URL contains a NUL character.", "code": "nul_character"}


def test_a_nul_character_in_the_authorization_header_is_400_json(api_client, user):
    response = api_client.get("/api/users/user/", HTTP_AUTHORIZATION="Token abc\x00def")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The Authorization header contains a NUL character.",
        "code": "nul_character",
    }


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/users/login/", {"username": "mad\x00eline", "password": "x"}),
        ("/user/login", {"name": "mad\x00eline", "password": "x"}),
        ("/api/users/password/reset/", {"email": "a\x00@example.com"}),
        ("/api/users/register/", {"username": "a\x00b", "email": "a@example.com", "password": "x" * 10}),
    ],
)
def test_a_nul_character_in_a_body_field_is_400(api_client, db, path, body):
    assert api_client.post(path, body, format="json").status_code == 400
