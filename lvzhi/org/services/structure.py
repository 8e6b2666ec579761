"""Writes of the congress structure."""

from __future__ import annotations

from django.db import transaction

from lvzhi.core.audit import record_event

from ..models import Congress


@transaction.atomic
def congress_create(
    *,
    actor,
    name: str,
    short_name: str,
    level: str,
    region_name: str,
    parent: Congress | None = None,
    region_code: str = "",
    has_standing_committee: bool = True,
) -> Congress:
    congress = Congress.objects.create(
        name=name,
        short_name=short_name,
        level=level,
        region_name=region_name,
        region_code=region_code,
        parent=parent,
        has_standing_committee=has_standing_committee,
    )
    # The path needs the new id, so it is set in a second write inside the same transaction.
    congress.path = (parent.path if parent else "/") + f"{congress.pk}/"
    congress.save(update_fields=["path"])
    record_event(
        actor=actor, kind="congress.created", target=congress, payload={"parent": parent and parent.pk}
    )
    return congress
