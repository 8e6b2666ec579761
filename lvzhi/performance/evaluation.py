"""Evaluating deputies against their congress's rules: per deputy, per rule item, the confirmed count, the
minimum, the minimum pro-rated to the days served, and whether it is met or short by how many.

`evaluate(mandates=…, year=…)` returns one `DeputyResult` per mandate. It reads the rules as they are now
(a change applies to the next evaluation) and runs a fixed number of queries whatever the number of
deputies: the mandates, their congresses' rule sets, leaves, and ONE counting query over the confirmed
participations, grouped by (mandate, kind) — the floor the evaluation's time is measured against.

Whose rules: a mandate is held to the nearest active rule set of its own congress or, failing that, of the
congresses above it (a city's rules apply to its districts' deputies unless a district sets its own).
Periods: a "year" item counts the calendar year; a "term" item counts the mandate's term. Fair
denominators: a deputy who served only part of the period (elected mid-term, left, or on approved leave —
leave days are not served) is held to ceil(minimum × days served ÷ days in the period).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat

from django.db import connections
from django.db.models import Count, Q, QuerySet

from lvzhi.org.models import Congress, Mandate, MandateLeave, Term

from .models import Participation, Period, RuleItem, RuleSet, StarPoint, StarRule

CONFIRMED = Participation.Status.CONFIRMED


@dataclass(slots=True)
class ItemResult:
    item_id: int
    name: str
    period: str
    period_start: dt.date
    period_end: dt.date
    count: int
    minimum: int
    required: int
    days_served: int
    days_in_period: int

    @property
    def met(self) -> bool:
        return self.count >= self.required

    @property
    def short_by(self) -> int:
        return max(0, self.required - self.count)

    @property
    def prorated(self) -> bool:
        return self.days_served < self.days_in_period


@dataclass(slots=True)
class DeputyResult:
    mandate_id: int
    congress_id: int
    rule_set_id: int | None
    items: list[ItemResult] = field(default_factory=list)
    points: int | None = None
    stars: int | None = None

    @property
    def short_items(self) -> list[ItemResult]:
        return [i for i in self.items if not i.met]

    @property
    def is_short(self) -> bool:
        return any(not i.met for i in self.items)


def year_window(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def required_minimum(minimum: int, days_served: int, days_in_period: int) -> int:
    """ceil(minimum × days served ÷ days in the period), in whole numbers (no float rounding)."""
    if days_served >= days_in_period:
        return minimum
    if days_served <= 0:
        return 0
    return -(-minimum * days_served // days_in_period)


def _overlap(a: dt.date, b: dt.date, c: dt.date, d: dt.date) -> int:
    start, end = max(a, c), min(b, d)
    return (end - start).days + 1 if end >= start else 0


def days_served(
    start: dt.date, end: dt.date, m_start: dt.date, m_end: dt.date | None, leaves: Iterable[tuple]
) -> int:
    """Days of [start, end] the mandate was held and the deputy not on approved leave."""
    s, e = max(start, m_start), min(end, m_end or end)
    if e < s:
        return 0
    served = (e - s).days + 1
    # Merge the leaves first, so overlapping entries are not taken off twice.
    merged: list[list[dt.date]] = []
    for ls, le in sorted(leaves):
        if merged and ls <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], le)
        else:
            merged.append([ls, le])
    return served - sum(_overlap(s, e, ls, le) for ls, le in merged)


def active_rule_sets(congress_ids: Iterable[int], kind: str) -> dict[int, RuleSet]:
    """For each congress, the active rule set of `kind` that holds its deputies (its own or the nearest
    above it); congresses with none are left out."""
    congress_ids = set(congress_ids)
    paths = dict(Congress.objects.filter(pk__in=congress_ids).values_list("pk", "path"))
    ancestors = {
        cid: [int(p) for p in reversed(path.strip("/").split("/")) if p] for cid, path in paths.items()
    }
    wanted = {a for chain in ancestors.values() for a in chain}
    sets = {
        r.congress_id: r for r in RuleSet.objects.filter(congress_id__in=wanted, kind=kind, is_active=True)
    }
    out = {}
    for cid, chain in ancestors.items():
        found = next((sets[a] for a in chain if a in sets), None)
        if found is not None:
            out[cid] = found
    return out


def confirmed_counts(
    *, congress_ids: Iterable[int], start: dt.date, end: dt.date, mandate_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], int]:
    """The floor query: confirmed participations by (mandate, kind) in [start, end]."""
    qs = Participation.objects.filter(
        status=CONFIRMED, congress_id__in=list(congress_ids), date__gte=start, date__lte=end
    )
    if mandate_ids is not None:
        qs = qs.filter(mandate_id__in=list(mandate_ids))
    grouped = (
        qs.order_by()
        .values_list("mandate_id", "kind_id")
        .annotate(n=Count("mandate_id"))
        .values_list("mandate_id", "kind_id", "n")
    )
    return {(m, k): n for m, k, n in _raw_rows(grouped)}


def _raw_rows(qs: QuerySet) -> list[tuple]:
    """The rows of a values_list query as the database driver returns them. The counting queries return
    ~100,000 rows at a province's size, where Django's per-value converters would cost as much again as
    the query; their columns are plain integers, which need no converting."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


