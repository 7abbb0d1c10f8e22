"""Writes of the games app: the catalogue and each user's shelves."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from games.models import SHELVES, Game, GameState
from users.models import User

GAME_METADATA_FIELDS = ("name", "slug", "cover_id", "backdrop_id")


def game_get_or_create(*, igdb: str, metadata: dict | None) -> Game:
    """
    Returns the game with this IGDB id, creating it from `metadata` on first use. Metadata of a
    game that exists is never overwritten from here: staff curate it in the admin.
    """
    game = Game.objects.filter(igdb=igdb).first()
    if game is not None:
        return game
    if not metadata or not metadata.get("name"):
        raise ValidationError(
            {"game": ["This game is unknown here: send game.name (and its other metadata)."]}
        )
    defaults = {field: metadata[field] for field in GAME_METADATA_FIELDS if metadata.get(field)}
    # get_or_create settles two first uses at once through the unique index on igdb.
    game, _ = Game.objects.get_or_create(igdb=igdb, defaults=defaults)
    return game


def game_state_update(
    *, user: User, igdb: str, flags: dict[str, bool], metadata: dict | None = None
) -> GameState:
    """
    Sets any of the four shelf flags of `user` on the game `igdb`. Idempotent: setting a flag that
    is already set changes nothing, its timestamp included, so a retried request cannot undo itself.
    """
    game = game_get_or_create(igdb=igdb, metadata=metadata)
    unknown = set(flags) - set(SHELVES)
    if unknown:
        raise ValueError(f"Not shelves: {sorted(unknown)}")
    with transaction.atomic():
        state, _ = GameState.objects.get_or_create(user=user, game=game)
        # Lock the row so that two requests for the same game apply one after the other.
        state = GameState.objects.select_for_update().get(pk=state.pk)
        now = timezone.now()
        changed = []
        for shelf, value in flags.items():
            if state.set_shelf(shelf, value, at=now):
                changed += [shelf, f"{shelf}_at"]
        if changed:
            state.save(update_fields=[*changed, "updated_at"])
    state.game = game
    return state
