"""The IGDB client against the loopback server: tokens, retries, errors, rate limit, query building."""

import math
import socket
import threading
import time
from datetime import date

import pytest
import requests
import time_machine
from django.core.cache import cache

from games import igdb
from games.igdb import IgdbCompany, IgdbGame, get_client, id_list, parse_igdb_id, quote
from overworld.exceptions import UpstreamError, UpstreamUnavailableError

TOKEN_1 = "fake-token-1-4lgkzq9yq1ddbd2b0ilhb3c8h5"
TOKEN_2 = "fake-token-2-9xq3m1c0rjbgl6u2w4tpk8d7ae"


# Tokens.


def test_the_token_is_fetched_with_the_credentials_in_the_body(fake_igdb):
    fake_igdb.play("token", "game_celeste")

    get_client().games([26226])

    (token_request,) = fake_igdb.token_requests
    assert "client_id=test-client-id" in token_request.body
    assert "client_secret=test-client-secret" in token_request.body
    assert "grant_type=client_credentials" in token_request.body
    assert "secret" not in token_request.path
    (query,) = fake_igdb.igdb_requests
    assert query.headers["Client-ID"] == "test-client-id"
    assert query.headers["Authorization"] == f"Bearer {TOKEN_1}"


def test_the_token_is_cached_between_clients(fake_igdb):
    fake_igdb.play("token", "game_celeste", "game_celeste")

    get_client().games([26226])
    get_client().games([26226])

    assert len(fake_igdb.token_requests) == 1
    assert [request.headers["Authorization"] for request in fake_igdb.igdb_requests] == [
        f"Bearer {TOKEN_1}"
    ] * 2


def test_a_token_near_its_expiry_is_replaced(fake_igdb):
    fake_igdb.play("token", "game_celeste", "token", "game_celeste")

    get_client().games([26226])
    # The recorded token lives 5184000 s (60 days); a minute before its end it is not used any more.
    with time_machine.travel(time.time() + 5184000 - 30):
        get_client().games([26226])

    assert len(fake_igdb.token_requests) == 2


def test_an_expired_token_is_refreshed_on_401_and_the_query_retried(fake_igdb):
    fake_igdb.play("token", "expired_token", "game_celeste")

    (game,) = get_client().games([26226])

    assert game.name == "Celeste"
    assert [request.headers["Authorization"] for request in fake_igdb.igdb_requests] == [
        f"Bearer {TOKEN_1}",
        f"Bearer {TOKEN_2}",
    ]
    # The new token replaced the refused one in the cache.
    fake_igdb.play("game_celeste")
    get_client().games([26226])
    assert fake_igdb.igdb_requests[-1].headers["Authorization"] == f"Bearer {TOKEN_2}"


def test_a_second_401_is_a_bad_gateway_not_a_loop(fake_igdb):
    fake_igdb.play("token", "expired_token")
    fake_igdb.exchanges.append(fake_igdb.exchanges[1])  # IGDB refuses the new token too

    with pytest.raises(UpstreamError) as raised:
        get_client().games([26226])

    assert not isinstance(raised.value, UpstreamUnavailableError)
    assert "401" in raised.value.detail


def test_refused_credentials_are_a_bad_gateway(fake_igdb):
    fake_igdb.play("token_refused")

    with pytest.raises(UpstreamError) as raised:
        get_client().games([26226])

    assert not isinstance(raised.value, UpstreamUnavailableError)
    assert "test-client-secret" not in raised.value.detail
    assert fake_igdb.igdb_requests == []


# Retries.


def test_a_429_is_retried(fake_igdb):
    fake_igdb.play("token", "rate_limited_429", "game_celeste")

    (game,) = get_client().games([26226])

    assert game.igdb == "26226"
    assert len(fake_igdb.igdb_requests) == 2


def test_a_500_is_retried(fake_igdb):
    fake_igdb.play("token", "server_error_500", "game_celeste")

    (game,) = get_client().games([26226])

    assert game.igdb == "26226"
    assert len(fake_igdb.igdb_requests) == 2


