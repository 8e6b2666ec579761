"""Reads of reception days, rules and coverage, scoped to the reader; and the public reads (next reception days,
the public calendar), which carry only public facts of a station: no phone, no citizen, no record.

Who reads which reception days (SECURITY: every staff page fetches through `reception_days_visible_to`, so a
day outside the reader's scope is a 404):
- deputy-affairs staff and chairs: the days of the stations of their congress and every congress below;
- station staff: the days of their station;
- a deputy: the days they are scheduled for or came to.
Rules and their exceptions are read by whoever reads the station (stations.selectors), and changed by those who
manage its reception (permissions.can_manage_reception).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lvzhi.org.models import Congress, Mandate
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from .models import ReceptionAttendance, ReceptionDay, ReceptionException, ReceptionRule, Station
from .schedule import month_bounds
from .selectors import station_list_visible_to

# How far ahead the public calendar and the phone page look.
PUBLIC_HORIZON_DAYS = 92


def reception_days_visible_to(*, user) -> QuerySet[ReceptionDay]:
    s = scope_for(user)
    qs = ReceptionDay.objects.select_related("station", "congress", "rule")
    if s.is_admin:
        return qs
    q = Q(pk__in=[])
    if s.read_paths:
        q |= s.in_tree()
    if s.station_ids:
        q |= Q(station_id__in=s.station_ids)
    if s.mandate_ids:
        q |= Q(pk__in=ReceptionAttendance.objects.filter(mandate_id__in=s.mandate_ids).values("day_id"))
    return qs.filter(q)


def reception_rules_visible_to(*, user) -> QuerySet[ReceptionRule]:
    return ReceptionRule.objects.filter(station__in=station_list_visible_to(user=user)).select_related(
        "station__congress"
    )


def reception_exceptions_visible_to(*, user) -> QuerySet[ReceptionException]:
    return ReceptionException.objects.filter(rule__in=reception_rules_visible_to(user=user)).select_related(
        "rule__station__congress"
    )


def stations_managed_for_reception(*, user) -> QuerySet[Station]:
    """Active stations whose reception days the user schedules and records."""
    s = scope_for(user)
    qs = Station.objects.filter(is_active=True).select_related("congress")
    if s.is_admin:
        return qs
    q = Q(pk__in=s.station_ids)
    if Role.STAFF in s.roles:
        q |= Q(congress_id__in=s.act_congress_ids)
    return qs.filter(q)


def station_deputies_now(station: Station) -> QuerySet[Mandate]:
    """The serving deputies of every level entered into the station: those a reception day may expect."""
    return (
        Mandate.objects.current(timezone.localdate())
        .filter(station_assignments__station=station)
        .select_related("person", "congress")
        .order_by("congress__path", "person__name", "pk")
    )


@dataclass(frozen=True)
class DayFilters:
    congress_id: int | None = None
    station_id: int | None = None
    status: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    mine: bool = False


def reception_day_search(*, user, filters: DayFilters) -> QuerySet[ReceptionDay]:
    qs = reception_days_visible_to(user=user)
    if filters.congress_id is not None:
        qs = qs.filter(congress_id=filters.congress_id)
    if filters.station_id is not None:
        qs = qs.filter(station_id=filters.station_id)
    if filters.status in ReceptionDay.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.start is not None:
        qs = qs.filter(date__gte=filters.start)
    if filters.end is not None:
        qs = qs.filter(date__lte=filters.end)
    if filters.mine:
        s = scope_for(user)
        qs = qs.filter(
            pk__in=ReceptionAttendance.objects.filter(mandate_id__in=s.mandate_ids).values("day_id")
        )
    return qs.annotate(
        scheduled_count=Count("attendance", filter=Q(attendance__scheduled=True), distinct=True),
        came_count=Count("attendance", filter=Q(attendance__attended=True), distinct=True),
        opinion_count=Count("opinion_links", distinct=True),
    )


def attendance_of(day: ReceptionDay) -> list[ReceptionAttendance]:
    return list(
        day.attendance.select_related("mandate__person", "mandate__congress").order_by(
            "mandate__congress__path", "mandate__person__name", "pk"
        )
    )


# --- coverage ------------------------------------------------------------------------------------------
def unassigned_deputies(*, user, congress_id: int | None = None, q: str = "") -> QuerySet[Mandate]:
    """Serving deputies in the user's scope not entered into any station (进家入站 not yet done)."""
    from lvzhi.org.selectors import mandate_list_visible_to

    qs = (
        mandate_list_visible_to(user=user)
        .current(timezone.localdate())
        .filter(station_assignments__isnull=True)
    )
    if congress_id is not None:
        qs = qs.filter(congress_id=congress_id)
    if q:
        qs = qs.filter(person__name__contains=q)
    return qs.order_by("congress__path", "person__name", "pk")


