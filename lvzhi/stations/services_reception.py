"""Writes of the stations' reception days (接待日): the recurring rules and their manual exceptions, confirming a
month of days from the rules, adding, changing and cancelling one day, recording a held day (the deputies who
came count it as receiving citizens, 接待群众), and the citizens' opinions taken on the day, which go into the
opinions store like any other entered by staff.

Each step is one transaction that checks the actor's right (the deputy-affairs staff of the station's congress,
the station's own staff), refuses bad input with a translated message naming its field, and records an event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Mandate
from lvzhi.portal import cache as portal_cache

from . import events
from .models import (
    ReceptionAttendance,
    ReceptionDay,
    ReceptionException,
    ReceptionOpinion,
    ReceptionRule,
    Station,
)
from .permissions import can_manage_reception
from .reminders import tell_deputies
from .schedule import month_bounds, month_proposals, rule_dates
from .selectors_reception import station_deputies_now

THEME_MAX = 100
REASON_MAX = 200
TEXT_MAX = 2000
CITIZENS_MAX = 10000
# A reception day is planned at most this far ahead, and added after the fact at most this far back.
AHEAD_DAYS = 400
BACK_DAYS = 120
# A date moved by hand stays near the date the rule gave.
MOVE_WITHIN_DAYS = 45


# --- checks ------------------------------------------------------------------------------------------------
def _require_manager(actor, station: Station) -> None:
    if not can_manage_reception(actor, station):
        raise ServiceError(
            "not_allowed",
            _(
                "Only the deputy-affairs staff of the station's congress and the station's own staff may "
                "schedule and record its reception days."
            ),
            status=403,
        )


def _require_active(station: Station) -> None:
    if not station.is_active:
        raise ServiceError("station_inactive", _("This station is closed."))


def _clean_times(start: dt.time | None, end: dt.time | None) -> None:
    if start is None:
        raise ServiceError("required", _("Enter the start time."), field="start_time")
    if end is None:
        raise ServiceError("required", _("Enter the end time."), field="end_time")
    if end <= start:
        raise ServiceError("bad_times", _("The end time must be after the start time."), field="end_time")


def _clean_text(value: str, *, limit: int, field: str, label: str) -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > limit:
        raise ServiceError(
            "too_long",
            _("%(label)s: keep it within %(max)d characters.") % {"label": label, "max": limit},
            field=field,
        )
    return value


def _clean_reason(reason: str) -> str:
    reason = _clean_text(reason, limit=REASON_MAX, field="reason", label=_("Reason"))
    if not reason:
        raise ServiceError(
            "reason_required", _("Give the reason (it is kept in the history)."), field="reason"
        )
    return reason


def _clean_deputies(
    station: Station, deputies: Iterable[Mandate], *, field: str = "deputies"
) -> list[Mandate]:
    deputies = list(deputies or [])
    allowed = set(station_deputies_now(station).values_list("pk", flat=True))
    if any(m.pk not in allowed for m in deputies):
        raise ServiceError(
            "bad_deputy", _("Choose deputies who serve and are entered into this station."), field=field
        )
    return deputies


def _clean_day_date(date: dt.date | None, *, field: str = "date") -> dt.date:
    if date is None:
        raise ServiceError("required", _("Enter the date."), field=field)
    today = timezone.localdate()
    if date < today - dt.timedelta(days=BACK_DAYS) or date > today + dt.timedelta(days=AHEAD_DAYS):
        raise ServiceError(
            "bad_date",
            _("Choose a date within the last %(back)d days or the next %(ahead)d days.")
            % {"back": BACK_DAYS, "ahead": AHEAD_DAYS},
            field=field,
        )
    return date


def _require_free(
    station: Station, date: dt.date, *, field: str = "date", exclude: int | None = None
) -> None:
    taken = ReceptionDay.objects.filter(station=station, date=date).exclude(
        status=ReceptionDay.Status.CANCELLED
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ServiceError(
            "date_taken",
            _("This station already has a reception day on %(date)s.") % {"date": date.isoformat()},
            field=field,
        )


def _lock_day(day: ReceptionDay) -> ReceptionDay:
    return ReceptionDay.objects.select_for_update().select_related("station__congress").get(pk=day.pk)


# --- rules ---------------------------------------------------------------------------------------------------
def _clean_rule(
    *,
    kind: str,
    day: int | None,
    nth: int | None,
    weekday: int | None,
    months: Iterable[int],
    start_time,
    end_time,
    valid_from,
    valid_to,
    day_off_policy: str,
    theme: str,
) -> dict:
    if kind not in ReceptionRule.Kind.values:
        raise ServiceError("bad_kind", _("Choose how the reception day repeats."), field="kind")
    if day_off_policy not in ReceptionRule.DayOff.values:
        raise ServiceError(
            "bad_policy", _("Choose what happens on a public holiday."), field="day_off_policy"
        )
    month_list = sorted({int(m) for m in months or []})
    if any(m < 1 or m > 12 for m in month_list):
        raise ServiceError("bad_months", _("Choose months from the list."), field="months")
    values = {"day": None, "nth": None, "weekday": None}
    if kind == ReceptionRule.Kind.MONTHLY_DAY:
        if day is None or not 1 <= day <= 31:
            raise ServiceError("bad_day", _("Enter a day of the month from 1 to 31."), field="day")
        values["day"] = day
    else:
        if weekday is None or not 0 <= weekday <= 6:
            raise ServiceError("bad_weekday", _("Choose the weekday."), field="weekday")
        values["weekday"] = weekday
    if kind == ReceptionRule.Kind.NTH_WEEKDAY:
        if nth not in (1, 2, 3, 4, -1):
            raise ServiceError("bad_nth", _("Choose which weekday of the month."), field="nth")
        values["nth"] = nth
    if kind == ReceptionRule.Kind.CONTACT_MONTH and not 1 <= len(month_list) <= 4:
        raise ServiceError(
            "bad_months",
            _("Choose the voter-contact months (one to four months a year, e.g. two)."),
            field="months",
        )
    _clean_times(start_time, end_time)
    if valid_from is None:
        raise ServiceError("required", _("Enter the date the rule starts."), field="valid_from")
    if valid_to is not None and valid_to < valid_from:
        raise ServiceError("bad_dates", _("The end date is before the start date."), field="valid_to")
    return {
        **values,
        "kind": kind,
        "months": ",".join(str(m) for m in month_list),
        "start_time": start_time,
        "end_time": end_time,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "day_off_policy": day_off_policy,
        "theme": _clean_text(theme, limit=THEME_MAX, field="theme", label=_("Theme")),
    }


def _rule_payload(rule: ReceptionRule, deputies: list[Mandate]) -> dict:
    return {
        "kind": rule.kind,
        "day": rule.day,
        "nth": rule.nth,
        "weekday": rule.weekday,
        "months": rule.months,
        "start_time": rule.start_time.strftime("%H:%M"),
        "end_time": rule.end_time.strftime("%H:%M"),
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "day_off_policy": rule.day_off_policy,
        "mandates": sorted(m.pk for m in deputies),
    }


@transaction.atomic
def reception_rule_create(
    *,
    actor,
    station: Station,
    kind: str,
    start_time: dt.time,
    end_time: dt.time,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    day: int | None = None,
    nth: int | None = None,
    weekday: int | None = None,
    months: Iterable[int] = (),
    theme: str = "",
    deputies: Iterable[Mandate] = (),
    day_off_policy: str = ReceptionRule.DayOff.NEXT,
) -> ReceptionRule:
    station = Station.objects.select_for_update().get(pk=station.pk)
    _require_manager(actor, station)
    _require_active(station)
    values = _clean_rule(
        kind=kind,
        day=day,
        nth=nth,
        weekday=weekday,
        months=months,
        start_time=start_time,
        end_time=end_time,
        valid_from=valid_from,
        valid_to=valid_to,
        day_off_policy=day_off_policy,
        theme=theme,
    )
    deputies = _clean_deputies(station, deputies)
    rule = ReceptionRule.objects.create(station=station, created_by=actor, **values)
    rule.deputies.set(deputies)
    record_event(
        actor=actor,
        kind=events.RULE_ADDED,
        target=station,
        payload={"rule": rule.pk, **_rule_payload(rule, deputies)},
    )
    return rule


@transaction.atomic
def reception_rule_update(
    *,
    actor,
    rule: ReceptionRule,
    kind: str,
    start_time: dt.time,
    end_time: dt.time,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    day: int | None = None,
    nth: int | None = None,
    weekday: int | None = None,
    months: Iterable[int] = (),
    theme: str = "",
    deputies: Iterable[Mandate] = (),
    day_off_policy: str = ReceptionRule.DayOff.NEXT,
) -> ReceptionRule:
    """Change a rule. Days already confirmed stay as they are: the change applies to months confirmed later."""
    rule = ReceptionRule.objects.select_for_update().select_related("station__congress").get(pk=rule.pk)
    _require_manager(actor, rule.station)
    values = _clean_rule(
        kind=kind,
        day=day,
        nth=nth,
        weekday=weekday,
        months=months,
        start_time=start_time,
        end_time=end_time,
        valid_from=valid_from,
        valid_to=valid_to,
        day_off_policy=day_off_policy,
        theme=theme,
    )
    deputies = _clean_deputies(rule.station, deputies)
    before = _rule_payload(rule, list(rule.deputies.all()))
    for name, value in values.items():
        setattr(rule, name, value)
    rule.save(update_fields=list(values))
    rule.deputies.set(deputies)
    after = _rule_payload(rule, deputies)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        record_event(
            actor=actor,
            kind=events.RULE_CHANGED,
            target=rule.station,
            payload={"rule": rule.pk, "changes": changes},
        )
    return rule


@transaction.atomic
def reception_rule_end(*, actor, rule: ReceptionRule, on: dt.date | None) -> ReceptionRule:
    """End a rule on a date (its last day): no dates are proposed after it. Days already confirmed stay."""
    rule = ReceptionRule.objects.select_for_update().select_related("station__congress").get(pk=rule.pk)
    _require_manager(actor, rule.station)
    if on is None:
        raise ServiceError("required", _("Enter the rule's last day."), field="on")
    if on < rule.valid_from:
        raise ServiceError(
            "bad_dates", _("The last day cannot be before the day the rule starts."), field="on"
        )
    before = rule.valid_to
    rule.valid_to = on
    rule.save(update_fields=["valid_to"])
    record_event(
        actor=actor,
        kind=events.RULE_ENDED,
        target=rule.station,
        payload={"rule": rule.pk, "valid_to": [before.isoformat() if before else None, on.isoformat()]},
    )
    return rule


@transaction.atomic
def reception_exception_add(
    *,
    actor,
    rule: ReceptionRule,
    date: dt.date | None,
    action: str,
    reason: str,
    new_date: dt.date | None = None,
) -> ReceptionException:
    """Cancel or move one date the rule gives (a by-election, a community event, a flood), with the reason."""
    rule = ReceptionRule.objects.select_for_update().select_related("station__congress").get(pk=rule.pk)
    _require_manager(actor, rule.station)
    if date is None:
        raise ServiceError("required", _("Enter the date the rule gives."), field="date")
    if date not in rule_dates(rule, date.year, date.month):
        raise ServiceError(
            "not_a_rule_date", _("The rule gives no reception day on that date."), field="date"
        )
    if action not in ReceptionException.Action.values:
        raise ServiceError("bad_action", _("Choose to cancel or to move the date."), field="action")
    reason = _clean_reason(reason)
    if action == ReceptionException.Action.MOVE:
        if new_date is None:
            raise ServiceError("required", _("Enter the new date."), field="new_date")
        if new_date == date or abs((new_date - date).days) > MOVE_WITHIN_DAYS:
            raise ServiceError(
                "bad_new_date",
                _("Choose a new date other than the rule's, within %(days)d days of it.")
                % {"days": MOVE_WITHIN_DAYS},
                field="new_date",
            )
    else:
        new_date = None
    if rule.exceptions.filter(date=date).exists():
        raise ServiceError(
            "already_changed",
            _("This date already has a manual change; remove it first."),
            field="date",
        )
    # The date's day, wherever it is now (moved for a holiday or by hand) and whatever its status; an older day
    # whose rule date is not known is found on the date itself.
    written = ReceptionDay.objects.filter(rule=rule).filter(
        Q(rule_date=date) | Q(rule_date__isnull=True, date=date)
    )
    if written.exists():
        raise ServiceError(
            "already_scheduled",
            _("This date is already scheduled: cancel or change the reception day itself."),
            field="date",
        )
    exc = ReceptionException.objects.create(
        rule=rule, date=date, action=action, new_date=new_date, reason=reason, created_by=actor
    )
    record_event(
        actor=actor,
        kind=events.EXCEPTION_ADDED,
        target=rule.station,
        note=reason,
        payload={
            "rule": rule.pk,
            "exception": exc.pk,
            "action": action,
            "date": date.isoformat(),
            "new_date": new_date.isoformat() if new_date else None,
        },
    )
    return exc


@transaction.atomic
def reception_exception_remove(*, actor, exception: ReceptionException) -> None:
    exception = ReceptionException.objects.select_related("rule__station__congress").get(pk=exception.pk)
    station = exception.rule.station
    _require_manager(actor, station)
    payload = {"rule": exception.rule_id, "exception": exception.pk, "date": exception.date.isoformat()}
    exception.delete()
    record_event(actor=actor, kind=events.EXCEPTION_REMOVED, target=station, payload=payload)


# --- scheduling -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    """What staff made of one proposed date on the preview: keep it or not, and its adjusted details."""

    include: bool = True
    date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    theme: str | None = None


@dataclass(frozen=True)
class MonthScheduled:
    planned: list[ReceptionDay]
    cancelled: list[ReceptionDay]
    already: int


def _attend(day: ReceptionDay, mandate_ids: Iterable[int]) -> None:
    ReceptionAttendance.objects.bulk_create(
        [ReceptionAttendance(day=day, mandate_id=m, scheduled=True) for m in dict.fromkeys(mandate_ids)]
    )
    portal_cache.bump()  # the public days list their deputies; bulk_create sends no post_save


@transaction.atomic
def reception_month_confirm(
    *, actor, station: Station, year: int, month: int, choices: dict[str, Choice] | None = None
) -> MonthScheduled:
    """Write the month's reception days from the station's rules, as staff adjusted them on the preview.

    A date already decided is left alone (confirming twice writes nothing twice): a rule's date whose day was
    written before, even if that day was moved or cancelled since (ReceptionDay.rule_date). A date the rules cancel for
    a holiday (or by hand) is written as a cancelled day with the reason, so the public calendar says so.
    A refused row raises with `field` set to the proposal's key, so the page can mark that row.
    """
    station = Station.objects.select_for_update().select_related("congress").get(pk=station.pk)
    _require_manager(actor, station)
    _require_active(station)
    choices = choices or {}
    first, last = month_bounds(year, month)
    serving = set(station_deputies_now(station).values_list("pk", flat=True))
    planned: list[ReceptionDay] = []
    cancelled: list[ReceptionDay] = []
    already = 0
    # The notes (a holiday's name, "moved to the next working day") are stored as the reasons of cancelled days
    # and shown to citizens: in the congress's language, whatever the page language of the one confirming.
    with translation.override(settings.LANGUAGE_CODE):
        proposals = month_proposals(station, year, month)
    for p in proposals:
        if not p.is_new:
            already += 1
            continue
        choice = choices.get(p.key, Choice())
        if not choice.include:
            continue
        if p.cancelled:
            day = ReceptionDay.objects.create(
                station=station,
                congress=station.congress,
                rule=p.rule,
                rule_date=p.rule_date if p.rule else None,
                date=p.rule_date,
                start_time=p.start_time,
                end_time=p.end_time,
                theme=p.theme,
                status=ReceptionDay.Status.CANCELLED,
                cancel_reason=p.note[:REASON_MAX],
                created_by=actor,
            )
            cancelled.append(day)
            record_event(
                actor=actor,
                kind=events.DAY_PLANNED,
                target=day,
                to_state=ReceptionDay.Status.CANCELLED,
                note=day.cancel_reason,
                payload={"station": station.pk, "rule": p.rule.pk if p.rule else None},
            )
            continue
        date = choice.date or p.date
        if not first - dt.timedelta(days=7) <= date <= last + dt.timedelta(days=MOVE_WITHIN_DAYS):
            raise ServiceError("bad_date", _("Keep the date near the month being scheduled."), field=p.key)
        start = choice.start_time or p.start_time
        end = choice.end_time or p.end_time
        if end <= start:
            raise ServiceError("bad_times", _("The end time must be after the start time."), field=p.key)
        taken = ReceptionDay.objects.filter(station=station, date=date).exclude(
            status=ReceptionDay.Status.CANCELLED
        )
        if taken.exists() or any(d.date == date for d in planned):
            raise ServiceError(
                "date_taken",
                _("This station already has a reception day on %(date)s.") % {"date": date.isoformat()},
                field=p.key,
            )
        theme = p.theme if choice.theme is None else choice.theme
        theme = _clean_text(theme, limit=THEME_MAX, field=p.key, label=_("Theme"))
        day = ReceptionDay.objects.create(
            station=station,
            congress=station.congress,
            rule=p.rule,
            rule_date=p.rule_date if p.rule else None,
            date=date,
            start_time=start,
            end_time=end,
            theme=theme,
            created_by=actor,
        )
        _attend(day, [m for m in p.deputy_ids if m in serving])
        planned.append(day)
        record_event(
            actor=actor,
            kind=events.DAY_PLANNED,
            target=day,
            to_state=ReceptionDay.Status.PLANNED,
            note=p.note,
            payload={"station": station.pk, "rule": p.rule.pk if p.rule else None, "date": date.isoformat()},
        )
    if planned or cancelled:
        record_event(
            actor=actor,
            kind=events.MONTH_SCHEDULED,
            target=station,
            payload={
                "month": f"{year:04d}-{month:02d}",
                "planned": len(planned),
                "cancelled": len(cancelled),
                "already": already,
            },
        )
    return MonthScheduled(planned=planned, cancelled=cancelled, already=already)


@transaction.atomic
def reception_day_add(
    *,
    actor,
    station: Station,
    date: dt.date | None,
    start_time: dt.time | None,
    end_time: dt.time | None,
    theme: str = "",
    deputies: Iterable[Mandate] = (),
) -> ReceptionDay:
    """Add one reception day by hand (a special theme, a day the rules don't give)."""
    station = Station.objects.select_for_update().select_related("congress").get(pk=station.pk)
    _require_manager(actor, station)
    _require_active(station)
    date = _clean_day_date(date)
    _clean_times(start_time, end_time)
    theme = _clean_text(theme, limit=THEME_MAX, field="theme", label=_("Theme"))
    deputies = _clean_deputies(station, deputies)
    _require_free(station, date)
    day = ReceptionDay.objects.create(
        station=station,
        congress=station.congress,
        date=date,
        start_time=start_time,
        end_time=end_time,
        theme=theme,
        created_by=actor,
    )
    _attend(day, [m.pk for m in deputies])
    record_event(
        actor=actor,
        kind=events.DAY_PLANNED,
        target=day,
        to_state=ReceptionDay.Status.PLANNED,
        payload={"station": station.pk, "rule": None, "date": date.isoformat(), "by_hand": True},
    )
    return day


def _require_planned(day: ReceptionDay) -> None:
    if day.status != ReceptionDay.Status.PLANNED:
        raise ServiceError(
            "not_planned",
            _("Only a planned reception day can be changed or cancelled; this one is %(status)s.")
            % {"status": day.get_status_display()},
            status=409,
        )


@transaction.atomic
def reception_day_update(
    *,
    actor,
    day: ReceptionDay,
    date: dt.date | None,
    start_time: dt.time | None,
    end_time: dt.time | None,
    theme: str = "",
    deputies: Iterable[Mandate] = (),
) -> ReceptionDay:
    """Move a planned day, change its times or theme, and the deputies expected."""
    day = _lock_day(day)
    _require_manager(actor, day.station)
    _require_planned(day)
    date = _clean_day_date(date)
    _clean_times(start_time, end_time)
    theme = _clean_text(theme, limit=THEME_MAX, field="theme", label=_("Theme"))
    deputies = _clean_deputies(day.station, deputies)
    _require_free(day.station, date, exclude=day.pk)
    changes = {}
    for name, value in (("date", date), ("start_time", start_time), ("end_time", end_time), ("theme", theme)):
        old = getattr(day, name)
        if old != value:
            changes[name] = [_plain(old), _plain(value)]
            setattr(day, name, value)
    if changes:
        day.save(update_fields=list(changes))
    wanted = {m.pk for m in deputies}
    had = set(day.attendance.filter(scheduled=True).values_list("mandate_id", flat=True))
    if wanted != had:
        day.attendance.filter(mandate_id__in=had - wanted).delete()
        _attend(day, sorted(wanted - had))
        changes["mandates"] = [sorted(had), sorted(wanted)]
    if changes:
        record_event(actor=actor, kind=events.DAY_CHANGED, target=day, payload={"changes": changes})
    if {"date", "start_time", "end_time"} & set(changes):
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Reception day at %(station)s moved to %(date)s %(start)s–%(end)s") % {
                "station": day.station.name,
                "date": day.date.isoformat(),
                "start": day.start_time.strftime("%H:%M"),
                "end": day.end_time.strftime("%H:%M"),
            }
        when = f"{day.date.isoformat()}T{day.start_time:%H%M}"
        tell_deputies(day, cause=f"reception:{day.pk}:moved:{when}", subject=subject, sms=True)
    return day


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value


