"""The dates a station's reception rules give for a month (the "schedule a month" preview).

Pure reading: nothing is written here. For each rule valid in the month, its dates are listed (a fixed day of
the month, the n-th weekday, every week on a weekday, or every week of the voter-contact months); a date on a
public holiday (CalendarDay rows, which staff import each year) is cancelled or moved to the next working day
as the rule says; a manual exception of the rule (cancel or move one date, with a reason) comes first. Two
rules landing on the same day make one reception day with the deputies of both. A rule's date that already has
its reception day (by the rule and the date it gave, whatever became of the day: moved, cancelled) is shown as
decided and is not written again when the month is confirmed; so is a date that has a live day at the station.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lvzhi.core.calendar import WorkingCalendar
from lvzhi.core.models import CalendarDay

from .models import ReceptionDay, ReceptionException, ReceptionRule, Station

# A month a station may be scheduled for, relative to today: a past month is recorded after the fact.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, _calendar.monthrange(year, month)[1])


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def parse_month(raw) -> tuple[int, int] | None:
    """'2026-11' → (2026, 11); anything else (or a year out of range) → None."""
    raw = str(raw or "").strip()
    parts = raw.split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    if len(parts[0]) != 4 or len(parts[1]) not in (1, 2):
        return None
    year, month = int(parts[0]), int(parts[1])
    if not (EARLIEST_YEAR <= year <= LATEST_YEAR and 1 <= month <= 12):
        return None
    return year, month


def rule_dates(rule: ReceptionRule, year: int, month: int) -> list[dt.date]:
    """The dates the rule gives in the month, before holidays and exceptions."""
    months = rule.month_list
    if months and month not in months:
        return []
    if rule.kind == ReceptionRule.Kind.CONTACT_MONTH and not months:
        return []
    first, last = month_bounds(year, month)
    out: list[dt.date] = []
    if rule.kind == ReceptionRule.Kind.MONTHLY_DAY and rule.day:
        # A month without the day (the 31st in April) holds it on its last day.
        out = [dt.date(year, month, min(rule.day, last.day))]
    elif rule.kind == ReceptionRule.Kind.NTH_WEEKDAY and rule.weekday is not None and rule.nth:
        same = [first + dt.timedelta(days=i) for i in range(last.day)]
        same = [d for d in same if d.weekday() == rule.weekday]
        if rule.nth == -1:
            out = same[-1:]
        elif 1 <= rule.nth <= len(same):
            out = [same[rule.nth - 1]]
    elif (
        rule.kind in (ReceptionRule.Kind.WEEKLY, ReceptionRule.Kind.CONTACT_MONTH)
        and rule.weekday is not None
    ):
        out = [first + dt.timedelta(days=i) for i in range(last.day)]
        out = [d for d in out if d.weekday() == rule.weekday]
    return [d for d in out if rule.is_valid_on(d)]


@dataclass
class Proposal:
    """One date of the preview."""

    key: str  # "<rule id>:<the rule's date>", or "day:<id>" for a day already there
    rule: ReceptionRule | None
    rule_date: dt.date
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    theme: str
    deputy_ids: list[int] = field(default_factory=list)
    cancelled: bool = False  # skipped for a holiday or cancelled by hand: written as a cancelled day
    note: str = ""  # why the date differs from the rule's, or why it is cancelled
    moved: bool = False
    existing: ReceptionDay | None = None  # a day already at the station on this date

    @property
    def is_new(self) -> bool:
        return self.existing is None


def rules_of(station: Station, year: int, month: int) -> list[ReceptionRule]:
    first, last = month_bounds(year, month)
    return list(
        station.reception_rules.filter(valid_from__lte=last)
        .exclude(valid_to__lt=first)
        .prefetch_related("deputies", "exceptions")
        .order_by("valid_from", "pk")
    )


def month_proposals(station: Station, year: int, month: int) -> list[Proposal]:
    """The reception days the station's rules give for the month, with holidays and exceptions applied."""
    first, last = month_bounds(year, month)
    rules = rules_of(station, year, month)
    # Holidays are looked up a few weeks past the month end: a date moved forward may leave the month.
    cal = WorkingCalendar(first, last + dt.timedelta(days=40))
    holidays = dict(
        CalendarDay.objects.filter(
            date__gte=first, date__lte=last + dt.timedelta(days=40), kind=CalendarDay.Kind.HOLIDAY
        ).values_list("date", "name")
    )
    out: list[Proposal] = []
    for rule in rules:
        exceptions: dict[dt.date, ReceptionException] = {e.date: e for e in rule.exceptions.all()}
        deputies = sorted(m.pk for m in rule.deputies.all())
        for day in rule_dates(rule, year, month):
            p = Proposal(
                key=f"{rule.pk}:{day.isoformat()}",
                rule=rule,
                rule_date=day,
                date=day,
                start_time=rule.start_time,
                end_time=rule.end_time,
                theme=rule.theme,
                deputy_ids=list(deputies),
            )
            exc = exceptions.get(day)
            if exc is not None:
                if exc.action == ReceptionException.Action.CANCEL:
                    p.cancelled, p.note = True, exc.reason
                else:
                    p.date, p.moved, p.note = exc.new_date, True, exc.reason
            elif day in holidays:
                name = holidays[day] or _("Public holiday")
                if rule.day_off_policy == ReceptionRule.DayOff.SKIP:
                    p.cancelled = True
                    p.note = _("%(holiday)s: no reception this time") % {"holiday": name}
                else:
                    p.date, p.moved = cal.next_working_day(day), True
                    p.note = _("%(holiday)s: moved to the next working day") % {"holiday": name}
            elif rule.day_off_policy == ReceptionRule.DayOff.NEXT_ANY and not cal.is_working_day(day):
                p.date, p.moved = cal.next_working_day(day), True
                p.note = _("Weekend: moved to the next working day")
            out.append(p)
    out = _merge_same_day(out)
    _mark_existing(station, out)
    out.sort(key=lambda p: (p.date, p.start_time, p.key))
    return out


