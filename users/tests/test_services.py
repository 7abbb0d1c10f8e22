import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import get_resolver

from overworld.exceptions import ForbiddenError
from users import services
from users.models import Activity, Follow, User
from users.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_register_hashes_the_password():
    user = services.user_register(username="madeline", email="Madeline@EXAMPLE.com", password=PASSWORD)

    assert user.password != PASSWORD
    assert user.check_password(PASSWORD)
    assert user.email == "Madeline@example.com"
    assert user.uuid is not None


def test_register_reports_every_field_at_once(user):
    with pytest.raises(ValidationError) as error:
        services.user_register(username="MADELINE", email="madeline@example.com", password="123")

    assert set(error.value.message_dict) == {"username", "email", "password"}


def test_password_similar_to_username_is_refused():
    with pytest.raises(ValidationError) as error:
        services.user_register(username="madeline99", email="m@example.com", password="madeline99")

    assert "password" in error.value.message_dict


def test_database_refuses_case_insensitive_duplicate_username(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="MADELINE", email="another@example.com")


def test_database_refuses_case_insensitive_duplicate_email(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="another", email="MADELINE@example.com")


def test_database_refuses_self_follow(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=user, followed=user)


def test_database_refuses_duplicate_follow(user, other_user):
    Follow.objects.create(follower=user, followed=other_user)

    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=user, followed=other_user)


def test_follow_is_idempotent(user, other_user):
    first = services.user_follow(follower=user, followed=other_user)
    second = services.user_follow(follower=user, followed=other_user)

    assert first.pk == second.pk
    assert Follow.objects.count() == 1
    assert Activity.objects.filter(actor=user, verb=Activity.Verb.FOLLOWED, target=other_user).count() == 1


def test_follow_yourself_is_a_validation_error(user):
    with pytest.raises(ValidationError):
        services.user_follow(follower=user, followed=user)


def test_unfollow_only_removes_that_follow(user, other_user):
    services.user_follow(follower=user, followed=other_user)
    services.user_follow(follower=other_user, followed=user)

    services.user_unfollow(follower=user, followed=other_user)

    assert list(Follow.objects.values_list("follower", "followed")) == [(other_user.pk, user.pk)]


def test_profile_update_by_someone_else_is_forbidden(user, other_user):
    with pytest.raises(ForbiddenError):
        services.user_profile_update(user=user, actor=other_user, data={"bio": "x"})


def test_profile_update_ignores_unlisted_fields(user):
    services.user_profile_update(user=user, actor=user, data={"is_staff": True, "bio": "hi"})

    user.refresh_from_db()
    assert (user.is_staff, user.bio) == (False, "hi")


def test_login_with_unknown_user_and_wrong_password_are_alike(user):
    with pytest.raises(ValidationError) as unknown:
        services.user_authenticate(request=None, username="nobody", password=PASSWORD)
    with pytest.raises(ValidationError) as wrong:
        services.user_authenticate(request=None, username="madeline", password="wrong")

    assert unknown.value.messages == wrong.value.messages == ["Incorrect username/password."]


def test_every_route_under_api_users_is_a_reserved_username():
    api_urls = next(pattern for pattern in get_resolver().url_patterns if str(pattern.pattern) == "api/")
    first_segments = set()
    for pattern in api_urls.url_patterns:
        route = str(pattern.pattern).lstrip("^")
        if not route.startswith("users/"):
            continue
        segment = route.split("/")[1]
        if not segment.startswith("(?P<"):
            first_segments.add(segment)

    assert first_segments
    assert first_segments <= services.RESERVED_USERNAMES
