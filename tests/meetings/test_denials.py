"""Denials on the demo city (the sibling districts 东湖区/西岭区 and their accounts): an office never reads nor
acts on the sibling's meetings, a deputy never answers another's invitation, a chair and a member read but do
not act, a committee's staff reach their own committee's activities only."""

from __future__ import annotations

import pytest
from django.test import Client

from lvzhi.meetings.models import Invitation, Meeting, ObserverApplication
from lvzhi.meetings.workflow import State
from lvzhi.org.models import User


@pytest.fixture(autouse=True)
def _today():
    """These tests read the demo city as it was built today: the clock is not moved."""


def login(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def coming(short: str) -> Meeting:
    return Meeting.objects.get(title__startswith=short, kind="sc_meeting", state="planned")


def test_an_office_never_reads_nor_acts_on_the_sibling_s_meetings():
    east = coming("东湖区")
    app = ObserverApplication.objects.filter(meeting=east).first()
    inv = east.invitations.first()
    c = login("staff_b")
    for url in (
        f"/meetings/{east.pk}/",
        f"/meetings/{east.pk}/propose/",
        f"/meetings/{east.pk}/attendance/",
        f"/meetings/{east.pk}/edit/",
        f"/meetings/{east.pk}/export/",
        f"/meetings/{east.pk}/observers/print/",
        f"/meetings/invitations/{inv.pk}/",
        f"/meetings/applications/{app.pk}/",
    ):
        response = c.get(url)
        assert response.status_code == 404, url
    for url in (
        f"/meetings/{east.pk}/send/",
        f"/meetings/{east.pk}/cancel/",
        f"/meetings/{east.pk}/agenda/",
        f"/meetings/invitations/{inv.pk}/withdraw/",
        f"/meetings/applications/{app.pk}/decide/",
        f"/meetings/applications/{app.pk}/reveal/",
    ):
        assert c.post(url, {"decision": "approve", "cancel-reason": "x"}).status_code == 404, url
    body = c.get("/meetings/").content.decode() + c.get("/meetings/applications/").content.decode()
    assert east.title not in body and app.number not in body
    east.refresh_from_db()
    assert east.state == "planned"


def test_a_deputy_never_answers_another_s_invitation():
    theirs = Invitation.objects.filter(
        mandate__person__account__username="deputy_a", state=State.INVITED
    ).first()
    c = login("deputy_b")
    assert c.get(f"/meetings/invitations/{theirs.pk}/").status_code == 404
    assert c.post(f"/meetings/invitations/{theirs.pk}/answer/", {"answer": "accept"}).status_code == 404
    assert c.get(f"/meetings/{theirs.meeting_id}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == State.INVITED
    # Its own: the page, and the answer.
    own = Invitation.objects.filter(
        mandate__person__account__username="deputy_b", state=State.INVITED
    ).first()
    page = c.get(f"/meetings/invitations/{own.pk}/").content.decode()
    assert "我将参加" in page and "推荐理由" not in page  # the office's reasons are not the deputy's page
    # Another deputy of the same meeting is not on its page.
    others = own.meeting.invitations.exclude(pk=own.pk).select_related("mandate__person")
    assert not any(o.mandate.person.name in page for o in others)
    assert c.post(f"/meetings/invitations/{own.pk}/answer/", {"answer": "accept"}).status_code == 302
    own.refresh_from_db()
    assert own.state == State.ACCEPTED


def test_the_office_cannot_answer_for_a_deputy():
    inv = Invitation.objects.filter(
        mandate__person__account__username="deputy_a", state=State.INVITED
    ).first()
    assert login("city_staff").post(
        f"/meetings/invitations/{inv.pk}/answer/", {"answer": "accept"}
    ).status_code in (
        403,
        404,
    )
    inv.refresh_from_db()
    assert inv.state == State.INVITED


def test_a_chair_and_a_member_read_but_do_not_act():
    east = coming("东湖区")
    for username in ("chair_a", "member_a"):
        c = login(username)
        assert c.get(f"/meetings/{east.pk}/").status_code == 200
        assert c.get(f"/meetings/{east.pk}/propose/").status_code == 403
        assert c.post(f"/meetings/{east.pk}/cancel/", {"cancel-reason": "x"}).status_code == 403
        assert c.post(f"/meetings/{east.pk}/send/").status_code == 403
    # The member reads no observers' applications.
    body = login("member_a").get("/meetings/applications/").content.decode()
    assert not any(a.number in body for a in ObserverApplication.objects.filter(meeting=east))
    # The city's office reads the district's meetings but runs only its own.
    city = login("city_staff")
    assert city.get(f"/meetings/{east.pk}/").status_code == 200
    assert city.post(f"/meetings/{east.pk}/send/").status_code == 403


def test_a_committee_s_staff_reach_their_committee_s_activities_only():
    own = Meeting.objects.get(host_committee__name="财政经济委员会", host_committee__congress__level="city")
    other = Meeting.objects.get(
        host_committee__name="教育科学文化卫生委员会", host_committee__congress__level="city"
    )
    c = login("committee_a")
    assert c.get(f"/meetings/{own.pk}/").status_code == 200
    assert c.get(f"/meetings/{other.pk}/").status_code == 404
    assert c.get(f"/meetings/{coming('东湖区').pk}/").status_code == 404
    assert other.title not in c.get("/meetings/").content.decode()


def test_public_pages_show_no_identity_details():
    c = Client()
    for meeting in Meeting.objects.filter(observers_open=True, state="planned"):
        body = (
            c.get(f"/public/meetings/{meeting.pk}/").content.decode()
            + c.get("/public/meetings/").content.decode()
        )
        for app in meeting.observer_applications.all():
            assert app.id_number not in body and app.phone not in body and app.name not in body
