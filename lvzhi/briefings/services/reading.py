"""A deputy opens a briefing: the first opening is recorded on its receipt (once, with the time)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lvzhi.core.audit import record_event
from lvzhi.core.models import Notification
from lvzhi.core.notifications import INBOX
from lvzhi.org.scope import scope_for

from .. import events
from ..models import Briefing, Receipt
from ..workflow import State


@transaction.atomic
def briefing_open(*, actor, briefing: Briefing) -> Receipt | None:
    """Record that `actor` read `briefing`, if it is a recipient and has not read it before.

    Returns the actor's receipt (None when it is not a recipient, or the briefing is not published). Opening
    it again changes nothing: the first time stays the time it was read.
    """
    s = scope_for(actor)
    if not s.person_id:
        return None
    # The state as stored, not as the caller's copy says: a withdrawn briefing records nothing.
    receipt = Receipt.objects.filter(
        briefing_id=briefing.pk, briefing__state=State.PUBLISHED, person_id=s.person_id
    ).first()
    if receipt is None or receipt.read_at is not None:
        return receipt
    now = timezone.now()
    # The filter on read_at makes two openings at once record one time, and one event.
    if Receipt.objects.filter(pk=receipt.pk, read_at__isnull=True).update(read_at=now):
        record_event(actor=actor, kind=events.READ, target=briefing, payload={"receipt": receipt.pk})
        # The messages about it are read too: the deputy has what they pointed to.
        Notification.objects.filter(
            recipient=actor,
            channel=Notification.Channel.INBOX,
            cause__startswith=f"briefings:{briefing.pk}:",
            read_at__isnull=True,
        ).update(read_at=now)
        INBOX.bump()  # the unread counts; update() sends no post_save
    receipt.refresh_from_db(fields=["read_at"])
    return receipt
