"""The figures of citizens' opinions (from QR codes, stations, reception days, staff and the 12345 hotline),
computed from the records, never stored by hand.

Every figure is a pair over the opinions in scope: its denominator and its numerator (a subset of the
denominator, or for the time to first answer a sum of hours over the answered ones). The page, the list
behind each number and its Excel export use the same filters, so a number equals the length of its list,
and levels add up: a city's numerators and denominators are the sums of its districts', never an average of
rates. The same figures are grouped per deputy, station, district (the opinion's congress) and month, each
group in one query.

The hotline trends count opinions per category, place and district over the last eight 7-day weeks (the
current one ending today) and flag what is rising: this week above one and a half times the average of the
four weeks before, and at least RISING_MIN.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lvzhi.org.models import Congress, Person
from lvzhi.org.scope import scope_for
from lvzhi.stations.models import Station

from .models import CitizenRating, Opinion
from .workflow import State, Step

OK_SCORES = (CitizenRating.Score.SATISFIED, CitizenRating.Score.BASIC)
SOLVE_EVENT = f"opinion.{Step.SOLVE.value}"


# --- what the user may count -----------------------------------------------------------------------
def opinions_for_figures(*, user) -> QuerySet[Opinion]:
    """SECURITY: the opinions whose figures the user reads: staff and chairs their congress and those below,
    a site administrator all; nobody else any."""
    s = scope_for(user)
    if s.is_admin:
        return Opinion.objects.all()
    if not s.read_paths:
        return Opinion.objects.none()
    return Opinion.objects.filter(s.in_tree())


# --- the scope ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FigureScope:
    """Which opinions a figure counts: a congress (with those below unless `own_only`) and filters."""

    congress: Congress
    own_only: bool = False
    year: int | None = None
    month: str = ""  # "2026-03": received in that month
    since: dt.date | None = None  # received on or after (local date)
    until: dt.date | None = None  # received on or before
    district_id: int | None = None  # the opinion's congress (a district or township below)
    person_id: int | None = None  # the deputy it reached
    station_id: int | None = None
    source: str = ""
    category: str = ""
    place: str = ""

    def params(self) -> dict:
        """The scope as query parameters (for the links to the lists and the export)."""
        out: dict = {"congress": self.congress.pk}
        if self.own_only:
            out["lower"] = "0"
        for f in fields(self):
            if f.name in ("congress", "own_only"):
                continue
            value = getattr(self, f.name)
            if value in (None, ""):
                continue
            out[PARAM_OF.get(f.name, f.name)] = value.isoformat() if isinstance(value, dt.date) else value
        return out

    def narrowed(self, **kw) -> FigureScope:
        return replace(self, **kw)


PARAM_OF = {"district_id": "district", "person_id": "person", "station_id": "station"}


def month_bounds(month: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of "YYYY-MM", or None when it is not one."""
    if len(month) != 7 or month[4] != "-" or not month.replace("-", "").isascii():
        return None
    year, mon = month[:4], month[5:]
    if not (year.isdigit() and mon.isdigit()) or not 1990 <= int(year) <= 2100 or not 1 <= int(mon) <= 12:
        return None
    first = dt.date(int(year), int(mon), 1)
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), timezone.get_current_timezone())


def scoped(qs: QuerySet[Opinion], scope: FigureScope) -> QuerySet[Opinion]:
    """Narrow an already visible queryset (opinions_for_figures) to the scope."""
    if scope.own_only:
        qs = qs.filter(congress=scope.congress)
    else:
        qs = qs.filter(congress__path__startswith=scope.congress.path)
    since, until = scope.since, scope.until
    if scope.year:
        since = max(since or dt.date(scope.year, 1, 1), dt.date(scope.year, 1, 1))
        until = min(until or dt.date(scope.year, 12, 31), dt.date(scope.year, 12, 31))
    bounds = month_bounds(scope.month) if scope.month else None
    if bounds:
        since = max(since or bounds[0], bounds[0])
        until = min(until or bounds[1], bounds[1])
    if since:
        qs = qs.filter(created_at__gte=_day_start(since))
    if until:
        qs = qs.filter(created_at__lt=_day_start(until + dt.timedelta(days=1)))
    if scope.district_id:
        qs = qs.filter(congress_id=scope.district_id)
    if scope.person_id:
        qs = qs.filter(person_id=scope.person_id)
    if scope.station_id:
        qs = qs.filter(station_id=scope.station_id)
    if scope.source:
        qs = qs.filter(source=scope.source)
    if scope.category:
        qs = qs.filter(category=scope.category)
    if scope.place:
        qs = qs.filter(place=scope.place)
    return qs