@transaction.atomic
def reception_day_cancel(*, actor, day: ReceptionDay, reason: str) -> ReceptionDay:
    day = _lock_day(day)
    _require_manager(actor, day.station)
    _require_planned(day)
    reason = _clean_reason(reason)
    day.status = ReceptionDay.Status.CANCELLED
    day.cancel_reason = reason
    day.save(update_fields=["status", "cancel_reason"])
    record_event(
        actor=actor,
        kind=events.DAY_CANCELLED,
        target=day,
        from_state=ReceptionDay.Status.PLANNED,
        to_state=ReceptionDay.Status.CANCELLED,
        note=reason,
    )
    if day.date >= timezone.localdate():
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Reception day at %(station)s on %(date)s is cancelled: %(reason)s") % {
                "station": day.station.name,
                "date": day.date.isoformat(),
                "reason": reason,
            }
        tell_deputies(day, cause=f"reception:{day.pk}:cancelled", subject=subject, sms=True)
    return day


# --- the record of a held day ------------------------------------------------------------------------------
@transaction.atomic
def reception_day_record(
    *,
    actor,
    day: ReceptionDay,
    attended: Iterable[Mandate],
    citizens_count: int | None,
    notes: str = "",
    follow_up: str = "",
) -> ReceptionDay:
    """Record a held reception day: the deputies who came (scheduled or not), how many citizens, what was
    raised and the follow-up. Each deputy who came is counted as receiving citizens (接待群众) in the
    performance archive, once, however often the record is corrected. A deputy recorded as present by mistake
    is taken off by correcting the record: the day stops counting for them, in the same transaction."""
    from lvzhi.performance.kinds import RECEPTION
    from lvzhi.performance.services.sources import activity_record_from_source, activity_unrecord_from_source

    day = _lock_day(day)
    station = day.station
    _require_manager(actor, station)
    if day.status == ReceptionDay.Status.CANCELLED:
        raise ServiceError("cancelled", _("This reception day was cancelled."), status=409)
    if day.date > timezone.localdate():
        raise ServiceError(
            "not_yet", _("A reception day is recorded on the day or after it, not before."), status=409
        )
    attended = list(dict.fromkeys(attended or []))
    on_day = {a.mandate_id: a for a in day.attendance.all()}
    allowed = set(station_deputies_now(station).values_list("pk", flat=True)) | set(on_day)
    if any(m.pk not in allowed for m in attended):
        raise ServiceError(
            "bad_deputy", _("Choose deputies of this station or of this day."), field="attended"
        )
    if not attended:
        raise ServiceError("no_deputy", _("Tick at least one deputy who came."), field="attended")
    if citizens_count is None:
        raise ServiceError("required", _("Enter how many citizens came."), field="citizens_count")
    if not 0 <= citizens_count <= CITIZENS_MAX:
        raise ServiceError(
            "bad_count",
            _("Enter a number of citizens from 0 to %(max)d.") % {"max": CITIZENS_MAX},
            field="citizens_count",
        )
    notes = _clean_text(notes, limit=TEXT_MAX, field="notes", label=_("What was raised"))
    follow_up = _clean_text(follow_up, limit=TEXT_MAX, field="follow_up", label=_("Follow-up"))
    came = {m.pk for m in attended}
    counted = {a.mandate_id for a in on_day.values() if a.attended}
    uncounted = sorted(counted - came) if day.status == ReceptionDay.Status.HELD else []
    for mandate_id, row in on_day.items():
        value = mandate_id in came
        if not value and not row.scheduled:
            # Added on the record by mistake: neither expected nor came, so off the day altogether.
            row.delete()
        elif row.attended != value:
            row.attended = value
            row.save(update_fields=["attended"])
    ReceptionAttendance.objects.bulk_create(
        [
            ReceptionAttendance(day=day, mandate=m, scheduled=False, attended=True)
            for m in attended
            if m.pk not in on_day
        ]
    )
    portal_cache.bump()  # bulk_create sends no post_save
    before = day.status
    first_time = before != ReceptionDay.Status.HELD
    day.status = ReceptionDay.Status.HELD
    day.citizens_count = citizens_count
    day.notes = notes
    day.follow_up = follow_up
    day.recorded_at = timezone.now()
    day.recorded_by = actor
    day.save(update_fields=["status", "citizens_count", "notes", "follow_up", "recorded_at", "recorded_by"])
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Reception day at %(station)s") % {"station": station.name}
        corrected = _("Attendance at the reception day corrected: the deputy did not come.")
    for mandate_id in uncounted:
        activity_unrecord_from_source(
            source=day, mandate=on_day[mandate_id].mandate, actor=actor, note=corrected
        )
    for mandate in attended:
        activity_record_from_source(
            source=day,
            mandate=mandate,
            kind=RECEPTION,
            date=day.date,
            title=title,
            actor=actor,
            place=station.address,
        )
    record_event(
        actor=actor,
        kind=events.DAY_RECORDED if first_time else events.DAY_RECORD_CHANGED,
        target=day,
        from_state=before,
        to_state=ReceptionDay.Status.HELD,
        payload={
            "came": sorted(came),
            "citizens": citizens_count,
            **({"uncounted": uncounted} if uncounted else {}),
        },
    )
    return day


