"""Writes of the working-day calendar: add, change, delete a day; import a whole year.

Who may write is decided in lvzhi.core.permissions (the site administrator, or staff of a city-level or
higher congress: the calendar is national data that every deadline runs on). Each write records an event;
the event belongs to the editor's congress, so the editing office sees it in its audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import events
from .audit import record_event
from .calendar_files import RawRow, parse_date, parse_kind, read_calendar_file
from .errors import ServiceError
from .models import CalendarDay
from .permissions import calendar_editor_congress_id, can_edit_calendar

NAME_MAX = CalendarDay._meta.get_field("name").max_length


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


class CalendarImportError(ServiceError):
    """A file with bad rows: every bad row is listed, and nothing was saved."""

    def __init__(self, errors: list[RowError]):
        super().__init__(
            "calendar.import_invalid",
            ngettext(
                "%(n)d row of the file is wrong; nothing was saved. Correct it and upload again.",
                "%(n)d rows of the file are wrong; nothing was saved. Correct them and upload again.",
                len(errors),
            )
            % {"n": len(errors)},
            field="file",
        )
        self.errors = errors


@dataclass
class ImportSummary:
    year: int
    holidays: int = 0
    workdays: int = 0
    removed: int = 0
    provisional: bool = False
    names: list[str] = field(default_factory=list)


def _check_allowed(actor) -> int | None:
    if not can_edit_calendar(actor):
        raise ServiceError(
            "calendar.not_allowed",
            _(
                "Only the site administrator or staff of a city-level or higher congress may edit the calendar."
            ),
        )
    return calendar_editor_congress_id(actor)


def _check_day(*, date: dt.date, kind: str, name: str) -> None:
    if kind not in CalendarDay.Kind.values:
        raise ServiceError(
            "calendar.bad_kind", _("Choose public holiday or make-up working day."), field="kind"
        )
    if kind == CalendarDay.Kind.WORKDAY and date.weekday() < 5:
        raise ServiceError(
            "calendar.workday_on_weekday",
            _("A make-up working day falls on a Saturday or Sunday; %(date)s is a weekday.")
            % {"date": date.isoformat()},
            field="kind",
        )
    if len(name) > NAME_MAX:
        raise ServiceError(
            "calendar.name_too_long",
            _("The name is longer than %(max)d characters.") % {"max": NAME_MAX},
            field="name",
        )


def _check_date_free(date: dt.date, *, exclude_pk: int | None = None) -> None:
    taken = CalendarDay.objects.filter(date=date)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ServiceError(
            "calendar.date_taken",
            _("%(date)s is already in the calendar; edit that day instead.") % {"date": date.isoformat()},
            field="date",
        )


def _lock(day: CalendarDay) -> CalendarDay:
    """The day's row, locked; refused when someone else deleted it meanwhile (two editors at once)."""
    locked = CalendarDay.objects.select_for_update().filter(pk=day.pk).first()
    if locked is None:
        raise ServiceError(
            "calendar.day_gone",
            _("%(date)s is no longer in the calendar: someone else deleted it meanwhile.")
            % {"date": day.date.isoformat()},
            status=409,
        )
    return locked


def _payload(day: CalendarDay) -> dict:
    # "label", not "name": the audit log refuses a "name" key, which would usually be a person's.
    return {
        "date": day.date.isoformat(),
        "kind": day.kind,
        "label": day.name,
        "provisional": day.provisional,
    }


@transaction.atomic
def calendar_day_create(
    *, actor, date: dt.date, kind: str, name: str = "", provisional: bool = False
) -> CalendarDay:
    congress_id = _check_allowed(actor)
    name = (name or "").strip()
    _check_day(date=date, kind=kind, name=name)
    _check_date_free(date)
    day = CalendarDay.objects.create(date=date, kind=kind, name=name, provisional=provisional)
    record_event(
        actor=actor,
        kind=events.CALENDAR_DAY_ADDED,
        target=day,
        payload=_payload(day),
        congress_id=congress_id,
    )
    return day


