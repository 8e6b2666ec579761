"""Background jobs of the dashboards: the summary of the figures is rebuilt every half hour (the pages say
when)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .figures import refresh


@db_periodic_task(crontab(minute="*/30"))
@lock_task("dashboards-refresh")
def refresh_dashboards() -> int:
    """Rebuild the dashboards' summary from the records (one at a time: a slow run is not overtaken)."""
    return refresh()
