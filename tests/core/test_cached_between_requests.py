"""What every signed-in page reads — the reader's scope, the unread count, the dashboards' refresh time — is
kept in the cache (Redis) between requests. A change committed by a service shows at the next request. These
tests commit for real (transaction=True), as production does: a writer that forgot to clear the cache
would leave the page showing the old state."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lvzhi.core.notifications import notify
from lvzhi.dashboards import figures
from lvzhi.org.roles import Role
from lvzhi.org.services.accounts import role_grant, role_revoke
from tests.factories import CongressFactory, MandateFactory, UserFactory, grant

pytestmark = pytest.mark.django_db(transaction=True)
DASHBOARD = "/dashboards/"


@pytest.fixture(autouse=True)
def memory_cache(settings):
    """A cache outside the database, as Redis is in production (with the database's cache table these
    results are not kept: lvzhi.core.list_cache.RecordsVersion.only_fast_cache)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def city():
    return CongressFactory(name="河口市人民代表大会")


@pytest.fixture
def head(city):
    user = UserFactory(congress=city)
    grant(user, Role.STAFF, city)
    return user


def a_granted_role_opens_its_pages_and_a_revoked_one_closes_them_at_the_next_request(client, city, head):
    clerk = UserFactory(congress=city)
    client.force_login(clerk)
    assert client.get(DASHBOARD).status_code == 403  # the scope without a role is now cached

    assignment = role_grant(actor=head, account=clerk, role=Role.STAFF, congress=city)
    assert client.get(DASHBOARD).status_code == 200

    role_revoke(actor=head, assignment=assignment)
    assert client.get(DASHBOARD).status_code == 403


def an_account_linked_to_a_deputy_has_the_deputys_menu_at_the_next_request(client, city, head):
    mandate = MandateFactory(congress=city)
    account = UserFactory(congress=city)
    client.force_login(account)
    assert "My suggestions" not in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    account.person = mandate.person
    account.save(update_fields=["person"])
    assert "My suggestions" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def the_unread_badge_follows_new_and_read_messages(client, city, head):
    deputy = UserFactory(congress=city)
    client.force_login(deputy)
    assert 'class="badge"' not in client.get(reverse("home")).content.decode()

    notify(recipient=deputy, cause="test:cached:1", subject="第一条")
    notify(recipient=deputy, cause="test:cached:2", subject="第二条")
    assert '<b class="badge">2</b>' in client.get(reverse("home")).content.decode()

    client.post(reverse("core:inbox_mark_read"))
    assert 'class="badge"' not in client.get(reverse("home")).content.decode()


def a_dashboard_shows_the_time_of_a_refresh_from_the_next_request(client, city, head):
    client.force_login(head)
    shown = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()  # caches the refresh time
    later = timezone.localtime() + dt.timedelta(minutes=10)  # within the session's idle limit
    assert f"Figures refreshed at {later:%Y-%m-%d %H:%M}." not in shown

    with time_machine.travel(later, tick=False):
        figures.refresh()
        page = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f"Figures refreshed at {later:%Y-%m-%d %H:%M}." in page


def test_what_every_page_reads_follows_each_committed_change(city, head):
    # One test for the four: each transactional test empties the database, and the demo city is rebuilt
    # before the next test that uses it.
    for check in (
        a_granted_role_opens_its_pages_and_a_revoked_one_closes_them_at_the_next_request,
        an_account_linked_to_a_deputy_has_the_deputys_menu_at_the_next_request,
        the_unread_badge_follows_new_and_read_messages,
        a_dashboard_shows_the_time_of_a_refresh_from_the_next_request,
    ):
        check(Client(), city, head)
