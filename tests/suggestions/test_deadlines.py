"""The daily deadline sweep: reminders before each clock runs out, sent once; overdue notices; evaluation windows
that close; the reminder days as a congress setting; the job's schedule in local time."""

import datetime as dt

import pytest

from lvzhi.core.models import Event, Notification
from lvzhi.org.congress_settings import validate_value
from lvzhi.org.models import CongressSetting, User
from lvzhi.suggestions import events, tasks
from lvzhi.suggestions.deadlines import deadline_sweep, reminder_offset
from lvzhi.suggestions.models import Assignment, Evaluation
from lvzhi.suggestions.services import drafting, handling, replies, review
from lvzhi.suggestions.workflow import State
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db
SHANGHAI = TODAY.tzinfo


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    w = build()
    w.committee_staff = User.objects.get(username="committee_b")
    w.committee = w.committee_staff.roles.get(role="committee_staff").committee
    return w


def on(time_machine, day: dt.date):
    """Travel to 07:30 on `day`, when the job runs, and run the sweep."""
    time_machine.move_to(dt.datetime(day.year, day.month, day.day, 7, 30, tzinfo=SHANGHAI), tick=False)
    result = deadline_sweep()
    assert result.errors == 0
    return result


def submitted(w):
    s = w.draft(title="关于加强中小学校园食品安全监管的建议", field="education")
    return drafting.suggestion_submit(actor=w.deputy, suggestion=s)


def assigned(w):
    s = review.suggestion_accept(actor=w.staff, suggestion=submitted(w), committee=w.committee)
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=w.unit, co_units=[w.unit_b])
    s.refresh_from_db()
    return s, s.assignments.get(role=Assignment.Role.LEAD), s.assignments.get(role=Assignment.Role.CO)


def notes(s, clock: str, *, user=None, channel="inbox"):
    qs = Notification.objects.filter(
        cause__startswith=f"suggestion:{s.pk}:deadline:{clock}:", channel=channel
    )
    if user is not None:
        qs = qs.filter(recipient=user)
    return sorted(qs.values_list("cause", flat=True))


def test_the_lead_unit_is_reminded_15_and_3_days_before_its_reply_is_due_once_each(w, time_machine):
    s, lead, _co = assigned(w)
    due = lead.reply_due
    assert due == dt.date(2027, 2, 26)
    key = f"suggestion:{s.pk}:deadline:reply:{lead.pk}:20270226"

    on(time_machine, due - dt.timedelta(days=16))
    assert notes(s, "reply") == []
    on(time_machine, due - dt.timedelta(days=15))
    on(time_machine, due - dt.timedelta(days=15))  # the job runs twice: nothing more is sent
    assert notes(s, "reply", user=w.handler) == [f"{key}:15"]
    assert notes(s, "reply", user=w.handler, channel="sms") == [f"{key}:15"]
    assert notes(s, "reply", user=w.staff) == [f"{key}:15"]
    assert notes(s, "reply", user=w.committee_staff) == [f"{key}:15"]
    assert notes(s, "reply", user=w.handler_b) == []  # the co-unit is not told about the lead's reply

    on(time_machine, due - dt.timedelta(days=10))
    assert notes(s, "reply", user=w.handler) == [f"{key}:15"]
    on(time_machine, due - dt.timedelta(days=3))
    on(time_machine, due - dt.timedelta(days=3))
    assert notes(s, "reply", user=w.handler) == [f"{key}:15", f"{key}:3"]
    on(time_machine, due)
    assert len(notes(s, "reply", user=w.handler)) == 2


