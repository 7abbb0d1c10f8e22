from django.core.management.base import BaseCommand
from django.db import transaction

from games.services import game_state_update
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

# follower -> the users they follow.
DEMO_FOLLOWS = {
    "madeline": ["theo", "granny"],
    "theo": ["madeline"],
    "granny": ["madeline", "theo"],
    "badeline": ["madeline"],
}


class Command(BaseCommand):
    help = (
        f"Loads demo users (password {DEMO_PASSWORD!r}), games, shelves and follows. Idempotent: existing "
        "users are kept as they are, shelves and follows are only added."
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
