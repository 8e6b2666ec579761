"""Who may act on an opinion, and in which role of the workflow table."""

from __future__ import annotations

from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from .models import Opinion


def handling_role(user, opinion: Opinion) -> str | None:
    """The role the user acts in on this opinion: the deputy it reached (any of the person's mandates),
    the staff of the station it reached, the deputy-affairs staff of its congress; None otherwise."""
    s = scope_for(user)
    if opinion.person_id and s.person_id == opinion.person_id and Role.DEPUTY in s.roles:
        return Role.DEPUTY
    if opinion.station_id and opinion.station_id in s.station_ids:
        return Role.STATION_STAFF
    if s.can_act_in(opinion.congress_id):
        return Role.STAFF
    return None
