"""Reads of suggestions, always scoped to the user.

# SECURITY: every suggestion page, export and API route fetches through suggestion_list_visible_to.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from lvzhi.core.params import parse_id
from lvzhi.org.models import Congress
from lvzhi.org.scope import scope_for

from .models import Assignment, Suggestion
from .workflow import State


def suggestion_list_visible_to(*, user) -> QuerySet[Suggestion]:
    s = scope_for(user)
    qs = Suggestion.objects.select_related("congress", "author__person", "session", "committee")
    if s.is_admin:
        return qs.exclude(state=State.DRAFT)
    # Deputies see what they wrote, co-sign or were invited to, drafts included.
    q = Q(pk__in=Suggestion.objects.filter(signers__mandate_id__in=s.mandate_ids).values("pk"))
    submitted = ~Q(state=State.DRAFT)
    # The office and the chair: their congress and those below (drafts stay with their authors).
    q |= s.in_tree() & submitted
    if s.unit_ids:
        q |= Q(pk__in=Assignment.objects.filter(unit_id__in=s.unit_ids).values("suggestion_id"))
    if s.committee_ids:
        q |= Q(committee_id__in=s.committee_ids) & submitted
    if s.member_congress_ids:
        q |= Q(congress_id__in=s.member_congress_ids, state__in=_PAST_REVIEW)
    return qs.filter(q)


_PAST_REVIEW = [
    State.ACCEPTED,
    State.ASSIGNED,
    State.REPLIED,
    State.REHANDLING,
    State.STAFF_DECISION,
    State.PROMISED,
    State.PROMISE_REPORTED,
    State.CLOSED,
    State.REFERRED,
]


def assignment_list_visible_to(*, user) -> QuerySet[Assignment]:
    """A unit handler's own assignments (and everything for those who can read the suggestion)."""
    return Assignment.objects.filter(
        suggestion__in=suggestion_list_visible_to(user=user).values("pk")
    ).select_related("unit", "suggestion")


def my_assignments(*, user) -> QuerySet[Assignment]:
    s = scope_for(user)
    return (
        Assignment.objects.filter(unit_id__in=s.unit_ids)
        .select_related("unit", "suggestion", "suggestion__congress")
        .order_by("-is_active", "reply_due", "pk")
    )


# --- the office's lists ---------------------------------------------------------------------------
HANDLING_STATES = (State.ASSIGNED, State.REHANDLING)  # the lead unit's reply is due


def office_congress_list(*, user) -> QuerySet[Congress]:
    """The congresses whose deputy-affairs office the user runs (every one for a site administrator)."""
    s = scope_for(user)
    qs = Congress.objects.order_by("path", "pk")
    return qs if s.is_admin else qs.filter(pk__in=s.act_congress_ids)


def review_queue(*, user, congress: Congress) -> QuerySet[Suggestion]:
    """Submitted to this congress and waiting for the office (motions at the presidium too), oldest first."""
    return (
        suggestion_list_visible_to(user=user)
        .filter(congress=congress, state__in=[State.SUBMITTED, State.PRESIDIUM])
        .order_by("submitted_at", "pk")
    )


def awaiting_assignment(*, user, congress: Congress) -> QuerySet[Suggestion]:
    """Accepted and not (or no longer) assigned to a lead unit: the batch assignment's rows."""
    return (
        suggestion_list_visible_to(user=user)
        .filter(congress=congress, state=State.ACCEPTED)
        .order_by("series", "number", "pk")
    )


def assign_overdue(day: dt.date) -> Q:
    """A recess suggestion not yet assigned when its assignment deadline (from receipt) has passed."""
    return Q(assign_due__lt=day, state__in=[State.SUBMITTED, State.PRESIDIUM, State.ACCEPTED])


def reply_overdue(day: dt.date) -> Q:
    """Being handled, and the lead unit's reply deadline in force (an approved extension counts) has passed."""
    late_lead = Assignment.objects.filter(
        suggestion=OuterRef("pk"), role=Assignment.Role.LEAD, is_active=True
    )
    late_lead = late_lead.filter(Q(extended_due__lt=day) | Q(extended_due__isnull=True, reply_due__lt=day))
    return Q(state__in=HANDLING_STATES) & Exists(late_lead)


def suggestion_filter(
    qs: QuerySet[Suggestion],
    *,
    day: dt.date,
    state: str = "",
    field: str = "",
    committee_id: int | None = None,
    unit_id: int | None = None,
    overdue: bool = False,
    period: str = "",
) -> QuerySet[Suggestion]:
    """Narrow an already scoped list. period: "recess", "session" (any), or a session id as text."""
    if state:
        qs = qs.filter(state=state)
    if field:
        qs = qs.filter(field=field)
    if committee_id:
        qs = qs.filter(committee_id=committee_id)
    if unit_id:
        qs = qs.filter(
            Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), unit_id=unit_id, is_active=True))
        )
    if overdue:
        qs = qs.filter(reply_overdue(day))
    if period == "recess":
        qs = qs.filter(session__isnull=True)
    elif period == "session":
        qs = qs.filter(session__isnull=False)
    elif parse_id(period):
        qs = qs.filter(session_id=parse_id(period))
    return qs


def returned_assignments(*, user, congress: Congress) -> QuerySet[Assignment]:
    """Assignments units returned (退办), newest first; `waiting` when the suggestion still lacks a lead unit."""
    lead_now = Assignment.objects.filter(
        suggestion=OuterRef("suggestion"), role=Assignment.Role.LEAD, is_active=True
    )
    return (
        assignment_list_visible_to(user=user)
        .filter(suggestion__congress=congress, returned_at__isnull=False)
        .annotate(
            waiting=ExpressionWrapper(
                Q(role=Assignment.Role.LEAD) & ~Exists(lead_now), output_field=BooleanField()
            )
        )
        .select_related("suggestion__author__person")
        .order_by("-returned_at", "-pk")
    )
