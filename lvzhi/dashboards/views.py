"""The chair's and staff's dashboard pages: a region's headline figures with trends, the breakdown by child
congress (the drill-down), its stations and the lead units' ranking; and one figure's page, where each number
links to the list of records it counts.

The numbers come from lvzhi.dashboards.figures (small pre-rolled-up rows). Each table is built once as an
exports.Table: the page renders it, the chart beside it is drawn from it (json_script) and
?table=<name>&format=xlsx exports it, so chart, table and file show the same numbers.

Speed: the pages' tables are rendered once per (page, region, period, language) and kept in the cache with
the summary refresh they were built from. After a refresh, one request rebuilds a page's body while the
others go on serving the previous one, which says its own refresh time (numbers and time always agree);
the lead units' tables show the 10 best and 10 worst units, all of them on the units page and in the Excel
file; the links of a table's rows are built from one reversed address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe
from django.utils.timezone import localdate
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lvzhi.core.frontend import ECHARTS_STATIC_PATH
from lvzhi.core.params import parse_id
from lvzhi.org.models import Congress
from lvzhi.org.scope import scope_for

from . import exports, figures
from .exports import Cell, Column, Table

DENIED = gettext_lazy("The dashboards are for deputy-affairs staff and chairs.")
# The index's children chart compares each region's flows (stock counts would dwarf them on one axis).
CHILD_CHART = ["activities", "opinions", "suggestions"]
TREND_CHART = ["activities", "opinions", "suggestions"]
UNIT_CHART = ["replied_on_time", "face_to_face", "satisfied_first"]
# A line under a card's number where the number is easily misread.
CARD_CAPTIONS = {
    "deputies": gettext_lazy("Counted per congress: a deputy of two congresses counts twice"),
}
# What the records of a rate's denominator outside its numerator are (the "miss" part of its list).
MISS_LABELS = {
    "in_stations": gettext_lazy("Not in a station"),
    "opinions_solved": gettext_lazy("Not solved"),
    "closed": gettext_lazy("Not closed"),
    "replied_on_time": gettext_lazy("Replied late"),
    "solved": gettext_lazy("Not solved"),
    "face_to_face": gettext_lazy("Without face-to-face"),
    "satisfied_first": gettext_lazy("Dissatisfied"),
    "compliance": gettext_lazy("Short of the rules"),
}


# --- who may read which region ---------------------------------------------------------------------
def _readable(user) -> Q | None:
    """The congresses the user may pick as a region (None: all); PermissionDenied for other roles."""
    s = scope_for(user)
    if s.is_admin:
        return None
    if not s.read_paths:
        raise PermissionDenied(DENIED)
    q = Q(pk__in=[])
    for path in s.read_paths:
        q |= Q(path__startswith=path)
    return q


def region_from(request) -> tuple[Congress, list[Congress]]:
    """The region asked for (?region=id), else the user's top congress; and the breadcrumbs, top first.

    A value that is no id gives the default region; a congress outside the user's tree is not found (404),
    as every record outside a scope is."""
    readable = _readable(request.user)
    congresses = Congress.objects.all() if readable is None else Congress.objects.filter(readable)
    wanted = parse_id(request.GET.get("region"))
    if wanted is not None:
        region = congresses.filter(pk=wanted).first()
        if region is None:
            raise Http404(_("No such region."))
    else:
        # The top congress the user reads (the city for the city's chair); for the administrator, the root.
        paths = scope_for(request.user).read_paths
        if paths:
            region = congresses.filter(path=min(paths, key=len)).first()
        else:
            region = congresses.filter(parent__isnull=True).order_by("path", "pk").first()
        if region is None:
            raise PermissionDenied(DENIED)
    ids = region.ancestor_ids()
    found = {c.pk: c for c in congresses.filter(pk__in=ids[1:])} | {region.pk: region}
    crumbs = [found[pk] for pk in reversed(ids) if pk in found]
    return region, crumbs


# --- the period asked for ---------------------------------------------------------------------------
def _month(raw: str) -> dt.date | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})", raw)
    if match is None or not 1 <= int(match[2]) <= 12:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


def period_notice(params, period: figures.Period) -> str:
    """Why the period shown is not the one asked for (empty when it is): Period.parse replaces a bad
    period by the default and ends a period at this month; the reader is told which and why."""
    raw_since, raw_until = str(params.get("since") or "").strip(), str(params.get("until") or "").strip()
    if not raw_since and not raw_until:
        return ""
    since, until = _month(raw_since), _month(raw_until)
    if (raw_since and since is None) or (raw_until and until is None):
        return _("A month could not be read (write it as 2026-01); the default period is shown.")
    this_month = figures.Period.default().until
    asked_until = until or this_month
    asked_since = since or dt.date(asked_until.year, 1, 1)
    if (asked_since, asked_until) == (period.since, period.until):
        return ""
    if asked_since > asked_until:
        return _("The start month is after the end month; the default period is shown.")
    if asked_since > this_month:
        return _("The start month is in the future; the default period is shown.")
    if period.since == asked_since and period.until == this_month < asked_until:
        return _("Months after this one have no figures yet: the period ends with %(month)s.") % {
            "month": f"{this_month:%Y-%m}"
        }
    limit = getattr(figures, "MAX_MONTHS", None)
    if limit and (asked_until.year - asked_since.year) * 12 + asked_until.month - asked_since.month >= limit:
        return _("A period covers at most %(n)d months; the default period is shown.") % {"n": limit}
    return _("That period cannot be shown; the default period is shown.")


# --- links -------------------------------------------------------------------------------------------
def _query(region: Congress, period: figures.Period, **extra) -> str:
    return urlencode({"region": region.pk, **period.params(), **extra})


def dashboard_url(region: Congress, period: figures.Period) -> str:
    return reverse("dashboards:index") + "?" + _query(region, period)


def figure_url(key: str, region: Congress, period: figures.Period) -> str:
    return reverse("dashboards:figure", args=[key]) + "?" + _query(region, period)


class Links:
    """figures.list_url for the many rows of a page: each kind of link (figure, part, level, whether a unit
    or a station) is reversed and encoded once with placeholder ids, then each row's ids are put in (one
    reverse() per cell cost a province's 1,553 units 0.9 s)."""

    REGION, UNIT, STATION = "987654321", "987654322", "987654323"

    def __init__(self, period: figures.Period):
        self.period = period
        self.made: dict[tuple, str | None] = {}

    def __call__(self, key, part, region, *, unit_id=None, station_id=None, own=False) -> str | None:
        kind = (key, part, own, unit_id is None, station_id is None)
        if kind not in self.made:
            self.made[kind] = figures.list_url(
                key,
                part,
                SimpleNamespace(pk=int(self.REGION)),
                self.period,
                unit_id=None if unit_id is None else int(self.UNIT),
                station_id=None if station_id is None else int(self.STATION),
                own=own,
            )
        url = self.made[kind]
        if url is None:
            return None
        url = url.replace(self.REGION, str(region.pk))
        if unit_id is not None:
            url = url.replace(self.UNIT, str(unit_id))
        if station_id is not None:
            url = url.replace(self.STATION, str(station_id))
        return url


