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
    tiles += _reception_tiles(user, s)
    return tiles


def _reception_tiles(user, s) -> list[Tile]:
    from django.utils import timezone

    from .models import ReceptionAttendance, ReceptionDay
    from .selectors_reception import stations_managed_for_reception

    today = timezone.localdate()
    base = reverse("stations:reception_list")
    tiles = []
    if s.has(Role.STATION_STAFF) or s.has(Role.STAFF):
        to_record = ReceptionDay.objects.filter(
            station__in=stations_managed_for_reception(user=user),
            status=ReceptionDay.Status.PLANNED,
            date__lt=today,
        ).count()
        section = _("Station staff") if s.has(Role.STATION_STAFF) else _("Deputy-affairs office")
        tiles.append(
            Tile(
                _("Reception days to record"),
                to_record,
                base + "?period=past&status=planned",
                section,
                urgent=to_record > 0,
            )
        )
    if s.has(Role.DEPUTY) and s.mandate_ids:
        mine = (
            ReceptionDay.objects.filter(status=ReceptionDay.Status.PLANNED, date__gte=today)
            .filter(pk__in=ReceptionAttendance.objects.filter(mandate_id__in=s.mandate_ids).values("day_id"))
            .count()
        )
        tiles.append(Tile(_("My next reception days"), mine, base + "?mine=1", _("Deputy")))
    return tiles
