"""Purge the personal data of citizens' opinions finished longer ago than the retention time.

    lvzhi manage purge_opinion_personal_data             # LVZHI_OPINION_RETENTION_DAYS (default 365)
    lvzhi manage purge_opinion_personal_data --days 730  # another time, for this run
    lvzhi manage purge_opinion_personal_data --dry-run   # count only

The same runs every night as a background job (lvzhi.opinions.retention). See services/purge.py for what is
removed and what is kept.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lvzhi.opinions.services.purge import opinion_personal_data_purge, purge_due


class Command(BaseCommand):
    help = "Remove the personal data of citizens' opinions finished longer ago than the retention time."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="retention in days (default: the setting)")
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be purged, change nothing"
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        used = settings.LVZHI_OPINION_RETENTION_DAYS if days is None else days
        if dry_run:
            qs, cutoff = purge_due(days=used)
            self.stdout.write(
                f"would purge {qs.count()} opinions finished before {cutoff:%Y-%m-%d %H:%M} (retention {used} days)"
            )
            return
        result = opinion_personal_data_purge(days=used)
        self.stdout.write(
            f"purged {result.opinions} opinions, {result.photos} photos "
            f"(finished before {result.cutoff:%Y-%m-%d %H:%M}, retention {used} days)"
        )
