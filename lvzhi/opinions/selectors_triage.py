"""Reads of the staff triage queue and the unit's list of citizens' opinions, always scoped to the reader.

Who reads what (SECURITY: every page of views_triage fetches through `triage_list_visible_to`, so an item
outside the reader's scope is a 404):
- deputy-affairs staff: every opinion of their congress and the congresses below it (they act on their own
  congress's; the tree's they read, masked);
- station staff: the opinions left through their station (its code, a visit, a reception day);
- unit handlers: the opinions assigned to their unit.
The deputy reads its own items in its inbox, not here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from lvzhi.org.models import Congress, Unit
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for
from lvzhi.stations.models import Station

from .models import Opinion, OpinionTag
from .workflow import FINISHED_STATES, State


def triage_list_visible_to(*, user) -> QuerySet[Opinion]:
    s = scope_for(user)
    qs = Opinion.objects.all()
    if s.is_admin:
        return qs
    q = Q(pk__in=[])
    if Role.STAFF in s.roles:
        q |= s.in_tree()
    if s.station_ids:
        q |= Q(station_id__in=s.station_ids)
    if s.unit_ids:
        q |= Q(unit_id__in=s.unit_ids)
    return qs.filter(q)


def may_use_queue(user) -> bool:
    """The queue is the office's and the stations' (a unit handler has its own list)."""
    s = scope_for(user)
    return s.is_admin or Role.STAFF in s.roles or bool(s.station_ids)


def may_use_unit_list(user) -> bool:
    return bool(scope_for(user).unit_ids)


def ack_overdue(today: dt.date) -> Q:
    """Not acknowledged, and its acknowledgement day has passed."""
    return Q(state=State.NEW, acknowledged_at__isnull=True, ack_due_on__lt=today)


def unit_overdue(today: dt.date) -> Q:
    """With a unit that has not answered by its due date."""
    return Q(state=State.ASSIGNED_TO_UNIT, unit_due_on__lt=today)


def with_row_details(qs: QuerySet[Opinion]) -> QuerySet[Opinion]:
    """What a list row shows, in a fixed number of queries whatever the page's length."""
    return qs.select_related("congress", "station", "unit", "mandate__person").prefetch_related(
        Prefetch("tags", queryset=OpinionTag.objects.order_by("name"))
    )


@dataclass(frozen=True)
class Filters:
    state: str = ""
    source: str = ""
    category: str = ""
    congress_id: int | None = None
    station_id: int | None = None
    unit_id: int | None = None
    tag_id: int | None = None
    urgent: bool = False
    ack_overdue: bool = False
    unit_overdue: bool = False
    number: str = ""
    open_only: bool = False


def triage_filter(qs: QuerySet[Opinion], filters: Filters, *, today: dt.date) -> QuerySet[Opinion]:
    f = filters
    if f.state:
        qs = qs.filter(state=f.state)
    if f.open_only:
        qs = qs.exclude(state__in=FINISHED_STATES)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.congress_id:
        congress = Congress.objects.filter(pk=f.congress_id).only("path").first()
        # A district's filter holds its townships' items too.
        qs = qs.filter(congress__path__startswith=congress.path) if congress else qs.none()
    if f.station_id:
        qs = qs.filter(station_id=f.station_id)
    if f.unit_id:
        qs = qs.filter(unit_id=f.unit_id)
    if f.tag_id:
        qs = qs.filter(tags=f.tag_id)
    if f.urgent:
        qs = qs.filter(urgent=True)
    if f.ack_overdue:
        qs = qs.filter(ack_overdue(today))
    if f.unit_overdue:
        qs = qs.filter(unit_overdue(today))
    if f.number:
        qs = qs.filter(number__icontains=f.number)
    return qs


def triage_queue(*, user, filters: Filters, today: dt.date) -> QuerySet[Opinion]:
    """The queue as filtered: urgent items first, then the newest."""
    qs = triage_filter(triage_list_visible_to(user=user), filters, today=today)
    return with_row_details(qs).order_by("-urgent", "-created_at", "-pk")


