"""A small world of its own for the performance tests: a city and one district below it, the district's
office, a sibling district's office, three district deputies (one elected mid-term, one with approved
leave) and a deputy who is also on the district's staff."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from lvzhi.org.models import Congress, MandateLeave
from lvzhi.org.roles import Role
from tests.factories import CongressFactory, MandateFactory, PersonFactory, TermFactory, UserFactory, grant

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _deputy(congress, term, name, **mandate):
    person = PersonFactory(congress=congress, name=name)
    m = MandateFactory(congress=congress, term=term, person=person, **mandate)
    user = UserFactory(person=person, congress=congress)
    return m, user


@pytest.fixture
def world(db):
    city = CongressFactory(level=Congress.Level.CITY, name="测试市人民代表大会", short_name="测试市人大")
    district = CongressFactory(parent=city, level=Congress.Level.COUNTY)
    sibling = CongressFactory(parent=city, level=Congress.Level.COUNTY)
    term = TermFactory(
        congress=district, number=9, start_date=dt.date(2022, 1, 1), end_date=dt.date(2026, 12, 31)
    )
    sibling_term = TermFactory(congress=sibling, number=9)
    staff = UserFactory(congress=district)
    grant(staff, Role.STAFF, district)
    city_staff = UserFactory(congress=city)
    grant(city_staff, Role.STAFF, city)
    other_staff = UserFactory(congress=sibling)
    grant(other_staff, Role.STAFF, sibling)
    a, a_user = _deputy(district, term, "甲代表", start_date=dt.date(2022, 1, 1))
    # Elected mid-term: serves from 1 July 2025.
    b, b_user = _deputy(district, term, "乙代表", start_date=dt.date(2025, 7, 1))
    c, c_user = _deputy(district, term, "丙代表", start_date=dt.date(2022, 1, 1))
    MandateLeave.objects.create(
        mandate=c, start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 3, 31), reason="病假"
    )
    # A deputy who also works in the district's office.
    d, staff_deputy = _deputy(district, term, "丁代表", start_date=dt.date(2022, 1, 1))
    grant(staff_deputy, Role.STAFF, district)
    x, x_user = _deputy(sibling, sibling_term, "外区代表", start_date=dt.date(2022, 1, 1))
    return SimpleNamespace(
        city=city,
        district=district,
        sibling=sibling,
        term=term,
        staff=staff,
        city_staff=city_staff,
        other_staff=other_staff,
        a=a,
        a_user=a_user,
        b=b,
        b_user=b_user,
        c=c,
        c_user=c_user,
        d=d,
        staff_deputy=staff_deputy,
        x=x,
        x_user=x_user,
    )
