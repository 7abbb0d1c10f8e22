"""
What the users app does with what games announces (games/signals.py): the activity events of feeds and
activity pages. (Cached profiles listen in users/profile.py.) Each runs inside the announcing write's
transaction.
"""

from django.dispatch import receiver

from games import signals
from users.models import Activity
from users.services import activity_record, activity_remove


@receiver(signals.shelf_changed)
def _shelf_changed(sender, user, game, shelf: str, on: bool, **kwargs) -> None:
    if on:
        activity_record(actor=user, verb=Activity.Verb.SHELVED, game=game, shelf=shelf)
    else:
        activity_remove(actor=user, verb=Activity.Verb.SHELVED, game=game, shelf=shelf)


@receiver(signals.rating_changed)
def _rating_changed(sender, user, game, rating: int | None, **kwargs) -> None:
    # Only the latest rating of a game is news.
    activity_remove(actor=user, verb=Activity.Verb.RATED, game=game)
    if rating is not None:
        activity_record(actor=user, verb=Activity.Verb.RATED, game=game, rating=rating)


@receiver(signals.journal_entry_created)
def _journal_entry_created(sender, user, game, entry, **kwargs) -> None:
    activity_record(actor=user, verb=Activity.Verb.LOGGED, game=game, journal_entry=entry)
