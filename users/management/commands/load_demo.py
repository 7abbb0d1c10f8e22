from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction

from games.services import favourites_set, game_state_update, journal_entry_create
from users.models import User
from users.services import user_follow, user_profile_update, user_register

DEMO_PASSWORD = "overworld-demo"  # noqa: S105 - documented in the README, for local demo data only

DEMO_USERS = {
    "madeline": {
        "bio": "Climbing one mountain at a time.",
        "location": "Celeste Mountain",
        "twitter": "madeline",
    },
    "theo": {
        "bio": "Photographer, influencer, part-time adventurer.",
        "location": "Washington",
        "twitter": "",
    },
    "granny": {
        "bio": "Seen it all, played most of it.",
        "location": "The foot of the mountain",
        "twitter": "",
    },
    "badeline": {"bio": "", "location": "", "twitter": ""},
}

# IGDB id -> metadata, as a client would send it on first use.
DEMO_GAMES = {
    "26226": {"name": "Celeste", "slug": "celeste"},
    "14593": {"name": "Hollow Knight", "slug": "hollow-knight"},
    "17000": {"name": "Stardew Valley", "slug": "stardew-valley"},
    "113112": {"name": "Hades", "slug": "hades--1"},
    "19560": {"name": "God of War", "slug": "god-of-war--1"},
    "1877": {"name": "Cyberpunk 2077", "slug": "cyberpunk-2077"},
    "11737": {"name": "Outer Wilds", "slug": "outer-wilds"},
    "7346": {
        "name": "The Legend of Zelda: Breath of the Wild",
        "slug": "the-legend-of-zelda-breath-of-the-wild",
    },
}

# username -> shelf -> IGDB ids.
DEMO_SHELVES = {
    "madeline": {
        "played": ["26226", "14593", "113112"],
        "liked": ["26226", "113112"],
        "backlog": ["19560"],
        "wishlist": ["1877"],
    },
    "theo": {"played": ["17000", "7346"], "liked": ["7346"], "backlog": ["26226", "11737"]},
    "granny": {"played": ["17000", "11737", "19560"], "liked": ["11737"], "wishlist": ["113112"]},
    "badeline": {"played": ["26226", "14593"], "liked": ["14593"], "wishlist": ["1877", "11737"]},
}

# username -> IGDB id -> rating (half stars, 1 to 10).
DEMO_RATINGS = {
    "madeline": {"26226": 10, "14593": 9, "113112": 8},
    "theo": {"7346": 9, "17000": 7},
    "granny": {"11737": 10, "19560": 6},
}

# username -> favourite games, in order.
DEMO_FAVOURITES = {"madeline": ["26226", "113112", "14593"], "granny": ["11737", "17000"]}

# username -> journal entries (once the user has none).
DEMO_JOURNAL = {
    "madeline": [
        {
            "igdb": "26226",
            "played_on": "2026-01-18",
            "finished": True,
            "platform": "Switch",
            "review": "Reached the summit. Strawberries optional, feelings not.",
            "liked": True,
            "rating": 10,
        },
        {"igdb": "14593", "played_on": "2026-03-02", "platform": "PC", "review": "Lost in Deepnest again."},
    ],
    "granny": [
        {
            "igdb": "11737",
            "played_on": "2025-11-30",
            "finished": True,
            "platform": "PC",
            "review": "The ending stays with you.",
            "spoilers": True,
            "liked": True,
            "rating": 10,
        },
    ],
}

# follower -> the users they follow.
DEMO_FOLLOWS = {
    "madeline": ["theo", "granny"],
    "theo": ["madeline"],
    "granny": ["madeline", "theo"],
    "badeline": ["madeline"],
}


class Command(BaseCommand):
    help = (
        f"Loads demo users (password {DEMO_PASSWORD!r}), games, shelves, ratings, favourites, journal "
        "entries and follows. Idempotent: existing users are kept as they are, and running it again adds "
        "nothing twice."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        users = {}
        for username, profile in DEMO_USERS.items():
            user = User.objects.with_username(username).first()
            if user is None:
                user = user_register(
                    username=username, email=f"{username}@example.com", password=DEMO_PASSWORD
                )
                user_profile_update(user=user, actor=user, data=profile)
                self.stdout.write(f"Created user {username}")
            else:
                self.stdout.write(f"Kept existing user {user.username}")
            users[username] = user

        for username, shelves in DEMO_SHELVES.items():
            placements = 0
            for shelf, igdb_ids in shelves.items():
                for igdb in igdb_ids:
                    game_state_update(
                        user=users[username], igdb=igdb, flags={shelf: True}, metadata=DEMO_GAMES[igdb]
                    )
                    placements += 1
            self.stdout.write(f"Shelved {placements} game(s) for {username}")

        for username, ratings in DEMO_RATINGS.items():
            for igdb, rating in ratings.items():
                game_state_update(user=users[username], igdb=igdb, flags={}, rating=rating)
        for username, igdb_ids in DEMO_FAVOURITES.items():
            favourites_set(user=users[username], actor=users[username], igdb_ids=igdb_ids)
        for username, entries in DEMO_JOURNAL.items():
            if not users[username].journal_entries.exists():
                for entry in entries:
                    data = {**entry, "played_on": date.fromisoformat(entry["played_on"])}
                    igdb = data.pop("igdb")
                    journal_entry_create(user=users[username], igdb=igdb, data=data)
        self.stdout.write("Rated games, chose favourites and wrote journal entries")

        for follower, followed_names in DEMO_FOLLOWS.items():
            for followed in followed_names:
                user_follow(follower=users[follower], followed=users[followed])
            self.stdout.write(f"{follower} follows {', '.join(followed_names)}")

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(users)} users (password {DEMO_PASSWORD!r}), {len(DEMO_GAMES)} games. "
                "Try http://127.0.0.1:8000/api/users/madeline"
            )
        )
