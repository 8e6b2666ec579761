"""The office's triage pages for citizens' opinions, and the unit's page.

- /opinions/triage/            the queue (deputy-affairs staff: their congress's tree; station staff: their
                               stations' items): filters, urgent first, paged;
- /opinions/triage/enter/      type in an opinion given at a station, a reception day or on paper;
- /opinions/triage/<pk>/       one item: what the citizen wrote (name and mobile masked), its tags, unit and
                               clocks, the answers and the history, and the actions the reader may take;
- /opinions/triage/<pk>/…/     one POST per action (acknowledge, tags, urgent, assign, supervise, answer,
                               solve, close, show the contact; the unit's answer and solve);
- /opinions/triage/unit/       "my unit's opinions" for unit handlers.

Every item is fetched through selectors_triage.triage_list_visible_to: outside the reader's scope it is a 404.
A POST calls one service; a refusal goes back onto the item page with what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import parse_id
from lvzhi.org.models import Congress, Mandate
from lvzhi.org.privacy import mask_mobile, mask_name
from lvzhi.org.scope import scope_for
from lvzhi.stations.models import Station

from . import forms_triage as forms
from .codes import public_base_url
from .models import CitizenRating, Opinion
from .permissions import handling_role
from .selectors import photo_of
from .selectors_triage import (
    UNIT_ALL,
    UNIT_ANSWERED,
    UNIT_OPEN,
    UNIT_OVERDUE,
    UNIT_SHOWS,
    Filters,
    assignable_units,
    may_use_queue,
    may_use_unit_list,
    queue_congresses,
    queue_counts,
    queue_stations,
    queue_tags,
    tags_of_congress,
    triage_list_visible_to,
    triage_queue,
    unit_counts,
    unit_opinions,
)
from .services import handling
from .services import triage as service
from .workflow import OPEN_STATES, State, Step, target_state

PAGE_SIZE = 30
HISTORY_MAX = 100


def _opinion(request, pk: int) -> Opinion:
    # SECURITY: only an item in the reader's triage scope is found; any other id is a 404.
    return get_object_or_404(
        triage_list_visible_to(user=request.user).select_related(
            "congress", "station", "unit", "mandate__person", "mandate__congress"
        ),
        pk=pk,
    )


# --- the queue ---------------------------------------------------------------------------------------
@login_required
def queue(request):
    user = request.user
    if not may_use_queue(user):
        if may_use_unit_list(user):
            return redirect("opinion_triage:unit")
        raise PermissionDenied
    today = timezone.localdate()
    congresses = list(queue_congresses(user=user))
    stations = list(queue_stations(user=user)[:500])
    form = forms.QueueFilterForm(
        request.GET, congresses=congresses, stations=stations, tags=list(queue_tags(user=user)[:300])
    )
    form.is_valid()  # a bad value is dropped; the other filters still apply
    data = form.cleaned_data
    filters = Filters(
        state=data.get("state") or "",
        source=data.get("source") or "",
        category=data.get("category") or "",
        congress_id=parse_id(data.get("congress")),
        station_id=parse_id(data.get("station")),
        tag_id=parse_id(data.get("tag")),
        urgent=bool(data.get("urgent")),
        ack_overdue=bool(data.get("ack_overdue")),
        unit_overdue=bool(data.get("unit_overdue")),
        number=data.get("number") or "",
    )
    page = Paginator(triage_queue(user=user, filters=filters, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = queue_counts(user=user, today=today)
    quick = [
        (_("New, to acknowledge"), counts["new"], {"state": State.NEW}, False),
        (_("Acknowledgement overdue"), counts["ack_overdue"], {"ack_overdue": "on"}, True),
        (_("Urgent, open"), counts["urgent"], {"urgent": "on"}, True),
        (_("Unit's answer overdue"), counts["unit_overdue"], {"unit_overdue": "on"}, True),
    ]
    return render(
        request,
        "opinions/triage/queue.html",
        {
            "form": form,
            "page": page,
            "rows": [_row(o, today) for o in page],
            "quick": [
                {"label": label, "count": n, "url": "?" + urlencode(q), "urgent": warn and n > 0}
                for label, n, q, warn in quick
            ],
            "may_enter": bool(service.entry_congresses(user) or service.entry_stations(user)),
        },
    )


def _row(opinion: Opinion, today) -> dict:
    return {
        "o": opinion,
        "name": mask_name(opinion.citizen_name),
        "ack_late": opinion.state == State.NEW
        and opinion.ack_due_on is not None
        and opinion.ack_due_on < today,
        "unit_late": opinion.state == State.ASSIGNED_TO_UNIT
        and opinion.unit_due_on is not None
        and opinion.unit_due_on < today,
        "tags": [t.name for t in opinion.tags.all()],
    }


# --- the unit's list -----------------------------------------------------------------------------------
@login_required
def unit_list(request):
    user = request.user
    if not may_use_unit_list(user):
        raise PermissionDenied
    today = timezone.localdate()
    show = request.GET.get("tab") or UNIT_OPEN
    if show not in UNIT_SHOWS:
        show = UNIT_OPEN
    page = Paginator(unit_opinions(user=user, show=show, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = unit_counts(user=user, today=today)
    tabs = [
        (UNIT_OPEN, _("To answer"), counts["open"]),
        (UNIT_OVERDUE, _("Overdue"), counts["overdue"]),
        (UNIT_ANSWERED, _("Answered"), None),
        (UNIT_ALL, _("All"), None),
    ]
    return render(
        request,
        "opinions/triage/unit.html",
        {
            "page": page,
            "rows": [_row(o, today) for o in page],
            "tabs": [{"key": k, "label": label, "count": n, "current": k == show} for k, label, n in tabs],
        },
    )


# --- one item --------------------------------------------------------------------------------------------
def _detail_context(
    request, opinion: Opinion, *, bound: dict | None = None, revealed=None, open_assign: bool = False
) -> dict:
    user = request.user
    today = timezone.localdate()
    office = service.office_role(user, opinion)
    hrole = handling_role(user, opinion)
    unit_handler = service.is_unit_handler(user, opinion)
    state = opinion.state

    def allowed(step: str, role: str | None) -> bool:
        return role is not None and target_state(state, step, role) is not None

    bound = bound or {}
    ctx = {
        "opinion": opinion,
        "row": _row(opinion, today),
        "masked_name": mask_name(opinion.citizen_name),
        "masked_phone": mask_mobile(opinion.phone),
        "revealed": revealed,
        "replies": list(opinion.replies.order_by("created_at", "id")),
        "events": list(timeline_for(opinion)[:HISTORY_MAX]),
        "photo_indexes": list(range(1, opinion.photos.count() + 1)),
        "tags": [t.name for t in opinion.tags.order_by("name")],
        "rating": CitizenRating.objects.filter(opinion=opinion).first(),
        "office": office,
        "unit_handler": unit_handler,
        "purged": opinion.personal_data_purged_at is not None,
        "open_assign": open_assign,
    }
    if office and not ctx["purged"] and (opinion.citizen_name or opinion.phone) and revealed is None:
        ctx["may_reveal"] = True
    if allowed(Step.ACKNOWLEDGE, hrole):
        ctx["may_acknowledge"] = True
    if office:
        ctx["tags_form"] = bound.get("tags") or forms.TagsForm(initial={"tags": "，".join(ctx["tags"])})
        ctx["known_tags"] = list(tags_of_congress(opinion.congress_id).values_list("name", flat=True)[:200])
    if (office or hrole) and state in OPEN_STATES:
        ctx["may_urgent"] = True
    if allowed(Step.ASSIGN_UNIT, office):
        ctx["assign_form"] = bound.get("assign") or forms.AssignForm(units=list(assignable_units(opinion)))
    if office and state == State.ASSIGNED_TO_UNIT:
        ctx["supervise_form"] = bound.get("supervise") or forms.NoteForm()
    if allowed(Step.REPLY, hrole):
        ctx["reply_form"] = bound.get("reply") or forms.AnswerForm()
    if allowed(Step.SOLVE, hrole):
        ctx["solve_form"] = bound.get("solve") or forms.AnswerForm()
    if allowed(Step.CLOSE, hrole):
        ctx["close_form"] = bound.get("close") or forms.AnswerForm()
    if unit_handler and state == State.ASSIGNED_TO_UNIT:
        ctx["unit_reply_form"] = bound.get("unit_reply") or forms.AnswerForm()
        ctx["unit_solve_form"] = bound.get("unit_solve") or forms.AnswerForm()
    return ctx


def _render_detail(request, opinion: Opinion, *, status: int = 200, **kwargs):
    return render(
        request, "opinions/triage/detail.html", _detail_context(request, opinion, **kwargs), status=status
    )


@login_required
def detail(request, pk: int):
    # ?open=assign: arriving from the inbox's "assign to a unit", that form is shown open (no script needed).
    return _render_detail(request, _opinion(request, pk), open_assign=request.GET.get("open") == "assign")


@login_required
def photo(request, pk: int, index: int):
    """A photo the citizen attached, for those who may open the item."""
    found = photo_of(_opinion(request, pk), index)
    if found is None:
        raise Http404
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    return response


def _refused(request, opinion: Opinion, exc: ServiceError, *, form=None, key: str = ""):
    """A refused action: a 403 for someone who may not act; otherwise back on the item page with the
    message on the form's field (what was typed kept), or as a message above the page."""
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    if form is not None and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
        return _render_detail(request, _opinion(request, opinion.pk), bound={key: form}, status=400)
    # A step no longer possible (someone else was quicker): the form may not show any more, so say it above.
    messages.error(request, exc.message)
    return redirect("opinion_triage:detail", pk=opinion.pk)


