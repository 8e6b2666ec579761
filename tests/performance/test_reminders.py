"""Deputies short of their rules in the last quarter are reminded once per rule item per year."""

from __future__ import annotations

import datetime as dt

import pytest

from lvzhi.core.models import Notification
from lvzhi.performance import kinds
from lvzhi.performance.services.activities import activity_register_for_participants
from lvzhi.performance.services.common import kind_by_code
from lvzhi.performance.services.reminders import shortfall_reminders_send
from lvzhi.performance.services.rules import preset_apply
from lvzhi.performance.tasks import performance_reminders


def mine(user):
    return Notification.objects.filter(recipient=user, cause__startswith="performance:short:")


@pytest.fixture
def ruled(world, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 1, 9, 0), tick=False)
    preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    activity_register_for_participants(
        actor=world.staff,
        congress=world.district,
        kind=kind_by_code(kinds.SPEECH),
        date=dt.date(2026, 1, 20),
        title="审议政府工作报告",
        mandates=[world.a],
    )
    return world


def test_no_reminders_before_the_last_quarter(ruled):
    assert shortfall_reminders_send(today=dt.date(2026, 9, 30)) == 0
    assert not mine(ruled.a_user).exists()


def test_reminders_in_the_last_quarter_once_per_item(ruled, time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 8, 7, 30), tick=False)
    shortfall_reminders_send(today=dt.date(2026, 10, 8))
    notes = mine(ruled.a_user)
    subjects = sorted(n.subject for n in notes)
    # 甲: 1 of 3 speeches, no recess activity, no suggestion; the term (ending 2026) lacks trainings,
    # a good deed and a report: six items, each reminded.
    assert len(subjects) == 6 and any("大会审议发言" in s for s in subjects)
    speech = next(n for n in notes if "大会审议发言" in n.subject)
    assert "1" in speech.body and "3" in speech.body
    # The next day (and the job run twice) tells no one again.
    assert shortfall_reminders_send(today=dt.date(2026, 10, 9)) == 0
    assert performance_reminders.call_local() == 0
    assert mine(ruled.a_user).count() == 6


def test_a_deputy_who_meets_an_item_is_not_reminded_of_it(ruled, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 7, 30), tick=False)
    activity_register_for_participants(
        actor=ruled.staff,
        congress=ruled.district,
        kind=kind_by_code(kinds.SPEECH),
        date=dt.date(2026, 1, 21),
        title="审议计划报告",
        mandates=[ruled.a],
    )
    activity_register_for_participants(
        actor=ruled.staff,
        congress=ruled.district,
        kind=kind_by_code(kinds.SPEECH),
        date=dt.date(2026, 1, 22),
        title="审议预算报告",
        mandates=[ruled.a],
    )
    shortfall_reminders_send(today=dt.date(2026, 11, 2))
    assert not any("大会审议发言" in n.subject for n in mine(ruled.a_user))