# --- the figures ------------------------------------------------------------------------------------
def _solved() -> Q:
    """急事难事解决: solved now, or rated by the citizen after it was solved (the solve step is in its history:
    solved_at, set by the step and backfilled from its events, so no subquery over core_event)."""
    return Q(state=State.SOLVED) | Q(state=State.RATED, solved_at__isnull=False)


def _rated(**kw) -> Q:
    return Q(Exists(CitizenRating.objects.filter(opinion=OuterRef("pk"), **kw)))


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    is_count: bool = False  # a plain count: its denominator is every opinion in scope
    is_average: bool = False  # numerator is a sum of hours; the figure is the mean over the denominator

    def denominator(self, day: dt.date) -> Q:
        if self.key == "acknowledged_on_time":
            return Q(ack_due_on__isnull=False) & (Q(acknowledged_at__isnull=False) | Q(ack_due_on__lt=day))
        if self.key == "first_answer":
            return Q(answered_at__isnull=False)
        if self.key == "satisfied":
            return _rated()
        return Q()  # every opinion (no condition, so the counts read the figures index alone)

    def numerator(self, day: dt.date) -> Q:
        """Within the denominator (for an average: the same opinions, whose hours are summed)."""
        if self.key == "acknowledged_on_time":
            return self.denominator(day) & Q(acknowledged_at__date__lte=F("ack_due_on"))
        if self.key == "solved":
            return _solved()
        if self.key == "satisfied":
            return _rated(score__in=OK_SCORES)
        return self.denominator(day)


FIGURES: list[Figure] = [
    Figure(
        "collected",
        _("Collected"),
        _("Opinions and requests to meet received, from every source (the 12345 hotline included)."),
        is_count=True,
    ),
    Figure(
        "acknowledged_on_time",
        _("Acknowledged in time"),
        _(
            "Acknowledged on or before the day they were due, over those with an acknowledgement clock that "
            "were acknowledged or whose day has passed."
        ),
    ),
    Figure(
        "solved",
        _("Solved (急事难事解决)"),
        _("Marked solved (and possibly rated since), over every opinion collected."),
    ),
    Figure(
        "first_answer",
        _("Average time to first answer"),
        _("From receipt to the first answer to the citizen, averaged over the opinions answered."),
        is_average=True,
    ),
    Figure(
        "satisfied",
        _("Citizen satisfaction"),
        _("Rated satisfied or basically satisfied by the citizen, over the opinions the citizen rated."),
    ),
]
BY_KEY = {f.key: f for f in FIGURES}


@dataclass
class Value:
    key: str
    label: str
    definition: str
    numerator: float
    denominator: int
    is_count: bool = False
    is_average: bool = False
    num_url: str = ""
    den_url: str = ""

    @property
    def rate(self) -> float | None:
        """Percent with one decimal; for an average, the mean in hours; None when nothing is counted."""
        if not self.denominator:
            return None
        if self.is_average:
            return round(self.numerator / self.denominator, 1)
        return round(100 * self.numerator / self.denominator, 1)

    @property
    def days(self) -> float | None:
        """An average in days (one decimal)."""
        return (
            round(self.numerator / self.denominator / 24, 1) if self.is_average and self.denominator else None
        )

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": self.rate,
        }


def _aggregates(day: dt.date) -> dict:
    out = {}
    for f in FIGURES:
        out[f"{f.key}__d"] = Count("pk", filter=f.denominator(day))
        if f.is_average:
            out[f"{f.key}__n"] = Sum(
                ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField()),
                filter=f.denominator(day),
            )
        else:
            out[f"{f.key}__n"] = Count("pk", filter=f.numerator(day))
    return out


