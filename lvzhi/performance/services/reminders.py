"""Reminders to deputies who are short of their rules in the last quarter of the year.

Run daily from October on (lvzhi/performance/tasks.py); each deputy hears once per rule item per year: the
notification's cause names the mandate, the item and the year, and notifications are unique on their cause.
A term item reminds only in the term's last year, when there is still time to make it up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from lvzhi.core.notifications import notify
from lvzhi.org.models import Mandate, User

from ..evaluation import evaluate
from ..models import Period

LAST_QUARTER = 10  # the month it starts


def cause_of(mandate_id: int, item_id: int, year: int) -> str:
    return f"performance:short:{mandate_id}:{item_id}:{year}"


def shortfall_reminders_send(*, today: dt.date) -> int:
    """Remind every deputy short of a rule item this year; returns the number of new notifications."""
    if today.month < LAST_QUARTER:
        return 0
    year = today.year
    mandates = Mandate.objects.current(today).filter(person__account__is_active=True)
    accounts: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(is_active=True, person__mandates__in=mandates).distinct():
        accounts[user.person_id].append(user)
    person_of = dict(mandates.values_list("pk", "person_id"))
    url = reverse("performance:mine")
    sent = 0
    for result in evaluate(mandates=mandates, year=year, stars=False):
        short = [i for i in result.short_items if i.period == Period.YEAR or i.period_end.year == year]
        if not short:
            continue
        with transaction.atomic():
            for item in short:
                body = _(
                    "%(rule)s: %(count)s confirmed, %(required)s required by %(end)s. "
                    "Register what you have done, with evidence, so the office can confirm it."
                ) % {
                    "rule": item.name,
                    "count": item.count,
                    "required": item.required,
                    "end": item.period_end,
                }
                for user in accounts.get(person_of[result.mandate_id], ()):
                    sent += len(
                        notify(
                            recipient=user,
                            cause=cause_of(result.mandate_id, item.item_id, year),
                            subject=_("Performance rules: “%(rule)s” is short by %(n)s")
                            % {"rule": item.name, "n": item.short_by},
                            body=body,
                            url=url,
                        )
                    )
    return sent
