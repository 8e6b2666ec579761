"""Pages of the deputy-affairs office in the suggestions loop: the review queue, the steps on one suggestion
(accept, return, merge, the presidium, assign, extend, decide), the batch assignment (集中交办), the
assignments units returned, and the office's filtered list with its counts per state.

A suggestion is fetched through suggestion_list_visible_to (404 outside the reader's scope); only the office
of its own congress gets the forms (403 for anyone else who can read it). A POST parses the form, calls one
service and redirects with a message; a refused step goes back onto the form, which keeps what was typed.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lvzhi.core.calendar import due_after_months
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query, parse_id
from lvzhi.org.models import Session, Unit
from lvzhi.org.roles import Role

from . import exports
from . import forms_office as forms
from .models import Assignment, Evaluation, Suggestion
from .permissions import can_run_office
from .selectors import (
    assign_overdue,
    awaiting_assignment,
    office_congress_list,
    reply_overdue,
    returned_assignments,
    review_queue,
    suggestion_filter,
    suggestion_list_visible_to,
)
from .services import handling, replies, review
from .services.common import rules
from .workflow import OPEN_STATES, State, Step, target_state

PAGE_SIZE = 50
SEARCH_LIMIT = 20


# --- helpers ------------------------------------------------------------------------------------


def _possible(suggestion: Suggestion, step: str) -> bool:
    return target_state(suggestion.state, step, Role.STAFF) is not None


def _office_suggestion(request, pk: int) -> Suggestion:
    # SECURITY: through the scoped list, so a suggestion outside the reader's scope is not found.
    suggestion = get_object_or_404(suggestion_list_visible_to(user=request.user), pk=pk)
    if not can_run_office(request.user, suggestion):
        raise PermissionDenied(_("Only the deputy-affairs office of this congress may do this."))
    return suggestion


def _refuse_on_form(form, exc: ServiceError) -> None:
    """The service's message on the field it names (or the form); a 403 stays a 403."""
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _office_congress(request):
    """The congress whose office the page shows (?congress= among those the user runs), and the choices."""
    congresses = list(office_congress_list(user=request.user))
    if not congresses:
        raise PermissionDenied(_("Only deputy-affairs staff open the office's pages."))
    wanted = parse_id(request.GET.get("congress"))
    return next((c for c in congresses if c.pk == wanted), congresses[0]), congresses


def _with_congress(url_name: str, congress, congresses) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'congress': congress.pk})}" if len(congresses) > 1 else url


def _posted(request) -> dict | None:
    return request.POST if request.method == "POST" else None


def _step_page(
    request,
    suggestion: Suggestion,
    *,
    form,
    step: str,
    title: str,
    submit: str,
    run,
    template: str = "suggestions/office/step.html",
    possible: bool | None = None,
    **extra,
):
    """Show the step's form; on a valid POST run the one service (run returns the success message)."""
    if request.method == "POST" and form.is_valid():
        try:
            done = run(form.cleaned_data)
        except ServiceError as exc:
            _refuse_on_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("suggestions:detail", suggestion.pk)
    context = {
        "suggestion": suggestion,
        "form": form,
        "title": title,
        "submit": submit,
        "possible": _possible(suggestion, step) if possible is None else possible,
        "assign_late": _assign_late(suggestion),
        "assign_pending": suggestion.state in ASSIGN_PENDING,
    }
    context.update(extra)
    return render(request, template, context)


ASSIGN_PENDING = (State.SUBMITTED, State.PRESIDIUM, State.ACCEPTED)  # the assignment clock runs


def _assign_late(suggestion: Suggestion) -> bool:
    return bool(
        suggestion.assign_due
        and suggestion.state in ASSIGN_PENDING
        and suggestion.assign_due < timezone.localdate()
    )


# --- the panel on the suggestion page ----------------------------------------------------------


