"""The daily sweep of citizens' opinions: a reminder the working day before the acknowledgement is due, then
escalation to the office; a reminder to the unit before its answer is due, then the overdue flag. Each
message is sent once, however often the sweep runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lvzhi.core.models import Event, Notification
from lvzhi.opinions import events, tasks
from lvzhi.opinions.abuse import Client as AbuseClient
from lvzhi.opinions.deadlines import opinion_deadline_sweep
from lvzhi.opinions.models import Opinion
from lvzhi.opinions.services.handling import opinion_acknowledge
from lvzhi.opinions.services.submit import opinion_submit
from lvzhi.opinions.services.triage import opinion_assign_unit, opinion_enter
from lvzhi.org.models import Congress, RoleAssignment, User
from lvzhi.org.roles import Role

pytestmark = pytest.mark.django_db

WED, THU, FRI = dt.date(2026, 3, 11), dt.date(2026, 3, 12), dt.date(2026, 3, 13)
MON = dt.date(2026, 3, 16)


def user(username: str) -> User:
    return User.objects.get(username=username)


def notes(opinion: Opinion, clock: str, username: str) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient__username=username,
            cause__startswith=f"opinions.{clock}:",
            cause__endswith=f":{opinion.pk}",
        )
    )


@pytest.fixture
def item(code):
    opinion = opinion_submit(
        code=code,
        kind="opinion",
        category="city",
        content="小区门口的井盖松动了，踩上去会响。",
        consent=True,
        client=AbuseClient(ip_hash="deadline-test"),
    ).opinion
    Opinion.objects.filter(pk=opinion.pk).update(ack_due_on=THU)
    opinion.refresh_from_db()
    return opinion


def test_the_deputy_is_reminded_the_working_day_before_and_only_once(item):
    opinion_deadline_sweep(today=dt.date(2026, 3, 10))  # two days before: too early
    assert notes(item, "ack_reminder", "deputy_a") == []
    result = opinion_deadline_sweep(today=WED)
    sent = notes(item, "ack_reminder", "deputy_a")
    assert {n.channel for n in sent} == {"inbox", "sms"} and item.number in sent[0].subject
    assert result.reminders >= 2
    opinion_deadline_sweep(today=WED)  # the job runs twice
    opinion_deadline_sweep(today=THU)  # and the next day, the due day
    assert len(notes(item, "ack_reminder", "deputy_a")) == 2


def test_a_monday_deadline_is_reminded_on_the_friday(item):
    Opinion.objects.filter(pk=item.pk).update(ack_due_on=MON)
    opinion_deadline_sweep(today=THU)
    assert notes(item, "ack_reminder", "deputy_a") == []
    opinion_deadline_sweep(today=FRI)
    assert len(notes(item, "ack_reminder", "deputy_a")) == 2


def test_the_last_working_day_before_the_national_day_holiday_carries_the_reminder(item):
    Opinion.objects.filter(pk=item.pk).update(ack_due_on=dt.date(2026, 10, 8))
    opinion_deadline_sweep(today=dt.date(2026, 9, 29))
    assert notes(item, "ack_reminder", "deputy_a") == []
    opinion_deadline_sweep(today=dt.date(2026, 9, 30))
    assert len(notes(item, "ack_reminder", "deputy_a")) == 2


def test_an_overdue_item_is_escalated_to_the_office_once(item):
    opinion_deadline_sweep(today=THU)  # due today: not yet overdue
    item.refresh_from_db()
    assert item.escalated_at is None
    first = opinion_deadline_sweep(today=FRI)
    item.refresh_from_db()
    assert item.escalated_at is not None and first.escalated >= 1
    assert Event.objects.filter(target_id=str(item.pk), kind=events.ESCALATED).count() == 1
    office = notes(item, "escalated", "staff_a")
    assert len(office) == 1 and office[0].channel == "inbox" and item.number in office[0].subject
    assert office[0].url == reverse("opinion_triage:detail", args=[item.pk])
    to_deputy = notes(item, "escalated", "deputy_a")
    assert {n.channel for n in to_deputy} == {"inbox", "sms"}
    assert to_deputy[0].url == reverse("opinion_inbox:item", args=[item.pk])
    # The sibling district's office is not told.
    assert notes(item, "escalated", "staff_b") == []
    opinion_deadline_sweep(today=FRI)
    opinion_deadline_sweep(today=MON)
    assert Event.objects.filter(target_id=str(item.pk), kind=events.ESCALATED).count() == 1
    assert len(notes(item, "escalated", "staff_a")) == 1


def test_an_acknowledged_item_is_neither_reminded_nor_escalated(item):
    opinion_acknowledge(actor=user("deputy_a"), opinion=item)
    opinion_deadline_sweep(today=WED)
    opinion_deadline_sweep(today=FRI)
    item.refresh_from_db()
    assert item.escalated_at is None and notes(item, "ack_reminder", "deputy_a") == []


def test_the_queue_flags_what_is_overdue(item):
    from django.test import Client

    Opinion.objects.filter(pk=item.pk).update(ack_due_on=timezone.localdate() - dt.timedelta(days=1))
    client = Client()
    client.force_login(user("staff_a"))
    listed = client.get(reverse("opinion_triage:queue"), {"ack_overdue": "on"}).content.decode()
    assert item.number in listed
    opinion_acknowledge(actor=user("staff_a"), opinion=item)
    listed = client.get(reverse("opinion_triage:queue"), {"ack_overdue": "on"}).content.decode()
    assert item.number not in listed


# --- the unit's clock ------------------------------------------------------------------------------------
@pytest.fixture
def at_unit():
    city = Congress.objects.get(name="示范市人民代表大会")
    staff = user("city_staff")
    opinion = opinion_enter(
        actor=staff,
        congress=city,
        source=Opinion.Source.STAFF,
        kind="opinion",
        category="education",
        content="学校食堂的饭菜质量下降，家长很担心。",
        consent=True,
    ).opinion
    unit = RoleAssignment.objects.get(user__username="handler_a", role=Role.UNIT_HANDLER).unit
    opinion_assign_unit(actor=staff, opinion=opinion, unit=unit)
    Opinion.objects.filter(pk=opinion.pk).update(unit_due_on=THU)
    opinion.refresh_from_db()
    return opinion


def test_the_unit_is_reminded_before_its_answer_is_due_once(at_unit):
    opinion_deadline_sweep(today=dt.date(2026, 3, 10))
    assert notes(at_unit, "unit_reminder", "handler_a") == []
    opinion_deadline_sweep(today=WED)
    opinion_deadline_sweep(today=WED)
    sent = notes(at_unit, "unit_reminder", "handler_a")
    assert {n.channel for n in sent} == {"inbox", "sms"} and len(sent) == 2
    assert notes(at_unit, "unit_reminder", "handler_b") == []


def test_an_overdue_unit_is_flagged_once_and_the_office_told(at_unit):
    opinion_deadline_sweep(today=THU)
    assert not Event.objects.filter(target_id=str(at_unit.pk), kind=events.UNIT_OVERDUE).exists()
    result = opinion_deadline_sweep(today=FRI)
    again = opinion_deadline_sweep(today=FRI)
    opinion_deadline_sweep(today=MON)
    flagged = Event.objects.filter(target_id=str(at_unit.pk), kind=events.UNIT_OVERDUE)
    assert flagged.count() == 1 and flagged.get().payload["due"] == THU.isoformat()
    assert result.unit_overdue >= 1 and again.unit_overdue == 0
    assert len(notes(at_unit, "unit_overdue", "handler_a")) == 2  # inbox and SMS
    assert len(notes(at_unit, "unit_overdue", "city_staff")) == 1
    # A new due date (a new assignment) is a new clock: flagged again when it too runs out.
    Opinion.objects.filter(pk=at_unit.pk).update(unit_due_on=FRI)
    opinion_deadline_sweep(today=MON)
    assert flagged.count() == 2


def test_the_daily_job_runs_the_sweep():
    assert set(tasks.opinion_deadlines.call_local()) == {
        "reminders",
        "escalated",
        "unit_reminders",
        "unit_overdue",
        "errors",
    }
