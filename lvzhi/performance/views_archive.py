"""Pages of the performance archive (履职档案): a deputy mandate's archive for a year, the draft report to the
electors as Word and PDF, recording the report meeting, the public archive page, and a group's activity log.

The archive is fetched through archive.archive_mandates_visible_to (the deputy's own, or the staff's and
chairs' tree): anything else is a 404. The public page is found by its random key only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lvzhi.core.errors import ServiceError
from lvzhi.core.params import parse_year
from lvzhi.org.models import Mandate
from lvzhi.org.permissions import can_manage_congress
from lvzhi.org.scope import scope_for
from lvzhi.org.selectors import group_list_visible_to, mandate_list_visible_to

from . import report_docs
from .archive import (
    archive_mandates_visible_to,
    archive_years,
    build_archive,
    public_archive_by_key,
    public_archive_of,
)
from .forms_archive import ElectorReportForm
from .models import Activity, ElectorReport, Participation
from .selectors import activities_visible_to
from .services import reports as report_services

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LOG_PAGE = 30


def _mandate(request, pk: int) -> Mandate:
    return get_object_or_404(archive_mandates_visible_to(user=request.user), pk=pk)


def _year(request, mandate: Mandate) -> tuple[int, list[int]]:
    years = archive_years(mandate)
    year = parse_year(request.GET.get("year"))
    return (year if year in years else years[0]), years


@login_required
def archive_mine(request):
    """The signed-in deputy's own archive: its most local serving mandate (the page links the others)."""
    s = scope_for(request.user)
    mine = Mandate.objects.filter(pk__in=s.mandate_ids).select_related("congress")
    chosen = sorted(
        mine, key=lambda m: (not m.is_current(), -len(m.congress.path), -m.start_date.toordinal())
    )
    if not chosen:
        raise PermissionDenied
    return redirect("performance:archive", pk=chosen[0].pk)


def _render_archive(request, mandate: Mandate, *, form=None, status=200):
    user = request.user
    year, _years = _year(request, mandate)
    archive = build_archive(mandate=mandate, year=year, viewer=user)
    can_manage = can_manage_congress(user, mandate.congress_id)
    others = (
        archive_mandates_visible_to(user=user)
        .filter(person_id=mandate.person_id)
        .exclude(pk=mandate.pk)
        .order_by("congress__path")
    )
    if can_manage and form is None:
        existing = next((r for r in archive.reports if r.year == year), None)
        initial = {"year": year, "held_on": timezone.localdate()}
        if existing is not None:
            initial = {
                "year": existing.year,
                "held_on": existing.held_on,
                "place": existing.place,
                "electors_present": existing.electors_present,
                "satisfied": existing.satisfied,
                "basic": existing.basic,
                "dissatisfied": existing.dissatisfied,
                "notes": existing.notes,
            }
        form = ElectorReportForm(years=archive.years, initial=initial)
    public = public_archive_of(mandate)
    return render(
        request,
        "performance/archive.html",
        {
            "a": archive,
            "mandate": mandate,
            "others": others,
            "can_manage": can_manage,
            "report_form": form if can_manage else None,
            "public": public,
            "public_url": request.build_absolute_uri(
                reverse("performance:public_archive", args=[public.key])
            ),
            "deputy_readable": mandate_list_visible_to(user=user).filter(pk=mandate.pk).exists(),
        },
        status=status,
    )


@login_required
@require_GET
def archive(request, pk: int):
    return _render_archive(request, _mandate(request, pk))


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _draft(request, pk: int) -> report_docs.ReportDraft:
    mandate = _mandate(request, pk)
    year, _years = _year(request, mandate)
    return report_docs.report_draft(build_archive(mandate=mandate, year=year, viewer=request.user))


@login_required
@require_GET
def report_docx(request, pk: int):
    draft = _draft(request, pk)
    return _download(report_docs.report_docx(draft), filename=f"{draft.filename}.docx", content_type=DOCX)


@login_required
@require_GET
def report_pdf(request, pk: int):
    draft = _draft(request, pk)
    return _download(
        report_docs.report_pdf(draft), filename=f"{draft.filename}.pdf", content_type="application/pdf"
    )


@login_required
@require_POST
def report_record(request, pk: int):
    mandate = _mandate(request, pk)
    if not can_manage_congress(request.user, mandate.congress_id):
        raise PermissionDenied
    form = ElectorReportForm(request.POST, years=archive_years(mandate))
    if form.is_valid():
        data = form.cleaned_data
        existed = ElectorReport.objects.filter(mandate=mandate, year=data["year"]).exists()
        try:
            report_services.elector_report_record(actor=request.user, mandate=mandate, **data)
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Report changed.")
                if existed
                else _("Report recorded; it counts as the report to electors."),
            )
            return redirect(f"{reverse('performance:archive', args=[mandate.pk])}?year={data['year']}")
    return _render_archive(request, mandate, form=form, status=400)


@login_required
@require_POST
def public_set(request, pk: int):
    mandate = _mandate(request, pk)
    published = request.POST.get("published") == "1"
    try:
        report_services.public_archive_set(actor=request.user, mandate=mandate, published=published)
    except ServiceError as exc:
        raise PermissionDenied(exc.message) from None
    messages.success(
        request, _("The public page is shown.") if published else _("The public page is hidden.")
    )
    return redirect("performance:archive", pk=mandate.pk)


# --- the public page -----------------------------------------------------------------------------------
@require_GET
def public_archive(request, key: str):
    """A deputy's public archive: only the parts marked public (see archive.py); no sign-in."""
    page = public_archive_by_key(key)
    if page is None:
        raise Http404
    mandate = page.mandate
    year, _years = _year(request, mandate)
    a = build_archive(mandate=mandate, year=year, public=True)
    return render(request, "performance/public_archive.html", {"a": a, "mandate": mandate, "key": key})


# --- a group's activity log ------------------------------------------------------------------------------
@login_required
@require_GET
def group_log(request, pk: int):
    """The group's activity log (活动日志): its activities, newest first, with attendance."""
    user = request.user
    group = get_object_or_404(group_list_visible_to(user=user), pk=pk)
    members = group.memberships.count()
    readable = mandate_list_visible_to(user=user).values("pk")
    activities = (
        Activity.objects.filter(group=group)
        .select_related("kind")
        .annotate(
            present=Count("participations", filter=Q(participations__status=Participation.Status.CONFIRMED))
        )
        .prefetch_related(
            Prefetch(
                "participations",
                # SECURITY: the names the reader may read (a member reads the count, and its own name).
                queryset=Participation.objects.filter(
                    status=Participation.Status.CONFIRMED, mandate__in=readable
                )
                .select_related("mandate__person")
                .order_by("mandate__person__name", "pk"),
                to_attr="named",
            )
        )
        .order_by("-date", "-pk")
    )
    page = Paginator(activities, LOG_PAGE).get_page(request.GET.get("page"))
    linkable = set(
        activities_visible_to(user=user).filter(pk__in=[a.pk for a in page]).values_list("pk", flat=True)
    )
    for act in page:
        act.linkable = act.pk in linkable
    return render(
        request,
        "performance/group_log.html",
        {"group": group, "members": members, "page": page},
    )
