"""Performance figures (履职统计) of a congress tree for a year: compliance per rule item and overall, the
star distribution and the report rate (述职率), in total and per congress, deputy group and station.

Every figure is a numerator over a denominator of deputy mandates (a person who is a deputy of two
congresses counts once in each), and each links to the list of the mandates it counts:
- compliance of an item: mandates meeting it / mandates it applies to (serving some time in the year);
- overall: mandates meeting every item that applies to them / mandates any item applies to;
- stars: mandates with N stars / mandates a star rating applies to;
- report rate: serving mandates that reported to their electors this TERM (a recorded report held between
  the term's start and end) / mandates serving today. The term, not the year: 341 311 asks for one report
  per term, and most congresses hold them once a term.
The congress rows add up to the total (each mandate belongs to one congress). Group and station rows are
given with a "none" row; a mandate in two groups (or stations) counts in each, so those rows can add up to
more than the total, and the page says so.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from lvzhi.org.models import Congress, GroupMembership, Mandate
from lvzhi.stations.models import StationDeputy

from .evaluation import DeputyResult, evaluate, year_window
from .models import ElectorReport, RuleItem
from .selectors import mandates_read_by

NONE = "none"


@dataclass
class Ratio:
    num: int
    den: int
    num_url: str = ""
    den_url: str = ""

    @property
    def percent(self) -> str:
        return f"{100 * self.num / self.den:.1f}%" if self.den else "—"


@dataclass
class Filters:
    """Which mandates a list shows (and which a figure counts), read from the query string."""

    year: int
    root: Congress
    congress: int | None = None
    group: int | str | None = None  # an id, or NONE
    station: int | str | None = None
    item: int | str | None = None  # a rule item's id, or "all" (every item: overall compliance)
    outcome: str = ""  # "met" / "short" / "" (all the item applies to)
    stars: int | str | None = None  # 0–5, or "any" (every rated mandate)
    reported: str = ""  # "yes" / "no" / "any" (serving today)

    def query(self, **changes) -> str:
        values = {
            "year": self.year,
            "root": self.root.pk,
            "congress": self.congress,
            "group": self.group,
            "station": self.station,
            "item": self.item,
            "outcome": self.outcome,
            "stars": self.stars,
            "reported": self.reported,
        } | changes
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})

    def url(self, **changes) -> str:
        return reverse("performance:figures_list") + "?" + self.query(**changes)


def parse_filters(params, *, year: int, root: Congress) -> Filters:
    from lvzhi.core.params import parse_id

    def id_or_none(raw):
        return NONE if raw == NONE else parse_id(raw)

    item = params.get("item")
    stars = params.get("stars")
    stars_value = (
        "any" if stars == "any" else (int(stars) if stars in {"0", "1", "2", "3", "4", "5"} else None)
    )
    outcome = params.get("outcome") or ""
    reported = params.get("reported") or ""
    return Filters(
        year=year,
        root=root,
        congress=parse_id(params.get("congress")),
        group=id_or_none(params.get("group")),
        station=id_or_none(params.get("station")),
        item="all" if item == "all" else parse_id(item),
        outcome=outcome if outcome in {"met", "short"} else "",
        stars=stars_value,
        reported=reported if reported in {"yes", "no", "any"} else "",
    )


# --- who is counted --------------------------------------------------------------------------------------
def tree_mandates(*, user, root: Congress) -> QuerySet[Mandate]:
    """The reader's mandates of `root` and the congresses below it (# SECURITY: within the reader's scope)."""
    return mandates_read_by(user=user).filter(congress__path__startswith=root.path)


def serving_in(qs: QuerySet[Mandate], year: int) -> QuerySet[Mandate]:
    start, end = year_window(year)
    return qs.filter(start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))


def reported_this_term(mandates: QuerySet[Mandate]) -> set[int]:
    """The mandates among `mandates` with a report to the electors held within their term."""
    return set(
        ElectorReport.objects.filter(mandate__in=mandates.values("pk"))
        .filter(held_on__gte=F("mandate__term__start_date"), held_on__lte=F("mandate__term__end_date"))
        .values_list("mandate_id", flat=True)
        .distinct()
    )


def _memberships(mandates: QuerySet[Mandate]) -> tuple[dict[int, set], dict[int, set]]:
    ids = mandates.values("pk")
    groups: dict[int, set] = defaultdict(set)
    for m, g in GroupMembership.objects.filter(mandate__in=ids).values_list("mandate_id", "group_id"):
        groups[m].add(g)
    stations: dict[int, set] = defaultdict(set)
    for m, s in StationDeputy.objects.filter(mandate__in=ids).values_list("mandate_id", "station_id"):
        stations[m].add(s)
    return groups, stations


def apply_filters(qs: QuerySet[Mandate], f: Filters) -> QuerySet[Mandate]:
    """The query-level filters (congress, group, station); the outcome filters need the evaluation."""
    if f.congress:
        qs = qs.filter(congress_id=f.congress)
    if f.group == NONE:
        qs = qs.filter(group_memberships__isnull=True)
    elif f.group:
        qs = qs.filter(group_memberships__group_id=f.group)
    if f.station == NONE:
        qs = qs.filter(station_assignments__isnull=True)
    elif f.station:
        qs = qs.filter(station_assignments__station_id=f.station)
    return qs.distinct()


def matches(r: DeputyResult, f: Filters, reported: set[int] | None) -> bool:
    if f.item == "all":
        if not r.items:
            return False
        if f.outcome == "met" and r.is_short:
            return False
        if f.outcome == "short" and not r.is_short:
            return False
    elif f.item:
        found = next((i for i in r.items if i.item_id == f.item), None)
        if found is None:
            return False
        if f.outcome == "met" and not found.met:
            return False
        if f.outcome == "short" and found.met:
            return False
    if f.stars == "any" and r.stars is None:
        return False
    if isinstance(f.stars, int) and r.stars != f.stars:
        return False
    if reported is not None and f.reported in {"yes", "no"}:
        if (r.mandate_id in reported) != (f.reported == "yes"):
            return False
    return True


@dataclass
class ListRow:
    mandate: Mandate
    result: DeputyResult
    reported: bool


def figure_list(*, user, f: Filters) -> list[ListRow]:
    """The mandates a figure counts, one row each, by congress and name."""
    qs = apply_filters(tree_mandates(user=user, root=f.root), f)
    if f.reported:
        qs = qs.current(timezone.localdate())
    results = evaluate(mandates=serving_in(qs, f.year), year=f.year, stars=True)
    reported = reported_this_term(qs)
    kept = [r for r in results if matches(r, f, reported if f.reported else None)]
    by_id = Mandate.objects.select_related("person", "congress").in_bulk([r.mandate_id for r in kept])
    rows = [ListRow(by_id[r.mandate_id], r, r.mandate_id in reported) for r in kept]
    rows.sort(key=lambda row: (row.mandate.congress.path, row.mandate.person.name, row.mandate.pk))
    return rows


# --- the figures page ------------------------------------------------------------------------------------
@dataclass
class ItemFigure:
    item: RuleItem
    congress: Congress
    ratio: Ratio


@dataclass
class Row:
    """One congress, group or station (or "none"): overall compliance, stars rated, report rate."""

    label: str
    overall: Ratio
    report: Ratio | None = None
    stars: Ratio | None = None  # mandates with 4 or 5 stars / rated
    url: str = ""
    depth: int = 0


@dataclass
class Figures:
    filters: Filters
    evaluated: int
    overall: Ratio
    items: list[ItemFigure]
    stars: list[tuple[int, Ratio]]
    report: Ratio
    congresses: list[Row] = field(default_factory=list)
    groups: list[Row] = field(default_factory=list)
    stations: list[Row] = field(default_factory=list)


def _overall(results: list[DeputyResult], f: Filters, **scope) -> Ratio:
    ruled = [r for r in results if r.items]
    met = sum(1 for r in ruled if not r.is_short)
    return Ratio(
        met, len(ruled), f.url(item="all", outcome="met", **scope), f.url(item="all", outcome="", **scope)
    )


def _top_stars(results: list[DeputyResult], f: Filters, **scope) -> Ratio:
    rated = [r for r in results if r.stars is not None]
    return Ratio(sum(1 for r in rated if r.stars >= 4), len(rated), "", f.url(stars="any", **scope))


def _report(serving: set[int], reported: set[int], f: Filters, **scope) -> Ratio:
    return Ratio(
        len(serving & reported),
        len(serving),
        f.url(reported="yes", **scope),
        f.url(reported="any", **scope),
    )


def compute(*, user, f: Filters) -> Figures:
    """Every figure of the page in a fixed number of queries (one evaluation for the whole tree)."""
    tree = tree_mandates(user=user, root=f.root)
    results = evaluate(mandates=serving_in(tree, f.year), year=f.year, stars=True)
    today = timezone.localdate()
    current = tree.current(today)
    serving_now = set(current.values_list("pk", flat=True))
    reported = reported_this_term(current)
    congress_of = dict(tree.values_list("pk", "congress_id"))
    groups_of, stations_of = _memberships(tree)

    # Per rule item.
    applies: dict[int, list[bool]] = defaultdict(list)
    for r in results:
        for i in r.items:
            applies[i.item_id].append(i.met)
    items = RuleItem.objects.filter(pk__in=list(applies)).select_related("rule_set__congress")
    item_figures = [
        ItemFigure(
            item=i,
            congress=i.rule_set.congress,
            ratio=Ratio(
                sum(applies[i.pk]),
                len(applies[i.pk]),
                f.url(item=i.pk, outcome="met"),
                f.url(item=i.pk, outcome=""),
            ),
        )
        for i in sorted(items, key=lambda i: (i.rule_set.congress.path, i.sort_order, i.pk))
    ]
    rated = [r for r in results if r.stars is not None]
    star_counts = Counter(r.stars for r in rated)
    stars = [
        (n, Ratio(star_counts.get(n, 0), len(rated), f.url(stars=n), f.url(stars="any")))
        for n in range(5, -1, -1)
    ]
    figures = Figures(
        filters=f,
        evaluated=len(results),
        overall=_overall(results, f),
        items=item_figures,
        stars=stars,
        report=_report(serving_now, reported, f),
    )

    # Per congress of the tree (these rows add up to the total).
    by_congress: dict[int, list[DeputyResult]] = defaultdict(list)
    for r in results:
        by_congress[r.congress_id].append(r)
    serving_by_congress: dict[int, set] = defaultdict(set)
    for m in serving_now:
        serving_by_congress[congress_of[m]].add(m)
    root_depth = f.root.path.count("/")
    for c in Congress.objects.filter(path__startswith=f.root.path).order_by("path"):
        own = by_congress.get(c.pk, [])
        if not own and not serving_by_congress.get(c.pk):
            continue
        figures.congresses.append(
            Row(
                label=c.name,
                overall=_overall(own, f, congress=c.pk),
                report=_report(serving_by_congress.get(c.pk, set()), reported, f, congress=c.pk),
                stars=_top_stars(own, f, congress=c.pk),
                url=f.url(congress=c.pk),
                depth=c.path.count("/") - root_depth,
            )
        )

    # Per group and per station (a mandate may be in several, or in none).
    from lvzhi.org.selectors import group_list_visible_to
    from lvzhi.stations.selectors import station_list_visible_to

    def rows_of(member_of: dict[int, set], visible: QuerySet, key: str) -> list[Row]:
        buckets: dict[object, list[DeputyResult]] = defaultdict(list)
        serving: dict[object, set] = defaultdict(set)
        for r in results:
            for x in member_of.get(r.mandate_id) or {NONE}:
                buckets[x].append(r)
        for m in serving_now:
            for x in member_of.get(m) or {NONE}:
                serving[x].add(m)
        wanted = [k for k in buckets.keys() | serving.keys() if k != NONE]
        # SECURITY: a group or station outside the reader's scope is counted but not named.
        names = {
            pk: f"{name} · {congress}"
            for pk, name, congress in visible.filter(pk__in=wanted).values_list(
                "pk", "name", "congress__short_name"
            )
        }
        names |= {k: "—" for k in wanted if k not in names}
        out = []
        for k in sorted(names, key=lambda k: (names[k], k)) + (
            [NONE] if NONE in buckets or NONE in serving else []
        ):
            own = buckets.get(k, [])
            scope = {key: k}
            out.append(
                Row(
                    label=names.get(k, ""),
                    overall=_overall(own, f, **scope),
                    report=_report(serving.get(k, set()), reported, f, **scope),
                    stars=_top_stars(own, f, **scope),
                    url=f.url(**scope),
                )
            )
        return out

    figures.groups = rows_of(groups_of, group_list_visible_to(user=user), "group")
    figures.stations = rows_of(stations_of, station_list_visible_to(user=user), "station")
    return figures


def default_year(today: dt.date | None = None) -> int:
    return (today or timezone.localdate()).year
