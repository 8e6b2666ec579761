"""Reads of suggestions, always scoped to the user.

# SECURITY: every suggestion page, export and API route fetches through suggestion_list_visible_to.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

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
