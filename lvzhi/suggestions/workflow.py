"""The state machine of a motion or suggestion: every state with its meaning, and every allowed step.

A step is (from state, step name, role) -> to state. Services look the step up here before they change
anything; a step not in the table is refused. Unit-side steps (acknowledge, return, co-opinion, progress,
face-to-face) act on an Assignment and do not move the suggestion, except `reply`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lvzhi.org.roles import Role


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")  # the deputy is writing it; co-signers confirm
    SUBMITTED = "submitted", _("Submitted")  # waiting for the office's review
    RETURNED = "returned", _("Returned for revision")  # back with the deputy, with the office's reason
    PRESIDIUM = "presidium", _("Awaiting the presidium")  # a qualifying motion
    REFERRED = (
        "referred",
        _("Put on the agenda"),
    )  # a motion referred to a special committee: leaves this loop
    ACCEPTED = "accepted", _("Accepted")  # numbered, waiting to be assigned
    MERGED = "merged", _("Merged")  # merged into another; its authors are answered with that one
    ASSIGNED = "assigned", _("Being handled")  # units assigned, the lead unit's reply is due
    REPLIED = "replied", _("Replied")  # the deputies evaluate the reply (or the survey rates it, by setting)
    REHANDLING = "rehandling", _("Being handled again")  # after a dissatisfied evaluation
    STAFF_DECISION = "staff_decision", _("Awaiting the office's decision")  # dissatisfied after re-handling
    PROMISED = "promised", _("Promise being carried out")  # B-type reply: the unit carries out its promise
    PROMISE_REPORTED = "promise_reported", _("Promise reported")  # second evaluation (两次评价), or survey
    CLOSED = "closed", _("Closed")  # 办结
    WITHDRAWN = "withdrawn", _("Withdrawn")  # withdrawn by its author before acceptance


class Step(models.TextChoices):
    # the deputy
    SUBMIT = "submit", _("Submit")
    WITHDRAW = "withdraw", _("Withdraw")
    EVALUATE = "evaluate", _("Evaluate")
    # the office
    RETURN = "return", _("Return for revision")
    ACCEPT = "accept", _("Accept")
    TO_PRESIDIUM = "to_presidium", _("Send to the presidium")
    PRESIDIUM_REFER = "presidium_refer", _("Put on the agenda")
    PRESIDIUM_AS_SUGGESTION = "presidium_as_suggestion", _("Handle as a suggestion")
    MERGE = "merge", _("Merge into another")
    ASSIGN = "assign", _("Assign")
    EXTEND = "extend", _("Approve an extension")
    DECIDE_CLOSE = "decide_close", _("Close")
    DECIDE_REHANDLE = "decide_rehandle", _("Handle again")
    CLOSE_UNSURVEYED = "close_unsurveyed", _("Close without a survey answer")
    # the units
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    LEAD_RETURN = "lead_return", _("Return the assignment (lead unit)")
    CO_RETURN = "co_return", _("Return the assignment (co-unit)")
    PROGRESS = "progress", _("Record progress")
    CONSULT = "consult", _("Record a face-to-face consultation")
    CO_OPINION = "co_opinion", _("Send the co-unit's opinion")
    REPLY = "reply", _("Reply")
    REPORT_PROMISE = "report_promise", _("Report the promise carried out")
    # outcomes of an evaluation round, taken by the service that closes the round
    EVAL_CLOSE = "eval_close", _("Close after evaluation")
    EVAL_REHANDLE = "eval_rehandle", _("Re-handle after dissatisfaction")
    EVAL_TO_OFFICE = "eval_to_office", _("Refer to the office after repeated dissatisfaction")
    EVAL_TO_PROMISE = "eval_to_promise", _("Track the promise")


S, T = State, Step
STAFF, DEPUTY, UNIT, SYSTEM = Role.STAFF, Role.DEPUTY, Role.UNIT_HANDLER, "system"
HANDLING = (S.ASSIGNED, S.REHANDLING)

# (from, step, role) -> to. SYSTEM steps are taken by a service on behalf of the loop (the last evaluation
# of a round, the evaluation window running out, an imported survey answer), never requested by a user directly.
TRANSITIONS: dict[tuple[str, str, str], str] = {
    (S.DRAFT, T.SUBMIT, DEPUTY): S.SUBMITTED,
    (S.RETURNED, T.SUBMIT, DEPUTY): S.SUBMITTED,
    (S.DRAFT, T.WITHDRAW, DEPUTY): S.WITHDRAWN,
    (S.SUBMITTED, T.WITHDRAW, DEPUTY): S.WITHDRAWN,
    (S.RETURNED, T.WITHDRAW, DEPUTY): S.WITHDRAWN,
    (S.SUBMITTED, T.RETURN, STAFF): S.RETURNED,
    (S.SUBMITTED, T.ACCEPT, STAFF): S.ACCEPTED,
    (S.SUBMITTED, T.TO_PRESIDIUM, STAFF): S.PRESIDIUM,
    (S.PRESIDIUM, T.PRESIDIUM_REFER, STAFF): S.REFERRED,
    (S.PRESIDIUM, T.PRESIDIUM_AS_SUGGESTION, STAFF): S.ACCEPTED,
    (S.SUBMITTED, T.MERGE, STAFF): S.MERGED,
    (S.ACCEPTED, T.MERGE, STAFF): S.MERGED,
    (S.ACCEPTED, T.ASSIGN, STAFF): S.ASSIGNED,
    # A lead unit's return (退办) sends the suggestion back to the office for reassignment; nothing is lost.
    (S.ASSIGNED, T.LEAD_RETURN, UNIT): S.ACCEPTED,
    (S.ASSIGNED, T.REPLY, UNIT): S.REPLIED,
    (S.REHANDLING, T.REPLY, UNIT): S.REPLIED,
    (S.REPLIED, T.EVALUATE, DEPUTY): S.REPLIED,
    (S.PROMISE_REPORTED, T.EVALUATE, DEPUTY): S.PROMISE_REPORTED,
    (S.REPLIED, T.EVAL_CLOSE, SYSTEM): S.CLOSED,
    (S.REPLIED, T.EVAL_REHANDLE, SYSTEM): S.REHANDLING,
    (S.REPLIED, T.EVAL_TO_OFFICE, SYSTEM): S.STAFF_DECISION,
    (S.REPLIED, T.EVAL_TO_PROMISE, SYSTEM): S.PROMISED,
    (S.PROMISED, T.REPORT_PROMISE, UNIT): S.PROMISE_REPORTED,
    (S.PROMISE_REPORTED, T.EVAL_CLOSE, SYSTEM): S.CLOSED,
    (S.PROMISE_REPORTED, T.EVAL_TO_OFFICE, SYSTEM): S.STAFF_DECISION,
    # A dissatisfied third-party survey answer that arrives after closing (services/survey.py): handled again
    # once, like a dissatisfied rating; after one re-handling the office decides.
    (S.CLOSED, T.EVAL_REHANDLE, SYSTEM): S.REHANDLING,
    (S.CLOSED, T.EVAL_TO_OFFICE, SYSTEM): S.STAFF_DECISION,
    (S.STAFF_DECISION, T.DECIDE_CLOSE, STAFF): S.CLOSED,
    # Where only a third-party survey rates replies, no evaluation window closes the round: when the survey
    # cannot reach the deputies, the office closes it (services/replies.py allows this only in that mode).
    (S.REPLIED, T.CLOSE_UNSURVEYED, STAFF): S.CLOSED,
    (S.PROMISE_REPORTED, T.CLOSE_UNSURVEYED, STAFF): S.CLOSED,
    (S.STAFF_DECISION, T.DECIDE_REHANDLE, STAFF): S.REHANDLING,
}
# Steps on the units' side that keep the suggestion where it is.
for _state in HANDLING:
    for _step in (T.ACKNOWLEDGE, T.CO_RETURN, T.PROGRESS, T.CONSULT, T.CO_OPINION):
        TRANSITIONS[(_state, _step, UNIT)] = _state
    TRANSITIONS[(_state, T.EXTEND, STAFF)] = _state
TRANSITIONS[(S.ASSIGNED, T.ASSIGN, STAFF)] = S.ASSIGNED  # adding a co-unit while it is handled

OPEN_STATES = frozenset(
    {S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.REHANDLING, S.STAFF_DECISION, S.PROMISED, S.PROMISE_REPORTED}
)
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})  # the author may still change the text


def target_state(from_state: str, step: str, role: str) -> str | None:
    """The state a step leads to, or None when the table does not allow it."""
    return TRANSITIONS.get((from_state, step, role))
