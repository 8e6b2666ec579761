"""Working days and due dates.

Working days are Monday to Friday, except public holidays, plus make-up working days (调休); both kinds of
exception are rows of CalendarDay that staff import and edit each year. Due-date rules follow the Civil Code:
the start day is not counted; a month without the day ends on its last day; a due date that falls on a
non-working day moves to the next working day.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt

from django.utils import timezone

from .models import CalendarDay


class WorkingCalendar:
    """Loads the exceptions for a span of dates once, then answers without further queries."""

    def __init__(self, start: dt.date, end: dt.date):
        self.start, self.end = start, end
        self.exceptions = dict(
            CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
        )

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.exceptions.get(day)
        if kind == CalendarDay.Kind.HOLIDAY:
            return False
        if kind == CalendarDay.Kind.WORKDAY:
            return True
        return day.weekday() < 5

    def next_working_day(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day


def _calendar_around(start: dt.date, days: int) -> WorkingCalendar:
    # Long holidays (Spring Festival) are at most ~9 days; a generous margin keeps it one query.
    return WorkingCalendar(start, start + dt.timedelta(days=days * 2 + 40))


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (the start day itself is not counted)."""
    if n < 0:
        raise ValueError("n must not be negative")
    cal = _calendar_around(start, n)
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if day > cal.end:
            cal = _calendar_around(day, n - counted)
        if cal.is_working_day(day):
            counted += 1
    return day


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later; the month's last day when it has no such day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def due_after_months(start: dt.date, months: int) -> dt.date:
    """A deadline of N calendar months, moved to the next working day if it falls on a day off."""
    due = add_months(start, months)
    return _calendar_around(due, 0).next_working_day(due)


def due_after_days(start: dt.date, days: int) -> dt.date:
    """A deadline of N calendar days, moved to the next working day if it falls on a day off."""
    due = start + dt.timedelta(days=days)
    return _calendar_around(due, 0).next_working_day(due)


def local_today() -> dt.date:
    return timezone.localdate()


def missing_calendar_years(today: dt.date | None = None) -> list[int]:
    """Years (this one, and the next from October on) with no published holidays entered.

    Staff are warned, because without them every deadline counts holidays as working days.
    """
    today = today or local_today()
    years = [today.year] + ([today.year + 1] if today.month >= 10 else [])
    present = set(
        CalendarDay.objects.filter(
            date__year__in=years, kind=CalendarDay.Kind.HOLIDAY, provisional=False
        ).values_list("date__year", flat=True)
    )
    return [y for y in years if y not in present]