def panel_context(request, suggestion) -> dict:
    """What the office's action panel on the suggestion page needs (empty when the user has no part)."""
    if not can_run_office(request.user, suggestion):
        return {}
    s, state = suggestion, suggestion.state
    ctx: dict = {"assign_late": _assign_late(s), "links": []}
    links = ctx["links"]

    def link(name: str, label: str) -> None:
        links.append({"url": reverse(f"suggestions:{name}", args=[s.pk]), "label": label})

    if state == State.SUBMITTED:
        if s.kind == Suggestion.Kind.MOTION:
            link("office_to_presidium", _("Send to the presidium"))
        else:
            ctx["accept_form"] = forms.AcceptForm(
                suggestion=s, initial={"committee": review.default_committee(s)}, auto_id="office-accept-%s"
            )
        ctx["return_form"] = forms.ReturnForm(auto_id="office-return-%s")
    if state == State.PRESIDIUM:
        link("office_presidium", _("Record the presidium's decision"))
    if state == State.ACCEPTED:
        link("office_assign", _("Assign units"))
    if state == State.ASSIGNED:
        link("office_assign", _("Add co-units"))
    if _possible(s, Step.EXTEND):
        link("office_extend", _("Approve an extension"))
    if state == State.STAFF_DECISION:
        link("office_decide", _("Decide: close or handle again"))
    if _possible(s, Step.CLOSE_UNSURVEYED) and not replies.deputies_rate(s):
        link("office_close_unsurveyed", _("Close without a survey answer"))
    if _possible(s, Step.MERGE):
        link("office_merge", _("Merge into another suggestion"))
    if state in OPEN_STATES:
        link("office_committee", _("Change the supervising committee"))
    return ctx


# --- the steps on one suggestion ----------------------------------------------------------------


@login_required
def accept(request, pk: int):
    s = _office_suggestion(request, pk)
    form = forms.AcceptForm(
        _posted(request), suggestion=s, initial={"committee": review.default_committee(s)}
    )

    def run(data):
        done = review.suggestion_accept(actor=request.user, suggestion=s, committee=data["committee"])
        return _("Accepted as No. %(number)s.") % {"number": done.number}

    return _step_page(request, s, form=form, step=Step.ACCEPT, title=_("Accept"), submit=_("Accept"), run=run)


@login_required
def return_for_revision(request, pk: int):
    s = _office_suggestion(request, pk)
    form = forms.ReturnForm(_posted(request))

    def run(data):
        review.suggestion_return(actor=request.user, suggestion=s, reason=data["reason"])
        return _("Returned to the deputy for revision.")

    return _step_page(
        request,
        s,
        form=form,
        step=Step.RETURN,
        title=_("Return for revision"),
        submit=_("Return for revision"),
        run=run,
    )


NUMBER = re.compile(r"^第?\s*(\d{1,9})\s*号?$")


@login_required
def merge(request, pk: int):
    """并案: search the congress's open suggestions by title or number, pick the one to merge it into."""
    s = _office_suggestion(request, pk)
    q = clean_query(request.GET.get("q"))
    candidates = (
        suggestion_list_visible_to(user=request.user)
        .filter(congress_id=s.congress_id, state__in=OPEN_STATES)
        .exclude(pk=s.pk)
        .order_by("-accepted_at", "-pk")
    )
    shown = candidates
    if q:
        number = NUMBER.match(q)
        shown = candidates.filter(
            Q(title__contains=q) | (Q(number=int(number.group(1))) if number else Q(pk__in=[]))
        )
    form = forms.MergeForm(_posted(request), candidates=candidates)
    if request.method == "POST":
        form.is_valid()
        # Show what was searched for, and keep the one picked.
        shown = shown | candidates.filter(pk=parse_id(request.POST.get("into")) or 0)
    form.fields["into"].queryset = shown.order_by("-accepted_at", "-pk")[:SEARCH_LIMIT]

    def run(data):
        review.suggestion_merge(actor=request.user, suggestion=s, into=data["into"], note=data["note"])
        return _("Merged into “%(title)s”; its deputies are answered with it.") % {
            "title": data["into"].title
        }

    return _step_page(
        request,
        s,
        form=form,
        step=Step.MERGE,
        title=_("Merge into another suggestion"),
        submit=_("Merge"),
        run=run,
        template="suggestions/office/merge.html",
        q=q,
        nothing_found=not form.fields["into"].queryset,
    )


@login_required
def to_presidium(request, pk: int):
    s = _office_suggestion(request, pk)
    form = Form(_posted(request))

    def run(data):
        review.suggestion_to_presidium(actor=request.user, suggestion=s)
        return _("Sent to the presidium.")

    return _step_page(
        request,
        s,
        form=form,
        step=Step.TO_PRESIDIUM,
        title=_("Send to the presidium"),
        submit=_("Send to the presidium"),
        run=run,
        intro=_(
            "A motion with enough co-signers goes to the presidium, which decides whether to put it on "
            "the agenda. Record its decision afterwards."
        ),
    )


