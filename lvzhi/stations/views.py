"""Station pages."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from lvzhi.core.audit import timeline_for

from .selectors import station_list_visible_to


@login_required
def station_list(request):
    qs = station_list_visible_to(user=request.user)
    if request.GET.get("deputies") == "none":
        qs = qs.filter(assignments__isnull=True)
    page = Paginator(qs.order_by("congress__path", "name"), 50).get_page(request.GET.get("page"))
    return render(request, "stations/station_list.html", {"page": page})


@login_required
def station_detail(request, pk: int):
    station = get_object_or_404(station_list_visible_to(user=request.user), pk=pk)
    deputies = station.deputies.select_related("person", "congress").order_by(
        "congress__path", "person__name"
    )
    return render(
        request,
        "stations/station_detail.html",
        {"station": station, "deputies": deputies, "events": timeline_for(station)[:50]},
    )
