"""Assignment letters (交办函): the page that lists each assignment meeting's units, and the downloads.

The office of the suggestion's congress downloads every unit's letter; a unit's handlers download their own
unit's. Both read through letters.letter_assignments_visible_to, so any other unit is simply not found.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from lvzhi.core.params import clean_query, parse_id
from lvzhi.org.scope import scope_for

from . import letters

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _may_print_letters(user) -> bool:
    s = scope_for(user)
    return s.is_admin or bool(s.act_congress_ids) or bool(s.unit_ids)


@login_required
@require_GET
def letter_index(request):
    if not _may_print_letters(request.user):
        raise PermissionDenied
    visible = letters.letter_assignments_visible_to(user=request.user)
    batches = letters.letter_batches(visible)
    congress_id, batch = parse_id(request.GET.get("congress")), clean_query(request.GET.get("batch"), 60)
    selected = next((b for b in batches if b["congress"].pk == congress_id and b["batch"] == batch), None)
    if selected is None and batches:
        selected = batches[0]
    units = []
    if selected is not None:
        units = letters.batch_units(visible, congress_id=selected["congress"].pk, batch=selected["batch"])
    singles = Paginator(
        visible.filter(batch="")
        .select_related("unit", "suggestion", "suggestion__congress")
        .order_by("-assigned_on", "-pk"),
        30,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "suggestions/letters.html",
        {"batches": batches, "selected": selected, "units": units, "singles": singles, "page": singles},
    )


def _letter(request, unit_id: int) -> letters.Letter:
    """The letter asked for: ?batch=<name> (the unit's part of a meeting), ?assignment=<id> (one assignment),
    or neither (the unit's latest: the meeting or single assignment it was given last)."""
    visible = letters.letter_assignments_visible_to(user=request.user).filter(unit_id=unit_id)
    visible = visible.select_related(
        "unit__congress", "suggestion__author__person", "suggestion__session__term"
    )
    batch = clean_query(request.GET.get("batch"), 60)
    if "assignment" in request.GET:
        chosen = list(visible.filter(pk=parse_id(request.GET.get("assignment")) or 0))
        batch = ""
    elif batch:
        chosen = list(visible.filter(batch=batch))
    else:
        latest = visible.order_by("-pk").first()  # the assignment made last
        if latest is None:
            raise Http404
        batch = latest.batch
        chosen = list(visible.filter(batch=batch)) if batch else [latest]
    if not chosen:
        raise Http404
    return letters.letter_for(unit=chosen[0].unit, assignments=chosen, batch=batch)


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def letter_docx(request, unit_id: int):
    letter = _letter(request, unit_id)
    return _download(
        letters.assignment_letter_docx(letter), filename=f"{letter.filename}.docx", content_type=DOCX
    )


@login_required
@require_GET
def letter_pdf(request, unit_id: int):
    letter = _letter(request, unit_id)
    return _download(
        letters.assignment_letter_pdf(letter),
        filename=f"{letter.filename}.pdf",
        content_type="application/pdf",
    )
