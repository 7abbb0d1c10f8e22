from django.core.management.base import BaseCommand
from django.utils import timezone
from knox.models import AuthToken


class Command(BaseCommand):
    help = (
        "Deletes expired API tokens in one statement. Authentication rejects (and removes) an expired "
        "token when it is used; this sweeps the ones nobody uses again. Safe to run from cron."
    )

    def handle(self, *args, **options):
        # AuthToken has no dependants and no delete signals, so this is a single DELETE ... WHERE.
        deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
        self.stdout.write(f"Deleted {deleted} expired token(s).")
