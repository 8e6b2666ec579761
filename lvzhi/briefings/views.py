"""Pages of briefings (情况通报): the office's list with the share read, drafting and publishing, one briefing's
page with who has read it; a deputy's own briefings (unread first) and the briefing it opens.

Records are fetched through the scoped selectors (404 outside the reader's scope). A POST parses its form,
calls one service and redirects; a refused step shows again with what was typed and the service's message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import parse_id
from lvzhi.org.refusals import get_managed_or_404, refuse_in_message, refuse_on_form
from lvzhi.org.scope import scope_for
from lvzhi.performance.selectors import congresses_read_by, congresses_run_by

from . import events, exports, recipients
from .forms import BriefingForm, FileForm, WithdrawForm, initial_of
from .models import Briefing, BriefingFile
from .permissions import can_manage, is_office_reader, reads_as_office
from .selectors import (
    MineFilters,
    OfficeFilters,
    ReaderFilters,
    briefings_of_office,
    briefings_visible_to,
    files_visible_to,
    my_receipts,
    office_search,
    reader_congresses,
    readers_of,
    share,
    with_counts,
)
from .services import drafts, publishing, reading
from .workflow import State

PAGE_SIZE = 30
READERS_PAGE = 50


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _is_deputy(user) -> bool:
    return bool(scope_for(user).person_id and scope_for(user).mandate_ids)


# --- lists ------------------------------------------------------------------------------------------------
@login_required
def briefing_list(request):
    """The office's list (staff and chairs); a deputy's own list for everyone else who received briefings."""
    if is_office_reader(request.user):
        return _office_list(request)
    if _is_deputy(request.user):
        return mine(request)
    raise PermissionDenied


def _office_list(request):
    user = request.user
    filters = OfficeFilters.from_query(request.GET)
    rows = office_search(user=user, filters=filters)
    if request.GET.get("format") == "xlsx":
        data = exports.office_workbook(actor=user, briefings=list(rows), request=request)
        return _xlsx(data, "briefings.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for b in page:
        b.share = share(b.read_count, b.recipient_count)
    return render(
        request,
        "briefings/list.html",
        {
            "page": page,
            "filters": filters,
            "states": State.choices,
            "issuers": Briefing.IssuerKind.choices,
            "congresses": congresses_read_by(user=user).order_by("path"),
            "can_draft": congresses_run_by(user=user).exists(),
            "is_deputy": _is_deputy(user),
        },
    )


@login_required
def mine(request):
    """The deputy's briefings: unread first, then the newest; filter and export."""
    user = request.user
    if not scope_for(user).person_id:
        raise PermissionDenied
    filters = MineFilters.from_query(request.GET)
    rows = my_receipts(user=user, filters=filters)
    if request.GET.get("format") == "xlsx":
        data = exports.mine_workbook(actor=user, receipts=list(rows), request=request)
        return _xlsx(data, "my-briefings.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "briefings/mine.html",
        {
            "page": page,
            "filters": filters,
            "issuers": Briefing.IssuerKind.choices,
            "unread": my_receipts(user=user, filters=MineFilters(show="unread")).count(),
            "is_office": is_office_reader(user),
        },
    )


# --- drafting ---------------------------------------------------------------------------------------------
@login_required
def briefing_new(request):
    """A new draft of a congress the user runs (chosen with ?congress= when it runs several)."""
    run = list(congresses_run_by(user=request.user).order_by("path")[:200])
    if not run:
        raise PermissionDenied
    wanted = parse_id(request.POST.get("congress") or request.GET.get("congress"))
    congress = next((c for c in run if c.pk == wanted), run[0])
    status = 200
    if request.method == "POST":
        form = BriefingForm(request.POST, request.FILES, congress=congress, with_files=True)
        if form.is_valid():
            try:
                briefing = drafts.briefing_create(
                    actor=request.user,
                    congress=congress,
                    files=form.cleaned_data["files"],
                    **form.service_arguments(),
                )
            except ServiceError as exc:
                refuse_on_form(form, exc)
            else:
                messages.success(request, _("Draft saved. Check it, then publish it to its recipients."))
                return redirect("briefings:detail", pk=briefing.pk)
        status = 400
    else:
        form = BriefingForm(
            congress=congress,
            with_files=True,
            initial={"issuer_kind": Briefing.IssuerKind.GOVERNMENT, "congresses": [congress.pk]},
        )
    return render(
        request,
        "briefings/new.html",
        {"form": form, "congress": congress, "congresses": run if len(run) > 1 else []},
        status=status,
    )


# --- one briefing -----------------------------------------------------------------------------------------
def _briefing(request, pk: int) -> Briefing:
    return get_object_or_404(briefings_visible_to(user=request.user), pk=pk)


def _managed_briefing(request, pk: int) -> Briefing:
    """A briefing of the reader's office tree (404 otherwise) that the reader's office runs (403 otherwise)."""
    return get_managed_or_404(briefings_of_office(user=request.user), user=request.user, pk=pk)


@login_required
def briefing_detail(request, pk: int):
    briefing = _briefing(request, pk)
    if reads_as_office(request.user, briefing):
        return _render_office(request, briefing)
    receipt = reading.briefing_open(actor=request.user, briefing=briefing)
    return render(
        request,
        "briefings/detail.html",
        {
            "briefing": briefing,
            "receipt": receipt,
            "files": briefing.files.all(),
        },
    )


