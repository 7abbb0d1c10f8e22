"""The Django admin, as staff use it: find a user, see their follows and shelves, deactivate them."""

import pytest
from playwright.sync_api import expect

from games.tests.factories import GameFactory, GameStateFactory
from users import services
from users.models import User
from users.tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.browser


def test_staff_finds_a_user_sees_follows_and_shelves_and_deactivates_them(page, live_server):
    User.objects.create_superuser(username="admin", email="admin@example.com", password="admin-pass-123")
    madeline = UserFactory(username="madeline")
    FollowFactory(follower=madeline, followed=UserFactory(username="theo"))
    FollowFactory(follower=UserFactory(username="granny"), followed=madeline)
    GameStateFactory(user=madeline, game=GameFactory(igdb="26226", name="Celeste"), on_all_shelves=True)
    token = services.token_create(user=madeline)

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("admin-pass-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.goto(f"{live_server.url}/admin/users/user/")
    page.locator("#searchbar").fill("madel")
    page.locator("#searchbar").press("Enter")
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    results.get_by_role("link", name="madeline").click()

    # Counts linking to the filtered lists (the page costs the same for any number of followers).
    user_page = page.url
    for field, shown in [
        ("following_link", "theo"),
        ("followers_link", "granny"),
        ("shelves_link", "Celeste"),
    ]:
        link = page.locator(f".field-{field} a")
        expect(link).to_have_text("1")
        link.click()
        expect(page.locator("#result_list")).to_contain_text(shown)
        page.goto(user_page)

    page.goto(f"{live_server.url}/admin/users/user/?q=madel")
    results.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("deactivate")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 user(s) deactivated.")

    madeline.refresh_from_db()
    assert not madeline.is_active
    answer = page.request.get(
        f"{live_server.url}/api/users/user/", headers={"Authorization": f"Token {token}"}
    )
    assert answer.status == 401
