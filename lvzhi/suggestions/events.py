"""Event kinds of the suggestions loop (recorded through lvzhi.core.audit.record_event), and their words."""

from django.utils.translation import gettext_lazy as _

from .workflow import State, Step

STEP = "suggestion.{step}"  # every workflow step, with from -> to
CREATED = "suggestion.created"
UPDATED = "suggestion.updated"
SIGNER_INVITED = "suggestion.signer_invited"
SIGNER_CONFIRMED = "suggestion.signer_confirmed"
SIGNER_DECLINED = "suggestion.signer_declined"
ATTACHMENT_ADDED = "suggestion.attachment_added"
COMMITTEE_SET = "suggestion.committee_set"
OVERDUE = "suggestion.overdue"
KEY_CHOSEN = "suggestion.key_chosen"
KEY_MEETING_ADDED = "suggestion.key_meeting_added"
KEY_SCORED = "suggestion.key_scored"
SURVEY_IMPORTED = "suggestion.survey_imported"
SURVEY_DISSATISFIED = "suggestion.survey_dissatisfied"
# The recess consultation list (会商清单): recorded on the list; an item from a suggestion also on it.
CONSULTATION_LIST_CREATED = "consultation.list_created"
CONSULTATION_ITEM_ADDED = "consultation.item_added"
CONSULTATION_ITEM_REMOVED = "consultation.item_removed"
CONSULTATION_MEETING_RECORDED = "consultation.meeting_recorded"
CONSULTATION_OUTCOME_RECORDED = "consultation.outcome_recorded"
CONSULTATION_LIST_CLOSED = "consultation.list_closed"
SUGGESTION_ON_CONSULTATION_LIST = "suggestion.on_consultation_list"

# Every workflow step is recorded as "suggestion.<step>" and reads as the step's own label.
LABELS = {STEP.format(step=step.value): step.label for step in Step}
LABELS.update(
    {
        CREATED: _("Suggestion drafted"),
        UPDATED: _("Suggestion text changed"),
        SIGNER_INVITED: _("Co-signer invited"),
        SIGNER_CONFIRMED: _("Co-signature confirmed"),
        SIGNER_DECLINED: _("Co-signature declined"),
        ATTACHMENT_ADDED: _("File added"),
        COMMITTEE_SET: _("Supervising committee set"),
        OVERDUE: _("Deadline passed"),
        KEY_CHOSEN: _("Chosen for key supervision"),
        KEY_MEETING_ADDED: _("Key supervision meeting recorded"),
        KEY_SCORED: _("Key supervision report scored"),
        SURVEY_IMPORTED: _("Survey answers imported"),
        SURVEY_DISSATISFIED: _("Dissatisfied in the third-party survey"),
        CONSULTATION_LIST_CREATED: _("Consultation list created"),
        CONSULTATION_ITEM_ADDED: _("Item put on the consultation list"),
        CONSULTATION_ITEM_REMOVED: _("Item taken off the consultation list"),
        CONSULTATION_MEETING_RECORDED: _("Consultation meeting recorded"),
        CONSULTATION_OUTCOME_RECORDED: _("Consultation outcome recorded"),
        CONSULTATION_LIST_CLOSED: _("Consultation list closed"),
        SUGGESTION_ON_CONSULTATION_LIST: _("Put on a recess consultation list"),
    }
)
STATE_LABELS = {state.value: state.label for state in State}
# A consultation list is open, then closed ("closed" reads as the suggestion's own 办结).
STATE_LABELS["open"] = _("Open")
