"""Reads of invited activities, always scoped to the reader: a record outside the scope is not found.

# SECURITY: every meeting, invitation and observer page fetches through these functions. Staff and chairs
read their congress's tree; standing-committee members their congress's meetings; a committee's staff the
activities their committee invites to; a deputy only its own invitations once sent (the office's list of
proposed names is its working paper), never another deputy's.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lvzhi.org.models import Congress
from lvzhi.org.scope import scope_for

from .models import Invitation, Meeting, ObserverApplication
from .workflow import SENT_STATES, MeetingState


def _office_q(s, prefix: str = "") -> Q:
    """Meetings the reader reads as an office (not as an invitee)."""
    q = s.in_tree(f"{prefix}congress")
    if s.member_congress_ids:
        q |= Q(**{f"{prefix}congress_id__in": s.member_congress_ids})
    if s.committee_ids:
        q |= Q(**{f"{prefix}host_committee_id__in": s.committee_ids})
    return q


def meetings_visible_to(*, user) -> QuerySet[Meeting]:
    s = scope_for(user)
    qs = Meeting.objects.select_related("congress", "term", "host_committee", "host_unit")
    if s.is_admin:
        return qs
    q = _office_q(s)
    if s.mandate_ids:
        mine = Invitation.objects.filter(
            meeting=OuterRef("pk"), mandate_id__in=s.mandate_ids, state__in=SENT_STATES
        )
        q |= Exists(mine)
    return qs.filter(q)


def meetings_read_as_office(*, user) -> QuerySet[Meeting]:
    s = scope_for(user)
    qs = Meeting.objects.select_related("congress", "term", "host_committee", "host_unit")
    return qs if s.is_admin else qs.filter(_office_q(s))


def invitations_visible_to(*, user) -> QuerySet[Invitation]:
    s = scope_for(user)
    qs = Invitation.objects.select_related(
        "meeting__congress", "meeting__host_committee", "meeting__host_unit", "mandate__person"
    )
    if s.is_admin:
        return qs
    # SECURITY: a deputy reads its own sent invitations only, never the others' of the same meeting.
    q = _office_q(s, "meeting__")
    if s.mandate_ids:
        q |= Q(mandate_id__in=s.mandate_ids, state__in=SENT_STATES)
    return qs.filter(q)


def my_invitations(*, user) -> QuerySet[Invitation]:
    s = scope_for(user)
    return (
        Invitation.objects.filter(mandate_id__in=s.mandate_ids, state__in=SENT_STATES)
        .select_related("meeting__congress", "meeting__host_committee", "meeting__host_unit", "mandate")
        .order_by("-meeting__starts_on", "-pk")
    )


def applications_visible_to(*, user) -> QuerySet[ObserverApplication]:
    """Observers' applications: the office tree (identity masked to all but the meeting's runners) and a
    committee's staff for their committee's meetings; members and deputies read none."""
    s = scope_for(user)
    qs = ObserverApplication.objects.select_related("meeting__congress", "decided_by")
    if s.is_admin:
        return qs
    q = s.in_tree("meeting__congress")
    if s.committee_ids:
        q |= Q(meeting__host_committee_id__in=s.committee_ids)
    return qs.filter(q)


def congresses_read_by(*, user) -> QuerySet[Congress]:
    s = scope_for(user)
    qs = Congress.objects.all()
    if s.is_admin:
        return qs
    q = Q(pk__in=set(s.member_congress_ids) | set(s.committee_congress_ids))
    for path in s.read_paths:
        q |= Q(path__startswith=path)
    return qs.filter(q)


def public_meetings() -> QuerySet[Meeting]:
    """Meetings citizens may apply to observe, as the public pages list them: open to observers, still
    planned and not over. Nothing about invitations or applicants is read from here."""
    today = timezone.localdate()
    return (
        Meeting.objects.filter(observers_open=True, state=MeetingState.PLANNED, ends_on__gte=today)
        .select_related("congress", "host_committee", "host_unit")
        .order_by("starts_on", "pk")
    )
