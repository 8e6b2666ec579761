"""The public calendar of reception days (/public/reception/): no sign-in, readable on a phone.

It shows the upcoming reception days of every active station (and those cancelled, with the reason), by date,
filtered by district (every congress with a station a citizen can visit, its own or below it, whether a day is
announced or not: one without says so and points to its stations) and station: the station's name, kind and address, the time, the theme and the names of the
deputies expected. Nothing else: no phone, no record of a held day, no citizen, no account.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from lvzhi.core.params import parse_id
from lvzhi.org.models import Congress

from .models import Station
from .selectors_reception import PUBLIC_HORIZON_DAYS, public_calendar, public_calendar_choices, public_days

PAGE_SIZE = 40


def _visitable_congresses() -> list[Congress]:
    """Every congress with an active station of its own or below it (the district filter takes both)."""
    paths = Station.objects.filter(is_active=True).values_list("congress__path", flat=True).distinct()
    ids = {int(p) for path in paths for p in path.strip("/").split("/") if p}
    return list(Congress.objects.filter(pk__in=ids).order_by("path"))


def _stations_list_url(congress: Congress) -> str:
    """The public stations list narrowed to the congress, as far as its region pickers go (district, then
    township: a congress deeper than that shows under the township it is in)."""
    ids = congress.ancestor_ids()[::-1]  # top first
    query = dict(zip(("district", "township"), ids[1:3], strict=False))
    url = reverse("portal:stations")
    return f"{url}?{urlencode(query)}" if query else url


@require_GET
def calendar(request):
    _with_days, stations = public_calendar_choices()
    congresses = _visitable_congresses()
    congress_id = parse_id(request.GET.get("district"))
    station_id = parse_id(request.GET.get("station"))
    # Only choices that exist are applied; an unknown id shows everything rather than failing.
    congress = next((c for c in congresses if c.pk == congress_id), None)
    station = next((s for s in stations if s.pk == station_id), None)
    if congress is not None:
        stations_shown = [s for s in stations if s.congress.path.startswith(congress.path)]
    else:
        stations_shown = stations
    if station is not None and congress is not None and station not in stations_shown:
        station = None
    if station is None and station_id is not None and congress is None:
        # A deputy's or station's link to a station with no day announced: its own (empty) calendar, not all.
        station = Station.objects.filter(pk=station_id, is_active=True).select_related("congress").first()
        if station is not None:
            stations_shown = [*stations_shown, station]
    qs = public_calendar(
        congress_id=congress.pk if congress else None, station_id=station.pk if station else None
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    days = public_days(page.object_list)
    groups: list[tuple] = []
    for d in days:
        if groups and groups[-1][0] == d.date:
            groups[-1][1].append(d)
        else:
            groups.append((d.date, [d]))
    return render(
        request,
        "stations/public/calendar.html",
        {
            "page": page,
            "groups": groups,
            "congresses": congresses,
            "stations": stations_shown,
            "congress": congress,
            "station": station,
            "horizon": PUBLIC_HORIZON_DAYS,
            "stations_url": _stations_list_url(congress) if congress else reverse("portal:stations"),
        },
    )
