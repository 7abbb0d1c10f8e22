"""
The benchmark: loads the data set, serves the app under gunicorn as production would, drives each
scenario with wrk for a fixed time at a fixed concurrency, and writes the figures to bench/RESULTS.md.

    .venv/bin/python bench/run.py            # full: 10,000 users, 10 s per scenario (make bench)
    .venv/bin/python bench/run.py --scale 0.25 --database-url postgres://.../overworld_bench_quarter
                                             # the same with a quarter of the catalogue, events, ...
    .venv/bin/python bench/run.py --smoke    # tiny data set, 2 s per scenario, for CI (make bench-smoke)
    .venv/bin/python bench/run.py --reuse --only typical_profile,heavy_profile --profile   # py-spy

Every figure is read against the floor: GET /healthz, the cheapest JSON answer of the same server.
A run with any error (a non-2xx answer, a socket error or timeout, a scenario that produced no
figures) exits 1, after writing its report; speed never fails it. Traffic goes to 127.0.0.1 only.
"""

# ruff: noqa: S603, S607 - subprocesses are fixed argument lists of tools found on PATH or in the venv

import argparse
import json
import os
import platform
import re
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from urllib.parse import quote, urlsplit

import load_data

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
VENV_BIN = Path(sys.executable).parent
RESULTS_BEGIN = "<!-- bench:results:begin (written by bench/run.py; edit outside this block) -->"
RESULTS_END = "<!-- bench:results:end -->"
# The run at another --scale, and how each read's cost changes between the two sizes.
SCALED_BEGIN = "<!-- bench:results-scaled:begin (written by bench/run.py; edit outside this block) -->"
SCALED_END = "<!-- bench:results-scaled:end -->"
GROWTH_BEGIN = "<!-- bench:growth:begin (written by bench/run.py; edit outside this block) -->"
GROWTH_END = "<!-- bench:growth:end -->"
READ_TARGET = 0.25  # issue 18: every paged or keyed read at >= 25% of the floor's throughput
GROWTH_TARGET = 1.5  # and its CPU per request at the full size within 1.5x of the small size's
# Searches as people type them: whole titles, part of one, a title's start (local catalogue, no IGDB).
SEARCHES = ("hollow knight", "Crimson Tower II", "sunken lab", "eternal odyss", "Galactic Warden", "pixel sa")
ACTORS = 64  # authenticated users writing at once: more than the connections, so none waits on another
TYPICAL_PROFILES = 200  # distinct typical users whose profiles are read in turn
WRK_TIMEOUT_SECONDS = 30  # gunicorn kills a worker after 30 s: a slower answer is lost anyway
HEALTH_WAIT_SECONDS = 30
IDLE_WAIT_SECONDS = 30
BUSY_OTHERS = 0.1  # cores kept busy by other processes during a scenario, above which its figures are low
UNLIMITED = "1000000/min"
KEPT_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER")


@dataclass
class Scenario:
    name: str
    description: str
    lines: list[str]  # requests for scenario.lua: method, path, token or "-", body; tab-separated
    connections: int
    read: bool = False  # a paged or keyed read of issue 18's list, held to its targets
    min_seconds: int = 0  # a floor under --duration, for scenarios whose answers take long on purpose
    server_env: dict[str, str] = field(default_factory=dict)  # served by a server with these settings
    result: dict = field(default_factory=dict)

    @property
    def errors(self) -> int:
        if not self.result or not self.result["requests"] + self.result.get("warmup_requests", 0):
            return 1  # no figures (wrk failed), or not one answer: nothing shows the endpoint works
        keys = ("not_2xx", "connect_errors", "read_errors", "write_errors", "timeouts")
        return sum(self.result[key] for key in keys)

    @property
    def rps(self) -> float:
        return self.result["requests"] / (self.result["duration_us"] / 1e6) if self.result else 0.0


def request_line(method: str, path: str, token: str | None = None, body: dict | None = None) -> str:
    return "\t".join([method, path, token or "-", json.dumps(body) if body is not None else ""])


