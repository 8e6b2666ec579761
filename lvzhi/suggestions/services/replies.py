"""Replies (答复函), evaluations (满意 / 基本满意 / 不满意), re-handling, promises and their second evaluation
(两次评价), the office's decisions, and closing (办结).

Who rates a reply is a congress setting (`reply_rating`): the deputies concerned (the default), a third-party
telephone survey only (Zhangdian), or both. In survey-only congresses the deputies are not asked to rate: the
suggestion waits in REPLIED (or PROMISE_REPORTED) until the survey's answers are imported, and the import
(services/survey.py) ends the round through `conclude_round`, the one place that turns a round's ratings into
the next step, whoever gave them.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.calendar import due_after_days, due_after_months
from lvzhi.core.errors import ServiceError
from lvzhi.org.congress_settings import RATING_SURVEY
from lvzhi.org.models import Mandate
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from .. import figure_columns
from ..attachments import attachment_add, check_file
from ..models import Assignment, Attachment, Evaluation, Reply, Suggestion
from ..permissions import can_run_office, handles
from ..workflow import State, Step
from .common import lock, move, refuse, require_step, rules, today
from .notices import concerned_mandate_ids, deputies_of, handlers_of, staff_of, tell

SYSTEM = "system"


def current_reply(suggestion: Suggestion) -> Reply | None:
    return suggestion.replies.order_by("-round").first()


def rating_mode(suggestion: Suggestion) -> str:
    """How the congress rates replies: "deputies", "survey" (a third party only) or "both"."""
    return rules(suggestion)["reply_rating"]


def deputies_rate(suggestion: Suggestion) -> bool:
    """Whether the deputies concerned rate the reply themselves (not in a survey-only congress)."""
    return rating_mode(suggestion) != RATING_SURVEY


def round_stage(suggestion: Suggestion) -> str:
    """The stage a rating given now is about: the promise carried out, or the reply."""
    return Evaluation.Stage.PROMISE if suggestion.state == State.PROMISE_REPORTED else Evaluation.Stage.REPLY


@transaction.atomic
def reply_submit(
    *,
    actor,
    assignment: Assignment,
    text: str,
    result_code: str,
    signed_by: str = "",
    promised_work: str = "",
    promised_by: dt.date | None = None,
    reference_reason: str = "",
    letter_file=None,
) -> Reply:
    """The lead unit's reply; `letter_file` (the signed and sealed letter) is stored in the same transaction."""
    suggestion = lock(assignment.suggestion)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not handles(actor, assignment):
        raise refuse("not_permitted", _("Only the lead unit's handlers may reply."))
    if assignment.role != Assignment.Role.LEAD or not assignment.is_active:
        raise ServiceError(
            "not_lead", _("Only the lead unit replies; co-units send their opinion to it."), status=409
        )
    require_step(suggestion, Step.REPLY, Role.UNIT_HANDLER)
    text = (text or "").strip()
    if len(text) < 20:
        raise ServiceError("text_required", _("Write the reply: at least 20 characters."), field="text")
    classes = {c["code"]: c for c in rules(suggestion)["result_classes"]}
    result = classes.get(result_code)
    if result is None:
        raise ServiceError("result_invalid", _("Choose the result class."), field="result_code")
    if result["promise"] and (not (promised_work or "").strip() or promised_by is None):
        raise ServiceError(
            "promise_required", _("Say what work is promised and by when."), field="promised_work"
        )
    if result["promise"] and promised_by <= today():
        raise ServiceError(
            "promise_date_invalid", _("The promised date must be in the future."), field="promised_by"
        )
    if result["reference"] and not (reference_reason or "").strip():
        raise ServiceError(
            "reason_required", _("Say why it can only be kept for reference."), field="reference_reason"
        )
    if letter_file is not None:
        check_file(letter_file)  # refuse a wrong file before anything is written
    round_ = suggestion.replies.count() + 1
    try:
        with transaction.atomic():
            reply = Reply.objects.create(
                suggestion=suggestion,
                assignment=assignment,
                round=round_,
                text=text,
                result_code=result["code"],
                result_label=result["label"],
                is_solved=result["solved"],
                is_promise=result["promise"],
                is_reference=result["reference"],
                promised_work=(promised_work or "").strip() if result["promise"] else "",
                promised_by=promised_by if result["promise"] else None,
                reference_reason=(reference_reason or "").strip() if result["reference"] else "",
                signed_by=(signed_by or "").strip(),
                replied_by=actor,
                on_time=assignment.due is None or today() <= assignment.due,
            )
    except IntegrityError:
        # Another handler's reply committed first: the database keeps one reply per round.
        raise ServiceError(
            "already_replied", _("This suggestion has already been replied to."), status=409
        ) from None
    if letter_file is not None:
        reply.letter = attachment_add(
            actor=actor, suggestion=suggestion, file=letter_file, kind=Attachment.Kind.LETTER
        )
        reply.save(update_fields=["letter"])
    move(
        suggestion,
        actor=actor,
        step=Step.REPLY,
        role=Role.UNIT_HANDLER,
        payload={
            "reply": reply.pk,
            "round": round_,
            "result": reply.result_code,
            "on_time": reply.on_time,
            "letter": reply.letter_id,
        },
    )
    if deputies_rate(suggestion):
        subject = _("“%(title)s” has a reply: please evaluate it")
    else:
        subject = _("“%(title)s” has a reply; a third-party survey will ask you how satisfied you are")
    tell(
        deputies_of(suggestion),
        suggestion=suggestion,
        cause=f"replied:{round_}",
        sms=True,
        subject=subject % {"title": suggestion.title},
    )
    return reply


