import pytest
from knox.models import AuthToken

from games.tests.factories import GameStateFactory
from users import services
from users.models import User
from users.tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = User.objects.create_superuser(
        username="admin", email="admin@example.com", password="admin-pass-123"
    )
    client.force_login(staff)
    return client


def test_find_a_user_by_name_or_email(staff_client, user, other_user):
    by_name = staff_client.get("/admin/users/user/", {"q": "madel"})
    by_email = staff_client.get("/admin/users/user/", {"q": "theo@example"})

    assert by_name.status_code == 200
    assert "madeline" in by_name.content.decode()
    assert "theo" not in by_name.content.decode()
    assert "theo@example.com" in by_email.content.decode()


def test_user_page_shows_follows_shelves_and_tokens_but_no_secrets(staff_client, user, other_user, game):
    FollowFactory(follower=user, followed=other_user)
    GameStateFactory(user=user, game=game, on_all_shelves=True)
    token = services.token_create(user=user)

    response = staff_client.get(f"/admin/users/user/{user.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/admin/users/follow/?follower__id__exact={user.pk}">1</a>' in html
    assert f'href="/admin/games/gamestate/?user__id__exact={user.pk}">1</a>' in html
    assert "auth_token_set-group" in html
    # The digest is the token row's primary key, so it can appear in links, but never as a field.
    assert 'name="auth_token_set-0-digest"' not in html
    assert token not in html
    assert user.password not in html


def test_user_list_shows_follow_counts(staff_client, user):
    for follower in UserFactory.create_batch(3):
        FollowFactory(follower=follower, followed=user)

    response = staff_client.get("/admin/users/user/", {"q": "madeline"})

    assert response.context["cl"].result_list[0].followers_total == 3


def test_deactivate_action_revokes_tokens(staff_client, user, token, api_client):
    response = staff_client.post(
        "/admin/users/user/", {"action": "deactivate", "_selected_action": [user.pk]}, follow=True
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.is_active
    assert not AuthToken.objects.filter(user=user).exists()
    assert api_client.get("/api/users/user/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_token_list_shows_no_digest_column_and_no_edit_form(staff_client, user, token):
    response = staff_client.get("/admin/knox/authtoken/")

    assert response.status_code == 200
    assert "column-digest" not in response.content.decode()
    digest = AuthToken.objects.get().digest
    change_page = staff_client.get(f"/admin/knox/authtoken/{digest}/change/")
    assert 'name="digest"' not in change_page.content.decode()
    assert 'name="expiry"' not in change_page.content.decode()


def test_staff_edits_game_metadata(staff_client, game):
    response = staff_client.post(
        f"/admin/games/game/{game.pk}/change/",
        {
            "igdb": "26226",
            "name": "Celeste (2018)",
            "slug": "celeste",
            "cover_id": "co3byy",
            "backdrop_id": "",
        },
    )

    assert response.status_code == 302
    game.refresh_from_db()
    assert (game.name, game.cover_id) == ("Celeste (2018)", "co3byy")


def test_staff_sets_a_shelf_and_its_timestamp_follows(staff_client, user, game):
    state = GameStateFactory(user=user, game=game)

    response = staff_client.post(
        f"/admin/games/gamestate/{state.pk}/change/",
        {"user": user.pk, "game": game.pk, "played": "on"},
    )

    assert response.status_code == 302
    state.refresh_from_db()
    assert state.played
    assert state.played_at is not None


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/users/follow/",
        "/admin/games/game/",
        "/admin/games/gamestate/",
        "/admin/users/user/add/",
    ],
)
def test_admin_pages_render(staff_client, user, url):
    assert staff_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/admin/games/journalentry/", "/admin/games/favouritegame/", "/admin/users/activity/"]
)
def test_profile_extras_admin_pages_render(staff_client, user, url):
    assert staff_client.get(url).status_code == 200