# The lead units a page shows: the best and the worst rated; the units page and the Excel file hold all.
UNITS_SHOWN = 10
UNITS_PER_PAGE = 50


def shown_units(rows: list) -> list:
    """The 10 best and the 10 worst rated units (all of them when there are 20 or fewer): a chair looks
    for both ends of the ranking."""
    if len(rows) <= 2 * UNITS_SHOWN:
        return rows
    return rows[:UNITS_SHOWN] + rows[-UNITS_SHOWN:]


def units_url(region, period, figure_key: str = "") -> str:
    return (
        reverse("dashboards:units")
        + "?"
        + _query(region, period, **({"figure": figure_key} if figure_key else {}))
    )


def _trimmed(table: Table, total: int, url: str) -> None:
    """Say that the table shows the best and the worst units only, and link to all of them."""
    if len(table.rows) < total:
        table.note = " ".join(
            filter(
                None,
                [
                    table.note,
                    _("The %(shown)d best and the %(shown)d worst rated of %(n)d units.")
                    % {"shown": UNITS_SHOWN, "n": total},
                ],
            )
        )
    table.more_url = url
    table.more_label = _("All lead units (%(n)d)") % {"n": total}


# --- the index's tables ------------------------------------------------------------------------------
# Labels of the unit table's own figures (the lead units' count of suggestions, not a date).
LABELS = {"assigned": gettext_lazy("Suggestions assigned")}


