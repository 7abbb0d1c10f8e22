import pytest

from users import services
from users.models import Activity
from users.tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db


def events(response):
    return [
        (
            event["actor"]["username"],
            event["verb"],
            (event["game"] or {}).get("igdb"),
            (event["user"] or {}).get("username"),
        )
        for event in response.json()["results"]
    ]


def test_a_users_activity_newest_first(auth_client, api_client, user, other_user):
    auth_client.patch("/api/games/26226/state/", {"played": True, "game": {"name": "Celeste"}})
    auth_client.patch("/api/games/26226/state/", {"rating": 9})
    auth_client.post("/api/journal/", {"igdb": "26226", "played_on": "2026-01-05", "review": "Great."})
    auth_client.post("/api/users/follow/", {"username": "theo"})

    response = api_client.get("/api/users/madeline/activity/")

    assert response.status_code == 200
    assert events(response) == [
        ("madeline", "followed", None, "theo"),
        ("madeline", "logged", "26226", None),
        ("madeline", "rated", "26226", None),
        ("madeline", "shelved", "26226", None),
    ]
    results = response.json()["results"]
    assert results[2]["rating"] == 9
    assert results[3]["shelf"] == "played"
    assert results[1]["journal_entry"] is not None
    assert results[0]["created_at"]


def test_undoing_an_act_withdraws_its_event(auth_client, user, other_user):
    auth_client.patch("/api/games/26226/state/", {"wishlist": True, "rating": 4, "game": {"name": "Celeste"}})
    auth_client.post("/api/users/follow/", {"username": "theo"})
    entry = auth_client.post("/api/journal/", {"igdb": "26226", "played_on": "2026-01-05"}).json()

    auth_client.patch("/api/games/26226/state/", {"wishlist": False, "rating": None})
    auth_client.post("/api/users/unfollow/", {"username": "theo"})
    auth_client.delete(f"/api/journal/{entry['id']}/")

    assert not Activity.objects.exists()


def test_idempotent_requests_make_one_event(auth_client, user, other_user):
    for _ in range(2):
        auth_client.patch(
            "/api/games/26226/state/", {"played": True, "rating": 6, "game": {"name": "Celeste"}}
        )
        auth_client.post("/api/users/follow/", {"username": "theo"})

    assert Activity.objects.count() == 3


def test_a_new_rating_replaces_the_old_event(auth_client, user):
    auth_client.patch("/api/games/26226/state/", {"rating": 4, "game": {"name": "Celeste"}})
    auth_client.patch("/api/games/26226/state/", {"rating": 8})

    assert list(Activity.objects.values_list("verb", "rating")) == [("rated", 8)]


def test_feed_holds_the_events_of_everyone_followed(auth_client, user, other_user):
    stranger = UserFactory(username="stranger")
    FollowFactory(follower=user, followed=other_user)
    services.user_follow(follower=other_user, followed=stranger)
    services.user_follow(follower=stranger, followed=user)

    response = auth_client.get("/api/feed/")

    assert response.status_code == 200
    assert events(response) == [("theo", "followed", None, "stranger")]


def test_feed_needs_a_token(api_client, db):
    assert api_client.get("/api/feed/").status_code == 401


def test_activity_of_unknown_user_is_404(api_client, db):
    assert api_client.get("/api/users/nobody/activity/").status_code == 404


def test_feed_costs_the_same_however_many_are_followed(auth_client, user, django_assert_num_queries):
    def follow_more(count):
        for followed in UserFactory.create_batch(count):
            FollowFactory(follower=user, followed=followed)
            services.user_follow(follower=followed, followed=UserFactory())

    follow_more(1)
    with django_assert_num_queries(2) as few:
        auth_client.get("/api/feed/")
    follow_more(60)

    with django_assert_num_queries(len(few.captured_queries)):
        assert len(auth_client.get("/api/feed/", {"page_size": 50}).json()["results"]) == 50


def test_feed_pages_neither_repeat_nor_skip(auth_client, user, other_user):
    FollowFactory(follower=user, followed=other_user)
    for _ in range(5):
        services.user_follow(follower=other_user, followed=UserFactory())
    expected = list(Activity.objects.order_by("-id").values_list("id", flat=True))

    first = auth_client.get("/api/feed/", {"page_size": 2}).json()
    services.user_follow(follower=other_user, followed=UserFactory())
    seen = [event["id"] for event in first["results"]]
    next_url = first["next"]
    while next_url:
        page = auth_client.get(next_url).json()
        seen += [event["id"] for event in page["results"]]
        next_url = page["next"]

    assert seen == expected


def test_follows_of_a_deactivated_user_are_hidden_from_activity_and_feeds(
    auth_client, api_client, user, other_user
):
    reader = UserFactory(username="reader")
    FollowFactory(follower=reader, followed=user)
    auth_client.post("/api/users/follow/", {"username": "theo"})
    other_user.is_active = False
    other_user.save(update_fields=["is_active"])
    reader_client = api_client.__class__()
    reader_client.credentials(HTTP_AUTHORIZATION=f"Token {services.token_create(user=reader)}")

    assert events(api_client.get("/api/users/madeline/activity/")) == []
    assert events(reader_client.get("/api/feed/")) == []

    other_user.is_active = True
    other_user.save(update_fields=["is_active"])
    assert events(api_client.get("/api/users/madeline/activity/")) == [("madeline", "followed", None, "theo")]
