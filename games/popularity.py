"""
The popular games of the local catalogue: how many users have each game on at least one shelf.

The counts live in GamePopularity, one row per game, and change in the transaction of the shelf
write that changes them: a GameState saved onto its first shelf adds one, saved off its last shelf
or deleted while on one (a user deleted, a game deleted, the admin) takes one away. The change is
an increment in the database (`users_count = users_count + 1`: an upsert, or an F() update), so
concurrent writers never lose one another's; the state row itself is read locked by
games.services.game_state_update, so two requests for the same user and game apply one after the
other.

Bulk writes send no signals (bulk_create, QuerySet.update): whatever writes shelves in bulk (the
benchmark's loader) calls `game_popularity_rebuild()` after. games.selectors.game_list_most_shelved
reads the top N by one index scan (`games_popularity_top_idx`), whatever the number of shelves.
"""

from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from games.models import SHELVES, GamePopularity, GameState


def game_popularity_add(*, game_id: int, delta: int) -> None:
    """Adds `delta` to the game's count, in one statement whoever else writes it at the same time."""
    if delta < 0:
        # A game is off a shelf only after it was on one: its row exists, unless the game itself is
        # being deleted (its row went first), and then there is nothing to count.
        GamePopularity.objects.filter(game_id=game_id).update(users_count=F("users_count") + delta)
        return
    # The first shelving of a game creates its row: an upsert (PostgreSQL and SQLite alike), so two
    # first shelvings at once add up rather than one failing on the primary key.
    table = GamePopularity._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (game_id, users_count) VALUES (%s, %s) "  # noqa: S608 - the model's table
            f"ON CONFLICT (game_id) DO UPDATE SET users_count = {table}.users_count + excluded.users_count",
            [game_id, delta],
        )


def game_popularity_rebuild() -> int:
    """Recounts every game from the shelves (after bulk writes); returns the number of games counted."""
    with transaction.atomic():
        GamePopularity.objects.all().delete()
        with connection.cursor() as cursor:
            table, states = GamePopularity._meta.db_table, GameState._meta.db_table
            shelved = " OR ".join(SHELVES)  # boolean columns, on PostgreSQL and SQLite alike
            cursor.execute(
                f"INSERT INTO {table} (game_id, users_count) "  # noqa: S608 - names from the models
                f"SELECT game_id, COUNT(*) FROM {states} WHERE {shelved} GROUP BY game_id"
            )
            return cursor.rowcount


@receiver(post_save, sender=GameState)
def _state_saved(sender, instance: GameState, created: bool, **kwargs) -> None:
    now = instance.on_a_shelf()
    # A state saved without having been loaded (GameState(pk=...).save()) counts as unchanged: what
    # it was is unknown (game_popularity_rebuild() recounts).
    was = False if created else getattr(instance, "on_a_shelf_saved", now)
    if was != now:
        game_popularity_add(game_id=instance.game_id, delta=1 if now else -1)
    instance.on_a_shelf_saved = now


@receiver(post_delete, sender=GameState)
def _state_deleted(sender, instance: GameState, **kwargs) -> None:
    if getattr(instance, "on_a_shelf_saved", instance.on_a_shelf()):
        game_popularity_add(game_id=instance.game_id, delta=-1)
