"""Event kinds of the stations and their reception days (recorded through lvzhi.core.audit.record_event), and their words.

Payloads refer to deputies by mandate id and to citizens' opinions by id: never a name or a phone.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

STATION_CREATED = "station.created"
STATION_UPDATED = "station.updated"
STATION_DEACTIVATED = "station.deactivated"
STATION_REACTIVATED = "station.reactivated"
DEPUTY_ASSIGNED = "station.deputy_assigned"
DEPUTY_UNASSIGNED = "station.deputy_unassigned"

RULE_ADDED = "reception.rule_added"
RULE_CHANGED = "reception.rule_changed"
RULE_ENDED = "reception.rule_ended"
EXCEPTION_ADDED = "reception.exception_added"
EXCEPTION_REMOVED = "reception.exception_removed"
MONTH_SCHEDULED = "reception.month_scheduled"  # on the station: a month confirmed, with its counts
DAY_PLANNED = "reception.day_planned"
DAY_CHANGED = "reception.day_changed"
DAY_CANCELLED = "reception.day_cancelled"
DAY_RECORDED = "reception.day_recorded"
DAY_RECORD_CHANGED = "reception.day_record_changed"
OPINION_TAKEN = "reception.opinion_taken"  # an opinion entered on the day, or an earlier entry linked to it

LABELS = {
    STATION_CREATED: _("Station added"),
    STATION_UPDATED: _("Station details changed"),
    STATION_DEACTIVATED: _("Station closed"),
    STATION_REACTIVATED: _("Station reopened"),
    DEPUTY_ASSIGNED: _("Deputy entered into the station"),
    DEPUTY_UNASSIGNED: _("Deputy taken out of the station"),
    RULE_ADDED: _("Reception rule added"),
    RULE_CHANGED: _("Reception rule changed"),
    RULE_ENDED: _("Reception rule ended"),
    EXCEPTION_ADDED: _("Reception date cancelled or moved by hand"),
    EXCEPTION_REMOVED: _("Manual change of a reception date removed"),
    MONTH_SCHEDULED: _("Month of reception days scheduled"),
    DAY_PLANNED: _("Reception day planned"),
    DAY_CHANGED: _("Reception day changed"),
    DAY_CANCELLED: _("Reception day cancelled"),
    DAY_RECORDED: _("Reception day recorded"),
    DAY_RECORD_CHANGED: _("Reception day record corrected"),
    OPINION_TAKEN: _("Opinion taken on a reception day"),
}

STATE_LABELS = {
    "planned": _("Planned"),
    "held": _("Held"),
    "cancelled": _("Cancelled"),
    "active": pgettext_lazy("station state", "Open"),
    "inactive": pgettext_lazy("station state", "Closed"),
}
