"""Each step of an invitation as a service: the happy path, the refused step (its code), the denied actor, the
event written, the notification sent; attending counts as a performance activity once."""

from __future__ import annotations

import datetime as dt

import pytest

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event, Notification
from lvzhi.meetings import events
from lvzhi.meetings.models import Invitation, Meeting
from lvzhi.meetings.services.invitations import (
    invitation_accept,
    invitation_decline,
    invitation_record_attendance,
    invitation_send,
    invitation_withdraw,
    invitations_propose,
    invitations_send_all,
    speech_record,
)
from lvzhi.meetings.services.meetings import MeetingData, agenda_item_remove, meeting_cancel, meeting_conclude
from lvzhi.meetings.workflow import TRANSITIONS, State, Step, target_state
from lvzhi.performance.models import Participation

from .conftest import MEETING_DAY, plan


def refused(code, fn, **kwargs):
    with pytest.raises(ServiceError) as exc:
        fn(**kwargs)
    assert exc.value.code == code, exc.value.message
    return exc.value


def events_of(target, kind):
    return Event.objects.filter(target_id=str(target.pk), kind=kind)


def invited(world, meeting, *mandates):
    invitations_propose(actor=world.staff, meeting=meeting, mandates=list(mandates))
    invitations_send_all(actor=world.staff, meeting=meeting)
    return [Invitation.objects.get(meeting=meeting, mandate=m) for m in mandates]


def test_the_table_allows_only_what_it_says():
    assert target_state("", Step.PROPOSE, "staff") == State.PROPOSED
    assert target_state(State.PROPOSED, Step.SEND, "staff") == State.INVITED
    assert target_state(State.INVITED, Step.ACCEPT, "deputy") == State.ACCEPTED
    assert target_state(State.INVITED, Step.ACCEPT, "staff") is None  # the office never answers for a deputy
    assert target_state(State.PROPOSED, Step.ACCEPT, "deputy") is None  # not invited yet
    assert target_state(State.ATTENDED, Step.MARK_ABSENT, "staff") is None  # attendance is final
    assert all(to in State.values for to in TRANSITIONS.values())


def test_the_whole_flow(world, time_machine):
    meeting = plan(world)
    assert events_of(meeting, events.MEETING_CREATED).exists()
    done = invitations_propose(actor=world.staff, meeting=meeting, mandates=[world.a, world.b, world.c])
    assert {i.state for i in done} == {State.PROPOSED}
    assert not Notification.objects.filter(recipient=world.a_user).exists()  # the list is not sent yet
    assert invitations_send_all(actor=world.staff, meeting=meeting) == 3
    a, b, c = (Invitation.objects.get(meeting=meeting, mandate=m) for m in (world.a, world.b, world.c))
    assert a.state == State.INVITED and a.invited_at
    note = Notification.objects.get(recipient=world.a_user, channel="inbox")
    assert "东区人大常委会第三十次会议" in note.subject and note.url == f"/meetings/invitations/{a.pk}/"
    assert events_of(a, events.INVITATION_SENT).get().to_state == State.INVITED

    invitation_accept(actor=world.a_user, invitation=a)
    invitation_decline(actor=world.b_user, invitation=b, reason="单位有紧急任务")
    b.refresh_from_db()
    assert b.state == State.DECLINED and b.decline_reason == "单位有紧急任务"
    assert events_of(b, events.INVITATION_DECLINED).get().note == "单位有紧急任务"
    # The office that planned it is told of each answer.
    assert Notification.objects.filter(recipient=world.staff, subject__contains="谢绝").exists()

    time_machine.move_to(dt.datetime(2026, 6, 15, 15, 0), tick=False)
    invitation_record_attendance(actor=world.staff, invitation=a, attended=True)
    a.refresh_from_db()
    assert a.state == State.ATTENDED
    p = Participation.objects.get(mandate=world.a, source_type="meetings.meeting", source_id=meeting.pk)
    assert p.status == "confirmed" and p.kind.code == "attend_sc" and p.date == MEETING_DAY
    item = meeting.agenda.get()
    speech = speech_record(
        actor=world.staff, invitation=a, topic="学位供给", summary="建议加快新建学校。", agenda_item=item
    )
    assert speech.agenda_item == item
    assert events_of(a, events.SPEECH_RECORDED).get().note == "学位供给"

    meeting_conclude(actor=world.staff, meeting=meeting)
    c.refresh_from_db()
    meeting.refresh_from_db()
    assert meeting.state == "concluded" and c.state == State.ABSENT  # invited, never answered, not recorded
    b.refresh_from_db()
    assert b.state == State.DECLINED