def _label(d) -> str:
    return str(LABELS.get(d.key, d.label))


def _value_columns(defs) -> list[Column]:
    return [
        Column(_label(d), key=d.key, numeric=d.is_count, rate=not d.is_count, title=str(d.definition))
        for d in defs
    ]


def _linked(d, value, links) -> Cell:
    """A figure's cell whose numbers open their lists: a count its records, a rate's note ("17/20") its
    numerator's and its denominator's. links(part) gives the list's address, or None."""
    if d.is_count:
        return Cell.of_value(value, href=links("num") if value.numerator else None)
    cell = Cell.of_value(value)
    cell.num_href = links("num") if value.numerator else None
    cell.den_href = links("den") if value.denominator else None
    return cell


def headline_table(region, period, values) -> Table:
    table = Table(
        "headline",
        _("Headline figures"),
        [
            Column(_("Figure")),
            Column(_("Value"), numeric=True),
            Column(_("Numerator"), numeric=True),
            Column(_("Denominator"), numeric=True),
            Column(_("Definition")),
        ],
    )
    for d in figures.HEADLINE:
        v = values[d.key]
        table.add(
            [
                Cell(str(d.label), href=figure_url(d.key, region, period)),
                Cell.of_value(v),
                Cell.count(v.numerator),
                Cell.count(None if d.is_count else v.denominator),
                Cell(str(d.definition)),
            ]
        )
    return table


def trend_table(region, period, months=None) -> Table:
    defs = [d for d in figures.HEADLINE if d.kind == figures.FLOW]
    table = Table(
        "trend",
        _("Trend by month"),
        [Column(_("Month"))] + _value_columns(defs),
        chart="line",
        chart_keys=TREND_CHART,
    )
    for month, values in figures.by_month(region, period) if months is None else months:
        table.add([Cell(f"{month:%Y-%m}")] + [Cell.of_value(values[d.key]) for d in defs])
    return table


def children_table(region, period, rows) -> Table:
    defs = figures.HEADLINE
    list_url = Links(period)
    table = Table(
        "children",
        _("By region below"),
        [Column(_("Region"))] + _value_columns(defs),
        chart="bar",
        chart_keys=CHILD_CHART,
        note=_("本级: records of %(name)s itself; each region below counts its whole tree.")
        % {"name": region.name},
    )
    for row in rows:
        if row.congress is None:  # 本级: the lists of the region's own level, not its subtree
            href = None

            def links(part, key):
                return list_url(key, part, region, own=True)
        else:
            href = dashboard_url(row.congress, period)

            def links(part, key, c=row.congress):
                return list_url(key, part, c)

        table.add(
            [Cell(row.label, href=href)]
            + [_linked(d, row.values[d.key], lambda part, k=d.key: links(part, k)) for d in defs]
        )
    total = figures.total(rows)
    table.add([Cell(_("Total"))] + [Cell.of_value(total[d.key]) for d in defs], is_total=True)
    return table


