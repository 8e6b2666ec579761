"""Reads of the performance app, always scoped to the reader: a record outside the scope is not found.

Staff and chairs read their congress's tree; a deputy reads its own activities and evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from lvzhi.org.models import Congress, DeputyGroup, Mandate
from lvzhi.org.scope import scope_for

from .evaluation import DeputyResult, ItemResult, evaluate
from .models import Activity, Participation, RuleSet


def participations_visible_to(*, user) -> QuerySet[Participation]:
    s = scope_for(user)
    qs = Participation.objects.all()
    if s.is_admin:
        return qs
    # SECURITY: the deputy's own rows, or rows of deputies of a congress the reader runs or chairs.
    return qs.filter(Q(mandate_id__in=s.mandate_ids) | s.in_tree("congress"))


def activities_visible_to(*, user) -> QuerySet[Activity]:
    s = scope_for(user)
    qs = Activity.objects.all()
    if s.is_admin:
        return qs
    own = Participation.objects.filter(activity=OuterRef("pk"), mandate_id__in=s.mandate_ids)
    # SECURITY: an activity of the reader's tree, or one the reader took part in.
    return qs.filter(s.in_tree("congress") | Exists(own))


def my_participations(*, user) -> QuerySet[Participation]:
    s = scope_for(user)
    return (
        Participation.objects.filter(mandate_id__in=s.mandate_ids)
        .select_related("activity", "kind", "mandate__congress")
        .order_by("-date", "-id")
    )


def confirmation_queue(*, user) -> QuerySet[Participation]:
    """Registrations waiting for the reader's decision: deputies of congresses it runs, never its own."""
    s = scope_for(user)
    qs = Participation.objects.filter(status=Participation.Status.REGISTERED)
    if not s.is_admin:
        qs = qs.filter(congress_id__in=s.act_congress_ids)
    return (
        qs.exclude(mandate_id__in=s.mandate_ids)
        .select_related("activity", "kind", "mandate__person", "congress")
        .order_by("date", "id")
    )


def congresses_read_by(*, user) -> QuerySet[Congress]:
    s = scope_for(user)
    qs = Congress.objects.all()
    if s.is_admin:
        return qs
    q = Q(pk__in=[])
    for path in s.read_paths:
        q |= Q(path__startswith=path)
    return qs.filter(q)


def congresses_run_by(*, user) -> QuerySet[Congress]:
    s = scope_for(user)
    if s.is_admin:
        return Congress.objects.all()
    return Congress.objects.filter(pk__in=s.act_congress_ids)


def rule_sets_visible_to(*, user) -> QuerySet[RuleSet]:
    """Rule sets of the reader's tree, and those of the congresses above it (which may hold its deputies)."""
    s = scope_for(user)
    if s.is_admin:
        return RuleSet.objects.all()
    above = {int(p) for path in s.read_paths for p in path.strip("/").split("/") if p}
    return RuleSet.objects.filter(s.in_tree("congress") | Q(congress_id__in=above))


def mandates_read_by(*, user) -> QuerySet[Mandate]:
    s = scope_for(user)
    if s.is_admin:
        return Mandate.objects.all()
    return Mandate.objects.filter(s.in_tree("congress"))


@dataclass
class ShortfallRow:
    mandate: Mandate
    result: DeputyResult
    item: ItemResult | None  # None: the deputy's summary row (no item short, or no rules)


def shortfall(
    *,
    user,
    year: int,
    congress: Congress | None = None,
    group: DeputyGroup | None = None,
    station=None,
    only_short: bool = True,
    item_id: int | None = None,
    query: str = "",
) -> list[ShortfallRow]:
    """Deputies in the reader's scope evaluated for `year`, one row per unmet item (or per deputy with
    `only_short` off), in the order of congress, name."""
    mandates = mandates_read_by(user=user)
    if congress is not None:
        mandates = mandates.filter(congress=congress)
    if group is not None:
        mandates = mandates.filter(group_memberships__group=group)
    if station is not None:
        mandates = mandates.filter(station_assignments__station=station)
    if query:
        mandates = mandates.filter(person__name__icontains=query)
    results = evaluate(mandates=mandates.distinct(), year=year, stars=False)
    by_id = Mandate.objects.select_related("person", "congress").in_bulk([r.mandate_id for r in results])
    rows: list[ShortfallRow] = []
    for r in results:
        m = by_id[r.mandate_id]
        items = [i for i in r.items if item_id is None or i.item_id == item_id]
        if only_short:
            rows += [ShortfallRow(m, r, i) for i in items if not i.met]
        else:
            rows += [ShortfallRow(m, r, i) for i in items] or [ShortfallRow(m, r, None)]
    rows.sort(key=lambda row: (row.mandate.congress.path, row.mandate.person.name, row.mandate.pk))
    return rows
