"""The codes page: deputies' and stations' QR codes in the reader's scope, to download (SVG, PNG), to print
(an A4 poster each, or a batch for a station or a congress), to issue where one is missing, and to replace
with a reason (a confirm page).

Deputy-affairs staff see their congress's tree and act in their own congress; chairs see and print; a
station's staff see the station's code and its deputies' and may replace the station's own; a deputy sees
and prints their own codes. Every code, station and congress is fetched through the scoped selectors of
codes.py, so one outside the reader's scope is a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query, parse_id
from lvzhi.org.models import Congress, Mandate
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for
from lvzhi.org.selectors import mandate_list_visible_to
from lvzhi.stations.models import Station
from lvzhi.stations.selectors import station_list_visible_to

from . import codes, posters
from .models import ContactCode
from .services.codes import code_issue

PER_PAGE = 50
MISSING_SHOWN = 50


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the code replaced?"),
        max_length=codes.REASON_MAX,
        help_text=gettext_lazy(
            "For example: the poster at the market was defaced; the code was posted online."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _may_open(user) -> bool:
    s = scope_for(user)
    return s.is_admin or bool(s.read_paths or s.station_ids) or Role.DEPUTY in s.roles


def _download(content: bytes, *, filename: str, content_type: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=not inline, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _live_code(request, pk: int):
    return get_object_or_404(codes.live_codes_visible_to(user=request.user), pk=pk)


@login_required
@require_GET
def code_list(request):
    user = request.user
    if not _may_open(user):
        raise PermissionDenied
    s = scope_for(user)
    today = timezone.localdate()
    serving = Mandate.objects.current(today).values("pk")
    rows = (
        codes.live_codes_visible_to(user=user)
        .filter(Q(mandate_id__in=serving) | Q(station__is_active=True))
        .annotate(target_name=Coalesce(F("mandate__person__name"), F("station__name")))
    )
    congress_ids = set(rows.values_list("congress_id", flat=True).distinct())
    congresses = list(Congress.objects.filter(pk__in=congress_ids).order_by("path"))
    congress_id = parse_id(request.GET.get("congress"))
    if congress_id is not None and congress_id in congress_ids:
        rows = rows.filter(congress_id=congress_id)
    else:
        congress_id = None
    kind = request.GET.get("kind", "")
    if kind == "deputy":
        rows = rows.filter(mandate__isnull=False)
    elif kind == "station":
        rows = rows.filter(station__isnull=False)
    else:
        kind = ""
    q = clean_query(request.GET.get("q"), 40)
    if q:
        rows = rows.filter(target_name__contains=q)
    rows = rows.order_by("congress__path", F("station_id").asc(nulls_last=True), "target_name", "pk")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    print_stations = set(codes.poster_stations_of(user=user).values_list("pk", flat=True))
    for code in page:
        code.may_replace = codes.can_replace(user, code)
        code.may_print_station = code.station_id in print_stations
    staffish = s.is_admin or bool(s.read_paths)
    return render(
        request,
        "opinions/codes/list.html",
        {
            "page": page,
            "congresses": congresses,
            "congress_id": congress_id,
            "kind": kind,
            "q": q,
            "staffish": staffish,
            "print_congresses": list(codes.poster_congresses_of(user=user).order_by("path"))
            if staffish
            else [],
            "missing": _missing(user),
            "own_only": not staffish and not s.station_ids,
        },
    )


def _missing(user) -> dict:
    """Serving deputies and active stations of the congresses the user acts in that have no live code."""
    s = scope_for(user)
    if s.is_admin:
        acts = Q()
    elif s.act_congress_ids:
        acts = Q(congress_id__in=s.act_congress_ids)
    else:
        return {"mandates": [], "stations": [], "count": 0}
    # Not exclude(contact_codes__revoked_at__isnull=True): through the join, "no code at all" matches too.
    live = ContactCode.objects.filter(revoked_at__isnull=True)
    mandates = (
        Mandate.objects.current(timezone.localdate())
        .filter(acts)
        .exclude(pk__in=live.filter(mandate__isnull=False).values("mandate_id"))
        .select_related("person", "congress")
        .order_by("congress__path", "person__name", "pk")
    )
    stations = (
        Station.objects.filter(acts, is_active=True)
        .exclude(pk__in=live.filter(station__isnull=False).values("station_id"))
        .select_related("congress")
        .order_by("congress__path", "name", "pk")
    )
    count = mandates.count() + stations.count()
    return {
        "mandates": list(mandates[:MISSING_SHOWN]),
        "stations": list(stations[:MISSING_SHOWN]),
        "count": count,
    }


@login_required
@require_POST
def code_issue_missing(request):
    """Issue the code of one serving deputy or active station that has none (staff of its congress)."""
    user = request.user
    mandate_id, station_id = parse_id(request.POST.get("mandate")), parse_id(request.POST.get("station"))
    target = {}
    if mandate_id is not None:
        mandate = mandate_list_visible_to(user=user).filter(pk=mandate_id).first()
        if mandate is None:
            raise Http404
        target = {"mandate": mandate}
    elif station_id is not None:
        station = station_list_visible_to(user=user).filter(pk=station_id).first()
        if station is None:
            raise Http404
        target = {"station": station}
    else:
        raise Http404
    try:
        code = code_issue(actor=user, **target)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The code of %(name)s is ready to print.") % {"name": codes.code_target_name(code)}
        )
    return redirect("opinion_codes:list")


@login_required
@require_GET
def code_svg(request, pk: int):
    code = _live_code(request, pk)
    return _download(
        codes.code_svg(code, request), filename=codes.code_filename(code, "svg"), content_type="image/svg+xml"
    )


@login_required
@require_GET
def code_png(request, pk: int):
    code = _live_code(request, pk)
    return _download(
        codes.code_png(code, request),
        filename=codes.code_filename(code, "png"),
        content_type="image/png",
        inline="inline" in request.GET,
    )


@login_required
@require_GET
def code_poster(request, pk: int):
    code = _live_code(request, pk)
    return _download(
        posters.poster_pdf(code, request),
        filename=codes.code_filename(code, "pdf"),
        content_type="application/pdf",
    )


@login_required
@require_GET
def station_posters(request, station_id: int):
    """The posters of a station's wall: the station's own code and those of its serving deputies."""
    station = get_object_or_404(codes.poster_stations_of(user=request.user), pk=station_id)
    found = codes.codes_of_station(user=request.user, station=station)
    if not found:
        messages.warning(request, _("%(station)s has no code to print yet.") % {"station": station.name})
        return redirect("opinion_codes:list")
    return _download(
        posters.posters_pdf(found, request, title=station.name),
        filename=f"{station.name}-{len(found)}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def congress_posters(request, congress_id: int):
    """All posters of a congress: its active stations, then its serving deputies, one page each."""
    congress = get_object_or_404(codes.poster_congresses_of(user=request.user), pk=congress_id)
    found = codes.codes_of_congress(user=request.user, congress=congress)
    if not found:
        messages.warning(request, _("%(congress)s has no code to print yet.") % {"congress": congress.name})
        return redirect("opinion_codes:list")
    return _download(
        posters.posters_pdf(found, request, title=congress.name),
        filename=f"{congress.name}-{len(found)}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_http_methods(["GET", "POST"])
def code_reissue(request, pk: int):
    """Confirm, with a reason, that a code is replaced: the old one then shows a "moved" page."""
    code = _live_code(request, pk)
    if not codes.can_replace(request.user, code):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = codes.code_reissue(actor=request.user, code=code, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "The code of %(name)s is replaced. Print the new poster and take the old ones down: "
                    "the old code now only points to the new one."
                )
                % {"name": codes.code_target_name(new)},
            )
            return redirect(
                reverse("opinion_codes:list") + "?" + urlencode({"q": codes.code_target_name(new)[:40]})
            )
    return render(
        request,
        "opinions/codes/reissue.html",
        {
            "code": code,
            "name": codes.code_target_name(code),
            "form": form,
            "url": codes.code_url(code, request),
            "events": timeline_for(code)[:20],
        },
    )
