"""
The IGDB client: the source of the game catalogue.

- Authentication: Twitch's client-credentials OAuth flow. The app token is kept in Django's cache
  (shared by every process) until shortly before it expires, and fetched again when IGDB answers 401.
- Rate limit: IGDB allows 4 requests per second per client id. Each request first claims a slot of
  1/4 s in the shared cache (an atomic `SET NX` on Redis), the first free one from now on, and waits
  for it: at most one request per slot across every process and thread. With the file cache
  (no REDIS_URL) the claim is atomic within a process only; the 429 retries cover the rest.
- Timeouts on every request; bounded retries with exponential backoff and jitter after a timeout, a
  connection error, a 429 or a 5xx (honouring Retry-After); and a budget for all of a client's work
  (IGDB_REQUEST_BUDGET_SECONDS) when it serves an API request.
- A circuit breaker shared by every process through the cache: after IGDB_BREAKER_FAILURES failed
  attempts in a row (timeouts, connection errors, 5xx), every call fails at once (503, or the
  catalogue's local answer) for IGDB_BREAKER_COOLOFF_SECONDS, instead of holding a worker for its
  whole budget; then calls go through again, and one more failure opens it again.
- Failures become domain errors: `UpstreamUnavailableError` (503: unreachable, slow, overloaded) and
  `UpstreamError` (502: an answer that cannot be used, credentials refused).
- Queries are Apicalypse text. User input only enters it through `quote` (strings) and `id_list`
  (integers): never interpolated raw.
"""

import hashlib
import logging
import math
import random
import re
import threading
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import requests
from django.conf import settings
from django.core.cache import cache

from overworld.exceptions import UpstreamError, UpstreamUnavailableError

logger = logging.getLogger(__name__)

IMAGE_URL = "https://images.igdb.com/igdb/image/upload/t_{size}/{image_id}.jpg"
COVER_SIZES = ("thumb", "cover_small", "cover_big", "720p", "1080p")
SCREENSHOT_SIZES = ("thumb", "screenshot_med", "screenshot_big", "screenshot_huge", "720p", "1080p")
_IMAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

# IGDB ids are positive 64-bit integers, written without leading zeros.
_IGDB_ID = re.compile(r"[1-9][0-9]{0,18}")
_MAX_ID = 2**63 - 1
# The most results IGDB returns for one query.
MAX_LIMIT = 500

# IGDB's popularity type 1: visits of a game's IGDB page.
POPULARITY_TYPE_VISITS = 1

SUMMARY_FIELDS = ("name", "slug", "first_release_date", "cover.image_id")
DETAIL_FIELDS = (
    *SUMMARY_FIELDS,
    "summary",
    "genres.name",
    "platforms.name",
    "screenshots.image_id",
    "artworks.image_id",
    "involved_companies.developer",
    "involved_companies.company.name",
)
# A company's page: what the original web client's developer page shows.
COMPANY_FIELDS = (
    "name",
    "description",
    "start_date",
    "logo.image_id",
    "developed.slug",
    "developed.cover.image_id",
)

# A token is used only while it has this much life left.
TOKEN_EXPIRY_MARGIN_SECONDS = 60
# A request waits at most this long for a free rate-limit slot before giving up (503).
RATE_LIMIT_MAX_WAIT_SECONDS = 5
# Longest pause between two attempts, whatever Retry-After asks for.
MAX_BACKOFF_SECONDS = 4.0
# An attempt is not started with less time than this left in the client's budget.
MIN_ATTEMPT_SECONDS = 0.1

# Rate-limit slots are claimed under this lock, so the threads of one process never share one.
_slot_lock = threading.Lock()
# requests.Session is not thread-safe: one per thread, reused for its connection pool.
_local = threading.local()


def image_url(image_id: str, size: str) -> str | None:
    """The URL of an IGDB image in one of its sizes; None for an id that is not an IGDB image id."""
    if not image_id or not _IMAGE_ID.fullmatch(image_id):
        return None
    return IMAGE_URL.format(size=size, image_id=image_id)


def image_urls(image_id: str, sizes: Iterable[str]) -> dict[str, str] | None:
    if not image_id or not _IMAGE_ID.fullmatch(image_id):
        return None
    return {size: IMAGE_URL.format(size=size, image_id=image_id) for size in sizes}


def parse_igdb_id(value: str) -> int | None:
    """The IGDB id written in `value`, or None when it is not one (a local id, leading zeros, ...)."""
    if not isinstance(value, str) or not _IGDB_ID.fullmatch(value):
        return None
    number = int(value)
    return number if number <= _MAX_ID else None


