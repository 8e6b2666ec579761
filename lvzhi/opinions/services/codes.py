"""Contact codes: issue one for a deputy mandate or a station, revoke and reissue it, issue the missing ones.

A code's token is the public address's secret part; it never changes. Revoking a code keeps its row, so the
old address shows a polite "moved" page pointing at the new code.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import EventBatch, record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Mandate
from lvzhi.org.scope import scope_for
from lvzhi.stations.models import Station

from .. import events
from ..models import ContactCode


def live_code_of(*, mandate: Mandate | None = None, station: Station | None = None) -> ContactCode | None:
    qs = ContactCode.objects.filter(revoked_at__isnull=True)
    return (qs.filter(mandate=mandate) if mandate else qs.filter(station=station)).first()


def _check_actor(actor, congress_id: int) -> None:
    if not scope_for(actor).can_act_in(congress_id):
        raise ServiceError("not_permitted", _("You may not manage this congress's codes."), status=403)


@transaction.atomic
def code_issue(*, actor, mandate: Mandate | None = None, station: Station | None = None) -> ContactCode:
    """The live code of a mandate or station, issued now if it has none (staff of its congress)."""
    if (mandate is None) == (station is None):
        raise ValueError("a code is for a mandate or a station, exactly one")
    target = mandate or station
    _check_actor(actor, target.congress_id)
    found = live_code_of(mandate=mandate, station=station)
    if found:
        return found
    code = ContactCode.objects.create(
        mandate=mandate, station=station, congress_id=target.congress_id, created_by=actor
    )
    record_event(actor=actor, kind=events.CODE_ISSUED, target=code, payload={"code_id": code.pk})
    return code


@transaction.atomic
def code_revoke(*, actor, code: ContactCode, reissue: bool = True) -> ContactCode | None:
    """Revoke a code (a poster was lost or misused); with `reissue`, a new code replaces it and the old
    address points there. Returns the new code (or None)."""
    code = ContactCode.objects.select_for_update().get(pk=code.pk)
    _check_actor(actor, code.congress_id)
    if code.revoked_at is not None:
        raise ServiceError("already_revoked", _("This code is already revoked."), status=409)
    code.revoked_at = timezone.now()
    code.save(update_fields=["revoked_at"])
    new = None
    if reissue:
        new = ContactCode.objects.create(
            mandate_id=code.mandate_id,
            station_id=code.station_id,
            congress_id=code.congress_id,
            created_by=actor,
        )
        code.replaced_by = new
        code.save(update_fields=["replaced_by"])
    record_event(
        actor=actor,
        kind=events.CODE_REVOKED,
        target=code,
        payload={"code_id": code.pk, "replaced_by": new.pk if new else None},
    )
    if new:
        record_event(actor=actor, kind=events.CODE_ISSUED, target=new, payload={"code_id": new.pk})
    return new


@transaction.atomic
def codes_issue_missing(*, actor, mandates=(), stations=()) -> int:
    """Give every listed mandate and station without a live code one, in bulk (the demo, a new term's
    roster); one event per code. Returns how many were issued."""
    have_m = set(
        ContactCode.objects.filter(revoked_at__isnull=True, mandate__isnull=False).values_list(
            "mandate_id", flat=True
        )
    )
    have_s = set(
        ContactCode.objects.filter(revoked_at__isnull=True, station__isnull=False).values_list(
            "station_id", flat=True
        )
    )
    rows = [
        ContactCode(mandate=m, congress_id=m.congress_id, created_by=actor)
        for m in mandates
        if m.pk not in have_m
    ]
    rows += [
        ContactCode(station=s, congress_id=s.congress_id, created_by=actor)
        for s in stations
        if s.pk not in have_s
    ]
    if not rows:
        return 0
    ContactCode.objects.bulk_create(rows, batch_size=1000)
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; read them back to be safe elsewhere.
    created = ContactCode.objects.filter(token__in=[r.token for r in rows])
    batch = EventBatch(actor)
    for code in created:
        batch.add(code, events.CODE_ISSUED, payload={"code_id": code.pk})
    batch.flush()
    return len(rows)
