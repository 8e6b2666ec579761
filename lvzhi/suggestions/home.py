"""Home-page tiles of the suggestions loop for a deputy: what waits for them, each linking to its list."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from lvzhi.core.home import Tile
from lvzhi.org.scope import scope_for

from .selectors_deputy import my_invitations, my_list, to_evaluate


def tiles_for(user) -> list[Tile]:
    if not scope_for(user).mandate_ids:
        return []
    url = reverse("suggestions:mine")
    section = _("Deputy")
    drafts = my_list(user=user, show="drafts").count()
    invitations = my_invitations(user=user).values("suggestion_id").distinct().count()
    rate = to_evaluate(user=user).count()
    returned = my_list(user=user, show="returned").count()
    return [
        Tile(_("My draft suggestions"), drafts, f"{url}?show=drafts", section),
        Tile(
            _("Invitations to co-sign"),
            invitations,
            f"{url}?show=invitations",
            section,
            urgent=invitations > 0,
        ),
        Tile(_("Replies to evaluate"), rate, f"{url}?show=evaluate", section, urgent=rate > 0),
        Tile(_("Returned for revision"), returned, f"{url}?show=returned", section, urgent=returned > 0),
    ]
