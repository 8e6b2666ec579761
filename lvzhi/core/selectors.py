"""Reads of the shared tables, scoped to the user.

# SECURITY: the audit log page and any export of events fetch through `event_list_visible_to`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from .models import Event
from .params import LATEST_DATE, clean_query


@dataclass(frozen=True)
class EventFilters:
    kind: str = ""  # a kind or its prefix ("calendar." finds every calendar event)
    actor: str = ""  # username, or part of the account's name
    date_from: dt.date | None = None  # local dates (Asia/Shanghai), both ends included
    date_to: dt.date | None = None
    security_only: bool = False


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def event_list_visible_to(*, user, filters: EventFilters | None = None) -> QuerySet[Event]:
    """Events whose congress the user reads as staff or chair (their own and all below); all for admins.

    Events that belong to no congress (e.g. a failed sign-in with an unknown username) are the site
    administrator's only.
    """
    s = scope_for(user)
    # actor__person: an account without a full name shows its person's name (User.display_name).
    qs = Event.objects.select_related("actor__person", "congress", "target_type").order_by(
        "-occurred_at", "-id"
    )
    if not s.is_admin:
        if not (Role.STAFF in s.roles or Role.CHAIR in s.roles) or not s.read_paths:
            return qs.none()
        qs = qs.filter(s.in_tree())
    if filters is None:
        return qs
    kind, name = clean_query(filters.kind, 64), clean_query(filters.actor, 150)
    if kind:
        qs = qs.filter(kind__startswith=kind)
    if name:
        qs = qs.filter(Q(actor__username=name) | Q(actor__full_name__contains=name))
    if filters.date_from:
        qs = qs.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to and filters.date_to < LATEST_DATE:  # later is "no end" (and date.max + 1 overflows)
        qs = qs.filter(occurred_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.security_only:
        qs = qs.filter(is_security=True)
    return qs
