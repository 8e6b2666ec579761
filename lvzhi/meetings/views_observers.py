"""The office's pages of citizens' applications to observe: the list (filter, page, Excel), one application
(identity shown in full on request, recorded), the decision with its reason, and the approved list to print
(a print-friendly page and a PDF).

Identity details (name, ID card number, mobile) are for the office running the meeting: everyone else who may
read the list (a chair, the city's staff reading a district) reads them masked, on the page and in the file.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query, parse_id
from lvzhi.org.privacy import mask_mobile, mask_name
from lvzhi.org.refusals import refuse_in_message, refuse_on_form

from . import exports
from .checks import mask_id_number
from .forms import DecisionForm
from .permissions import can_run, is_office_reader
from .printing import approved_lines, observers_pdf
from .selectors import applications_visible_to, meetings_read_as_office
from .services import observers as observer_services
from .services.observers import approved_count
from .workflow import ApplicationState

PAGE_SIZE = 30


def _shown(application, runner: bool) -> dict:
    """What a reader sees of the applicant: the runner the name, everyone else masked; ID and mobile
    always masked on pages (shown in full only on request, recorded)."""
    return {
        "name": application.name if runner else mask_name(application.name),
        "id_number": mask_id_number(application.id_number),
        "phone": mask_mobile(application.phone),
    }


@login_required
def application_list(request):
    user = request.user
    if not is_office_reader(user):
        raise PermissionDenied
    qs = applications_visible_to(user=user)
    meeting = None
    meeting_id = parse_id(request.GET.get("meeting"))
    if meeting_id:
        # SECURITY: the meeting must itself be visible, or its applications could be probed by id.
        meeting = meetings_read_as_office(user=user).filter(pk=meeting_id).first()
        qs = qs.filter(meeting=meeting) if meeting else qs.none()
    state = request.GET.get("state", "")
    state = state if state in ApplicationState.values else ""
    if state:
        qs = qs.filter(state=state)
    query = clean_query(request.GET.get("q"), 40)
    if query:
        qs = qs.filter(Q(number__icontains=query) | Q(meeting__title__contains=query))
    qs = qs.order_by("-meeting__starts_on", "meeting_id", "created_at", "pk")
    runs: dict[int, bool] = {}

    def runner_of(a) -> bool:
        if a.meeting_id not in runs:
            runs[a.meeting_id] = can_run(user, a.meeting)
        return runs[a.meeting_id]

    if request.GET.get("format") == "xlsx":
        headers, rows, full = exports.application_rows(qs, full_for=runner_of)
        return exports.workbook_response(
            actor=user,
            request=request,
            filename="observer-applications.xlsx",
            title=_("Applications to observe"),
            headers=headers,
            rows=rows,
            what={
                "list": "observer_applications",
                "meeting": meeting.pk if meeting else None,
                "state": state,
                "rows_with_identity": full,
            },
            widths=(14, 30, 10, 22, 14, 24, 30, 18, 10, 30),
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for a in page:
        a.shown = _shown(a, runner_of(a))
        a.runner = runner_of(a)
    return render(
        request,
        "meetings/applications.html",
        {
            "page": page,
            "meeting": meeting,
            "state": state,
            "states": ApplicationState.choices,
            "query": query,
            "approved": approved_count(meeting) if meeting else None,
        },
    )


def _application(request, pk: int):
    return get_object_or_404(applications_visible_to(user=request.user), pk=pk)


def _render_application(request, application, *, form=None, revealed=None, status=200):
    runner = can_run(request.user, application.meeting)
    return render(
        request,
        "meetings/application.html",
        {
            "a": application,
            "meeting": application.meeting,
            "runner": runner,
            "shown": _shown(application, runner),
            "revealed": revealed,
            "form": form or DecisionForm(),
            "approved": approved_count(application.meeting),
            "events": timeline_for(application)[:30],
        },
        status=status,
    )


@never_cache
@login_required
def application_detail(request, pk: int):
    return _render_application(request, _application(request, pk))


@never_cache
@login_required
@require_POST
def application_reveal(request, pk: int):
    application = _application(request, pk)
    try:
        revealed = observer_services.observer_reveal(
            actor=request.user, application=application, request=request
        )
    except ServiceError as exc:
        refuse_in_message(request, exc)
        return redirect("meetings:application_detail", pk=application.pk)
    return _render_application(request, application, revealed=revealed)


@login_required
@require_POST
def application_decide(request, pk: int):
    application = _application(request, pk)
    if not can_run(request.user, application.meeting):
        raise PermissionDenied(_("Only the office running this activity may do this."))
    decision = request.POST.get("decision", "")
    form = DecisionForm(request.POST)
    if decision not in {"approve", "reject"}:
        form.is_valid()
        form.add_error(None, _("Choose to approve or not."))
    elif form.is_valid():
        try:
            observer_services.observer_decide(
                actor=request.user,
                application=application,
                approve=decision == "approve",
                note=form.cleaned_data["note"],
            )
        except ServiceError as exc:
            if exc.status == 409:
                refuse_in_message(request, exc)
                return redirect("meetings:application_detail", pk=application.pk)
            refuse_on_form(form, exc)
        else:
            messages.success(
                request, _("Approved.") if decision == "approve" else _("Not approved; the reason is kept.")
            )
            nxt = request.POST.get("next", "")
            if nxt == "list":
                return redirect(f"{_list_url(application.meeting_id)}")
            return redirect("meetings:application_detail", pk=application.pk)
    return _render_application(request, application, form=form, status=400)


def _list_url(meeting_id: int) -> str:
    from django.urls import reverse

    return f"{reverse('meetings:applications')}?meeting={meeting_id}"


def _print_meeting(request, pk: int):
    meeting = get_object_or_404(meetings_read_as_office(user=request.user), pk=pk)
    if not can_run(request.user, meeting):
        raise PermissionDenied(_("Only the office running this activity may do this."))
    return meeting


@never_cache
@login_required
def observers_print(request, pk: int):
    """The approved observers, print-friendly (the browser's print prints just the list)."""
    meeting = _print_meeting(request, pk)
    return render(
        request, "meetings/observers_print.html", {"meeting": meeting, "lines": approved_lines(meeting)}
    )


@never_cache
@login_required
def observers_pdf_download(request, pk: int):
    meeting = _print_meeting(request, pk)
    response = HttpResponse(observers_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="observers-{meeting.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
