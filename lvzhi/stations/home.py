"""Home-page tiles of stations."""

from django.urls import reverse
from django.utils.translation import gettext as _

from lvzhi.core.home import Tile
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from .selectors import station_list_visible_to


def tiles_for(user) -> list[Tile]:
    s = scope_for(user)
    tiles = []
    if s.has(Role.STATION_STAFF):
        tiles.append(Tile(_("My stations"), len(s.station_ids), reverse("stations:list"), _("Station staff")))
    if s.has(Role.STAFF) or s.has(Role.CHAIR):
        qs = station_list_visible_to(user=user).filter(is_active=True)
        section = _("Deputy-affairs office") if s.has(Role.STAFF) else _("Chair")
        tiles.append(Tile(_("Stations"), qs.count(), reverse("stations:list"), section))
        empty = qs.filter(assignments__isnull=True).count()
        tiles.append(
            Tile(
                _("Stations with no deputies"),
                empty,
                reverse("stations:list") + "?deputies=none",
                section,
                urgent=empty > 0,
            )
        )
    return tiles
