"""A queryset compiled once (overworld/prepared.py) answers as the queryset would, at one query a call."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from overworld.prepared import PreparedQuery, _numbered_placeholders
from users import services
from users.authentication import tokens_by_key
from users.models import User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def by_key(key: str) -> list[AuthToken]:
    return list(AuthToken.objects.filter(token_key=key).select_related("user"))


def fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_answers_as_the_queryset_with_its_related_user(user, other_user):
    services.token_create(user=user)
    key = AuthToken.objects.get(user=user).token_key
    services.token_create(user=other_user)

    prepared = tokens_by_key(key)

    expected = by_key(key)
    assert len(prepared) == 1
    assert fields(prepared[0]) == fields(expected[0])
    # Converted as the ORM converts: aware datetimes on every database, not the driver's values.
    assert prepared[0].created.tzinfo is not None
    assert prepared[0].expiry == expected[0].expiry
    assert not prepared[0]._state.adding and prepared[0]._state.db == "default"
    with CaptureQueriesContext(connection) as queries:
        assert fields(prepared[0].user) == fields(user)
    assert len(queries) == 0  # the user came with the token (select_related)


def test_new_values_each_call_and_no_rows(user, other_user):
    keys = {services.token_create(user=someone)[:15]: someone for someone in (user, other_user)}

    for key, owner in keys.items():
        assert [token.user for token in tokens_by_key(key)] == [owner]
    assert tokens_by_key("no-such-key") == []


def test_one_query_per_call_from_the_first(user):
    query = PreparedQuery(User, lambda name: User.objects.filter(username=name))

    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert query(user.username) == [user]
        assert len(queries) == 1


def test_several_values_and_rows():
    users = UserFactory.create_batch(3, bio="same", location="here")
    query = PreparedQuery(
        User, lambda bio, location: User.objects.filter(bio=bio, location=location), values=2
    )

    assert sorted(found.pk for found in query("same", "here")) == sorted(found.pk for found in users)
    assert query("same", "there") == []
    with pytest.raises(TypeError):
        query("same")


@pytest.mark.parametrize(
    "build",
    [
        lambda name: User.objects.filter(username__startswith=name),  # the value reaches the SQL changed
        lambda name: User.objects.with_username(name),  # changed before (lowercased)
        lambda name: User.objects.filter(username=name, email=name),  # twice
        lambda name: User.objects.filter(username=name).values("id"),  # not model instances
        lambda name: AuthToken.objects.filter(token_key=name),  # another model
    ],
)
def test_refuses_what_it_cannot_prepare(user, build):
    with pytest.raises(ValueError):
        PreparedQuery(User, build)(user.username)


def test_numbered_placeholders():
    assert _numbered_placeholders("a = %s AND b LIKE '%%x' AND c = %s") == "a = $1 AND b LIKE '%x' AND c = $2"


def prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)  # closes the connection
def test_postgresql_prepares_once_per_connection(user):
    query = PreparedQuery(User, lambda name: User.objects.filter(username=name))
    name = query._name

    with CaptureQueriesContext(connection) as queries:
        assert query(user.username) == [user]
        assert query(user.username) == [user]
    assert [sql.split("(")[0] for sql in (q["sql"] for q in queries)] == [f"EXECUTE {name}"] * 2
    assert name in prepared_statements()

    # A new connection (Django reconnects after a failure, or CONN_MAX_AGE) prepares it again.
    connection.close()
    assert name not in prepared_statements()
    assert query(user.username) == [user]
    assert name in prepared_statements()


@pytest.mark.postgresql
@pytest.mark.parametrize("switch", ["setting", "connection per request"])
def test_postgresql_without_prepared_statements(user, settings, monkeypatch, switch):
    if switch == "setting":
        settings.DATABASE_PREPARED_STATEMENTS = False
    else:
        monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    query = PreparedQuery(User, lambda name: User.objects.filter(username=name))

    with CaptureQueriesContext(connection) as queries:
        assert query(user.username) == [user]
    assert queries[0]["sql"].startswith("SELECT ")
    assert query._name not in prepared_statements()


@pytest.mark.postgresql
def test_token_authentication_runs_the_prepared_statement(auth_client):
    with CaptureQueriesContext(connection) as queries:
        assert auth_client.get("/api/users/user/").status_code == 200
    assert [q["sql"].split("(")[0] for q in queries] == [f"EXECUTE {tokens_by_key._name}"]