def unassigned_counts(*, user) -> list[tuple[Congress, int, int]]:
    """Per congress in scope: serving deputies, and how many of them are in no station."""
    from lvzhi.org.selectors import mandate_list_visible_to

    today = timezone.localdate()
    rows = (
        mandate_list_visible_to(user=user)
        .current(today)
        .values("congress_id")
        .annotate(
            total=Count("pk", distinct=True),
            missing=Count("pk", filter=Q(station_assignments__isnull=True), distinct=True),
        )
    )
    by_id = {r["congress_id"]: (r["total"], r["missing"]) for r in rows}
    congresses = Congress.objects.filter(pk__in=by_id).order_by("path")
    return [(c, *by_id[c.pk]) for c in congresses]


def stations_without_reception(
    *, user, year: int, month: int, congress_id: int | None = None, kind: str = ""
) -> QuerySet[Station]:
    """Active stations in scope with no reception in the month: none held, and none still planned from today on.
    A day of a past date still "planned" was never recorded: it does not count as a reception."""
    first, last = month_bounds(year, month)
    today = timezone.localdate()
    live = ReceptionDay.objects.filter(station=OuterRef("pk"), date__gte=first, date__lte=last).filter(
        Q(status=ReceptionDay.Status.HELD) | Q(status=ReceptionDay.Status.PLANNED, date__gte=today)
    )
    qs = (
        station_list_visible_to(user=user)
        .filter(is_active=True)
        .annotate(has_reception=Exists(live))
        .filter(has_reception=False)
        .annotate(deputy_count=Count("assignments", distinct=True))
    )
    if congress_id is not None:
        qs = qs.filter(congress_id=congress_id)
    if kind in Station.Kind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("congress__path", "name", "pk")


# --- public reads: only the public facts of a station and its days ---------------------------------------
@dataclass(frozen=True)
class PublicReceptionDay:
    """What a citizen may read of a reception day: no phone, no record, no citizen."""

    date: dt.date
    start_time: dt.time
    end_time: dt.time
    theme: str
    station_id: int
    station_name: str
    station_address: str
    station_kind: str
    congress_name: str
    cancelled: bool
    cancel_reason: str
    deputies: tuple[str, ...]
    with_deputy: bool = False  # for a deputy's page: this deputy is expected that day

    @property
    def weekday(self) -> int:
        return self.date.weekday()


def _with_public_relations(qs):
    return qs.select_related("station", "congress").prefetch_related("attendance__mandate__person")


def _public_days(qs, *, mandate_id: int | None = None) -> list[PublicReceptionDay]:
    out = []
    for day in qs:
        scheduled = [a for a in day.attendance.all() if a.scheduled]
        scheduled.sort(key=lambda a: (a.mandate.person.name, a.pk))
        out.append(
            PublicReceptionDay(
                date=day.date,
                start_time=day.start_time,
                end_time=day.end_time,
                theme=day.theme,
                station_id=day.station_id,
                station_name=day.station.name,
                station_address=day.station.address,
                station_kind=day.station.get_kind_display(),
                congress_name=day.congress.name,
                cancelled=day.status == ReceptionDay.Status.CANCELLED,
                cancel_reason=day.cancel_reason if day.status == ReceptionDay.Status.CANCELLED else "",
                deputies=tuple(dict.fromkeys(a.mandate.person.name for a in scheduled)),
                with_deputy=mandate_id is not None and any(a.mandate_id == mandate_id for a in scheduled),
            )
        )
    return out


