"""A small world of its own for the meetings tests (beside the demo city, which they do not touch): a city and a
district below it with its office, chair, a special committee and its staff, the court; a sibling district
with its office and a deputy; the district's deputies in every situation the proposal weighs — grassroots or
not, fields matching the agenda or not, one who already attended a standing-committee meeting this term, one
on leave on the meeting day, one whose mandate ended.

Time is frozen on 2026-06-01 (the term runs 2022-2026); meetings are planned for mid-June.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

from lvzhi.meetings.services.meetings import MeetingData, agenda_item_add, meeting_create
from lvzhi.org.models import Committee, Congress, MandateLeave, Unit
from lvzhi.org.roles import Role
from lvzhi.performance import kinds
from lvzhi.performance.models import Activity, Participation
from lvzhi.performance.services.common import kind_by_code
from tests.factories import (
    CommitteeFactory,
    CongressFactory,
    ElectoralUnitFactory,
    MandateFactory,
    PersonFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
    grant,
)

TODAY = dt.datetime(2026, 6, 1, 10, 0)
MEETING_DAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture(autouse=True)
def _media_and_cache(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def attended_sc(mandate, day: dt.date):
    """A confirmed "attending a standing-committee meeting" of the deputy (registered by other means)."""
    kind = kind_by_code(kinds.ATTEND_SC)
    activity = Activity.objects.create(
        congress=mandate.congress, kind=kind, date=day, title="列席常委会会议", origin=Activity.Origin.STAFF
    )
    return Participation.objects.create(
        activity=activity,
        mandate=mandate,
        congress=mandate.congress,
        kind=kind,
        date=day,
        status=Participation.Status.CONFIRMED,
    )


@pytest.fixture
def world(db):
    city = CongressFactory(level=Congress.Level.CITY, name="测试市人民代表大会", short_name="测试市人大")
    district = CongressFactory(parent=city, name="测试东区人民代表大会", short_name="东区人大")
    sibling = CongressFactory(parent=city, name="测试西区人民代表大会", short_name="西区人大")
    term = TermFactory(
        congress=district, number=9, start_date=dt.date(2022, 1, 1), end_date=dt.date(2026, 12, 31)
    )
    sibling_term = TermFactory(
        congress=sibling, number=9, start_date=dt.date(2022, 1, 1), end_date=dt.date(2026, 12, 31)
    )
    eu1 = ElectoralUnitFactory(congress=district, name="第1选区（东湖街道）")
    eu2 = ElectoralUnitFactory(congress=district, name="第2选区（湖滨街道）")
    Committee.objects.create(congress=district, kind=Committee.Kind.STANDING, name="测试东区人大常委会")
    committee = CommitteeFactory(congress=district, name="教育科学文化卫生委员会", fields=["education"])
    other_committee = CommitteeFactory(congress=district, name="财政经济委员会", fields=["economy"])
    court = UnitFactory(
        congress=district, kind=Unit.Kind.COURT, name="测试东区人民法院", short_name="东区法院"
    )
    staff = UserFactory(congress=district, full_name="东区办公室")
    grant(staff, Role.STAFF, district)
    other_staff = UserFactory(congress=sibling, full_name="西区办公室")
    grant(other_staff, Role.STAFF, sibling)
    chair = UserFactory(congress=district)
    grant(chair, Role.CHAIR, district)
    committee_staff = UserFactory(congress=district)
    grant(committee_staff, Role.COMMITTEE_STAFF, district, committee=committee)
    other_committee_staff = UserFactory(congress=district)
    grant(other_committee_staff, Role.COMMITTEE_STAFF, district, committee=other_committee)

    def deputy(name, *, congress=district, term_=term, account=True, **mandate):
        person = PersonFactory(congress=congress, name=name)
        m = MandateFactory(
            congress=congress, term=term_, person=person, start_date=dt.date(2022, 1, 1), **mandate
        )
        user = UserFactory(person=person, congress=congress) if account else None
        return m, user

    a, a_user = deputy("甲基层教育", is_grassroots=True, fields=["education"], electoral_unit=eu1)
    b, b_user = deputy("乙基层", is_grassroots=True, fields=[], electoral_unit=eu2)
    c, c_user = deputy("丙教育", is_grassroots=False, fields=["education"], electoral_unit=eu1)
    d, d_user = deputy("丁已列席", is_grassroots=True, fields=[], electoral_unit=eu2)
    e, _ = deputy("戊请假", is_grassroots=True, account=False, electoral_unit=eu1)
    f, _ = deputy("己已离任", is_grassroots=True, account=False, end_date=dt.date(2025, 12, 31))
    x, x_user = deputy("庚西区", congress=sibling, term_=sibling_term, is_grassroots=True)
    MandateLeave.objects.create(
        mandate=e, start_date=dt.date(2026, 6, 10), end_date=dt.date(2026, 6, 20), reason="病假"
    )
    attended_sc(d, dt.date(2025, 9, 1))
    # Before the term: does not count.
    old_term = TermFactory(
        congress=district, number=8, start_date=dt.date(2017, 1, 1), end_date=dt.date(2021, 12, 31)
    )
    old = MandateFactory(congress=district, term=old_term, person=b.person, start_date=dt.date(2017, 1, 1))
    attended_sc(old, dt.date(2019, 5, 1))
    return SimpleNamespace(**locals())


def plan(
    world,
    *,
    actor=None,
    congress=None,
    agenda=(("审议义务教育发展情况报告", "区教育局", ["education"]),),
    **fields,
):
    data = MeetingData(
        kind=fields.pop("kind", "sc_meeting"),
        host=fields.pop("host", "standing"),
        host_committee=fields.pop("host_committee", None),
        host_unit=fields.pop("host_unit", None),
        title=fields.pop("title", "东区人大常委会第三十次会议"),
        starts_on=fields.pop("starts_on", MEETING_DAY),
        ends_on=fields.pop("ends_on", MEETING_DAY),
        place=fields.pop("place", "区人大常委会第一会议室"),
        time_text=fields.pop("time_text", "上午9:00"),
        **fields,
    )
    meeting = meeting_create(actor=actor or world.staff, congress=congress or world.district, data=data)
    for title, presenter, topics in agenda:
        agenda_item_add(
            actor=actor or world.staff, meeting=meeting, title=title, presenter=presenter, fields=topics
        )
    return meeting
