"""
Two app servers (gunicorn, production settings, one worker each) on two ports, sharing one PostgreSQL
database and the cache (Redis in CI), as two instances behind a load balancer would: a client that
alternates between them sees one system.
"""

import pytest

from overworld.tests.live import AppServer, server_environment

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def start_servers(tmp_path):
    started: list[AppServer] = []

    def start(count: int, **environment: str) -> list[AppServer]:
        shared = server_environment(tmp_path / "cache", **environment)
        servers = [AppServer(shared, tmp_path / f"server-{index}.log") for index in range(count)]
        for server in servers:
            started.append(server.start())
        for server in servers:
            server.wait_until_serving()
        return servers

    yield start
    for server in started:
        server.stop()


def register(server: AppServer, username: str) -> tuple[int, str]:
    answer = server.request(
        "POST",
        "/api/users/register/",
        {"username": username, "email": f"{username}@example.com", "password": "climbing-the-mountain"},
    )
    assert answer.status == 200, answer.body
    return answer.body["user"]["id"], answer.body["token"]


def test_a_follow_made_on_one_server_shows_on_the_other(start_servers):
    first, second = start_servers(2)
    madeline_id, madeline_token = register(first, "madeline")
    theo_id, _ = register(second, "theo")

    # A token issued by one server is good on the other.
    follow = second.request(
        "POST",
        "/api/users/follow/",
        {"username": "theo"},
        token=madeline_token,
        headers={"X-Request-ID": "scale-out-follow"},
    )
    assert follow.status == 200, follow.body
    assert follow.headers["X-Request-ID"] == "scale-out-follow"

    assert first.request("GET", "/api/users/theo").body["followers"] == [madeline_id]
    assert second.request("GET", "/api/users/madeline").body["following"] == [theo_id]

    unfollow = first.request("POST", "/api/users/unfollow/", {"username": "theo"}, token=madeline_token)
    assert unfollow.status == 200, unfollow.body
    assert second.request("GET", "/api/users/theo").body["followers"] == []

    # A token revoked on one server is dead on the other.
    assert second.request("POST", "/api/users/logout/", token=madeline_token).status == 204
    assert first.request("GET", "/api/users/user/", token=madeline_token).status == 401

    # Each server logged its own requests as JSON lines; the follow, with the request id it was sent.
    logged = {entry["request_id"]: entry for entry in second.request_log()}
    assert logged["scale-out-follow"]["path"] == "/api/users/follow/"
    assert logged["scale-out-follow"]["status"] == 200
    assert logged["scale-out-follow"]["user_id"] == madeline_id
    assert "scale-out-follow" not in {entry["request_id"] for entry in first.request_log()}


def test_the_login_lockout_and_throttle_count_across_both_servers(start_servers):
    servers = start_servers(2, THROTTLE_LOGIN="6/min", LOGIN_LOCKOUT_ATTEMPTS="5")
    register(servers[0], "madeline")

    def login(attempt: int, username: str, password: str):
        return servers[attempt % 2].request(
            "POST", "/api/users/login/", {"username": username, "password": password}
        )

    # Five failures, alternating: neither server saw more than three of them.
    for attempt in range(5):
        assert login(attempt, "madeline", "wrong-password").status == 400

    # The sixth login is refused by the lockout both servers share, the right password notwithstanding.
    locked = login(5, "madeline", "climbing-the-mountain")
    assert locked.status == 429
    assert locked.body["detail"].startswith("Too many failed logins for this account.")
    assert int(locked.headers["Retry-After"]) > 0

    # The seventh login of this client (four on one server, three on the other) passes the rate of six
    # a minute, counted across both: refused, whatever the account.
    throttled = login(6, "theo", "whatever-password")
    assert throttled.status == 429
    assert "throttled" in throttled.body["detail"]
