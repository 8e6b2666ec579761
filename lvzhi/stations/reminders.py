"""Telling the deputies of a reception day: a reminder a few days before (the station announces its reception
days three days ahead), and word when their day is moved or cancelled. Each message is one Notification row per
deputy's account and channel, unique on its cause, so a job run twice or a day saved twice tells nobody twice."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from lvzhi.core.notifications import Channel, notify
from lvzhi.org.models import User

from .models import ReceptionDay

REMIND_DAYS_AHEAD = 3


def _when(day: ReceptionDay) -> str:
    return f"{formats.date_format(day.date, 'MONTH_DAY_FORMAT')} {day.start_time:%H:%M}–{day.end_time:%H:%M}"


def tell_deputies(day: ReceptionDay, *, cause: str, subject: str, sms: bool = False) -> int:
    """Tell the deputies scheduled for the day (every active account of each person); returns messages made."""
    persons = list(day.attendance.filter(scheduled=True).values_list("mandate__person_id", flat=True))
    channels = (Channel.INBOX, Channel.SMS) if sms else (Channel.INBOX,)
    made = 0
    url = reverse("stations:reception_day", args=[day.pk])
    for account in User.objects.filter(person_id__in=persons, is_active=True):
        made += len(
            notify(
                recipient=account, cause=f"{cause}:{account.pk}", subject=subject, url=url, channels=channels
            )
        )
    return made


def remind_upcoming(*, today: dt.date) -> int:
    """Remind the deputies of the planned days of the next REMIND_DAYS_AHEAD days (once per day and deputy)."""
    made = 0
    days = ReceptionDay.objects.filter(
        status=ReceptionDay.Status.PLANNED,
        date__gt=today,
        date__lte=today + dt.timedelta(days=REMIND_DAYS_AHEAD),
        station__is_active=True,
    ).select_related("station")
    with translation.override(settings.LANGUAGE_CODE):
        for day in days:
            subject = _("Reception day at %(station)s on %(when)s: you are expected") % {
                "station": day.station.name,
                "when": _when(day),
            }
            made += tell_deputies(
                day, cause=f"reception:{day.pk}:{day.date.isoformat()}:remind", subject=subject, sms=True
            )
    return made
