"""Moderation of profile pictures in the admin: staff see a user's picture and may remove it, logged."""

import logging

import pytest
from django.contrib.admin.models import LogEntry

from users import avatars
from users.models import User
from users.tests.images import image_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("avatar_storage")]


@pytest.fixture
def staff(db):
    return User.objects.create_superuser(
        username="admin", email="admin@example.com", password="admin-pass-123"
    )


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def pictured(user):
    return avatars.avatar_set(user=user, actor=user, image=image_file("PNG"))


def test_the_user_page_shows_the_picture_with_a_remove_button(staff_client, pictured):
    response = staff_client.get(f"/admin/users/user/{pictured.pk}/change/")

    html = response.content.decode()
    assert f'src="/media/avatars/{pictured.avatar}-256.webp"' in html
    assert f'formaction="/admin/users/user/{pictured.pk}/remove-picture/"' in html


def test_staff_remove_a_picture_logged_in_the_security_log_and_the_admin_history(
    staff_client, staff, pictured, avatar_storage, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="overworld.security")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/users/user/{pictured.pk}/remove-picture/")

    assert response.status_code == 302
    assert User.objects.get(pk=pictured.pk).avatar == ""
    assert not list(avatar_storage.iterdir())
    assert f"avatar removed by staff user={pictured.pk} staff={staff.pk}" in caplog.text
    entry = LogEntry.objects.get(object_id=str(pictured.pk))
    assert (entry.user_id, entry.get_change_message()) == (staff.pk, "Removed the profile picture.")


def test_the_removal_view_takes_only_a_post_from_staff(client, staff_client, pictured, other_user):
    assert staff_client.get(f"/admin/users/user/{pictured.pk}/remove-picture/").status_code == 405
    client.force_login(other_user)
    assert client.post(f"/admin/users/user/{pictured.pk}/remove-picture/").status_code == 302  # to the login
    assert User.objects.get(pk=pictured.pk).avatar == pictured.avatar


def test_the_bulk_action_removes_the_selected_users_pictures(staff_client, pictured, other_user):
    response = staff_client.post(
        "/admin/users/user/",
        {"action": "remove_pictures", "_selected_action": [pictured.pk, other_user.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 picture(s) removed." in response.content.decode()
    assert User.objects.get(pk=pictured.pk).avatar == ""
