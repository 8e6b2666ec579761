"""Security event kinds of the dashboards (recorded with is_security=True), and the words the security log
shows for them (read through lvzhi.core.events.label_for, which gathers every app's LABELS)."""

from django.utils.translation import gettext_lazy as _

EXPORT = "security.dashboard_export"  # a dashboard table exported to an Excel file

LABELS = {EXPORT: _("Dashboard table exported")}
