"""The public portal (/public/, no sign-in, phone first): its home, find my deputy, a deputy's public page
(代表风采), the stations and their pages, and the public statistics.

A deputy's page lists the deputy's disclosed suggestions (published redacted copies of the suggestions it
authored or co-signed, closed), each linked to its public copy at /public/suggestions/<pk>/: the issue asks
that a citizen find them from the deputy. The copies' own pages still name no deputy.

What a page shows of a deputy or a station is in directory.py's docstring: never a phone, a birth date, an
account or anything unpublished. The deputy's and the station's pages are served from the cache (cache.py),
rendered again whenever a record they show changes. An anonymous visitor gets the whole response from the
cache (chrome included: one cache read, no rendering); its bytes are the same for every visitor of a
language and base URL, so they hold no CSRF token, no cookie, no message and no query string.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from lvzhi.core.params import clean_query, parse_id
from lvzhi.opinions.codes import code_qr, code_url, public_base_url
from lvzhi.stations.selectors_reception import next_reception_days, next_reception_days_of_stations

from . import cache, directory

PAGE_SIZE = 20
DAYS_ON_PAGE = 6


@require_GET
def index(request):
    return render(request, "portal/index.html", {"portal_home": True})


def _region(request) -> directory.Region:
    return directory.region_from(parse_id(request.GET.get("district")), parse_id(request.GET.get("township")))


@require_GET
def deputy_list(request):
    region = _region(request)
    q = clean_query(request.GET.get("q"), 40)
    stations = directory.station_choices(region.chosen)
    station_id = parse_id(request.GET.get("station"))
    station = next((s for s in stations if s.pk == station_id), None)
    if station is None and station_id is not None and region.chosen is None:
        # A station's link (?station=N) without its district: any active station.
        station = directory.public_stations().filter(pk=station_id).first()
        if station is not None:
            stations.append(station)
    searched = bool(region.chosen or station or q)
    anchor = station.congress if station else region.chosen  # whose own deputies come first
    page = rows = None
    if searched:
        qs = directory.deputy_search(region=region.chosen, station=station, q=q)
        page = Paginator(directory.deputy_people(qs, anchor), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = directory.deputy_rows(qs, anchor, page.object_list)
    return render(
        request,
        "portal/deputy_list.html",
        {
            "region": region,
            "q": q,
            "stations": stations,
            "station": station,
            "page": page,
            "rows": rows,
            "anchor": anchor,
        },
    )


def _qr(code, request) -> dict | None:
    if code is None:
        return None
    return {"url": code_url(code, request), "image": code_qr(code, request).svg_data_uri(scale=5, border=2)}


def _deputy_page(request, pk: int):
    mandate = directory.public_deputy(pk)
    if mandate is None:
        return None
    archive = directory.public_archive_page(mandate)
    context = {
        "m": mandate,
        "person": mandate.person,
        "days": next_reception_days(mandate=mandate, limit=DAYS_ON_PAGE),
        "qr": _qr(directory.live_code_of(mandate=mandate), request),
        "disclosures": directory.disclosed_suggestions_of(mandate),
        "archive": archive,
        "activities": directory.public_activities(mandate),
    }
    return {"title": mandate.person.name, "body": render_to_string("portal/deputy.html", context, request)}


def _serve(request, kind: str, pk: int, make_page):
    """The cached page of `kind` `pk`: the whole response for an anonymous visitor with no message waiting
    (identical for all of them), else the cached body inside the visitor's own chrome (a signed-in nav)."""
    # Keyed on the base the QR address is made from (scheme and host, or the setting).
    base = public_base_url(request)
    if not request.user.is_authenticated and not len(messages.get_messages(request)):

        def whole():
            page = make_page()
            if page is None:
                return None
            # No csrf_token in this chrome (cached.html's language form), so no token or cookie in the bytes.
            html = render_to_string("portal/cached.html", {**page, "public_page": True}, request)
            return html.encode()

        content = cache.cached_body(kind, pk, whole, base=base, part="page")
        if content is None:
            raise Http404
        return HttpResponse(content)
    page = cache.cached_body(kind, pk, make_page, base=base)
    if page is None:
        raise Http404
    return render(request, "portal/cached.html", page)


@require_GET
def deputy_detail(request, pk: int):
    return _serve(request, "deputy", pk, lambda: _deputy_page(request, pk))


@require_GET
def station_list(request):
    region = _region(request)
    q = clean_query(request.GET.get("q"), 40)
    qs = directory.station_search(region=region.chosen, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    days = next_reception_days_of_stations([s.pk for s in page.object_list], limit=2)
    rows = [{"s": s, "days": days.get(s.pk, [])} for s in page.object_list]
    return render(
        request,
        "portal/station_list.html",
        {"region": region, "q": q, "page": page, "rows": rows, "filtered": bool(region.chosen or q)},
    )


def _station_page(request, pk: int):
    station = directory.public_stations().filter(pk=pk).first()
    if station is None:
        return None
    context = {
        "s": station,
        "deputies": directory.station_deputies(station),
        "days": next_reception_days(station=station, limit=DAYS_ON_PAGE),
        "qr": _qr(directory.live_code_of(station=station), request),
    }
    return {"title": station.name, "body": render_to_string("portal/station.html", context, request)}


@require_GET
def station_detail(request, pk: int):
    return _serve(request, "station", pk, lambda: _station_page(request, pk))
