"""Reads of the deputy's inbox: one list of citizens' opinions for all of a person's mandates, and the items
passed to (or left at) a station for that station's staff.

SECURITY: every read starts from `inbox_visible_to`, so an item outside the reader's inbox is not found (404).
The deputy-affairs office works from its own triage pages, not from this inbox.
"""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from lvzhi.org.models import Mandate
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for
from lvzhi.stations.models import Station

from .models import Opinion
from .workflow import FINISHED_STATES, OPEN_STATES, State

# Filters of the list: "open" and "finished" group states; any single state may be chosen too.
STATE_GROUPS = {"open": OPEN_STATES, "finished": FINISHED_STATES}


def inbox_visible_to(*, user) -> QuerySet[Opinion]:
    """The items in the user's inbox: those that reached the person (any of their mandates), and those left
    at or passed to a station the user is staff of."""
    s = scope_for(user)
    q = Q(pk__in=[])
    if s.person_id:
        q |= Q(person_id=s.person_id)
    if s.station_ids:
        q |= Q(station_id__in=s.station_ids)
    return Opinion.objects.filter(q)


def has_inbox(user) -> bool:
    s = scope_for(user)
    return Role.DEPUTY in s.roles or Role.STATION_STAFF in s.roles


def inbox_list(
    *, user, state: str = "", kind: str = "", category: str = "", callback: bool = False
) -> QuerySet[Opinion]:
    """The inbox, filtered, urgent open items first, then new ones, then the rest of the open ones, then the
    finished; newest first within each."""
    qs = inbox_visible_to(user=user)
    if state in STATE_GROUPS:
        qs = qs.filter(state__in=STATE_GROUPS[state])
    elif state in State.values:
        qs = qs.filter(state=state)
    if kind in Opinion.Kind.values:
        qs = qs.filter(kind=kind)
    if category in Opinion.Category.values:
        qs = qs.filter(category=category)
    if callback:
        qs = qs.filter(wants_callback=True, state__in=OPEN_STATES)
    return (
        qs.select_related("mandate__congress", "station", "person")
        .annotate(
            rank=Case(
                When(urgent=True, state__in=OPEN_STATES, then=Value(0)),
                When(state=State.NEW, then=Value(1)),
                When(state__in=OPEN_STATES, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "-created_at", "-pk")
    )


def inbox_counts(*, user) -> dict[str, int]:
    """What the inbox's heading counts (one query): new, urgent and open items, and call backs asked."""
    open_ = Q(state__in=OPEN_STATES)
    return inbox_visible_to(user=user).aggregate(
        new=Count("pk", filter=Q(state=State.NEW)),
        urgent=Count("pk", filter=open_ & Q(urgent=True)),
        open=Count("pk", filter=open_),
        callback=Count("pk", filter=open_ & Q(wants_callback=True)),
    )


def meeting_stations_for(*, user, opinion: Opinion) -> QuerySet[Station]:
    """Where the handler may meet the citizen or pass the item: for the deputy, the open stations the
    person sits in (进家入站, under any current mandate); for station staff, their own stations."""
    s = scope_for(user)
    if opinion.person_id and s.person_id == opinion.person_id:
        mandates = Mandate.objects.current().filter(person_id=opinion.person_id)
        return (
            Station.objects.filter(is_active=True, assignments__mandate__in=mandates)
            .select_related("congress")
            .distinct()
            .order_by("name")
        )
    return (
        Station.objects.filter(is_active=True, pk__in=s.station_ids)
        .select_related("congress")
        .order_by("name")
    )
