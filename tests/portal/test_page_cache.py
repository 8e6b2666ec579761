"""The anonymous public pages served whole from the cache: the same bytes for every visitor (no CSRF token,
cookie or other visitor's data in them), a change shows at once, the language switch works from a cached
page both ways, and a signed-in visitor still gets its own page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lvzhi.org.models import Mandate
from lvzhi.portal import directory
from tests.scope_markers import login, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy_url() -> str:
    mandate = Mandate.objects.current(timezone.localdate()).order_by("pk").first()
    return reverse("portal:deputy", args=[mandate.pk])


def visitor() -> Client:
    """A citizen's browser, CSRF checks on, holding its own CSRF cookie from the sign-in form."""
    c = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert c.get(reverse("signin")).status_code == 200
    assert c.cookies["csrftoken"].value
    return c


def page(c: Client, url: str):
    r = c.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return r


@pytest.mark.parametrize("kind", ["deputy", "station"])
def test_two_visitors_get_the_same_bytes_without_each_others_token(kind, deputy_url):
    url = (
        deputy_url
        if kind == "deputy"
        else reverse("portal:station", args=[directory.public_stations().first().pk])
    )
    a, b = visitor(), visitor()
    first, second = page(a, url), page(b, url)  # a renders and stores, b reads the cache

    assert first.content == second.content
    html = second.content.decode()
    for c in (a, b):
        assert c.cookies["csrftoken"].value not in html
    assert "csrfmiddlewaretoken" not in html
    for r in (first, second):
        assert not r.cookies, r.cookies  # no CSRF or session cookie set by the cached page


def test_a_cached_page_shows_a_change_at_once(deputy_url):
    a, b = visitor(), visitor()
    page(a, deputy_url)
    mandate = Mandate.objects.get(pk=int(deputy_url.rstrip("/").rsplit("/", 1)[1]))
    person = mandate.person
    person.name = "缓存新名"
    person.save()  # the model signal bumps the cache version
    assert "缓存新名" in page(b, deputy_url).content.decode()
    assert page(a, deputy_url).content == page(b, deputy_url).content


def switch(c: Client, html: str, language: str):
    """Submit the page's language form as a browser does: its action, its hidden `next`, the button."""
    form = re.search(r'<form action="([^"]+)" method="post" class="inline lang">(.*?)</form>', html, re.S)
    assert form, "no language form"
    fields = dict(re.findall(r'<input name="([^"]+)" type="hidden" value="([^"]*)"', form.group(2)))
    assert f'name="language" value="{language}"' in form.group(2)
    r = c.post(form.group(1), {**fields, "language": language})
    assert r.status_code == 302, r.status_code
    return c.get(r["Location"])


def test_the_language_switch_works_from_a_cached_page_both_ways(deputy_url):
    c = visitor()
    page(visitor(), deputy_url)  # someone else filled the cache
    chinese = page(c, deputy_url).content.decode()
    assert "公众服务" in chinese and "Public portal" not in chinese

    english = switch(c, chinese, "en")
    assert english.request["PATH_INFO"] == deputy_url
    text = english.content.decode()
    assert "Public portal" in text and "公众服务" not in text
    assert text == page(Client(HTTP_ACCEPT_LANGUAGE="en"), deputy_url).content.decode()  # the English bytes

    back = switch(c, text, "zh-hans").content.decode()
    assert "公众服务" in back and "Public portal" not in back


def test_the_switch_only_redirects_to_this_site():
    r = Client(enforce_csrf_checks=True).post(
        reverse("portal:language"), {"language": "en", "next": "https://evil.example.com/"}
    )
    assert r.status_code == 302 and "evil" not in r["Location"]


def test_a_signed_in_visitor_gets_its_own_page_not_the_cached_one(deputy_url):
    page(visitor(), deputy_url)
    chair = user("city_chair")
    html = page(login(chair), deputy_url).content.decode()
    assert chair.display_name in html and "csrfmiddlewaretoken" in html  # its sign-out form, its nav
    assert chair.display_name not in page(visitor(), deputy_url).content.decode()
