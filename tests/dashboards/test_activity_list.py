"""The dashboards' "Activities (人次)" opens the confirmed participations it counts, as many as the number, for
the city, a district and a region's own level (本级)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lvzhi.dashboards import figures
from lvzhi.org.models import Congress, User

pytestmark = pytest.mark.django_db


def listed(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_the_activities_number_opens_a_list_as_long_as_it():
    client = Client()
    client.force_login(User.objects.get(username="city_chair"))
    city = Congress.objects.get(name="示范市人民代表大会", parent__isnull=True)
    east = Congress.objects.get(name="东湖区人民代表大会")
    period = figures.Period.default()
    for region in (city, east):
        number = figures.headline(region, period)["activities"].numerator
        assert number > 0, region.name  # the demo's deputies took part in activities this year
        url = figures.list_url("activities", "num", region, period)
        assert url.startswith(reverse("performance:activity_list") + "?")
        assert listed(client, url) == number, region.name
        # the own level (本级): the region's own deputies only
        own = figures.by_child(region, period)[0].values["activities"].numerator
        assert listed(client, figures.list_url("activities", "num", region, period, own=True)) == own
    # The dashboard's breakdown links a district's number to its list
    html = client.get(reverse("dashboards:index")).content.decode()
    link = figures.list_url("activities", "num", east, period).replace("&", "&amp;")
    assert f'<a href="{link}">' in html
    # Activities are counted per congress only: no list per station or per lead unit, no "miss" of a count
    station = east.stations.first()
    assert figures.list_url("activities", "num", east, period, station_id=station.pk) is None
    assert figures.list_url("activities", "num", east, period, unit_id=1) is None
    assert figures.list_url("activities", "miss", east, period) is None
