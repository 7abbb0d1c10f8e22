"""
Examples of the main operations' requests and answers, shown by Swagger UI and ReDoc, keyed by
operation id (overworld.schema.OPERATION_IDS). overworld/tests/test_schema.py checks each against its
schema.
"""

from drf_spectacular.utils import OpenApiExample

USER = {"id": 42, "username": "celeste_fan", "email": "fan@example.com", "avatar": None, "gravatar": None}
TOKEN = "9f1c5e0a2b7d4c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a7"  # noqa: S105 - an example
GAME = {
    "id": 7,
    "igdb": "26226",
    "name": "Celeste",
    "slug": "celeste",
    "cover_id": "co1rgi",
    "backdrop_id": None,
}
STATE = {"played": True, "liked": True, "backlog": False, "wishlist": False, "rating": 9}


def request(name: str, value: dict) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


def answer(name: str, value, status: int = 200) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[str(status)])


def error(name: str, status: int, detail: str, code: str) -> OpenApiExample:
    """An error answer in the contract's shape, `{"detail", "code"}`."""
    return answer(name, {"detail": detail, "code": code}, status=status)


CREDENTIALS = {"username": "celeste_fan", "password": "a-long-passphrase"}

EXAMPLES = {
    "users_register": [
        request("Register", {**CREDENTIALS, "email": "fan@example.com"}),
        answer("Registered", {"user": USER, "token": TOKEN}),
        answer(
            "A taken username",
            {"username": ["A user with that username already exists."]},
            status=400,
        ),
    ],
    "users_login": [
        request("Log in", CREDENTIALS),
        answer("Logged in", {"user": USER, "token": TOKEN}),
        answer("Wrong credentials", {"non_field_errors": ["Incorrect username/password."]}, status=400),
        error("Locked out", 429, "Too many failed logins for this account.", "login_locked"),
    ],
    "current_user_retrieve": [
        answer(
            "The current user",
            {
                **USER,
                "email_verified": True,
                "pending_email": None,
                "bio": "Strawberries only.",
                "location": None,
                "twitter": "celeste_fan",
                "date_joined": "2026-01-31T12:00:00Z",
                "use_gravatar": False,
            },
        ),
        error("No token", 401, "Authentication credentials were not provided.", "not_authenticated"),
    ],
    "profile_update": [
        request("New bio and handle", {"bio": "Strawberries only.", "twitter": "@celeste_fan"}),
        error("Someone else's profile", 403, "You can only edit your own profile.", "permission_denied"),
    ],
    "users_follow": [
        request("Follow", {"username": "madeline"}),
        answer("Following", {"username": "madeline", "following": True}),
        error("E-mail address not verified", 403, "Verify your e-mail address first.", "email_not_verified"),
    ],
    "users_unfollow": [
        request("Unfollow", {"username": "madeline"}),
        answer("Not following", {"username": "madeline", "following": False}),
    ],
    "game_state_retrieve": [answer("On two shelves, rated", STATE)],
    "game_state_update": [
        request(
            "Shelve a game first seen",
            {"played": True, "liked": True, "game": {"name": "Celeste", "slug": "celeste"}},
        ),
        request("Rate it", {"rating": 9}),
        answer("The new state", STATE),
        answer("A new game without its name", {"game": {"name": ["This field is required."]}}, status=400),
    ],
    "journal_entry_create": [
        request(
            "A finished game",
            {
                "igdb": "26226",
                "played_on": "2026-03-14",
                "finished": True,
                "platform": "Switch",
                "review": "Strawberries!",
                "spoilers": False,
                "liked": True,
                "rating": 10,
            },
        ),
        answer("In the future", {"played_on": ["A journal entry cannot be in the future."]}, status=400),
    ],
    "favourites_set": [request("Two favourites, in order", {"games": ["26226", "14593"]})],
    "azuma_register": [
        request("Register", {"name": "azuma", "email": "azuma@example.com", "password": "a-long-passphrase"}),
        answer("Registered", {"token": TOKEN}),
        answer(
            "A taken name",
            {"message": "ALREADY_EXISTS", "description": "A user with that username already exists."},
            status=409,
        ),
    ],
    "azuma_login": [
        request("Log in", {"name": "azuma", "password": "a-long-passphrase"}),
        answer("Logged in", {"token": TOKEN}),
    ],
}
