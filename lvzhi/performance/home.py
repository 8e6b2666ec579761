"""Home-page tiles of performance: a deputy's activities waiting and rules it falls short of this year; the
office's activities to confirm and the shortfall list."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.home import Tile
from lvzhi.org.models import Mandate
from lvzhi.org.scope import scope_for

from .evaluation import evaluate
from .models import Participation
from .selectors import confirmation_queue, congresses_run_by


def tiles_for(user) -> list[Tile]:
    s = scope_for(user)
    tiles: list[Tile] = []
    if s.mandate_ids:
        url = reverse("performance:mine")
        section = _("Deputy")
        waiting = Participation.objects.filter(
            mandate_id__in=s.mandate_ids, status=Participation.Status.REGISTERED
        ).count()
        mandates = Mandate.objects.filter(pk__in=s.mandate_ids).current()
        short = sum(
            len(r.short_items)
            for r in evaluate(mandates=mandates, year=timezone.localdate().year, stars=False)
        )
        tiles += [
            Tile(_("My activities awaiting confirmation"), waiting, f"{url}?status=registered", section),
            Tile(_("Performance rules I fall short of this year"), short, url, section, urgent=short > 0),
        ]
    if s.act_congress_ids or s.is_admin:
        if congresses_run_by(user=user).exists():
            section = _("Deputy-affairs office")
            count = confirmation_queue(user=user).count()
            tiles += [
                Tile(
                    _("Activities to confirm"), count, reverse("performance:queue"), section, urgent=count > 0
                ),
                Tile(
                    _("Deputies short of the performance rules"),
                    None,
                    reverse("performance:shortfall"),
                    section,
                ),
            ]
    return tiles