def evaluation_due(reply: Reply) -> dt.date:
    start = timezone.localdate(reply.promise_reported_at or reply.replied_at)
    return due_after_days(start, rules(reply.suggestion)["evaluation_days"])


@transaction.atomic
def evaluation_submit(
    *, actor, suggestion: Suggestion, mandate: Mandate, rating: str, comment: str = ""
) -> Evaluation:
    """A deputy concerned rates the reply (or the promise carried out); the last rating closes the round."""
    suggestion = lock(suggestion)
    if mandate.pk not in scope_for(actor).mandate_ids or mandate.pk not in concerned_mandate_ids(suggestion):
        raise refuse("not_concerned", _("Only the deputies who put forward this suggestion evaluate it."))
    require_step(suggestion, Step.EVALUATE, Role.DEPUTY)
    if not deputies_rate(suggestion):
        raise ServiceError(
            "survey_only",
            _(
                "This congress rates replies by a third-party survey: you do not evaluate here; the survey "
                "will phone you to ask how satisfied you are."
            ),
            status=409,
        )
    if rating not in Evaluation.Rating.values:
        raise ServiceError(
            "rating_required", _("Choose satisfied, basically satisfied or dissatisfied."), field="rating"
        )
    comment = (comment or "").strip()
    if rating == Evaluation.Rating.DISSATISFIED and not comment:
        raise ServiceError(
            "comment_required", _("Say what is unsatisfactory, so the unit can act on it."), field="comment"
        )
    reply = current_reply(suggestion)
    stage = round_stage(suggestion)
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                reply=reply, mandate=mandate, stage=stage, rating=rating, comment=comment
            )
    except IntegrityError:
        raise ServiceError("already_evaluated", _("You have already evaluated this."), status=409) from None
    figure_columns.keep(suggestion)  # the first-time satisfaction
    record_event(
        actor=actor,
        kind="suggestion.evaluate",
        target=suggestion,
        payload={"reply": reply.pk, "mandate": mandate.pk, "stage": stage, "rating": rating},
    )
    done = set(Evaluation.objects.filter(reply=reply, stage=stage).values_list("mandate_id", flat=True))
    if set(concerned_mandate_ids(suggestion)) <= done:
        _conclude(suggestion, reply, stage, actor=None)
    return evaluation


def _conclude(suggestion: Suggestion, reply: Reply, stage: str, *, actor) -> Suggestion:
    """The outcome of an evaluation round. Silence counts as not evaluated, never as satisfied."""
    ratings = set(Evaluation.objects.filter(reply=reply, stage=stage).values_list("rating", flat=True))
    return conclude_round(
        suggestion,
        reply,
        stage,
        dissatisfied=Evaluation.Rating.DISSATISFIED in ratings,
        actor=actor,
        payload={"reply": reply.pk, "stage": stage},
    )


def round_outcome(*, reply: Reply, stage: str, dissatisfied: bool) -> str:
    """The system step a round of ratings leads to (the deputies' evaluations or the survey's answers)."""
    if stage == Evaluation.Stage.PROMISE:
        return Step.EVAL_TO_OFFICE if dissatisfied else Step.EVAL_CLOSE
    if dissatisfied:
        # Sent back once for re-handling; after that the office decides.
        return Step.EVAL_REHANDLE if reply.round == 1 else Step.EVAL_TO_OFFICE
    return Step.EVAL_TO_PROMISE if reply.is_promise else Step.EVAL_CLOSE


def conclude_round(
    suggestion: Suggestion,
    reply: Reply,
    stage: str,
    *,
    dissatisfied: bool,
    actor,
    payload: dict,
    reason: str = "",
    source: str = "",
) -> Suggestion:
    """Take the step a round's ratings lead to (round_outcome) on a locked suggestion, in the caller's
    transaction: close, track the promise, re-handle (a new reply is due) or refer to the office (told).
    Also from CLOSED, when a dissatisfied survey answer arrives after closing (services/survey.py); `source`
    ("survey") keeps the office's notice apart from one it already had on the same reply."""
    step = round_outcome(reply=reply, stage=stage, dissatisfied=dissatisfied)
    fields: tuple[str, ...] = ()
    if step == Step.EVAL_CLOSE:
        suggestion.closed_at = timezone.now()
        fields = ("closed_at",)
    elif suggestion.state == State.CLOSED:
        suggestion.closed_at = None  # reopened by a late dissatisfied survey answer
        fields = ("closed_at",)
    move(suggestion, actor=actor, step=step, role=SYSTEM, payload=payload, fields=fields)
    if step == Step.EVAL_REHANDLE:
        _restart_clock(suggestion, reason=reason or _("a deputy is dissatisfied"))
    if step == Step.EVAL_TO_OFFICE:
        tell(
            staff_of(suggestion.congress_id),
            suggestion=suggestion,
            cause=f"to_office:{reply.pk}:{stage}" + (f":{source}:{today():%Y%m%d}" if source else ""),
            subject=_("Deputies remain dissatisfied with “%(title)s”: decide") % {"title": suggestion.title},
        )
    return suggestion


