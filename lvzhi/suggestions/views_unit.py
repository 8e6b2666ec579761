"""Pages of the unit side of the suggestions loop.

- "My assignments": the unit's assignments with their role, the due date in force and the days left.
- The unit's panel on the suggestion page (only for handlers of an assigned unit) and one page per step:
  acknowledge, return the assignment (退办), record progress, record a face-to-face consultation (面商), send a
  co-unit's opinion to the lead unit, reply (答复), report a promise carried out.

Each POST parses its form, calls one service and redirects with a message; a refused step shows its message
on the page with the form as typed. A handler acts only on its own units' assignments: any other is a 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lvzhi.core.errors import ServiceError
from lvzhi.core.params import parse_id
from lvzhi.org.congress_settings import setting_for
from lvzhi.org.refusals import refuse_in_message, refuse_on_form
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from . import forms_unit
from .models import Assignment, Suggestion
from .selectors import my_assignments, suggestion_list_visible_to
from .selectors_unit import (
    NEW,
    OVERDUE,
    PROMISE,
    REHANDLING,
    SITUATIONS,
    SOON,
    Clock,
    clock_of,
    co_opinions_for_lead,
    situation_filter,
    unit_assignments_current,
    unit_assignments_done,
)
from .services import handling, replies
from .workflow import State, Step, target_state

PAGE_SIZE = 50
LEAD, CO = Assignment.Role.LEAD, Assignment.Role.CO
# The suggestion states a unit's current assignment can be in (the list's state filter).
UNIT_STATES = [
    State.ASSIGNED,
    State.REHANDLING,
    State.REPLIED,
    State.STAFF_DECISION,
    State.PROMISED,
    State.PROMISE_REPORTED,
]


def _situation_labels() -> dict[str, str]:
    return {
        NEW: _("Not acknowledged"),
        SOON: _("Due within 15 days"),
        OVERDUE: _("Overdue"),
        REHANDLING: _("To handle again"),
        PROMISE: _("Promises to report"),
    }


def clock_text(clock: Clock) -> str:
    """'12 days left', 'Due today', 'Overdue by 3 days', or '' when the clock does not run."""
    if clock.days_left is None:
        return ""
    if clock.overdue:
        n = clock.days_over
        return ngettext("Overdue by %(n)s day", "Overdue by %(n)s days", n) % {"n": n}
    if clock.days_left == 0:
        return _("Due today")
    n = clock.days_left
    return ngettext("%(n)s day left", "%(n)s days left", n) % {"n": n}


# --- my assignments ----------------------------------------------------------------------------------
@login_required
def assignment_list(request):
    user, day = request.user, timezone.localdate()
    show = request.GET.get("show", "")
    show = show if show in SITUATIONS else ""
    state = request.GET.get("state", "")
    state = state if state in UNIT_STATES else ""
    qs = unit_assignments_current(user=user)
    if show:
        qs = qs.filter(situation_filter(show, day))
    if state:
        qs = qs.filter(suggestion__state=state)
    qs = qs.prefetch_related("suggestion__replies").order_by(F("due_in_force").asc(nulls_last=True), "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for a in page:
        clock = clock_of(a, day)
        promise = None
        if a.suggestion.state == State.PROMISED:
            promise = max(a.suggestion.replies.all(), key=lambda r: r.round, default=None)
        rows.append({"a": a, "clock": clock, "clock_text": clock_text(clock), "promise": promise})
    done = Paginator(unit_assignments_done(user=user), PAGE_SIZE).get_page(request.GET.get("done_page"))
    return render(
        request,
        "suggestions/unit/assignments.html",
        {
            "page": page,
            "rows": rows,
            "done": done,
            "show": show,
            "state": state,
            "situations": list(_situation_labels().items()),
            "states": [(s.value, s.label) for s in UNIT_STATES],
            "is_handler": bool(scope_for(user).unit_ids),
        },
    )


# --- the unit's panel on the suggestion page ------------------------------------------------------------
def _can(suggestion: Suggestion, step: str) -> bool:
    return target_state(suggestion.state, step, Role.UNIT_HANDLER) is not None


def _opinion(a: Assignment):
    try:
        return a.co_opinion
    except Assignment.co_opinion.RelatedObjectDoesNotExist:
        return None


def _situation(a: Assignment, suggestion: Suggestion, day: dt.date) -> dict:
    """What the unit may do now on this assignment, and what it needs to see to do it."""
    lead, active = a.role == LEAD, a.is_active
    return_step = Step.LEAD_RETURN if lead else Step.CO_RETURN
    may_return = active and _can(suggestion, return_step)
    opinion = _opinion(a)
    reply = replies.current_reply(suggestion) if lead else None
    clock = clock_of(a, day)
    return {
        "assignment": a,
        "lead": lead,
        "clock": clock,
        "clock_text": clock_text(clock),
        "can_acknowledge": active and not a.acknowledged_at and _can(suggestion, Step.ACKNOWLEDGE),
        "return_open": may_return and day <= a.return_due,
        "return_closed": may_return and day > a.return_due,
        "can_progress": active and _can(suggestion, Step.PROGRESS),
        "can_consult": active and _can(suggestion, Step.CONSULT),
        "opinion": opinion,
        "can_send_opinion": active and not lead and opinion is None and _can(suggestion, Step.CO_OPINION),
        "can_reply": active and lead and _can(suggestion, Step.REPLY),
        "can_report_promise": active and lead and _can(suggestion, Step.REPORT_PROMISE),
        "reply": reply,
        "co_opinions": co_opinions_for_lead(a, day) if lead and active else [],
        "progress": list(a.progress_notes.all()),
        "consultations": list(a.consultations.all()),
    }


def _mine_on(user, suggestion: Suggestion) -> list[Assignment]:
    """The user's own units' assignments on this suggestion: active first, the lead unit's first."""
    mine = list(my_assignments(user=user).filter(suggestion=suggestion).select_related("co_opinion"))
    for a in mine:
        a.suggestion = suggestion  # one object, one state
    mine.sort(key=lambda a: (not a.is_active, a.role != LEAD, a.pk))
    return mine


