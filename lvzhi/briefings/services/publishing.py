"""Publishing a briefing, withdrawing it, and reminding the deputies who have not read it.

Publishing fixes the recipients: the choices are resolved on that day into one read receipt per person, and
every recipient with an account finds the briefing in its messages. The messages are written in bulk (one
insert, not one query per deputy: a province's briefing reaches tens of thousands), as the in-app inbox rows
lvzhi.core.notifications.notify writes, unique on (recipient, channel, cause) so no cause notifies twice.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Notification
from lvzhi.core.notifications import INBOX
from lvzhi.org.models import User

from .. import events, recipients
from ..models import Briefing, Receipt
from ..workflow import State, Step
from .common import clean_text, lock, require_office, require_step


def _notify_people(receipts, *, cause: str, subject: str, url: str) -> int:
    """An in-app message to the active accounts of the receipts' people, once per cause; the number sent."""
    users = User.objects.filter(is_active=True, person_id__in=receipts.values("person_id"))
    already = Notification.objects.filter(
        recipient__in=users, channel=Notification.Channel.INBOX, cause=cause
    ).values("recipient_id")
    ids = list(users.exclude(pk__in=already).values_list("pk", flat=True))
    now = timezone.now()
    rows = [
        Notification(
            recipient_id=pk,
            channel=Notification.Channel.INBOX,
            cause=cause,
            subject=subject[:200],
            url=url,
            state=Notification.State.SENT,  # the inbox is the delivery: the row is what the user sees
            sent_at=now,
            created_at=now,
        )
        for pk in ids
    ]
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    INBOX.bump()  # the unread counts; bulk_create sends no post_save
    return len(rows)


@transaction.atomic
def briefing_publish(*, actor, briefing: Briefing) -> int:
    """Send a draft to its recipients; returns how many people it reached."""
    briefing = lock(briefing)
    require_office(actor, briefing)
    require_step(briefing, Step.PUBLISH)
    now = timezone.now()
    reached = recipients.resolve(briefing, timezone.localdate())
    if not reached:
        raise ServiceError(
            "no_recipients",
            _("No serving deputy is among the chosen recipients; choose others before publishing."),
            status=409,
        )
    Receipt.objects.bulk_create(
        [Receipt(briefing=briefing, person_id=p, mandate_id=m) for p, m in reached.items()], batch_size=1000
    )
    briefing.state = State.PUBLISHED
    briefing.published_at, briefing.published_by = now, actor
    briefing.save(update_fields=["state", "published_at", "published_by"])
    notified = _notify_people(
        Receipt.objects.filter(briefing=briefing),
        cause=f"briefings:{briefing.pk}:published",
        subject=_("New briefing from %(issuer)s: %(title)s")
        % {"issuer": briefing.issuer_name, "title": briefing.title},
        url=reverse("briefings:detail", args=[briefing.pk]),
    )
    record_event(
        actor=actor,
        kind=events.PUBLISHED,
        target=briefing,
        from_state=State.DRAFT,
        to_state=State.PUBLISHED,
        payload={"recipients": len(reached), "notified": notified},
    )
    return len(reached)


@transaction.atomic
def briefing_withdraw(*, actor, briefing: Briefing, reason: str) -> Briefing:
    """Take a published briefing back, with the reason: it vanishes from the deputies' lists."""
    briefing = lock(briefing)
    require_office(actor, briefing)
    require_step(briefing, Step.WITHDRAW)
    reason = clean_text(reason, field="reason", max_length=500, required=True, label=_("reason"))
    briefing.state = State.WITHDRAWN
    briefing.withdrawn_at, briefing.withdrawn_by, briefing.withdraw_reason = timezone.now(), actor, reason
    briefing.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "withdraw_reason"])
    record_event(
        actor=actor,
        kind=events.WITHDRAWN,
        target=briefing,
        from_state=State.PUBLISHED,
        to_state=State.WITHDRAWN,
        note=reason,
    )
    return briefing


@transaction.atomic
def briefing_remind(*, actor, briefing: Briefing) -> int:
    """A message to each recipient who has not read it yet (once a day at most); returns how many were sent."""
    briefing = lock(briefing)
    require_office(actor, briefing)
    require_step(briefing, Step.REMIND)
    unread = Receipt.objects.filter(briefing=briefing, read_at__isnull=True)
    if not unread.exists():
        raise ServiceError(
            "all_read", _("Every recipient has read it; there is no one to remind."), status=409
        )
    if not User.objects.filter(is_active=True, person_id__in=unread.values("person_id")).exists():
        raise ServiceError(
            "no_accounts", _("None of the deputies who have not read it has an account to be reminded in.")
        )
    today = timezone.localdate()
    sent = _notify_people(
        unread,
        cause=f"briefings:{briefing.pk}:reminder:{today.isoformat()}",
        subject=_("Reminder: please read the briefing %(title)s") % {"title": briefing.title},
        url=reverse("briefings:detail", args=[briefing.pk]),
    )
    if not sent:
        raise ServiceError(
            "reminded_today",
            _("The deputies who have not read it were reminded today already; remind them again tomorrow."),
            status=409,
        )
    briefing.reminded_at = timezone.now()
    briefing.save(update_fields=["reminded_at"])
    record_event(
        actor=actor,
        kind=events.REMINDED,
        target=briefing,
        payload={"reminded": sent, "unread": unread.count()},
    )
    return sent
