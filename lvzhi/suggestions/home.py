"""Home-page tiles of the suggestions loop for a deputy and a unit handler: what waits for them, each linking
to its list."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.home import Tile
from lvzhi.org.scope import scope_for

from .selectors_deputy import my_invitations, my_list, to_evaluate
from .selectors_unit import NEW, OVERDUE, PROMISE, REHANDLING, SOON, situation_counts


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


URGENT = (NEW, OVERDUE, REHANDLING)


def unit_tiles_for(user) -> list[Tile]:
    """A unit handler's tiles: the unit's own assignments that wait for it (one query for the counts)."""
    if not scope_for(user).unit_ids:
        return []
    counts = situation_counts(user=user, today=timezone.localdate())
    url = reverse("suggestions:unit_assignments")
    section = _("Unit handler")
    tiles = [
        (NEW, _("New assignments not acknowledged")),
        (SOON, _("Replies and opinions due within 15 days")),
        (OVERDUE, _("Overdue replies and opinions")),
        (REHANDLING, _("To handle again")),
        (PROMISE, _("Promises to report carried out")),
    ]
    return [
        Tile(label, counts[key], f"{url}?show={key}", section, urgent=counts[key] > 0 and key in URGENT)
        for key, label in tiles
    ]
