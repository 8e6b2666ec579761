"""The states of an invited activity (a meeting, an inspection, research …) and of each deputy's invitation,
with every allowed step.

A step is (from state, step, role) -> to state. Services look the step up here before they change anything;
a step not in the table is refused. The flow (DOMAIN.md, flow 4): the office plans the meeting and its
agenda, the system proposes deputies, the office picks them (proposed) and sends the invitations (invited);
each deputy accepts or declines in its account; after the meeting the office records who attended (which
counts as a performance activity) and what they said; concluding the meeting marks the rest absent.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lvzhi.org.roles import Role


class MeetingState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting state", "Planned")  # invitations are prepared and answered
    CONCLUDED = "concluded", pgettext_lazy("meeting state", "Concluded")  # held; attendance recorded
    CANCELLED = "cancelled", pgettext_lazy("meeting state", "Cancelled")  # called off; invitees told


class State(models.TextChoices):
    """A deputy's invitation."""

    PROPOSED = "proposed", pgettext_lazy("invitation state", "Proposed")  # picked by the office, not sent
    INVITED = "invited", pgettext_lazy("invitation state", "Invited")  # sent; waiting for the answer
    ACCEPTED = "accepted", pgettext_lazy("invitation state", "Accepted")  # the deputy will come
    DECLINED = "declined", pgettext_lazy("invitation state", "Declined")  # the deputy can't, with a reason
    ATTENDED = "attended", pgettext_lazy("invitation state", "Attended")  # came: counts as an activity
    ABSENT = "absent", pgettext_lazy("invitation state", "Absent")  # invited, did not come
    WITHDRAWN = "withdrawn", pgettext_lazy("invitation state", "Withdrawn")  # taken back by the office


class Step(models.TextChoices):
    PROPOSE = "propose", _("Add to the invitation list")
    SEND = "send", _("Send the invitation")
    WITHDRAW = "withdraw", _("Withdraw the invitation")
    ACCEPT = "accept", _("Accept")
    DECLINE = "decline", _("Decline")
    ATTEND = "attend", _("Record as attended")
    MARK_ABSENT = "mark_absent", _("Record as absent")


S, T = State, Step
OFFICE = Role.STAFF  # the deputy-affairs office (or the inviting committee's staff) running the meeting
DEPUTY = Role.DEPUTY  # the invited deputy
NEW = ""  # no invitation yet

TRANSITIONS: dict[tuple[str, str, str], str] = {
    (NEW, T.PROPOSE, OFFICE): S.PROPOSED,
    (S.WITHDRAWN, T.PROPOSE, OFFICE): S.PROPOSED,  # picked again after being taken off the list
    (S.PROPOSED, T.SEND, OFFICE): S.INVITED,
    (S.INVITED, T.ACCEPT, DEPUTY): S.ACCEPTED,
    (S.DECLINED, T.ACCEPT, DEPUTY): S.ACCEPTED,  # changed its mind before the meeting
    (S.INVITED, T.DECLINE, DEPUTY): S.DECLINED,
    (S.ACCEPTED, T.DECLINE, DEPUTY): S.DECLINED,
}
for _state in (S.PROPOSED, S.INVITED, S.ACCEPTED, S.DECLINED):
    TRANSITIONS[(_state, T.WITHDRAW, OFFICE)] = S.WITHDRAWN
# Attendance is recorded after the meeting began; a deputy who declined may still have come. Attended is
# final: it counts as a performance activity.
for _state in (S.INVITED, S.ACCEPTED, S.DECLINED, S.ABSENT):
    TRANSITIONS[(_state, T.ATTEND, OFFICE)] = S.ATTENDED
for _state in (S.INVITED, S.ACCEPTED, S.DECLINED):
    TRANSITIONS[(_state, T.MARK_ABSENT, OFFICE)] = S.ABSENT

# Invitations the deputy sees (the office's list before sending is its own working paper).
SENT_STATES = frozenset({S.INVITED, S.ACCEPTED, S.DECLINED, S.ATTENDED, S.ABSENT, S.WITHDRAWN})
# Invitations still open when the meeting is cancelled or concluded.
OPEN_STATES = frozenset({S.PROPOSED, S.INVITED, S.ACCEPTED})
# Invitations whose attendance the office records.
EXPECTED_STATES = frozenset({S.INVITED, S.ACCEPTED, S.DECLINED, S.ABSENT, S.ATTENDED})
# Invitations that hold a place (the deputy is on the list).
ACTIVE_STATES = frozenset({S.PROPOSED, S.INVITED, S.ACCEPTED, S.ATTENDED})


def target_state(from_state: str, step: str, role: str) -> str | None:
    """The state a step leads to, or None when the table does not allow it."""
    return TRANSITIONS.get((from_state, step, role))


class ApplicationState(models.TextChoices):
    """A citizen's application to observe (旁听)."""

    PENDING = "pending", pgettext_lazy("observer application", "Waiting for review")
    APPROVED = "approved", pgettext_lazy("observer application", "Approved")
    REJECTED = "rejected", pgettext_lazy("observer application", "Not approved")


APPLICATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (ApplicationState.PENDING, "approve"): ApplicationState.APPROVED,
    (ApplicationState.PENDING, "reject"): ApplicationState.REJECTED,
    # A decision may be corrected before the meeting (a place freed, a mistake).
    (ApplicationState.APPROVED, "reject"): ApplicationState.REJECTED,
    (ApplicationState.REJECTED, "approve"): ApplicationState.APPROVED,
}
