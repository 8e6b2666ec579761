"""The public reception calendar's district picker lists every congress with a station a citizen can visit; one
without an announced day says so, in the visitor's language, and points to its stations."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from lvzhi.org.models import Congress
from lvzhi.org.services.structure import congress_create
from lvzhi.stations.selectors_reception import PUBLIC_HORIZON_DAYS
from tests.factories import StationFactory

pytestmark = pytest.mark.django_db
CALENDAR = reverse("reception_public:calendar")


def get(lang: str, **query) -> str:
    response = Client(headers={"accept-language": lang}).get(CALENDAR, query)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def districts(body: str) -> dict[int, str]:
    """The district picker's choices: id → name."""
    picker = re.search(r'<select id="pub-district".*?</select>', body, re.S).group(0)
    return {int(pk): name for pk, name in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)<', picker)}


def township(name: str) -> Congress:
    east = Congress.objects.get(region_name="东湖区", level="county")
    return congress_create(
        actor=None,
        name=f"{name}人民代表大会",
        short_name=f"{name}人大",
        level=Congress.Level.TOWNSHIP,
        region_name=name,
        parent=east,
        system=True,
    )


def test_a_congress_with_stations_but_no_day_is_in_the_picker_and_says_so():
    quiet = township("静水镇")
    station = StationFactory(congress=quiet, name="静水镇人大代表联络站", phone="0571-86001234")
    closed = township("旧镇")
    StationFactory(congress=closed, name="旧镇人大代表联络站", is_active=False)

    picker = districts(get("en"))
    assert picker[quiet.pk] == "静水镇人民代表大会"
    assert closed.pk not in picker  # no station a citizen can visit
    assert picker[quiet.parent_id] == "东湖区人民代表大会"

    page = get("en", district=quiet.pk)
    assert f'<option value="{quiet.pk}" selected>' in page
    assert (
        f"No reception day of 静水镇人民代表大会 is announced for the next {PUBLIC_HORIZON_DAYS} days."
        in page
    )
    stations_url = f"{reverse('portal:stations')}?district={quiet.parent_id}&township={quiet.pk}"
    assert f'<a href="{stations_url}">See the stations of 静水镇人民代表大会</a>' in page
    assert station.phone not in page
    # The pointer leads to the township's stations.
    listed = Client(headers={"accept-language": "en"}).get(stations_url).content.decode()
    assert station.name in listed

    zh = get("zh-hans", district=quiet.pk)
    assert f"静水镇人民代表大会未来{PUBLIC_HORIZON_DAYS}天暂无已公布的代表接待日。" in zh
    assert "查看静水镇人民代表大会的代表联络站" in zh


def test_a_station_without_a_day_points_to_its_own_page():
    station = StationFactory(congress=township("静水乡"), name="静水乡人大代表联络站")

    page = get("en", station=station.pk)

    assert f"No reception day is announced at {station.name} for the next {PUBLIC_HORIZON_DAYS} days." in page
    assert f'href="{reverse("portal:station", args=[station.pk])}"' in page
