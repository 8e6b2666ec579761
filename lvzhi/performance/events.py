"""Event kinds of performance registration and rules (recorded through lvzhi.core.audit.record_event)."""

from django.utils.translation import gettext_lazy as _

ACTIVITY_REGISTERED = "performance.activity_registered"
ACTIVITY_RECORDED = "performance.activity_recorded"  # by the platform, from its source
ACTIVITY_UNRECORDED = "performance.activity_unrecorded"  # its source was corrected: no longer counts
GROUP_ACTIVITY_REGISTERED = "performance.group_activity_registered"
PARTICIPATION_CONFIRMED = "performance.participation_confirmed"
PARTICIPATION_REJECTED = "performance.participation_rejected"
EVIDENCE_ADDED = "performance.evidence_added"
KIND_ADDED = "performance.kind_added"
PRESET_APPLIED = "performance.preset_applied"
RULE_SET_CHANGED = "performance.rule_set_changed"
RULE_ITEM_ADDED = "performance.rule_item_added"
RULE_ITEM_CHANGED = "performance.rule_item_changed"
RULE_ITEM_REMOVED = "performance.rule_item_removed"
STAR_RULE_CHANGED = "performance.star_rule_changed"
EVALUATION_STORED = "performance.evaluation_stored"
ELECTOR_REPORT_RECORDED = "performance.elector_report_recorded"
ELECTOR_REPORT_CHANGED = "performance.elector_report_changed"
PUBLIC_ARCHIVE_CHANGED = "performance.public_archive_changed"

LABELS = {
    ACTIVITY_REGISTERED: _("Activity registered"),
    ACTIVITY_RECORDED: _("Activity recorded from its source"),
    ACTIVITY_UNRECORDED: _("Activity no longer counted: its record was corrected"),
    GROUP_ACTIVITY_REGISTERED: _("Activity registered for its participants"),
    PARTICIPATION_CONFIRMED: _("Activity confirmed"),
    PARTICIPATION_REJECTED: _("Activity rejected"),
    EVIDENCE_ADDED: _("Evidence added"),
    KIND_ADDED: _("Activity kind added"),
    PRESET_APPLIED: _("Rule preset applied"),
    RULE_SET_CHANGED: _("Rule set changed"),
    RULE_ITEM_ADDED: _("Rule added"),
    RULE_ITEM_CHANGED: _("Rule changed"),
    RULE_ITEM_REMOVED: _("Rule removed"),
    STAR_RULE_CHANGED: _("Star rating changed"),
    EVALUATION_STORED: _("Evaluation results stored"),
    ELECTOR_REPORT_RECORDED: _("Report to the electors recorded"),
    ELECTOR_REPORT_CHANGED: _("Report to the electors changed"),
    PUBLIC_ARCHIVE_CHANGED: _("Public archive page shown or hidden"),
}

STATE_LABELS = {
    "registered": _("Awaiting confirmation"),
    "confirmed": _("Confirmed"),
    "rejected": _("Rejected"),
    "public_shown": _("Public page shown"),
    "public_hidden": _("Public page hidden"),
}
