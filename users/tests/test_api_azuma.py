import pytest
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle

from users import services
from users.models import User

pytestmark = pytest.mark.django_db

REGISTER = {"name": "azuma", "email": "azuma@oneshot.cam", "password": "neo-the-one-shot"}


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


# POST /users


def test_register_answers_a_token_that_works_on_both_apis(api_client):
    response = api_client.post("/users", REGISTER)

    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    assert "no-store" in response["Cache-Control"]
    token = response.json()["token"]
    assert api_client.get("/api/users/user/", **bearer(token)).json()["username"] == "azuma"
    assert api_client.patch("/user/update", {}, **bearer(token)).status_code == 200


def test_registered_on_azuma_logs_in_on_overworld(api_client):
    api_client.post("/users", REGISTER)

    response = api_client.post("/api/users/login/", {"username": "azuma", "password": REGISTER["password"]})

    assert response.status_code == 200


def test_duplicate_name_in_another_case_is_409(api_client):
    api_client.post("/users", REGISTER)

    response = api_client.post("/users", {**REGISTER, "name": "AZUMA", "email": "other@oneshot.cam"})

    assert response.status_code == 409
    assert response.json()["message"] == "ALREADY_EXISTS"
    assert response.json()["description"]
    assert User.objects.count() == 1


def test_duplicate_email_is_409(api_client, user):
    response = api_client.post("/users", {**REGISTER, "email": "MADELINE@example.com"})

    assert response.status_code == 409
    assert response.json()["message"] == "ALREADY_EXISTS"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**REGISTER, "email": "not-an-email"}, "email"),
        ({**REGISTER, "password": "123"}, "password"),
        ({**REGISTER, "name": "a b"}, "name"),
        ({**REGISTER, "name": "login"}, "name"),
        ({"email": "a@b.cd", "password": "neo-the-one-shot"}, "name"),
    ],
)
def test_invalid_fields_are_400(api_client, body, field):
    response = api_client.post("/users", body)

    assert response.status_code == 400
    assert response.json()["message"] == "BAD_REQUEST"
    assert field in response.json()["description"]
    assert response.json()[field]
    assert not User.objects.exists()