def _render_office(
    request, briefing: Briefing, *, edit_form=None, file_form=None, withdraw_form=None, status=200
):
    user = request.user
    # The office member who is also a recipient reads it too: its own receipt is recorded like any deputy's.
    receipt = reading.briefing_open(actor=user, briefing=briefing)
    manage = can_manage(user, briefing)
    filters = ReaderFilters.from_query(request.GET)
    context = {
        "briefing": briefing,
        "receipt": receipt,
        "files": briefing.files.all(),
        "targets": briefing.targets.select_related("congress", "group__congress", "station__congress"),
        "manage": manage,
        # Each deputy's opening is in the audit log; the page's history keeps to the office's steps.
        "events": timeline_for(briefing).exclude(kind=events.READ),
    }
    if briefing.state == State.DRAFT:
        if manage:
            context["edit_form"] = edit_form or BriefingForm(
                congress=briefing.congress, initial=initial_of(briefing)
            )
            context["file_form"] = file_form or FileForm()
        context["would_reach"] = recipients.count(briefing, timezone.localdate())
    else:
        counted = with_counts(Briefing.objects.filter(pk=briefing.pk)).get()
        context["recipient_count"], context["read_count"] = counted.recipient_count, counted.read_count
        context["share"] = share(counted.read_count, counted.recipient_count)
        rows = readers_of(briefing=briefing, filters=filters)
        if request.GET.get("format") == "xlsx":
            data = exports.readers_workbook(
                actor=user, briefing=briefing, receipts=list(rows), request=request
            )
            return _xlsx(data, f"briefing-{briefing.pk}-readers.xlsx")
        context["page"] = Paginator(rows, READERS_PAGE).get_page(request.GET.get("page"))
        context["filters"] = filters
        context["reader_congresses"] = reader_congresses(briefing=briefing)
        if manage and briefing.state == State.PUBLISHED:
            context["withdraw_form"] = withdraw_form or WithdrawForm()
    return render(request, "briefings/office_detail.html", context, status=status)


@login_required
@require_POST
def briefing_edit(request, pk: int):
    briefing = _managed_briefing(request, pk)
    form = BriefingForm(request.POST, congress=briefing.congress)
    if form.is_valid():
        try:
            drafts.briefing_update(actor=request.user, briefing=briefing, **form.service_arguments())
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("briefings:detail", pk=briefing.pk)
    if briefing.state != State.DRAFT:
        messages.error(request, _("This briefing has been published; it can no longer be changed."))
        return redirect("briefings:detail", pk=briefing.pk)
    return _render_office(request, briefing, edit_form=form, status=400)


@login_required
@require_POST
def file_add(request, pk: int):
    briefing = _managed_briefing(request, pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            drafts.briefing_file_add(actor=request.user, briefing=briefing, file=form.cleaned_data["file"])
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("File added."))
            return redirect("briefings:detail", pk=briefing.pk)
    if briefing.state != State.DRAFT:
        messages.error(request, _("Files can be added only while the briefing is a draft."))
        return redirect("briefings:detail", pk=briefing.pk)
    return _render_office(request, briefing, file_form=form, status=400)


@login_required
@require_POST
def file_remove(request, pk: int):
    row = get_managed_or_404(
        BriefingFile.objects.filter(briefing__in=briefings_of_office(user=request.user).values("pk")),
        user=request.user,
        pk=pk,
        congress_id_of=lambda f: f.briefing.congress_id,
    )
    try:
        drafts.briefing_file_remove(actor=request.user, file=row)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("File removed."))
    return redirect("briefings:detail", pk=row.briefing_id)


@login_required
def file_download(request, pk: int):
    """A file, sent only to those who may read its briefing (404 otherwise); always as a download."""
    row = get_object_or_404(files_visible_to(user=request.user), pk=pk)
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The file is missing from the storage.")) from None
    response = FileResponse(handle, as_attachment=True, filename=row.name, content_type=row.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# --- the steps --------------------------------------------------------------------------------------------
@login_required
@require_POST
def briefing_publish(request, pk: int):
    briefing = _managed_briefing(request, pk)
    try:
        reached = publishing.briefing_publish(actor=request.user, briefing=briefing)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(
            request,
            _("Published to %(n)s deputies; each finds it in their messages and briefings.") % {"n": reached},
        )
    return redirect("briefings:detail", pk=briefing.pk)


@login_required
@require_POST
def briefing_withdraw(request, pk: int):
    briefing = _managed_briefing(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            publishing.briefing_withdraw(
                actor=request.user, briefing=briefing, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Withdrawn: deputies no longer see it."))
            return redirect("briefings:detail", pk=briefing.pk)
    if briefing.state != State.PUBLISHED:
        messages.error(request, _("Only a published briefing can be withdrawn."))
        return redirect("briefings:detail", pk=briefing.pk)
    return _render_office(request, briefing, withdraw_form=form, status=400)


@login_required
@require_POST
def briefing_remind(request, pk: int):
    briefing = _managed_briefing(request, pk)
    try:
        sent = publishing.briefing_remind(actor=request.user, briefing=briefing)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("Reminded %(n)s deputies who have not read it yet.") % {"n": sent})
    return redirect("briefings:detail", pk=briefing.pk)
