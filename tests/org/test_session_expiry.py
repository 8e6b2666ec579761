"""A signed-in session ends after 30 minutes without a request, and each request slides that clock."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.factories import PASSWORD, CongressFactory, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def account():
    return UserFactory(username="wangfang", congress=CongressFactory())


def signed_in_client(client, traveller):
    response = client.post(reverse("signin"), {"username": "wangfang", "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_request_at_29_minutes_idle_still_works_and_slides_the_clock(client, account):
    with time_machine.travel(START, tick=False) as traveller:
        signed_in_client(client, traveller)

        traveller.shift(dt.timedelta(minutes=29))
        first = client.get(reverse("home"))
        traveller.shift(dt.timedelta(minutes=29))  # 58 minutes after signing in, 29 after the last request
        second = client.get(reverse("home"))

        assert first.status_code == 200
        assert second.status_code == 200
        assert second.context["user"] == account
        session = Session.objects.get(session_key=client.cookies["sessionid"].value)
        assert session.expire_date == START + dt.timedelta(minutes=58 + 30)


def test_a_request_31_minutes_after_the_last_lands_on_the_sign_in_page(client, account):
    with time_machine.travel(START, tick=False) as traveller:
        signed_in_client(client, traveller)
        traveller.shift(dt.timedelta(minutes=20))
        assert client.get(reverse("home")).status_code == 200

        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("org:deputy_list"))

        assert response.status_code == 302
        assert response.url == f"{reverse('signin')}?next={reverse('org:deputy_list')}"
        assert "_auth_user_id" not in client.session


def test_the_idle_limit_is_the_setting(client, account, settings):
    settings.SESSION_COOKIE_AGE = 10 * 60
    with time_machine.travel(START, tick=False) as traveller:
        signed_in_client(client, traveller)

        traveller.shift(dt.timedelta(minutes=11))

        assert client.get(reverse("home")).url == reverse("signin")


def test_the_session_cookie_is_http_only_and_ends_with_the_browser(client, account):
    with time_machine.travel(START, tick=False) as traveller:
        signed_in_client(client, traveller)

    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["max-age"] == ""  # no lifetime of its own: the server's idle clock decides


def test_the_clock_slides_at_most_once_a_minute(client, account):
    """A page opened within a minute of the last slide writes no session; the idle limit holds within it."""
    with time_machine.travel(START, tick=False) as traveller:
        signed_in_client(client, traveller)
        traveller.shift(dt.timedelta(minutes=5))
        client.get(reverse("home"))  # slides to 5 + 30
        key = client.cookies["sessionid"].value

        traveller.shift(dt.timedelta(seconds=40))
        client.get(reverse("home"))
        assert Session.objects.get(session_key=key).expire_date == START + dt.timedelta(minutes=35)

        traveller.shift(dt.timedelta(seconds=40))  # 80 s after the last slide
        client.get(reverse("home"))
        assert Session.objects.get(session_key=key).expire_date == START + dt.timedelta(
            minutes=5 + 30, seconds=80
        )
