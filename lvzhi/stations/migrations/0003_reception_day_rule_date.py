"""A reception day remembers the date its rule gave (rule_date), so confirming a month again matches the days
already written by (rule, rule_date) whatever became of them (moved, cancelled).

The days written before it get their rule date where it can be told: the date the day was first written (its
"planned" event, else the first date change, else its date now) is matched against the dates the rule gives
around it, with the rule's manual exceptions and the holidays applied as scheduling applies them. A day that
matches exactly one rule date takes it (the first such day, when the old fault wrote it twice); any other stays
blank, and is matched by its date as before.
"""

import calendar as _calendar
import datetime as dt

from django.conf import settings
from django.db import migrations, models

DAY_PLANNED = "reception.day_planned"
DAY_CHANGED = "reception.day_changed"


def _month_bounds(year, month):
    return dt.date(year, month, 1), dt.date(year, month, _calendar.monthrange(year, month)[1])


def _shift(year, month, by):
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def _rule_dates(rule, year, month):
    """As lvzhi.stations.schedule.rule_dates, on the historical model (kept here as it was)."""
    months = [int(m) for m in (rule.months or "").split(",") if m.strip().isdigit()]
    if months and month not in months:
        return []
    if rule.kind == "contact_month" and not months:
        return []
    first, last = _month_bounds(year, month)
    out = []
    if rule.kind == "monthly_day" and rule.day:
        out = [dt.date(year, month, min(rule.day, last.day))]
    elif rule.kind == "nth_weekday" and rule.weekday is not None and rule.nth:
        same = [first + dt.timedelta(days=i) for i in range(last.day)]
        same = [d for d in same if d.weekday() == rule.weekday]
        if rule.nth == -1:
            out = same[-1:]
        elif 1 <= rule.nth <= len(same):
            out = [same[rule.nth - 1]]
    elif rule.kind in ("weekly", "contact_month") and rule.weekday is not None:
        out = [first + dt.timedelta(days=i) for i in range(last.day)]
        out = [d for d in out if d.weekday() == rule.weekday]
    return [d for d in out if rule.valid_from <= d and (rule.valid_to is None or d <= rule.valid_to)]


class _Calendar:
    def __init__(self, kinds):
        self.kinds = kinds

    def is_working_day(self, day):
        kind = self.kinds.get(day)
        if kind == "holiday":
            return False
        if kind == "workday":
            return True
        return day.weekday() < 5

    def next_working_day(self, day):
        for _ in range(60):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        return day


def _gives(rule, day, exceptions, cal):
    """What the rule's date `day` became on scheduling: ("cancelled", day) or ("planned", the date)."""
    exc = exceptions.get((rule.pk, day))
    if exc is not None:
        action, new_date = exc
        return ("cancelled", day) if action == "cancel" else ("planned", new_date)
    if cal.kinds.get(day) == "holiday":
        if rule.day_off_policy == "skip":
            return ("cancelled", day)
        return ("planned", cal.next_working_day(day))
    if rule.day_off_policy == "next_any" and not cal.is_working_day(day):
        return ("planned", cal.next_working_day(day))
    return ("planned", day)


def rule_date_of(rule, first_date, first_state, exceptions, cal):
    """The one rule date that gave a day first written on `first_date` in `first_state`, or None."""
    found = set()
    for by in (-2, -1, 0, 1):
        year, month = _shift(first_date.year, first_date.month, by)
        for day in _rule_dates(rule, year, month):
            if _gives(rule, day, exceptions, cal) == (first_state, first_date):
                found.add(day)
    return found.pop() if len(found) == 1 else None


def _first_written(apps, day_ids):
    """{day id: (the date it was first written on, its state then)} from the days' events."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Event = apps.get_model("core", "Event")
    ct = ContentType.objects.filter(app_label="stations", model="receptionday").first()
    if ct is None:
        return {}
    out = {}
    rows = (
        Event.objects.filter(target_type=ct, kind__in=[DAY_PLANNED, DAY_CHANGED])
        .filter(target_id__in=[str(pk) for pk in day_ids])
        .order_by("occurred_at", "pk")
        .values_list("target_id", "kind", "to_state", "payload")
    )
    for target_id, kind, to_state, payload in rows:
        pk = int(target_id)
        if pk in out:
            continue
        payload = payload or {}
        try:
            if kind == DAY_PLANNED and to_state == "cancelled":
                out[pk] = (None, "cancelled")  # written cancelled, on the rule's date: never moved since
            elif kind == DAY_PLANNED and payload.get("date"):
                out[pk] = (dt.date.fromisoformat(payload["date"]), to_state or "planned")
            elif kind == DAY_CHANGED and "date" in (payload.get("changes") or {}):
                out[pk] = (dt.date.fromisoformat(payload["changes"]["date"][0]), "planned")
        except (TypeError, ValueError, IndexError, KeyError):
            continue
    return out


def fill_rule_dates(apps, schema_editor):
    ReceptionDay = apps.get_model("stations", "ReceptionDay")
    ReceptionException = apps.get_model("stations", "ReceptionException")
    CalendarDay = apps.get_model("core", "CalendarDay")
    days = list(
        ReceptionDay.objects.filter(rule__isnull=False, rule_date__isnull=True)
        .select_related("rule")
        .order_by("pk")
    )
    if not days:
        return
    first_written = _first_written(apps, [d.pk for d in days])
    start = min(d.date for d in days) - dt.timedelta(days=120)
    end = max(d.date for d in days) + dt.timedelta(days=120)
    cal = _Calendar(
        dict(CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))
    )
    exceptions = {
        (e.rule_id, e.date): (e.action, e.new_date)
        for e in ReceptionException.objects.filter(rule_id__in={d.rule_id for d in days})
    }
    taken = set(ReceptionDay.objects.filter(rule_date__isnull=False).values_list("rule_id", "rule_date"))
    for day in days:
        if day.pk in first_written:
            first_date, first_state = first_written[day.pk]
            first_date = first_date or day.date
        else:
            # No event tells: a day never moved is on the date it was written; a cancelled one may have been
            # written cancelled (for a holiday) or cancelled later, so both are tried.
            first_date, first_state = day.date, "planned"
        found = rule_date_of(day.rule, first_date, first_state, exceptions, cal)
        if found is None and day.pk not in first_written and day.status == "cancelled":
            found = rule_date_of(day.rule, first_date, "cancelled", exceptions, cal)
        if found is None or (day.rule_id, found) in taken:
            continue
        taken.add((day.rule_id, found))
        day.rule_date = found
        day.save(update_fields=["rule_date"])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_seed_calendar"),
        ("org", "0004_group_work"),
        ("stations", "0002_receptionattendance_receptionday_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="receptionday",
            name="rule_date",
            field=models.DateField(blank=True, null=True, verbose_name="date the rule gives"),
        ),
        migrations.RunPython(fill_rule_dates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="receptionday",
            constraint=models.UniqueConstraint(
                condition=models.Q(("rule_date__isnull", False)),
                fields=("rule", "rule_date"),
                name="reception_day_once_a_rule_date",
            ),
        ),
    ]