def test_attending_counts_once(world, time_machine):
    meeting = plan(world)
    a, b = invited(world, meeting, world.a, world.b)
    time_machine.move_to(dt.datetime(2026, 6, 15, 15, 0), tick=False)
    invitation_record_attendance(actor=world.staff, invitation=a, attended=True)
    refused("wrong_state", invitation_record_attendance, actor=world.staff, invitation=a, attended=True)
    refused("wrong_state", invitation_record_attendance, actor=world.staff, invitation=a, attended=False)
    assert Participation.objects.filter(mandate=world.a, source_type="meetings.meeting").count() == 1
    # Another deputy of the same meeting takes part in the same activity.
    invitation_record_attendance(actor=world.staff, invitation=b, attended=True)
    rows = Participation.objects.filter(source_type="meetings.meeting", source_id=meeting.pk)
    assert rows.count() == 2 and len({p.activity_id for p in rows}) == 1
    assert rows.first().activity.title == meeting.title


def test_absent_can_be_corrected_to_attended(world, time_machine):
    meeting = plan(world)
    (a,) = invited(world, meeting, world.a)
    time_machine.move_to(dt.datetime(2026, 6, 16, 9, 0), tick=False)
    invitation_record_attendance(actor=world.staff, invitation=a, attended=False)
    assert not Participation.objects.filter(mandate=world.a, source_type="meetings.meeting").exists()
    invitation_record_attendance(actor=world.staff, invitation=a, attended=True)
    assert Participation.objects.filter(mandate=world.a, source_type="meetings.meeting").count() == 1


def test_refused_steps(world, time_machine):
    meeting = plan(world)
    (a,) = invited(world, meeting, world.a)
    refused("not_attended", speech_record, actor=world.staff, invitation=a, topic="x", summary="y")
    refused("not_yet_held", invitation_record_attendance, actor=world.staff, invitation=a, attended=True)
    refused("not_yet_held", meeting_conclude, actor=world.staff, meeting=meeting)
    refused("reason_required", invitation_decline, actor=world.a_user, invitation=a, reason="  ")
    refused("nothing_to_send", invitations_send_all, actor=world.staff, meeting=meeting)
    refused("none_chosen", invitations_propose, actor=world.staff, meeting=meeting, mandates=[])
    # Not a deputy of this congress, on leave, or gone: never on the list.
    for m in (world.x, world.e, world.f):
        refused("not_eligible", invitations_propose, actor=world.staff, meeting=meeting, mandates=[m])
    # Proposing someone already on the list does nothing.
    assert invitations_propose(actor=world.staff, meeting=meeting, mandates=[world.a]) == []
    invitation_accept(actor=world.a_user, invitation=a)
    refused("wrong_state", invitation_accept, actor=world.a_user, invitation=a)
    # Once the meeting began, no answers and no new invitations.
    time_machine.move_to(dt.datetime(2026, 6, 16, 9, 0), tick=False)
    refused("meeting_started", invitation_decline, actor=world.a_user, invitation=a, reason="临时有事")
    refused("meeting_started", invitations_propose, actor=world.staff, meeting=meeting, mandates=[world.b])


def test_a_deputy_answers_only_its_own_invitation(world):
    meeting = plan(world)
    a, b = invited(world, meeting, world.a, world.b)
    err = refused("not_your_invitation", invitation_accept, actor=world.b_user, invitation=a)
    assert err.status == 403
    refused("not_your_invitation", invitation_decline, actor=world.staff, invitation=a, reason="代为谢绝")
    a.refresh_from_db()
    assert a.state == State.INVITED


def test_only_the_running_office_acts(world):
    meeting = plan(world)
    (a,) = invited(world, meeting, world.a)
    for actor in (world.other_staff, world.chair, world.other_committee_staff, world.a_user):
        err = refused("not_permitted", invitation_withdraw, actor=actor, invitation=a)
        assert err.status == 403
        refused("not_permitted", invitations_propose, actor=actor, meeting=meeting, mandates=[world.b])
        refused("not_permitted", meeting_cancel, actor=actor, meeting=meeting, reason="取消")
    a.refresh_from_db()
    assert a.state == State.INVITED


