"""A small world of its own for the briefing services: a city, a district below it with a township, and a
sibling district; their offices; deputies of every kind a briefing must reach or miss (a person with mandates
at two levels, a township deputy, a city deputy entered into a district station, a deputy whose mandate has
ended, a sibling district's deputy, a deputy without an account)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lvzhi.org.models import Congress, GroupMembership
from lvzhi.org.roles import Role
from lvzhi.stations.models import StationDeputy
from tests.factories import (
    CongressFactory,
    GroupFactory,
    MandateFactory,
    PersonFactory,
    StationFactory,
    TermFactory,
    UserFactory,
    grant,
)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "通报附件.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _deputy(congress, name, *, account=True, person=None, **mandate):
    person = person or PersonFactory(congress=congress, name=name)
    m = MandateFactory(congress=congress, term=TermFactory(congress=congress), person=person, **mandate)
    user = UserFactory(person=person, congress=congress) if account else None
    return m, user


@pytest.fixture
def world(db, media):
    city = CongressFactory(level=Congress.Level.CITY, name="通报市人民代表大会", region_name="通报市")
    district = CongressFactory(parent=city, level=Congress.Level.COUNTY)
    township = CongressFactory(parent=district, level=Congress.Level.TOWNSHIP)
    sibling = CongressFactory(parent=city, level=Congress.Level.COUNTY)
    staff = UserFactory(congress=district)
    grant(staff, Role.STAFF, district)
    city_staff = UserFactory(congress=city)
    grant(city_staff, Role.STAFF, city)
    other_staff = UserFactory(congress=sibling)
    grant(other_staff, Role.STAFF, sibling)
    chair = UserFactory(congress=district)
    grant(chair, Role.CHAIR, district)

    d1, d1_user = _deputy(district, "甲代表")
    d2, d2_user = _deputy(district, "乙代表")
    # One person, deputy of the city and of the district.
    both_city, both_user = _deputy(city, "两级代表")
    both_district, _ = _deputy(district, "两级代表", person=both_city.person, account=False)
    t1, t1_user = _deputy(township, "镇代表")
    x, x_user = _deputy(sibling, "外区代表")
    c1, _ = _deputy(city, "市代表", account=False)
    ended, ended_user = _deputy(district, "离任代表", end_date=dt.date(2024, 6, 30))

    group = GroupFactory(congress=district, name="甲街道代表小组")
    for m in (d1, d2, ended):
        GroupMembership.objects.create(group=group, mandate=m)
    other_group = GroupFactory(congress=sibling, name="外区代表小组")
    GroupMembership.objects.create(group=other_group, mandate=x)
    station = StationFactory(congress=district, name="甲街道代表联络站")
    for m in (d1, c1):  # a city deputy entered into a district station
        StationDeputy.objects.create(station=station, mandate=m)
    other_station = StationFactory(congress=sibling, name="外区代表联络站")
    StationDeputy.objects.create(station=other_station, mandate=x)
    return SimpleNamespace(**{k: v for k, v in locals().items() if k not in {"media", "db"}})
