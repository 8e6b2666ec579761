"""Who may do what with invited activities: small named predicates over the scope.

The office that runs a meeting is the deputy-affairs staff of its congress; a special committee's staff run
the activities their committee invites to (an inspection, a law-enforcement check). Chairs read their tree,
standing-committee members their congress's meetings, deputies their own invitations.
"""

from __future__ import annotations

from lvzhi.org.permissions import can_manage_congress
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for


def can_run(user, meeting) -> bool:
    """Plans, invites, records attendance and handles the observers' applications (with their identity)."""
    if can_manage_congress(user, meeting.congress_id):
        return True
    s = scope_for(user)
    return (
        Role.COMMITTEE_STAFF in s.roles
        and meeting.host_committee_id is not None
        and meeting.host_committee_id in s.committee_ids
    )


def can_plan_in(user, congress_id: int) -> bool:
    """May plan some activity of this congress (its office; a committee's staff, for their committee)."""
    return can_manage_congress(user, congress_id) or congress_id in scope_for(user).committee_congress_ids


def is_office_reader(user) -> bool:
    """Reads meetings as an office (staff, chairs, members, committee staff), not only as an invitee."""
    s = scope_for(user)
    return s.is_admin or bool(s.read_paths or s.member_congress_ids or s.committee_ids)