def next_reception_days(
    *,
    station: Station | None = None,
    mandate: Mandate | None = None,
    limit: int = 3,
    today: dt.date | None = None,
) -> list[PublicReceptionDay]:
    """The next planned reception days of a station, or of a deputy through the stations it is entered into
    (the phone page behind a QR code, the A4 poster). Public-safe: dates, times, the station's name and
    address, the theme, the names of the deputies expected."""
    today = today or timezone.localdate()
    qs = ReceptionDay.objects.filter(
        status=ReceptionDay.Status.PLANNED,
        date__gte=today,
        date__lte=today + dt.timedelta(days=PUBLIC_HORIZON_DAYS),
        station__is_active=True,
    )
    if station is not None:
        qs = qs.filter(station=station)
    elif mandate is not None:
        qs = qs.filter(station__assignments__mandate=mandate)
    else:
        return []
    qs = _with_public_relations(qs.order_by("date", "start_time", "pk").distinct())[:limit]
    return _public_days(qs, mandate_id=mandate.pk if mandate is not None else None)


def next_reception_days_of_stations(station_ids, *, limit: int = 3, today: dt.date | None = None) -> dict:
    """The next planned reception days of several stations at once (the posters of a batch): {station id:
    [PublicReceptionDay, …]}, at most `limit` each."""
    today = today or timezone.localdate()
    qs = ReceptionDay.objects.filter(
        station_id__in=list(station_ids),
        status=ReceptionDay.Status.PLANNED,
        date__gte=today,
        date__lte=today + dt.timedelta(days=PUBLIC_HORIZON_DAYS),
        station__is_active=True,
    ).order_by("date", "start_time", "pk")
    out: dict[int, list[PublicReceptionDay]] = {}
    for day in _public_days(_with_public_relations(qs)):
        if len(out.setdefault(day.station_id, [])) < limit:
            out[day.station_id].append(day)
    return out


def public_calendar(
    *, congress_id: int | None = None, station_id: int | None = None, today: dt.date | None = None
):
    """Upcoming reception days of every active station (cancelled ones too, with the reason), for the
    public calendar; filter by district (the station's congress or one above it) and by station."""
    today = today or timezone.localdate()
    qs = ReceptionDay.objects.filter(
        date__gte=today,
        date__lte=today + dt.timedelta(days=PUBLIC_HORIZON_DAYS),
        station__is_active=True,
        status__in=[ReceptionDay.Status.PLANNED, ReceptionDay.Status.CANCELLED],
    )
    if congress_id is not None:
        congress = Congress.objects.filter(pk=congress_id).first()
        qs = qs.filter(congress__path__startswith=congress.path) if congress else qs.none()
    if station_id is not None:
        qs = qs.filter(station_id=station_id)
    return _with_public_relations(qs.order_by("date", "start_time", "station__name", "pk"))


def public_calendar_choices() -> tuple[list[Congress], list[Station]]:
    """Districts and stations that have upcoming reception days (for the calendar's filters)."""
    today = timezone.localdate()
    upcoming = ReceptionDay.objects.filter(
        date__gte=today, date__lte=today + dt.timedelta(days=PUBLIC_HORIZON_DAYS), station__is_active=True
    )
    stations = list(
        Station.objects.filter(pk__in=upcoming.values("station_id"))
        .select_related("congress")
        .order_by("congress__path", "name")
    )
    congresses = list(Congress.objects.filter(pk__in={s.congress_id for s in stations}).order_by("path"))
    return congresses, stations


def public_days(rows) -> list[PublicReceptionDay]:
    return _public_days(rows)