def _restart_clock(suggestion: Suggestion, *, reason: str) -> None:
    """Re-handling: the lead unit's new reply is due within the re-reply time (one month by default)."""
    lead = (
        suggestion.assignments.select_for_update().filter(role=Assignment.Role.LEAD, is_active=True).first()
    )
    if lead is None:
        return
    lead.reply_due = due_after_months(today(), rules(suggestion)["rereply_months"])
    lead.extended_due = None
    lead.save(update_fields=["reply_due", "extended_due"])
    tell(
        handlers_of(lead.unit_id),
        suggestion=suggestion,
        cause=f"rehandle:{suggestion.replies.count()}",
        sms=True,
        subject=_("“%(title)s” must be handled again (%(reason)s); reply by %(due)s")
        % {"title": suggestion.title, "reason": reason, "due": lead.reply_due.isoformat()},
    )


@transaction.atomic
def evaluation_window_close(*, suggestion: Suggestion, actor=None) -> Suggestion | None:
    """After the evaluation window, the round concludes with the ratings given (a job calls this daily)."""
    suggestion = lock(suggestion)
    if suggestion.state not in (State.REPLIED, State.PROMISE_REPORTED):
        return None
    if not deputies_rate(suggestion):
        return None  # a survey-only congress: the round waits for the survey's answers, not for a window
    reply = current_reply(suggestion)
    if today() <= evaluation_due(reply):
        return None
    return _conclude(suggestion, reply, round_stage(suggestion), actor=actor)


@transaction.atomic
def promise_report(*, actor, assignment: Assignment, text: str) -> Reply:
    """The unit reports the promised work carried out; the deputies evaluate a second time."""
    suggestion = lock(assignment.suggestion)
    if not handles(actor, assignment) or assignment.role != Assignment.Role.LEAD:
        raise refuse("not_permitted", _("Only the lead unit's handlers may report this."))
    require_step(suggestion, Step.REPORT_PROMISE, Role.UNIT_HANDLER)
    text = (text or "").strip()
    if len(text) < 10:
        raise ServiceError("text_required", _("Describe what was done."), field="text")
    reply = Reply.objects.select_for_update().get(pk=current_reply(suggestion).pk)
    reply.promise_report, reply.promise_reported_at = text, timezone.now()
    reply.save(update_fields=["promise_report", "promise_reported_at"])
    move(
        suggestion, actor=actor, step=Step.REPORT_PROMISE, role=Role.UNIT_HANDLER, payload={"reply": reply.pk}
    )
    if deputies_rate(suggestion):
        subject = _("The promise on “%(title)s” is reported carried out: evaluate it")
    else:
        subject = _(
            "The promise on “%(title)s” is reported carried out; a third-party survey will ask you how "
            "satisfied you are"
        )
    tell(
        deputies_of(suggestion),
        suggestion=suggestion,
        cause=f"promise:{reply.pk}",
        sms=True,
        subject=subject % {"title": suggestion.title},
    )
    return reply


@transaction.atomic
def office_close_unsurveyed(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """In a survey-only congress, the office closes a replied suggestion the survey could not rate."""
    suggestion = lock(suggestion)
    if not can_run_office(actor, suggestion):
        raise refuse("not_permitted", _("Only the deputy-affairs office of this congress may decide."))
    if deputies_rate(suggestion):
        raise refuse(
            "deputies_rate",
            _("Here the deputies rate the reply; the evaluation window closes the round."),
        )
    require_step(suggestion, Step.CLOSE_UNSURVEYED, Role.STAFF)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("Give the reason."), field="reason")
    suggestion.closed_at = timezone.now()
    return move(
        suggestion,
        actor=actor,
        step=Step.CLOSE_UNSURVEYED,
        role=Role.STAFF,
        note=reason,
        fields=("closed_at",),
    )


@transaction.atomic
def office_decide(*, actor, suggestion: Suggestion, rehandle: bool, reason: str) -> Suggestion:
    """After repeated dissatisfaction (or a silent round), the office closes it or has it handled again."""
    suggestion = lock(suggestion)
    if not can_run_office(actor, suggestion):
        raise refuse("not_permitted", _("Only the deputy-affairs office of this congress may decide."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("Give the reason."), field="reason")
    if rehandle:
        move(suggestion, actor=actor, step=Step.DECIDE_REHANDLE, role=Role.STAFF, note=reason)
        _restart_clock(suggestion, reason=reason)
        return suggestion
    suggestion.closed_at = timezone.now()
    return move(
        suggestion, actor=actor, step=Step.DECIDE_CLOSE, role=Role.STAFF, note=reason, fields=("closed_at",)
    )
