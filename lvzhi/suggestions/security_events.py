"""Security event kinds of the suggestions loop (recorded with is_security=True), and their words."""

from django.utils.translation import gettext_lazy as _

EXPORT = "security.export"  # a list of suggestions exported to a file

LABELS = {EXPORT: _("List exported")}
