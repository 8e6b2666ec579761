"""The state machine of a citizen's opinion (群众意见): every state with its meaning, and every allowed step.

A step is (from state, step name, role) -> to state. Services look the step up here before they change
anything; a step not in the table is refused. The loop (DOMAIN.md, flow 2): accept 受理 → analyse → assign
交办 → supervise → feedback 反馈; the deputy answers directly, meets the citizen, passes the item to station
staff, or turns it into a formal suggestion; the citizen rates the outcome once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lvzhi.org.roles import Role


class State(models.TextChoices):
    NEW = (
        "new",
        pgettext_lazy("opinion state", "New"),
    )  # just left by the citizen; nobody has looked at it yet
    ACKNOWLEDGED = (
        "acknowledged",
        pgettext_lazy("opinion state", "Acknowledged"),
    )  # 受理: the deputy or staff have seen it
    REPLIED = "replied", _("Answered")  # the deputy or staff answered the citizen directly
    PASSED_TO_STATION = "passed_to_station", _("Passed to station staff")  # staff will find a unit
    ASSIGNED_TO_UNIT = "assigned_to_unit", _("Assigned to a unit")  # 交办: a unit handles it
    TURNED_INTO_SUGGESTION = "turned_into_suggestion", _("Turned into a suggestion")  # the formal loop
    MEETING = "meeting", _("Meeting arranged")  # 约见: the deputy meets the citizen
    SOLVED = "solved", _("Solved")  # what was done is recorded
    CLOSED = "closed", _("Closed")  # finished without (or beyond) a solution: duplicate, out of remit
    RATED = "rated", _("Rated by the citizen")  # the citizen rated the outcome (once)


class Step(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", pgettext_lazy("opinion step", "Acknowledge")
    REPLY = "reply", _("Answer the citizen")
    PASS_TO_STATION = "pass_to_station", _("Pass to station staff")
    ASSIGN_UNIT = "assign_unit", _("Assign to a unit")
    TO_SUGGESTION = "to_suggestion", _("Turn into a suggestion")
    ARRANGE_MEETING = "arrange_meeting", _("Arrange a meeting")
    SOLVE = "solve", _("Mark solved")
    CLOSE = "close", _("Close")
    RATE = "rate", _("Rate the outcome")


S, T = State, Step
DEPUTY, STAFF, STATION_STAFF, UNIT = Role.DEPUTY, Role.STAFF, Role.STATION_STAFF, Role.UNIT_HANDLER
CITIZEN = "citizen"  # the anonymous citizen holding the follow-up link (or number + last four digits)

# States in which the item is still being worked on.
WORKING = (S.NEW, S.ACKNOWLEDGED, S.REPLIED, S.PASSED_TO_STATION, S.ASSIGNED_TO_UNIT, S.MEETING)
HANDLERS = (DEPUTY, STAFF, STATION_STAFF)

TRANSITIONS: dict[tuple[str, str, str], str] = {}
for _role in HANDLERS:
    TRANSITIONS[(S.NEW, T.ACKNOWLEDGE, _role)] = S.ACKNOWLEDGED
    for _state in WORKING:
        TRANSITIONS[(_state, T.REPLY, _role)] = S.REPLIED
        TRANSITIONS[(_state, T.ARRANGE_MEETING, _role)] = S.MEETING
        TRANSITIONS[(_state, T.SOLVE, _role)] = S.SOLVED
        TRANSITIONS[(_state, T.CLOSE, _role)] = S.CLOSED
    for _state in (S.NEW, S.ACKNOWLEDGED, S.REPLIED, S.MEETING):
        TRANSITIONS[(_state, T.PASS_TO_STATION, _role)] = S.PASSED_TO_STATION
        TRANSITIONS[(_state, T.TO_SUGGESTION, _role)] = S.TURNED_INTO_SUGGESTION
for _role in (STAFF, STATION_STAFF):
    for _state in (S.NEW, S.ACKNOWLEDGED, S.PASSED_TO_STATION, S.REPLIED, S.MEETING):
        TRANSITIONS[(_state, T.ASSIGN_UNIT, _role)] = S.ASSIGNED_TO_UNIT
# A unit answers what it was assigned, and may mark it solved.
TRANSITIONS[(S.ASSIGNED_TO_UNIT, T.REPLY, UNIT)] = S.REPLIED
TRANSITIONS[(S.ASSIGNED_TO_UNIT, T.SOLVE, UNIT)] = S.SOLVED
# A formal suggestion, once closed in its own loop, closes the opinion too.
TRANSITIONS[(S.TURNED_INTO_SUGGESTION, T.SOLVE, STAFF)] = S.SOLVED
TRANSITIONS[(S.TURNED_INTO_SUGGESTION, T.CLOSE, STAFF)] = S.CLOSED
# The citizen rates once, after an answer or the end.
for _state in (S.REPLIED, S.SOLVED, S.CLOSED):
    TRANSITIONS[(_state, T.RATE, CITIZEN)] = S.RATED

RATABLE_STATES = frozenset({S.REPLIED, S.SOLVED, S.CLOSED})
OPEN_STATES = frozenset(WORKING) | {S.TURNED_INTO_SUGGESTION}
FINISHED_STATES = frozenset({S.SOLVED, S.CLOSED, S.RATED})


def target_state(from_state: str, step: str, role: str) -> str | None:
    """The state a step leads to, or None when the table does not allow it."""
    return TRANSITIONS.get((from_state, step, role))