def quote(text: str) -> str:
    """
    `text` as an Apicalypse string literal: backslashes and double quotes escaped, control characters
    (newlines included) turned into spaces, so that nothing in it can end the string or the clause.
    """
    cleaned = "".join(" " if unicodedata.category(char).startswith("C") else char for char in text)
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def id_list(ids: Iterable[int]) -> str:
    """An Apicalypse list of ids, `(1,2,3)`; anything but a valid IGDB id is refused (ValueError)."""
    ids = list(ids)
    if not ids or len(ids) > MAX_LIMIT:
        raise ValueError(f"Between 1 and {MAX_LIMIT} ids are needed, not {len(ids)}.")
    for igdb_id in ids:
        if type(igdb_id) is not int or not 0 < igdb_id <= _MAX_ID:
            raise ValueError(f"Not an IGDB id: {igdb_id!r}")
    return "(" + ",".join(str(igdb_id) for igdb_id in ids) + ")"


def _limit(limit: int) -> int:
    if type(limit) is not int or not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"A limit is 1 to {MAX_LIMIT}, not {limit!r}.")
    return limit


@dataclass(frozen=True)
class IgdbRecord:
    """What every record IGDB answers has: its id (as a string, like `Game.igdb`) and its name."""

    igdb: str
    name: str

    @staticmethod
    def fields_from_api(raw: dict, kind: str) -> dict:
        """The id and name of one record of an IGDB answer; one without a valid id is a bad answer (502)."""
        if not isinstance(raw, dict) or type(raw.get("id")) is not int or raw["id"] <= 0:
            raise UpstreamError(f"IGDB answered with a {kind} without a valid id.")
        return {"igdb": str(raw["id"]), "name": _text(raw.get("name"))[:255]}


@dataclass(frozen=True)
class IgdbGame(IgdbRecord):
    """A game as IGDB describes it, with the attribute names of `games.models.Game`."""

    slug: str = ""
    first_release_date: date | None = None
    cover_id: str = ""
    summary: str = ""
    genres: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    developers: list[str] = field(default_factory=list)
    # The developers' IGDB company ids, each with its name: {"18446": "Maddy Makes Games"}.
    developer_ids: dict[str, str] = field(default_factory=dict)
    screenshots: list[str] = field(default_factory=list)
    artwork_id: str = ""

    @classmethod
    def from_api(cls, raw: dict) -> "IgdbGame":
        """Reads one game of an IGDB answer."""
        record = cls.fields_from_api(raw, "game")
        companies = _dicts(raw.get("involved_companies"))
        developed = [company.get("company") for company in companies if company.get("developer")]
        return cls(
            **record,
            slug=_text(raw.get("slug"))[:255],
            first_release_date=_date(raw.get("first_release_date")),
            cover_id=_image_id(raw.get("cover")),
            summary=_text(raw.get("summary")),
            genres=_names(_dicts(raw.get("genres"))),
            platforms=_names(_dicts(raw.get("platforms"))),
            developers=_names(developed),
            developer_ids=_names_by_id(developed),
            screenshots=[image for image in map(_image_id, _dicts(raw.get("screenshots"))) if image],
            artwork_id=next(filter(None, map(_image_id, _dicts(raw.get("artworks")))), ""),
        )


@dataclass(frozen=True)
class IgdbCompany(IgdbRecord):
    """
    A company as IGDB describes it, with the games it developed (their slugs and covers): IgdbGames,
    or, for a company known here only, the stored Games (they have the same attributes).
    """

    description: str = ""
    start_date: date | None = None
    logo_id: str = ""
    developed: list = field(default_factory=list)

    @classmethod
    def from_api(cls, raw: dict) -> "IgdbCompany":
        """Reads one company of an IGDB answer."""
        return cls(
            **cls.fields_from_api(raw, "company"),
            description=_text(raw.get("description")),
            start_date=_date(raw.get("start_date")),
            logo_id=_image_id(raw.get("logo")),
            developed=[IgdbGame.from_api(game) for game in _dicts(raw.get("developed"))],
        )


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _names(items: Iterable) -> list[str]:
    """The distinct names of these objects, in order."""
    names = []
    for item in items:
        name = _text(item.get("name")) if isinstance(item, dict) else ""
        if name and name not in names:
            names.append(name)
    return names


