"""The browsable API, as a developer uses it: log in through its page, then read the current user."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_developer_signs_in_and_sees_their_current_user(page, live_server, user, password):
    page.goto(f"{live_server.url}/api-auth/login/?next=/api/users/user/")
    page.get_by_label("Username").fill("madeline")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/api/users/user/$"))
    expect(page.locator(".response-info")).to_contain_text("HTTP 200 OK")
    expect(page.locator(".response-info")).to_contain_text('"email": "madeline@example.com"')
    expect(
        page.get_by_role("link", name="madeline", exact=True)
    ).to_be_visible()  # the navbar's signed-in user