def test_a_timeout_is_retried(fake_igdb, settings):
    settings.IGDB_TIMEOUT_SECONDS = 0.3
    fake_igdb.play("token", "timeout", "game_celeste")

    started = time.monotonic()
    (game,) = get_client().games([26226])

    assert game.igdb == "26226"
    assert len(fake_igdb.igdb_requests) == 2
    # The client gave up on the slow answer after its timeout (0.3 s), not after the 3 s it takes.
    assert time.monotonic() - started < 2.9


def test_retries_are_bounded_then_the_service_is_unavailable(fake_igdb, settings):
    fake_igdb.play("token", "server_error_500", "rate_limited_429", "server_error_500")

    with pytest.raises(UpstreamUnavailableError) as raised:
        get_client().games([26226])

    # 1 attempt + IGDB_MAX_RETRIES (2), no more.
    assert len(fake_igdb.igdb_requests) == settings.IGDB_MAX_RETRIES + 1
    assert "IGDB" in raised.value.detail
    assert raised.value.retry_after >= 1


def test_timeouts_all_along_are_a_service_unavailable(fake_igdb, settings):
    settings.IGDB_TIMEOUT_SECONDS = 0.3
    settings.IGDB_MAX_RETRIES = 1
    fake_igdb.play("token", "timeout", "timeout")

    with pytest.raises(UpstreamUnavailableError) as raised:
        get_client().games([26226])

    assert "timed out" in raised.value.detail


def test_a_request_waits_for_igdb_no_longer_than_its_budget(fake_igdb, settings):
    settings.IGDB_REQUEST_BUDGET_SECONDS = 0.5
    fake_igdb.play("token", "timeout")

    started = time.monotonic()
    with pytest.raises(UpstreamUnavailableError):
        get_client().games([26226])

    # One attempt, cut short by the budget (not the 5 s timeout), and no retry after it.
    assert time.monotonic() - started < 0.9
    assert len(fake_igdb.igdb_requests) == 1


def test_bulk_clients_have_no_budget(fake_igdb, settings):
    settings.IGDB_REQUEST_BUDGET_SECONDS = 0
    fake_igdb.play("token", "game_celeste")

    assert get_client(bounded=False).games([26226])[0].name == "Celeste"
    with pytest.raises(UpstreamUnavailableError):
        get_client().games([26226])


def test_an_unreachable_igdb_is_a_service_unavailable(settings):
    # A port that was free a moment ago: nothing listens there, the connection is refused.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.IGDB_CLIENT_ID, settings.IGDB_CLIENT_SECRET = "id", "secret"
    settings.TWITCH_TOKEN_URL = f"http://127.0.0.1:{port}/oauth2/token"
    settings.IGDB_API_URL = f"http://127.0.0.1:{port}/v4"
    settings.IGDB_RETRY_BACKOFF_SECONDS = 0.01

    with pytest.raises(UpstreamUnavailableError):
        get_client().games([26226])


def test_a_query_igdb_refuses_is_not_retried(fake_igdb):
    fake_igdb.play("token", "bad_query_400")

    with pytest.raises(UpstreamError) as raised:
        get_client().games([26226])

    assert not isinstance(raised.value, UpstreamUnavailableError)
    assert len(fake_igdb.igdb_requests) == 1


def test_an_answer_that_is_not_json_is_a_bad_gateway(fake_igdb):
    fake_igdb.play("token", "not_json")

    with pytest.raises(UpstreamError, match="not JSON"):
        get_client().games([26226])


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        ("-3", 0.0),
        ("99999", 3600.0),
        ("inf", None),
        ("nan", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", None),
        (None, None),
    ],
)
def test_retry_after_is_read_safely(header, seconds):
    response = requests.Response()
    if header is not None:
        response.headers["Retry-After"] = header

    assert igdb._retry_after(response) == seconds


def test_a_429s_retry_after_is_passed_on(fake_igdb, settings):
    settings.IGDB_MAX_RETRIES = 0
    fake_igdb.play("token", "rate_limited_429")
    fake_igdb.exchanges[-1]["response"] = {
        **fake_igdb.exchanges[-1]["response"],
        "headers": {"Retry-After": "7"},
    }

    with pytest.raises(UpstreamUnavailableError) as raised:
        get_client().games([26226])

    assert raised.value.retry_after == 7