def _names_by_id(items: Iterable) -> dict[str, str]:
    """The names of these objects by their IGDB id (IGDB answers every object with its `id`)."""
    names = {}
    for item in items:
        if not isinstance(item, dict) or type(item.get("id")) is not int or not 0 < item["id"] <= _MAX_ID:
            continue
        name = _text(item.get("name"))
        if name:
            names.setdefault(str(item["id"]), name)
    return names


def _image_id(value) -> str:
    image_id = value.get("image_id") if isinstance(value, dict) else None
    return image_id if isinstance(image_id, str) and _IMAGE_ID.fullmatch(image_id) else ""


def _date(timestamp) -> date | None:
    if type(timestamp) is not int:
        return None
    try:
        return datetime.fromtimestamp(timestamp, UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


class IgdbClient:
    """One IGDB client id's access to the API; build it with `get_client()`."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        api_url: str,
        token_url: str,
        timeout: float,
        max_retries: int,
        backoff_seconds: float,
        requests_per_second: float,
        budget_seconds: float | None = None,
    ):
        self.client_id = client_id
        self.client_secret = client_secret
        self.api_url = api_url.rstrip("/")
        self.token_url = token_url
        self.timeout = timeout
        self.max_retries = max(0, max_retries)
        self.backoff_seconds = backoff_seconds
        self.requests_per_second = requests_per_second
        # Everything this client does (tokens, rate-limit waits, attempts, pauses) ends by then.
        self._deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
        # Per client id, so that new credentials never use the old ones' token.
        digest = hashlib.sha256(client_id.encode()).hexdigest()[:16]
        self._token_key = f"igdb:token:{digest}"
        self._slot_prefix = f"igdb:slot:{digest}"
        self._breaker_key = f"igdb:breaker-open-until:{digest}"
        self._failures_key = f"igdb:breaker-failures:{digest}"

    # The catalogue's queries.

    def search(self, text: str, *, limit: int, detailed: bool = False) -> list[IgdbGame]:
        """Games whose name matches `text`, IGDB's best match first (main games, not editions)."""
        fields = DETAIL_FIELDS if detailed else SUMMARY_FIELDS
        body = (
            f"search {quote(text)}; fields {','.join(fields)}; "
            f"where version_parent = null; limit {_limit(limit)};"
        )
        return [IgdbGame.from_api(raw) for raw in self.query("games", body)]

    def games(self, ids: Iterable[int]) -> list[IgdbGame]:
        """The details of the games with these ids that IGDB knows, in the order of `ids`."""
        ids = list(ids)
        body = f"fields {','.join(DETAIL_FIELDS)}; where id = {id_list(ids)}; limit {len(ids)};"
        found = {game.igdb: game for game in map(IgdbGame.from_api, self.query("games", body))}
        return [found[str(igdb_id)] for igdb_id in ids if str(igdb_id) in found]

    def game_by_slug(self, slug: str) -> IgdbGame | None:
        """The details of the game with this IGDB slug; None when IGDB has none."""
        body = f"fields {','.join(DETAIL_FIELDS)}; where slug = {quote(slug)}; limit 1;"
        found = [IgdbGame.from_api(raw) for raw in self.query("games", body)]
        return found[0] if found else None

    def company(self, igdb_id: int) -> IgdbCompany | None:
        """The company with this IGDB id and the games it developed; None when IGDB has none."""
        body = f"fields {','.join(COMPANY_FIELDS)}; where id = {id_list([igdb_id])}; limit 1;"
        found = [IgdbCompany.from_api(raw) for raw in self.query("companies", body)]
        return found[0] if found else None

    def releases(self, *, after: int, before: int, limit: int, newest_first: bool) -> list[IgdbGame]:
        """Main games first released between two Unix times (exclusive), by release date."""
        if type(after) is not int or type(before) is not int:
            raise ValueError("Release bounds are Unix times (integers).")
        body = (
            f"fields {','.join(SUMMARY_FIELDS)}; where first_release_date > {after} & "
            f"first_release_date < {before} & version_parent = null; "
            f"sort first_release_date {'desc' if newest_first else 'asc'}; limit {_limit(limit)};"
        )
        return [IgdbGame.from_api(raw) for raw in self.query("games", body)]

    def popular(self, *, limit: int) -> list[IgdbGame]:
        """The most visited games on IGDB right now, most popular first."""
        body = (
            f"fields game_id,value; where popularity_type = {POPULARITY_TYPE_VISITS}; "
            f"sort value desc; limit {_limit(limit)};"
        )
        ids = []
        for raw in self.query("popularity_primitives", body):
            game_id = raw.get("game_id") if isinstance(raw, dict) else None
            if type(game_id) is int and 0 < game_id <= _MAX_ID and game_id not in ids:
                ids.append(game_id)
        if not ids:
            return []
        body = f"fields {','.join(SUMMARY_FIELDS)}; where id = {id_list(ids)}; limit {len(ids)};"
        found = {game.igdb: game for game in map(IgdbGame.from_api, self.query("games", body))}
        return [found[str(game_id)] for game_id in ids if str(game_id) in found]

    # Transport.

    def query(self, endpoint: str, body: str) -> list[dict]:
        """POSTs an Apicalypse query to an endpoint; its JSON list of results."""
        token = self._token()
        refreshed = False
        while True:
            response = self._send(
                f"{self.api_url}/{endpoint}",
                what="IGDB",
                rate_limited=True,
                data=body.encode(),
                headers={
                    "Client-ID": self.client_id,
                    "Authorization": f"Bearer {token}",
                    "Accept": "application/json",
                    "Content-Type": "text/plain",
                },
            )
            if response.status_code == 401 and not refreshed:
                # The token expired or was revoked before its time: get another one, once.
                logger.info("IGDB refused the app token (401); fetching a new one.")
                self._forget_token(token)
                token = self._token()
                refreshed = True
                continue
            break
        if response.status_code != 200:
            logger.error("IGDB answered %s to a query of /%s.", response.status_code, endpoint)
            raise UpstreamError(f"IGDB refused the query (HTTP {response.status_code}).")
        try:
            results = response.json()
        except ValueError as error:
            raise UpstreamError("IGDB answered something that is not JSON.") from error
        if not isinstance(results, list):
            raise UpstreamError("IGDB answered something that is not a list of results.")
        return results

    def _token(self) -> str:
        cached = cache.get(self._token_key)
        if (
            isinstance(cached, dict)
            and cached.get("expires_at", 0) > time.time() + TOKEN_EXPIRY_MARGIN_SECONDS
        ):
            return cached["access_token"]
        response = self._send(
            self.token_url,
            what="Twitch's token endpoint",
            rate_limited=False,
            # In the body, not the URL: the secret must not end up in access logs.
            data={
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "grant_type": "client_credentials",
            },
        )
        if response.status_code != 200:
            logger.error("Twitch refused IGDB's credentials (HTTP %s).", response.status_code)
            raise UpstreamError(f"Twitch refused IGDB's credentials (HTTP {response.status_code}).")
        try:
            payload = response.json()
            access_token, expires_in = payload["access_token"], payload["expires_in"]
        except (ValueError, KeyError, TypeError) as error:
            raise UpstreamError("Twitch answered something that is not a token.") from error
        if not isinstance(access_token, str) or not access_token or type(expires_in) is not int:
            raise UpstreamError("Twitch answered something that is not a token.")
        cache.set(
            self._token_key,
            {"access_token": access_token, "expires_at": time.time() + expires_in},
            timeout=max(expires_in - TOKEN_EXPIRY_MARGIN_SECONDS, 1),
        )
        return access_token

    def _forget_token(self, token: str) -> None:
        # Only if it is still the cached one: another process may have fetched a fresh one already.
        cached = cache.get(self._token_key)
        if isinstance(cached, dict) and cached.get("access_token") == token:
            cache.delete(self._token_key)

    def _send(self, url: str, *, what: str, rate_limited: bool, **kwargs) -> requests.Response:
        """
        POSTs, retrying a bounded number of times with backoff on a timeout, a connection error,
        a 429 or a 5xx; any other answer is returned. Running out of attempts is a 503.
        """
        retry_after, reason = None, "took too long"
        for attempt in range(self.max_retries + 1):
            self._breaker_check(what)
            if attempt:
                pause = self._backoff(attempt, retry_after)
                if self._remaining() < pause + MIN_ATTEMPT_SECONDS:
                    break
                time.sleep(pause)
            if rate_limited:
                self._wait_for_slot()
            timeout = min(self.timeout, self._remaining())
            if timeout < MIN_ATTEMPT_SECONDS:
                reason = "took too long"
                break
            try:
                response = _session().post(url, timeout=timeout, allow_redirects=False, **kwargs)
            except requests.Timeout:
                reason, retry_after = "timed out", None
                self._breaker_failure(what)
            except requests.RequestException as error:
                reason, retry_after = f"failed ({error.__class__.__name__})", None
                self._breaker_failure(what)
            else:
                if response.status_code != 429 and response.status_code < 500:
                    self._breaker_success()
                    return response
                reason, retry_after = f"answered {response.status_code}", _retry_after(response)
                if response.status_code >= 500:
                    self._breaker_failure(what)
            logger.warning("%s %s (attempt %d of %d).", what, reason, attempt + 1, self.max_retries + 1)
        raise UpstreamUnavailableError(
            f"{what} is unavailable ({reason}); try again later.",
            retry_after=max(1, math.ceil(retry_after)) if retry_after is not None else 5,
        )

    # The circuit breaker, in the shared cache.

    def _breaker_check(self, what: str) -> None:
        open_until = cache.get(self._breaker_key)
        if open_until is not None and open_until > time.time():
            raise UpstreamUnavailableError(
                f"{what} is unavailable (failing repeatedly); try again later.",
                retry_after=max(1, math.ceil(open_until - time.time())),
            )

    def _breaker_failure(self, what: str) -> None:
        threshold = settings.IGDB_BREAKER_FAILURES
        if threshold <= 0:
            return
        cooloff = settings.IGDB_BREAKER_COOLOFF_SECONDS
        cache.add(self._failures_key, 0, timeout=cooloff * 2)
        try:
            failures = cache.incr(self._failures_key)
        except ValueError:
            failures = 1
        if failures < threshold:
            return
        cache.set(self._breaker_key, time.time() + cooloff, timeout=cooloff + 1)
        # Half-open after the cool-off: one more failure opens it again; a success closes it.
        cache.set(self._failures_key, threshold - 1, timeout=cooloff * 2)
        logger.warning("%s failed %d times in a row: calls fail fast for %d s.", what, failures, cooloff)

    def _breaker_success(self) -> None:
        cache.delete(self._failures_key)

    def _remaining(self) -> float:
        return math.inf if self._deadline is None else self._deadline - time.monotonic()

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        # Exponential with jitter, so processes that failed together do not retry together.
        delay = self.backoff_seconds * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)  # noqa: S311
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, MAX_BACKOFF_SECONDS)

    def _wait_for_slot(self) -> None:
        """Claims the first free rate-limit slot from now on in the shared cache, and waits for it."""
        rate = self.requests_per_second
        if rate <= 0:
            return
        horizon = math.ceil(rate * RATE_LIMIT_MAX_WAIT_SECONDS)
        with _slot_lock:
            first = math.floor(time.time() * rate)
            for slot in range(first, first + horizon + 1):
                if cache.add(f"{self._slot_prefix}:{slot}", 1, timeout=RATE_LIMIT_MAX_WAIT_SECONDS + 2):
                    break
            else:
                raise UpstreamUnavailableError(
                    "Too many requests to IGDB are waiting; try again later.", retry_after=1
                )
        delay = slot / rate - time.time()
        if delay > self._remaining() - MIN_ATTEMPT_SECONDS:
            raise UpstreamUnavailableError(
                "Too many requests to IGDB are waiting; try again later.", retry_after=1
            )
        if delay > 0:
            time.sleep(delay)


