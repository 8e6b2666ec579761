"""The term-long coverage report: who of the grassroots deputies has attended a standing-committee meeting this
term, who has not yet, filtered by electoral unit, with an invitation under way; the page and its Excel file."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from lvzhi.core.models import Event
from lvzhi.meetings.coverage import coverage
from lvzhi.meetings.services.invitations import invitations_propose, invitations_send_all

from .conftest import attended_sc, client_of, plan


def rows_by_name(report):
    return {r.mandate.person.name: r for r in report.rows}


def test_who_has_not_yet_attended(world):
    report = coverage(congress=world.district, term=world.term, show="all")
    rows = rows_by_name(report)
    # Grassroots deputies serving today: 甲, 乙, 丁, 戊 (on leave later, still serving); 己 left, 丙 is not
    # grassroots.
    assert set(rows) == {"甲基层教育", "乙基层", "丁已列席", "戊请假"}
    assert report.total == 4 and report.covered == 1 and report.uncovered == 3 and report.rate == 25.0
    assert rows["丁已列席"].attended == 1 and rows["丁已列席"].last_date == dt.date(2025, 9, 1)
    # 乙 attended in the previous term only.
    assert rows["乙基层"].attended == 0
    uncovered = coverage(congress=world.district, term=world.term)
    assert {r.mandate.person.name for r in uncovered.rows} == {"甲基层教育", "乙基层", "戊请假"}
    assert uncovered.total == 4  # the figures are of all, the rows of those shown


def test_all_deputies_and_filters(world):
    everyone = coverage(congress=world.district, term=world.term, grassroots_only=False, show="all")
    assert "丙教育" in rows_by_name(everyone)
    in_eu2 = coverage(congress=world.district, term=world.term, electoral_unit=world.eu2, show="all")
    assert set(rows_by_name(in_eu2)) == {"乙基层", "丁已列席"}
    covered = coverage(congress=world.district, term=world.term, show="covered")
    assert set(rows_by_name(covered)) == {"丁已列席"}
    assert set(rows_by_name(coverage(congress=world.district, term=world.term, query="甲"))) == {"甲基层教育"}


def test_attendance_of_another_kind_does_not_cover(world):
    from lvzhi.performance.models import Activity, Participation
    from lvzhi.performance.services.common import kind_by_code

    kind = kind_by_code("inspection")
    act = Activity.objects.create(congress=world.district, kind=kind, date=dt.date(2026, 1, 5), title="视察")
    Participation.objects.create(
        activity=act, mandate=world.a, congress=world.district, kind=kind, date=act.date, status="confirmed"
    )
    # Waiting for confirmation: does not count either.
    p = attended_sc(world.b, dt.date(2026, 2, 1))
    p.status = "registered"
    p.save()
    rows = rows_by_name(coverage(congress=world.district, term=world.term))
    assert {"甲基层教育", "乙基层"} <= set(rows)


def test_an_invitation_under_way_is_shown(world):
    meeting = plan(world)
    invitations_propose(actor=world.staff, meeting=meeting, mandates=[world.a])
    invitations_send_all(actor=world.staff, meeting=meeting)
    rows = rows_by_name(coverage(congress=world.district, term=world.term))
    assert rows["甲基层教育"].coming.meeting == meeting
    assert rows["乙基层"].coming is None


def test_an_invitation_under_way_links_only_for_those_who_may_open_it(world):
    meeting = plan(world)
    invitations_propose(actor=world.staff, meeting=meeting, mandates=[world.a])
    invitations_send_all(actor=world.staff, meeting=meeting)
    invitation = meeting.invitations.get()
    link = f"/meetings/invitations/{invitation.pk}/"
    staff = client_of(world.staff)
    assert link in staff.get("/meetings/coverage/").content.decode()
    assert staff.get(link).status_code == 200
    # A committee's staff read the coverage of their congress but not the office's invitations: the meeting
    # is named in plain text, not linked to a page that would answer 404.
    committee = client_of(world.committee_staff)
    body = committee.get("/meetings/coverage/").content.decode()
    assert meeting.title in body and link not in body
    assert committee.get(link).status_code == 404


def test_the_page_and_its_export(world):
    c = client_of(world.staff)
    page = c.get("/meetings/coverage/", {"congress": world.district.pk})
    assert page.status_code == 200
    body = page.content.decode()
    assert "甲基层教育" in body and "丁已列席" not in body and "25.0%" in body
    response = c.get("/meetings/coverage/", {"congress": world.district.pk, "show": "all", "format": "xlsx"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "姓名"
    names = {r[0] for r in rows[2:]}
    assert names == {"甲基层教育", "乙基层", "丁已列席", "戊请假"}
    assert Event.objects.filter(
        kind="security.export", actor=world.staff, payload__list="meeting_coverage"
    ).exists()


def test_the_page_is_for_those_who_read_the_congress(world):
    assert client_of(world.chair).get("/meetings/coverage/").status_code == 200
    assert client_of(world.a_user).get("/meetings/coverage/").status_code == 403
    # A committee's staff read their congress's deputies (as their other pages do).
    assert "甲基层教育" in client_of(world.committee_staff).get("/meetings/coverage/").content.decode()
    # A sibling's office never reads this district, whatever id it sends.
    body = (
        client_of(world.other_staff)
        .get("/meetings/coverage/", {"congress": world.district.pk})
        .content.decode()
    )
    assert "甲基层教育" not in body


def test_odd_query_values_never_fail(world):
    c = client_of(world.staff)
    for params in (
        {"congress": "²", "term": "a\x00b", "unit": "-1", "show": "x", "page": "9999-12-31"},
        {"congress": world.district.pk, "term": "999999", "unit": "0", "grassroots": "all", "q": "\x00"},
    ):
        assert c.get("/meetings/coverage/", params).status_code == 200
