"""Reads of the games app."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from games.models import SHELVES, Game, GameState
from users.models import User


def game_list(*, search: str = "") -> QuerySet[Game]:
    games = Game.objects.all()
    if search:
        games = games.filter(name__icontains=search)
    return games.order_by("name", "id")


def game_get_with_shelf_counts(*, igdb: str) -> Game | None:
    """The game with, as `<shelf>_count`, how many users have it on each shelf."""
    return (
        Game.objects.filter(igdb=igdb)
        .annotate(
            **{f"{shelf}_count": Count("states", filter=Q(**{f"states__{shelf}": True})) for shelf in SHELVES}
        )
        .first()
    )


def game_state_get(*, user: User, igdb: str) -> GameState | None:
    return GameState.objects.filter(user=user, game__igdb=igdb).first()


@dataclass(frozen=True)
class Shelves:
    played: list[Game]
    liked: list[Game]
    backlog: list[Game]
    wishlist: list[Game]


def user_shelves(*, user: User) -> Shelves:
    """The user's four shelves, each newest first, in one query whatever their length."""
    states = (
        GameState.objects.filter(user=user)
        .filter(Q(played=True) | Q(liked=True) | Q(backlog=True) | Q(wishlist=True))
        .select_related("game")
    )
    lists: dict[str, list[GameState]] = {shelf: [] for shelf in SHELVES}
    for state in states:
        for shelf in SHELVES:
            if getattr(state, shelf):
                lists[shelf].append(state)
    return Shelves(
        **{
            shelf: [
                state.game
                for state in sorted(
                    rows,
                    key=lambda state, shelf=shelf: (getattr(state, f"{shelf}_at"), state.pk),
                    reverse=True,
                )
            ]
            for shelf, rows in lists.items()
        }
    )
