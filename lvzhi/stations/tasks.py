"""Background jobs of the stations. Jobs call services and are safe to run twice."""

from __future__ import annotations

from django.utils import timezone
from huey.contrib.djhuey import db_periodic_task

from lvzhi.suggestions.tasks import daily_at_0730_local

from .reminders import remind_upcoming


@db_periodic_task(daily_at_0730_local)
def reception_reminders() -> int:
    """Each morning: remind the deputies of the reception days of the next three days."""
    return remind_upcoming(today=timezone.localdate())
