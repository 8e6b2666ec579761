"""Who a briefing reaches: its recipient choices (level, group, station) turned into people.

Resolved at publishing, on that day: deputies whose mandate is current then. One row per person, even when
the person is reached twice (a city deputy who also sits in the district's congress, or a member of a chosen
group who is also at a chosen station); the mandate kept for the row is the one in the briefing's own
congress when there is one, otherwise the nearest congress's.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from lvzhi.org.models import Mandate

from .models import Briefing, Target


def targets_query(targets) -> Q:
    """The mandates the choices name (current or not)."""
    q = Q(pk__in=[])
    for t in targets:
        if t.kind == Target.Kind.LEVEL:
            if t.include_lower:
                q |= Q(congress__path__startswith=t.congress.path)
            else:
                q |= Q(congress_id=t.congress_id)
        elif t.kind == Target.Kind.GROUP:
            q |= Q(pk__in=Mandate.objects.filter(group_memberships__group_id=t.group_id).values("pk"))
        elif t.kind == Target.Kind.STATION:
            q |= Q(pk__in=Mandate.objects.filter(station_assignments__station_id=t.station_id).values("pk"))
    return q


def resolve(briefing: Briefing, on: dt.date) -> dict[int, int]:
    """{person id: mandate id} of everyone the briefing reaches on `on`."""
    targets = list(briefing.targets.select_related("congress"))
    if not targets:
        return {}
    rows = (
        Mandate.objects.current(on)
        .filter(targets_query(targets))
        .values_list("pk", "person_id", "congress_id", "congress__path")
    )
    own = briefing.congress_id
    best: dict[int, tuple[tuple, int]] = {}
    for mandate_id, person_id, congress_id, path in rows:
        rank = (congress_id != own, len(path), mandate_id)
        if person_id not in best or rank < best[person_id][0]:
            best[person_id] = (rank, mandate_id)
    return {person_id: mandate_id for person_id, (_rank, mandate_id) in best.items()}


def count(briefing: Briefing, on: dt.date) -> int:
    """How many people the briefing would reach on `on` (a draft's page shows it before publishing)."""
    targets = list(briefing.targets.select_related("congress"))
    if not targets:
        return 0
    return Mandate.objects.current(on).filter(targets_query(targets)).values("person_id").distinct().count()
