"""
The example SPA (examples/spa/) end to end, served from another origin than the API, so that CORS,
its preflights, the Authorization header and the JSON errors are exercised for real.
"""

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from knox.models import AuthToken
from PIL import Image
from playwright.sync_api import Page, expect

from games.models import GameState
from users import services
from users.models import Follow, User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.browser

SPA_DIR = Path(settings.BASE_DIR) / "examples" / "spa"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def spa_origin() -> Iterator[str]:
    """examples/spa served as static files on a port of its own: another origin than the API's."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(SPA_DIR))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def spa(page, live_server, spa_origin, settings) -> Page:
    assert spa_origin != live_server.url
    settings.CORS_ALLOWED_ORIGINS = [spa_origin]
    page.goto(f"{spa_origin}/?api={live_server.url}")
    return page


def fill_form(page: Page, form_id: str, values: dict[str, str], submit: str) -> None:
    # The page is aria-busy while a request is in flight; its answer may still fill a form.
    expect(page.locator("body")).not_to_have_attribute("aria-busy", "true")
    form = page.locator(f"#{form_id}")
    for label, value in values.items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name=submit).click()


def test_sign_up_sign_in_edit_follow_shelve_view_and_sign_out(spa, live_server, doc_screenshot):
    UserFactory(username="theo", email="theo@example.com")
    api_requests = []
    spa.on(
        "request", lambda request: request.url.startswith(live_server.url) and api_requests.append(request)
    )
    status, error, notice, profile = (
        spa.locator("#session-status"),
        spa.get_by_role("alert"),
        spa.get_by_role("status"),
        spa.locator("#profile"),
    )

    fill_form(
        spa,
        "sign-up-form",
        {"Username": "celeste_fan", "E-mail": "fan@example.com", "Password": "a-long-passphrase"},
        submit="Sign up",
    )
    expect(status).to_have_text("Signed in as celeste_fan.")
    expect(profile).to_contain_text("fan@example.com")  # the owner sees their e-mail

    spa.get_by_role("button", name="Sign out").click()
    expect(status).to_have_text("Signed out.")

    fill_form(spa, "sign-in-form", {"Username": "celeste_fan", "Password": "wrong-passphrase"}, "Sign in")
    expect(error).to_have_text("Incorrect username/password.")
    expect(status).to_have_text("Signed out.")

    fill_form(spa, "sign-in-form", {"Username": "CELESTE_FAN", "Password": "a-long-passphrase"}, "Sign in")
    expect(status).to_have_text("Signed in as celeste_fan.")
    expect(error).to_be_hidden()

    fill_form(
        spa,
        "profile-form",
        {"Bio": "Strawberries only.", "Location": "Mount Celeste", "Twitter": "@celeste_fan"},
        submit="Save profile",
    )
    expect(notice).to_have_text("Profile saved.")
    expect(profile).to_contain_text("Strawberries only.")
    expect(profile).to_contain_text("Mount Celeste · @celeste_fan on Twitter")

    fill_form(spa, "follow-form", {"Username": "nobody-here"}, submit="Follow")
    expect(error).to_have_text("Not found.")  # the API's 404 body, {"detail": "Not found."}
    fill_form(spa, "follow-form", {"Username": "theo"}, submit="Follow")
    expect(notice).to_have_text("You follow theo.")
    expect(profile.get_by_role("heading")).to_have_text("@theo")
    expect(profile).to_contain_text("Followers\u00a01")

    fill_form(spa, "shelf-form", {"IGDB id": "26226", "Game name": "Celeste"}, submit="Put on shelf")
    expect(notice).to_have_text("Celeste is on your shelves: played.")
    spa.locator("#shelf-form").get_by_label("Shelf").select_option("liked")
    spa.locator("#shelf-form").get_by_role("button", name="Put on shelf").click()
    expect(notice).to_have_text("Celeste is on your shelves: played, liked.")
    expect(profile.get_by_role("heading")).to_have_text("@celeste_fan")
    expect(profile).to_contain_text("Following\u00a01")
    expect(profile.locator("dd").nth(0)).to_have_text("Celeste")  # played
    expect(profile.locator("dd").nth(2)).to_have_text("—")  # backlog

    fill_form(spa, "view-profile-form", {"Username": "theo"}, submit="View profile")
    expect(profile.get_by_role("heading")).to_have_text("@theo")
    expect(profile).not_to_contain_text("theo@example.com")  # nobody else's e-mail
    fill_form(spa, "view-profile-form", {"Username": "celeste_fan"}, submit="View profile")
    expect(profile).to_contain_text("Strawberries only.")
    doc_screenshot(spa.locator("body"), "spa")

    token = spa.evaluate("sessionStorage.getItem('overworld.token')")
    spa.get_by_role("button", name="Sign out").click()
    expect(status).to_have_text("Signed out.")
    assert spa.evaluate("sessionStorage.getItem('overworld.token')") is None

    # What the browser sent, and what the API stored.
    shelf_request = next(
        request for request in api_requests if request.method == "PATCH" and "/state" in request.url
    )
    assert shelf_request.all_headers()["authorization"] == f"Token {token}"
    assert shelf_request.response().all_headers()["access-control-allow-origin"] == spa.evaluate(
        "location.origin"
    )
    fan = User.objects.get(username="celeste_fan")
    assert (fan.bio, fan.location, fan.twitter) == ("Strawberries only.", "Mount Celeste", "celeste_fan")
    assert Follow.objects.filter(follower=fan, followed__username="theo").exists()
    assert GameState.objects.filter(user=fan, game__igdb="26226", played=True, liked=True).exists()
    assert not AuthToken.objects.filter(user=fan).exists()  # both sign-outs revoked their token
    revoked = spa.request.get(
        f"{live_server.url}/api/users/user/", headers={"Authorization": f"Token {token}"}
    )
    assert revoked.status == 401


def test_a_dead_token_signs_the_page_out(spa, live_server):
    user = UserFactory(username="madeline")
    token = services.token_create(user=user)
    spa.evaluate(
        "([token]) => { sessionStorage.setItem('overworld.token', token);"
        " sessionStorage.setItem('overworld.username', 'madeline'); }",
        [token],
    )
    spa.reload()
    expect(spa.locator("#session-status")).to_have_text("Signed in as madeline.")
    expect(spa.locator("#profile").get_by_role("heading")).to_have_text("@madeline")
    AuthToken.objects.filter(user=user).delete()  # e.g. revoked by a logout elsewhere

    fill_form(spa, "follow-form", {"Username": "theo"}, submit="Follow")

    expect(spa.get_by_role("alert")).to_have_text("Invalid token.")
    expect(spa.locator("#session-status")).to_have_text("Signed out.")


def test_an_origin_the_api_does_not_list_gets_no_answer(page, live_server, spa_origin, settings):
    settings.CORS_ALLOWED_ORIGINS = ["http://127.0.0.1:1"]
    page.goto(f"{spa_origin}/?api={live_server.url}")

    fill_form(page, "sign-in-form", {"Username": "madeline", "Password": "a-long-passphrase"}, "Sign in")

    expect(page.get_by_role("alert")).to_contain_text("does its CORS_ALLOWED_ORIGINS list this page's origin")


def test_a_picture_is_set_shown_and_removed(spa, live_server, settings, tmp_path, doc_screenshot):
    settings.SERVE_MEDIA = True
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "avatars": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "avatars"), "base_url": "/media/avatars/"},
        },
    }
    picture = tmp_path / "me.png"
    Image.new("RGB", (300, 200), (220, 20, 20)).save(picture)
    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_text("certainly not a picture")
    user = UserFactory(username="madeline")
    token = services.token_create(user=user)
    spa.evaluate(
        "([token]) => { sessionStorage.setItem('overworld.token', token);"
        " sessionStorage.setItem('overworld.username', 'madeline'); }",
        [token],
    )
    spa.reload()
    profile, form = spa.locator("#profile"), spa.locator("#picture-form")
    expect(profile.get_by_role("heading")).to_have_text("@madeline")
    expect(profile.get_by_role("img")).to_have_count(0)

    form.get_by_label("Image").set_input_files(str(not_a_picture))
    form.get_by_role("button", name="Upload picture").click()
    expect(spa.get_by_role("alert")).to_have_text(
        "avatar: The file is not an image in an accepted format: JPEG, PNG, WebP or GIF."
    )

    form.get_by_label("Image").set_input_files(str(picture))
    form.get_by_role("button", name="Upload picture").click()
    expect(spa.get_by_role("status")).to_have_text("Picture saved.")
    shown = profile.get_by_role("img", name="The picture of @madeline")
    expect(shown).to_have_js_property("naturalWidth", 256)  # the re-encoded picture, loaded from the API
    user.refresh_from_db()
    assert user.avatar
    doc_screenshot(spa.locator("body"), "spa-picture")

    form.get_by_role("button", name="Remove picture").click()
    expect(spa.get_by_role("status")).to_have_text("Picture removed.")
    expect(profile.get_by_role("img")).to_have_count(0)
