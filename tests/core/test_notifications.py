"""Notifications: once per cause and channel, delivered after the commit, delivery state recorded."""

import os
import subprocess
import sys

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from lvzhi.core import notifications
from lvzhi.core.models import Notification
from lvzhi.core.notifications import notify
from lvzhi.core.sms import ConsoleSmsBackend, MemorySmsBackend, SmsError, get_backend
from lvzhi.core.tasks import retry_failed_notifications
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Channel, State = Notification.Channel, Notification.State
ALL = (Channel.INBOX, Channel.EMAIL, Channel.SMS)


class FailingSmsBackend:
    """A gateway that is down."""

    def send(self, *, mobile, text):
        raise SmsError("gateway timeout")


@pytest.fixture
def deputy(db):
    return UserFactory(email="deputy@example.org", mobile="13900001111")


def rows(user, cause):
    return Notification.objects.filter(recipient=user, cause=cause)


def test_one_row_per_channel_and_a_second_notify_sends_nothing(
    deputy, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(recipient=deputy, cause="test:assigned:1", subject="新的建议", channels=ALL)
    assert len(first) == 3
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = notify(recipient=deputy, cause="test:assigned:1", subject="新的建议", channels=ALL)
    assert again == [] and callbacks == []
    assert rows(deputy, "test:assigned:1").count() == 3
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1


def test_email_and_sms_go_out_only_after_the_commit(deputy, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=deputy, cause="test:commit", subject="办理期限将到", channels=ALL)
        # Inside the transaction: rows exist, nothing has left the building.
        assert rows(deputy, "test:commit").count() == 3
        assert mail.outbox == [] and sms_outbox == []
    assert [m.to for m in mail.outbox] == [["deputy@example.org"]]
    assert mail.outbox[0].subject == "办理期限将到"
    assert sms_outbox == [{"mobile": "13900001111", "text": "【履职】办理期限将到"}]
    states = dict(rows(deputy, "test:commit").values_list("channel", "state"))
    assert states == {"inbox": "sent", "email": "sent", "sms": "sent"}
    assert not rows(deputy, "test:commit").filter(sent_at__isnull=True).exists()


def test_a_rolled_back_notify_sends_nothing(deputy, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(recipient=deputy, cause="test:rollback", subject="不会发出", channels=ALL)
            raise RuntimeError("the service step failed")
    assert callbacks == []
    assert not rows(deputy, "test:rollback").exists()
    assert mail.outbox == [] and sms_outbox == []


def test_no_address_is_recorded_as_skipped(sms_outbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="", mobile=None)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=user, cause="test:no-address", subject="提醒", channels=ALL)
    states = dict(rows(user, "test:no-address").values_list("channel", "state"))
    assert states == {"inbox": "sent", "email": "skipped", "sms": "skipped"}
    assert mail.outbox == [] and sms_outbox == []


def test_a_failed_sms_is_recorded_and_the_periodic_job_retries_it(
    deputy, settings, sms_outbox, django_capture_on_commit_callbacks
):
    # Given the SMS gateway is down
    settings.LVZHI_SMS_BACKEND = "tests.core.test_notifications.FailingSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=deputy, cause="test:gateway", subject="提醒", channels=[Channel.SMS])
    note = rows(deputy, "test:gateway").get()
    assert (note.state, note.attempts) == (State.FAILED, 1)
    assert "gateway timeout" in note.error
    # When it is back and the periodic job runs
    settings.LVZHI_SMS_BACKEND = "lvzhi.core.sms.MemorySmsBackend"
    retry_failed_notifications()
    # Then the message goes out once, and the row says so
    note.refresh_from_db()
    assert (note.state, note.attempts) == (State.SENT, 2)
    assert sms_outbox == [{"mobile": "13900001111", "text": "【履职】提醒"}]
    # and running the job again sends nothing more
    retry_failed_notifications()
    assert len(sms_outbox) == 1


def test_the_periodic_job_gives_up_after_five_attempts(deputy, settings, django_capture_on_commit_callbacks):
    settings.LVZHI_SMS_BACKEND = "tests.core.test_notifications.FailingSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=deputy, cause="test:down", subject="提醒", channels=[Channel.SMS])
    for _ in range(6):
        retry_failed_notifications()
    assert rows(deputy, "test:down").get().attempts == 5


def test_tests_use_the_memory_sms_backend():
    assert isinstance(get_backend(), MemorySmsBackend)


def test_demo_mode_prints_sms_on_the_console(capsys, tmp_path):
    # The demo's settings choose the console backend (read in a fresh process: settings load once).
    env = {k: v for k, v in os.environ.items() if k not in {"LVZHI_TESTING", "LVZHI_SMS_BACKEND"}}
    env.update(LVZHI_DEMO="1", LVZHI_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="lvzhi.settings")
    code = "from django.conf import settings; print(settings.LVZHI_SMS_BACKEND)"
    chosen = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert chosen.stdout.strip() == "lvzhi.core.sms.ConsoleSmsBackend"
    ConsoleSmsBackend().send(mobile="13900001111", text="【履职】测试")
    assert "[SMS → 13900001111] 【履职】测试" in capsys.readouterr().out


# --- the inbox ------------------------------------------------------------------------------------


def test_the_top_bar_counts_unread_messages_and_the_inbox_marks_them_read(signed_in, deputy):
    notify(recipient=deputy, cause="test:inbox:1", subject="第一条", url="/org/deputies/")
    notify(recipient=deputy, cause="test:inbox:2", subject="第二条")
    client = signed_in(deputy)
    home = client.get(reverse("home")).content.decode()
    assert '<b class="badge">2</b>' in home
    inbox = client.get(reverse("core:inbox")).content.decode()
    assert "第一条" in inbox and "第二条" in inbox and 'href="/org/deputies/"' in inbox
    # Mark one read
    one = rows(deputy, "test:inbox:1").get()
    client.post(reverse("core:inbox_mark_read"), {"id": one.pk})
    assert '<b class="badge">1</b>' in client.get(reverse("home")).content.decode()
    # Mark all read
    client.post(reverse("core:inbox_mark_read"))
    assert 'class="badge"' not in client.get(reverse("home")).content.decode()
    assert notifications.unread_count(deputy) == 0


def test_one_cannot_mark_someone_elses_message_read(signed_in, deputy):
    other = UserFactory()
    notify(recipient=other, cause="test:other", subject="别人的消息")
    theirs = rows(other, "test:other").get()
    signed_in(deputy).post(reverse("core:inbox_mark_read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "别人的消息" not in signed_in(deputy).get(reverse("core:inbox")).content.decode()
