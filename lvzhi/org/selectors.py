"""Reads of the organisation, always scoped to the user. A record outside the scope is not found.

# SECURITY: every list and detail page of org records must fetch through these functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from lvzhi.core.params import clean_query, parse_id

from .fields import SubjectField
from .models import (
    Committee,
    CommitteeMembership,
    Congress,
    DeputyGroup,
    ElectoralUnit,
    Mandate,
    Person,
    RoleAssignment,
    Session,
    Term,
    Unit,
    User,
)
from .roles import Role
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


# --- structure pages (terms, sessions, electoral units, committee seats) ------------------------


def congresses_managed_by(*, user) -> QuerySet[Congress]:
    """The congresses whose records the user may change (staff: their own; a site administrator: all)."""
    s = scope_for(user)
    if s.is_admin:
        return Congress.objects.all()
    if Role.STAFF not in s.roles:
        return Congress.objects.none()
    return Congress.objects.filter(pk__in=s.act_congress_ids)


def term_list_visible_to(*, user) -> QuerySet[Term]:
    return Term.objects.select_related("congress").filter(congress__in=congress_list_visible_to(user=user))


def session_list_visible_to(*, user) -> QuerySet[Session]:
    return Session.objects.select_related("term__congress").filter(
        term__congress__in=congress_list_visible_to(user=user)
    )


def electoral_unit_list_visible_to(*, user) -> QuerySet[ElectoralUnit]:
    return ElectoralUnit.objects.select_related("congress", "lower_congress").filter(
        congress__in=congress_list_visible_to(user=user)
    )


def committee_membership_list_visible_to(*, user) -> QuerySet[CommitteeMembership]:
    return CommitteeMembership.objects.select_related("committee__congress", "person").filter(
        committee__in=committee_list_visible_to(user=user)
    )


def person_matches_visible_to(*, user, name: str, mobile: str) -> QuerySet[Person]:
    """People in the user's scope with this name and mobile: probably the same human being."""
    if not name or not mobile:
        return Person.objects.none()
    return person_list_visible_to(user=user).filter(name=name, mobile=mobile)


@dataclass(frozen=True)
class CongressPeriod:
    """Where a day falls in a congress's calendar: which term, and whether a session sits."""

    day: dt.date
    term: Term | None
    session: Session | None

    @property
    def in_session(self) -> bool:
        return self.session is not None


def congress_period_on(*, congress: Congress, day: dt.date) -> CongressPeriod:
    """The term covering `day` and the session sitting on it, if any (otherwise the congress is in recess)."""
    session = (
        Session.objects.select_related("term")
        .filter(term__congress=congress, start_date__lte=day, end_date__gte=day)
        .first()
    )
    if session is not None:
        return CongressPeriod(day=day, term=session.term, session=session)
    term = Term.objects.filter(congress=congress, start_date__lte=day, end_date__gte=day).first()
    return CongressPeriod(day=day, term=term, session=None)


# --- the deputy list ------------------------------------------------------------------------


@dataclass
class DeputyFilters:
    q: str = ""
    congress_id: int | None = None
    term_id: int | None = None
    status: str = "current"  # current / ended / all
    grassroots: str = ""  # "", "yes", "no"
    station_none: bool = False
    group_id: int | None = None
    field: str = ""

    @classmethod
    def from_query(cls, params) -> DeputyFilters:
        """The filters of a query string; anything odd in it is ignored, never an error."""
        status = params.get("status", "current")
        grassroots = params.get("grassroots", "")
        return cls(
            q=clean_query(params.get("q")),
            congress_id=parse_id(params.get("congress")),
            term_id=parse_id(params.get("term")),
            status=status if status in {"current", "ended", "all"} else "current",
            grassroots=grassroots if grassroots in {"yes", "no"} else "",
            station_none=params.get("station") == "none",
            group_id=parse_id(params.get("group")),
            field=params.get("field", "") if params.get("field", "") in SubjectField.values else "",
        )


def deputy_search(*, user, filters: DeputyFilters) -> QuerySet[Mandate]:
    """Mandates in the user's scope matching the deputy list's filters."""
    qs = mandate_list_visible_to(user=user)
    today = timezone.localdate()
    if filters.status == "current":
        qs = qs.current(today)
    elif filters.status == "ended":
        qs = qs.filter(end_date__lt=today)
    q = clean_query(filters.q)
    if q:
        qs = qs.filter(Q(person__name__contains=q) | Q(person__occupation__contains=q))
    if filters.congress_id is not None:
        qs = qs.filter(congress_id=filters.congress_id)
    if filters.term_id is not None:
        qs = qs.filter(term_id=filters.term_id)
    if filters.grassroots:
        qs = qs.filter(is_grassroots=filters.grassroots == "yes")
    if filters.station_none:
        qs = qs.filter(station_assignments__isnull=True)
    if filters.group_id is not None:
        # SECURITY: the group must itself be visible, or membership could be probed by id.
        group = group_list_visible_to(user=user).filter(pk=filters.group_id).values("pk")
        qs = qs.filter(group_memberships__group_id__in=group)
    if filters.field:
        # Fields are stored as a JSON list of fixed slugs; matching the quoted slug in the JSON text works
        # on SQLite and PostgreSQL alike (SQLite has no JSON containment lookup).
        qs = qs.filter(fields__icontains=f'"{filters.field}"')
    return qs
