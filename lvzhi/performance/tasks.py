"""Background jobs of performance. Jobs call services and are safe to run twice."""

from __future__ import annotations

from django.utils import timezone
from huey.contrib.djhuey import db_periodic_task

from lvzhi.suggestions.tasks import daily_at_0730_local

from .services.reminders import shortfall_reminders_send


@db_periodic_task(daily_at_0730_local)
def performance_reminders() -> int:
    """From October: remind deputies short of a rule this year (once per deputy, rule item and year)."""
    return shortfall_reminders_send(today=timezone.localdate())
