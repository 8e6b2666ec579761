"""Event kinds of training (recorded through lvzhi.core.audit.record_event), and their words."""

from django.utils.translation import gettext_lazy as _

CLASS_CREATED = "training.class_created"
CLASS_CHANGED = "training.class_changed"
CLASS_CANCELLED = "training.class_cancelled"
ENROLLED = "training.enrolled"
WITHDRAWN = "training.withdrawn"
MARKED = "training.marked"

LABELS = {
    CLASS_CREATED: _("Training class scheduled"),
    CLASS_CHANGED: _("Training class changed"),
    CLASS_CANCELLED: _("Training class cancelled"),
    ENROLLED: _("Deputy enrolled"),
    WITHDRAWN: _("Enrolment withdrawn"),
    MARKED: _("Attendance or completion recorded"),
}

STATE_LABELS = {
    "scheduled": _("Scheduled"),
    "cancelled": _("Cancelled"),
    "enrolled": _("Enrolled"),
    "withdrawn": _("Withdrawn"),
    "attended": _("Attended"),
    "completed": _("Completed"),
    "absent": _("Did not attend or complete"),
}
