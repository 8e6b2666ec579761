"""The dashboard's cached body after a refresh of the summary: the next request shows the new numbers; while
another request rebuilds a page, a reader gets the previous numbers with their own refresh time (never new
numbers with an old time or the reverse); with no previous body, the page is built fresh."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lvzhi.dashboards import figures, views
from lvzhi.dashboards.models import FigureRefresh
from lvzhi.org.models import Congress, User
from lvzhi.stations.models import Station

from .test_pages import cards

pytestmark = pytest.mark.django_db

INDEX = reverse("dashboards:index")
EAST = "东湖区人民代表大会"


def shown_time(html: str) -> str:
    """The refresh time the page says its figures are of."""
    match = re.search(r"数据刷新于 (\d{4}-\d\d-\d\d \d\d:\d\d)", html)
    assert match, "the page says when its figures were refreshed"
    return match[1]


def minute(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def east():
    """The district's dashboard, its last refresh two hours ago (so the old and new times differ), no body
    cached yet."""
    region = Congress.objects.get(name=EAST)
    FigureRefresh.objects.update(finished_at=timezone.now() - dt.timedelta(hours=2))
    cache.delete(views.body_key("index", region, figures.Period.default()))
    return region


def close_a_station_and_refresh(region) -> None:
    station = Station.objects.filter(congress__path__startswith=region.path, is_active=True).first()
    Station.objects.filter(pk=station.pk).update(is_active=False)
    figures.refresh()


def page(client, region) -> str:
    response = client.get(INDEX, {"region": region.pk})
    assert response.status_code == 200
    return response.content.decode()


def test_while_another_request_rebuilds_a_reader_sees_the_old_numbers_with_their_time(east):
    chair = Client()
    chair.force_login(User.objects.get(username="city_chair"))
    old_time = minute(figures.refreshed_at())
    html = page(chair, east)
    before = cards(html)["stations"]
    assert shown_time(html) == old_time
    close_a_station_and_refresh(east)
    new_time = minute(figures.refreshed_at())
    assert new_time != old_time

    # Another request holds the rebuild lock: this one is served the previous body, which says its time
    lock = views.body_key("index", east, figures.Period.default()) + ":rebuilding"
    assert cache.add(lock, 1, 60)
    html = page(chair, east)
    assert cards(html)["stations"] == before
    assert shown_time(html) == old_time

    # The rebuild done (the lock gone): the next request shows the new number and the new time
    cache.delete(lock)
    html = page(chair, east)
    assert cards(html)["stations"] == str(int(before) - 1)
    assert shown_time(html) == new_time
    # … and the rebuilt body is kept: a reader of the district (any user) gets it, lock or not
    assert cache.add(lock, 1, 60)
    staff = Client()
    staff.force_login(User.objects.get(username="staff_a"))
    html = page(staff, east)
    assert cards(html)["stations"] == str(int(before) - 1) and shown_time(html) == new_time


def test_with_no_previous_body_and_the_lock_held_the_page_is_built_fresh(east):
    close_a_station_and_refresh(east)
    period = figures.Period.default()
    assert cache.add(views.body_key("index", east, period) + ":rebuilding", 1, 60)
    chair = Client()
    chair.force_login(User.objects.get(username="city_chair"))
    html = page(chair, east)
    assert cards(html)["stations"] == str(figures.headline(east, period)["stations"].numerator)
    assert shown_time(html) == minute(figures.refreshed_at())
