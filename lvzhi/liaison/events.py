"""Event kinds of the two contacts (recorded through lvzhi.core.audit.record_event)."""

from django.utils.translation import gettext_lazy as _

ASSIGNED = "liaison.assigned"
ASSIGNED_BULK = "liaison.assigned_bulk"
ASSIGNMENT_ENDED = "liaison.assignment_ended"
CONTACT_LOGGED = "liaison.contact_logged"
CONTACT_CHANGED = "liaison.contact_changed"
OPINION_RAISED = "liaison.opinion_raised"
ENTRY_REQUESTED = "liaison.entry_requested"
ENTERED_INTO_STORE = "liaison.entered_into_store"
FROM_CONTACT = "liaison.from_contact"  # recorded on the opinion or suggestion a raised opinion became
SUGGESTION_PROPOSED = "liaison.suggestion_proposed"
SUGGESTION_DRAFTED = "liaison.suggestion_drafted"

LABELS = {
    ASSIGNED: _("Deputy assigned for fixed contact"),
    ASSIGNED_BULK: _("Deputies assigned for fixed contact from a list"),
    ASSIGNMENT_ENDED: _("Fixed contact ended"),
    CONTACT_LOGGED: _("Contact with deputies logged"),
    CONTACT_CHANGED: _("Contact log corrected"),
    OPINION_RAISED: _("Opinion raised in a contact recorded"),
    ENTRY_REQUESTED: _("Office asked to enter a raised opinion"),
    ENTERED_INTO_STORE: _("Raised opinion entered into the opinions store"),
    FROM_CONTACT: _("Came from a contact with a standing-committee member or committee"),
    SUGGESTION_PROPOSED: _("Raised opinion proposed to the deputy as a suggestion"),
    SUGGESTION_DRAFTED: _("Deputy drafted a suggestion from a raised opinion"),
}

STATE_LABELS = {
    "noted": _("Noted in the log"),
    "awaiting_entry": _("Waiting for the office to enter it"),
    "entered_store": _("In the opinions store"),
    "suggestion_proposed": _("Proposed to the deputy as a suggestion"),
    "suggestion_drafted": _("Drafted as a suggestion"),
}
