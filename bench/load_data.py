"""
Fills a dedicated PostgreSQL database with the benchmark's data set (drops and re-creates it first).

    .venv/bin/python bench/load_data.py [--smoke] [--scale 0.25] [--reuse] [--database-url postgres://...]

The full set is what a deployment reaches in its first year: 10,000 users; an IGDB-sized catalogue of
300,000 games; 200,000 shelf rows (GameState, 20 per user); 105,000 follows (10 per user, and 5,000
followers of `heavy`, who has 5,000 games on a shelf); 1,000,000 activity events spread over two years
and over every user; 50,000 journal entries (1,000 of them `heavy`'s); and `dense`, who follows 5,000
users. `--scale` multiplies the catalogue, the shelves per user, the events and the journal entries;
the users, the follow graph and `heavy` stay, so that every scenario reads the same subject at each
size and only the tables around it grow.

Users go in with bulk_create (every user shares one password hash: hashing is meant to be slow); the
big tables with COPY, a few minutes for the full set, in one transaction. The data set is seeded, so
two loads are identical but for timestamps. Its spec is kept as the database's comment: with --reuse
an existing database holding the same spec is only migrated, not loaded again.
"""

import argparse
import io
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
DENSE_USERNAME = "dense"  # follows `dense_follows` users: the feed of a reader who follows very many
BATCH_SIZE = 5000
COPY_CHUNK_ROWS = 50_000

SIZES = {
    "full": {
        "users": 10_000,
        "games": 300_000,
        "states_per_user": 20,
        "follows_per_user": 10,
        "heavy_games": 5_000,
        "heavy_followers": 5_000,
        "heavy_journal": 1_000,
        "dense_follows": 5_000,
        "events": 1_000_000,
        "journal_entries": 50_000,
    },
    "smoke": {
        "users": 200,
        "games": 1_000,
        "states_per_user": 10,
        "follows_per_user": 5,
        "heavy_games": 100,
        "heavy_followers": 100,
        "heavy_journal": 50,
        "dense_follows": 100,
        "events": 5_000,
        "journal_entries": 500,
    },
}
# What --scale multiplies: the tables around the users, not the users or the follow graph.
SCALED = ("games", "states_per_user", "events", "journal_entries")


def sized(name: str, scale: float) -> dict[str, int]:
    size = dict(SIZES[name])
    for key in SCALED:
        size[key] = max(1, round(size[key] * scale))
    return size


# Chance that a shelved game is on each shelf (a row with none of them gets `played`).
SHELF_ODDS = {"played": 0.6, "liked": 0.3, "backlog": 0.25, "wishlist": 0.2}


def username(index: int) -> str:
    return f"user{index:05d}"


def igdb_id(index: int) -> str:
    return str(100_000 + index)


# Game names like a real catalogue's: a few thousand distinct titles, most in several editions, so a
# search for a title finds tens of games and a search for a common word thousands.
_FIRST_WORDS = (
    "Ancient Arcane Astral Broken Crimson Crystal Cursed Dark Dead Distant Divine Dragon Dream Dust "
    "Echo Emerald Endless Eternal Fallen Final Forgotten Frozen Galactic Ghost Golden Grand Hidden "
    "Hollow Infinite Iron Last Lost Lunar Mystic Neon Night Northern Outer Pixel Primal Quantum Rogue "
    "Royal Rusty Sacred Savage Shadow Silent Silver Sky Solar Steel Storm Sunken Super Tiny Twin "
    "Undying Velvet Wild Wicked"
)
_SECOND_WORDS = (
    "Abyss Adventure Age Alchemist Arena Armada Battle Blade Castle Chronicles Circuit City Colony "
    "Crown Crusade Dawn Depths Dungeon Empire Escape Expedition Fable Forest Fortress Frontier Garden "
    "Gate Guardian Harbor Heart Hero Horizon Hunter Island Journey Kingdom Knight Labyrinth Legacy "
    "Legend Machine Mansion Maze Mercenary Odyssey Oracle Outpost Paladin Pilgrim Planet Protocol "
    "Quest Raiders Realm Rebellion Requiem Rider Saga Sanctuary Siege Signal Soul Spire Station "
    "Survivor Tactics Temple Tower Trail Valley Voyage Warden Wars Wasteland Witch"
)
TITLE_FIRST, TITLE_SECOND = _FIRST_WORDS.split(), _SECOND_WORDS.split()
TITLE_EDITIONS = ("", "", "", " II", " III", " Remastered", " Deluxe", ": Origins", ": Reborn", " HD")