def _retry_after(response: requests.Response) -> float | None:
    """Retry-After in seconds, at most an hour; None when absent or not a number of seconds."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return min(max(seconds, 0.0), 3600.0) if math.isfinite(seconds) else None


def is_configured() -> bool:
    return bool(settings.IGDB_CLIENT_ID and settings.IGDB_CLIENT_SECRET)


def get_client(*, bounded: bool = True) -> IgdbClient | None:
    """
    The client configured by the settings; None without credentials (the catalogue is local). A
    bounded client gives up after IGDB_REQUEST_BUDGET_SECONDS in all, so that an API request waiting
    for IGDB ends well before the server's own timeout; bulk imports use an unbounded one.
    """
    if not is_configured():
        return None
    return IgdbClient(
        client_id=settings.IGDB_CLIENT_ID,
        client_secret=settings.IGDB_CLIENT_SECRET,
        api_url=settings.IGDB_API_URL,
        token_url=settings.TWITCH_TOKEN_URL,
        timeout=settings.IGDB_TIMEOUT_SECONDS,
        max_retries=settings.IGDB_MAX_RETRIES,
        backoff_seconds=settings.IGDB_RETRY_BACKOFF_SECONDS,
        requests_per_second=settings.IGDB_REQUESTS_PER_SECOND,
        budget_seconds=settings.IGDB_REQUEST_BUDGET_SECONDS if bounded else None,
    )
