"""PUT and DELETE /api/users/<username>/avatar/: profile pictures through HTTP, stored in files."""

import hashlib
import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from games.tests.factories import GameFactory
from users import avatars, services
from users.tests.factories import FollowFactory, UserFactory
from users.tests.images import (
    BLUE,
    RED,
    animated_gif,
    decoded,
    image_file,
    jpeg_with_gps,
    png_bomb,
    sideways_jpeg,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("avatar_storage")]

URL = "/api/users/madeline/avatar/"


@pytest.fixture
def put_image(auth_client, django_capture_on_commit_callbacks):
    """PUTs `data` as the raw body with `content_type`; the on-commit hooks (file deletions) run."""

    def put(data: bytes, content_type: str, url: str = URL, client=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or auth_client).put(url, data=data, content_type=content_type)

    return put


def served(client, url: str) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    return decoded(b"".join(response.streaming_content))


def stored_files(avatar_storage) -> set[str]:
    return {path.name for path in avatar_storage.iterdir()} if avatar_storage.exists() else set()


@pytest.mark.parametrize(
    ("image_format", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"), ("GIF", "image/gif")],
)
def test_each_accepted_format_becomes_square_webp_pictures_of_256_and_64_pixels(
    put_image, api_client, user, image_format, content_type
):
    response = put_image(image_file(image_format), content_type)

    assert response.status_code == 200
    avatar = response.json()["avatar"]
    assert set(avatar) == {"small", "large"}
    large, small = served(api_client, avatar["large"]), served(api_client, avatar["small"])
    assert (large.format, large.size) == ("WEBP", (256, 256))
    assert (small.format, small.size) == ("WEBP", (64, 64))
    assert large.getpixel((128, 128))[:3] == pytest.approx(RED, abs=12)


def test_a_multipart_form_with_an_avatar_file_is_accepted(auth_client, user):
    upload = SimpleUploadedFile("me.png", image_file("PNG"), content_type="image/png")

    response = auth_client.put(URL, {"avatar": upload}, format="multipart")

    assert response.status_code == 200
    assert response.json()["avatar"]["large"].endswith("-256.webp")


def test_a_gif_gives_its_first_frame(put_image, api_client, user):
    response = put_image(animated_gif(), "image/gif")

    assert served(api_client, response.json()["avatar"]["large"]).getpixel((10, 10))[:3] == pytest.approx(
        RED, abs=12
    )


def test_exif_gps_and_every_other_metadata_are_gone(put_image, api_client, user):
    upload = jpeg_with_gps()
    assert decoded(upload).getexif().get_ifd(0x8825)  # the upload has a GPS position

    response = put_image(upload, "image/jpeg")

    for url in response.json()["avatar"].values():
        data = b"".join(api_client.get(url).streaming_content)
        picture = decoded(data)
        assert not picture.getexif()
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(picture.info)
        assert b"Exif" not in data and b"OverworldCam" not in data and b"taken at home" not in data


def test_a_sideways_photo_is_turned_upright(put_image, api_client, user):
    response = put_image(sideways_jpeg(), "image/jpeg")

    large = served(api_client, response.json()["avatar"]["large"])
    assert large.getpixel((128, 20)) == pytest.approx(RED, abs=30)
    assert large.getpixel((128, 236)) == pytest.approx(BLUE, abs=30)


def test_the_picture_is_cropped_to_its_centred_square(put_image, api_client, user):
    wide = Image.new("RGB", (300, 100), BLUE)
    wide.paste(RED, (100, 0, 200, 100))
    output = io.BytesIO()
    wide.save(output, "PNG")

    response = put_image(output.getvalue(), "image/png")

    large = served(api_client, response.json()["avatar"]["large"])
    assert large.getpixel((5, 128)) == pytest.approx(RED, abs=12)
    assert large.getpixel((250, 128)) == pytest.approx(RED, abs=12)


def invalid(response) -> str:
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == ["avatar"]
    (message,) = body["avatar"]
    return message


def zip_archive() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("payload.txt", "not a picture")
    return output.getvalue()


@pytest.mark.parametrize(
    ("data", "content_type", "message"),
    [
        (png_bomb(), "image/png", avatars.TOO_MANY_PIXELS),
        (image_file("PNG", size=(8001, 10)), "image/png", avatars.TOO_MANY_PIXELS),
        (image_file("JPEG", size=(600, 400))[:2000], "image/jpeg", avatars.CORRUPT),
        (
            image_file("PNG", size=(600, 400), mode="RGB", compress_level=0)[:5000],
            "image/png",
            avatars.CORRUPT,
        ),
        (image_file("PNG"), "image/jpeg", "The file is image/png but was sent as image/jpeg."),
        (image_file("GIF"), "image/webp", "The file is image/gif but was sent as image/webp."),
        (b"Just some text, certainly not a picture.", "image/png", avatars.NOT_AN_IMAGE),
        (image_file("BMP"), "image/bmp", avatars.NOT_AN_IMAGE),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml", None),
        (image_file("PNG") + zip_archive(), "image/png", avatars.POLYGLOT),
        (image_file("JPEG") + b"<html><body>hello</body></html>", "image/jpeg", avatars.POLYGLOT),
        (
            image_file("GIF", comment=b"<script>alert(document.cookie)</script>"),
            "image/gif",
            avatars.POLYGLOT,
        ),
        (image_file("WEBP") + b"<?php echo 1; ?>", "image/webp", avatars.POLYGLOT),
    ],
    ids=[
        "bomb",
        "over-8000-pixels",
        "truncated-jpeg",
        "truncated-png",
        "png-sent-as-jpeg",
        "gif-sent-as-webp",
        "text",
        "bmp",
        "svg",
        "png-zip-polyglot",
        "jpeg-html-polyglot",
        "gif-script-comment",
        "webp-php-polyglot",
    ],
)
def test_each_refused_kind_is_400_on_avatar_and_stores_nothing(
    put_image, user, avatar_storage, data, content_type, message
):
    response = put_image(data, content_type)

    assert invalid(response) == (message or avatars.NOT_AN_IMAGE)
    assert stored_files(avatar_storage) == set()
    user.refresh_from_db()
    assert user.avatar == ""


def test_a_file_over_5_mib_is_400_and_a_body_far_over_it_413(put_image, user):
    picture = image_file("PNG")
    just_over = picture + b"\x00" * (avatars.MAX_BYTES + 1 - len(picture))

    assert invalid(put_image(just_over, "image/png")) == avatars.TOO_LARGE
    far_over = put_image(b"\x00" * (6 * 1024 * 1024), "image/png")
    assert far_over.status_code == 413
    assert "detail" in far_over.json()


def test_a_file_of_5_mib_passes_the_body_limit(put_image, user):
    # A real PNG of nearly 5 MiB (incompressible pixels), under the 1 MiB limit of the other routes.
    noise = Image.frombytes("RGB", (1290, 1290), os.urandom(1290 * 1290 * 3))
    output = io.BytesIO()
    noise.save(output, "PNG", compress_level=0)
    assert 4 * 1024 * 1024 < len(output.getvalue()) <= avatars.MAX_BYTES

    assert put_image(output.getvalue(), "image/png").status_code == 200


def test_nothing_sent_is_400(auth_client, user):
    response = auth_client.put(URL, {}, format="multipart")

    assert invalid(response) == avatars.NO_IMAGE


def test_another_type_of_body_is_415(auth_client, user):
    response = auth_client.put(URL, data='{"avatar": "x"}', content_type="application/json")

    assert response.status_code == 415
    assert "detail" in response.json()


def test_another_users_picture_is_403_and_unchanged(put_image, user, other_user, avatar_storage):
    response = put_image(image_file("PNG"), "image/png", url="/api/users/theo/avatar/")

    assert response.status_code == 403
    assert response.json() == {"detail": avatars.OTHER_USERS_PICTURE, "code": "permission_denied"}
    other_user.refresh_from_db()
    assert other_user.avatar == ""
    assert stored_files(avatar_storage) == set()


def test_anonymous_is_401_and_an_unknown_user_404(api_client, auth_client, user):
    assert api_client.put(URL, data=image_file("PNG"), content_type="image/png").status_code == 401
    assert (
        auth_client.put(
            "/api/users/nobody/avatar/", data=image_file("PNG"), content_type="image/png"
        ).status_code
        == 404
    )


def test_a_new_picture_replaces_the_old_files(put_image, user, avatar_storage):
    first = put_image(image_file("PNG"), "image/png").json()["avatar"]
    first_files = stored_files(avatar_storage)
    assert len(first_files) == 2

    second = put_image(image_file("JPEG", color=BLUE), "image/jpeg").json()["avatar"]

    assert second != first
    assert stored_files(avatar_storage).isdisjoint(first_files)
    assert {url.rsplit("/", 1)[1] for url in second.values()} == stored_files(avatar_storage)


def test_delete_removes_the_picture_and_its_files(
    auth_client, put_image, user, avatar_storage, django_capture_on_commit_callbacks
):
    put_image(image_file("PNG"), "image/png")

    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client.delete(URL)

    assert response.status_code == 200
    assert response.json() == {"avatar": None}
    assert stored_files(avatar_storage) == set()
    assert auth_client.delete(URL).json() == {"avatar": None}  # nothing left to remove


def test_another_users_delete_is_403(auth_client, user, other_user):
    other_user.avatar = "0" * 32
    other_user.save()

    assert auth_client.delete("/api/users/theo/avatar/").status_code == 403
    other_user.refresh_from_db()
    assert other_user.avatar == "0" * 32


def test_deleting_the_account_deletes_the_files(
    auth_client, put_image, user, password, avatar_storage, django_capture_on_commit_callbacks
):
    put_image(image_file("PNG"), "image/png")
    assert stored_files(avatar_storage)

    with django_capture_on_commit_callbacks(execute=True):
        assert auth_client.delete("/api/users/user/", {"password": password}).status_code == 204

    assert stored_files(avatar_storage) == set()


def test_uploads_are_throttled_per_user(put_image, user, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "avatar", "2/hour")
    for _ in range(2):
        assert put_image(image_file("PNG"), "image/png").status_code == 200

    assert put_image(image_file("PNG"), "image/png").status_code == 429


def test_followers_following_activity_and_feed_show_the_picture(
    put_image, auth_client, api_client, user, other_user
):
    urls = put_image(image_file("PNG"), "image/png").json()["avatar"]
    FollowFactory(follower=user, followed=other_user)
    FollowFactory(follower=other_user, followed=user)
    services.user_follow(follower=user, followed=UserFactory(username="granny"))

    assert api_client.get("/api/users/theo/followers/").json()["results"][0]["avatar"] == urls
    assert api_client.get("/api/users/theo/following/").json()["results"][0]["avatar"] == urls
    activity = api_client.get("/api/users/madeline/activity/").json()["results"][0]
    assert activity["actor"]["avatar"] == urls
    assert activity["user"]["avatar"] is None  # granny has none

    theo = services.token_create(user=other_user)
    auth_client.credentials(HTTP_AUTHORIZATION=f"Token {theo}")
    assert auth_client.get("/api/feed/").json()["results"][0]["actor"]["avatar"] == urls


def test_lists_cost_no_query_per_picture(put_image, api_client, user, django_assert_max_num_queries):
    put_image(image_file("PNG"), "image/png")
    celeste = UserFactory(username="celeste")
    for follower in [user, *UserFactory.create_batch(20)]:
        FollowFactory(follower=follower, followed=celeste)
        if follower != user:
            follower.avatar = "0" * 32
            follower.save(update_fields=["avatar"])
    GameFactory()

    with django_assert_max_num_queries(3):
        response = api_client.get("/api/users/celeste/followers/")

    assert all(item["avatar"] for item in response.json()["results"])


def test_served_files_are_cacheable_for_good(put_image, api_client, user):
    url = put_image(image_file("PNG"), "image/png").json()["avatar"]["small"]

    response = api_client.get(url)

    assert "immutable" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_media_is_not_served_when_serve_media_is_off(put_image, api_client, user, settings):
    url = put_image(image_file("PNG"), "image/png").json()["avatar"]["small"]
    settings.SERVE_MEDIA = False

    assert api_client.get(url).status_code == 404


# The profile and the current user (users/profile.py, users/serializers.py).


def gravatar_digest(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()


def test_the_cached_profile_changes_with_the_picture(put_image, auth_client, api_client, user):
    assert api_client.get("/api/users/madeline/").json()["avatar"] is None  # now cached

    urls = put_image(image_file("PNG"), "image/png").json()["avatar"]

    profile = api_client.get("/api/users/madeline/").json()
    assert (profile["avatar"], profile["gravatar"]) == (urls, urls["large"])
    assert auth_client.get("/api/users/profile/madeline").json()["avatar"] == urls
    assert auth_client.get("/api/users/user/").json()["avatar"] == urls

    auth_client.delete(URL)

    assert api_client.get("/api/users/madeline/").json()["avatar"] is None


def test_gravatar_only_after_its_owner_turns_it_on(auth_client, api_client, user, other_user):
    FollowFactory(follower=other_user, followed=user)
    digest = gravatar_digest(user.email)
    pages = ["/api/users/madeline/", "/api/users/theo/following/", "/api/users/user/"]
    for page in pages:
        assert digest not in auth_client.get(page).content.decode()
    assert "use_gravatar" not in api_client.get("/api/users/madeline/").json()
    assert auth_client.get("/api/users/madeline/").json()["use_gravatar"] is False

    response = auth_client.post("/api/users/profile/madeline", {"use_gravatar": True})

    assert response.status_code == 200
    expected = {
        "small": f"https://gravatar.com/avatar/{digest}?s=64&d=retro",
        "large": f"https://gravatar.com/avatar/{digest}?s=256&d=retro",
    }
    assert (response.json()["avatar"], response.json()["use_gravatar"]) == (expected, True)
    profile = api_client.get("/api/users/madeline/").json()
    assert (profile["avatar"], profile["gravatar"]) == (expected, expected["large"])
    assert "use_gravatar" not in profile  # the owner's choice is theirs to see
    assert api_client.get("/api/users/theo/following/").json()["results"][0]["avatar"] == expected
    current = auth_client.get("/api/users/user/").json()
    assert (current["gravatar"], current["use_gravatar"]) == (expected["large"], True)

    auth_client.post("/api/users/profile/madeline", {"use_gravatar": False})

    assert api_client.get("/api/users/madeline/").json()["avatar"] is None


def test_the_export_holds_the_picture_and_the_gravatar_choice(put_image, auth_client, user):
    urls = put_image(image_file("PNG"), "image/png").json()["avatar"]

    account = auth_client.get("/api/users/user/export/").json()["account"]

    assert (account["avatar"], account["use_gravatar"]) == (urls, False)


def test_the_original_clients_refresh_answers_the_picture_as_it_is_and_changes_nothing(
    put_image, auth_client, user
):
    urls = put_image(image_file("PNG"), "image/png").json()["avatar"]
    before = auth_client.get("/api/users/profile/madeline").json()

    response = auth_client.post("/api/users/profile/madeline", {"refreshAvatar": True}, format="json")

    assert response.status_code == 200
    assert response.json()["gravatar"] == urls["large"]
    assert response.json() == before


def test_budget_of_an_upload_and_a_removal(put_image, auth_client, user, django_assert_num_queries):
    put_image(image_file("PNG"), "image/png")

    # token, user, savepoint, the user row locked, its update, release
    with django_assert_num_queries(6):
        assert put_image(image_file("PNG"), "image/png").status_code == 200
    with django_assert_num_queries(6):
        assert auth_client.delete(URL).status_code == 200