def stations_table(region, period, rows, *, has_children: bool = False) -> Table:
    defs = figures.STATION_FIGURES
    note = _("Deputies entered are as of the refresh; the other figures count the months chosen.")
    if has_children:
        # The headline counts the whole region's stations; this table lists the region's own.
        note = (
            _("The stations of %(name)s itself; those of the regions below are on each region's page.")
            % {"name": region.name}
            + " "
            + note
        )
    table = Table(
        "stations",
        _("Stations"),
        [Column(_("Station"))] + _value_columns(defs),
        chart="bar",
        chart_keys=["reception_days", "opinions"],
        note=note,
    )
    list_url = Links(period)
    for row in rows:
        station = row.station.pk

        def links(part, key, station=station):
            if key == "reception_days":
                return held_days_url(station, period)
            return list_url(key, part, region, station_id=station)

        cells = [Cell(row.label, href=reverse("stations:detail", args=[station]))]
        cells += [_linked(d, row.values[d.key], lambda part, k=d.key: links(part, k)) for d in defs]
        table.add(cells)
    return table


def held_days_url(station_id: int, period: figures.Period) -> str:
    """The station's reception days held in the period (the reception list, filtered)."""
    params = {
        "station": station_id,
        "status": "held",
        "since": period.since.isoformat(),
        "until": period.last_day.isoformat(),
    }
    return reverse("stations:reception_list") + "?" + urlencode(params)


def units_table(region, period, rows) -> Table:
    defs = figures.UNIT_FIGURES
    table = Table(
        "units",
        _("Lead units"),
        [Column(_("Unit"))]
        + _value_columns(defs)
        + [Column(str(MISS_LABELS["satisfied_first"]), numeric=True)],
        chart="bar",
        chart_keys=UNIT_CHART,
        note=_("Lead units of the region's suggestions, the best rated first."),
    )
    list_url = Links(period)
    for row in rows:
        cells = [Cell(row.name)]
        for d in defs:
            href = list_url(d.key, "den" if d.key == "assigned" else "num", region, unit_id=row.unit_id)
            cells.append(Cell.of_value(row.values[d.key], href=href))
        miss = row.dissatisfied
        url = list_url("satisfied_first", "miss", region, unit_id=row.unit_id)
        cells.append(Cell.count(miss, href=url))
        table.add(cells)
    return table


# --- one figure's tables ------------------------------------------------------------------------------
def _figure_columns(d) -> list[Column]:
    if d.is_count:
        return [Column(str(d.label), key=d.key, numeric=True)]
    return [
        Column(str(d.label), key=d.key, rate=True),
        Column(_("Numerator"), numeric=True),
        Column(_("Denominator"), numeric=True),
        Column(str(MISS_LABELS.get(d.key, _("Others"))), numeric=True),
    ]


def _figure_cells(d, value, links) -> list[Cell]:
    """The figure's cells; links(part) gives the list behind the numerator, denominator or the others."""
    if d.is_count:
        return [Cell.of_value(value, href=links("num") if value.numerator else None)]
    rate = Cell.of_value(value)
    return [
        rate,
        Cell.count(value.numerator, href=links("num")),
        Cell.count(value.denominator, href=links("den")),
        Cell.count(value.miss, href=links("miss")),
    ]


def figure_month_table(d, region, period) -> Table:
    table = Table(
        "month", _("By month"), [Column(_("Month"))] + _figure_columns(d), chart="line", chart_keys=[d.key]
    )
    for month, values in figures.by_month(region, period):
        one = figures.Period(month, month)
        table.add(
            [Cell(f"{month:%Y-%m}")]
            + _figure_cells(
                d, values[d.key], lambda part, one=one: figures.list_url(d.key, part, region, one)
            )
        )
    return table


