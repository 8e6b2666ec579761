"""Station pages: the list, a station with its deputies, and (for the staff of the station's congress)
creating, editing, closing and reopening stations and entering deputies of any level into them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query, parse_id
from lvzhi.opinions.codes import code_url
from lvzhi.org import selectors as org_selectors
from lvzhi.org.permissions import can_manage_congress
from lvzhi.org.refusals import get_managed_or_404, refuse_in_message, refuse_on_form

from . import services
from .forms import StationForm
from .models import Station
from .selectors import (
    station_candidate_search,
    station_deputies,
    station_deputy_candidates,
    station_list_visible_to,
    station_search,
    station_staff,
)
from .views_reception import station_reception_context

PAGE_SIZE = 50
SEARCH_LIMIT = 20


@login_required
def station_list(request):
    user = request.user
    q = clean_query(request.GET.get("q"))
    congress = parse_id(request.GET.get("congress"))
    kind = request.GET.get("kind", "")
    no_deputies = request.GET.get("deputies") == "none"
    qs = station_search(user=user, q=q, congress_id=congress, kind=kind, no_deputies=no_deputies)
    page = Paginator(qs.order_by("congress__path", "name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "stations/station_list.html",
        {
            "page": page,
            "q": q,
            "congress": congress,
            "kind": kind,
            "no_deputies": no_deputies,
            "kinds": Station.Kind.choices,
            "congresses": org_selectors.congress_list_visible_to(user=user),
            "can_create": org_selectors.congresses_managed_by(user=user).exists(),
        },
    )


@login_required
def station_detail(request, pk: int):
    user = request.user
    station = get_object_or_404(station_list_visible_to(user=user), pk=pk)
    can_manage = can_manage_congress(user, station.congress_id)
    q = clean_query(request.GET.get("q"))
    candidates = []
    if can_manage and q:
        candidates = station_candidate_search(user=user, station=station, q=q)[:SEARCH_LIMIT]
    deputies = list(station_deputies(station=station))
    readable = set(
        org_selectors.mandate_list_visible_to(user=user)
        .filter(pk__in=[m.pk for m in deputies])
        .values_list("pk", flat=True)
    )
    reception = station_reception_context(user=user, station=station)
    code = reception["code"]
    return render(
        request,
        "stations/station_detail.html",
        {
            "station": station,
            "deputies": [(m, m.pk in readable) for m in deputies],
            "staff": station_staff(station=station),
            "can_manage": can_manage,
            "q": q,
            "candidates": candidates,
            "events": timeline_for(station)[:50],
            **reception,
            # The address the QR code encodes (LVZHI_PUBLIC_URL + /c/<token>/), for a link or a chat message.
            "code_url": code_url(code, request) if code is not None else "",
        },
    )


@login_required
def station_create(request):
    managed = list(org_selectors.congresses_managed_by(user=request.user))
    if not managed:
        raise PermissionDenied
    form = StationForm(request.POST or None, managed=managed)
    if request.method == "POST" and form.is_valid():
        try:
            station = services.station_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Station added."))
            return redirect("stations:detail", station.pk)
    return render(
        request,
        "org/manage_form.html",
        {"form": form, "title": _("New station"), "back": reverse("stations:list"), "submit": _("Save")},
    )


def _managed_station(request, pk: int) -> Station:
    return get_managed_or_404(station_list_visible_to(user=request.user), user=request.user, pk=pk)


@login_required
def station_edit(request, pk: int):
    station = _managed_station(request, pk)
    initial = {k: getattr(station, k) for k in ("kind", "name", "address", "opening_hours", "phone")}
    form = StationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.station_update(actor=request.user, station=station, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Station saved."))
            return redirect("stations:detail", station.pk)
    return render(
        request,
        "org/manage_form.html",
        {
            "form": form,
            "title": station.name,
            "back": reverse("stations:detail", args=[station.pk]),
            "submit": _("Save"),
        },
    )


@login_required
@require_POST
def station_set_active(request, pk: int):
    station = _managed_station(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.station_set_active(actor=request.user, station=station, active=active)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("Station reopened.") if active else _("Station closed."))
    return redirect("stations:detail", station.pk)


def _deputy_action(request, pk: int, service, done: str, *, from_roster: bool = False):
    station = _managed_station(request, pk)
    mandate_id = parse_id(request.POST.get("mandate"))
    # A deputy is entered from the candidates (those the staff can see and those of the congresses above);
    # one already in the station can be taken out by the station's staff even if they cannot read the mandate.
    candidates = (
        station_deputies(station=station)
        if from_roster
        else station_deputy_candidates(user=request.user, station=station)
    )
    mandate = candidates.filter(pk=mandate_id).first() if mandate_id else None
    if mandate is None:
        messages.error(request, _("That deputy was not found."))
    else:
        try:
            service(actor=request.user, station=station, mandate=mandate)
        except ServiceError as exc:
            refuse_in_message(request, exc)
        else:
            messages.success(request, done)
    back = reverse("stations:detail", args=[station.pk])
    q = clean_query(request.POST.get("q"))
    return redirect(f"{back}?{urlencode({'q': q})}" if q else back)


@login_required
@require_POST
def station_assign(request, pk: int):
    return _deputy_action(request, pk, services.station_assign_deputy, _("Deputy entered into the station."))


@login_required
@require_POST
def station_unassign(request, pk: int):
    return _deputy_action(
        request,
        pk,
        services.station_unassign_deputy,
        _("Deputy taken out of the station."),
        from_roster=True,
    )
