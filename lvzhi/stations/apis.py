"""The stations' JSON API. Every route reads through stations.selectors: a station outside scope is 404."""

import datetime as dt

from django.db.models import Count
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from lvzhi.org.apis import MAX_LIMIT, CongressRef

from .models import Station
from .selectors import station_list_visible_to, station_search

router = Router(tags=["stations"])


class StationOut(Schema):
    id: int
    congress: CongressRef
    kind: str
    name: str
    address: str
    opening_hours: str
    # The station's office line, published for citizens; never a person's mobile.
    phone: str
    is_active: bool
    deputy_count: int


class StationDeputy(Schema):
    mandate_id: int
    name: str
    congress: CongressRef
    assigned_on: dt.date


class StationDetail(StationOut):
    deputies: list[StationDeputy]

    @staticmethod
    def resolve_deputies(obj):
        rows = obj.assignments.select_related("mandate__person", "mandate__congress").order_by(
            "mandate__congress__path", "mandate__person__name", "pk"
        )
        return [
            {
                "mandate_id": a.mandate_id,
                "name": a.mandate.person.name,
                "congress": a.mandate.congress,
                "assigned_on": a.assigned_on,
            }
            for a in rows
        ]


def _stations(request):
    return station_list_visible_to(user=request.auth).annotate(deputy_count=Count("assignments"))


@router.get("/stations", response=list[StationOut], url_name="station_list")
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def station_list(
    request,
    congress: int | None = None,
    kind: Station.Kind | None = None,
    deputies: str = "",
    active: bool | None = None,
):
    """Stations in your scope. `deputies=none` lists stations no deputy has entered."""
    # The station list page's search, so the page and the API cannot drift apart.
    qs = station_search(
        user=request.auth,
        congress_id=congress,
        kind=kind or "",
        no_deputies=deputies == "none",
        active=active,
    )
    return qs.order_by("congress__path", "name", "pk")


@router.get("/stations/{int:pk}", response=StationDetail, url_name="station_detail")
def station_detail(request, pk: int):
    return get_object_or_404(_stations(request), pk=pk)