def _done(request, opinion: Opinion, text: str):
    messages.success(request, text)
    return redirect("opinion_triage:detail", pk=opinion.pk)


@login_required
@require_POST
def acknowledge(request, pk: int):
    opinion = _opinion(request, pk)
    try:
        handling.opinion_acknowledge(actor=request.user, opinion=opinion)
    except ServiceError as exc:
        return _refused(request, opinion, exc)
    return _done(request, opinion, _("Acknowledged."))


@login_required
@require_POST
def tags(request, pk: int):
    opinion = _opinion(request, pk)
    form = forms.TagsForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, opinion, bound={"tags": form}, status=400)
    try:
        names = service.parse_tags(form.cleaned_data["tags"])
        service.opinion_set_tags(actor=request.user, opinion=opinion, names=names)
    except ServiceError as exc:
        return _refused(request, opinion, exc, form=form, key="tags")
    return _done(request, opinion, _("Tags saved."))


@login_required
@require_POST
def urgent(request, pk: int):
    opinion = _opinion(request, pk)
    form = forms.UrgentForm(request.POST)
    form.is_valid()
    try:
        service.opinion_set_urgent(
            actor=request.user, opinion=opinion, urgent=bool(form.cleaned_data.get("urgent"))
        )
    except ServiceError as exc:
        return _refused(request, opinion, exc)
    return _done(request, opinion, _("Urgency saved."))