def parse_args() -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="tiny data set and 2 s per scenario (CI)")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="the data set's catalogue, shelves, events and journal at this share (bench/load_data.py)",
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database if it holds this data set")
    parser.add_argument("--duration", type=int, help="seconds per scenario (BENCH_DURATION; 10, smoke 2)")
    parser.add_argument(
        "--warmup", type=int, default=int(env("BENCH_WARMUP", "1")), help="seconds before each"
    )
    parser.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS", "8")))
    parser.add_argument(
        "--login-connections",
        type=int,
        default=int(env("BENCH_LOGIN_CONNECTIONS", "2")),
        help="login hashes a password on purpose: one connection per worker measures it without queueing",
    )
    parser.add_argument("--threads", type=int, default=int(env("BENCH_THREADS", "1")), help="wrk threads")
    parser.add_argument(
        "--workers", type=int, default=int(env("BENCH_WORKERS", "2")), help="gunicorn workers"
    )
    parser.add_argument("--only", help="comma-separated scenario names (floor always runs)")
    parser.add_argument(
        "--profile", action="store_true", help="record each scenario with py-spy (bench/out/)"
    )
    parser.add_argument(
        "--output", type=Path, help="report file (default bench/RESULTS.md, smoke bench/out/)"
    )
    parser.add_argument("--database-url", default=env("BENCH_DATABASE_URL"), help="name must contain 'bench'")
    parser.add_argument("--redis-url", default=env("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"))
    args = parser.parse_args()
    args.duration = args.duration or int(env("BENCH_DURATION", "2" if args.smoke else "10"))
    args.database_url = args.database_url or load_data.DEFAULT_DATABASE_URL + ("_smoke" if args.smoke else "")
    args.scaled = args.scale != 1.0
    if args.output is None:  # only a full, unprofiled run updates the committed report
        full = BENCH / "RESULTS.md"
        args.output = (
            OUT / "RESULTS-profile.md" if args.profile else OUT / "RESULTS-smoke.md" if args.smoke else full
        )
    return args


def ensure_wrk() -> str:
    """wrk from Debian's packages, installed when missing and this is root (CI)."""
    if not shutil.which("wrk") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing Debian's package.")
        apt = {"env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, "timeout": 300, "check": True}
        subprocess.run(["apt-get", "update", "-qq"], **apt)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], **apt)
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is needed: apt-get install wrk")
    return wrk


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


# The server's key, made once per run: the cursors this process builds must carry its signature.
SERVER_SECRET_KEY = "bench-" + secrets.token_urlsafe(64)


def server_environment(args) -> dict[str, str]:
    """
    Production settings (DEBUG off, persistent connections, Redis, INFO logs), but plain HTTP on
    127.0.0.1. Built from nothing but PATH and the like: no variable of the caller's shell (an IGDB
    key, an SMTP server) reaches the app, and what could call out points at 127.0.0.1 or nowhere.
    """
    env = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
    env |= {
        "DJANGO_SETTINGS_MODULE": "overworld.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SERVER_SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": args.database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "EMAIL_URL": "dummy://",
        "IGDB_CLIENT_ID": "",
        "IGDB_CLIENT_SECRET": "",
        "IGDB_API_URL": "http://127.0.0.1:9",
        "TWITCH_TOKEN_URL": "http://127.0.0.1:9/token",
    }
    # The benchmark logs in thousands of times a minute from one address: that must be measured, not
    # refused. (Every THROTTLE_<SCOPE> is also set once the settings are read, in unthrottle().)
    env |= {"THROTTLE_LOGIN": UNLIMITED, "THROTTLE_REGISTER": UNLIMITED, "LOGIN_LOCKOUT_ATTEMPTS": "1000000"}
    # A namespace of this run's own: nothing cached by an earlier run (on other data) is served.
    env["CACHE_KEY_PREFIX"] = f"bench-{uuid.uuid4().hex}"
    if redis_reachable(args.redis_url):
        env["REDIS_URL"] = args.redis_url  # throttle counters shared by the workers, as in production
    else:
        print(f"WARNING: Redis is unreachable at {args.redis_url}: the settings' fallback cache is used.")
    return env


