"""Home-page tile of invitations: a deputy's invitations waiting for an answer.

(Listed in lvzhi.core.home.PROVIDERS as "lvzhi.meetings.home.tiles_for".)
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from lvzhi.core.home import Tile
from lvzhi.org.scope import scope_for

from .selectors import my_invitations
from .workflow import State


def tiles_for(user) -> list[Tile]:
    if not scope_for(user).mandate_ids:
        return []
    waiting = my_invitations(user=user).filter(state=State.INVITED).count()
    return [
        Tile(
            _("Invitations waiting for my answer"),
            waiting,
            reverse("meetings:mine"),
            _("Deputy"),
            urgent=waiting > 0,
        )
    ]