def test_backoff_grows_and_is_capped():
    client = igdb.IgdbClient(
        client_id="id",
        client_secret="secret",
        api_url="http://127.0.0.1:9",
        token_url="http://127.0.0.1:9",
        timeout=1,
        max_retries=5,
        backoff_seconds=0.5,
        requests_per_second=4,
    )

    assert 0.25 <= client._backoff(1, None) <= 0.5
    assert 1.0 <= client._backoff(3, None) <= 2.0
    assert client._backoff(10, None) == igdb.MAX_BACKOFF_SECONDS
    assert client._backoff(1, 3.0) == 3.0
    assert client._backoff(1, 3600.0) == igdb.MAX_BACKOFF_SECONDS


# Rate limit.


def test_requests_are_spread_at_the_configured_rate(fake_igdb, settings):
    # IGDB's limit is 4 a second; 16 keeps the test short and the arithmetic the same.
    settings.IGDB_REQUESTS_PER_SECOND = 16
    fake_igdb.play("token", *["game_celeste"] * 6)
    client = get_client()

    started = time.monotonic()
    for _ in range(6):
        client.games([26226])

    # Six requests take six distinct 1/16 s slots: the last starts 5 slots after the first one's, which
    # had at most 1/16 s left, so at least 4/16 s after the first request.
    assert time.monotonic() - started >= 4 / 16


def test_the_rate_limit_is_shared_through_the_cache(fake_igdb, settings):
    """Another process's claimed slots (in the shared cache) are respected: this one waits past them."""
    settings.IGDB_REQUESTS_PER_SECOND = 16
    fake_igdb.play("token", "game_celeste")
    client = get_client()
    client._token()
    now_slot = math.floor(time.time() * 16)
    for slot in range(now_slot, now_slot + 4):
        cache.add(f"{client._slot_prefix}:{slot}", 1, timeout=10)

    started = time.time()
    client.games([26226])

    # The first free slot starts 4/16 s after the first claimed one, which began at most 1/16 s ago.
    assert time.time() - started >= 3 / 16


def test_threads_share_the_rate_limit(fake_igdb, settings):
    settings.IGDB_REQUESTS_PER_SECOND = 16
    fake_igdb.play("token", *["game_celeste"] * 8)
    get_client()._token()

    def four_queries():
        client = get_client()
        for _ in range(4):
            client.games([26226])

    threads = [threading.Thread(target=four_queries) for _ in range(2)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Eight distinct slots of 1/16 s: at least 7/16 - 1/16 s between the first claim and the last request.
    assert time.monotonic() - started >= 6 / 16
    assert len(fake_igdb.igdb_requests) == 8


def test_a_full_rate_limit_gives_up_instead_of_queueing_forever(fake_igdb, settings):
    settings.IGDB_REQUESTS_PER_SECOND = 4
    fake_igdb.play("token")
    client = get_client()
    client._token()
    now_slot = math.floor(time.time() * 4)
    for slot in range(now_slot, now_slot + 4 * igdb.RATE_LIMIT_MAX_WAIT_SECONDS + 8):
        cache.add(f"{client._slot_prefix}:{slot}", 1, timeout=igdb.RATE_LIMIT_MAX_WAIT_SECONDS + 10)

    with pytest.raises(UpstreamUnavailableError, match="Too many requests"):
        client.games([26226])

    assert fake_igdb.igdb_requests == []


# Query building: user input never reaches a query unescaped.


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("celeste", '"celeste"'),
        ('zelda"; fields *; where id = 1', '"zelda\\"; fields *; where id = 1"'),
        ("back\\slash", '"back\\\\slash"'),
        # A trailing backslash must not escape the closing quote.
        ("oops\\", '"oops\\\\"'),
        ('\\"; limit 500; "', '"\\\\\\"; limit 500; \\""'),
        ("two\nlines\r\x00tab\t", '"two lines  tab "'),
        ("Pokémon 日本", '"Pokémon 日本"'),
    ],
)
def test_quote_escapes_everything_that_could_end_the_string(text, literal):
    assert quote(text) == literal


