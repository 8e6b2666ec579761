"""Event kinds of invitations and observing (recorded through lvzhi.core.audit.record_event)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MEETING_CREATED = "meetings.meeting_created"
MEETING_CHANGED = "meetings.meeting_changed"
MEETING_CANCELLED = "meetings.meeting_cancelled"
MEETING_CONCLUDED = "meetings.meeting_concluded"
AGENDA_ITEM_ADDED = "meetings.agenda_item_added"
AGENDA_ITEM_REMOVED = "meetings.agenda_item_removed"
INVITATION_PROPOSED = "meetings.invitation_proposed"
INVITATION_SENT = "meetings.invitation_sent"
INVITATION_WITHDRAWN = "meetings.invitation_withdrawn"
INVITATION_ACCEPTED = "meetings.invitation_accepted"
INVITATION_DECLINED = "meetings.invitation_declined"
ATTENDANCE_RECORDED = "meetings.attendance_recorded"
SPEECH_RECORDED = "meetings.speech_recorded"
OBSERVER_APPLIED = "meetings.observer_applied"
OBSERVER_APPROVED = "meetings.observer_approved"
OBSERVER_REJECTED = "meetings.observer_rejected"
OBSERVER_DATA_PURGED = "meetings.observer_data_purged"

LABELS = {
    MEETING_CREATED: _("Invited activity planned"),
    MEETING_CHANGED: _("Invited activity changed"),
    MEETING_CANCELLED: _("Invited activity cancelled"),
    MEETING_CONCLUDED: _("Invited activity concluded"),
    AGENDA_ITEM_ADDED: _("Agenda item added"),
    AGENDA_ITEM_REMOVED: _("Agenda item removed"),
    INVITATION_PROPOSED: _("Deputy added to the invitation list"),
    INVITATION_SENT: _("Invitation sent"),
    INVITATION_WITHDRAWN: _("Invitation withdrawn"),
    INVITATION_ACCEPTED: _("Invitation accepted"),
    INVITATION_DECLINED: _("Invitation declined"),
    ATTENDANCE_RECORDED: _("Attendance recorded"),
    SPEECH_RECORDED: _("Speech recorded"),
    OBSERVER_APPLIED: _("Application to observe received"),
    OBSERVER_APPROVED: _("Application to observe approved"),
    OBSERVER_REJECTED: _("Application to observe not approved"),
    OBSERVER_DATA_PURGED: _("Observer's identity details deleted after the retention time"),
}

# The words of this app's states in the timeline (core.events.state_label). State codes are shared across
# apps there: "accepted" and "withdrawn" read as the suggestions label them, "rejected" as performance does.
STATE_LABELS = {
    "planned": pgettext_lazy("meeting state", "Planned"),
    "concluded": pgettext_lazy("meeting state", "Concluded"),
    "cancelled": pgettext_lazy("meeting state", "Cancelled"),
    "proposed": pgettext_lazy("invitation state", "Proposed"),
    "invited": pgettext_lazy("invitation state", "Invited"),
    "declined": pgettext_lazy("invitation state", "Declined"),
    "attended": pgettext_lazy("invitation state", "Attended"),
    "absent": pgettext_lazy("invitation state", "Absent"),
    "pending": pgettext_lazy("observer application", "Waiting for review"),
    "approved": pgettext_lazy("observer application", "Approved"),
}
