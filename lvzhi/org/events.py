"""Event kinds of deputy groups (recorded through lvzhi.core.audit.record_event), and their words."""

from django.utils.translation import gettext_lazy as _

GROUP_CREATED = "group.created"
GROUP_UPDATED = "group.updated"
GROUP_MEMBER_ADDED = "group.member_added"
GROUP_MEMBER_REMOVED = "group.member_removed"
GROUP_LEADER_SET = "group.leader_set"
GROUP_PLAN_ITEM_ADDED = "group.plan_item_added"
GROUP_PLAN_ITEM_CHANGED = "group.plan_item_changed"
GROUP_PLAN_ITEM_REMOVED = "group.plan_item_removed"
GROUP_ACTIVITY_RECORDED = "group.activity_recorded"
GROUP_ACTIVITY_CHANGED = "group.activity_changed"
GROUP_ATTENDANCE_CHANGED = "group.attendance_changed"

LABELS = {
    GROUP_CREATED: _("Group added"),
    GROUP_UPDATED: _("Group changed"),
    GROUP_MEMBER_ADDED: _("Member added to the group"),
    GROUP_MEMBER_REMOVED: _("Member removed from the group"),
    GROUP_LEADER_SET: _("Group leader set"),
    GROUP_PLAN_ITEM_ADDED: _("Planned activity added"),
    GROUP_PLAN_ITEM_CHANGED: _("Planned activity changed"),
    GROUP_PLAN_ITEM_REMOVED: _("Planned activity removed"),
    GROUP_ACTIVITY_RECORDED: _("Group activity recorded"),
    GROUP_ACTIVITY_CHANGED: _("Group activity changed"),
    GROUP_ATTENDANCE_CHANGED: _("Attendance changed"),
}

STATE_LABELS = {
    "present": _("Present"),
    "leave": _("Absent with leave"),
    "absent": _("Absent"),
}