def test_a_committee_runs_what_it_invites_to(world):
    meeting = plan(
        world,
        actor=world.committee_staff,
        kind="inspection",
        host="committee",
        host_committee=world.committee,
        title="视察学校建设",
    )
    assert meeting.host_name == "教育科学文化卫生委员会"
    invitations_propose(actor=world.committee_staff, meeting=meeting, mandates=[world.a])
    refused("not_permitted", invitations_send_all, actor=world.other_committee_staff, meeting=meeting)
    assert invitations_send_all(actor=world.committee_staff, meeting=meeting) == 1
    # ... but not a standing-committee meeting, nor its sibling committee's inspection.
    refused("not_permitted", plan, world=world, actor=world.committee_staff)
    refused(
        "not_permitted",
        plan,
        world=world,
        actor=world.committee_staff,
        kind="inspection",
        host="committee",
        host_committee=world.other_committee,
    )


def test_withdraw_and_pick_again(world):
    meeting = plan(world)
    (a,) = invited(world, meeting, world.a)
    invitation_withdraw(actor=world.staff, invitation=a, reason="名额调整")
    a.refresh_from_db()
    assert a.state == State.WITHDRAWN and a.withdrawn_reason == "名额调整"
    assert Notification.objects.filter(recipient=world.a_user, subject__contains="撤回").exists()
    refused("wrong_state", invitation_accept, actor=world.a_user, invitation=a)
    invitations_propose(actor=world.staff, meeting=meeting, mandates=[world.a])
    a.refresh_from_db()
    assert a.state == State.PROPOSED and a.invited_at is None
    invitation_send(actor=world.staff, invitation=a)
    a.refresh_from_db()
    assert a.state == State.INVITED


def test_cancel_tells_the_invited_and_closes_everything(world):
    meeting = plan(world)
    a, b = invited(world, meeting, world.a, world.b)
    invitations_propose(actor=world.staff, meeting=meeting, mandates=[world.c])
    refused("required", meeting_cancel, actor=world.staff, meeting=meeting, reason="")
    meeting_cancel(actor=world.staff, meeting=meeting, reason="会议延期")
    meeting.refresh_from_db()
    assert meeting.state == "cancelled" and meeting.cancel_reason == "会议延期"
    assert set(meeting.invitations.values_list("state", flat=True)) == {State.WITHDRAWN}
    assert Notification.objects.filter(recipient=world.a_user, subject__contains="会议延期").exists()
    assert not Notification.objects.filter(recipient=world.c_user).exists()  # never invited, not told
    refused("meeting_cancelled", invitations_propose, actor=world.staff, meeting=meeting, mandates=[world.d])


def test_planning_checks(world):
    def bad(code, **fields):
        err = refused(code, plan, world=world, **fields)
        assert err.field or err.status != 400
        return err

    bad("past_date", starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 5, 1))
    bad("dates_order", ends_on=dt.date(2026, 6, 1))
    bad("no_term", starts_on=dt.date(2027, 6, 1), ends_on=dt.date(2027, 6, 1))
    bad("sc_meeting_host", host="unit", host_unit=world.court)
    bad("host_unit", kind="open_court", host="unit", host_unit=None)
    bad(
        "not_observable",
        kind="research",
        observers_open=True,
        observer_capacity=5,
        observer_closes_on=MEETING_DAY,
    )
    bad("capacity", observers_open=True, observer_capacity=0, observer_closes_on=MEETING_DAY)
    bad(
        "closes_after_start",
        observers_open=True,
        observer_capacity=5,
        observer_closes_on=dt.date(2026, 6, 20),
    )
    bad("required", title="  ")
    bad("not_permitted", actor=world.other_staff)
    court = plan(world, kind="open_court", host="unit", host_unit=world.court, title="旁听庭审")
    assert court.host_name == "测试东区人民法院" and court.activity_kind == "open_court"


def test_agenda_item_with_speeches_stays(world, time_machine):
    meeting = plan(world)
    (a,) = invited(world, meeting, world.a)
    item = meeting.agenda.get()
    time_machine.move_to(dt.datetime(2026, 6, 15, 15, 0), tick=False)
    invitation_record_attendance(actor=world.staff, invitation=a, attended=True)
    speech_record(actor=world.staff, invitation=a, topic="学位", summary="建议。", agenda_item=item)
    refused("agenda_item_has_speeches", agenda_item_remove, actor=world.staff, item=item)


