"""Reads of stations, scoped to the user.

# SECURITY: every station page and endpoint fetches through here.
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from lvzhi.core.params import clean_query
from lvzhi.org.scope import scope_for

from .models import Station


def station_list_visible_to(*, user) -> QuerySet[Station]:
    s = scope_for(user)
    qs = Station.objects.select_related("congress")
    if s.is_admin:
        return qs
    q = s.in_tree() | Q(pk__in=s.station_ids)
    if s.mandate_ids:
        q |= Q(pk__in=Station.objects.filter(assignments__mandate_id__in=s.mandate_ids).values("pk"))
    return qs.filter(q)


def station_search(
    *,
    user,
    q: str = "",
    congress_id: int | None = None,
    kind: str = "",
    no_deputies: bool = False,
    active: bool | None = None,
) -> QuerySet[Station]:
    """Stations in the user's scope for the list page and the API, each with its number of deputies."""
    qs = station_list_visible_to(user=user).annotate(deputy_count=Count("assignments", distinct=True))
    q = clean_query(q)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(address__contains=q))
    if congress_id is not None:
        qs = qs.filter(congress_id=congress_id)
    if kind in Station.Kind.values:
        qs = qs.filter(kind=kind)
    if no_deputies:
        qs = qs.filter(assignments__isnull=True)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def station_deputies(*, station: Station) -> QuerySet:
    """The deputies of a station the caller already fetched through station_list_visible_to."""
    from lvzhi.org.models import Mandate

    return (
        Mandate.objects.filter(station_assignments__station=station)
        .select_related("person", "congress", "term")
        .order_by("congress__path", "person__name", "pk")
    )


def station_staff(*, station: Station) -> list:
    """The accounts working at a station the caller already fetched (active station-staff roles)."""
    from lvzhi.org.models import RoleAssignment
    from lvzhi.org.roles import Role

    roles = RoleAssignment.objects.filter(station=station, role=Role.STATION_STAFF, is_active=True)
    return [r.user for r in roles.select_related("user").order_by("user__full_name", "user__username")]


def station_deputy_candidates(*, user, station: Station) -> QuerySet:
    """Serving deputies the user may enter into `station` (进家入站 mixes all five levels).

    The deputies the user can see, plus the deputies of the congresses above the station's (a city or
    province deputy living in the district is entered into a district station by the district's staff).
    """
    from lvzhi.org.models import Mandate
    from lvzhi.org.selectors import mandate_list_visible_to

    above = [cid for cid in station.congress.ancestor_ids() if cid != station.congress_id]
    visible = mandate_list_visible_to(user=user).values("pk")
    serving_above = Mandate.objects.current().filter(congress_id__in=above).values("pk")
    return Mandate.objects.filter(Q(pk__in=visible) | Q(pk__in=serving_above)).select_related(
        "person", "congress", "term"
    )


def station_candidate_search(*, user, station: Station, q: str) -> QuerySet:
    """Serving deputies named like `q` who may be entered into `station` and are not in it yet.

    Each row says whether the user may read the mandate (`readable`): a deputy of a congress above is found
    by name to be entered, but their details (employer and position) stay with those who may read them.
    """
    from lvzhi.org.selectors import mandate_list_visible_to

    q = clean_query(q)
    if not q:
        return station_deputy_candidates(user=user, station=station).none()
    visible = mandate_list_visible_to(user=user).filter(pk=OuterRef("pk"))
    return (
        station_deputy_candidates(user=user, station=station)
        .current()
        .filter(person__name__contains=q)
        .exclude(station_assignments__station=station)
        .annotate(readable=Exists(visible))
        .order_by("congress__path", "person__name", "pk")
    )