def figure_child_table(d, region, period, rows) -> Table:
    table = Table(
        "child",
        _("By region below"),
        [Column(_("Region"))] + _figure_columns(d),
        chart="bar",
        chart_keys=[d.key],
        note=_("本级: records of %(name)s itself; each region below counts its whole tree.")
        % {"name": region.name},
    )
    list_url = Links(period)
    for row in rows:
        if row.congress is None:  # 本级: the lists of the region's own level, not its subtree
            table.add(
                [Cell(row.label)]
                + _figure_cells(d, row.values[d.key], lambda part: list_url(d.key, part, region, own=True))
            )
            continue
        child = row.congress
        table.add(
            [Cell(row.label, href=figure_url(d.key, child, period))]
            + _figure_cells(d, row.values[d.key], lambda part, c=child: list_url(d.key, part, c))
        )
    total = figures.total(rows)[d.key]
    table.add(
        [Cell(_("Total"))]
        + _figure_cells(d, total, lambda part: figures.list_url(d.key, part, region, period)),
        is_total=True,
    )
    return table


def figure_unit_table(d, region, period, rows) -> Table:
    assigned = figures.UNIT_FIGURES[0]
    table = Table(
        "unit",
        _("By lead unit"),
        [Column(_("Unit")), Column(_label(assigned), numeric=True)] + _figure_columns(d),
        chart="bar",
        chart_keys=[d.key],
    )
    list_url = Links(period)
    for row in rows:

        def links(part, unit_id=row.unit_id):
            return list_url(d.key, part, region, unit_id=unit_id)

        table.add(
            [
                Cell(row.name),
                Cell.count(row.assigned, href=list_url("assigned", "den", region, unit_id=row.unit_id)),
            ]
            + _figure_cells(d, row.values[d.key], links)
        )
    return table


def figure_station_table(d, region, period, rows) -> Table:
    table = Table(
        "station", _("Stations"), [Column(_("Station"))] + _figure_columns(d), chart="bar", chart_keys=[d.key]
    )
    list_url = Links(period)
    for row in rows:

        def links(part, station_id=row.station.pk):
            return list_url(d.key, part, region, station_id=station_id)

        table.add(
            [Cell(row.label, href=reverse("stations:detail", args=[row.station.pk]))]
            + _figure_cells(d, row.values[d.key], links)
        )
    return table


# --- the pages -----------------------------------------------------------------------------------------
def _finish(request, tables: list[Table], region, period) -> None:
    for t in tables:
        t.chart_json = t.chart_data()
        t.chart_id = f"chart-{t.name}"
        t.export_url = request.path + "?" + _query(region, period, table=t.name, format="xlsx")


def _export(request, tables: list[Table], region, period, title: str) -> HttpResponse | None:
    """The table asked for as an Excel file (?table=<name>&format=xlsx), or None for the page."""
    if request.GET.get("format") != "xlsx":
        return None
    table = next((t for t in tables if t.name == request.GET.get("table")), None)
    if table is None:
        return None  # an unknown table: the page itself
    since, until = period.params()["since"], period.params()["until"]
    heading = f"{region.name} · {title} · {table.title} · {since} — {until}"
    data = exports.export(
        table,
        actor=request.user,
        request=request,
        region=region,
        heading=heading,
        what={"page": title, "region": region.pk, **period.params()},
    )
    response = HttpResponse(data, content_type=exports.XLSX)
    filename = f"{region.name}-{title}-{table.title}-{since}-{until}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _choices(crumbs, children: list[tuple[int, str]]) -> list:
    """The region picker: the way up (within the user's tree), the region, the regions below."""
    for c in crumbs:
        c.indent = ""
    return crumbs + [SimpleNamespace(pk=pk, name=name, indent="　└ ") for pk, name in children]


def _children(rows) -> list[tuple[int, str]]:
    return [(r.congress.pk, r.congress.name) for r in rows if r.congress is not None]