# --- opinions taken on the day -----------------------------------------------------------------------------
def _require_takes_opinions(day: ReceptionDay) -> None:
    if day.status == ReceptionDay.Status.CANCELLED:
        raise ServiceError("cancelled", _("This reception day was cancelled."), status=409)
    if day.date > timezone.localdate():
        raise ServiceError("not_yet", _("Opinions are entered on the reception day or after it."), status=409)


def _link(actor, day: ReceptionDay, opinion) -> ReceptionOpinion:
    link = ReceptionOpinion.objects.create(day=day, opinion=opinion, linked_by=actor)
    record_event(
        actor=actor,
        kind=events.OPINION_TAKEN,
        target=day,
        payload={"opinion_id": opinion.pk, "number": opinion.number},
    )
    return link


@transaction.atomic
def reception_day_enter_opinion(*, actor, day: ReceptionDay, mandate: Mandate | None = None, **fields):
    """Type in an opinion a citizen gave on the reception day. It goes into the opinions store through the
    office's own entry step (opinions.services.triage.opinion_enter: source "reception day", the station, the
    day as the day received), with its tracking number and follow-up link, and is linked to the day."""
    from lvzhi.opinions.models import Opinion
    from lvzhi.opinions.services.triage import opinion_enter

    day = _lock_day(day)
    _require_manager(actor, day.station)
    _require_takes_opinions(day)
    if mandate is not None and not day.attendance.filter(mandate=mandate).exists():
        raise ServiceError(
            "bad_deputy", _("Choose a deputy of this reception day, or none."), field="mandate"
        )
    done = opinion_enter(
        actor=actor,
        source=Opinion.Source.RECEPTION,
        station=day.station,
        mandate=mandate,
        received_on=day.date,
        **fields,
    )
    if not ReceptionOpinion.objects.filter(opinion=done.opinion).exists():
        _link(actor, day, done.opinion)
    return done


def linkable_opinions(day: ReceptionDay):
    """Opinions entered for the station on the day (at a visit or a reception day) not yet linked to a day."""
    from lvzhi.opinions.models import Opinion

    start = timezone.make_aware(dt.datetime.combine(day.date, dt.time.min))
    end = start + dt.timedelta(days=1)
    return Opinion.objects.filter(
        station=day.station,
        source__in=[Opinion.Source.RECEPTION, Opinion.Source.STATION],
        created_at__gte=start,
        created_at__lt=end,
        reception_link__isnull=True,
    ).order_by("created_at", "pk")


@transaction.atomic
def reception_day_link_opinion(*, actor, day: ReceptionDay, opinion) -> ReceptionOpinion:
    """Link an opinion entered earlier (through the triage entry page) to the reception day it was given on."""
    day = _lock_day(day)
    _require_manager(actor, day.station)
    _require_takes_opinions(day)
    if not linkable_opinions(day).filter(pk=opinion.pk).exists():
        raise ServiceError(
            "not_linkable",
            _("Only an opinion given at this station on this day, not yet linked, can be linked."),
            field="opinion",
        )
    return _link(actor, day, opinion)
