"""Background jobs of citizens' opinions. Jobs call services and are safe to run twice."""

from __future__ import annotations

import dataclasses

from django.utils import timezone
from huey.contrib.djhuey import db_periodic_task

from lvzhi.suggestions.tasks import daily_at_0730_local

from .deadlines import opinion_deadline_sweep


@db_periodic_task(daily_at_0730_local)
def opinion_deadlines() -> dict:
    """The daily sweep: acknowledgement reminders and escalation, unit reminders and overdue flags."""
    return dataclasses.asdict(opinion_deadline_sweep(today=timezone.localdate()))