@login_required
def presidium(request, pk: int):
    s = _office_suggestion(request, pk)
    form = forms.PresidiumForm(
        _posted(request), suggestion=s, initial={"committee": review.default_committee(s)}
    )

    def run(data):
        done = review.presidium_decide(
            actor=request.user,
            suggestion=s,
            decision=data["decision"],
            committee=data["committee"],
            note=data["note"],
        )
        if done.state == State.REFERRED:
            return _("Put on the agenda and referred to %(committee)s.") % {"committee": done.committee}
        return _("To be handled as a suggestion: accepted as No. %(number)s.") % {"number": done.number}

    return _step_page(
        request,
        s,
        form=form,
        step=Step.PRESIDIUM_REFER,
        title=_("Record the presidium's decision"),
        submit=_("Record the decision"),
        run=run,
    )


@login_required
def committee(request, pk: int):
    """对口督办: change the special committee that supervises an accepted, open suggestion, with the reason."""
    s = _office_suggestion(request, pk)
    form = forms.CommitteeForm(_posted(request), suggestion=s, initial={"committee": s.committee_id})

    def run(data):
        done = review.suggestion_set_committee(
            actor=request.user, suggestion=s, committee=data["committee"], reason=data["reason"]
        )
        return _("Now supervised by %(committee)s.") % {"committee": done.committee}

    return _step_page(
        request,
        s,
        form=form,
        step="",
        title=_("Change the supervising committee"),
        submit=_("Change the committee"),
        run=run,
        possible=s.state in OPEN_STATES,
    )


@login_required
def assign(request, pk: int):
    """交办: one lead unit and any co-units; on a suggestion being handled, co-units added later."""
    s = _office_suggestion(request, pk)
    current = list(s.assignments.select_related("unit").order_by("-is_active", "role", "pk"))
    has_lead = any(a.is_active and a.role == Assignment.Role.LEAD for a in current)
    units = (
        Unit.objects.filter(congress_id=s.congress_id, is_active=True)
        .exclude(pk__in=[a.unit_id for a in current if a.is_active])
        .order_by("kind", "pk")
    )
    q = clean_query(request.GET.get("q"))
    if q:
        # A searchable list: the units whose name holds the words, and those already ticked.
        picked = [parse_id(v) for v in [request.POST.get("lead_unit"), *request.POST.getlist("co_units")]]
        units = units.filter(
            Q(name__contains=q) | Q(short_name__contains=q) | Q(pk__in=[p for p in picked if p])
        )
    form = forms.AssignForm(_posted(request), units=units, has_lead=has_lead)

    def run(data):
        made = handling.suggestion_assign(
            actor=request.user,
            suggestion=s,
            lead_unit=data.get("lead_unit"),
            co_units=list(data["co_units"]),
            batch=data["batch"],
        )
        return _("Assigned to %(units)s.") % {"units": "、".join(a.unit.name for a in made)}

    return _step_page(
        request,
        s,
        form=form,
        step=Step.ASSIGN,
        title=_("Add co-units") if has_lead else _("Assign units"),
        submit=_("Assign"),
        run=run,
        template="suggestions/office/assign.html",
        q=q,
        current=current,
    )


@login_required
def extend(request, pk: int):
    """The lead unit's reply time, extended on the office's approval up to the congress's maximum."""
    s = _office_suggestion(request, pk)
    lead = handling.active_lead(s)
    latest = due_after_months(lead.assigned_on, rules(s)["reply_max_months"]) if lead else None
    form = forms.ExtendForm(_posted(request), latest=latest)

    def run(data):
        if lead is None:
            raise ServiceError("not_lead", _("No lead unit is handling this suggestion."), status=409)
        done = handling.assignment_extend(
            actor=request.user, assignment=lead, until=data["until"], reason=data["reason"]
        )
        return _("The reply of %(unit)s is now due on %(day)s.") % {
            "unit": lead.unit.name,
            "day": done.extended_due.isoformat(),
        }

    return _step_page(
        request,
        s,
        form=form,
        step=Step.EXTEND,
        title=_("Approve an extension"),
        submit=_("Approve the extension"),
        run=run,
        template="suggestions/office/extend.html",
        possible=_possible(s, Step.EXTEND) and lead is not None,
        lead=lead,
        latest=latest,
    )