def game_name(rng: random.Random) -> str:
    return f"{rng.choice(TITLE_FIRST)} {rng.choice(TITLE_SECOND)}{rng.choice(TITLE_EDITIONS)}"


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

    from games.models import Game, GameState, JournalEntry
    from games.popularity import game_popularity_rebuild
    from users.models import Activity, User

    now = timezone.now()
    two_years = timedelta(days=730).total_seconds()

    def some_time():
        return now - timedelta(seconds=rng.random() * two_years)

    password_hash = make_password(PASSWORD)
    # Bench users are established accounts: verified addresses, where the model tracks that.
    verified = {"email_verified": True} if hasattr(User, "email_verified") else {}
    counts = {}
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
                User(username=name, email=f"{name}@bench.example", password=password_hash, **verified)
                for name in (HEAVY_USERNAME, DENSE_USERNAME)
            ],
            batch_size=BATCH_SIZE,
        )
        dense = users.pop()
        heavy = users.pop()
        user_ids = [user.pk for user in users]
        counts["users"] = len(users) + 2

        stamp = now.isoformat()
        # Indexes are built once the rows are in: much faster than row by row (the trigram one most).
        indexed = [Game, GameState, JournalEntry, Activity]
        with connection.schema_editor() as editor:
            for model in indexed:
                for index in model._meta.indexes:
                    editor.remove_index(model, index)
        counts["games"] = copy_rows(
            "games_game",
            [
                *("igdb", "name", "slug", "cover_id", "backdrop_id", "summary", "genres", "platforms"),
                *("developers", "screenshots", "created_at", "updated_at"),
            ],
            (
                [igdb_id(index), name, slugify(name, index), "", "", "", "[]", "[]", "[]", "[]", stamp, stamp]
                for index, name in ((index, game_name(rng)) for index in range(size["games"]))
            ),
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM games_game ORDER BY id")
            game_ids = [row[0] for row in cursor.fetchall()]

        def state(user_id, game_id, **forced):
            flags = {shelf: rng.random() < odds for shelf, odds in SHELF_ODDS.items()} | forced
            if not any(flags.values()):
                flags["played"] = True
            row = [user_id, game_id]
            for on in flags.values():
                # The check constraints: a flag is true exactly when its timestamp is set.
                row += [on, some_time().isoformat() if on else None]
            rating = rng.randint(1, 10) if rng.random() < 0.4 else None
            return [*row, rating, stamp, stamp]

        def states():
            for user_id in user_ids:
                for game_id in rng.sample(game_ids, size["states_per_user"]):
                    yield state(user_id, game_id)
            for game_id in game_ids[: size["heavy_games"]]:
                yield state(heavy.pk, game_id, played=True)

        shelf_columns = [column for shelf in SHELF_ODDS for column in (shelf, f"{shelf}_at")]
        counts["game_states"] = copy_rows(
            "games_gamestate",
            ["user_id", "game_id", *shelf_columns, "rating", "created_at", "updated_at"],
            states(),
        )

        def follows():
            for index, user_id in enumerate(user_ids):
                # Distinct others: sample n of the n_users - 1 others, skipping oneself.
                for other in rng.sample(range(len(user_ids) - 1), size["follows_per_user"]):
                    yield [user_id, user_ids[other + (other >= index)], some_time().isoformat()]
            for user_id in user_ids[: size["heavy_followers"]]:
                yield [user_id, heavy.pk, some_time().isoformat()]
            for user_id in rng.sample(user_ids, size["dense_follows"]):
                yield [dense.pk, user_id, some_time().isoformat()]

        counts["follows"] = copy_rows("users_follow", ["follower_id", "followed_id", "created_at"], follows())

        def journal():
            authors = [heavy.pk] * size["heavy_journal"]
            authors += rng.choices(user_ids, k=max(0, size["journal_entries"] - len(authors)))
            for user_id in authors:
                played = some_time()
                finished = rng.random() < 0.3
                review = "Loved every minute of it. " * rng.randint(1, 6) if rng.random() < 0.4 else ""
                rating = rng.randint(1, 10) if rng.random() < 0.5 else None
                yield [
                    user_id,
                    rng.choice(game_ids),
                    played.date().isoformat(),
                    finished,
                    rng.choice(("PC", "Switch", "PlayStation 5", "")),
                    review,
                    False,
                    rng.random() < 0.3,
                    rating,
                    played.isoformat(),
                    played.isoformat(),
                ]

        counts["journal_entries"] = copy_rows(
            "games_journalentry",
            [
                *("user_id", "game_id", "played_on", "finished", "platform", "review", "spoilers"),
                *("liked", "rating", "created_at", "updated_at"),
            ],
            journal(),
        )

        def events():
            # In time order (ids follow time), each by any user: a followed user's events are spread
            # over the whole table, as on a live site.
            actors, shelves = [*user_ids, heavy.pk], list(SHELF_ODDS)
            step = two_years / size["events"]
            started = now - timedelta(seconds=two_years)
            for index in range(size["events"]):
                at = (started + timedelta(seconds=index * step)).isoformat()
                actor = rng.choice(actors)
                kind = rng.random()
                if kind < 0.5:
                    yield [actor, "shelved", rng.choice(game_ids), None, rng.choice(shelves), None, at]
                elif kind < 0.7:
                    yield [actor, "rated", rng.choice(game_ids), None, "", rng.randint(1, 10), at]
                elif kind < 0.85:
                    yield [actor, "logged", rng.choice(game_ids), None, "", None, at]
                else:
                    target = rng.choice(user_ids)
                    while target == actor:
                        target = rng.choice(user_ids)
                    yield [actor, "followed", None, target, "", None, at]

        counts["activity_events"] = copy_rows(
            "users_activity",
            ["actor_id", "verb", "game_id", "target_id", "shelf", "rating", "created_at"],
            events(),
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks the foreign keys now: CREATE INDEX
            # refuses to run on a table with deferred checks pending
        with connection.schema_editor() as editor:
            for model in indexed:
                for index in model._meta.indexes:
                    editor.add_index(model, index)
        # COPY sends no signals: the popular games' counts are rebuilt from the shelves.
        game_popularity_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # planner statistics and visibility maps, as a live database has
    return counts


def slugify(name: str, index: int) -> str:
    return f"{name.lower().replace(':', '').replace(' ', '-')}-{index}"


def copy_rows(table: str, columns: list[str], rows) -> int:
    """COPY the rows (lists of values; None is NULL) into `table`, COPY_CHUNK_ROWS at a time."""
    from django.db import connection

    def text(value) -> str:
        if value is None:
            return r"\N"
        if value is True or value is False:
            return "t" if value else "f"
        return str(value)  # generated values: no tab, newline or backslash to escape

    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()  # psycopg2's cursor: COPY is not in the DB-API
        chunk = io.StringIO()
        for row in rows:
            chunk.write("\t".join(map(text, row)) + "\n")
            count += 1
            if count % COPY_CHUNK_ROWS == 0:
                chunk.seek(0)
                raw.copy_expert(statement, chunk)
                chunk = io.StringIO()
        chunk.seek(0)
        raw.copy_expert(statement, chunk)
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="the tiny data set (CI)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiplies the catalogue, shelves, events and journal (1)"
    )
    parser.add_argument("--reuse", action="store_true", help="keep a database that holds the same data set")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"the database to (re)create; its name must contain 'bench' (default {DEFAULT_DATABASE_URL})",
    )
    args = parser.parse_args(argv)
    size = sized("smoke" if args.smoke else "full", args.scale)
    if (
        size["heavy_games"] > size["games"]
        or max(size["heavy_followers"], size["dense_follows"]) > size["users"]
        or size["states_per_user"] > size["games"]
    ):
        sys.exit("This scale leaves fewer games or users than the heavy and dense users need.")
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
        + f"; '{HEAVY_USERNAME}' has {size['heavy_games']:,} games and {size['heavy_followers']:,} followers;"
        + f" '{DENSE_USERNAME}' follows {size['dense_follows']:,} users."
    )


if __name__ == "__main__":
    main()
