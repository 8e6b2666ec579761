"""Background jobs of the suggestions loop. Jobs call services and are safe to run twice."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from .deadlines import deadline_sweep

_AT_0730 = crontab(minute="30", hour="7")


def daily_at_0730_local(timestamp: dt.datetime) -> bool:
    """07:30 in the site's time zone (Asia/Shanghai), before the offices open.

    Huey checks its schedule with a naive UTC time when it runs in UTC mode (its default), so the time is
    turned into local time first; a plain crontab(hour=7) would fire at 15:30 in Beijing.
    """
    if HUEY.utc:
        timestamp = timezone.localtime(timestamp.replace(tzinfo=dt.UTC)).replace(tzinfo=None)
    return _AT_0730(timestamp)


@db_periodic_task(daily_at_0730_local)
def suggestion_deadlines() -> dict:
    """The daily deadline sweep: reminders, overdue notices, evaluation windows that have closed."""
    return dataclasses.asdict(deadline_sweep(today=timezone.localdate()))
