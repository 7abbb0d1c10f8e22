"""The rules of profile pictures, at the service level (users/avatars.py)."""

import hashlib
import io
import logging
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from PIL import Image

from overworld.exceptions import ForbiddenError
from users import avatars
from users.models import User
from users.tests.factories import UserFactory
from users.tests.images import BLUE, RED, decoded, image_file


def rendered(data: bytes, content_type: str | None = None) -> dict[str, Image.Image]:
    return {
        name: decoded(file)
        for name, file in avatars.avatar_render(image=data, content_type=content_type).items()
    }


@pytest.mark.parametrize(
    ("mode", "color"),
    [
        ("L", 128),
        ("LA", (128, 255)),
        ("P", 3),
        ("CMYK", (0, 255, 255, 0)),
        ("I;16", 40000),
        ("RGBA", (*RED, 255)),
    ],
)
def test_every_colour_mode_becomes_rgb_or_rgba(mode, color):
    image_format = "JPEG" if mode == "CMYK" else "PNG"

    pictures = rendered(image_file(image_format, mode=mode, color=color))

    assert {picture.mode for picture in pictures.values()} <= {"RGB", "RGBA"}
    assert pictures["large"].size == (256, 256)


def test_transparency_is_kept():
    pictures = rendered(image_file("PNG", mode="RGBA", color=(*BLUE, 0)))

    assert pictures["large"].mode == "RGBA"
    assert pictures["large"].getpixel((100, 100))[3] == 0


def test_a_multi_picture_jpeg_gives_its_first_picture():
    # Phones write a depth or gain map after the photo, declared by MPF: not a polyglot.
    output = io.BytesIO()
    first, second = Image.new("RGB", (300, 200), RED), Image.new("RGB", (300, 200), BLUE)
    first.save(output, "MPO", save_all=True, append_images=[second])

    large = rendered(output.getvalue(), "image/jpeg")["large"]

    assert large.getpixel((128, 128)) == pytest.approx(RED, abs=12)


def test_a_tiny_picture_is_scaled_up_to_each_size():
    pictures = rendered(image_file("GIF", size=(16, 16)))

    assert [picture.size for picture in pictures.values()] == [(256, 256), (64, 64)]


def test_an_unknown_declared_type_lets_the_content_decide():
    assert rendered(image_file("WEBP"), "application/octet-stream")["small"].size == (64, 64)
    assert rendered(image_file("JPEG"), "image/jpg; charset=binary")["small"].size == (64, 64)


def test_a_colour_profile_is_converted_to_srgb_and_dropped():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    data = image_file("JPEG", icc_profile=profile)
    assert decoded(data).info.get("icc_profile")

    pictures = rendered(data)

    assert "icc_profile" not in pictures["large"].info


def test_an_8000_pixel_jpeg_is_decoded_at_a_fraction_of_its_size():
    data = image_file("JPEG", size=(8000, 6000), color=RED)

    assert rendered(data)["large"].getpixel((128, 128)) == pytest.approx(RED, abs=12)


def test_the_maximum_size_is_5_mib_and_8000_pixels():
    with pytest.raises(ValidationError) as error:
        avatars.avatar_render(image=b"\x00" * (avatars.MAX_BYTES + 1))
    assert error.value.message_dict == {"avatar": [avatars.TOO_LARGE]}

    with pytest.raises(ValidationError) as error:
        avatars.avatar_render(image=image_file("PNG", size=(10, 8001)))
    assert error.value.message_dict == {"avatar": [avatars.TOO_MANY_PIXELS]}
    assert rendered(image_file("PNG", size=(8000, 10)))["large"].size == (256, 256)


@pytest.mark.django_db
def test_only_the_owner_may_set_a_picture(user, other_user):
    with pytest.raises(ForbiddenError):
        avatars.avatar_set(user=other_user, actor=user, image=image_file("PNG"))


@pytest.mark.django_db
def test_staff_may_remove_a_picture_and_the_security_log_says_who(
    user, other_user, caplog, avatar_storage, django_capture_on_commit_callbacks
):
    avatars.avatar_set(user=other_user, actor=other_user, image=image_file("PNG"))
    with pytest.raises(ForbiddenError):
        avatars.avatar_remove(user=other_user, actor=user)
    staff = UserFactory(is_staff=True)
    caplog.set_level(logging.INFO, logger="overworld.security")

    with django_capture_on_commit_callbacks(execute=True):
        avatars.avatar_remove(user=other_user, actor=staff)

    assert User.objects.get(pk=other_user.pk).avatar == ""
    assert not list(avatar_storage.iterdir())
    assert f"avatar removed by staff user={other_user.pk} staff={staff.pk}" in caplog.text


@pytest.mark.django_db
def test_gravatar_only_with_its_owners_consent(user):
    user.email = " Madeline@Example.com "
    assert avatars.avatar_urls(user) is None
    assert avatars.legacy_gravatar_url(user) is None

    user.use_gravatar = True

    urls = avatars.avatar_urls(user)
    digest = hashlib.sha256(b"madeline@example.com").hexdigest()
    assert urls == {
        "small": f"https://gravatar.com/avatar/{digest}?s=64&d=retro",
        "large": f"https://gravatar.com/avatar/{digest}?s=256&d=retro",
    }
    assert avatars.legacy_gravatar_url(user) == urls["large"]


@pytest.mark.django_db
def test_an_uploaded_picture_wins_over_the_gravatar(user, avatar_storage):
    user.use_gravatar = True
    avatars.avatar_set(user=user, actor=user, image=image_file("PNG"))

    assert avatars.avatar_urls(user)["large"] == f"/media/avatars/{user.avatar}-256.webp"


@pytest.mark.django_db
def test_a_failed_save_leaves_no_file(user, avatar_storage, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(avatars, "_replace_key", fail)

    with pytest.raises(RuntimeError):
        avatars.avatar_set(user=user, actor=user, image=image_file("PNG"))

    assert not list(avatar_storage.iterdir())


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_uploads_leave_only_the_winners_files(avatar_storage):
    user = UserFactory(username="madeline")
    pictures = [image_file("PNG", color=color) for color in (RED, BLUE, (0, 200, 0), (200, 200, 0))]
    barrier = threading.Barrier(len(pictures))

    def upload(data):
        try:
            barrier.wait()
            avatars.avatar_set(user=User.objects.get(pk=user.pk), actor=user, image=data)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(data,)) for data in pictures]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    key = User.objects.get(pk=user.pk).avatar
    assert sorted(path.name for path in avatar_storage.iterdir()) == sorted(
        [f"{key}-256.webp", f"{key}-64.webp"]
    )