@login_required
def decide(request, pk: int):
    """After repeated dissatisfaction the office closes the suggestion or has it handled again."""
    s = _office_suggestion(request, pk)
    form = forms.DecideForm(_posted(request))

    def run(data):
        rehandle = data["decision"] == forms.DecideForm.REHANDLE
        replies.office_decide(actor=request.user, suggestion=s, rehandle=rehandle, reason=data["reason"])
        return _("It will be handled again.") if rehandle else _("Closed.")

    evaluations = (
        Evaluation.objects.filter(reply__suggestion=s)
        .select_related("mandate__person", "reply")
        .order_by("reply__round", "stage", "pk")
    )
    return _step_page(
        request,
        s,
        form=form,
        step=Step.DECIDE_CLOSE,
        title=_("Decide: close or handle again"),
        submit=_("Record the decision"),
        run=run,
        template="suggestions/office/decide.html",
        evaluations=evaluations,
    )


@login_required
def close_unsurveyed(request, pk: int):
    """Where only a survey rates replies, the office closes one the survey could not rate."""
    s = _office_suggestion(request, pk)
    form = forms.CloseUnsurveyedForm(_posted(request))

    def run(data):
        replies.office_close_unsurveyed(actor=request.user, suggestion=s, reason=data["reason"])
        return _("Closed.")

    return _step_page(
        request,
        s,
        form=form,
        step=Step.CLOSE_UNSURVEYED,
        title=_("Close without a survey answer"),
        submit=_("Close it"),
        run=run,
        possible=_possible(s, Step.CLOSE_UNSURVEYED) and not replies.deputies_rate(s),
    )


# --- the office's lists -------------------------------------------------------------------------


@login_required
def queue(request):
    """The review queue: submitted to the office's congress, oldest first; then those waiting to be assigned."""
    congress, congresses = _office_congress(request)
    late = ExpressionWrapper(assign_overdue(timezone.localdate()), output_field=BooleanField())
    return render(
        request,
        "suggestions/office/queue.html",
        {
            "congress": congress,
            "congresses": congresses,
            "to_review": review_queue(user=request.user, congress=congress).annotate(late=late),
            "to_assign": awaiting_assignment(user=request.user, congress=congress).annotate(late=late),
            "batch_url": _with_congress("suggestions:office_batch", congress, congresses),
        },
    )


class _Tracked:
    """The batch's rows, remembering the one being assigned: a refusal names it, so its row shows the error."""

    def __init__(self, items):
        self.items, self.current = items, None

    def __iter__(self):
        for item in self.items:
            self.current = item
            yield item

    def __len__(self) -> int:
        return len(self.items)


@login_required
def batch(request):
    """集中交办: every accepted, unassigned suggestion of the congress in one form; all assigned or none."""
    congress, congresses = _office_congress(request)
    late = ExpressionWrapper(assign_overdue(timezone.localdate()), output_field=BooleanField())
    rows = list(awaiting_assignment(user=request.user, congress=congress).annotate(late=late))
    units = list(Unit.objects.filter(congress=congress, is_active=True).order_by("kind", "pk"))
    form = forms.BatchAssignForm(
        _posted(request),
        suggestions=rows,
        units=units,
        initial={"batch": _("%(year)s recess assignment meeting") % {"year": timezone.localdate().year}},
    )
    here = _with_congress("suggestions:office_batch", congress, congresses)
    if request.method == "POST" and form.is_valid():
        tracked = _Tracked(form.items)
        try:
            count = handling.assign_batch(actor=request.user, items=tracked, batch=form.cleaned_data["batch"])
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            if tracked.current is not None:
                form.add_row_error(tracked.current[0], exc.field, exc.message)
            form.add_error(None, _("Nothing was assigned: correct the marked row and submit again."))
        else:
            messages.success(
                request,
                _("%(count)s suggestions assigned at “%(batch)s”.")
                % {"count": count, "batch": form.cleaned_data["batch"]},
            )
            return redirect(here)
    return render(
        request,
        "suggestions/office/batch.html",
        {"congress": congress, "congresses": congresses, "form": form, "here": here},
    )


