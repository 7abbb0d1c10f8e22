"""The feed's query plan at a realistic size, on PostgreSQL: it never scans the event table."""

import pytest
from django.db import connection

from users.models import Follow
from users.selectors import feed_list
from users.tests.factories import UserFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


@pytest.fixture
def reader():
    """1,000 users with 100,000 events between them (by the database itself), one reader following 10."""
    reader = UserFactory(username="reader")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO users_user (password, is_superuser, username, first_name, last_name, email,
                                    is_staff, is_active, date_joined, uuid, email_verified, bio, location,
                                    twitter, avatar, use_gravatar)
            SELECT '', false, 'user' || n, '', '', 'user' || n || '@example.com', false, true, now(),
                   gen_random_uuid(), true, '', '', '', '', false
            FROM generate_series(1, 1000) AS n
            """
        )
        cursor.execute(
            """
            INSERT INTO users_activity (actor_id, verb, shelf, created_at)
            SELECT (SELECT min(id) FROM users_user WHERE username LIKE 'user%') + n % 1000,
                   'followed', '', now()
            FROM generate_series(1, 100000) AS n
            """
        )
        cursor.execute("ANALYZE")
    Follow.objects.bulk_create(
        Follow(follower=reader, followed=followed)
        for followed in UserFactory._meta.model.objects.filter(username__startswith="user")[:10]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE users_follow")
    return reader


@pytest.mark.parametrize("before_id", [None, 50_000])
def test_the_feed_reads_events_by_index_only(reader, before_id):
    feed = feed_list(reader=reader, before_id=before_id, limit=21).order_by("-id")
    if before_id:
        feed = feed.filter(id__lt=before_id)

    plan = feed[:21].explain()

    assert "users_activity" in plan
    assert "Seq Scan on users_activity" not in plan
    assert "users_activity_actor_idx" in plan


def test_the_feed_has_the_events_of_the_followed_users_only(reader):
    followed = set(Follow.objects.filter(follower=reader).values_list("followed_id", flat=True))

    events = list(feed_list(reader=reader, limit=21).order_by("-id")[:21])

    assert len(events) == 21
    assert {event.actor_id for event in events} <= followed
    assert [event.id for event in events] == sorted((event.id for event in events), reverse=True)


@pytest.mark.parametrize("page_size", [7, 21])
def test_feed_pages_are_the_newest_events_of_the_followed_active_users(reader, page_size):
    """The bounded query's pages, walked to the end, against the plain definition of the feed."""
    from users.models import Activity, User

    followed = list(Follow.objects.filter(follower=reader).values_list("followed_id", flat=True))
    # Uneven activity: one followed user very active, one silent, one deactivated.
    Activity.objects.bulk_create(Activity(actor_id=followed[0], verb="followed") for _ in range(40))
    Activity.objects.filter(actor_id=followed[1]).delete()
    User.objects.filter(pk=followed[2]).update(is_active=False)
    expected = list(
        Activity.objects.filter(actor_id__in=followed, actor__is_active=True)
        .order_by("-id")
        .values_list("id", flat=True)
    )

    seen, before = [], None
    while True:
        page = list(
            feed_list(reader=reader, before_id=before, limit=page_size + 1)
            .filter(**({"id__lt": before} if before else {}))
            .order_by("-id")
            .values_list("id", flat=True)[: page_size + 1]
        )
        seen += page[:page_size]
        if len(page) <= page_size:
            break
        before = page[page_size - 1]

    assert seen == expected
