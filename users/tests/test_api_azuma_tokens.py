"""The Azuma routes issue tokens of the seed's type, a UUID, that are knox tokens like any other."""

import io
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken

pytestmark = pytest.mark.django_db

REGISTER = {"name": "azuma", "email": "azuma@oneshot.cam", "password": "neo-the-one-shot"}
LOGIN = {"name": "azuma", "password": "neo-the-one-shot"}
ME = "/api/users/user/"


def register(client) -> str:
    response = client.post("/users", REGISTER)
    assert response.status_code == 200
    return response.json()["token"]


def login(client) -> str:
    response = client.post("/user/login", LOGIN)
    assert response.status_code == 200
    return response.json()["token"]


def authorization(token: str, prefix: str = "Token") -> dict:
    return {"HTTP_AUTHORIZATION": f"{prefix} {token}"}


def get_me(client, token: str):
    return client.get(ME, **authorization(token))


@pytest.mark.parametrize("issue", [register, login], ids=["register", "login"])
def test_the_token_is_a_canonical_uuid4(api_client, issue):
    if issue is login:
        register(api_client)

    token = issue(api_client)

    parsed = uuid.UUID(token)
    assert str(parsed) == token  # canonical: lower case, hyphens, round-trips to the same string
    assert parsed.version == 4


def test_each_registration_and_login_issues_a_new_token(api_client):
    tokens = {register(api_client), login(api_client), login(api_client)}

    assert len(tokens) == 3
    assert AuthToken.objects.count() == 3


@pytest.mark.parametrize("prefix", ["Token", "Bearer"])
def test_the_token_authenticates_on_both_apis(api_client, prefix):
    token = register(api_client)

    update = api_client.patch("/user/update", {"name": "azumax"}, **authorization(token, prefix))
    me = api_client.get(ME, **authorization(token, prefix))

    assert update.status_code == 200
    assert update.json()["name"] == "azumax"
    assert me.status_code == 200
    assert me.json()["username"] == "azumax"


def test_the_token_in_upper_case_is_the_same_uuid(api_client):
    token = register(api_client)

    assert get_me(api_client, token.upper()).status_code == 200


def test_overworld_routes_keep_knox_tokens(api_client):
    register(api_client)

    token = api_client.post("/api/users/login/", {"username": "azuma", "password": LOGIN["password"]}).json()[
        "token"
    ]

    assert len(token) == 64
    assert int(token, 16) >= 0  # knox's hexadecimal


def test_logout_revokes_it(api_client):
    token, other = register(api_client), login(api_client)

    assert api_client.post("/api/users/logout/", **authorization(token)).status_code == 204

    assert get_me(api_client, token).status_code == 401
    assert api_client.patch("/user/update", {}, **authorization(token)).status_code == 401
    assert get_me(api_client, other).status_code == 200  # only that token


def test_logout_everywhere_and_a_new_password_revoke_it(api_client):
    token, other = register(api_client), login(api_client)

    response = api_client.patch("/user/update", {"password": "a-new-passphrase"}, **authorization(token))

    assert response.status_code == 200
    assert get_me(api_client, other).status_code == 401  # every other token ends with the change
    assert api_client.post("/api/users/logoutall/", **authorization(token)).status_code == 204
    assert get_me(api_client, token).status_code == 401


def test_it_expires_like_the_others(api_client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        unused, used = register(api_client), login(api_client)
        for _ in range(4):  # used every 20 days: its expiry slides, up to 90 days after its creation
            clock.shift(timedelta(days=20))
            assert get_me(api_client, used).status_code == 200
        assert get_me(api_client, unused).status_code == 401  # unused for 30 days
        clock.shift(timedelta(days=10, seconds=1))

        assert get_me(api_client, used).status_code == 401
    assert not AuthToken.objects.exists()


def test_the_per_user_limit_counts_them(api_client, settings):
    settings.TOKEN_LIMIT_PER_USER = 2
    with time_machine.travel(timezone.now(), tick=False) as clock:
        oldest = register(api_client)
        for _ in range(2):
            clock.shift(timedelta(seconds=1))
            login(api_client)

    assert AuthToken.objects.count() == 2
    assert get_me(api_client, oldest).status_code == 401


def test_the_database_holds_no_token_in_clear(api_client):
    tokens = [register(api_client), login(api_client)]

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)

    for token in tokens:
        assert AuthToken.objects.filter(digest=hash_token(token)).exists()
        # Not the token, nor its longer groups of hexadecimal digits (a group of 4 could occur by
        # chance among the digests), in any table.
        long_groups = [group for group in token.split("-") if len(group) >= 8]
        for part in [token, token.replace("-", ""), *long_groups]:
            assert part not in dump.getvalue()


def test_the_schema_types_the_token_as_a_uuid(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]

    def token_of(path: str) -> dict:
        response = schema["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]
        return components[response["schema"]["$ref"].rsplit("/", 1)[-1]]["properties"]["token"]

    for path in ["/users", "/user/login"]:
        assert (token_of(path)["type"], token_of(path)["format"]) == ("string", "uuid")
    assert "format" not in token_of("/api/users/login/")  # knox's own tokens on the Overworld routes
