"""Reads for a unit handler: the unit's own assignments, the clock in force on each, and what waits.

The clock of an assignment is the lead unit's reply deadline in force (an approved extension replaces the
original) or a co-unit's opinion deadline; it runs while the unit still owes its answer.

# SECURITY: everything here starts from selectors.my_assignments (the handler's own units only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, DateField, F, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Assignment
from .selectors import my_assignments
from .workflow import State

HANDLING = (State.ASSIGNED, State.REHANDLING)
DUE_SOON_DAYS = 15  # "due soon" on the handler's home page and list

# The situations a handler filters the list by (and the home tiles count).
NEW, SOON, OVERDUE, REHANDLING, PROMISE = "new", "soon", "overdue", "rehandling", "promise"
SITUATIONS = (NEW, SOON, OVERDUE, REHANDLING, PROMISE)


def with_due(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Annotate `due_in_force`: the lead unit's reply deadline (extension counts), a co-unit's opinion due."""
    return qs.annotate(
        due_in_force=Case(
            When(role=Assignment.Role.LEAD, then=Coalesce(F("extended_due"), F("reply_due"))),
            default=F("opinion_due"),
            output_field=DateField(),
        )
    )


def _owing() -> Q:
    """The unit still owes its answer: the lead unit's reply while handled, a co-unit's unsent opinion."""
    lead = Q(role=Assignment.Role.LEAD, suggestion__state__in=HANDLING)
    co = Q(role=Assignment.Role.CO, suggestion__state__in=HANDLING, co_opinion__isnull=True)
    return Q(is_active=True) & (lead | co)


def situation_filter(situation: str, today: dt.date) -> Q | None:
    """The condition of one situation, or None for an unknown one."""
    active = Q(is_active=True)
    return {
        NEW: active & Q(acknowledged_at__isnull=True, suggestion__state__in=HANDLING),
        SOON: _owing() & Q(due_in_force__gte=today, due_in_force__lte=today + dt.timedelta(DUE_SOON_DAYS)),
        OVERDUE: _owing() & Q(due_in_force__lt=today),
        REHANDLING: active & Q(role=Assignment.Role.LEAD, suggestion__state=State.REHANDLING),
        PROMISE: active & Q(role=Assignment.Role.LEAD, suggestion__state=State.PROMISED),
    }.get(situation)


def unit_assignments(*, user) -> QuerySet[Assignment]:
    """The handler's own assignments with their due date in force and the co-unit's opinion, if sent."""
    return with_due(my_assignments(user=user)).select_related("co_opinion", "suggestion__author__person")


def unit_assignments_current(*, user) -> QuerySet[Assignment]:
    """Still the unit's business: active, and the suggestion not yet closed."""
    return unit_assignments(user=user).filter(is_active=True).exclude(suggestion__state=State.CLOSED)


def unit_assignments_done(*, user) -> QuerySet[Assignment]:
    """Returned (退办) or finished (the suggestion closed, 办结)."""
    return (
        unit_assignments(user=user)
        .filter(Q(is_active=False) | Q(suggestion__state=State.CLOSED))
        .order_by("-returned_at", "-suggestion__closed_at", "-pk")
    )


def situation_counts(*, user, today: dt.date) -> dict[str, int]:
    """How many of the handler's assignments are in each situation (one query)."""
    qs = with_due(my_assignments(user=user)).order_by()
    return qs.aggregate(
        **{key: Count("pk", filter=situation_filter(key, today)) for key in SITUATIONS}  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Clock:
    due: dt.date | None
    days_left: int | None  # None when the clock does not run (answered, returned, closed)

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_over(self) -> int:
        return -self.days_left if self.overdue else 0


def clock_of(assignment: Assignment, today: dt.date) -> Clock:
    """The due date in force and, while the unit still owes its answer, the days left (negative: overdue)."""
    lead = assignment.role == Assignment.Role.LEAD
    due = assignment.due if lead else assignment.opinion_due
    state = assignment.suggestion.state
    if lead:
        running = assignment.is_active and state in HANDLING
    else:
        running = assignment.is_active and state in HANDLING and not _has_opinion(assignment)
    return Clock(due=due, days_left=(due - today).days if running and due else None)


def _has_opinion(assignment: Assignment) -> bool:
    try:
        return assignment.co_opinion is not None
    except Assignment.co_opinion.RelatedObjectDoesNotExist:
        return False


def co_opinions_for_lead(assignment: Assignment, today: dt.date) -> list[dict]:
    """What the lead unit sees of its co-units: each one's opinion (or none yet), its due date, lateness."""
    rows = []
    cos = (
        assignment.suggestion.assignments.filter(role=Assignment.Role.CO, is_active=True)
        .select_related("unit", "co_opinion")
        .order_by("pk")
    )
    for co in cos:
        opinion = co.co_opinion if _has_opinion(co) else None
        if opinion is not None:
            late = co.opinion_due is not None and timezone.localdate(opinion.sent_at) > co.opinion_due
        else:
            late = co.opinion_due is not None and today > co.opinion_due
        rows.append({"assignment": co, "opinion": opinion, "late": late})
    return rows
