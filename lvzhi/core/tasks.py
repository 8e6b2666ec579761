"""Background jobs of the shared mechanisms. Jobs call services and are safe to run twice."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import notifications


@db_task(retries=3, retry_delay=60)
def deliver_notification(notification_id: int) -> str:
    state = notifications.deliver(notification_id)
    if state == notifications.State.FAILED:
        raise RuntimeError(f"notification {notification_id} failed; will retry")
    return state


@db_task()
def ping(token: str) -> str:
    """A no-op job that records that the consumer ran it (used by the health check in CI)."""
    from django.core.cache import cache

    cache.set(f"lvzhi:ping:{token}", "done", 600)
    return token


@db_periodic_task(crontab(minute="*/10"))
def retry_failed_notifications() -> int:
    from .models import Notification

    ids = list(
        Notification.objects.filter(
            state__in=[notifications.State.PENDING, notifications.State.FAILED], attempts__lt=5
        ).values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        notifications.deliver(pk)
    return len(ids)
