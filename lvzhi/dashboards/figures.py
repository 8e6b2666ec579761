"""The dashboards' figures: a region (a congress and everything below it) over a period of whole months.

Two layers:
- live: each figure's numerator and denominator computed from the records with a handful of grouped
  queries per (own congress, month) — plus per lead unit and per station — then added up the congress tree
  in Python. Each app says what it counts (suggestions.stats, opinions.stats, performance.stats,
  stations.stats); this module only groups and adds.
- summary: refresh() stores those own-level rows and the rolled-up subtree rows in FigureCell, so a page
  reads a dozen small rows by index. The reading functions (headline, by_month, …) read the summary; the
  same functions under `live` recompute from the records (the test holds them equal).

Counts add up: a region's total is its own level plus its children, for every count, numerator and
denominator; rates are recomputed from the sums, never averaged. Flows are attributed to a month
(suggestions by received_on, opinions by received date, activities by date); stock figures (deputies,
stations, deputies in stations) are as of today (as of the refresh, for the summary); compliance is a year's.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lvzhi.core import bulk
from lvzhi.core.figures import Value
from lvzhi.core.list_cache import RecordsVersion
from lvzhi.org.models import Congress, Unit
from lvzhi.stations.models import Station
from lvzhi.suggestions.stats import rank_units

from .models import FigureCell, FigureRefresh

# --- the figures ---------------------------------------------------------------------------------------
STOCK, FLOW, YEAR = "stock", "flow", "year"


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    definition: str
    is_count: bool
    app: str  # the app whose records it counts
    kind: str  # STOCK (as of today), FLOW (per month) or YEAR (the period's last year)
    num: str  # FigureCell column of the numerator
    den: str  # … of the denominator (the same column for a count)


def _d(key, label, definition, is_count, app, kind, num, den=None) -> Definition:
    return Definition(key, label, definition, is_count, app, kind, num, den or num)


HEADLINE: list[Definition] = [
    _d("deputies", _("Deputies"), _("Deputy mandates serving today (a person in two congresses counts in each)."),
       True, "org", STOCK, "deputies"),
    _d("stations", _("Stations"), _("Active stations (homes, stations, rooms, contact points) today."),
       True, "stations", STOCK, "stations"),
    _d("in_stations", _("Deputies in stations"),
       _("Serving mandates entered in a station (进家入站), over serving mandates, today."),
       False, "stations", STOCK, "in_stations", "deputies"),
    _d("activities", _("Activities (人次)"),
       _("Confirmed participations of deputies in activities (deputy-times), by the activity's date."),
       True, "performance", FLOW, "activities"),
    _d("opinions", _("Opinions collected"),
       _("Opinions and requests received from every source, by the day received."),
       True, "opinions", FLOW, "opinions"),
    _d("opinions_solved", _("Opinions solved"),
       _("Opinions marked solved (and possibly rated since), over the opinions collected."),
       False, "opinions", FLOW, "opinions_solved", "opinions"),
    _d("suggestions", _("Suggestions submitted"),
       _("Suggestions submitted to the office (drafts not counted), by the day received."),
       True, "suggestions", FLOW, "suggestions"),
    _d("closed", _("Closed (办结率)"),
       _("Closed suggestions, over those accepted and not merged into another."),
       False, "suggestions", FLOW, "closed_n", "closed_d"),
    _d("replied_on_time", _("Replied on time"),
       _("First replies given by the reply deadline in force, over suggestions with a first reply."),
       False, "suggestions", FLOW, "replied_on_time_n", "replied_on_time_d"),
    _d("solved", _("Solution rate"),
       _("Suggestions whose latest reply is of a class counted as solved, over those replied."),
       False, "suggestions", FLOW, "solved_n", "solved_d"),
    _d("face_to_face", _("Face-to-face rate (面商率)"),
       _("Suggestions with a consultation with the deputy not held by phone, over those assigned to a lead "
         "unit."),
       False, "suggestions", FLOW, "face_to_face_n", "face_to_face_d"),
    _d("satisfied_first", _("Satisfaction (满意率)"),
       _("Suggestions whose first reply no deputy rated dissatisfied, over those whose first reply was rated."),
       False, "suggestions", FLOW, "satisfied_first_n", "satisfied_first_d"),
    _d("compliance", _("Performance compliance"),
       _("Deputy mandates meeting every performance rule item that applies to them in the period's last "
         "year, over mandates some item applies to."),
       False, "performance", YEAR, "compliance_n", "compliance_d"),
]  # fmt: skip
# The figures of a station row and of a lead unit row (not headline figures themselves).
STATION_FIGURES: list[Definition] = [
    _d("deputies", _("Deputies entered"), _("Serving mandates entered in the station, today."),
       True, "stations", STOCK, "deputies"),
    _d("reception_days", _("Reception days held"), _("Reception days held at the station."),
       True, "stations", FLOW, "reception_days"),
    HEADLINE[4],
    HEADLINE[5],
]  # fmt: skip
UNIT_FIGURES: list[Definition] = [
    _d("assigned", _("Assigned"), _("Suggestions with this lead unit."),
       True, "suggestions", FLOW, "face_to_face_d"),
    HEADLINE[8],
    HEADLINE[10],
    HEADLINE[11],
]  # fmt: skip
BY_KEY = {d.key: d for d in HEADLINE}
FLOW_KEYS = [d.key for d in HEADLINE if d.kind == FLOW]
COLUMNS = (
    "deputies", "stations", "in_stations", "activities", "opinions", "opinions_solved", "reception_days",
    "suggestions", "closed_n", "closed_d", "replied_on_time_n", "replied_on_time_d", "solved_n", "solved_d",
    "face_to_face_n", "face_to_face_d", "satisfied_first_n", "satisfied_first_d", "compliance_n",
    "compliance_d",
)  # fmt: skip


# --- the period ------------------------------------------------------------------------------------------
def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _parse_month(raw) -> dt.date | None:
    raw = str(raw or "").strip()
    if len(raw) != 7 or raw[4] != "-" or not raw.isascii() or not (raw[:4] + raw[5:]).isdigit():
        return None
    year, month = int(raw[:4]), int(raw[5:])
    return dt.date(year, month, 1) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


MAX_MONTHS = 60  # a period of five years at most: the summary keeps five years of compliance


@dataclass(frozen=True)
class Period:
    """Whole months, both ends included."""

    since: dt.date  # first day of the first month
    until: dt.date  # first day of the last month

    @classmethod
    def default(cls, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(dt.date(today.year, 1, 1), _month_start(today))

    @classmethod
    def parse(cls, params, today: dt.date | None = None) -> Period:
        """From ?since=2026-01&until=2026-11; a missing end defaults (1 January of the end's year, this
        month), an end after this month is this month (nothing is counted there yet); a bad or reversed
        range, or one longer than MAX_MONTHS, gives the default."""
        default = cls.default(today)
        raw_since, raw_until = params.get("since"), params.get("until")
        since, until = _parse_month(raw_since), _parse_month(raw_until)
        if (raw_since and since is None) or (raw_until and until is None):
            return default
        until = min(until or default.until, default.until)
        since = since or dt.date(until.year, 1, 1)
        if since > until or (until.year - since.year) * 12 + until.month - since.month >= MAX_MONTHS:
            return default
        return cls(since, until)

    def params(self) -> dict:
        return {"since": f"{self.since:%Y-%m}", "until": f"{self.until:%Y-%m}"}

    def months(self) -> list[dt.date]:
        out, m = [], self.since
        while m <= self.until:
            out.append(m)
            m = _next_month(m)
        return out

    @property
    def last_day(self) -> dt.date:
        return _next_month(self.until) - dt.timedelta(days=1)

    @property
    def year(self) -> int:
        """The year of the yearly figures (compliance): the period's last."""
        return self.until.year


