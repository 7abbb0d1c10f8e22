"""
Every API route answers with and without its trailing slash, the same answer, never a redirect (a
301 would lose a POST's body; with DEBUG on Django even refuses it with a 500).
"""

import pytest
from django.urls import Resolver404, resolve
from rest_framework.test import APIClient

from games.models import JournalEntry

pytestmark = pytest.mark.django_db

SAMPLE_PARAMETERS = {"{username}": "madeline", "{igdb}": "26226", "{entry_id}": "1"}
# The original web client's routes (tag "original web client") are answered at its exact paths
# (CONTRACT.md: the client's shape wins there); its game page is /api/games/<slug> without the
# slash, so the API's own game has its path with the slash only.
CLIENT_TAG = "original web client"
CLIENT_OWNED = {"/api/games/{igdb}/"}


def the_apis_own(path: str, item: dict) -> bool:
    tags = {tag for operation in item.values() for tag in operation.get("tags", [])}
    return path.startswith("/api/") and path not in CLIENT_OWNED and CLIENT_TAG not in tags


def test_every_api_path_of_the_schema_resolves_with_and_without_its_slash():
    schema = APIClient().get("/api/schema/?format=json").json()
    paths = [path for path, item in schema["paths"].items() if the_apis_own(path, item)]
    assert len(paths) > 25
    for path in paths:
        for name, value in SAMPLE_PARAMETERS.items():
            path = path.replace(name, value)
        assert path.endswith("/"), path
        with_slash, without = resolve(path), resolve(path.rstrip("/"))
        assert with_slash.func.view_class is without.func.view_class, path
        assert with_slash.kwargs == without.kwargs, path


def test_only_one_slash_is_optional():
    with pytest.raises(Resolver404):
        resolve("/api/journal//")


@pytest.mark.parametrize("slash", ["/", ""])
def test_journal_entries_with_and_without_the_slash(auth_client, game, slash):
    created = auth_client.post(f"/api/journal{slash}", {"igdb": "26226", "played_on": "2026-03-14"})
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]

    assert auth_client.get(f"/api/journal/{entry_id}{slash}").status_code == 200
    updated = auth_client.patch(f"/api/journal/{entry_id}{slash}", {"review": "Strawberries!"})
    assert updated.status_code == 200
    assert updated.json()["review"] == "Strawberries!"
    assert auth_client.delete(f"/api/journal/{entry_id}{slash}").status_code == 204
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize("slash", ["/", ""])
@pytest.mark.parametrize("path", ["/api/feed", "/api/games", "/api/games/26226/state"])
def test_gets_with_and_without_the_slash(auth_client, game, path, slash):
    assert auth_client.get(f"{path}{slash}").status_code == 200


@pytest.mark.parametrize("debug", [False, True])
def test_a_post_without_the_slash_is_not_redirected_whatever_debug_says(auth_client, game, settings, debug):
    settings.DEBUG = debug

    response = auth_client.post("/api/journal", {"igdb": "26226", "played_on": "2026-03-14"})

    assert response.status_code == 201


@pytest.mark.parametrize("slash", ["/", ""])
def test_users_routes_with_and_without_the_slash(auth_client, other_user, slash):
    assert auth_client.post(f"/api/users/follow{slash}", {"username": "theo"}).status_code == 200
    assert auth_client.get(f"/api/users/theo/followers{slash}").status_code == 200
    assert auth_client.patch(f"/api/users/profile/madeline{slash}", {"bio": "Hi."}).status_code == 200