def prepare(args) -> tuple[list[Scenario], dict]:
    """Tokens and request lists of the scenarios, and facts for the report (in this process)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.hashers import check_password, get_hasher, make_password
    from django.db import connection, connections
    from knox.models import AuthToken

    from games.models import Game, GameState, JournalEntry
    from users.models import Activity, Follow, User
    from users.services import token_create

    size = load_data.sized("smoke" if args.smoke else "full", args.scale)
    AuthToken.objects.all().delete()  # the tokens of earlier runs (and their logins)
    actors = list(User.objects.filter(username__startswith="user").order_by("id")[:ACTORS])
    tokens = [token_create(user=actor) for actor in actors]
    heavy = User.objects.get(username=load_data.HEAVY_USERNAME)
    heavy_token = token_create(user=heavy)
    dense_token = token_create(user=User.objects.get(username=load_data.DENSE_USERNAME))
    followed = set(
        Follow.objects.filter(follower__in=actors).values_list("follower_id", "followed__username")
    )
    # Each actor follows and unfollows a user of its own that it does not follow in the data set.
    candidates = [load_data.username(index) for index in reversed(range(size["users"]))]
    targets = []
    for actor in actors:
        target = next(
            name for name in candidates if (actor.pk, name) not in followed and name != actor.username
        )
        candidates.remove(target)
        targets.append(target)
    step = max(1, size["users"] // TYPICAL_PROFILES)

    def rounds(make_line) -> list[str]:
        # All actors once with the first request, then all with the second: a user's two requests are
        # ACTORS requests apart, never in flight together.
        return [make_line(index, first) for first in (True, False) for index in range(len(actors))]

    c = args.connections
    scenarios = [
        Scenario("floor", "`GET /healthz` (no database)", [request_line("GET", "/healthz")], c),
        Scenario(
            "typical_profile",
            f"`GET /api/users/<name>`, anonymous, {TYPICAL_PROFILES} users in turn",
            [
                request_line("GET", f"/api/users/{load_data.username(i)}")
                for i in range(0, size["users"], step)
            ],
            c,
        ),
        Scenario(
            "heavy_profile",
            f"`GET /api/users/heavy` ({size['heavy_games']:,} games, {size['heavy_followers']:,} followers)",
            [request_line("GET", f"/api/users/{load_data.HEAVY_USERNAME}")],
            c,
        ),
        Scenario(
            "heavy_profile_signed_in",
            "The same, viewed by other users with a token (cached, with the viewer's relationship)",
            [request_line("GET", f"/api/users/{load_data.HEAVY_USERNAME}", token) for token in tokens],
            c,
        ),
        Scenario(
            "heavy_profile_owner",
            "The same, viewed by its owner (cached, with the owner's e-mail address)",
            [request_line("GET", f"/api/users/{load_data.HEAVY_USERNAME}", heavy_token)],
            c,
        ),
        Scenario(
            "heavy_profile_uncached",
            "The same, anonymous, with the profile cache off (`PROFILE_CACHE_SECONDS=0`): what a miss costs",
            [request_line("GET", f"/api/users/{load_data.HEAVY_USERNAME}")],
            c,
            server_env={"PROFILE_CACHE_SECONDS": "0"},
        ),
        Scenario(
            "current_user",
            "`GET /api/users/user/` with a token",
            [request_line("GET", "/api/users/user/", token) for token in tokens],
            c,
        ),
        Scenario(
            "follow_unfollow",
            "`POST /api/users/follow/`, then `/unfollow/`",
            rounds(
                lambda i, first: request_line(
                    "POST",
                    f"/api/users/{'follow' if first else 'unfollow'}/",
                    tokens[i],
                    {"username": targets[i]},
                )
            ),
            c,
        ),
        Scenario(
            "game_state",
            '`PATCH /api/games/<igdb>/state/` `{"played": true}`, then `false`',
            rounds(
                lambda i, first: request_line(
                    "PATCH", f"/api/games/{load_data.igdb_id(i)}/state/", tokens[i], {"played": first}
                )
            ),
            c,
        ),
        Scenario(
            "login",
            "`POST /api/users/login/` (hashes the password)",
            [
                request_line(
                    "POST", "/api/users/login/", body={"username": a.username, "password": load_data.PASSWORD}
                )
                for a in actors
            ],
            args.login_connections,
            min_seconds=5,
        ),
    ]
    scenarios += read_scenarios(args, size, actors, tokens, heavy, dense_token)
    if args.only:
        wanted = {"floor", *args.only.split(",")}
        unknown = wanted - {s.name for s in scenarios}
        if unknown:
            sys.exit(f"Unknown scenarios: {', '.join(sorted(unknown))}")
        scenarios = [s for s in scenarios if s.name in wanted]

    encoded = make_password(load_data.PASSWORD)
    timings, cpu_timings = [], []
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        check_password(load_data.PASSWORD, encoded)
        timings.append(time.perf_counter() - started)
        cpu_timings.append(time.process_time() - cpu_started)  # Argon2 hashes on several threads
    hasher = get_hasher()
    parameters = {
        k: v for k, v in hasher.safe_summary(encoded).items() if k not in ("algorithm", "salt", "hash")
    }
    facts = {
        "postgresql": connection.cursor().connection.server_version,
        "hasher": f"{hasher.algorithm} {parameters}".replace("'", ""),
        "hash_ms": median(timings) * 1000,
        "hash_cpu_ms": median(cpu_timings) * 1000,
        "rows": {
            "users": User.objects.count(),
            "games": Game.objects.count(),
            "game states": GameState.objects.count(),
            "follows": Follow.objects.count(),
            "activity events": Activity.objects.count(),
            "journal entries": JournalEntry.objects.count(),
        },
    }
    connections.close_all()
    return scenarios, facts


def read_scenarios(
    args, size: dict, actors: list, tokens: list[str], heavy, dense_token: str
) -> list[Scenario]:
    """Every read endpoint of issue 18, each on the data set's worst realistic subject."""
    from games.models import Game
    from overworld.pagination import encode_cursor
    from users.models import Follow
    from users.selectors import feed_list

    c = args.connections

    def get(path: str, token: str | None = None) -> str:
        return request_line("GET", path, token)

    def page_two_of_feed(index: int) -> str:
        ids = list(
            feed_list(reader=actors[index], limit=21).order_by("-id").values_list("id", flat=True)[:21]
        )
        cursor = f"?cursor={encode_cursor([ids[19]], key=SERVER_SECRET_KEY)}" if len(ids) > 20 else ""
        return get(f"/api/feed/{cursor}", tokens[index])

    deep = (
        Follow.objects.filter(followed=heavy)
        .order_by("-id")
        .values_list("id", flat=True)[size["heavy_followers"] * 4 // 5]
    )
    shelved = list(
        Game.objects.filter(states__user=heavy).order_by("id").values_list("igdb", flat=True)[:200]
    )
    names = [actor.username for actor in actors]
    read = [
        (
            "feed_sparse",
            "`GET /api/feed/` of readers who each follow 10 ordinary users, page 1",
            [get("/api/feed/", t) for t in tokens],
        ),
        (
            "feed_sparse_page2",
            "The same readers' page 2 (the cursor of page 1's `next`)",
            [page_two_of_feed(i) for i in range(len(actors))],
        ),
        (
            "feed_dense",
            f"`GET /api/feed/` of `dense`, who follows {size['dense_follows']:,} users",
            [get("/api/feed/", dense_token)],
        ),
        (
            "activity",
            "`GET /api/users/<name>/activity/`, ordinary users in turn",
            [get(f"/api/users/{n}/activity/") for n in names],
        ),
        (
            "followers_first",
            f"`GET /api/users/heavy/followers/` ({size['heavy_followers']:,}), page 1",
            [get("/api/users/heavy/followers/")],
        ),
        (
            "followers_deep",
            "The same, a page 4/5 of the way down (its cursor)",
            [get(f"/api/users/heavy/followers/?cursor={encode_cursor([deep], key=SERVER_SECRET_KEY)}")],
        ),
        (
            "shelf_page",
            "`GET /api/users/heavy/games/?shelf=played`, page 1",
            [get("/api/users/heavy/games/?shelf=played")],
        ),
        (
            "journal",
            f"`GET /api/users/heavy/journal/` ({size['heavy_journal']:,} entries), page 1",
            [get("/api/users/heavy/journal/")],
        ),
        ("stats", "`GET /api/users/heavy/stats/`", [get("/api/users/heavy/stats/")]),
        (
            "game_detail",
            "`GET /api/games/<igdb>/`, 200 shelved games in turn (no IGDB)",
            [get(f"/api/games/{igdb}/") for igdb in shelved],
        ),
        (
            "catalogue_search",
            f"`GET /api/games/search/?q=` (no IGDB): {', '.join(SEARCHES)}",
            [get(f"/api/games/search/?q={quote(q)}") for q in SEARCHES],
        ),
        ("game_list", "`GET /api/games/`, page 1", [get("/api/games/")]),
        (
            "game_list_search",
            "`GET /api/games/?search=`, the same searches",
            [get(f"/api/games/?search={quote(q)}") for q in SEARCHES],
        ),
        (
            "popular",
            "`GET /api/games/trending/?limit=20` (no IGDB: the most shelved here)",
            [get("/api/games/trending/?limit=20")],
        ),
    ]
    return [Scenario(name, description, lines, c, read=True) for name, description, lines in read]


def unthrottle(env: dict[str, str]) -> None:
    """Lifts every throttle scope the settings define, whatever new ones appear (THROTTLE_<SCOPE>)."""
    from django.conf import settings

    for scope in settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}):
        env[f"THROTTLE_{scope.upper()}"] = UNLIMITED


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(args, env: dict[str, str], port: int) -> subprocess.Popen:
    # gunicorn also reads the project's gunicorn.conf.py, if any (production's settings); flags win.
    command = [str(VENV_BIN / "gunicorn"), "overworld.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(args.workers)]
    log = (OUT / "gunicorn.log").open("a")  # the app's own log lines too (stdout and stderr)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    log.close()  # the child keeps its copy
    deadline = time.monotonic() + HEALTH_WAIT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}: see {OUT / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    sys.exit(f"gunicorn did not answer /healthz within {HEALTH_WAIT_SECONDS} s: see {OUT / 'gunicorn.log'}")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()  # gunicorn's graceful stop: the master ends its workers
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def run_wrk(wrk: str, args, scenario: Scenario, port: int, seconds: int) -> dict:
    requests_file = OUT / f"{scenario.name}.requests"
    requests_file.write_text("\n".join(scenario.lines) + "\n")
    threads = min(args.threads, scenario.connections)
    command = [wrk, "--latency", f"-t{threads}", f"-c{scenario.connections}", f"-d{seconds}s"]
    command += [
        f"--timeout={WRK_TIMEOUT_SECONDS}s",
        "-s",
        str(BENCH / "scenario.lua"),
        f"http://127.0.0.1:{port}",
    ]
    command += ["--", str(requests_file), str(threads)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        print(f"  wrk did not finish in {seconds + 60} s")
        return {}
    (OUT / f"{scenario.name}.wrk.txt").write_text(done.stdout + done.stderr)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    print(f"  wrk produced no result (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    return {}


def profile_summary(raw_file: Path, top: int = 25) -> str:
    """Top functions of a py-spy raw (collapsed) profile, by inclusive and by own share of samples."""
    inclusive, own, total = Counter(), Counter(), 0
    for line in raw_file.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        # "function (path/to/file.py:line)" -> "function (file.py)": one entry per function.
        frames = [re.sub(r" \((?:.*/)?([^/]+?)(?::\d+)?\)$", r" (\1)", frame) for frame in stack.split(";")]
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
    if not total:
        return "no samples\n"
    lines = [f"{total} samples", "", "inclusive  own    function"]
    for frame, count in inclusive.most_common(top):
        lines.append(f"{100 * count / total:6.1f}%  {100 * own[frame] / total:5.1f}%  {frame}")
    lines += ["", "own time, top:"]
    for frame, count in own.most_common(top):
        lines.append(f"{100 * count / total:6.1f}%  {frame}")
    return "\n".join(lines) + "\n"


def worker_pids(server: subprocess.Popen) -> list[int]:
    """The gunicorn workers: the processes whose parent is the master."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == server.pid:
                pids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def database_pids(url: str) -> list[int]:
    """The PostgreSQL backends serving the bench database, when the server runs on this machine."""
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        return []
    with closing(load_data.maintenance_connection(url)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [load_data.database_name(url)])
        return [pid for (pid,) in cursor.fetchall()]


def cache_pids(env: dict[str, str]) -> list[int]:
    """The Redis server of the shared cache, when the app uses one on this machine."""
    url = env.get("REDIS_URL")
    if not url or urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        return []
    import redis

    try:
        return [int(redis.Redis.from_url(url, socket_timeout=2).info("server")["process_id"])]
    except (redis.RedisError, KeyError, ValueError):
        return []


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes have used so far; unreadable ones count nothing."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of proc(5)
        except (OSError, IndexError, ValueError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all cores have spent busy since boot (/proc/stat: user, nice, system, irq, softirq, steal)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(fields[0:3]) + sum(fields[5:8])) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    """CPU time of this script's finished subprocesses (wrk)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wait_idle(server: subprocess.Popen) -> None:
    """
    Waits (30 s at most) until the workers stop using CPU: when wrk stops, the requests queued in the
    server are still answered, and must not be counted in the next scenario.
    """
    pids = worker_pids(server)
    deadline = time.monotonic() + IDLE_WAIT_SECONDS
    used = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        previous, used = used, cpu_seconds(pids)
        if used - previous < 0.02:
            return


def run_scenario(
    wrk: str, args, scenario: Scenario, port: int, server: subprocess.Popen, env: dict[str, str]
) -> None:
    warmup = {}
    if args.warmup:
        wait_idle(server)
        warmup = run_wrk(wrk, args, scenario, port, args.warmup)
        if not warmup or warmup["not_2xx"]:
            scenario.result = warmup  # errors already: report them rather than measure
            return
    wait_idle(server)
    seconds = max(args.duration, scenario.min_seconds)
    profiler = None
    if args.profile:
        py_spy = shutil.which("py-spy", path=str(VENV_BIN)) or shutil.which("py-spy")
        if not py_spy:
            sys.exit("--profile needs py-spy: .venv/bin/pip install py-spy")
        raw = OUT / f"profile-{scenario.name}.txt"
        command = [py_spy, "record", "--pid", str(server.pid), "--subprocesses", "--nonblocking"]
        command += ["--format", "raw", "--duration", str(seconds), "--output", str(raw)]
        profiler = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1)  # attach before the load starts
    pids = {"app": worker_pids(server), "db": database_pids(args.database_url), "cache": cache_pids(env)}
    before = {side: cpu_seconds(group) for side, group in pids.items()}
    before_machine, before_wrk = machine_busy_seconds(), children_cpu_seconds()
    scenario.result = result = run_wrk(wrk, args, scenario, port, seconds)
    if result:
        result["seconds"] = seconds
        result["warmup_requests"] = warmup.get("requests", 0)
        spent = {side: cpu_seconds(group) - before[side] for side, group in pids.items()}
        for side in pids:
            result[f"{side}_cpu_ms"] = 1000 * spent[side] / max(result["requests"], 1)
        # What the rest of the machine did meanwhile: busy time that neither the server nor wrk used.
        others = machine_busy_seconds() - before_machine - sum(spent.values())
        result["other_cores"] = max(0.0, others - (children_cpu_seconds() - before_wrk)) / seconds
    if profiler:
        profiler.wait(timeout=seconds + 60)
        summary = profile_summary(raw)
        raw.with_suffix(".summary.txt").write_text(summary)
        print(f"  profile: {raw} and {raw.with_suffix('.summary.txt')}\n" + summary)


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    memory = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    from importlib.metadata import version

    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10).stdout.split("[")[
        0
    ]
    return {
        "CPU": f"{model.group(1) if model else 'unknown'}, nproc {len(os.sched_getaffinity(0))}",
        "Memory": f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB" if memory else "unknown",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Packages": ", ".join(
            f"{name} {version(name)}"
            for name in ("Django", "djangorestframework", "django-rest-knox", "gunicorn")
        ),
        "wrk": wrk_version.strip(),
    }


def gunicorn_settings(env: dict[str, str], workers: int) -> str:
    """The worker model gunicorn runs with (gunicorn.conf.py included), as it prints it."""
    command = [str(VENV_BIN / "gunicorn"), "overworld.wsgi", "--workers", str(workers), "--print-config"]
    printed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60).stdout
    found = dict(re.findall(r"^(worker_class|workers|threads)\s+= (.*)$", printed, re.M))
    return ", ".join(f"{name} {value}" for name, value in found.items()) or "unknown"


