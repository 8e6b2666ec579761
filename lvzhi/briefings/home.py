"""Home-page tiles of briefings: a deputy's unread briefings; the office's drafts to publish.

(Listed in lvzhi.core.home.PROVIDERS as "lvzhi.briefings.home.tiles_for".)
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from lvzhi.core.home import Tile
from lvzhi.org.scope import scope_for

from .selectors import briefings_of_office, my_unread_count
from .workflow import State


def tiles_for(user) -> list[Tile]:
    s = scope_for(user)
    tiles: list[Tile] = []
    if s.person_id and s.mandate_ids:
        unread = my_unread_count(user=user)
        tiles.append(
            Tile(
                _("Briefings I have not read"),
                unread,
                reverse("briefings:mine") + "?show=unread",
                _("Deputy"),
                urgent=unread > 0,
            )
        )
    if s.act_congress_ids or s.is_admin:
        drafts = briefings_of_office(user=user).filter(state=State.DRAFT)
        if not s.is_admin:
            drafts = drafts.filter(congress_id__in=s.act_congress_ids)
        tiles.append(
            Tile(
                _("Briefing drafts to publish"),
                drafts.count(),
                reverse("briefings:list") + "?state=draft",
                _("Deputy-affairs office"),
            )
        )
    return tiles
