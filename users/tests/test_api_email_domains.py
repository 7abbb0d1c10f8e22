"""One mailbox is one address: domains are compared in IDNA form; IP literals and local names refused."""

import pytest

from users.models import User

pytestmark = pytest.mark.django_db

REFUSED = "Enter an e-mail address at a domain name (not an IP address or a local name)."


def register(api_client, username, email):
    return api_client.post(
        "/api/users/register/", {"username": username, "email": email, "password": "a-long-passphrase"}
    )


def test_a_unicode_domain_is_stored_in_idna_form(api_client):
    response = register(api_client, "first", "x@exämple.com")

    assert response.status_code == 200
    assert response.json()["user"]["email"] == "x@xn--exmple-cua.com"


@pytest.mark.parametrize(
    ("first", "second"),
    [("x@exämple.com", "x@xn--exmple-cua.com"), ("x@xn--exmple-cua.com", "x@EXÄMPLE.com")],
)
def test_one_mailbox_written_two_ways_is_one_address(api_client, first, second):
    assert register(api_client, "first", first).status_code == 200

    response = register(api_client, "second", second)

    assert response.status_code == 400
    assert response.json() == {"email": ["A user with that email already exists."]}


@pytest.mark.parametrize("email", ["a@[127.0.0.1]", "a@localhost", "a@[IPv6:::1]", "a@intranet"])
def test_ip_literals_and_dotless_domains_are_refused(api_client, email):
    response = register(api_client, "someone", email)

    assert response.status_code == 400
    assert "email" in response.json()
    assert not User.objects.filter(username="someone").exists()


def test_azuma_and_profile_edits_apply_the_same_rules(api_client, auth_client, user):
    register(api_client, "first", "x@exämple.com")

    azuma = api_client.post(
        "/users", {"name": "azuma", "email": "X@xn--exmple-cua.com", "password": "a-long-pass"}
    )
    edit = auth_client.patch("/api/users/profile/madeline", {"email": "a@localhost"})
    taken = auth_client.patch("/api/users/profile/madeline", {"email": "x@EXÄMPLE.COM"})

    assert azuma.status_code == 409
    assert edit.status_code == 400
    assert edit.json() == {"email": [REFUSED]}
    assert taken.status_code == 400