def _context(request, region, crumbs, period, url_of, children, refreshed) -> dict:
    """What the page shows around its cached body: the user's own crumbs and picker, the notice, and
    `refreshed`, the refresh time of the numbers the page shows."""
    for c in crumbs:
        c.page_url = url_of(c)
    return {
        "region": region,
        "crumbs": crumbs,
        "region_choices": _choices(crumbs, children),
        "period": period,
        "period_params": period.params(),
        "refreshed_at": refreshed,
        "period_notice": period_notice(request.GET, period),
    }


BODY_SECONDS = 24 * 3600
# How long a rebuild may hold its lock: far above a province's 60 ms build, so one that dies (the lock is
# not deleted) only delays the next rebuild.
REBUILD_LOCK_SECONDS = 60


def body_key(page: str, region, period) -> str:
    """The cache key of a page's body; the key + ":rebuilding" is the lock of the request rebuilding it."""
    return f"dashboards:{page}:{region.pk}:{period.since:%Y%m}:{period.until:%Y%m}:{get_language()}"


def _is_current(built, refreshed) -> bool:
    """Whether a body built from the refresh `built` shows the latest one, `refreshed` (None: never)."""
    if refreshed is None:
        return True
    return built is not None and built >= refreshed


def _built(build, refreshed) -> dict:
    """build()'s body stamped with the refresh its numbers come from. A refresh that commits while it
    builds may have changed the numbers under it: then it is built again and stamped with the new one."""
    body = build()
    latest = figures.refreshed_at()
    if latest != refreshed:
        body, refreshed = build(), latest
    return {**body, "refreshed_at": refreshed}


def _cached_body(page: str, region, period, refreshed, build) -> dict:
    """The page's figures rendered (build() → {"html", "children"}), cached per page, region, period and
    language, with "refreshed_at": the summary refresh they were built from (the page shows that time).
    Called after the scope check, and holding nothing of the user (no crumbs, no form, no CSRF token): any
    reader of the region sees the same body.

    A body of the latest refresh (`refreshed`, read by the caller) is served. After figures.refresh() — the
    only writer of the figures — the request that wins the key's rebuild lock builds the body and stores
    it; the requests meanwhile serve the previous body (a rebuild costs 10–60 ms at a province's size, and
    every reader rebuilding at once after each refresh queued them past 200 ms). With no body at all, every
    request builds its own (a lock would leave the others nothing to serve) and the body is stored."""
    key = body_key(page, region, period)
    body = cache.get(key)
    if body is None:
        body = _built(build, refreshed)
        cache.set(key, body, BODY_SECONDS)
        return body
    if _is_current(body.get("refreshed_at"), refreshed):
        return body
    lock = f"{key}:rebuilding"
    if not cache.add(lock, 1, REBUILD_LOCK_SECONDS):
        return body  # the previous refresh's, with its own time, while the lock's holder rebuilds
    try:
        body = _built(build, refreshed)
        cache.set(key, body, BODY_SECONDS)
    finally:
        cache.delete(lock)
    return body


def page_key(request) -> str:
    """What a page's content (all but the site's chrome) depends on besides the summary refresh: what the
    reader may read (the regions they may pick, their default region; not who they are), the address, the
    language and the day (the default period and its notice)."""
    what = "\n".join(
        [scope_for(request.user).reading_key(), request.get_full_path(), get_language(), str(localdate())]
    )
    return "dashboards:page:" + hashlib.sha256(what.encode()).hexdigest()


def _page(request, build) -> HttpResponse:
    """A dashboard page: its content, build(request, refreshed) → {"title", "content", "charts",
    "refreshed_at"}, kept per page_key while it shows the latest refresh. A hit reads no figure, no congress
    and no scope beyond the reader's own: the page costs what any signed-in page costs. Only pages that
    were served are kept (a region outside the reader's tree raises before), so the key's readers may read
    everything in it."""
    refreshed = figures.refreshed_at()
    key = page_key(request)
    page = cache.get(key)
    if page is None or page["refreshed_at"] != refreshed:
        page = build(request, refreshed)
        if page["refreshed_at"] == refreshed:  # not a previous refresh's body served while one rebuilds
            cache.set(key, page, BODY_SECONDS)
    page = {**page, "content": mark_safe(page["content"])}  # noqa: S308 - rendered by our templates
    return render(request, "dashboards/page.html", {**page, "echarts_path": ECHARTS_STATIC_PATH})


