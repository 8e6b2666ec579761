"""Event kinds of briefings (recorded through lvzhi.core.audit.record_event) and their words."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CREATED = "briefings.created"
CHANGED = "briefings.changed"
FILE_ADDED = "briefings.file_added"
FILE_REMOVED = "briefings.file_removed"
PUBLISHED = "briefings.published"
WITHDRAWN = "briefings.withdrawn"
READ = "briefings.read"
REMINDED = "briefings.reminded"

LABELS = {
    CREATED: _("Briefing drafted"),
    CHANGED: _("Briefing draft changed"),
    FILE_ADDED: _("Briefing attachment added"),
    FILE_REMOVED: _("Briefing attachment removed"),
    PUBLISHED: _("Briefing published"),
    WITHDRAWN: _("Briefing withdrawn"),
    READ: _("Briefing read"),
    REMINDED: _("Unread deputies reminded of a briefing"),
}

# State codes are shared across apps in the timeline's lookup; suggestions already label "draft" and
# "withdrawn" with the same words, so only this flow's own state is added here.
STATE_LABELS = {"published": pgettext_lazy("briefing state", "Published")}