def test_malformed_json_is_400_in_azuma_shape(api_client):
    response = api_client.post("/users", data="{", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["message"] == "BAD_REQUEST"


# POST /user/login


def test_login(api_client, user, password):
    response = api_client.post("/user/login", {"name": "Madeline", "password": password})

    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    assert api_client.get("/api/users/user/", **bearer(response.json()["token"])).status_code == 200


def test_login_with_wrong_password_is_403(api_client, user):
    response = api_client.post("/user/login", {"name": "madeline", "password": "wrong-password"})

    assert response.status_code == 403
    assert response.json()["message"] == "FORBIDDEN"


def test_login_of_unknown_name_is_404(api_client, db):
    response = api_client.post("/user/login", {"name": "nobody", "password": "whatever"})

    assert response.status_code == 404
    assert response.json()["message"] == "NOT_FOUND"


def test_login_of_deactivated_user_is_403_like_a_wrong_password(api_client, user, password):
    user.is_active = False
    user.save()

    response = api_client.post("/user/login", {"name": "madeline", "password": password})

    assert response.status_code == 403
    assert response.json()["message"] == "FORBIDDEN"


def test_login_without_password_is_400(api_client, user):
    response = api_client.post("/user/login", {"name": "madeline"})

    assert response.status_code == 400
    assert response.json()["password"] == ["This field is required."]


# PATCH /user/update


def test_update_name(api_client, user, token):
    response = api_client.patch("/user/update", {"name": "madeline2"}, **bearer(token))

    assert response.status_code == 200
    assert response.json() == {
        "id": str(user.uuid),
        "name": "madeline2",
        "created_at": user.date_joined.isoformat().replace("+00:00", "Z"),
    }
    assert api_client.get("/api/users/madeline2").status_code == 200


def test_update_with_empty_body_changes_nothing(api_client, user, token):
    before = User.objects.values().get(pk=user.pk)

    response = api_client.patch("/user/update", {}, **bearer(token))

    assert response.status_code == 200
    assert response.json()["name"] == "madeline"
    assert User.objects.values().get(pk=user.pk) == before


def test_update_to_a_taken_name_is_409_and_changes_nothing(api_client, user, other_user, token, password):
    response = api_client.patch(
        "/user/update", {"name": "Theo", "password": "a-brand-new-passphrase"}, **bearer(token)
    )

    assert response.status_code == 409
    assert response.json()["message"] == "ALREADY_EXISTS"
    user.refresh_from_db()
    assert user.username == "madeline"
    assert user.check_password(password)


def test_update_with_a_weak_password_is_400_and_changes_nothing(api_client, user, token, password):
    response = api_client.patch("/user/update", {"name": "newname", "password": "123"}, **bearer(token))

    assert response.status_code == 400
    assert response.json()["message"] == "BAD_REQUEST"
    assert response.json()["password"]
    user.refresh_from_db()
    assert (user.username, user.check_password(password)) == ("madeline", True)


def test_update_with_an_invalid_name_is_400(api_client, user, token):
    response = api_client.patch("/user/update", {"name": "x"}, **bearer(token))

    assert response.status_code == 400
    assert response.json()["name"]


def test_password_change_ends_other_tokens_and_keeps_this_one(api_client, user, token, password):
    other_token = services.token_create(user=user)

    response = api_client.patch("/user/update", {"password": "a-brand-new-passphrase"}, **bearer(token))

    assert response.status_code == 200
    assert api_client.get("/api/users/user/", **bearer(token)).status_code == 200
    assert api_client.get("/api/users/user/", **bearer(other_token)).status_code == 401
    assert AuthToken.objects.filter(user=user).count() == 1
    old_login = api_client.post("/api/users/login/", {"username": "madeline", "password": password})
    assert old_login.status_code == 400
    new_login = api_client.post(
        "/api/users/login/", {"username": "madeline", "password": "a-brand-new-passphrase"}
    )
    assert new_login.status_code == 200


def test_update_without_token_is_401(api_client, user):
    response = api_client.patch("/user/update", {"name": "hacker"})

    assert response.status_code == 401
    assert response.json()["message"] == "UNAUTHORIZED"


def test_update_with_a_revoked_token_is_401(api_client, user, token):
    api_client.post("/api/users/logout/", **bearer(token))

    response = api_client.patch("/user/update", {"name": "hacker"}, **bearer(token))

    assert response.status_code == 401
    assert response.json() == {"message": "UNAUTHORIZED", "description": "Invalid token."}


def test_update_ignores_other_fields(api_client, user, token):
    response = api_client.patch("/user/update", {"is_staff": True, "email": "x@y.zz"}, **bearer(token))

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.is_staff, user.email) == (False, "madeline@example.com")


def test_overworld_token_works_on_azuma(api_client, user, password):
    token = api_client.post("/api/users/login/", {"username": "madeline", "password": password}).json()[
        "token"
    ]

    assert api_client.patch("/user/update", {}, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_azuma_routes_are_in_the_schema_under_their_tag(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for path, method in [("/users", "post"), ("/user/login", "post"), ("/user/update", "patch")]:
        operation = schema["paths"][path][method]
        assert operation["tags"] == ["azuma"]
        assert any(code.startswith("4") for code in operation["responses"])


def test_azuma_routes_have_their_own_rate_limit(api_client, user, token, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "azuma", "2/min")
    for _ in range(2):
        assert api_client.patch("/user/update", {}, **bearer(token)).status_code == 200

    response = api_client.patch("/user/update", {}, **bearer(token))

    assert response.status_code == 429
    assert response.json()["message"] == "TOO_MANY_REQUESTS"
    assert "Retry-After" in response
