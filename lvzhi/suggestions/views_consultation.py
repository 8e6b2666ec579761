"""Pages of the recess consultation list (会商清单): the lists the reader may see (and a form to open one), a
list's page with its items, meetings and outcomes and the office's forms, the page to put a suggestion on the
list, the Excel export, and a unit handler's items that name its unit.

A list is fetched through consultation_list_visible_to (404 outside the reader's scope); only the office of
the list's own congress writes (others get 403). A POST parses its form, calls one service and redirects
with a message; a refused step goes back onto the page, which keeps what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query, parse_id, parse_year
from lvzhi.org.scope import scope_for

from . import exports_consultation
from .forms_consultation import ListForm, MeetingForm, OutcomeForm, SuggestionItemForm, TextItemForm
from .models import ConsultationItem, ConsultationList
from .selectors import office_congress_list
from .selectors_consultation import (
    consultation_item_visible_to,
    consultation_list_visible_to,
    consultation_lists_with_counts,
    items_of,
    meetings_of,
    suggestion_candidates,
    unit_items,
)
from .services import consultation as service

CANDIDATES_SHOWN = 30


def _refuse_on_form(form, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _may_read_lists(user) -> bool:
    s = scope_for(user)
    return s.is_admin or bool(s.read_paths)


def _list(request, list_id: int) -> ConsultationList:
    return get_object_or_404(consultation_list_visible_to(user=request.user), pk=list_id)


def _list_to_run(request, list_id: int) -> ConsultationList:
    """The list, for a write: 404 outside the reader's scope, 403 to those who only read it."""
    lst = _list(request, list_id)
    if not service.can_run_list(request.user, lst.congress_id):
        raise PermissionDenied(
            _("Only the deputy-affairs office of this congress may change its consultation lists.")
        )
    return lst


def _detail_url(lst: ConsultationList) -> str:
    return reverse("suggestions:consultation_detail", args=[lst.pk])


# --- the lists ---------------------------------------------------------------------------------
@login_required
def consultation_lists(request):
    user = request.user
    if not _may_read_lists(user):
        raise PermissionDenied
    congresses = list(office_congress_list(user=user))
    form = None
    if congresses:
        form = ListForm(
            request.POST if request.method == "POST" else None,
            congresses=congresses,
            initial={"year": service.today().year},
        )
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        congress = next((c for c in congresses if c.pk == data.get("congress")), congresses[0])
        try:
            lst = service.consultation_list_create(
                actor=user, congress=congress, year=data["year"], title=data["title"]
            )
        except ServiceError as exc:
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Consultation list opened."))
            return redirect(_detail_url(lst))
    year = parse_year(request.GET.get("year"), 2000, 2100)
    rows = consultation_lists_with_counts(user=user, year=year)
    this_year = service.today().year
    return render(
        request,
        "suggestions/consultation/lists.html",
        {
            "rows": rows,
            "year": year,
            "years": [this_year - 2, this_year - 1, this_year],
            "form": form,
        },
        status=200,
    )


# --- one list ----------------------------------------------------------------------------------
def _render_detail(request, lst: ConsultationList, *, text_form=None, meeting_form=None, outcome_forms=None):
    user = request.user
    can_run = service.can_run_list(user, lst.congress_id) and lst.is_open
    items = list(items_of(lst))
    outcome_forms = outcome_forms or {}
    for item in items:
        item.discussed = list(item.meetings.all())
        if can_run:
            if item.pk in outcome_forms:
                item.outcome_form = outcome_forms[item.pk]
            elif item.discussed:
                item.outcome_form = OutcomeForm(initial={"outcome": item.outcome}, prefix=f"item{item.pk}")
    ctx = {
        "lst": lst,
        "items": items,
        "meetings": list(meetings_of(lst)),
        "can_run": can_run,
        "missing": sum(1 for i in items if not i.outcome),
        "events": timeline_for(lst)[:30],
        "export_url": reverse("suggestions:consultation_export", args=[lst.pk]),
    }
    if can_run:
        ctx["text_form"] = text_form or TextItemForm(consultation_list=lst)
        if items:
            ctx["meeting_form"] = meeting_form or MeetingForm(
                consultation_list=lst, initial={"held_on": service.today()}
            )
    return render(request, "suggestions/consultation/detail.html", ctx)


@login_required
def consultation_detail(request, list_id: int):
    return _render_detail(request, _list(request, list_id))


def _service_refusal(request, lst, exc: ServiceError):
    """A refusal that no field of the form can fix (the list closed meanwhile …): say it on the list's page."""
    messages.error(request, exc.message)
    return redirect(_detail_url(lst))


@login_required
@require_POST
def consultation_add_text(request, list_id: int):
    lst = _list_to_run(request, list_id)
    form = TextItemForm(request.POST, consultation_list=lst)
    if form.is_valid():
        try:
            service.consultation_item_add_text(actor=request.user, consultation_list=lst, **form.cleaned_data)
        except ServiceError as exc:
            if exc.field is None:
                return _service_refusal(request, lst, exc)
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Item put on the list."))
            return redirect(_detail_url(lst))
    return _render_detail(request, lst, text_form=form)