def _hours(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 3600
    return float(value) / 3_600_000_000  # microseconds, as some backends return a summed duration


def _values(row: dict) -> dict[str, Value]:
    out = {}
    for f in FIGURES:
        n = row[f"{f.key}__n"]
        out[f.key] = Value(
            f.key,
            f.label,
            f.definition,
            round(_hours(n), 1) if f.is_average else (n or 0),
            row[f"{f.key}__d"] or 0,
            f.is_count,
            f.is_average,
        )
    return out


@dataclass
class GroupRow:
    """One deputy, station, district or month with its figures; `scope` narrows the lists to it."""

    key: object
    label: str
    scope: FigureScope
    values: dict[str, Value] = field(default_factory=dict)


@dataclass
class Figures:
    total: dict[str, Value]
    districts: list[GroupRow]
    deputies: list[GroupRow]
    stations: list[GroupRow]
    months: list[GroupRow]
    more_deputies: int = 0
    more_stations: int = 0


GROUP_LIMIT = 100  # rows shown per grouping (the busiest first); the total still counts every opinion


def _grouped(qs, by: str, day: dt.date) -> list[dict]:
    return list(qs.values(by).annotate(**_aggregates(day)).order_by())


def compute(qs: QuerySet[Opinion], *, scope: FigureScope, day: dt.date) -> Figures:
    """Every figure of the (already scoped) opinions `qs` on `day`, in total and per group."""
    qs = qs.order_by()
    total = _values(qs.aggregate(**_aggregates(day)))

    def rows(by: str, names: dict, narrow) -> list[GroupRow]:
        out = []
        for row in _grouped(qs.exclude(**{by: None}), by, day):
            key = row[by]
            out.append(GroupRow(key, names.get(key, str(key)), narrow(key), _values(row)))
        out.sort(key=lambda g: (-g.values["collected"].numerator, g.label))
        return out

    district_rows = _grouped(qs, "congress", day)
    names = dict(
        Congress.objects.filter(pk__in=[r["congress"] for r in district_rows]).values_list("pk", "name")
    )
    paths = dict(
        Congress.objects.filter(pk__in=[r["congress"] for r in district_rows]).values_list("pk", "path")
    )
    districts = [
        GroupRow(
            r["congress"], names.get(r["congress"], ""), scope.narrowed(district_id=r["congress"]), _values(r)
        )
        for r in district_rows
    ]
    districts.sort(key=lambda g: paths.get(g.key, ""))

    person_ids = list(qs.exclude(person=None).values_list("person", flat=True).distinct())
    station_ids = list(qs.exclude(station=None).values_list("station", flat=True).distinct())
    person_names = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "name"))
    station_names = dict(Station.objects.filter(pk__in=station_ids).values_list("pk", "name"))
    deputies = rows("person", person_names, lambda k: scope.narrowed(person_id=k))
    stations = rows("station", station_names, lambda k: scope.narrowed(station_id=k))

    tz = timezone.get_current_timezone()
    month_rows = list(
        qs.annotate(m=TruncMonth("created_at", tzinfo=tz))
        .values("m")
        .annotate(**_aggregates(day))
        .order_by("m")
    )
    months = []
    for r in month_rows:
        m = r["m"]
        label = f"{m.year}-{m.month:02d}"
        months.append(GroupRow(label, label, scope.narrowed(month=label), _values(r)))
    months.reverse()  # the latest month first
    return Figures(
        total,
        districts,
        deputies[:GROUP_LIMIT],
        stations[:GROUP_LIMIT],
        months,
        more_deputies=max(0, len(deputies) - GROUP_LIMIT),
        more_stations=max(0, len(stations) - GROUP_LIMIT),
    )


def figure_list(qs: QuerySet[Opinion], *, key: str, part: str, day: dt.date) -> QuerySet[Opinion] | None:
    """The opinions behind one number: the numerator ("num"), the denominator ("den") or the denominator's
    opinions outside the numerator ("miss", e.g. not solved); None for an unknown figure. An average's
    numerator is its denominator's opinions (their hours are what is summed), and it misses none."""
    f = BY_KEY.get(key)
    if f is None:
        return None
    if part == "miss" and (f.is_average or f.is_count):
        return qs.none()
    if part == "den" or f.is_average:
        return qs.filter(f.denominator(day))
    if part == "miss":
        return qs.filter(f.denominator(day)).exclude(f.numerator(day))
    return qs.filter(f.denominator(day) & f.numerator(day))


# --- the hotline trends -----------------------------------------------------------------------------
WEEKS = 8
RISING_MIN = 3  # a rise from one to two tickets is noise


@dataclass
class Week:
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.start:%m-%d}–{self.end:%m-%d}"


@dataclass
class TrendRow:
    key: str
    label: str
    counts: list[int]  # oldest week first; the last is this week
    urls: list[str] = field(default_factory=list)
    total_url: str = ""

    @property
    def this_week(self) -> int:
        return self.counts[-1]

    @property
    def before(self) -> float:
        """The average of the four weeks before this one."""
        previous = self.counts[-5:-1]
        return round(sum(previous) / len(previous), 1) if previous else 0.0

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def rising(self) -> bool:
        return self.this_week >= RISING_MIN and self.this_week > 1.5 * self.before

    @property
    def change(self) -> int | None:
        """This week against the average before, in percent (None when there was nothing before)."""
        if not self.before:
            return None
        return round(100 * (self.this_week - self.before) / self.before)


