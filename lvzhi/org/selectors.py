"""Reads of the organisation, always scoped to the user. A record outside the scope is not found.

# SECURITY: every list and detail page of org records must fetch through these functions.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Committee, Congress, DeputyGroup, Mandate, Person, RoleAssignment, Unit, User
from .scope import scope_for


def congress_list_visible_to(*, user) -> QuerySet[Congress]:
    s = scope_for(user)
    qs = Congress.objects.all()
    if s.is_admin:
        return qs
    own = (
        set(s.member_congress_ids)
        | set(s.committee_congress_ids)
        | set(Mandate.objects.filter(pk__in=s.mandate_ids).values_list("congress_id", flat=True))
        | set(Unit.objects.filter(pk__in=s.unit_ids).values_list("congress_id", flat=True))
    )
    if s.station_ids:
        from lvzhi.stations.models import Station

        own |= set(Station.objects.filter(pk__in=s.station_ids).values_list("congress_id", flat=True))
    q = Q(pk__in=own)
    for path in s.read_paths:
        q |= Q(path__startswith=path)
    return qs.filter(q)


def mandate_list_visible_to(*, user) -> QuerySet[Mandate]:
    s = scope_for(user)
    qs = Mandate.objects.select_related("person", "congress", "term", "electoral_unit")
    if s.is_admin:
        return qs
    q = s.in_tree() | Q(pk__in=s.mandate_ids)
    if s.member_congress_ids:
        q |= Q(congress_id__in=s.member_congress_ids)
    if s.committee_congress_ids:
        q |= Q(congress_id__in=s.committee_congress_ids)
    if s.led_group_ids:
        q |= Q(pk__in=Mandate.objects.filter(group_memberships__group_id__in=s.led_group_ids).values("pk"))
    if s.station_ids:
        q |= Q(pk__in=Mandate.objects.filter(station_assignments__station_id__in=s.station_ids).values("pk"))
    return qs.filter(q)


def person_list_visible_to(*, user) -> QuerySet[Person]:
    s = scope_for(user)
    if s.is_admin:
        return Person.objects.all()
    q = s.in_tree() | Q(pk__in=mandate_list_visible_to(user=user).values("person_id"))
    if s.person_id:
        q |= Q(pk=s.person_id)
    return Person.objects.filter(q)


def committee_list_visible_to(*, user) -> QuerySet[Committee]:
    s = scope_for(user)
    qs = Committee.objects.select_related("congress")
    if s.is_admin:
        return qs
    return qs.filter(s.in_tree() | Q(pk__in=s.committee_ids) | Q(congress_id__in=s.member_congress_ids))


def group_list_visible_to(*, user) -> QuerySet[DeputyGroup]:
    s = scope_for(user)
    qs = DeputyGroup.objects.select_related("congress", "leader__person")
    if s.is_admin:
        return qs
    q = s.in_tree() | Q(pk__in=s.led_group_ids)
    if s.mandate_ids:
        q |= Q(pk__in=DeputyGroup.objects.filter(memberships__mandate_id__in=s.mandate_ids).values("pk"))
    return qs.filter(q)


def unit_list_visible_to(*, user) -> QuerySet[Unit]:
    s = scope_for(user)
    qs = Unit.objects.select_related("congress")
    if s.is_admin:
        return qs
    return qs.filter(s.in_tree() | Q(pk__in=s.unit_ids))


def account_list_visible_to(*, user) -> QuerySet[User]:
    """Accounts are managed by staff of the congress that holds them (and read from above)."""
    s = scope_for(user)
    qs = User.objects.select_related("person", "congress")
    if s.is_admin:
        return qs
    if not s.read_paths:
        return qs.filter(pk=user.pk) if user.is_authenticated else qs.none()
    return qs.filter(s.in_tree() | Q(pk=user.pk))


def roles_of(*, user) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user, is_active=True).select_related(
        "congress", "committee", "station", "unit"
    )
