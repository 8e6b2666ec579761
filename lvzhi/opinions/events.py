"""Event kinds of citizens' opinions (recorded through lvzhi.core.audit.record_event), and their words.

Payloads refer to the citizen by the opinion's id only: never a name, a phone or the text they wrote.
"""

from django.utils.translation import gettext_lazy as _

from .workflow import State, Step

STEP = "opinion.{step}"  # every workflow step, with from -> to
SUBMITTED = "opinion.submitted"
PHOTO_ADDED = "opinion.photo_added"
CODE_ISSUED = "opinion.code_issued"
CODE_REVOKED = "opinion.code_revoked"
MEETING_CONFIRMED = "opinion.meeting_confirmed"  # the citizen agreed to the proposed meeting
MEETING_HELD = "opinion.meeting_held"
BECAME_SUGGESTION = "opinion.became_suggestion"  # on the suggestion: written from a citizen's opinion
HOTLINE_IMPORTED = "opinion.hotline_imported"  # on the congress: one 12345 import, with its counts
PERSONAL_DATA_PURGED = "opinion.personal_data_purged"  # the retention purge blanked the citizen's data

# Staff triage (services/triage.py) and the daily clocks (deadlines.py).
ENTERED = "opinion.entered"  # taken on paper, at a station or a reception day, and typed in by staff
TAGGED = "opinion.tagged"
URGENCY_CHANGED = "opinion.urgency_changed"
SUPERVISED = "opinion.supervised"  # 督办: the office reminds the unit, with a note
ESCALATED = "opinion.escalated"  # not acknowledged in time: the office is told
UNIT_OVERDUE = "opinion.unit_overdue"  # the unit did not answer by its due date

LABELS = {STEP.format(step=step.value): step.label for step in Step}
LABELS.update(
    {
        ENTERED: _("Opinion entered by staff"),
        TAGGED: _("Tags changed"),
        URGENCY_CHANGED: _("Urgency changed"),
        SUPERVISED: _("Supervised: the unit was reminded"),
        ESCALATED: _("Not acknowledged in time: escalated to the office"),
        UNIT_OVERDUE: _("The unit's answer is overdue"),
        SUBMITTED: _("Opinion received from a citizen"),
        PHOTO_ADDED: _("Photo added"),
        CODE_ISSUED: _("Contact code issued"),
        CODE_REVOKED: _("Contact code revoked"),
        MEETING_CONFIRMED: _("The citizen agreed to the meeting"),
        MEETING_HELD: _("Meeting with the citizen held"),
        BECAME_SUGGESTION: _("Written from a citizen's opinion"),
        HOTLINE_IMPORTED: _("12345 hotline tickets imported"),
        PERSONAL_DATA_PURGED: _("Citizen's personal data removed after the retention time"),
    }
)
# State codes are shared across apps in the timeline's lookup; suggestions already label the common ones
# ("replied", "closed"), so only this loop's own codes are added here.
_SHARED = {"replied", "closed"}
STATE_LABELS = {state.value: state.label for state in State if state.value not in _SHARED}
