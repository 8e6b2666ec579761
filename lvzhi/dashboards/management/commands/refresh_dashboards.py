"""`lvzhi manage refresh_dashboards`: rebuild the dashboards' summary now (the job does it every half hour)."""

from django.core.management.base import BaseCommand

from lvzhi.dashboards.figures import refresh, refreshed_at


class Command(BaseCommand):
    help = "Rebuild the dashboards' summary of the figures from the records."

    def handle(self, *args, **options):
        cells = refresh()
        self.stdout.write(f"dashboards refreshed at {refreshed_at():%Y-%m-%d %H:%M:%S}: {cells} cells")