def _exporting(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _index_tables(request, region, period, *, all_units: bool):
    rows = figures.by_child(region, period)
    values = figures.total(rows)  # = figures.headline (own level + children), a query less
    tables = [trend_table(region, period), children_table(region, period, rows)]
    stations = figures.by_station(region, period)
    if stations:
        has_children = any(r.congress is not None for r in rows)
        tables.append(stations_table(region, period, stations, has_children=has_children))
    units = figures.by_unit(region, period)
    tables.append(units_table(region, period, units if all_units else shown_units(units)))
    _trimmed(tables[-1], len(units), units_url(region, period))
    headline = headline_table(region, period, values)
    _finish(request, [headline, *tables], region, period)
    return values, rows, headline, tables


@login_required
def index(request):
    if _exporting(request):
        region, _crumbs = region_from(request)
        period = figures.Period.parse(request.GET)
        _values, _rows, headline, tables = _index_tables(request, region, period, all_units=True)
        response = _export(request, [headline, *tables], region, period, _("Dashboard"))
        if response is not None:
            return response
    return _page(request, _index_page)


def _index_page(request, refreshed) -> dict:
    region, crumbs = region_from(request)
    period = figures.Period.parse(request.GET)

    def build() -> dict:
        values, rows, headline, tables = _index_tables(request, region, period, all_units=False)
        cards = [
            {
                "key": d.key,
                "label": d.label,
                "definition": d.definition,
                "caption": CARD_CAPTIONS.get(d.key, ""),
                "cell": Cell.of_value(values[d.key]),
                "url": figure_url(d.key, region, period),
            }
            for d in figures.HEADLINE
        ]
        html = render_to_string(
            "dashboards/partials/index_body.html",
            {"cards": cards, "tables": tables, "headline_table": headline},
        )
        return {"html": html, "children": _children(rows)}

    body = _cached_body("index", region, period, refreshed, build)
    context = _context(
        request,
        region,
        crumbs,
        period,
        lambda c: dashboard_url(c, period),
        body["children"],
        body["refreshed_at"],  # the time of the numbers shown (an older body's while another rebuilds)
    )
    return {
        "title": f"{_('Dashboard')} · {region.name}",
        "content": render_to_string("dashboards/partials/index_page.html", {**context, "body": body["html"]}),
        "charts": True,
        "refreshed_at": body["refreshed_at"],
    }


def _figure_tables(request, d, region, period, *, all_units: bool):
    rows = figures.by_child(region, period)
    tables = []
    if d.kind == figures.FLOW:
        tables.append(figure_month_table(d, region, period))
    tables.append(figure_child_table(d, region, period, rows))
    if d.key in {u.key for u in figures.UNIT_FIGURES}:
        units = figures.by_unit(region, period)
        tables.append(figure_unit_table(d, region, period, units if all_units else shown_units(units)))
        _trimmed(tables[-1], len(units), units_url(region, period, d.key))
    if d.key in {s.key for s in figures.STATION_FIGURES}:
        stations = figures.by_station(region, period)
        if stations:
            tables.append(figure_station_table(d, region, period, stations))
    _finish(request, tables, region, period)
    return rows, tables


@login_required
def figure(request, figure: str):
    d = figures.BY_KEY.get(figure)
    if d is None:
        raise Http404(_("No such figure."))
    if _exporting(request):
        region, _crumbs = region_from(request)
        period = figures.Period.parse(request.GET)
        _rows, tables = _figure_tables(request, d, region, period, all_units=True)
        response = _export(request, tables, region, period, str(d.label))
        if response is not None:
            return response
    return _page(request, lambda request, refreshed: _figure_page(request, d, refreshed))


def _figure_page(request, d, refreshed) -> dict:
    region, crumbs = region_from(request)
    period = figures.Period.parse(request.GET)

    def build() -> dict:
        rows, tables = _figure_tables(request, d, region, period, all_units=False)
        value = figures.total(rows)[d.key]  # = figures.headline (own level + children), a query less
        list_url = Links(period)

        def top(part):
            return list_url(d.key, part, region)

        html = render_to_string(
            "dashboards/partials/figure_body.html",
            {
                "definition": d,
                "value": value,
                "cell": Cell.of_value(value),
                "top_url": top("num") if d.is_count else None,
                "num_url": top("num"),
                "den_url": top("den"),
                "tables": tables,
            },
        )
        return {"html": html, "children": _children(rows)}

    body = _cached_body(f"figure:{d.key}", region, period, refreshed, build)
    context = _context(
        request,
        region,
        crumbs,
        period,
        lambda c: figure_url(d.key, c, period),
        body["children"],
        body["refreshed_at"],  # the time of the numbers shown (an older body's while another rebuilds)
    )
    content = render_to_string(
        "dashboards/partials/figure_page.html",
        {**context, "definition": d, "back_url": dashboard_url(region, period), "body": body["html"]},
    )
    return {
        "title": f"{d.label} · {region.name}",
        "content": content,
        "charts": True,
        "refreshed_at": body["refreshed_at"],
    }


@login_required
def units(request):
    """Every lead unit of the region's suggestions, the best rated first, a page at a time; with
    ?figure=<key>, the columns of that figure's page. The Excel file holds them all."""
    if _exporting(request):
        region, _crumbs = region_from(request)
        period = figures.Period.parse(request.GET)
        rows = figures.by_unit(region, period)
        table = _units_table(request, region, period, rows, rows)
        response = _export(request, [table], region, period, str(_("Lead units")))
        if response is not None:
            return response
    return _page(request, _units_page)


def _units_figure(request):
    """The figure whose columns the units page shows (?figure=<key>), None for the plain units table."""
    d = figures.BY_KEY.get(request.GET.get("figure") or "")
    return d if d is not None and d.key in {u.key for u in figures.UNIT_FIGURES} else None


def _units_table(request, region, period, rows, shown) -> Table:
    d = _units_figure(request)
    table = units_table(region, period, shown) if d is None else figure_unit_table(d, region, period, shown)
    table.note = _("All %(n)d lead units of the region's suggestions, the best rated first.") % {
        "n": len(rows)
    }
    table.chart = ""  # a page of a long list: the table alone
    _finish(request, [table], region, period)
    extra = {"figure": d.key} if d else {}
    table.export_url = request.path + "?" + _query(region, period, table=table.name, format="xlsx", **extra)
    return table


def _units_page(request, refreshed) -> dict:
    region, crumbs = region_from(request)
    period = figures.Period.parse(request.GET)
    d = _units_figure(request)
    rows = figures.by_unit(region, period)
    page = Paginator(rows, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    table = _units_table(request, region, period, rows, list(page))
    context = _context(
        request, region, crumbs, period, lambda c: units_url(c, period, d.key if d else ""), [], refreshed
    )
    back = figure_url(d.key, region, period) if d else dashboard_url(region, period)
    extra = {"figure": d.key} if d else {}
    content = render_to_string(
        "dashboards/partials/units_page.html",
        {**context, "table": table, "page": page, "back_url": back, "definition": d, "extra": extra},
        request=request,  # the pager's links keep the query
    )
    title = f"{_('Lead units')} · {region.name}" + (f" · {d.label}" if d else "")
    return {"title": title, "content": content, "charts": False, "refreshed_at": refreshed}
