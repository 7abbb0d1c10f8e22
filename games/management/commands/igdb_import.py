"""Imports or refreshes games from IGDB in bulk."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from games import selectors, services
from games.igdb import MAX_LIMIT, is_configured, parse_igdb_id
from overworld.exceptions import UpstreamError

BAR_WIDTH = 30


def igdb_id(value: str) -> int:
    number = parse_igdb_id(value)
    if number is None:
        raise ValueError(value)
    return number


igdb_id.__name__ = "IGDB id"


class Command(BaseCommand):
    help = (
        "Imports games from IGDB, or refreshes the stored ones, with their details: by IGDB ids, by a "
        "search, or every local game whose details are missing or older than IGDB_REFRESH_DAYS. "
        "Needs IGDB_CLIENT_ID and IGDB_CLIENT_SECRET."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--ids", nargs="+", type=igdb_id, metavar="ID", help="IGDB ids of the games.")
        which.add_argument("--search", help="Import IGDB's best matches for these words.")
        which.add_argument(
            "--stale", action="store_true", help="Refresh the local games with missing or stale details."
        )
        parser.add_argument(
            "--limit", type=int, default=50, help=f"With --search: how many matches (1 to {MAX_LIMIT})."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, ids=None, search=None, stale=False, limit=50, no_progress=False, **options):
        if not is_configured():
            raise CommandError("IGDB_CLIENT_ID and IGDB_CLIENT_SECRET are not set: nothing to import from.")
        if not 1 <= limit <= MAX_LIMIT:
            raise CommandError(f"--limit is 1 to {MAX_LIMIT}.")
        if search is not None and not search.strip():
            raise CommandError("--search needs words to search for.")
        if stale:
            refreshed_before = timezone.now() - timedelta(days=settings.IGDB_REFRESH_DAYS)
            ids = selectors.game_ids_list_stale(refreshed_before=refreshed_before)
            if not ids:
                self.stdout.write("Every game's details are fresh.")
                return
        progress = None if no_progress else self._progress
        try:
            report = services.games_import(ids=ids, search=search, limit=limit, progress=progress)
        except (UpstreamError, ImproperlyConfigured) as error:
            raise CommandError(f"Import stopped: {getattr(error, 'detail', error)}") from error
        finally:
            if progress and self.stderr.isatty():
                self.stderr.write("")
        created, updated = len(report.created), len(report.updated)
        self.stdout.write(self.style.SUCCESS(f"Imported {created} new game(s), refreshed {updated}."))
        if report.missing:
            missing = ", ".join(map(str, report.missing))
            self.stdout.write(self.style.WARNING(f"Unknown to IGDB: {missing}."))

    def _progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        # On a terminal the bar redraws itself; in a log, one line per step.
        ending = "\r" if self.stderr.isatty() else "\n"
        self.stderr.write(f"[{bar}] {done}/{total} games", ending=ending)