@login_required
@require_POST
def assign(request, pk: int):
    opinion = _opinion(request, pk)
    units = list(assignable_units(opinion))
    form = forms.AssignForm(request.POST, units=units)
    if not form.is_valid():
        return _render_detail(request, opinion, bound={"assign": form}, status=400)
    data = form.cleaned_data
    unit = next(u for u in units if u.pk == parse_id(data["unit"]))
    try:
        service.opinion_assign_unit(
            actor=request.user, opinion=opinion, unit=unit, due_on=data["due_on"], note=data["note"]
        )
    except ServiceError as exc:
        return _refused(request, opinion, exc, form=form, key="assign")
    return _done(request, opinion, _("Assigned to %(unit)s; its handlers are told.") % {"unit": unit.name})


@login_required
@require_POST
def supervise(request, pk: int):
    opinion = _opinion(request, pk)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, opinion, bound={"supervise": form}, status=400)
    try:
        service.opinion_supervise(actor=request.user, opinion=opinion, note=form.cleaned_data["note"])
    except ServiceError as exc:
        return _refused(request, opinion, exc, form=form, key="supervise")
    return _done(request, opinion, _("The unit is reminded."))


def _answer(request, pk: int, key: str, call, done_text: str):
    opinion = _opinion(request, pk)
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, opinion, bound={key: form}, status=400)
    try:
        call(opinion, form.cleaned_data["body"])
    except ServiceError as exc:
        return _refused(request, opinion, exc, form=form, key=key)
    return _done(request, opinion, done_text)