def test_the_day_after_the_reply_was_due_it_is_flagged_overdue_once(w, time_machine):
    s, lead, _co = assigned(w)
    due = lead.reply_due
    flagged = Event.objects.filter(target_id=str(s.pk), kind=events.OVERDUE, payload__clock="reply")
    on(time_machine, due)
    assert not flagged.exists()
    on(time_machine, due + dt.timedelta(days=1))
    on(time_machine, due + dt.timedelta(days=2))
    overdue = f"suggestion:{s.pk}:deadline:reply:{lead.pk}:20270226:overdue"
    for user in (w.handler, w.staff, w.committee_staff):
        assert overdue in notes(s, "reply", user=user)
    assert Notification.objects.filter(cause=overdue).count() == 4  # handler (inbox, sms), staff, committee
    assert flagged.count() == 1 and flagged.get().payload["assignment"] == lead.pk


def test_an_approved_extension_is_the_deadline_reminded_of(w, time_machine):
    s, lead, _co = assigned(w)
    on(time_machine, lead.reply_due - dt.timedelta(days=15))
    handling.assignment_extend(
        actor=w.staff, assignment=lead, until=dt.date(2027, 4, 30), reason="涉及多部门协调，需延期"
    )
    on(time_machine, dt.date(2027, 2, 27))  # past the original date: not overdue, the extension is in force
    assert not [c for c in notes(s, "reply") if c.endswith("overdue")]
    on(time_machine, dt.date(2027, 4, 15))
    assert f"suggestion:{s.pk}:deadline:reply:{lead.pk}:20270430:15" in notes(s, "reply", user=w.handler)


def test_the_co_unit_is_reminded_of_its_opinion_and_flagged_when_late(w, time_machine):
    s, _lead, co = assigned(w)
    assert co.opinion_due == dt.date(2026, 12, 28)
    on(time_machine, dt.date(2026, 12, 25))
    assert notes(s, "opinion", user=w.handler_b) == [f"suggestion:{s.pk}:deadline:opinion:{co.pk}:20261228:3"]
    assert notes(s, "opinion", user=w.handler) == []
    on(time_machine, dt.date(2026, 12, 29))
    overdue = f"suggestion:{s.pk}:deadline:opinion:{co.pk}:20261228:overdue"
    assert overdue in notes(s, "opinion", user=w.handler_b) and overdue in notes(s, "opinion", user=w.staff)


def test_a_sent_opinion_stops_its_clock(w, time_machine):
    s, _lead, co = assigned(w)
    handling.co_opinion_send(actor=w.handler_b, assignment=co, text="我局将配合做好相关工作。")
    on(time_machine, dt.date(2026, 12, 29))
    assert notes(s, "opinion") == []


def test_the_unit_is_reminded_before_its_return_window_ends_unless_it_acknowledged(w, time_machine):
    s, lead, co = assigned(w)
    handling.assignment_acknowledge(actor=w.handler_b, assignment=co)
    assert lead.return_due == dt.date(2026, 12, 1)
    on(time_machine, dt.date(2026, 11, 28))
    assert notes(s, "return", user=w.handler) == [f"suggestion:{s.pk}:deadline:return:{lead.pk}:20261201:3"]
    assert notes(s, "return", user=w.handler_b) == []


def test_the_office_is_reminded_to_assign_a_recess_suggestion_and_told_when_it_is_late(w, time_machine):
    s = review.suggestion_accept(actor=w.staff, suggestion=submitted(w), committee=w.committee)
    assert s.assign_due == dt.date(2026, 12, 3)
    on(time_machine, dt.date(2026, 11, 30))
    assert notes(s, "assign", user=w.staff) == [f"suggestion:{s.pk}:deadline:assign:{s.pk}:20261203:3"]
    on(time_machine, dt.date(2026, 12, 4))
    assert f"suggestion:{s.pk}:deadline:assign:{s.pk}:20261203:overdue" in notes(s, "assign", user=w.staff)


def reply_to(w, s, lead):
    return replies.reply_submit(
        actor=w.handler,
        assignment=lead,
        text="经研究，我局已将校园食品安全纳入年度重点工作，并开展专项检查。",
        result_code="A",
        signed_by="局长 王建国",
    )