# --- the values ------------------------------------------------------------------------------------------
def _values(bag: dict, defs: list[Definition]) -> dict[str, Value]:
    return {
        d.key: Value(d.key, d.label, d.definition, bag.get(d.num) or 0, bag.get(d.den) or 0, d.is_count)
        for d in defs
    }


@dataclass
class Row:
    """One row of a region's breakdown: its own level (congress None, "本级") or one child's subtree."""

    label: str
    congress: Congress | None
    values: dict[str, Value]


@dataclass
class StationRow:
    station: Station
    label: str
    values: dict[str, Value]


@dataclass
class UnitRow:
    unit_id: int
    name: str
    values: dict[str, Value]

    @property
    def assigned(self) -> int:
        return self.values["assigned"].numerator

    @property
    def dissatisfied(self) -> int:
        return self.values["satisfied_first"].miss


def total(rows) -> dict[str, Value]:
    """The rows' values added up (numerators and denominators summed, rates recomputed)."""
    out: dict[str, Value] = {}
    for row in rows:
        for key, v in row.values.items():
            t = out.get(key)
            if t is None:
                out[key] = Value(v.key, v.label, v.definition, v.numerator, v.denominator, v.is_count)
            else:
                t.numerator += v.numerator
                t.denominator += v.denominator
    return out