@login_required
@require_POST
def reply(request, pk: int):
    return _answer(
        request,
        pk,
        "reply",
        lambda o, body: handling.opinion_reply(actor=request.user, opinion=o, body=body),
        _("The answer is on the citizen's page."),
    )


@login_required
@require_POST
def solve(request, pk: int):
    return _answer(
        request,
        pk,
        "solve",
        lambda o, body: handling.opinion_solve(actor=request.user, opinion=o, what_was_done=body),
        _("Marked solved."),
    )


@login_required
@require_POST
def close(request, pk: int):
    return _answer(
        request,
        pk,
        "close",
        lambda o, body: handling.opinion_close(actor=request.user, opinion=o, reason=body),
        _("Closed."),
    )


@login_required
@require_POST
def unit_reply(request, pk: int):
    return _answer(
        request,
        pk,
        "unit_reply",
        lambda o, body: service.opinion_unit_reply(actor=request.user, opinion=o, body=body),
        _("The unit's answer is on the citizen's page; the office is told."),
    )


@login_required
@require_POST
def unit_solve(request, pk: int):
    return _answer(
        request,
        pk,
        "unit_solve",
        lambda o, body: service.opinion_unit_solve(actor=request.user, opinion=o, what_was_done=body),
        _("Marked solved; the office is told."),
    )


@never_cache
@login_required
@require_POST
def contact(request, pk: int):
    """The handling staff's "show the number": name and mobile unmasked, recorded as a security event."""
    opinion = _opinion(request, pk)
    try:
        revealed = service.opinion_reveal_contact(actor=request.user, opinion=opinion, request=request)
    except ServiceError as exc:
        return _refused(request, opinion, exc)
    return _render_detail(request, opinion, revealed=revealed)


# --- staff entry --------------------------------------------------------------------------------------------
def _entry_choices(user):
    s = scope_for(user)
    congresses = service.entry_congresses(user)
    stations = service.entry_stations(user)
    today = timezone.localdate()
    mandates = (
        Mandate.objects.current(today)
        .filter(congress_id__in=[c.pk for c in congresses])
        .select_related("person", "congress")
    )
    if s.station_ids:
        mandates = mandates | Mandate.objects.current(today).filter(
            station_assignments__station_id__in=s.station_ids
        ).select_related("person", "congress")
    mandates = list(mandates.distinct().order_by("congress__path", "person__name", "pk")[:2000])
    return congresses, stations, mandates


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enter(request):
    user = request.user
    congresses, stations, mandates = _entry_choices(user)
    if not congresses and not stations:
        raise PermissionDenied
    station_required = not congresses
    kwargs = {
        "congresses": congresses,
        "stations": stations,
        "mandates": mandates,
        "station_required": station_required,
    }
    if request.method == "GET":
        form = forms.EntryForm(initial={"received_on": timezone.localdate()}, **kwargs)
        return render(request, "opinions/triage/enter.html", {"form": form})
    form = forms.EntryForm(request.POST, **kwargs)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        congress_id = parse_id(data.get("congress")) or (congresses[0].pk if congresses else None)
        station_id, mandate_id = parse_id(data.get("station")), parse_id(data.get("mandate"))
        try:
            done = service.opinion_enter(
                actor=user,
                congress=Congress.objects.filter(pk=congress_id).first() if congress_id else None,
                station=Station.objects.filter(pk=station_id).select_related("congress").first()
                if station_id
                else None,
                mandate=Mandate.objects.filter(pk=mandate_id).select_related("congress").first()
                if mandate_id
                else None,
                source=data["source"],
                kind=data["kind"],
                category=data["category"],
                content=data["content"],
                consent=data["consent"],
                place=data["place"],
                citizen_name=data["citizen_name"],
                phone=data["phone"],
                wants_callback=data["wants_callback"],
                preferred_times=data["preferred_times"],
                urgent=data["urgent"],
                received_on=data["received_on"],
            )
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            follow = public_base_url(request) + reverse("opinions:status", kwargs={"key": done.key})
            return render(
                request,
                "opinions/triage/entered.html",
                {"opinion": done.opinion, "follow_url": follow, "duplicate": done.duplicate},
            )
    return render(request, "opinions/triage/enter.html", {"form": form}, status=status)