def _apicalypse_string_end(body: str, start: int) -> int:
    """The index of the quote closing the string literal opened at `start` (a reader of Apicalypse)."""
    index = start + 1
    while body[index] != '"':
        index += 2 if body[index] == "\\" else 1
    return index


@pytest.mark.parametrize(
    "attack",
    [
        'x"; fields *; limit 500; where id > 0; search "y',
        'x\\"; fields *; limit 500; search "y',
        "x\\",
        'x"\n; fields *; //',
    ],
)
def test_a_search_for_an_injection_attempt_sends_one_search_clause(fake_igdb, attack):
    fake_igdb.play("token", "search_empty")

    get_client().search(attack, limit=20)

    (query,) = fake_igdb.igdb_requests
    body = query.body
    assert body.startswith('search "')
    end = _apicalypse_string_end(body, len("search "))
    # What follows the literal is the client's own query, untouched by the search text.
    assert body[end + 1 :] == (
        "; fields name,slug,first_release_date,cover.image_id; where version_parent = null; limit 20;"
    )
    assert "\n" not in body


@pytest.mark.parametrize(
    "value",
    ["1;fields *", "1 | 2", "0", "-1", "01", "1.5", "", "abc", "²", "9223372036854775808", " 1", "1e3"],
)
def test_parse_igdb_id_refuses_what_is_not_an_igdb_id(value):
    assert parse_igdb_id(value) is None


def test_parse_igdb_id_reads_an_igdb_id():
    assert parse_igdb_id("26226") == 26226
    assert parse_igdb_id("9223372036854775807") == 2**63 - 1


@pytest.mark.parametrize(
    "ids", [["1"], [1.0], [True], [0], [-5], [2**63], ["1); fields *; ("], [], [1] * 501]
)
def test_id_list_refuses_anything_but_ids(ids):
    with pytest.raises(ValueError):
        id_list(ids)


def test_id_list():
    assert id_list([26226, 14593]) == "(26226,14593)"


def test_limits_are_validated(fake_igdb):
    with pytest.raises(ValueError):
        get_client().search("celeste", limit="20; fields *")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        get_client().search("celeste", limit=501)


def test_games_query(fake_igdb):
    fake_igdb.play("token", "game_celeste")

    get_client().games([26226])

    assert fake_igdb.igdb_requests[0].body == (
        "fields name,slug,first_release_date,cover.image_id,summary,genres.name,platforms.name,"
        "screenshots.image_id,artworks.image_id,involved_companies.developer,"
        "involved_companies.company.name; where id = (26226); limit 1;"
    )


# Reading IGDB's answers.


def test_a_game_is_read_from_igdb_answer(fake_igdb):
    fake_igdb.play("token", "game_celeste")

    (game,) = get_client().games([26226])

    assert game == IgdbGame(
        igdb="26226",
        name="Celeste",
        slug="celeste",
        first_release_date=date(2018, 1, 25),
        cover_id="co1rgi",
        summary=game.summary,
        genres=["Platform", "Adventure", "Indie"],
        platforms=["PC (Microsoft Windows)", "Nintendo Switch", "PlayStation 4"],
        developers=["Maddy Makes Games"],
        developer_ids={"18446": "Maddy Makes Games"},
        screenshots=["sc4o6r", "sc4o6s"],
        artwork_id="ar4s6",
    )
    assert game.summary.startswith("Help Madeline survive")


def test_a_company_is_read_from_igdb_answer(fake_igdb):
    fake_igdb.play("token", "company_maddy")

    company = get_client().company(18446)

    assert (company.igdb, company.name, company.start_date, company.logo_id) == (
        "18446",
        "Maddy Makes Games",
        date(2010, 1, 1),
        "cl3wv",
    )
    assert company.description.startswith("Maddy Makes Games is")
    assert [(game.igdb, game.slug, game.cover_id) for game in company.developed] == [
        ("26226", "celeste", "co1rgi"),
        ("115276", "celeste-classic", "co1wzo"),
        ("136166", "celeste-classic-2-lanis-trek", ""),
    ]
    assert fake_igdb.igdb_requests[0].path == "/v4/companies"


