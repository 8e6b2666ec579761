"""Background jobs of citizens observing: the daily deletion of identity details past their retention time.

Imported by MeetingsConfig.ready(), so the worker and the demo's in-process consumer both schedule it; the job
calls the service and is safe to run twice.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from .services.observers import observer_personal_data_purge

_AT_0230 = crontab(minute="30", hour="2")


def daily_at_0230_local(timestamp: dt.datetime) -> bool:
    """02:30 in the site's time zone; huey's UTC time is turned into local time first."""
    if HUEY.utc:
        timestamp = timezone.localtime(timestamp.replace(tzinfo=dt.UTC)).replace(tzinfo=None)
    return _AT_0230(timestamp)


@db_periodic_task(daily_at_0230_local)
def observer_retention_purge() -> int:
    return observer_personal_data_purge()
