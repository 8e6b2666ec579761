"""Who may schedule and record a station's reception days: the deputy-affairs staff of the station's congress,
the station's own staff, and the site administrator."""

from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for


def can_manage_reception(user, station) -> bool:
    s = scope_for(user)
    if s.is_admin:
        return True
    if station.pk in s.station_ids:
        return True
    return Role.STAFF in s.roles and s.can_act_in(station.congress_id)
