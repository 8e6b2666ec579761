"""Small named predicates for the shared pages: the working-day calendar and the audit log.

The calendar rule: the working-day calendar is national data (the State Council publishes one schedule a
year for the whole country), so there is one calendar, not one per congress.
- Any deputy-affairs staff member, at any level, and the site administrator may VIEW it: their deadlines
  run on it.
- Only the site administrator or staff of a city-level-or-above congress (city, province, national) may
  EDIT it (add, change, delete a day, import a year). A county or township office would otherwise change
  every other congress's deadlines; it asks the city office instead.

The audit log: staff and chairs read the events of their congress and of every congress below it;
the site administrator reads all of them (including events that belong to no congress).
"""

from __future__ import annotations

from lvzhi.org.models import Congress
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

CALENDAR_EDIT_LEVELS = (Congress.Level.NATIONAL, Congress.Level.PROVINCE, Congress.Level.CITY)


def can_view_calendar(user) -> bool:
    s = scope_for(user)
    return s.is_admin or Role.STAFF in s.roles


def calendar_editor_congress_id(user) -> int | None:
    """The congress (city level or above) through which a staff member may edit the calendar, if any."""
    s = scope_for(user)
    if Role.STAFF not in s.roles or not s.act_congress_ids:
        return None
    congress = (
        Congress.objects.filter(pk__in=s.act_congress_ids, level__in=CALENDAR_EDIT_LEVELS)
        .order_by("path")
        .values_list("pk", flat=True)
        .first()
    )
    return congress


def can_edit_calendar(user) -> bool:
    s = scope_for(user)
    return s.is_admin or calendar_editor_congress_id(user) is not None


def can_read_audit_log(user) -> bool:
    s = scope_for(user)
    return s.is_admin or Role.STAFF in s.roles or Role.CHAIR in s.roles