# --- live: the own-level rows from the records -----------------------------------------------------------
# A cell's key: (level, kind, congress_id, month, unit_id, station_id).
Cells = dict[tuple, dict[str, int]]


def _add(cells: Cells, key: tuple, **counts) -> None:
    bag = cells.get(key)
    if bag is None:
        bag = cells[key] = defaultdict(int)
    for column, n in counts.items():
        if n:
            bag[column] += n


def _columns(counts: dict, names: dict | None = None) -> dict[str, int]:
    """An app's counts as FigureCell columns: {figure: n} fills the figure's numerator column, {figure:
    (num, den)} both; `names` maps the app's figure names to the dashboards' keys."""
    out: dict[str, int] = {}
    for name, value in counts.items():
        d = BY_KEY[(names or {}).get(name, name)]
        if isinstance(value, tuple):
            out[d.num], out[d.den] = value
        else:
            out[d.num] = value
    return out


def own_cells(
    *, path: str = "", since: dt.date | None = None, until: dt.date | None = None, years=None
) -> Cells:
    """The own-level cells of the congresses under `path` (every one when empty): flows of the months
    [since, until] (every month when None), stock as of today, compliance of `years`. A fixed number of
    grouped queries whatever the number of congresses (one evaluation per year for compliance)."""
    from lvzhi.opinions import stats as opinion_stats
    from lvzhi.performance import stats as performance_stats
    from lvzhi.stations import stats as station_stats
    from lvzhi.suggestions import stats as suggestion_stats

    today = timezone.localdate()
    last = (_next_month(until) - dt.timedelta(days=1)) if until else None
    cells: Cells = {}
    own, unit, station = FigureCell.Level.OWN, FigureCell.Level.UNIT, FigureCell.Level.STATION
    month_kind, stock, year_kind = FigureCell.Kind.MONTH, FigureCell.Kind.STOCK, FigureCell.Kind.YEAR

    suggestion_key = {v: k for k, v in SUGGESTION_KEYS.items() if k != "assigned"}
    opinion_key = {v: k for k, v in OPINION_KEYS.items()}
    window = {"path": path, "since": since, "until": last}
    for congress_id, month, pairs in suggestion_stats.monthly(**window, day=today):
        _add(cells, (own, month_kind, congress_id, month, None, None), **_columns(pairs, suggestion_key))
    for congress_id, month, unit_id, pairs in suggestion_stats.monthly_by_unit(**window, day=today):
        _add(cells, (unit, month_kind, congress_id, month, unit_id, None), **_columns(pairs))
    for congress_id, month, counts in opinion_stats.monthly(**window):
        _add(cells, (own, month_kind, congress_id, month, None, None), **_columns(counts, opinion_key))
    for congress_id, station_id, month, counts in opinion_stats.monthly_by_station(**window):
        key = (station, month_kind, congress_id, month, None, station_id)
        _add(cells, key, **_columns(counts, opinion_key))
    for congress_id, month, n in performance_stats.monthly_activities(**window):
        _add(cells, (own, month_kind, congress_id, month, None, None), activities=n)
    for congress_id, station_id, month, n in station_stats.monthly_reception_days(**window):
        _add(cells, (station, month_kind, congress_id, month, None, station_id), reception_days=n)
    for congress_id, counts in station_stats.stock(path=path, day=today):
        _add(cells, (own, stock, congress_id, None, None, None), **_columns(counts))
    for congress_id, station_id, n in station_stats.station_deputies(path=path, day=today):
        _add(cells, (station, stock, congress_id, None, None, station_id), deputies=n)
    for year in years or ():
        for congress_id, met, ruled in performance_stats.compliance(path=path, year=year):
            _add(
                cells,
                (own, year_kind, congress_id, dt.date(year, 1, 1), None, None),
                compliance_n=met,
                compliance_d=ruled,
            )
    return cells


