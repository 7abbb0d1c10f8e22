import pytest

from users.models import Follow
from users.tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db


def usernames(response):
    return [user["username"] for user in response.json()["results"]]


def test_followers_newest_first_with_whether_you_follow_them(auth_client, user, other_user):
    celeste = UserFactory(username="celeste")
    FollowFactory(follower=other_user, followed=celeste)
    FollowFactory(follower=user, followed=celeste)
    FollowFactory(follower=user, followed=other_user)

    response = auth_client.get("/api/users/celeste/followers/")

    assert response.status_code == 200
    assert response.json() == {
        "next": None,
        "results": [
            {"id": user.id, "username": "madeline", "avatar": None, "followed_by_you": False},
            {"id": other_user.id, "username": "theo", "avatar": None, "followed_by_you": True},
        ],
    }


def test_following_list(api_client, user, other_user):
    granny = UserFactory(username="granny")
    FollowFactory(follower=user, followed=other_user)
    FollowFactory(follower=user, followed=granny)

    response = api_client.get("/api/users/madeline/following")

    assert usernames(response) == ["granny", "theo"]
    assert response.json()["results"][0]["followed_by_you"] is None


def test_deactivated_users_are_left_out(api_client, user, other_user):
    FollowFactory(follower=other_user, followed=user)
    other_user.is_active = False
    other_user.save()

    assert usernames(api_client.get("/api/users/madeline/followers/")) == []


@pytest.mark.parametrize("path", ["followers", "following"])
def test_unknown_user_is_404(api_client, db, path):
    response = api_client.get(f"/api/users/nobody/{path}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_pages_neither_repeat_nor_skip_when_follows_arrive_between_pages(api_client, user):
    for follower in UserFactory.create_batch(5):
        FollowFactory(follower=follower, followed=user)
    expected = list(
        Follow.objects.filter(followed=user).order_by("-id").values_list("follower__username", flat=True)
    )

    first = api_client.get("/api/users/madeline/followers/", {"page_size": 2}).json()
    for newcomer in UserFactory.create_batch(3):
        FollowFactory(follower=newcomer, followed=user)
    seen = [entry["username"] for entry in first["results"]]
    next_url = first["next"]
    while next_url:
        page = api_client.get(next_url).json()
        seen += [entry["username"] for entry in page["results"]]
        next_url = page["next"]

    assert seen == expected


def test_page_size_is_bounded(api_client, user):
    for follower in UserFactory.create_batch(3):
        FollowFactory(follower=follower, followed=user)

    assert len(api_client.get("/api/users/madeline/followers/", {"page_size": 1}).json()["results"]) == 1
    assert len(api_client.get("/api/users/madeline/followers/", {"page_size": 0}).json()["results"]) == 1
    assert len(api_client.get("/api/users/madeline/followers/", {"page_size": "x"}).json()["results"]) == 3


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJ4Il0", "!!!"])
def test_an_invalid_cursor_is_400(api_client, user, cursor):
    response = api_client.get("/api/users/madeline/followers/", {"cursor": cursor})

    assert response.status_code == 400
    assert "cursor" in response.json()


def test_list_queries_do_not_grow_with_the_page(auth_client, user, django_assert_max_num_queries):
    for follower in UserFactory.create_batch(60):
        FollowFactory(follower=follower, followed=user)
        FollowFactory(follower=user, followed=follower)

    # token, user, page, which of them the viewer follows
    with django_assert_max_num_queries(4):
        assert (
            len(auth_client.get("/api/users/madeline/followers/", {"page_size": 50}).json()["results"]) == 50
        )
    with django_assert_max_num_queries(4):
        assert (
            len(auth_client.get("/api/users/madeline/following/", {"page_size": 50}).json()["results"]) == 50
        )
