"""Reads of stations, scoped to the user.

# SECURITY: every station page and endpoint fetches through here.
"""

from django.db.models import Count, Q, QuerySet

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
    *, user, q: str = "", congress_id: int | None = None, kind: str = "", no_deputies: bool = False
) -> QuerySet[Station]:
    """Stations in the user's scope for the list page, each with its number of deputies (one query)."""
    qs = station_list_visible_to(user=user).annotate(deputy_count=Count("assignments", distinct=True))
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(address__contains=q))
    if congress_id:
        qs = qs.filter(congress_id=congress_id)
    if kind in Station.Kind.values:
        qs = qs.filter(kind=kind)
    if no_deputies:
        qs = qs.filter(assignments__isnull=True)
    return qs


def station_deputies(*, station: Station) -> QuerySet:
    """The deputies of a station the caller already fetched through station_list_visible_to."""
    from lvzhi.org.models import Mandate

    return (
        Mandate.objects.filter(station_assignments__station=station)
        .select_related("person", "congress", "term")
        .order_by("congress__path", "person__name", "pk")
    )


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
