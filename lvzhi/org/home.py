"""Home-page tiles of the organisation: what staff, chairs, members, handlers and deputies have waiting."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from lvzhi.core.calendar import missing_calendar_years
from lvzhi.core.home import Tile

from .models import Mandate
from .roles import Role
from .scope import scope_for
from .selectors import (
    account_list_visible_to,
    group_list_visible_to,
    mandate_list_visible_to,
    unit_list_visible_to,
)


def tiles_for(user) -> list[Tile]:
    s = scope_for(user)
    tiles: list[Tile] = []
    if s.has(Role.STAFF) or s.has(Role.CHAIR):
        section = _("Deputy-affairs office") if s.has(Role.STAFF) else _("Chair")
        deputies = mandate_list_visible_to(user=user).current()
        tiles.append(Tile(_("Sitting deputies"), deputies.count(), reverse("org:deputy_list"), section))
        unstationed = deputies.filter(station_assignments__isnull=True).count()
        tiles.append(
            Tile(
                _("Deputies in no station"),
                unstationed,
                reverse("org:deputy_list") + "?station=none",
                section,
                urgent=unstationed > 0,
            )
        )
        tiles.append(
            Tile(
                _("Undertaking units"),
                unit_list_visible_to(user=user).filter(is_active=True).count(),
                reverse("org:unit_list"),
                section,
            )
        )
        if s.has(Role.STAFF):
            waiting = (
                account_list_visible_to(user=user).filter(is_active=True, must_change_password=True).count()
            )
            tiles.append(
                Tile(
                    _("Accounts not yet signed in"),
                    waiting,
                    reverse("org:account_list") + "?pending=1",
                    section,
                )
            )
            for year in missing_calendar_years():
                tiles.append(
                    Tile(
                        _("Holidays missing for %(year)s") % {"year": year},
                        None,
                        reverse("core:calendar") + f"?year={year}",
                        section,
                        urgent=True,
                    )
                )
    if s.has(Role.DEPUTY):
        mine = Mandate.objects.filter(pk__in=s.mandate_ids).current()
        tiles.append(Tile(_("My current mandates"), mine.count(), reverse("org:deputy_list"), _("Deputy")))
    if s.has(Role.GROUP_LEADER):
        tiles.append(
            Tile(_("Groups I lead"), len(s.led_group_ids), reverse("org:group_list"), _("Group leader"))
        )
    if s.has(Role.SC_MEMBER):
        tiles.append(
            Tile(
                _("Deputies of my congress"),
                Mandate.objects.filter(congress_id__in=s.member_congress_ids).current().count(),
                reverse("org:deputy_list"),
                _("Standing-committee member"),
            )
        )
    if s.has(Role.COMMITTEE_STAFF):
        tiles.append(
            Tile(
                _("Committees I serve"),
                len(s.committee_ids),
                reverse("org:congress_list"),
                _("Special committee"),
            )
        )
    if s.has(Role.UNIT_HANDLER):
        tiles.append(Tile(_("My units"), len(s.unit_ids), reverse("org:unit_list"), _("Unit handler")))
    if s.has(Role.GROUP_LEADER) or s.has(Role.DEPUTY):
        tiles.append(
            Tile(
                _("My groups"),
                group_list_visible_to(user=user).count(),
                reverse("org:group_list"),
                _("Deputy"),
            )
        )
    return tiles
