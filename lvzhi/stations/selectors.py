"""Reads of stations, scoped to the user.

# SECURITY: every station page and endpoint fetches through here.
"""

from django.db.models import Q, QuerySet

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
