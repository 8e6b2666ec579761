"""Assignment to units (交办) and the units' handling: acknowledge, return (退办), co-unit opinions, progress,
face-to-face consultations (面商), extensions."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.calendar import add_working_days, due_after_months
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Unit
from lvzhi.org.roles import Role

from .. import figure_columns
from ..models import Assignment, Consultation, CoOpinion, Progress, Suggestion
from ..permissions import can_run_office, handles
from ..workflow import Step
from .common import lock, move, refuse, require_step, rules, today
from .notices import handlers_of, staff_of, tell


def _check_unit(suggestion: Suggestion, unit: Unit) -> None:
    if unit.congress_id != suggestion.congress_id or not unit.is_active:
        raise ServiceError(
            "unit_invalid", _("Choose an active undertaking unit of this congress."), field="unit"
        )


@transaction.atomic
def suggestion_assign(
    *, actor, suggestion: Suggestion, lead_unit: Unit | None, co_units=(), batch: str = ""
) -> list[Assignment]:
    """交办: one lead unit (主办) and any co-units (协办); adding co-units later is an assignment too."""
    suggestion = lock(suggestion)
    if not can_run_office(actor, suggestion):
        raise refuse("not_permitted", _("Only the deputy-affairs office of this congress may assign."))
    has_lead = suggestion.assignments.filter(role=Assignment.Role.LEAD, is_active=True).exists()
    if lead_unit is None and not has_lead:
        raise ServiceError("lead_unit_required", _("Choose the lead unit."), field="lead_unit")
    if lead_unit is not None and has_lead:
        raise ServiceError("lead_unit_exists", _("The suggestion already has a lead unit."), status=409)
    co_units = [u for u in co_units if u is not None and u != lead_unit]
    if lead_unit is None and not co_units:
        raise ServiceError("unit_required", _("Choose at least one unit."), field="co_units")
    for unit in [lead_unit, *co_units]:
        if unit is not None:
            _check_unit(suggestion, unit)
    require_step(suggestion, Step.ASSIGN, Role.STAFF)
    day, r = today(), rules(suggestion)
    created = []
    try:
        with transaction.atomic():
            for unit, role in [(lead_unit, Assignment.Role.LEAD)] + [
                (u, Assignment.Role.CO) for u in co_units
            ]:
                if unit is None:
                    continue
                created.append(
                    Assignment.objects.create(
                        suggestion=suggestion,
                        unit=unit,
                        role=role,
                        assigned_on=day,
                        assigned_by=actor,
                        batch=batch.strip()[:60],
                        return_due=add_working_days(day, r["return_window_working_days"]),
                        reply_due=due_after_months(day, r["reply_months"]) if role == "lead" else None,
                        opinion_due=due_after_months(day, r["co_unit_opinion_months"])
                        if role == "co"
                        else None,
                    )
                )
    except IntegrityError:
        raise ServiceError(
            "unit_already_assigned", _("A unit is already assigned to this suggestion."), status=409
        ) from None
    move(
        suggestion,
        actor=actor,
        step=Step.ASSIGN,
        role=Role.STAFF,
        payload={
            "units": [a.unit_id for a in created],
            "lead": lead_unit and lead_unit.pk,
            "batch": batch[:60],
        },
    )
    for a in created:
        tell(
            handlers_of(a.unit_id),
            suggestion=suggestion,
            cause=f"assigned:{a.pk}",
            sms=True,
            subject=_("New assignment: %(title)s (%(role)s)")
            % {"title": suggestion.title, "role": a.get_role_display()},
        )
    return created


@transaction.atomic
def assign_batch(*, actor, items: list[tuple[Suggestion, Unit, list[Unit]]], batch: str) -> int:
    """集中交办 at the assignment meeting: all or nothing."""
    for suggestion, lead, cos in items:
        suggestion_assign(actor=actor, suggestion=suggestion, lead_unit=lead, co_units=cos, batch=batch)
    return len(items)


def _handler_step(actor, assignment: Assignment, step: str) -> tuple[Assignment, Suggestion]:
    suggestion = lock(assignment.suggestion)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not handles(actor, assignment):
        raise refuse("not_permitted", _("Only the assigned unit's handlers may do this."))
    if not assignment.is_active:
        raise ServiceError("assignment_inactive", _("This assignment was returned or withdrawn."), status=409)
    require_step(suggestion, step, Role.UNIT_HANDLER)
    return assignment, suggestion


@transaction.atomic
def assignment_acknowledge(*, actor, assignment: Assignment) -> Assignment:
    assignment, suggestion = _handler_step(actor, assignment, Step.ACKNOWLEDGE)
    if assignment.acknowledged_at:
        raise ServiceError("already_acknowledged", _("Already acknowledged."), status=409)
    assignment.acknowledged_at = timezone.now()
    assignment.save(update_fields=["acknowledged_at"])
    record_event(
        actor=actor,
        kind="suggestion.acknowledge",
        target=suggestion,
        payload={"assignment": assignment.pk, "unit": assignment.unit_id},
    )
    return assignment


@transaction.atomic
def assignment_return(*, actor, assignment: Assignment, reason: str) -> Assignment:
    """退办: within the window of working days, with reasons; the office reassigns, nothing is lost."""
    lead = assignment.role == Assignment.Role.LEAD
    assignment, suggestion = _handler_step(actor, assignment, Step.LEAD_RETURN if lead else Step.CO_RETURN)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("Give the reasons for returning it."), field="reason")
    if today() > assignment.return_due:
        raise ServiceError(
            "return_window_closed",
            _("The window for returning it ended on %(day)s; the assignment stands.")
            % {"day": assignment.return_due.isoformat()},
            status=409,
        )
    assignment.is_active, assignment.returned_at, assignment.return_reason = False, timezone.now(), reason
    assignment.save(update_fields=["is_active", "returned_at", "return_reason"])
    move(
        suggestion,
        actor=actor,
        step=Step.LEAD_RETURN if lead else Step.CO_RETURN,
        role=Role.UNIT_HANDLER,
        note=reason,
        payload={"assignment": assignment.pk, "unit": assignment.unit_id},
    )
    tell(
        staff_of(suggestion.congress_id),
        suggestion=suggestion,
        cause=f"unit_returned:{assignment.pk}",
        subject=_("%(unit)s returned “%(title)s”: reassign it")
        % {"unit": assignment.unit, "title": suggestion.title},
    )
    return assignment


@transaction.atomic
def assignment_extend(*, actor, assignment: Assignment, until: dt.date, reason: str) -> Assignment:
    """The office approves a longer reply time, up to the legal maximum (six months from assignment)."""
    suggestion = lock(assignment.suggestion)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not can_run_office(actor, suggestion):
        raise refuse("not_permitted", _("Only the deputy-affairs office of this congress may approve this."))
    require_step(suggestion, Step.EXTEND, Role.STAFF)
    if assignment.role != Assignment.Role.LEAD or not assignment.is_active:
        raise ServiceError("not_lead", _("Only the lead unit's reply time can be extended."), status=409)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("Give the reason."), field="reason")
    latest = due_after_months(assignment.assigned_on, rules(suggestion)["reply_max_months"])
    if until is None or until <= (assignment.due or until) or until > latest:
        raise ServiceError(
            "extension_invalid",
            _("Choose a date after the current deadline and no later than %(latest)s.") % {"latest": latest},
            field="until",
        )
    before = assignment.due
    assignment.extended_due, assignment.extension_reason = until, reason
    assignment.save(update_fields=["extended_due", "extension_reason"])
    move(
        suggestion,
        actor=actor,
        step=Step.EXTEND,
        role=Role.STAFF,
        note=reason,
        payload={
            "assignment": assignment.pk,
            "from": before.isoformat() if before else None,
            "to": until.isoformat(),
        },
    )
    return assignment


@transaction.atomic
def co_opinion_send(*, actor, assignment: Assignment, text: str) -> CoOpinion:
    assignment, suggestion = _handler_step(actor, assignment, Step.CO_OPINION)
    if assignment.role != Assignment.Role.CO:
        raise ServiceError("not_co_unit", _("Only a co-unit sends an opinion to the lead unit."), status=409)
    text = (text or "").strip()
    if not text:
        raise ServiceError("text_required", _("Write the opinion."), field="text")
    try:
        with transaction.atomic():
            opinion = CoOpinion.objects.create(assignment=assignment, text=text, sent_by=actor)
    except IntegrityError:
        raise ServiceError("already_sent", _("The opinion was already sent."), status=409) from None
    record_event(
        actor=actor,
        kind="suggestion.co_opinion",
        target=suggestion,
        payload={"assignment": assignment.pk, "on_time": today() <= assignment.opinion_due},
    )
    lead = suggestion.assignments.filter(role=Assignment.Role.LEAD, is_active=True).first()
    if lead:
        tell(
            handlers_of(lead.unit_id),
            suggestion=suggestion,
            cause=f"co_opinion:{assignment.pk}",
            subject=_("%(unit)s sent its opinion on “%(title)s”")
            % {"unit": assignment.unit, "title": suggestion.title},
        )
    return opinion


@transaction.atomic
def progress_record(*, actor, assignment: Assignment, text: str) -> Progress:
    assignment, suggestion = _handler_step(actor, assignment, Step.PROGRESS)
    text = (text or "").strip()
    if not text:
        raise ServiceError("text_required", _("Describe the progress."), field="text")
    note = Progress.objects.create(assignment=assignment, text=text, recorded_by=actor)
    record_event(
        actor=actor, kind="suggestion.progress", target=suggestion, payload={"assignment": assignment.pk}
    )
    return note


@transaction.atomic
def consultation_record(
    *, actor, assignment: Assignment, held_on: dt.date, method: str, participants: str, deputy_view: str = ""
) -> Consultation:
    """面商: when, how, who, and the deputy's view."""
    assignment, suggestion = _handler_step(actor, assignment, Step.CONSULT)
    if method not in Consultation.Method.values:
        raise ServiceError("method_invalid", _("Choose how you met."), field="method")
    if held_on is None or held_on > today() or held_on < assignment.assigned_on:
        raise ServiceError(
            "date_invalid",
            _("Give the day it took place (since the assignment, not in the future)."),
            field="held_on",
        )
    participants = (participants or "").strip()
    if not participants:
        raise ServiceError("participants_required", _("Say who took part."), field="participants")
    c = Consultation.objects.create(
        assignment=assignment,
        held_on=held_on,
        method=method,
        participants=participants,
        deputy_view=(deputy_view or "").strip(),
        recorded_by=actor,
    )
    figure_columns.keep(suggestion)  # the face-to-face rate
    record_event(
        actor=actor,
        kind="suggestion.consult",
        target=suggestion,
        payload={"assignment": assignment.pk, "method": method},
    )
    return c


def active_lead(suggestion: Suggestion) -> Assignment | None:
    return suggestion.assignments.filter(role=Assignment.Role.LEAD, is_active=True).first()