def git_description() -> str:
    def git(*command: str) -> str:
        return subprocess.run(
            ["git", *command], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.rstrip()  # not strip(): `status --porcelain` lines may start with a space (" M path")

    changed = [
        line for line in git("status", "--porcelain").splitlines() if not line[3:].startswith("bench/")
    ]
    return git("rev-parse", "--short", "HEAD") + (" with uncommitted changes" if changed else "")


def serve(wrk: str, args, scenarios: list[Scenario], env: dict[str, str]) -> bool:
    """Runs the scenarios against a gunicorn started with `env`; False if it died."""
    port = free_port()
    server = start_server(args, env, port)
    print(f"gunicorn ({args.workers} workers) on 127.0.0.1:{port}; {args.duration} s per scenario")
    try:
        for scenario in scenarios:
            run_scenario(wrk, args, scenario, port, server, env)
            r = scenario.result or {}
            print(
                f"{scenario.name:16} {scenario.rps:9.1f} req/s  p50 {r.get('p50_us', 0) / 1000:7.1f} ms  "
                f"p99 {r.get('p99_us', 0) / 1000:7.1f} ms  CPU: app {r.get('app_cpu_ms', 0):6.2f} ms, "
                f"db {r.get('db_cpu_ms', 0):5.2f} ms, cache {r.get('cache_cpu_ms', 0):5.2f} ms  "
                f"others {r.get('other_cores', 0):4.2f} cores  "
                f"errors {scenario.errors}"
                + (f"  first: {r['first_error'][:200]}" if r.get("first_error") else "")
            )
            if server.poll() is not None:
                print(f"gunicorn died (exit {server.returncode}): see {OUT / 'gunicorn.log'}")
                return False
    finally:
        stop_server(server)
    return True


def report(args, scenarios: list[Scenario], facts: dict, env: dict[str, str]) -> str:
    floor = scenarios[0].rps
    begin, end = (SCALED_BEGIN, SCALED_END) if args.scaled else (RESULTS_BEGIN, RESULTS_END)
    rows = [
        "| Scenario | What | Conns | Requests | Req/s | p50 ms | p95 ms | p99 ms | Errors | Of floor "
        "| App CPU ms | DB CPU ms | Cache CPU ms | KB | Others |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for s in scenarios:
        r = s.result
        figures = (
            [f"{r['requests']:,}", f"{s.rps:,.1f}"] + [f"{r[f'p{p}_us'] / 1000:.1f}" for p in (50, 95, 99)]
            if r
            else ["-"] * 5
        )
        share = f"{100 * s.rps / floor:.1f}%" if floor and r else "-"
        if s.read and floor and r:  # issue 18's target: >= 25% of the floor
            share += " ✓" if s.rps >= READ_TARGET * floor else " ✗"
        figures += [str(s.errors), share]
        cpu = ("app_cpu_ms", "db_cpu_ms", "cache_cpu_ms")
        figures += [f"{r[key]:.2f}" if key in r else "-" for key in cpu]
        figures += [f"{r['bytes'] / max(r['requests'], 1) / 1024:,.1f}" if r else "-"]
        figures += [f"{r['other_cores']:.2f}" if "other_cores" in r else "-"]
        rows.append(f"| {s.name} | {s.description} | {s.connections} | " + " | ".join(figures) + " |")
    failures = [
        f"- {s.name}: {s.errors} errors "
        + json.dumps({k: v for k, v in s.result.items() if k[-3:] not in ("_us", "_ms")})
        for s in scenarios
        if s.errors
    ]
    pg = facts["postgresql"]
    description = machine() | {
        "PostgreSQL": f"{pg // 10000}.{pg % 10000}",
        "Cache": "Redis " + env["REDIS_URL"] if "REDIS_URL" in env else "local memory (Redis unreachable)",
        "Code": git_description(),
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    rows_loaded = ", ".join(f"{count:,} {table}" for table, count in facts["rows"].items())
    return "\n".join(
        [
            begin,
            f"## {'Smoke run' if args.smoke else 'Results'}"
            + (f" at scale {args.scale:g}" if args.scaled else ""),
            "",
            *(f"- {key}: {value}" for key, value in description.items()),
            f"- Server: gunicorn ({gunicorn_settings(env, args.workers)}), DEBUG off, persistent database "
            "connections (DATABASE_CONN_MAX_AGE=600), on 127.0.0.1",
            f"- Load: wrk, {args.threads} thread(s), {args.duration} s per scenario after {args.warmup} s of "
            f"warm-up, {args.connections} connections; login: {args.login_connections} connections, "
            f"{max(args.duration, 5)} s",
            f"- Data set: {rows_loaded}",
            f"- Password hasher: {facts['hasher']}, {facts['hash_ms']:.0f} ms per check in one process "
            f"(wall clock; {facts['hash_cpu_ms']:.0f} ms of CPU)",
            "",
            *rows,
            "",
            "Errors: non-2xx answers, socket errors and timeouts. Of floor: requests per second as a share "
            f"of the floor's; ✓ or ✗ on the reads held to the target of {READ_TARGET:.0%}. App CPU ms, "
            "DB CPU ms and Cache CPU ms: CPU time the gunicorn workers, the "
            "PostgreSQL backends and the Redis server spent per request (from /proc; other load on the "
            "machine moves them far less than the latencies). KB: mean size of an answer, headers "
            "included. Others: cores that other "
            f"processes kept busy meanwhile (of {os.cpu_count()}); above {BUSY_OTHERS}, that scenario's "
            "latencies and rates are low.",
            *(["", "**Errors:**", *failures] if failures else []),
            end,
        ]
    )


def growth_report(full: dict, small: dict) -> str:
    """How each read's CPU per request (app + database) changes from the small size to the full one."""
    rows = [
        f"## Growth: scale {small['scale']:g} -> 1",
        "",
        f"Data set at scale {small['scale']:g}: {small['rows']}; at 1: {full['rows']}.",
        "",
        "| Scenario | CPU ms (app + DB), small | CPU ms, full | Full / small | Target (≤ "
        f"{GROWTH_TARGET:g} times) | Of floor, small | Of floor, full |",
        "|---|--:|--:|--:|:-:|--:|--:|",
    ]
    for name, result in full["scenarios"].items():
        other = small["scenarios"].get(name)
        if not result.get("read") or not other:
            continue
        cpu_full, cpu_small = (r["app_cpu_ms"] + r["db_cpu_ms"] for r in (result, other))
        ratio = cpu_full / cpu_small if cpu_small else float("inf")
        met = "✓" if ratio <= GROWTH_TARGET else "✗"
        rows.append(
            f"| {name} | {cpu_small:.2f} | {cpu_full:.2f} | {ratio:.2f} | {met} "
            f"| {other['of_floor']:.1%} | {result['of_floor']:.1%} |"
        )
    return "\n".join([GROWTH_BEGIN, *rows, GROWTH_END])


def write_report(path: Path, block: str, begin: str = RESULTS_BEGIN, end: str = RESULTS_END) -> None:
    """Replaces the generated block between `begin` and `end`, keeping the text written around it."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def main() -> int:
    args = parse_args()
    OUT.mkdir(exist_ok=True)
    wrk = ensure_wrk()
    env = server_environment(args)
    os.environ.clear()  # this process, and the loader, read the same settings as the server
    os.environ.update(env)

    load = [sys.executable, str(BENCH / "load_data.py"), "--database-url", args.database_url]
    load += ["--smoke"] * args.smoke + ["--reuse"] * args.reuse + ["--scale", str(args.scale)]
    subprocess.run(load, check=True, timeout=600)
    scenarios, facts = prepare(args)
    unthrottle(env)

    (OUT / "gunicorn.log").write_text("")  # this run's servers append to it
    # One server per set of settings, in the order the scenarios come: production's for all but a few.
    groups: dict[tuple, list[Scenario]] = {}
    for scenario in scenarios:
        groups.setdefault(tuple(sorted(scenario.server_env.items())), []).append(scenario)
    for settings, group in groups.items():
        if not serve(wrk, args, group, env | dict(settings)):
            break

    begin, end = (SCALED_BEGIN, SCALED_END) if args.scaled else (RESULTS_BEGIN, RESULTS_END)
    write_report(args.output, report(args, scenarios, facts, env), begin, end)
    (OUT / "results.json").write_text(json.dumps({s.name: s.result for s in scenarios}, indent=2) + "\n")
    if not args.smoke and not args.profile and not args.only:
        # Each size's figures are kept, so that a run at either size can compare itself with the other's.
        floor = scenarios[0].rps
        summary = {
            "scale": args.scale,
            "rows": ", ".join(f"{count:,} {table}" for table, count in facts["rows"].items()),
            "scenarios": {
                s.name: {**s.result, "read": s.read, "of_floor": s.rps / floor if floor else 0.0}
                for s in scenarios
                if s.result
            },
        }
        (OUT / f"results-scale-{args.scale:g}.json").write_text(json.dumps(summary, indent=2) + "\n")
        full_file = OUT / "results-scale-1.json"
        small_files = sorted(OUT.glob("results-scale-0*.json"))
        if full_file.exists() and small_files:
            full = json.loads(full_file.read_text())
            small = json.loads(small_files[0].read_text())
            write_report(args.output, growth_report(full, small), GROWTH_BEGIN, GROWTH_END)
    busy = [s.name for s in scenarios if s.result.get("other_cores", 0) > BUSY_OTHERS]
    if busy:
        print(f"WARNING: other processes kept the machine busy during {', '.join(busy)}: figures are low.")
    errors = sum(s.errors for s in scenarios)
    print(f"Report: {args.output}")
    if errors:
        print(f"BENCHMARK FAILED: {errors} errors (non-2xx answers, socket errors or missing figures)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