@login_required
def returned(request):
    """Assignments the units returned (退办), newest first, with the reason; those still to reassign marked."""
    congress, congresses = _office_congress(request)
    page = Paginator(returned_assignments(user=request.user, congress=congress), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "suggestions/office/returned.html",
        {"congress": congress, "congresses": congresses, "page": page},
    )


def _office_filtered(request):
    """The office's list as the query string filters it: (congress, congresses, form, counts, state, qs).

    The page and its Excel export both read it, so the export holds exactly the rows the page lists.
    """
    congress, congresses = _office_congress(request)
    day = timezone.localdate()
    committees = list(forms.special_committees(congress.pk))
    units = list(Unit.objects.filter(congress=congress).order_by("-is_active", "kind", "pk"))
    sessions = list(
        Session.objects.filter(term__congress=congress)
        .select_related("term__congress")
        .order_by("-start_date")
    )
    form = forms.OfficeFilterForm(
        request.GET, congresses=congresses, committees=committees, units=units, sessions=sessions
    )
    form.is_valid()  # a bad value is dropped; the other filters still apply
    data = form.cleaned_data
    filters = {
        "field": data.get("field") or "",
        "committee_id": parse_id(data.get("committee")),
        "unit_id": parse_id(data.get("unit")),
        "overdue": bool(data.get("overdue")),
        "period": data.get("period") or "",
    }
    base = suggestion_filter(
        suggestion_list_visible_to(user=request.user).filter(congress=congress), day=day, **filters
    )
    q = clean_query(data.get("q"))
    if q:
        number = q.removeprefix("第").removesuffix("号")
        match = Q(title__icontains=q)
        if number.isascii() and number.isdigit() and len(number) < 7:  # not "²": int() refuses it
            match |= Q(number=int(number))
        base = base.filter(match)
    counts = dict(base.order_by().values_list("state").annotate(n=Count("pk")))
    state = data.get("state") or ""
    qs = suggestion_filter(base, day=day, state=state) if state else base
    qs = qs.order_by("series", "number", "-submitted_at", "-pk")
    return congress, congresses, form, counts, state, qs


@login_required
def office_list(request):
    """Every suggestion of the office's congress, filtered, with the counts per state (each a link)."""
    congress, congresses, form, counts, state, qs = _office_filtered(request)
    day = timezone.localdate()
    leads = Assignment.objects.filter(role=Assignment.Role.LEAD, is_active=True).select_related("unit")
    qs = qs.annotate(
        reply_late=ExpressionWrapper(reply_overdue(day), output_field=BooleanField())
    ).prefetch_related(Prefetch("assignments", queryset=leads, to_attr="leads"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k not in ("page", "state") and v}
    state_counts = [
        {
            "label": label,
            "count": counts[value],
            "url": "?" + urlencode({**params, "state": value}),
            "current": value == state,
        }
        for value, label in State.choices
        if counts.get(value)
    ]
    export_params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "suggestions/office/list.html",
        {
            "congress": congress,
            "form": form,
            "page": page,
            "state_counts": state_counts,
            "total": sum(counts.values()),
            "all_url": "?" + urlencode(params),
            "state": state,
            "export_url": reverse("suggestions:office_export")
            + ("?" + urlencode(export_params) if export_params else ""),
            "links": {
                "queue": _with_congress("suggestions:office_queue", congress, congresses),
                "batch": _with_congress("suggestions:office_batch", congress, congresses),
                "returned": _with_congress("suggestions:office_returned", congress, congresses),
            },
        },
    )


@login_required
def office_export(request):
    """The office's list, with the same filters as the page, as an Excel file (recorded as an export)."""
    congress, _congresses, form, _counts, state, qs = _office_filtered(request)
    rows = [exports.row_of(s) for s in exports.with_details(qs)]
    data = form.cleaned_data
    what = {
        "what": "office_list",
        "congress": congress.pk,
        **{
            key: str(data[key])
            for key in ("state", "field", "committee", "unit", "period", "overdue")
            if data.get(key)
        },
    }
    title = f"{congress.name} · {_('Suggestions of the office')}"
    body = exports.export_rows(
        actor=request.user, rows=rows, title=title, what=what, target=congress, request=request
    )
    response = HttpResponse(body, content_type=exports.XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="office-suggestions-{stamp}.xlsx"'
    return response
