"""The daily retention job of citizens' opinions: purge the personal data of items finished longer ago than
LVZHI_OPINION_RETENTION_DAYS (services/purge.py; `lvzhi manage purge_opinion_personal_data` runs the same).

Huey's worker imports the apps' `tasks` modules; this one is imported by OpinionsConfig.ready() so that the
worker and the demo's in-process consumer both schedule it. Safe to run twice: a purged item is skipped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from .services.purge import opinion_personal_data_purge

_AT_0215 = crontab(minute="15", hour="2")


def daily_at_0215_local(timestamp: dt.datetime) -> bool:
    """02:15 in the site's time zone, when nobody works; huey's UTC time is turned into local time first."""
    if HUEY.utc:
        timestamp = timezone.localtime(timestamp.replace(tzinfo=dt.UTC)).replace(tzinfo=None)
    return _AT_0215(timestamp)


@db_periodic_task(daily_at_0215_local)
def opinion_retention_purge() -> dict:
    result = opinion_personal_data_purge()
    out = dataclasses.asdict(result)
    out["cutoff"] = result.cutoff.isoformat() if result.cutoff else None
    return out