SMALL = 2000  # below this many mandates the counting query names them; above, it filters by congress


def evaluate(
    *, mandates: QuerySet[Mandate] | Iterable[Mandate], year: int, stars: bool = True
) -> list[DeputyResult]:
    """Evaluate `mandates` (those serving at some time in `year`) for `year`, against their rules."""
    if not isinstance(mandates, QuerySet):
        mandates = Mandate.objects.filter(pk__in=[m.pk for m in mandates])
    y_start, y_end = year_window(year)
    mandates = mandates.filter(start_date__lte=y_end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=y_start)
    )
    rows = list(
        mandates.order_by().values_list(
            "pk", "congress_id", "term_id", "start_date", "end_date", "is_grassroots", "congress__level"
        )
    )
    if not rows:
        return []
    congress_ids = {r[1] for r in rows}
    minimum_sets = active_rule_sets(congress_ids, RuleSet.Kind.MINIMUMS)
    star_sets = active_rule_sets(congress_ids, RuleSet.Kind.STARS) if stars else {}

    items_by_set: dict[int, list[RuleItem]] = defaultdict(list)
    set_ids = {r.pk for r in minimum_sets.values()}
    for item in RuleItem.objects.filter(rule_set_id__in=set_ids).order_by("sort_order", "id"):
        item.kind_ids = []
        items_by_set[item.rule_set_id].append(item)
    by_id = {i.pk: i for lst in items_by_set.values() for i in lst}
    for item_id, kind_id in RuleItem.kinds.through.objects.filter(ruleitem_id__in=list(by_id)).values_list(
        "ruleitem_id", "activitykind_id"
    ):
        by_id[item_id].kind_ids.append(kind_id)

    star_rules: dict[int, StarRule] = {}
    if star_sets:
        for sr in StarRule.objects.filter(rule_set_id__in=[r.pk for r in star_sets.values()]):
            sr.kind_points = {}
            star_rules[sr.rule_set_id] = sr
        by_rule = {sr.pk: sr for sr in star_rules.values()}
        for sr_id, kind_id, pts in StarPoint.objects.filter(star_rule_id__in=list(by_rule)).values_list(
            "star_rule_id", "kind_id", "points"
        ):
            by_rule[sr_id].kind_points[kind_id] = pts

    needs_term = any(i.period == Period.TERM for i in by_id.values()) or any(
        sr.period == Period.TERM for sr in star_rules.values()
    )
    terms = {}
    if needs_term:
        terms = {
            pk: (s, e)
            for pk, s, e in Term.objects.filter(pk__in={r[2] for r in rows}).values_list(
                "pk", "start_date", "end_date"
            )
        }
    w_start, w_end = y_start, y_end
    if terms:
        w_start = min(w_start, *(s for s, _ in terms.values()))
        w_end = max(w_end, *(e for _, e in terms.values()))

    mandate_ids = [r[0] for r in rows] if len(rows) <= SMALL else None
    leaves: dict[int, list[tuple]] = defaultdict(list)
    leave_qs = MandateLeave.objects.filter(start_date__lte=w_end, end_date__gte=w_start)
    leave_qs = (
        leave_qs.filter(mandate_id__in=mandate_ids) if mandate_ids else leave_qs.filter(mandate__in=mandates)
    )
    for mid, ls, le in leave_qs.values_list("mandate_id", "start_date", "end_date"):
        leaves[mid].append((ls, le))

    # The one counting query: per (mandate, kind), the term window's count and the year's within it.
    # It counts a column of the partial index "participation_counting", so PostgreSQL can answer it
    # from the index alone.
    qs = Participation.objects.filter(
        status=CONFIRMED, congress_id__in=list(congress_ids), date__gte=w_start, date__lte=w_end
    )
    if mandate_ids is not None:
        qs = qs.filter(mandate_id__in=mandate_ids)
    # Counts per mandate: {mandate: {kind: n}} for the year and for the term window.
    year_by: dict[int, dict[int, int]] = defaultdict(dict)
    term_by: dict[int, dict[int, int]] = defaultdict(dict)
    grouped = qs.order_by().values_list("mandate_id", "kind_id")
    if terms:
        grouped = grouped.annotate(
            n=Count("mandate_id"), y=Count("mandate_id", filter=Q(date__gte=y_start, date__lte=y_end))
        )
        for m, k, n, y in _raw_rows(grouped.values_list("mandate_id", "kind_id", "n", "y")):
            term_by[m][k] = n
            if y:
                year_by[m][k] = y
    else:
        for m, k, n in _raw_rows(
            grouped.annotate(n=Count("mandate_id")).values_list("mandate_id", "kind_id", "n")
        ):
            year_by[m][k] = n

    # Applying the rules is plain Python over those counts. It runs once per deputy and item (60,000
    # deputies × 6 items at a province's size), so the periods are computed once, a deputy who served the
    # whole period on no leave skips the day arithmetic, and the rows are built positionally.
    year_period = (y_start, y_end, (y_end - y_start).days + 1)
    term_period = {tid: (s, e, (e - s).days + 1) for tid, (s, e) in terms.items()}
    zeros = repeat(0)
    empty: dict[int, int] = {}
    level_only, grassroots_only = RuleItem.Applies.LEVEL, RuleItem.Applies.GRASSROOTS
    plans = {
        set_id: [
            (
                i.pk,
                i.name,
                i.period,
                i.minimum,
                i.period == Period.TERM,
                tuple(i.kind_ids),
                i.kind_ids[0] if len(i.kind_ids) == 1 else None,
                i.applies_to,
                i.level,
            )
            for i in items
        ]
        for set_id, items in items_by_set.items()
    }
    # Per congress: its rule set's id, the items to apply, and its star rating (if any).
    by_congress = {}
    for cid in congress_ids:
        rs, ss = minimum_sets.get(cid), star_sets.get(cid)
        sr = star_rules.get(ss.pk) if ss else None
        by_congress[cid] = (
            rs.pk if rs else None,
            plans.get(rs.pk, ()) if rs else (),
            (sr, sr.period == Period.TERM and bool(terms), sr.kind_points) if sr else None,
        )

    def window(period: tuple, m_start, m_end, own_leaves) -> tuple:
        start, end, days = period
        if own_leaves is None and m_start <= start and (m_end is None or m_end >= end):
            return start, end, days, days
        return start, end, days, days_served(start, end, m_start, m_end, own_leaves or ())

    results: list[DeputyResult] = []
    for mid, cid, term_id, m_start, m_end, grassroots, level in rows:
        set_id, items, star = by_congress[cid]
        result = DeputyResult(mid, cid, set_id)
        own_leaves = leaves.get(mid)
        yc, tc = year_by.get(mid, empty), term_by.get(mid, empty)
        in_year = in_term = None
        out = result.items
        for item_id, name, period, minimum, per_term, kind_ids, single, applies, item_level in items:
            if applies == level_only and item_level != level:
                continue
            if applies == grassroots_only and not grassroots:
                continue
            if per_term and term_id in term_period:
                if in_term is None:
                    in_term = window(term_period[term_id], m_start, m_end, own_leaves)
                start, end, days, served = in_term
                counts = tc
            else:
                if in_year is None:
                    in_year = window(year_period, m_start, m_end, own_leaves)
                start, end, days, served = in_year
                counts = yc
            if single is not None:
                count = counts.get(single, 0)
            else:
                count = sum(map(counts.get, kind_ids, zeros)) if counts else 0
            required = minimum if served >= days else required_minimum(minimum, served, days)
            out.append(ItemResult(item_id, name, period, start, end, count, minimum, required, served, days))
        if star is not None:
            sr, per_term, points = star
            # A deputy has counts of a few kinds: sum over those rather than over every kind with points.
            total = 0
            for k, n in (tc if per_term else yc).items():
                p = points.get(k)
                if p:
                    total += n * p
            result.points = total
            result.stars = sr.stars_for(total)
        results.append(result)
    return results
