"""The pages, walked as the office and as a deputy: planning (bad input keeps what was typed, in Chinese), the
agenda, the proposal with its reasons and ticks, sending, answering, attendance and speeches, the lists with
their filters and Excel files."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from lvzhi.meetings.models import Invitation, Meeting
from lvzhi.meetings.workflow import State
from lvzhi.performance.models import Participation

from .conftest import client_of, plan


def test_planning_keeps_what_was_typed_and_says_what_is_wrong(world):
    c = client_of(world.staff)
    assert c.get("/meetings/new/").status_code == 200
    data = {
        "congress": world.district.pk,
        "kind": "sc_meeting",
        "host": "standing",
        "title": "东区人大常委会第三十一次会议",
        "starts_on": "2026-05-01",
        "place": "第一会议室",
        "observers_open": "on",
    }
    response = c.post("/meetings/new/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "开始日期已经过去" in body and 'value="东区人大常委会第三十一次会议"' in body
    response = c.post("/meetings/new/", {**data, "starts_on": "2026-06-20", "ends_on": "2026-06-19"})
    assert "结束日期早于开始日期" in response.content.decode()
    response = c.post("/meetings/new/", {**data, "starts_on": "2026-06-20", "host": "u:999999"})
    assert response.status_code == 400 and "选择一个有效的选项" in response.content.decode()
    response = c.post("/meetings/new/", {**data, "starts_on": "2026-06-20"})
    assert "请填写旁听名额" in response.content.decode()
    response = c.post(
        "/meetings/new/",
        {**data, "starts_on": "2026-06-20", "observer_capacity": "20", "observer_closes_on": "2026-06-18"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="东区人大常委会第三十一次会议")
    assert response["Location"] == f"/meetings/{meeting.pk}/" and meeting.observers_open


def test_the_office_plans_invites_and_records(world, time_machine):
    meeting = plan(world, deputy_places=2)
    c = client_of(world.staff)
    bad = c.post(f"/meetings/{meeting.pk}/agenda/", {"title": "", "fields": ["nonsense"]})
    assert bad.status_code == 400 and "从列表中选择" in bad.content.decode()
    assert (
        c.post(
            f"/meetings/{meeting.pk}/agenda/", {"title": "听取法院工作报告", "fields": ["law"]}
        ).status_code
        == 302
    )
    page = c.get(f"/meetings/{meeting.pk}/propose/")
    body = page.content.decode()
    assert "本届尚未列席常委会会议" in body and "专业领域与议题相符：教育科技" in body
    # The two best-placed deputies are ticked for the two places.
    assert f'value="{world.a.pk}" id="m{world.a.pk}" checked' in body
    assert f'value="{world.b.pk}" id="m{world.b.pk}" checked' in body
    assert f'value="{world.c.pk}" id="m{world.c.pk}" checked' not in body
    assert "庚西区" not in body
    # The places left and the deputies to choose from read as two different things.
    total = page.context["total"]
    assert "代表名额2个，尚余2个。" in body and f"可供选择的代表{total}名（尚未列入名单）。" in body
    # Nothing ticked: a message, nothing written.
    assert c.post(f"/meetings/{meeting.pk}/propose/", {}).status_code == 400
    # Someone of another congress slipped in: refused, nothing written.
    response = c.post(f"/meetings/{meeting.pk}/propose/", {"mandate": [world.a.pk, world.x.pk]})
    assert response.status_code == 400 and not meeting.invitations.exists()
    response = c.post(f"/meetings/{meeting.pk}/propose/", {"mandate": [world.a.pk, world.b.pk], "send": "1"})
    assert response.status_code == 302
    assert set(meeting.invitations.values_list("state", flat=True)) == {State.INVITED}
    # The deputy answers on its invitation page.
    inv = Invitation.objects.get(meeting=meeting, mandate=world.a)
    d = client_of(world.a_user)
    mine = d.get("/meetings/mine/").content.decode()
    assert meeting.title in mine and "有1份邀请等待您回复" in mine
    assert d.get(f"/meetings/{meeting.pk}/").status_code == 302  # to its invitation
    response = d.post(f"/meetings/invitations/{inv.pk}/answer/", {"answer": "decline", "reason": ""})
    assert response.status_code == 400 and "请说明不能参加的原因" in response.content.decode()
    assert d.post(f"/meetings/invitations/{inv.pk}/answer/", {"answer": "accept"}).status_code == 302
    inv.refresh_from_db()
    assert inv.state == State.ACCEPTED
    # After the meeting: attendance for all at once, a speech on the invitation page.
    time_machine.move_to(dt.datetime(2026, 6, 15, 16, 0), tick=False)
    c = client_of(world.staff)  # a new day, a new sign-in (sessions expire)
    other = Invitation.objects.get(meeting=meeting, mandate=world.b)
    response = c.post(
        f"/meetings/{meeting.pk}/attendance/", {f"att_{inv.pk}": "attended", f"att_{other.pk}": "absent"}
    )
    assert response.status_code == 302
    assert Participation.objects.filter(source_type="meetings.meeting", source_id=meeting.pk).count() == 1
    response = c.post(f"/meetings/invitations/{inv.pk}/speech/", {"s-topic": "", "s-summary": ""})
    assert response.status_code == 400
    response = c.post(
        f"/meetings/invitations/{inv.pk}/speech/", {"s-topic": "学位供给", "s-summary": "建议。"}
    )
    assert response.status_code == 302 and inv.speeches.get().topic == "学位供给"
    assert c.post(f"/meetings/{meeting.pk}/conclude/").status_code == 302
    detail = c.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "已结束" in detail and "学位供给" in detail


def test_lists_filter_page_and_export(world):
    plan(world, title="东区常委会会议甲")
    plan(world, kind="open_court", host="unit", host_unit=world.court, title="东区法院庭审乙", agenda=())
    c = client_of(world.staff)
    body = c.get("/meetings/", {"kind": "open_court"}).content.decode()
    assert "东区法院庭审乙" in body and "东区常委会会议甲" not in body
    body = c.get("/meetings/", {"q": "会议甲", "when": "coming", "state": "planned"}).content.decode()
    assert "东区常委会会议甲" in body and "东区法院庭审乙" not in body
    xlsx = c.get("/meetings/", {"congress": world.district.pk, "format": "xlsx"})
    titles = [
        r[0] for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(min_row=3, values_only=True)
    ]
    assert set(titles) == {"东区常委会会议甲", "东区法院庭审乙"}
    for params in ({"page": "²", "congress": "a\x00b", "kind": "-1", "when": "9999-12-31"}, {"page": "-1"}):
        assert c.get("/meetings/", params).status_code == 200
    # The sibling's office never sees them.
    assert "东区常委会会议甲" not in client_of(world.other_staff).get("/meetings/").content.decode()


def test_a_deputy_s_list_and_its_export(world):
    meeting = plan(world)
    c = client_of(world.staff)
    c.post(f"/meetings/{meeting.pk}/propose/", {"mandate": [world.a.pk], "send": "1"})
    d = client_of(world.a_user)
    assert d.get("/meetings/").status_code == 302  # a deputy's "Invitations" is its own list
    xlsx = d.get("/meetings/mine/", {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == meeting.title
    for show in ("waiting", "coming", "past", "all", "x\x00"):
        assert d.get("/meetings/mine/", {"show": show}).status_code == 200
    assert client_of(world.staff).get("/meetings/mine/").status_code == 403  # no mandate


def test_proposed_names_stay_the_office_s(world):
    meeting = plan(world)
    client_of(world.staff).post(f"/meetings/{meeting.pk}/propose/", {"mandate": [world.a.pk]})
    inv = Invitation.objects.get(meeting=meeting, mandate=world.a)
    d = client_of(world.a_user)
    assert d.get(f"/meetings/invitations/{inv.pk}/").status_code == 404
    assert meeting.title not in d.get("/meetings/mine/").content.decode()


def test_after_attendance_the_pages_refuse_to_cancel_or_move_it(world, time_machine):
    from lvzhi.meetings.forms import MeetingForm
    from lvzhi.meetings.services.invitations import (
        invitation_record_attendance,
        invitations_propose,
        invitations_send_all,
    )

    meeting = plan(world)
    invitations_propose(actor=world.staff, meeting=meeting, mandates=[world.a])
    invitations_send_all(actor=world.staff, meeting=meeting)
    time_machine.move_to(dt.datetime(2026, 6, 15, 15, 0), tick=False)
    inv = Invitation.objects.get(meeting=meeting, mandate=world.a)
    invitation_record_attendance(actor=world.staff, invitation=inv, attended=True)
    c = client_of(world.staff)
    response = c.post(f"/meetings/{meeting.pk}/cancel/", {"cancel-reason": "会议推迟到下月"})
    body = response.content.decode()
    assert response.status_code == 409 and "本次活动已登记代表出席，不能取消" in body
    assert "会议推迟到下月" in body  # the reason typed stays in the form
    meeting.refresh_from_db()
    assert meeting.state == "planned"
    form = {k: v for k, v in MeetingForm.initial_of(meeting).items() if v not in (None, False)}
    form = {**form, "starts_on": "2026-06-16", "ends_on": "2026-06-16", "title": "改期后的会议"}
    response = c.post(f"/meetings/{meeting.pk}/edit/", form)
    body = response.content.decode()
    assert response.status_code == 400 and "已登记出席情况，活动类型和开始日期不能再更改" in body
    assert 'value="改期后的会议"' in body and 'value="2026-06-16"' in body
    meeting.refresh_from_db()
    assert meeting.starts_on == dt.date(2026, 6, 15) and meeting.title != "改期后的会议"
