"""
Fills a dedicated PostgreSQL database with the benchmark's data set (drops and re-creates it first).

    .venv/bin/python bench/load_data.py [--smoke] [--reuse] [--database-url postgres://...]

The full set: 10,000 users, 5,000 games, 200,000 shelf rows (GameState), 100,000 follows, and one user
`heavy` with every game on a shelf and 5,000 followers. Rows go in with bulk_create, in batches, in
one transaction; every user shares one password hash (hashing is meant to be slow). The data set is
seeded, so two loads are identical but for timestamps. Its spec is kept as the database's comment:
with --reuse an existing database holding the same spec is only migrated, not loaded again.
"""

import argparse
import json
import os
import random
import secrets
import sys
import time
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/overworld_bench"
PASSWORD = "bench-password-not-a-secret"  # noqa: S105 - every bench user's, in a throwaway database
HEAVY_USERNAME = "heavy"
BATCH_SIZE = 5000

SIZES = {
    "full": {
        "users": 10_000,
        "games": 5_000,
        "states_per_user": 20,
        "follows_per_user": 10,
        "heavy_games": 5_000,
        "heavy_followers": 5_000,
    },
    "smoke": {
        "users": 200,
        "games": 100,
        "states_per_user": 10,
        "follows_per_user": 5,
        "heavy_games": 100,
        "heavy_followers": 100,
    },
}

# Chance that a shelved game is on each shelf (a row with none of them gets `played`).
SHELF_ODDS = {"played": 0.6, "liked": 0.3, "backlog": 0.25, "wishlist": 0.2}


def username(index: int) -> str:
    return f"user{index:05d}"


def igdb_id(index: int) -> str:
    return str(100_000 + index)


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    # This script drops the database: refuse anything that is not obviously a benchmark's.
    if "bench" not in name:
        sys.exit(f"Refusing to drop database {name!r}: its name must contain 'bench'.")
    return name


def maintenance_connection(url: str):
    """A connection to the server's `postgres` database, to create, drop and describe the bench one."""
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        connect_timeout=10,
    )
    connection.autocommit = True
    return connection


def stored_spec(url: str) -> str | None:
    """The spec of the data set the database holds (its comment), or None when it doesn't exist."""
    with closing(maintenance_connection(url)) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [database_name(url)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def recreate_database(url: str) -> None:
    name = database_name(url)
    from psycopg2 import sql

    with closing(maintenance_connection(url)) as connection, connection.cursor() as cursor:
        # WITH (FORCE): a gunicorn left over from an interrupted run must not block the reload.
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def set_spec(url: str, spec: str) -> None:
    from psycopg2 import sql

    with closing(maintenance_connection(url)) as connection, connection.cursor() as cursor:
        name = sql.Identifier(database_name(url))
        cursor.execute(sql.SQL("COMMENT ON DATABASE {} IS %s").format(name), [spec])


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "overworld.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")  # DEBUG on would keep every query in memory
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(48))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load(size: dict[str, int], rng: random.Random) -> dict[str, int]:
    """Inserts the data set; returns the row counts."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from games.models import Game, GameState
    from users.models import Follow, User

    now = timezone.now()
    two_years = timedelta(days=730).total_seconds()

    def some_time():
        return now - timedelta(seconds=rng.random() * two_years)

    password_hash = make_password(PASSWORD)
    # Bench users are established accounts: verified addresses, where the model tracks that.
    verified = {"email_verified": True} if hasattr(User, "email_verified") else {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO off")
        users = User.objects.bulk_create(
            [
                User(
                    username=username(index),
                    email=f"{username(index)}@bench.example",
                    password=password_hash,
                    bio=f"Bench user {index}." if index % 3 else "",
                    location="Somewhere" if index % 4 == 0 else "",
                    date_joined=some_time(),
                    **verified,
                )
                for index in range(size["users"])
            ]
            + [
                User(username=HEAVY_USERNAME, email="heavy@bench.example", password=password_hash, **verified)
            ],
            batch_size=BATCH_SIZE,
        )
        heavy = users.pop()
        games = Game.objects.bulk_create(
            [
                Game(igdb=igdb_id(index), name=f"Bench Game {index}", slug=f"bench-game-{index}")
                for index in range(size["games"])
            ],
            batch_size=BATCH_SIZE,
        )

        def state(user, game, **forced) -> GameState:
            flags = {shelf: rng.random() < odds for shelf, odds in SHELF_ODDS.items()} | forced
            if not any(flags.values()):
                flags["played"] = True
            # The check constraints: a flag is true exactly when its timestamp is set.
            stamps = {f"{shelf}_at": some_time() if on else None for shelf, on in flags.items()}
            return GameState(user=user, game=game, **flags, **stamps)

        def states():
            for user in users:
                for game_index in rng.sample(range(len(games)), size["states_per_user"]):
                    yield state(user, games[game_index])
            for game in games[: size["heavy_games"]]:
                yield state(heavy, game, played=True)

        state_count = bulk_create_batches(GameState, states())

        def follows():
            for index, user in enumerate(users):
                # Distinct others: sample n of the n_users - 1 others, skipping oneself.
                for other in rng.sample(range(len(users) - 1), size["follows_per_user"]):
                    yield Follow(follower=user, followed=users[other + (other >= index)])
            for user in users[: size["heavy_followers"]]:
                yield Follow(follower=user, followed=heavy)

        follow_count = bulk_create_batches(Follow, follows())
        with connection.cursor() as cursor:
            # created_at is auto_now_add (bulk_create sets it to now): spread follows over two years.
            cursor.execute("UPDATE users_follow SET created_at = now() - random() * interval '730 days'")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # planner statistics and visibility maps, as a live database has
    return {
        "users": len(users) + 1,
        "games": len(games),
        "game_states": state_count,
        "follows": follow_count,
    }


def bulk_create_batches(model, objects) -> int:
    """bulk_create of a generator, BATCH_SIZE at a time, so the whole list never sits in memory."""
    count = 0
    batch = []
    for instance in objects:
        batch.append(instance)
        if len(batch) == BATCH_SIZE:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    model.objects.bulk_create(batch)
    return count + len(batch)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="the tiny data set (CI)")
    parser.add_argument("--reuse", action="store_true", help="keep a database that holds the same data set")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"the database to (re)create; its name must contain 'bench' (default {DEFAULT_DATABASE_URL})",
    )
    args = parser.parse_args(argv)
    size = SIZES["smoke" if args.smoke else "full"]
    if size["heavy_games"] > size["games"] or size["heavy_followers"] > size["users"]:
        sys.exit("The heavy user cannot have more games or followers than there are.")
    spec = "overworld-bench " + json.dumps(size, sort_keys=True)
    url = args.database_url

    started = time.monotonic()
    reuse = args.reuse and stored_spec(url) == spec
    if not reuse:
        recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if reuse:
        print(f"Reusing {database_name(url)}: it holds this data set (migrated).")
        return
    counts = load(size, random.Random(6))  # noqa: S311 - reproducible data, nothing secret
    set_spec(url, spec)
    elapsed = time.monotonic() - started
    print(
        f"Loaded {database_name(url)} in {elapsed:.1f} s: "
        + ", ".join(f"{count:,} {table}" for table, count in counts.items())
        + f"; '{HEAVY_USERNAME}' has {size['heavy_games']:,} games and {size['heavy_followers']:,} followers."
    )


if __name__ == "__main__":
    main()
