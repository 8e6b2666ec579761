"""Home-page tiles of citizens' opinions for the office, station staff and unit handlers: what waits for
them, each linking to the triage queue or the unit's list, filtered. (The deputy's tile is in home.py.)"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.home import Tile
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from .selectors_triage import UNIT_OPEN, UNIT_OVERDUE, queue_counts, unit_counts
from .workflow import State


def tiles_for(user) -> list[Tile]:
    """The office's (its own congress's items) and a station's staff's (their stations' items) tiles."""
    s = scope_for(user)
    if Role.STAFF in s.roles and s.act_congress_ids:
        section, congress_ids = _("Deputy-affairs office"), s.act_congress_ids
    elif s.station_ids:
        section, congress_ids = _("Station staff"), None
    else:
        return []
    counts = queue_counts(user=user, today=timezone.localdate(), congress_ids=congress_ids)
    url = reverse("opinion_triage:queue")
    return [
        Tile(_("Citizens' opinions to acknowledge"), counts["new"], f"{url}?state={State.NEW}", section),
        Tile(
            _("Citizens' opinions not acknowledged in time"),
            counts["ack_overdue"],
            f"{url}?ack_overdue=on",
            section,
            urgent=counts["ack_overdue"] > 0,
        ),
        Tile(
            _("Citizens' opinions: units' answers overdue"),
            counts["unit_overdue"],
            f"{url}?unit_overdue=on",
            section,
            urgent=counts["unit_overdue"] > 0,
        ),
    ]


def unit_tiles_for(user) -> list[Tile]:
    if not scope_for(user).unit_ids:
        return []
    counts = unit_counts(user=user, today=timezone.localdate())
    url = reverse("opinion_triage:unit")
    section = _("Unit handler")
    return [
        Tile(_("Citizens' opinions to answer"), counts["open"], f"{url}?tab={UNIT_OPEN}", section),
        Tile(
            _("Citizens' opinions overdue"),
            counts["overdue"],
            f"{url}?tab={UNIT_OVERDUE}",
            section,
            urgent=counts["overdue"] > 0,
        ),
    ]
