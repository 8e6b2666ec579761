"""Notifications: an in-app inbox, email and SMS.

`notify` is called inside a service's transaction. It records one row per channel, unique on
(recipient, channel, cause), so the same cause never notifies twice; delivery runs as a background job
after the transaction commits, and records its state.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .list_cache import RecordsVersion
from .models import Notification
from .sms import get_backend

Channel = Notification.Channel
State = Notification.State


def notify(
    *,
    recipient,
    cause: str,
    subject: str,
    body: str = "",
    url: str = "",
    channels: Iterable[str] = (Channel.INBOX,),
) -> list[Notification]:
    created = []
    for channel in channels:
        note, is_new = Notification.objects.get_or_create(
            recipient=recipient,
            channel=channel,
            cause=cause,
            defaults={"subject": str(subject)[:200], "body": str(body), "url": url},
        )
        if not is_new:
            continue
        created.append(note)
        if channel == Channel.INBOX:
            # The inbox is the delivery: the row is what the user sees.
            Notification.objects.filter(pk=note.pk).update(state=State.SENT, sent_at=timezone.now())
        else:
            transaction.on_commit(lambda pk=note.pk: _enqueue_delivery(pk))
    return created


def _enqueue_delivery(notification_id: int) -> None:
    from .tasks import deliver_notification

    deliver_notification(notification_id)


def deliver(notification_id: int) -> str:
    """Send one pending email or SMS; safe to run twice (a sent row is left alone)."""
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if note is None or note.state in (State.SENT, State.SKIPPED):
            return note.state if note else "missing"
        user = note.recipient
        note.attempts += 1
        try:
            if note.channel == Channel.EMAIL:
                if not user.email:
                    note.state = State.SKIPPED
                else:
                    send_mail(note.subject, f"{note.body}\n\n{note.url}".strip(), None, [user.email])
                    note.state = State.SENT
            elif note.channel == Channel.SMS:
                if not user.mobile:
                    note.state = State.SKIPPED
                else:
                    get_backend().send(mobile=user.mobile, text=f"【履职】{note.subject}")
                    note.state = State.SENT
        except Exception as exc:  # a gateway failure is recorded and retried by the job
            note.state = State.FAILED
            note.error = str(exc)[:1000]
        if note.state == State.SENT:
            note.sent_at = timezone.now()
        note.save(update_fields=["state", "attempts", "error", "sent_at"])
        return note.state


def inbox_for(user):
    return Notification.objects.filter(recipient=user, channel=Channel.INBOX)


# The unread count is on every signed-in page: it is kept until a notification is written. Writers that
# update in bulk (marking read) call INBOX.bump().
INBOX = RecordsVersion("inbox", ("core.Notification",), only_fast_cache=True)


def unread_count(user) -> int:
    return INBOX.cached(f"unread:{user.pk}", lambda: inbox_for(user).filter(read_at__isnull=True).count())


def mark_read(*, user, notification_id: int | None = None) -> int:
    qs = inbox_for(user).filter(read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    marked = qs.update(read_at=timezone.now())
    INBOX.bump()  # after the write: a count read meanwhile is stored under the old version
    return marked
