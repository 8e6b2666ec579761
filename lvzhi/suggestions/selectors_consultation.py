"""Reads of the recess consultation lists (会商清单), always scoped to the reader.

# SECURITY: every consultation page and export fetches its list or item through these.
The deputy-affairs office and the chair read the lists of their congress and of those below it; a unit
handler reads the items that name its unit, and nothing else of the list.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from lvzhi.core.params import clean_query, parse_id
from lvzhi.org.scope import scope_for

from .models import ConsultationItem, ConsultationList, ConsultationMeeting, Suggestion
from .selectors import suggestion_list_visible_to
from .services.consultation import ELIGIBLE_STATES


def consultation_list_visible_to(*, user) -> QuerySet[ConsultationList]:
    s = scope_for(user)
    qs = ConsultationList.objects.select_related("congress")
    if s.is_admin:
        return qs
    return qs.filter(s.in_tree())


def consultation_item_visible_to(*, user) -> QuerySet[ConsultationItem]:
    return ConsultationItem.objects.filter(consultation_list__in=consultation_list_visible_to(user=user))


def consultation_lists_with_counts(*, user, year: int | None = None) -> QuerySet[ConsultationList]:
    qs = consultation_list_visible_to(user=user)
    if year:
        qs = qs.filter(year=year)
    return qs.annotate(
        n_items=Count("items", distinct=True),
        n_outcomes=Count("items", filter=~Q(items__outcome=""), distinct=True),
        n_meetings=Count("meetings", distinct=True),
    ).order_by("-year", "congress__path", "-created_at", "-id")


def items_of(consultation_list: ConsultationList) -> QuerySet[ConsultationItem]:
    """The list's items in order, with their units, suggestion and the meetings that discussed them."""
    return (
        consultation_list.items.select_related("suggestion", "outcome_recorded_by__person")
        .prefetch_related(
            "units", Prefetch("meetings", queryset=ConsultationMeeting.objects.order_by("held_on"))
        )
        .order_by("position", "pk")
    )


def meetings_of(consultation_list: ConsultationList) -> QuerySet[ConsultationMeeting]:
    return consultation_list.meetings.prefetch_related(
        "units", Prefetch("items", queryset=ConsultationItem.objects.order_by("position"))
    ).order_by("held_on", "pk")


def suggestion_candidates(*, user, consultation_list: ConsultationList, q: str = "") -> QuerySet[Suggestion]:
    """The suggestions of the list's congress that may go on it and are not on it yet, searched by number
    or title."""
    qs = (
        suggestion_list_visible_to(user=user)
        .filter(congress_id=consultation_list.congress_id, state__in=ELIGIBLE_STATES)
        .exclude(pk__in=consultation_list.items.exclude(suggestion=None).values("suggestion_id"))
    )
    q = clean_query(q)
    if q:
        number = parse_id(q.lstrip("第").rstrip("号"))
        match = Q(title__icontains=q)
        if number:
            match |= Q(number=number)
        qs = qs.filter(match)
    return qs.order_by("series", "number", "pk")


def unit_items(*, user) -> QuerySet[ConsultationItem]:
    """The items that name one of the handler's own units, on any list."""
    s = scope_for(user)
    return (
        ConsultationItem.objects.filter(units__in=s.unit_ids)
        .distinct()
        .select_related("consultation_list__congress", "suggestion")
        .prefetch_related(
            "units", Prefetch("meetings", queryset=ConsultationMeeting.objects.order_by("held_on"))
        )
        .order_by("-consultation_list__year", "consultation_list_id", "position")
    )
