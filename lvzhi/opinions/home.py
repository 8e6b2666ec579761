"""Home-page tiles of citizens' opinions: a deputy's new items (one inbox for all of the person's mandates),
and a station's staff's items left at or passed to their stations, each linking to the inbox."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from lvzhi.core.home import Tile
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from .models import Opinion
from .workflow import OPEN_STATES, State


def tiles_for(user) -> list[Tile]:
    s = scope_for(user)
    url = reverse("opinion_inbox:list")
    tiles = []
    open_ = Q(state__in=OPEN_STATES)
    if Role.DEPUTY in s.roles and s.person_id:
        c = Opinion.objects.filter(person_id=s.person_id).aggregate(
            new=Count("pk", filter=Q(state=State.NEW)),
            urgent=Count("pk", filter=open_ & Q(urgent=True)),
            callback=Count("pk", filter=open_ & Q(wants_callback=True)),
        )
        section = _("Deputy")
        tiles.append(
            Tile(
                _("New citizens' opinions"),
                c["new"],
                f"{url}?state=new",
                section,
                urgent=c["new"] > 0 or c["urgent"] > 0,
            )
        )
        if c["callback"]:
            tiles.append(Tile(_("Citizens to call back"), c["callback"], f"{url}?callback=1", section, True))
    if Role.STATION_STAFF in s.roles and s.station_ids:
        c = Opinion.objects.filter(station_id__in=s.station_ids).aggregate(
            new=Count("pk", filter=Q(state__in=[State.NEW, State.PASSED_TO_STATION])),
        )
        tiles.append(
            Tile(
                _("Citizens' opinions to handle"),
                c["new"],
                f"{url}?state=open",
                _("Station staff"),
                urgent=c["new"] > 0,
            )
        )
    return tiles
