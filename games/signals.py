"""
What the games app announces, for the apps built on it (users: activity, feeds, cached profiles).

games knows nothing of those apps: its services send these signals and the listeners do the joining.
Each is sent inside the write's transaction, so what a listener writes commits or rolls back with it.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from games.models import Game

# A game was put on a shelf (`on` True) or taken off it; kwargs: user, game, shelf, on.
shelf_changed = Signal()
# A user's rating of a game changed; kwargs: user, game, rating (None: cleared).
rating_changed = Signal()
# A journal entry was written; kwargs: user, game, entry.
journal_entry_created = Signal()
# A user's favourite games were replaced; kwargs: user.
favourites_changed = Signal()
# What lists of games show of a game (name, slug, cover, backdrop) changed, or the game was deleted;
# kwargs: game.
game_summary_changed = Signal()


@receiver(post_save, sender=Game)
def _game_saved(sender, instance: Game, created: bool, **kwargs) -> None:
    # A new game is in no list yet, and details IGDB refreshes (summary, genres, ...) are not shown in
    # lists: only a change of the summary's fields is news.
    if not created and instance.summary_changed():
        game_summary_changed.send(sender=Game, game=instance)


@receiver(post_delete, sender=Game)
def _game_deleted(sender, instance: Game, **kwargs) -> None:
    game_summary_changed.send(sender=Game, game=instance)