def queue_counts(*, user, today: dt.date, congress_ids=None) -> dict[str, int]:
    """The counts the queue's quick links and the home tiles show (one query)."""
    qs = triage_list_visible_to(user=user)
    if congress_ids is not None:
        qs = qs.filter(congress_id__in=congress_ids)
    return qs.aggregate(
        new=Count("pk", filter=Q(state=State.NEW)),
        ack_overdue=Count("pk", filter=ack_overdue(today)),
        urgent=Count("pk", filter=Q(urgent=True) & ~Q(state__in=FINISHED_STATES)),
        unit_overdue=Count("pk", filter=unit_overdue(today)),
    )


# --- the unit's list -------------------------------------------------------------------------------
UNIT_OPEN, UNIT_OVERDUE, UNIT_ANSWERED, UNIT_ALL = "open", "overdue", "answered", "all"
UNIT_SHOWS = (UNIT_OPEN, UNIT_OVERDUE, UNIT_ANSWERED, UNIT_ALL)


def unit_opinions(*, user, show: str, today: dt.date) -> QuerySet[Opinion]:
    """The opinions assigned to the user's units: still to answer (the default), overdue, answered, or all."""
    units = scope_for(user).unit_ids
    qs = Opinion.objects.filter(unit_id__in=units)
    if show == UNIT_OVERDUE:
        qs = qs.filter(unit_overdue(today))
    elif show == UNIT_ANSWERED:
        qs = qs.exclude(state=State.ASSIGNED_TO_UNIT)
    elif show != UNIT_ALL:
        qs = qs.filter(state=State.ASSIGNED_TO_UNIT)
    return with_row_details(qs).order_by("-urgent", "unit_due_on", "-assigned_at", "-pk")


def unit_counts(*, user, today: dt.date) -> dict[str, int]:
    qs = Opinion.objects.filter(unit_id__in=scope_for(user).unit_ids)
    return qs.aggregate(
        open=Count("pk", filter=Q(state=State.ASSIGNED_TO_UNIT)),
        overdue=Count("pk", filter=unit_overdue(today)),
    )


# --- choices for the pages --------------------------------------------------------------------------
def queue_congresses(*, user) -> QuerySet[Congress]:
    """The congresses whose items the reader's queue may hold (for the district filter)."""
    s = scope_for(user)
    if s.is_admin:
        return Congress.objects.order_by("path")
    if Role.STAFF not in s.roles:
        return Congress.objects.none()
    return Congress.objects.filter(_tree_q(s)).order_by("path")


def _tree_q(s) -> Q:
    q = Q(pk__in=[])
    for path in s.read_paths:
        q |= Q(path__startswith=path)
    return q


def queue_stations(*, user, congress_id: int | None = None) -> QuerySet[Station]:
    """Stations the reader's queue may filter by: a station's own staff's stations, or the office's tree."""
    s = scope_for(user)
    qs = Station.objects.select_related("congress").order_by("congress__path", "name")
    if s.is_admin:
        pass
    elif Role.STAFF in s.roles:
        qs = qs.filter(s.in_tree() | Q(pk__in=s.station_ids))
    else:
        qs = qs.filter(pk__in=s.station_ids)
    if congress_id:
        qs = qs.filter(congress_id=congress_id)
    return qs


def queue_tags(*, user) -> QuerySet[OpinionTag]:
    """Tags of the congresses the reader's queue holds (for the tag filter)."""
    s = scope_for(user)
    qs = OpinionTag.objects.select_related("congress").order_by("name")
    if s.is_admin:
        return qs
    q = Q(pk__in=[])
    if Role.STAFF in s.roles:
        q |= s.in_tree()
    if s.station_ids:
        q |= Q(congress__in=Station.objects.filter(pk__in=s.station_ids).values("congress_id"))
    return qs.filter(q)


def assignable_units(opinion: Opinion) -> QuerySet[Unit]:
    """Units an opinion may be assigned to: the active units of its congress and of the congresses below."""
    return (
        Unit.objects.filter(is_active=True, congress__path__startswith=opinion.congress.path)
        .select_related("congress")
        .order_by("congress__path", "kind", "pk")
    )


def tags_of_congress(congress_id: int) -> QuerySet[OpinionTag]:
    return OpinionTag.objects.filter(congress_id=congress_id).order_by("name")