def panel_context(request, suggestion) -> dict:
    """What the unit's action panel on the suggestion page needs (empty when the user has no part)."""
    if not scope_for(request.user).unit_ids:
        return {}
    day = timezone.localdate()
    panels = [_situation(a, suggestion, day) for a in _mine_on(request.user, suggestion)]
    return {"panels": panels} if panels else {}


# --- one page per step ---------------------------------------------------------------------------------
def _suggestion_or_404(request, pk: int) -> Suggestion:
    return get_object_or_404(suggestion_list_visible_to(user=request.user), pk=pk)


def _pick(request, suggestion: Suggestion, role: str | None) -> Assignment:
    """The assignment a step acts on: the one the form names, else the one of the role the step needs.

    # SECURITY: chosen among the user's own units' assignments only; another unit's is a 404.
    """
    mine = _mine_on(request.user, suggestion)
    data = request.POST if request.method == "POST" else request.GET
    wanted = parse_id(data.get("assignment"))
    if wanted is not None:
        mine = [a for a in mine if a.pk == wanted]
    if not mine:
        raise Http404
    if role:
        mine.sort(key=lambda a: (not a.is_active, a.role != role, a.pk))
    return mine[0]


def _not_now(suggestion: Suggestion, step: str) -> str:
    return _("“%(step)s” is not possible while the suggestion is “%(state)s”.") % {
        "step": Step(step).label,
        "state": State(suggestion.state).label,
    }


def _detail(suggestion: Suggestion) -> str:
    return reverse("suggestions:detail", args=[suggestion.pk]) + "#unit"


def _step_page(
    request,
    pk: int,
    *,
    step: str | Callable[[Assignment], str],
    role: str | None,
    form_class,
    available: str,
    run: Callable[[object, Assignment, dict], object],
    done: str,
    submit: str,
    template: str = "suggestions/unit/action.html",
    form_kwargs: Callable[[Suggestion], dict] | None = None,
    extra: Callable[[dict], dict] | None = None,
    intro: str = "",
):
    """One step's page: the form (or why the step is not possible now); POST runs the step's service."""
    suggestion = _suggestion_or_404(request, pk)
    assignment = _pick(request, suggestion, role)
    step = step(assignment) if callable(step) else step
    day = timezone.localdate()
    situation = _situation(assignment, suggestion, day)
    kwargs = form_kwargs(suggestion) if form_kwargs else {}
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, request.FILES if posted else None, **kwargs)
    if posted and form.is_valid():
        try:
            run(request.user, assignment, form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, done)
            return redirect(_detail(suggestion))
    context = {
        "suggestion": suggestion,
        "assignment": assignment,
        "situation": situation,
        "title": Step(step).label,
        "intro": intro,
        "form": form,
        "submit": submit,
        "notice": "" if situation[available] else _why_not(step, assignment, suggestion, situation, role),
        "show_form": situation[available] or form.is_bound,
        "multipart": any(f.widget.needs_multipart_form for f in form.fields.values()),
    }
    if extra:
        context.update(extra(context))
    return render(request, template, context)