def roll_up(cells: Cells, paths: dict[int, str]) -> Cells:
    """The subtree cells: every own cell added to its congress and each congress above it (tree level;
    unit cells likewise, per unit). Station cells stay as they are."""
    out: Cells = {}
    own, tree, unit = FigureCell.Level.OWN, FigureCell.Level.TREE, FigureCell.Level.UNIT
    for (level, kind, congress_id, month, unit_id, station_id), bag in cells.items():
        if level == own:
            targets = [(tree, a) for a in _ancestors(paths[congress_id])]
        elif level == unit:
            targets = [(unit, a) for a in _ancestors(paths[congress_id])]
        else:
            targets = [(level, congress_id)]
        for lvl, cid in targets:
            _add(out, (lvl, kind, cid, month, unit_id, station_id), **bag)
    return out


def _ancestors(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def summary_years(today: dt.date | None = None) -> list[int]:
    """The years whose compliance the summary keeps: the last five, as the performance page offers."""
    year = (today or timezone.localdate()).year
    return list(range(year - 4, year + 1))


def keeps_compliance(period: Period) -> bool:
    """Whether the period's year is one whose compliance is kept; for another year compliance reads 0 of
    0 (no rate) in the summary and live alike, and has no list."""
    return period.year in summary_years()


# --- reading: one bag of column sums per group -------------------------------------------------------------
def _period_q(period: Period) -> Q:
    return (
        Q(kind=FigureCell.Kind.MONTH, month__gte=period.since, month__lte=period.until)
        | Q(kind=FigureCell.Kind.STOCK)
        | Q(kind=FigureCell.Kind.YEAR, month=dt.date(period.year, 1, 1))
    )


def _sums(defs: list[Definition]) -> dict:
    """SUM() of the columns the figures read, and no others."""
    return {c: Sum(c) for c in dict.fromkeys(c for d in defs for c in (d.num, d.den))}


_SUMS = _sums(HEADLINE)


def _in_period(key: tuple, period: Period) -> bool:
    kind, month = key[1], key[3]
    if kind == FigureCell.Kind.MONTH:
        return period.since <= month <= period.until
    if kind == FigureCell.Kind.YEAR:
        return month == dt.date(period.year, 1, 1)
    return True


def _merge(into: dict, bag: dict) -> None:
    for c, n in bag.items():
        if n:
            into[c] = into.get(c, 0) + n


class _Summary:
    """The groups read from FigureCell (a query each)."""

    @staticmethod
    def region(region, period) -> dict:
        return FigureCell.objects.filter(
            _period_q(period), level=FigureCell.Level.TREE, congress=region
        ).aggregate(**_SUMS)

    @staticmethod
    def months(region, period) -> dict[dt.date, dict]:
        rows = (
            FigureCell.objects.filter(
                level=FigureCell.Level.TREE,
                congress=region,
                kind=FigureCell.Kind.MONTH,
                month__gte=period.since,
                month__lte=period.until,
            )
            .values("month")
            .annotate(**_sums([d for d in HEADLINE if d.kind == FLOW]))
            .order_by()
        )
        return {r.pop("month"): r for r in rows}

    @staticmethod
    def children(region, period, child_ids) -> tuple[dict, dict[int, dict]]:
        # By the children's ids (known already), so the index on (level, congress, …) answers it.
        rows = (
            FigureCell.objects.filter(
                _period_q(period),
                level__in=(FigureCell.Level.OWN, FigureCell.Level.TREE),
                congress__in=[region.pk, *child_ids],
            )
            .values("level", "congress")
            .annotate(**_SUMS)
            .order_by()
        )
        own: dict = {}
        children: dict[int, dict] = {}
        for r in rows:
            level, cid = r.pop("level"), r.pop("congress")
            if level == FigureCell.Level.OWN and cid == region.pk:
                own = r
            elif level == FigureCell.Level.TREE and cid != region.pk:
                children[cid] = r
        return own, children

    @staticmethod
    def units(region, period) -> dict[tuple[int, str], dict]:
        rows = (
            FigureCell.objects.filter(
                level=FigureCell.Level.UNIT,
                congress=region,
                kind=FigureCell.Kind.MONTH,
                month__gte=period.since,
                month__lte=period.until,
            )
            .values("unit", "unit__name")
            .annotate(**_sums(UNIT_FIGURES))
            .order_by()
        )
        return {(r.pop("unit"), r.pop("unit__name")): r for r in rows}

    @staticmethod
    def stations(region, period) -> dict[int, dict]:
        rows = (
            FigureCell.objects.filter(_period_q(period), level=FigureCell.Level.STATION, congress=region)
            .values("station")
            .annotate(**_sums(STATION_FIGURES))
            .order_by()
        )
        return {r.pop("station"): r for r in rows}


class _Live:
    """The same groups recomputed from the records of the region's subtree (the equality test)."""

    @staticmethod
    def _cells(region, period) -> tuple[Cells, Cells]:
        years = [period.year] if keeps_compliance(period) else []
        own = own_cells(path=region.path, since=period.since, until=period.until, years=years)
        paths = dict(Congress.objects.filter(path__startswith=region.path).values_list("pk", "path"))
        return own, roll_up(own, paths)

    @staticmethod
    def _grouped(cells: Cells, period, level, *, by: int, congress_ids, kind=None) -> dict:
        out: dict = defaultdict(dict)
        for key, bag in cells.items():
            if key[0] != level or key[2] not in congress_ids or not _in_period(key, period):
                continue
            if kind is None or key[1] == kind:
                _merge(out[key[by]], bag)
        return {k: v for k, v in out.items() if v}

    @classmethod
    def region(cls, region, period) -> dict:
        _own, rolled = cls._cells(region, period)
        return cls._grouped(rolled, period, FigureCell.Level.TREE, by=2, congress_ids={region.pk}).get(
            region.pk, {}
        )

    @classmethod
    def months(cls, region, period) -> dict[dt.date, dict]:
        _own, rolled = cls._cells(region, period)
        return cls._grouped(
            rolled, period, FigureCell.Level.TREE, by=3, congress_ids={region.pk}, kind=FigureCell.Kind.MONTH
        )

    @classmethod
    def children(cls, region, period, child_ids) -> tuple[dict, dict[int, dict]]:
        own, rolled = cls._cells(region, period)
        child_ids = set(child_ids)
        mine = cls._grouped(own, period, FigureCell.Level.OWN, by=2, congress_ids={region.pk})
        children = cls._grouped(rolled, period, FigureCell.Level.TREE, by=2, congress_ids=child_ids)
        return mine.get(region.pk, {}), children

    @classmethod
    def units(cls, region, period) -> dict[tuple[int, str], dict]:
        _own, rolled = cls._cells(region, period)
        sums = cls._grouped(rolled, period, FigureCell.Level.UNIT, by=4, congress_ids={region.pk})
        names = dict(Unit.objects.filter(pk__in=list(sums)).values_list("pk", "name"))
        return {(uid, names.get(uid, "")): bag for uid, bag in sums.items()}

    @classmethod
    def stations(cls, region, period) -> dict[int, dict]:
        _own, rolled = cls._cells(region, period)
        return cls._grouped(rolled, period, FigureCell.Level.STATION, by=5, congress_ids={region.pk})


# --- the reading functions ---------------------------------------------------------------------------------
def _headline(source, region: Congress, period: Period) -> dict[str, Value]:
    return _values(source.region(region, period), HEADLINE)


def _by_month(source, region: Congress, period: Period) -> list[tuple[dt.date, dict[str, Value]]]:
    flows = [d for d in HEADLINE if d.kind == FLOW]
    sums = source.months(region, period)
    return [(m, _values(sums.get(m, {}), flows)) for m in period.months()]


def _by_child(source, region: Congress, period: Period) -> list[Row]:
    kids = list(Congress.objects.filter(parent=region).order_by("path", "pk"))
    own, children = source.children(region, period, [c.pk for c in kids])
    rows = [Row(str(_("Own level (本级)")), None, _values(own, HEADLINE))]
    rows += [Row(c.name, c, _values(children.get(c.pk, {}), HEADLINE)) for c in kids]
    return rows


def _by_station(source, region: Congress, period: Period) -> list[StationRow]:
    sums = source.stations(region, period)
    stations = Station.objects.filter(congress=region, is_active=True).order_by("name", "pk")
    return [StationRow(s, s.name, _values(sums.get(s.pk, {}), STATION_FIGURES)) for s in stations]


def _by_unit(source, region: Congress, period: Period) -> list[UnitRow]:
    sums = source.units(region, period)  # {(unit id, name): sums}
    return rank_units([UnitRow(uid, name, _values(bag, UNIT_FIGURES)) for (uid, name), bag in sums.items()])


def headline(region: Congress, period: Period) -> dict[str, Value]:
    """The region's headline figures (HEADLINE order) over the period."""
    return _headline(_Summary, region, period)


def by_month(region: Congress, period: Period) -> list[tuple[dt.date, dict[str, Value]]]:
    """The flow figures of each month of the period (every month, zeros included)."""
    return _by_month(_Summary, region, period)


def by_child(region: Congress, period: Period) -> list[Row]:
    """The region's own level (本级) first, then each child congress's subtree, by path. They add up to
    the headline: see total()."""
    return _by_child(_Summary, region, period)


def by_station(region: Congress, period: Period) -> list[StationRow]:
    """The active stations whose congress is the region (as the headline's count of stations)."""
    return _by_station(_Summary, region, period)


def by_unit(region: Congress, period: Period) -> list[UnitRow]:
    """The lead units of the region's suggestions (its whole subtree), the best rated first."""
    return _by_unit(_Summary, region, period)


live = SimpleNamespace(
    headline=lambda region, period: _headline(_Live, region, period),
    by_month=lambda region, period: _by_month(_Live, region, period),
    by_child=lambda region, period: _by_child(_Live, region, period),
    by_station=lambda region, period: _by_station(_Live, region, period),
    by_unit=lambda region, period: _by_unit(_Live, region, period),
)


# --- the lists behind the numbers ----------------------------------------------------------------------------
SUGGESTION_KEYS = {
    "suggestions": "submitted",
    "closed": "closed",
    "replied_on_time": "replied_on_time",
    "solved": "solved",
    "face_to_face": "face_to_face",
    "satisfied_first": "satisfied_first",
    "assigned": "face_to_face",  # a unit's assigned suggestions: the face-to-face denominator
}
OPINION_KEYS = {"opinions": "collected", "opinions_solved": "solved"}
PARTS = ("num", "den", "miss")


def list_url(
    key: str,
    part: str,
    region: Congress,
    period: Period,
    *,
    unit_id: int | None = None,
    station_id: int | None = None,
    own: bool = False,
) -> str | None:
    """The existing record list behind one number: its numerator ("num"), denominator ("den") or the
    denominator's records outside the numerator ("miss"); None where no list exists. `own`: the region's
    own level only (the 本级 row), not its subtree."""
    if part not in PARTS:
        return None
    definition = BY_KEY.get(key) or next((d for d in STATION_FIGURES + UNIT_FIGURES if d.key == key), None)
    if definition is None:
        return None
    if key == "assigned" and unit_id is None:
        return None
    if definition.is_count:
        if part == "miss":
            return None
        part = "num"
    if key in SUGGESTION_KEYS and station_id is None:
        if key == "assigned":
            part = "den"
        params = {
            "congress": region.pk,
            **({} if own else {"lower": "1"}),
            "since": period.since.isoformat(),
            "until": period.last_day.isoformat(),
            "figure": SUGGESTION_KEYS[key],
            "part": part,
        }
        if unit_id:
            params["unit"] = unit_id
        return reverse("suggestions:figure_list") + "?" + urlencode(params)
    if key in OPINION_KEYS and unit_id is None:
        params = {
            "congress": region.pk,
            **({"lower": "0"} if own else {}),
            "since": period.since.isoformat(),
            "until": period.last_day.isoformat(),
            "figure": OPINION_KEYS[key],
            "part": part,
        }
        if station_id:
            params["station"] = station_id
        return reverse("opinion_figures:list") + "?" + urlencode(params)
    if key == "activities" and unit_id is None and station_id is None:
        # Counted per congress only (no station, no unit): the confirmed participations of the period.
        params = {
            "congress": region.pk,
            **({} if own else {"lower": "1"}),
            "since": period.since.isoformat(),
            "until": period.last_day.isoformat(),
        }
        return reverse("performance:activity_list") + "?" + urlencode(params)
    if key == "compliance" and unit_id is None and station_id is None and keeps_compliance(period):
        outcome = {"num": "met", "den": "", "miss": "short"}[part]
        params = {"year": period.year, "root": region.pk, "item": "all"}
        if own:
            params["congress"] = region.pk
        if outcome:
            params["outcome"] = outcome
        return reverse("performance:figures_list") + "?" + urlencode(params)
    if own and unit_id is None and station_id is None:
        # The deputy list reads one congress's serving deputies (and those in no station), not a subtree's.
        if (key, part) in (("deputies", "num"), ("in_stations", "den")):
            return reverse("org:deputy_list") + "?" + urlencode({"congress": region.pk})
        if (key, part) == ("in_stations", "miss"):
            return reverse("org:deputy_list") + "?" + urlencode({"congress": region.pk, "station": "none"})
    if station_id and key in ("deputies", "reception_days"):
        return reverse("stations:detail", args=[station_id])
    return None


# --- the summary -------------------------------------------------------------------------------------------
FIXED = ("level", "kind", "congress_id", "month", "unit_id", "station_id")


def refresh() -> int:
    """Rebuild the summary from the records, in one transaction (readers see the old or the new one until
    it commits); returns the number of cells written. The table is locked before the records are read, so
    of two refreshes at once (the job, `manage refresh_dashboards`) the second waits and computes after
    the first commits: the last summary committed is never the older computation."""
    started = time.monotonic()
    table = FigureCell._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Readers are not blocked: they read the old rows until the commit.
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            # On SQLite the delete takes the database's write lock, held to the commit likewise.
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the model's table
        cells = own_cells(years=summary_years())
        rolled = roll_up(cells, dict(Congress.objects.values_list("pk", "path")))
        own = FigureCell.Level.OWN
        rolled.update((k, v) for k, v in cells.items() if k[0] == own)  # units and stations come rolled
        del cells
        rows = ((*key, *(bag.get(c, 0) for c in COLUMNS)) for key, bag in rolled.items() if any(bag.values()))
        # Plain rows (COPY on PostgreSQL): a province's cells as model instances would cost a minute.
        written = bulk.write(table, (*FIXED, *COLUMNS), rows)
        FigureRefresh.objects.create(seconds=round(time.monotonic() - started, 2), cells=written)
        old = FigureRefresh.objects.order_by("-finished_at", "-pk").values_list("pk", flat=True)[50:]
        FigureRefresh.objects.filter(pk__in=list(old)).delete()
    return written


# Every dashboard page asks when the summary was refreshed: kept in the cache until a refresh commits.
REFRESHES = RecordsVersion("dashboards:refreshes", ("dashboards.FigureRefresh",), only_fast_cache=True)


def refreshed_at() -> dt.datetime | None:
    """When the summary was last rebuilt (None: never)."""
    return REFRESHES.cached(
        "latest",
        lambda: (
            FigureRefresh.objects.order_by("-finished_at", "-pk")
            .values_list("finished_at", flat=True)
            .first()
        ),
    )
