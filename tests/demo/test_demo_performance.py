"""The demo's activities take place where their deputies work: a station of their own congress's area."""

import pytest

from lvzhi.demo.performance import _area_stations
from lvzhi.org.models import Congress
from lvzhi.org.services.structure import congress_create
from lvzhi.performance.models import Participation

pytestmark = pytest.mark.django_db


def test_every_activity_is_at_a_station_of_the_deputy_s_congress_or_one_above_it():
    city = Congress.objects.get(name="示范市人民代表大会", parent__isnull=True)
    parts = Participation.objects.filter(congress__path__startswith=city.path)
    at_station = list(
        parts.filter(activity__station__isnull=False).values_list(
            "congress__path",
            "activity__station__congress__path",
            "activity__place",
            "activity__station__name",
        )
    )

    # Most of them (the rest are recorded by the platform from their source: a suggestion, a meeting …).
    assert len(at_station) > parts.count() / 2
    for deputy_path, station_path, place, station_name in at_station:
        # The station's congress is the deputy's own or an ancestor (the path starts with its path).
        assert deputy_path.startswith(station_path), (deputy_path, station_path, station_name)
        assert place == station_name
    # A township deputy works at the township's own stations, never at another district's.
    qingshi = Congress.objects.get(name="青石镇人民代表大会")
    places = set(
        parts.filter(congress=qingshi, activity__station__isnull=False).values_list(
            "activity__station__congress", flat=True
        )
    )
    assert places == {qingshi.pk}


def test_a_congress_without_stations_sends_its_deputies_to_the_stations_of_the_congress_above():
    district = Congress.objects.get(name="东湖区人民代表大会")
    bare = congress_create(
        actor=None,
        name="新设镇人民代表大会",
        short_name="新设镇人大",
        level=Congress.Level.TOWNSHIP,
        region_name="新设镇",
        parent=district,
        system=True,
    )

    area = _area_stations()

    assert area[bare.pk] == area[district.pk]
    assert area[district.pk] and {s.congress_id for s in area[district.pk]} == {district.pk}
