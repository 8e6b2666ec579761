"""The portal's page cache against writes that send no model signal (roster imports in bulk) and against the
scheme a page was asked by: a cached page shows the change at once, and its QR address is the asker's."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lvzhi.org.models import Mandate
from lvzhi.portal import directory
from tests.org.test_roster_import import (  # noqa: F401
    TODAY,
    change_term,
    deputy,
    import_deputies,
    old_roster,
    world,
)

pytestmark = pytest.mark.django_db


def anon() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def body(url: str, **kw) -> str:
    r = anon().get(url, **kw)
    assert r.status_code == 200, (url, r.status_code)
    return r.content.decode()


@pytest.fixture
def _roster_day(time_machine):
    time_machine.move_to(TODAY)  # the roster tests' day: their terms and mandates are current then


def test_a_new_term_takes_the_ended_deputies_off_the_cached_pages_at_once(_roster_day, world, old_roster):  # noqa: F811
    yi = Mandate.objects.get(person=old_roster["乙"][0])
    jia = Mandate.objects.get(person=old_roster["甲"][0])
    for m in (yi, jia):
        assert m.person.name in body(reverse("portal:deputy", args=[m.pk]))  # now in the cache

    report = change_term(world, [deputy("甲", "19700000201")])

    assert report.saved
    # Both old mandates ended (甲 serves on in a new one): their pages go, and the list no longer names 乙.
    for m in (yi, jia):
        assert anon().get(reverse("portal:deputy", args=[m.pk])).status_code == 404
    listed = body(reverse("portal:deputies"), data={"q": "乙"})
    assert reverse("portal:deputy", args=[yi.pk]) not in listed
    new = Mandate.objects.get(person=old_roster["甲"][0], end_date__isnull=True)
    assert reverse("portal:deputy", args=[new.pk]) in body(reverse("portal:deputies"), data={"q": "甲"})


def test_an_imported_deputy_shows_on_the_cached_station_page_at_once(_roster_day, world):  # noqa: F811
    url = reverse("portal:station", args=[world["station"].pk])
    assert "庚新代表" not in body(url)  # now in the cache

    report = import_deputies(world, [deputy("庚新代表", "19700000301", station="东测街道代表联络站")])

    assert report.saved
    assert "庚新代表" in body(url)


def test_the_cached_qr_address_follows_the_scheme_and_host_asked(settings):
    settings.LVZHI_PUBLIC_URL = ""  # the QR address comes from the request
    settings.ALLOWED_HOSTS = ["testserver", "lvzhi.example.cn"]
    serving = Mandate.objects.current(timezone.localdate())
    mandate = serving.filter(contact_codes__revoked_at__isnull=True).order_by("pk").first()
    code = directory.live_code_of(mandate=mandate)
    url = reverse("portal:deputy", args=[mandate.pk])
    path = f"/c/{code.token}/"
    assert f"http://testserver{path}" in body(url)
    secure = body(url, secure=True)
    assert f"https://testserver{path}" in secure and f"http://testserver{path}" not in secure
    assert f"https://lvzhi.example.cn{path}" in body(url, secure=True, HTTP_HOST="lvzhi.example.cn")
    assert f"http://testserver{path}" in body(url)  # each kept apart in the cache
    settings.LVZHI_PUBLIC_URL = "https://lvzhi.example.gov.cn"
    assert f"https://lvzhi.example.gov.cn{path}" in body(url)