@transaction.atomic
def calendar_day_update(
    *, actor, day: CalendarDay, date: dt.date, kind: str, name: str = "", provisional: bool = False
) -> CalendarDay:
    congress_id = _check_allowed(actor)
    day = _lock(day)
    name = (name or "").strip()
    _check_day(date=date, kind=kind, name=name)
    _check_date_free(date, exclude_pk=day.pk)
    before = _payload(day)
    day.date, day.kind, day.name, day.provisional = date, kind, name, provisional
    after = _payload(day)
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changes:
        return day
    day.save(update_fields=["date", "kind", "name", "provisional"])
    record_event(
        actor=actor,
        kind=events.CALENDAR_DAY_CHANGED,
        target=day,
        from_state=before["kind"],
        to_state=after["kind"],
        payload={"changes": changes},
        congress_id=congress_id,
    )
    return day


@transaction.atomic
def calendar_day_delete(*, actor, day: CalendarDay) -> None:
    congress_id = _check_allowed(actor)
    day = _lock(day)
    # Recorded before the row goes, while the target still resolves.
    record_event(
        actor=actor,
        kind=events.CALENDAR_DAY_DELETED,
        target=day,
        payload=_payload(day),
        congress_id=congress_id,
    )
    day.delete()


def _validate_rows(year: int, rows: list[RawRow]) -> tuple[list[CalendarDay], list[RowError]]:
    days: list[CalendarDay] = []
    errors: list[RowError] = []
    seen: dict[dt.date, int] = {}
    for row in rows:
        problems = []
        date = parse_date(row.date)
        kind = parse_kind(row.kind)
        if date is None:
            problems.append(
                _("“%(value)s” is not a date; write it as 2027-01-01.") % {"value": row.date or _("(empty)")}
            )
        elif date.year != year:
            problems.append(_("%(date)s is not in %(year)s.") % {"date": date.isoformat(), "year": year})
        elif date in seen:
            problems.append(
                _("%(date)s is already on line %(line)s.") % {"date": date.isoformat(), "line": seen[date]}
            )
        if kind is None:
            problems.append(
                _("Type “%(value)s” is unknown; write 休 (holiday) or 班 (make-up working day).")
                % {"value": row.kind or _("(empty)")}
            )
        if date is not None and kind is not None:
            try:
                _check_day(date=date, kind=kind, name=row.name)
            except ServiceError as exc:
                problems.append(exc.message)
        elif len(row.name) > NAME_MAX:
            problems.append(_("The name is longer than %(max)d characters.") % {"max": NAME_MAX})
        if problems:
            errors.append(RowError(row.line, " ".join(str(p) for p in problems)))
            continue
        seen[date] = row.line
        days.append(CalendarDay(date=date, kind=kind, name=row.name))
    return days, errors


@transaction.atomic
def calendar_year_import(*, actor, year: int, file, provisional: bool = False) -> ImportSummary:
    """Replace every row of `year` with the file's rows, all or nothing.

    A file with any bad row raises CalendarImportError listing each bad row; the calendar is untouched.
    """
    congress_id = _check_allowed(actor)
    rows = read_calendar_file(file)
    days, errors = _validate_rows(year, rows)
    if errors:
        raise CalendarImportError(errors)
    for day in days:
        day.provisional = provisional
    removed, _detail = CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(days)
    summary = ImportSummary(
        year=year,
        holidays=sum(d.kind == CalendarDay.Kind.HOLIDAY for d in days),
        workdays=sum(d.kind == CalendarDay.Kind.WORKDAY for d in days),
        removed=removed,
        provisional=provisional,
        names=sorted({d.name for d in days if d.name}),
    )
    record_event(
        actor=actor,
        kind=events.CALENDAR_YEAR_IMPORTED,
        note=str(year),
        payload={
            "year": year,
            "holidays": summary.holidays,
            "workdays": summary.workdays,
            "removed": removed,
            "provisional": provisional,
        },
        congress_id=congress_id,
    )
    return summary