def _why_not(step: str, a: Assignment, suggestion: Suggestion, situation: dict, role: str | None) -> str:
    """Why a step is not offered now (the same words the service would refuse with)."""
    if not a.is_active:
        return _("This assignment was returned or withdrawn.")
    if step == Step.REPORT_PROMISE and a.role != LEAD:
        return _("Only the lead unit's handlers may report this.")
    if role == LEAD and a.role != LEAD:
        return _("Only the lead unit replies; co-units send their opinion to it.")
    if role == CO and a.role != CO:
        return _("Only a co-unit sends an opinion to the lead unit.")
    if step == Step.CO_OPINION and situation["opinion"] is not None:
        return _("The opinion was already sent.")
    if step in (Step.LEAD_RETURN, Step.CO_RETURN) and situation["return_closed"]:
        return _("The window for returning it ended on %(day)s; the assignment stands.") % {
            "day": a.return_due.isoformat()
        }
    return _not_now(suggestion, step)


@login_required
@require_POST
def unit_acknowledge(request, pk: int):
    suggestion = _suggestion_or_404(request, pk)
    assignment = _pick(request, suggestion, None)
    try:
        handling.assignment_acknowledge(actor=request.user, assignment=assignment)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("Assignment acknowledged."))
    return redirect(_detail(suggestion))


@login_required
def unit_return(request, pk: int):
    return _step_page(
        request,
        pk,
        step=lambda a: Step.LEAD_RETURN if a.role == LEAD else Step.CO_RETURN,
        role=None,
        form_class=forms_unit.ReturnForm,
        available="return_open",
        run=lambda actor, a, d: handling.assignment_return(actor=actor, assignment=a, reason=d["reason"]),
        done=_("The assignment was returned to the deputy-affairs office for reassignment."),
        submit=_("Return the assignment"),
        intro=_(
            "A misassigned item goes back to the deputy-affairs office, which assigns it again; nothing is "
            "lost. After the window the assignment stands."
        ),
    )


@login_required
def unit_progress(request, pk: int):
    return _step_page(
        request,
        pk,
        step=Step.PROGRESS,
        role=None,
        form_class=forms_unit.ProgressForm,
        available="can_progress",
        run=lambda actor, a, d: handling.progress_record(actor=actor, assignment=a, text=d["text"]),
        done=_("Progress recorded."),
        submit=_("Record progress"),
    )


@login_required
def unit_consultation(request, pk: int):
    return _step_page(
        request,
        pk,
        step=Step.CONSULT,
        role=None,
        form_class=forms_unit.ConsultationForm,
        available="can_consult",
        run=lambda actor, a, d: handling.consultation_record(actor=actor, assignment=a, **d),
        done=_("Face-to-face consultation recorded."),
        submit=_("Record the consultation"),
        intro=_("面商: when you met the deputy, how, who took part, and what the deputy said."),
    )


@login_required
def unit_opinion(request, pk: int):
    return _step_page(
        request,
        pk,
        step=Step.CO_OPINION,
        role=CO,
        form_class=forms_unit.CoOpinionForm,
        available="can_send_opinion",
        run=lambda actor, a, d: handling.co_opinion_send(actor=actor, assignment=a, text=d["text"]),
        done=_("Opinion sent to the lead unit."),
        submit=_("Send the opinion"),
        intro=_("The lead unit receives your opinion and takes it into its reply."),
    )


def _reply(actor, assignment: Assignment, data: dict) -> None:
    replies.reply_submit(
        actor=actor,
        assignment=assignment,
        text=data["text"],
        result_code=data["result_code"],
        signed_by=data["signed_by"],
        promised_work=data["promised_work"],
        promised_by=data["promised_by"],
        reference_reason=data["reference_reason"],
        letter_file=data["file"],
    )


@login_required
def unit_reply(request, pk: int):
    return _step_page(
        request,
        pk,
        step=Step.REPLY,
        role=LEAD,
        form_class=forms_unit.ReplyForm,
        available="can_reply",
        run=_reply,
        done=_("Reply sent. The deputies are asked to evaluate it."),
        submit=_("Send the reply"),
        template="suggestions/unit/reply.html",
        form_kwargs=lambda s: {"result_classes": setting_for(s.congress, "result_classes")},
        extra=lambda c: {"result_classes": setting_for(c["suggestion"].congress, "result_classes")},
    )


@login_required
def unit_promise(request, pk: int):
    return _step_page(
        request,
        pk,
        step=Step.REPORT_PROMISE,
        role=LEAD,
        form_class=forms_unit.PromiseReportForm,
        available="can_report_promise",
        run=lambda actor, a, d: replies.promise_report(actor=actor, assignment=a, text=d["text"]),
        done=_("Reported. The deputies are asked to evaluate the promise carried out."),
        submit=_("Report it carried out"),
    )