@login_required
@require_POST
def consultation_meeting(request, list_id: int):
    lst = _list_to_run(request, list_id)
    form = MeetingForm(request.POST, consultation_list=lst)
    if form.is_valid():
        try:
            service.consultation_meeting_record(
                actor=request.user, consultation_list=lst, **form.cleaned_data
            )
        except ServiceError as exc:
            if exc.field is None:
                return _service_refusal(request, lst, exc)
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect(_detail_url(lst))
    return _render_detail(request, lst, meeting_form=form)


@login_required
@require_POST
def consultation_close(request, list_id: int):
    lst = _list_to_run(request, list_id)
    try:
        service.consultation_list_close(actor=request.user, consultation_list=lst)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Consultation list closed."))
    return redirect(_detail_url(lst))


def _item_to_run(request, item_id: int) -> ConsultationItem:
    item = get_object_or_404(
        consultation_item_visible_to(user=request.user).select_related("consultation_list"), pk=item_id
    )
    _list_to_run(request, item.consultation_list_id)
    return item


@login_required
@require_POST
def consultation_outcome(request, item_id: int):
    item = _item_to_run(request, item_id)
    lst = item.consultation_list
    form = OutcomeForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            service.consultation_outcome_record(actor=request.user, item=item, **form.cleaned_data)
        except ServiceError as exc:
            if exc.field is None:
                return _service_refusal(request, lst, exc)
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Outcome recorded."))
            return redirect(_detail_url(lst) + f"#item-{item.pk}")
    return _render_detail(request, lst, outcome_forms={item.pk: form})


@login_required
@require_POST
def consultation_remove(request, item_id: int):
    item = _item_to_run(request, item_id)
    lst = item.consultation_list
    try:
        service.consultation_item_remove(actor=request.user, item=item)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Item taken off the list."))
    return redirect(_detail_url(lst))


# --- putting a suggestion on the list ----------------------------------------------------------
@login_required
def consultation_add_suggestion(request, list_id: int):
    lst = _list_to_run(request, list_id)
    user = request.user
    q = clean_query(request.GET.get("q"))
    candidates = suggestion_candidates(user=user, consultation_list=lst)
    form = None
    chosen = None
    if request.method == "POST":
        form = SuggestionItemForm(request.POST, consultation_list=lst, candidates=candidates)
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.consultation_item_add_suggestion(
                    actor=user,
                    consultation_list=lst,
                    suggestion=data["suggestion"],
                    summary=data["summary"],
                    units=list(data["units"]),
                )
            except ServiceError as exc:
                if exc.field is None:
                    return _service_refusal(request, lst, exc)
                _refuse_on_form(form, exc)
            else:
                messages.success(request, _("Suggestion put on the list."))
                return redirect(_detail_url(lst))
        chosen = form.cleaned_data.get("suggestion") if hasattr(form, "cleaned_data") else None
        if chosen is None:
            chosen = candidates.filter(pk=parse_id(request.POST.get("suggestion"))).first()
    else:
        chosen = candidates.filter(pk=parse_id(request.GET.get("suggestion"))).first()
        if chosen is not None:
            units = [a.unit_id for a in chosen.assignments.filter(is_active=True)]
            form = SuggestionItemForm(
                consultation_list=lst,
                candidates=candidates,
                initial={"suggestion": chosen.pk, "summary": chosen.title, "units": units},
            )
    found = suggestion_candidates(user=user, consultation_list=lst, q=q)
    return render(
        request,
        "suggestions/consultation/add_suggestion.html",
        {
            "lst": lst,
            "q": q,
            "found": found[:CANDIDATES_SHOWN],
            "more": max(found.count() - CANDIDATES_SHOWN, 0),
            "chosen": chosen,
            "form": form,
            "query": urlencode({"q": q}) if q else "",
        },
    )


# --- the export and the unit's view ------------------------------------------------------------
@login_required
def consultation_export(request, list_id: int):
    lst = _list(request, list_id)
    data = exports_consultation.export_list(actor=request.user, consultation_list=lst, request=request)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="consultation-list-{lst.pk}-{lst.year}.xlsx"'
    return response


@login_required
def consultation_unit_items(request):
    """A unit handler's view: the items of any consultation list that name its unit, with their outcome."""
    unit_ids = scope_for(request.user).unit_ids
    if not unit_ids:
        raise PermissionDenied
    items = list(unit_items(user=request.user))
    for item in items:
        # Its own units only: the other units named are the business of the list's office.
        item.my_units = [u for u in item.units.all() if u.pk in unit_ids]
    return render(request, "suggestions/consultation/unit_items.html", {"items": items})
