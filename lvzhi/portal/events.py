"""Words for the disclosure and media-tracking events (recorded on the suggestion by
lvzhi.suggestions.services.disclosure); gathered by lvzhi.core.events."""

from django.utils.translation import gettext_lazy as _

from lvzhi.suggestions.services import disclosure as d

LABELS = {
    d.DISCLOSURE_PREPARED: _("Redacted copy prepared for disclosure"),
    d.DISCLOSURE_PUBLISHED: _("Redacted copy published"),
    d.DISCLOSURE_WITHDRAWN: _("Redacted copy withdrawn from the public pages"),
    d.MEDIA_TRACKED: _("Marked for media tracking"),
    d.MEDIA_UNTRACKED: _("Media tracking ended"),
    d.MEDIA_REPORT_ADDED: _("Media report added"),
}
