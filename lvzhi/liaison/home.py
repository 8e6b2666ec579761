"""Home-page tiles of the two contacts: a deputy's suggestions proposed from contacts; a member's or a
committee's deputies below this year's minimum; the office's raised opinions waiting to be entered.

Listed in lvzhi.core.home.PROVIDERS as "lvzhi.liaison.home.tiles_for".
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from lvzhi.core.home import Tile
from lvzhi.org.scope import scope_for

from .contactors import own_committees, own_member_seats
from .models import Assignment, RaisedOpinion
from .selectors import assignments_visible_to, board, raised_visible_to


def tiles_for(user) -> list[Tile]:
    s = scope_for(user)
    tiles: list[Tile] = []
    if s.mandate_ids and Assignment.objects.filter(mandate_id__in=list(s.mandate_ids)).exists():
        proposed = RaisedOpinion.objects.filter(
            mandate_id__in=list(s.mandate_ids), state=RaisedOpinion.State.PROPOSED
        ).count()
        url = reverse("liaison:mine")
        tiles += [
            Tile(
                _("Suggestions proposed to me from contacts"), proposed, url, _("Deputy"), urgent=proposed > 0
            ),
            Tile(_("My contact members"), None, url, _("Deputy")),
        ]
    for contactor in own_member_seats(user) + own_committees(user):
        rows = board(assignments=assignments_visible_to(user=user).filter(**contactor.lookup()))
        if not rows:
            continue
        short = sum(1 for r in rows if not r.met)
        tiles.append(
            Tile(
                _("Deputies I have not yet contacted enough this year")
                if contactor.member is not None
                else _("%(committee)s: deputies not yet contacted enough this year")
                % {"committee": contactor.name},
                short,
                reverse("liaison:index"),
                _("Contacts with deputies"),
                urgent=short > 0,
            )
        )
    if s.act_congress_ids or s.is_admin:
        waiting = (
            raised_visible_to(user=user)
            .filter(state=RaisedOpinion.State.AWAITING_ENTRY, congress_id__in=list(s.act_congress_ids))
            .count()
            if not s.is_admin
            else RaisedOpinion.objects.filter(state=RaisedOpinion.State.AWAITING_ENTRY).count()
        )
        tiles.append(
            Tile(
                _("Opinions from contacts to enter into the opinions store"),
                waiting,
                reverse("liaison:raised_list") + "?state=awaiting_entry",
                _("Deputy-affairs office"),
                urgent=waiting > 0,
            )
        )
    return tiles