def test_a_company_igdb_does_not_know_is_none(fake_igdb):
    fake_igdb.play("token", "company_unknown")

    assert get_client().company(999999) is None


def test_a_company_is_asked_by_an_id_only(fake_igdb):
    for attack in ("18446; fields *", 0, -1, 2**63):
        with pytest.raises(ValueError):
            get_client().company(attack)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "raw",
    [
        {"id": 7, "name": None, "logo": "cl1", "start_date": "2010", "developed": "celeste"},
        {"id": 7, "logo": {"image_id": "../../etc"}, "developed": [None, {"id": 8, "cover": []}]},
    ],
)
def test_odd_company_answers_are_read_without_crashing(raw):
    company = IgdbCompany.from_api(raw)

    assert (company.igdb, company.name, company.logo_id, company.start_date) == ("7", "", "", None)
    assert all(game.cover_id == "" for game in company.developed)


@pytest.mark.parametrize("raw", [{}, {"id": "7"}, None, {"id": 7, "developed": [{"id": "8"}]}])
def test_a_company_without_an_id_is_a_bad_answer(raw):
    with pytest.raises(UpstreamError):
        IgdbCompany.from_api(raw)


def test_a_games_developers_keep_their_company_ids():
    game = IgdbGame.from_api(
        {
            "id": 7,
            "involved_companies": [
                {"company": {"id": 1, "name": "Studio"}, "developer": True},
                {"company": {"id": 2, "name": "Publisher"}, "developer": False},
                {"company": {"id": "3", "name": "Odd id"}, "developer": True},
                {"company": {"id": 4}, "developer": True},
            ],
        }
    )

    assert game.developers == ["Studio", "Odd id"]
    assert game.developer_ids == {"1": "Studio"}


def test_popular_games_come_in_popularity_order(fake_igdb):
    fake_igdb.play("token", "popular")

    games = get_client().popular(limit=3)

    assert [game.name for game in games] == ["Elden Ring", "Celeste", "Hollow Knight"]
    primitives, games_query = fake_igdb.igdb_requests
    assert primitives.path == "/v4/popularity_primitives"
    assert "where popularity_type = 1;" in primitives.body
    assert "sort value desc;" in primitives.body
    assert "where id = (119133,26226,14593);" in games_query.body


@pytest.mark.parametrize(
    "raw",
    [
        {"id": 7, "name": None, "cover": "co1", "genres": "Platform", "first_release_date": "2018"},
        {"id": 7, "screenshots": [None, {"image_id": "../../etc"}], "involved_companies": [{"developer": 1}]},
        {"id": 7, "first_release_date": 10**20},
    ],
)
def test_odd_answers_are_read_without_crashing(raw):
    game = IgdbGame.from_api(raw)

    assert game.igdb == "7"
    assert game.screenshots == []
    assert game.first_release_date is None


@pytest.mark.parametrize("raw", [{}, {"id": "7"}, {"id": -1}, None, []])
def test_a_game_without_an_id_is_a_bad_answer(raw):
    with pytest.raises(UpstreamError):
        IgdbGame.from_api(raw)


def test_image_urls():
    assert igdb.image_urls("co1rgi", igdb.COVER_SIZES) == {
        "thumb": "https://images.igdb.com/igdb/image/upload/t_thumb/co1rgi.jpg",
        "cover_small": "https://images.igdb.com/igdb/image/upload/t_cover_small/co1rgi.jpg",
        "cover_big": "https://images.igdb.com/igdb/image/upload/t_cover_big/co1rgi.jpg",
        "720p": "https://images.igdb.com/igdb/image/upload/t_720p/co1rgi.jpg",
        "1080p": "https://images.igdb.com/igdb/image/upload/t_1080p/co1rgi.jpg",
    }
    assert igdb.image_urls("", igdb.COVER_SIZES) is None
    assert igdb.image_urls("../../x", igdb.COVER_SIZES) is None


def test_without_credentials_there_is_no_client(settings):
    settings.IGDB_CLIENT_ID = ""
    assert get_client() is None
