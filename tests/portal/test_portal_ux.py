"""The public portal walked on a phone: the logo leads an anonymous visitor back to the portal, find my deputy
puts the township's own deputies first (a deputy to two congresses once, with both levels), a deputy's calendar
link keeps its station, disclosed suggestions say their congress and session, an unknown statistics region
says so."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lvzhi.org.models import Congress, Mandate
from lvzhi.stations.models import StationDeputy
from lvzhi.suggestions.models import Disclosure

pytestmark = pytest.mark.django_db


def get(url: str, **query) -> str:
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(url, query)
    assert r.status_code == 200, (url, query, r.status_code)
    return html.unescape(r.content.decode())


def test_the_logo_leads_an_anonymous_visitor_to_the_portal(django_user_model):
    for url in (reverse("portal:list"), reverse("reception_public:calendar"), reverse("portal:deputies")):
        body = get(url)
        assert re.search(r'class="brand" href="/public/"', body), url
        assert '<p class="portal-crumbs"><a href="/public/">' in body, url  # ← 公众服务
    assert '<p class="portal-crumbs"><a href="/public/">' in get(reverse("meetings_public:list"))
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(django_user_model.objects.filter(is_active=True).first())
    assert 'class="brand" href="/"' in staff.get(reverse("portal:list")).content.decode()


def test_the_townships_own_deputies_come_first_and_a_person_once():
    qingshi = Congress.objects.get(region_name="青石镇", level=Congress.Level.TOWNSHIP)
    serving = Mandate.objects.current(timezone.localdate())
    body = get(reverse("portal:deputies"), district=qingshi.parent_id, township=qingshi.pk)
    first = re.search(r'<ul class="portal-list">\s*<li><a href="/public/deputies/(\d+)/"', body).group(1)
    assert serving.get(pk=first).congress == qingshi
    assert f"Deputies of {qingshi.name}" in body and "Higher congresses'" not in body
    last = get(reverse("portal:deputies"), district=qingshi.parent_id, township=qingshi.pk, page=99)
    assert "Higher congresses' deputies in its stations" in last  # the district's and city's, after
    # A township deputy also a deputy of the district: one row with both congresses, linked to both pages.
    own = serving.filter(congress=qingshi).order_by("pk").first()
    other = serving.filter(congress=qingshi.parent).exclude(person=own.person).order_by("pk").first()
    other.person = own.person
    other.save()
    StationDeputy.objects.get_or_create(
        station=own.station_assignments.first().station
        if own.station_assignments.exists()
        else qingshi.stations.first(),
        mandate=other,
    )
    body = get(reverse("portal:deputies"), district=qingshi.parent_id, township=qingshi.pk, q=own.person.name)
    assert body.count(f'<span class="name">{own.person.name}</span>') == 1
    assert qingshi.name in body and qingshi.parent.name in body
    assert reverse("portal:deputy", args=[other.pk]) in body
    # A station's link without its district, and the city's own stations in the picker.
    link = StationDeputy.objects.filter(station__is_active=True, station__congress=qingshi).first()
    body = get(reverse("portal:deputies"), station=link.station_id)
    assert reverse("portal:deputy", args=[link.mandate_id]) in body
    city_station = qingshi.parent.parent.stations.filter(is_active=True).first()
    if city_station is not None:
        assert f'<option value="{city_station.pk}"' in get(reverse("portal:deputies"))


def test_a_deputys_calendar_link_keeps_its_station():
    link = (
        StationDeputy.objects.filter(
            station__is_active=True, mandate__in=Mandate.objects.current(timezone.localdate())
        )
        .select_related("mandate")
        .first()
    )
    body = get(reverse("portal:deputy", args=[link.mandate_id]))
    assert f'href="/public/reception/?station={link.station_id}"' in body
    calendar = get(reverse("reception_public:calendar"), station=link.station_id)
    assert f'<option value="{link.station_id}" selected' in calendar
    # A station with no day announced shows its own empty calendar, not everyone's.
    upcoming = timezone.localdate()
    quiet = StationDeputy.objects.filter(station__is_active=True).exclude(
        station__reception_days__date__gte=upcoming
    )
    quiet = quiet.first() or link
    calendar = get(reverse("reception_public:calendar"), station=quiet.station_id)
    assert f'<option value="{quiet.station_id}" selected' in calendar


def test_disclosures_say_their_congress_and_session():
    d = Disclosure.objects.filter(is_published=True).select_related("suggestion__term").first()
    assert d is not None, "the demo city publishes disclosures"
    s = d.suggestion
    label = str(s.session) if s.session_id else f"{s.term} · Recess"
    for url in (reverse("portal:list"), reverse("portal:detail", args=[d.pk])):
        assert label in get(url), url


def test_an_unknown_statistics_region_says_so():
    township = Congress.objects.filter(level=Congress.Level.TOWNSHIP).first()
    assert "not offered here" in get(reverse("portal:statistics"), region=township.pk)
    assert "not offered here" not in get(reverse("portal:statistics"))