def test_a_silent_evaluation_window_closes_the_round_as_not_evaluated(w, time_machine):
    s, lead, _co = assigned(w)
    reply = reply_to(w, s, lead)
    due = replies.evaluation_due(reply)
    on(time_machine, due - dt.timedelta(days=3))
    assert notes(s, f"evaluation-reply:{reply.pk}", user=w.deputy) == [
        f"suggestion:{s.pk}:deadline:evaluation-reply:{reply.pk}:{due:%Y%m%d}:3"
    ]
    on(time_machine, due)
    s.refresh_from_db()
    assert s.state == State.REPLIED  # the last day of the window is still open
    result = on(time_machine, due + dt.timedelta(days=1))
    s.refresh_from_db()
    assert s.state == State.CLOSED and s.closed_at is not None and result.closed >= 1
    assert not Evaluation.objects.filter(reply=reply).exists()  # silence is "not evaluated", never satisfied
    assert Event.objects.filter(target_id=str(s.pk), kind="suggestion.eval_close").count() == 1


def test_a_deputy_who_has_rated_is_not_reminded(w, time_machine):
    s, lead, _co = assigned(w)
    reply = reply_to(w, s, lead)
    replies.evaluation_submit(actor=w.deputy, suggestion=s, mandate=w.mandate, rating="satisfied")
    on(time_machine, replies.evaluation_due(reply) - dt.timedelta(days=3))
    assert notes(s, "evaluation-reply") == []


def test_the_reminder_days_are_a_congress_setting(w, time_machine):
    CongressSetting.objects.create(congress=w.city, key="reminder_offsets_days", value=[7])
    s, lead, _co = assigned(w)
    on(time_machine, lead.reply_due - dt.timedelta(days=15))
    assert notes(s, "reply", user=w.handler) == []
    on(time_machine, lead.reply_due - dt.timedelta(days=7))
    assert notes(s, "reply", user=w.handler) == [f"suggestion:{s.pk}:deadline:reply:{lead.pk}:20270226:7"]


def test_the_reminder_days_setting_takes_a_list_of_whole_numbers():
    assert validate_value("reminder_offsets_days", "3，15, 7") == [15, 7, 3]
    assert validate_value("reminder_offsets_days", [15, 3]) == [15, 3]
    assert validate_value("reminder_offsets_days", "") == []
    for bad in ("a, 3", [0], [400], [1, 2, 3, 4, 5, 6], 5, [True], [2.5]):
        with pytest.raises(ValueError):
            validate_value("reminder_offsets_days", bad)


@pytest.mark.parametrize(
    "today, start, expected",
    [
        (dt.date(2027, 2, 10), dt.date(2026, 11, 26), None),  # 16 days left
        (dt.date(2027, 2, 11), dt.date(2026, 11, 26), 15),
        (dt.date(2027, 2, 20), dt.date(2026, 11, 26), 15),  # a run that missed days still sends it
        (dt.date(2027, 2, 23), dt.date(2026, 11, 26), 3),
        (dt.date(2027, 2, 26), dt.date(2026, 11, 26), 3),
        (dt.date(2027, 2, 27), dt.date(2026, 11, 26), None),  # overdue: no reminder
        (dt.date(2027, 2, 20), dt.date(2027, 2, 19), None),  # a clock that was not running 15 days before
        (dt.date(2027, 2, 25), dt.date(2027, 2, 24), 3),  # the last reminder goes to every clock
    ],
)
def test_which_reminder_is_due(today, start, expected):
    assert reminder_offset(today=today, due=dt.date(2027, 2, 26), start=start, offsets=[15, 3]) == expected


def test_the_job_runs_at_half_past_seven_in_beijing_and_calls_the_sweep(w):
    # Huey hands the schedule a naive UTC time: 23:30 UTC is 07:30 the next morning in Beijing.
    assert tasks.daily_at_0730_local(dt.datetime(2026, 11, 25, 23, 30))
    assert not tasks.daily_at_0730_local(dt.datetime(2026, 11, 26, 7, 30))
    assert set(tasks.suggestion_deadlines.call_local()) == {"reminders", "overdue", "closed", "errors"}
