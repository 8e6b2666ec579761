"""Background jobs call the services and are safe to run twice (Huey runs immediately in tests)."""

import pytest
from django.core import mail

from lvzhi.core.models import Notification
from lvzhi.core.tasks import deliver_notification, retry_failed_notifications
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
State = Notification.State


def pending(user, channel, cause):
    # A row as notify() leaves it before its transaction commits.
    return Notification.objects.create(recipient=user, channel=channel, cause=cause, subject="提醒")


def test_the_delivery_job_sends_once_however_often_it_runs(sms_outbox):
    user = UserFactory(mobile="13900002222")
    note = pending(user, Notification.Channel.SMS, "test:job:sms")
    first = deliver_notification(note.pk)
    second = deliver_notification(note.pk)
    assert first.get() == State.SENT and second.get() == State.SENT
    assert sms_outbox == [{"mobile": "13900002222", "text": "【履职】提醒"}]
    note.refresh_from_db()
    assert note.attempts == 1 and note.sent_at is not None


def test_the_periodic_job_delivers_what_is_pending_once(sms_outbox):
    user = UserFactory(email="a@example.org")
    note = pending(user, Notification.Channel.EMAIL, "test:job:email")
    retry_failed_notifications()
    retry_failed_notifications()
    assert len([m for m in mail.outbox if m.to == ["a@example.org"]]) == 1
    note.refresh_from_db()
    assert note.state == State.SENT and note.attempts == 1


def test_a_missing_notification_is_not_an_error():
    assert deliver_notification(987654321).get() == "missing"