def weeks_ending(day: dt.date, n: int = WEEKS) -> list[Week]:
    """n 7-day weeks, the last ending on `day`, oldest first."""
    out = []
    for k in range(n - 1, -1, -1):
        end = day - dt.timedelta(days=7 * k)
        out.append(Week(end - dt.timedelta(days=6), end))
    return out


def trends(
    qs: QuerySet[Opinion], *, day: dt.date, weeks: list[Week] | None = None
) -> dict[str, list[TrendRow]]:
    """Counts per category, place and district for each week (three grouped queries)."""
    weeks = weeks or weeks_ending(day)
    tz = timezone.get_current_timezone()
    recent = qs.order_by().filter(
        created_at__gte=_day_start(weeks[0].start),
        created_at__lt=_day_start(weeks[-1].end + dt.timedelta(days=1)),
    )
    index = {}
    for i, w in enumerate(weeks):
        for d in range((w.end - w.start).days + 1):
            index[w.start + dt.timedelta(days=d)] = i

    def counted(by: str) -> dict:
        table: dict = defaultdict(lambda: [0] * len(weeks))
        rows = (
            recent.annotate(day=TruncDate("created_at", tzinfo=tz)).values(by, "day").annotate(n=Count("pk"))
        )
        for r in rows:
            i = index.get(r["day"])
            if i is not None and r[by] not in (None, ""):
                table[r[by]][i] += r["n"]
        return table

    categories = dict(Opinion.Category.choices)
    by_category = [TrendRow(k, str(categories.get(k, k)), v) for k, v in counted("category").items()]
    by_place = [TrendRow(k, k, v) for k, v in counted("place").items()]
    by_district = counted("congress")
    names = dict(Congress.objects.filter(pk__in=list(by_district)).values_list("pk", "name"))
    districts = [TrendRow(k, names.get(k, ""), v) for k, v in by_district.items()]

    def ordered(rows: list[TrendRow]) -> list[TrendRow]:
        return sorted(rows, key=lambda r: (not r.rising, -r.this_week, -r.total, r.label))

    return {
        "category": ordered(by_category),
        "place": ordered(by_place)[:15],
        "district": ordered(districts),
    }


# --- the dashboards' contribution (lvzhi.dashboards.figures) --------------------------------------------
def _received(path: str, since: dt.date | None, until: dt.date | None, *, by_station: bool = False):
    qs = Opinion.objects.order_by()
    if by_station:
        # As the station's list counts them: opinions of the station's congress or below.
        qs = qs.filter(station__isnull=False, congress__path__startswith=F("station__congress__path"))
        if path:
            qs = qs.filter(station__congress__path__startswith=path)
    elif path:
        qs = qs.filter(congress__path__startswith=path)
    if since:
        qs = qs.filter(created_at__gte=_day_start(since))
    if until:
        qs = qs.filter(created_at__lt=_day_start(until + dt.timedelta(days=1)))
    return qs.annotate(month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))


def _local_month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return dt.date(value.year, value.month, 1)
    return value.replace(day=1)


def _dashboard_counts() -> dict:
    return {"collected": Count("pk"), "solved": Count("pk", filter=_solved())}


def monthly(*, path: str = "", since=None, until=None):
    """(congress id, month received, {"collected": n, "solved": n}), one grouped query for every congress and
    month (months in local time, as the lists' since/until)."""
    rows = _received(path, since, until).values("congress_id", "month").annotate(**_dashboard_counts())
    for r in rows:
        yield r["congress_id"], _local_month(r["month"]), {"collected": r["collected"], "solved": r["solved"]}


def monthly_by_station(*, path: str = "", since=None, until=None):
    """(station's congress id, station id, month received, {"collected": n, "solved": n}) for the opinions
    collected at a station of a congress under `path`, one grouped query."""
    rows = (
        _received(path, since, until, by_station=True)
        .values("station__congress_id", "station_id", "month")
        .annotate(**_dashboard_counts())
    )
    for r in rows:
        yield (
            r["station__congress_id"],
            r["station_id"],
            _local_month(r["month"]),
            {"collected": r["collected"], "solved": r["solved"]},
        )