def test_a_change_of_date_or_place_tells_the_invited(world):
    from lvzhi.meetings.services.meetings import meeting_update

    meeting = plan(world)
    invited(world, meeting, world.a)
    data = MeetingData(
        kind="sc_meeting",
        host="standing",
        host_committee=None,
        host_unit=None,
        title=meeting.title,
        starts_on=dt.date(2026, 6, 16),
        ends_on=dt.date(2026, 6, 16),
        place="区行政中心三楼会议室",
        time_text="下午2:30",
    )
    meeting_update(actor=world.staff, meeting=meeting, data=data)
    assert Notification.objects.filter(
        recipient=world.a_user, subject__contains="区行政中心三楼会议室"
    ).exists()
    change = events_of(meeting, events.MEETING_CHANGED).get()
    assert change.payload["changes"]["place"] == ["区人大常委会第一会议室", "区行政中心三楼会议室"]
    assert Meeting.objects.get(pk=meeting.pk).starts_on == dt.date(2026, 6, 16)


def _same_as(meeting, **changes) -> MeetingData:
    data = {
        "kind": meeting.kind,
        "host": meeting.host,
        "host_committee": meeting.host_committee,
        "host_unit": meeting.host_unit,
        "title": meeting.title,
        "starts_on": meeting.starts_on,
        "ends_on": meeting.ends_on,
        "place": meeting.place,
        "time_text": meeting.time_text,
    }
    return MeetingData(**{**data, **changes})


def test_recorded_attendance_keeps_the_meeting_and_its_counts(world, time_machine):
    """Attendance is recorded while the meeting is still planned (once it began): after that it is not
    cancelled, and its kind and first day no longer change — the performance activity stays right."""
    from lvzhi.meetings.services.meetings import meeting_update

    meeting = plan(world)
    a, b = invited(world, meeting, world.a, world.b)
    time_machine.move_to(dt.datetime(2026, 6, 15, 15, 0), tick=False)
    invitation_record_attendance(actor=world.staff, invitation=a, attended=True)
    counted = Participation.objects.filter(source_type="meetings.meeting", source_id=meeting.pk)
    assert counted.count() == 1

    err = refused(
        "attendance_recorded", meeting_cancel, actor=world.staff, meeting=meeting, reason="会议延期"
    )
    assert err.status == 409 and "出席" in err.message
    meeting.refresh_from_db()
    a.refresh_from_db()
    assert meeting.state == "planned" and a.state == State.ATTENDED and counted.count() == 1
    assert not events_of(meeting, events.MEETING_CANCELLED).exists()

    err = refused(
        "attendance_recorded",
        meeting_update,
        actor=world.staff,
        meeting=meeting,
        data=_same_as(meeting, kind="inspection"),
    )
    assert err.field == "kind" and "出席" in err.message
    day = dt.date(2026, 6, 16)
    err = refused(
        "attendance_recorded",
        meeting_update,
        actor=world.staff,
        meeting=meeting,
        data=_same_as(meeting, starts_on=day, ends_on=day),
    )
    assert err.field == "starts_on"
    meeting.refresh_from_db()
    assert meeting.kind == "sc_meeting" and meeting.starts_on == MEETING_DAY
    assert {p.kind.code for p in counted} == {"attend_sc"} and {p.date for p in counted} == {MEETING_DAY}

    # The rest may still be corrected (a longer meeting, the room), and the activity's title follows.
    meeting_update(
        actor=world.staff,
        meeting=meeting,
        data=_same_as(meeting, ends_on=day, title="东区人大常委会第三十次会议（扩大）", place="区行政中心"),
    )
    meeting.refresh_from_db()
    assert meeting.ends_on == day and meeting.place == "区行政中心"
    activity = counted.get().activity
    assert activity.title == "东区人大常委会第三十次会议（扩大）" and activity.place == "区行政中心"


def test_an_absence_recorded_fixes_the_day_but_the_meeting_may_be_cancelled(world, time_machine):
    from lvzhi.meetings.services.meetings import meeting_update

    meeting = plan(world)
    (a,) = invited(world, meeting, world.a)
    time_machine.move_to(dt.datetime(2026, 6, 15, 15, 0), tick=False)
    invitation_record_attendance(actor=world.staff, invitation=a, attended=False)
    day = dt.date(2026, 6, 16)
    refused(
        "attendance_recorded",
        meeting_update,
        actor=world.staff,
        meeting=meeting,
        data=_same_as(meeting, starts_on=day, ends_on=day),
    )
    meeting_cancel(actor=world.staff, meeting=meeting, reason="会议改期另行通知")
    meeting.refresh_from_db()
    assert meeting.state == "cancelled"
    assert not Participation.objects.filter(source_type="meetings.meeting", source_id=meeting.pk).exists()