def _merge_same_day(proposals: list[Proposal]) -> list[Proposal]:
    """Two rules on one day: one reception day, the earlier start and later end, the deputies of both."""
    kept: dict[dt.date, Proposal] = {}
    out: list[Proposal] = []
    for p in proposals:
        if p.cancelled:
            out.append(p)
            continue
        first = kept.get(p.date)
        if first is None:
            kept[p.date] = p
            out.append(p)
            continue
        first.start_time = min(first.start_time, p.start_time)
        first.end_time = max(first.end_time, p.end_time)
        first.deputy_ids = sorted(set(first.deputy_ids) | set(p.deputy_ids))
        if p.theme and p.theme not in first.theme:
            first.theme = (f"{first.theme}；{p.theme}" if first.theme else p.theme)[:100]
        merged = _("Two rules fall on this day: held as one reception day")
        first.note = f"{first.note}；{merged}" if first.note else merged
    return out


def _mark_existing(station: Station, proposals: list[Proposal]) -> None:
    """Mark the proposals already decided. A rule's date is decided once a day was written for it (rule_date),
    whatever became of that day since: moved for a holiday or by hand, cancelled, held. A date that has no day
    of its own but falls on a live day of the station (one added by hand, another rule's, an older day whose
    rule date is not known) is decided too: the station holds one reception a day."""
    rule_ids = {p.rule.pk for p in proposals if p.rule is not None}
    by_rule: dict[tuple[int, dt.date], ReceptionDay] = {}
    if rule_ids:
        for day in ReceptionDay.objects.filter(
            station=station, rule_id__in=rule_ids, rule_date__in={p.rule_date for p in proposals}
        ):
            by_rule[(day.rule_id, day.rule_date)] = day
    dates = {p.date for p in proposals} | {p.rule_date for p in proposals if p.cancelled}
    live: dict[dt.date, ReceptionDay] = {}
    unknown: dict[dt.date, ReceptionDay] = {}  # days with no rule date, cancelled ones included
    for day in ReceptionDay.objects.filter(station=station, date__in=dates).order_by("status", "pk"):
        if day.status != ReceptionDay.Status.CANCELLED:
            live.setdefault(day.date, day)
        if day.rule_date is None:
            # A live day wins over a cancelled one on the same date.
            if day.date not in unknown or unknown[day.date].status == ReceptionDay.Status.CANCELLED:
                unknown[day.date] = day
    for p in proposals:
        found = by_rule.get((p.rule.pk, p.rule_date)) if p.rule is not None else None
        if found is None and p.cancelled:
            found = live.get(p.rule_date) or unknown.get(p.rule_date)
        elif found is None:
            found = live.get(p.date)
        p.existing = found


def describe_rule(rule: ReceptionRule) -> str:
    """The rule in words: "每单月15日 9:00–11:30", "每月第二个星期三 …", "6月、12月每周六 …"."""
    months = rule.month_list
    if months == [1, 3, 5, 7, 9, 11]:
        where = _("each odd month")
    elif months == [2, 4, 6, 8, 10, 12]:
        where = _("each even month")
    elif months:
        where = _("in %(months)s") % {"months": "、".join(_("month %(m)d") % {"m": m} for m in months)}
    else:
        where = _("each month")
    weekday = dict(ReceptionRule._meta.get_field("weekday").choices).get(rule.weekday, "")
    if rule.kind == ReceptionRule.Kind.MONTHLY_DAY:
        what = _("%(where)s on day %(day)s") % {"where": where, "day": rule.day}
    elif rule.kind == ReceptionRule.Kind.NTH_WEEKDAY:
        nth = dict(ReceptionRule._meta.get_field("nth").choices).get(rule.nth, "")
        what = _("%(where)s, the %(nth)s %(weekday)s") % {"where": where, "nth": nth, "weekday": weekday}
    elif rule.kind == ReceptionRule.Kind.CONTACT_MONTH:
        what = _("Voter-contact months (%(where)s): every %(weekday)s") % {"where": where, "weekday": weekday}
    else:
        what = _("%(where)s, every %(weekday)s") % {"where": where, "weekday": weekday}
    return f"{what} {rule.start_time:%H:%M}–{rule.end_time:%H:%M}"
