"""The audit log page: who sees which events, the filters, the security log, and that events stay as written."""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lvzhi.core.audit import record_event, record_security_event
from lvzhi.core.models import Event
from lvzhi.core.selectors import EventFilters, event_list_visible_to
from lvzhi.org.models import Congress
from lvzhi.org.roles import Role
from tests.factories import PASSWORD, CommitteeFactory, CongressFactory, PersonFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def township(district):
    return CongressFactory(parent=district, level=Congress.Level.TOWNSHIP)


@pytest.fixture
def events(city, district, sibling, township, city_staff):
    """One event in each congress of the tree, and one that belongs to none."""
    return {
        "city": record_event(actor=city_staff, kind="test.city", congress_id=city.pk),
        "district": record_event(
            actor=city_staff, kind="test.district", target=PersonFactory(congress=district)
        ),
        "township": record_event(actor=city_staff, kind="test.township", congress_id=township.pk),
        "sibling": record_event(actor=city_staff, kind="test.sibling", congress_id=sibling.pk),
        "nowhere": record_event(actor=None, kind="test.nowhere"),
    }


def kinds(qs):
    return {e.kind for e in qs.filter(kind__startswith="test.")}


def test_staff_see_their_congress_and_below_never_a_sibling_or_above(district_staff, events):
    assert kinds(event_list_visible_to(user=district_staff)) == {"test.district", "test.township"}


def test_chairs_see_the_same_tree(district_chair, events):
    assert kinds(event_list_visible_to(user=district_chair)) == {"test.district", "test.township"}


def test_city_staff_see_the_whole_city_but_not_events_of_no_congress(city_staff, events):
    assert kinds(event_list_visible_to(user=city_staff)) == {
        "test.city",
        "test.district",
        "test.township",
        "test.sibling",
    }


def test_the_administrator_sees_everything(superuser, events):
    assert kinds(event_list_visible_to(user=superuser)) == {e.kind for e in events.values()}


def test_other_roles_see_nothing_and_the_page_is_denied(signed_in, city, events):
    committee_staff = UserFactory(congress=city)
    grant(committee_staff, Role.COMMITTEE_STAFF, city, committee=CommitteeFactory(congress=city))
    assert not event_list_visible_to(user=committee_staff).exists()
    assert signed_in(committee_staff).get(reverse("core:event_list")).status_code == 403


def test_a_plain_account_is_denied(signed_in, plain_user):
    assert signed_in(plain_user).get(reverse("core:event_list")).status_code == 403


def test_the_page_lists_the_tree_and_hides_the_sibling(signed_in, district_staff, events):
    page = signed_in(district_staff).get(reverse("core:event_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "test.district" in html and "test.township" in html
    assert "test.sibling" not in html and "test.city" not in html


def test_filter_by_kind_actor_and_dates(district, district_staff, city_staff):
    other = UserFactory(congress=district, full_name="王小明")
    old = record_event(actor=city_staff, kind="test.alpha.one", congress_id=district.pk)
    Event.objects.filter(pk=old.pk).update(occurred_at=timezone.make_aware(dt.datetime(2026, 3, 1, 23, 30)))
    record_event(actor=city_staff, kind="test.alpha.two", congress_id=district.pk)
    record_event(actor=other, kind="test.beta", congress_id=district.pk)

    def find(**kw):
        return kinds(event_list_visible_to(user=district_staff, filters=EventFilters(**kw)))

    assert find(kind="test.alpha") == {"test.alpha.one", "test.alpha.two"}
    assert find(actor=other.username) == {"test.beta"}
    assert find(actor="小明") == {"test.beta"}
    # Dates are local days, both ends included: 23:30 on March 1 is on March 1.
    assert find(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 1)) == {"test.alpha.one"}
    assert "test.alpha.one" not in find(date_from=dt.date(2026, 3, 2))


def test_the_page_filters_and_reports_a_bad_date(signed_in, district, district_staff, city_staff):
    record_event(actor=city_staff, kind="test.alpha", congress_id=district.pk)
    record_event(actor=city_staff, kind="test.beta", congress_id=district.pk)
    client = signed_in(district_staff)
    html = client.get(reverse("core:event_list"), {"kind": "test.al"}).content.decode()
    assert "test.alpha" in html and "test.beta" not in html
    bad = client.get(reverse("core:event_list"), {"date_from": "2026-13-45", "kind": "test.be"})
    assert bad.status_code == 200
    assert "Enter a valid date" in bad.content.decode()
    assert "test.beta" in bad.content.decode()  # the good filter still applies
    reversed_range = client.get(
        reverse("core:event_list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert "The end date is before the start date." in reversed_range.content.decode()


def test_a_failed_sign_in_shows_in_the_security_log_of_the_accounts_congress(
    client, signed_in, district, district_staff, sibling_staff
):
    # Given an account of the district
    account = UserFactory(congress=district)
    # When someone tries a wrong password, then the right one
    client.post(reverse("signin"), {"username": account.username, "password": "wrong-password"})
    client.post(reverse("signin"), {"username": account.username, "password": PASSWORD})
    # Then the district's staff see both in the security log, the sibling's staff do not
    log = event_list_visible_to(user=district_staff, filters=EventFilters(security_only=True))
    assert set(log.filter(actor=account).values_list("kind", flat=True)) >= {
        "security.signin_failed",
        "security.signin",
    }
    assert not event_list_visible_to(user=sibling_staff).filter(actor=account).exists()
    page = signed_in(district_staff).get(reverse("core:event_list"), {"security": "1"})
    assert "security.signin_failed" in page.content.decode()
    assert page.context["security_only"]


def test_security_only_leaves_out_ordinary_events(district, district_staff, city_staff):
    record_event(actor=city_staff, kind="test.ordinary", congress_id=district.pk)
    record_security_event(actor=city_staff, kind="test.export", target=PersonFactory(congress=district))
    found = kinds(event_list_visible_to(user=district_staff, filters=EventFilters(security_only=True)))
    assert found == {"test.export"}


def test_the_log_is_paginated(signed_in, district, district_staff, city_staff):
    Event.objects.bulk_create(
        [Event(actor=city_staff, kind=f"test.bulk.{i}", congress_id=district.pk) for i in range(60)]
    )
    client = signed_in(district_staff)
    first = client.get(reverse("core:event_list"), {"kind": "test.bulk"})
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("core:event_list"), {"kind": "test.bulk", "page": 2})
    assert len(second.context["page"].object_list) == 10


def test_the_page_needs_a_fixed_number_of_queries(
    signed_in, district, district_staff, django_assert_max_num_queries
):
    # Fifty events by fifty different actors about fifty different people: no query per row.
    for i in range(50):
        actor = UserFactory(congress=district)
        record_event(actor=actor, kind=f"test.many.{i}", target=PersonFactory(congress=district))
    client = signed_in(district_staff)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("core:event_list"))
    assert len(page.context["page"].object_list) == 50


def test_actors_without_a_full_name_show_their_person_without_a_query_each(
    signed_in, district, district_staff, django_assert_max_num_queries
):
    # Given fifty events by fifty accounts that have no full name but a person (a deputy's account)
    for i in range(50):
        actor = UserFactory(congress=district, full_name="", person=PersonFactory(congress=district))
        record_event(actor=actor, kind=f"test.deputies.{i}", congress_id=district.pk)
    client = signed_in(district_staff)
    # When the log is read, then the page still needs a fixed number of queries and shows the people's names
    with django_assert_max_num_queries(12):
        page = client.get(reverse("core:event_list"), {"kind": "test.deputies"})
    rows = page.context["page"].object_list
    assert len(rows) == 50
    assert all(e.actor.display_name == e.actor.person.name for e in rows)
    assert rows[0].actor.person.name in page.content.decode()


def test_a_date_no_one_means_is_refused_not_an_error(signed_in, district, district_staff, city_staff):
    # Given an event today, and a filter up to the last day of year 9999 (one day more would overflow)
    record_event(actor=city_staff, kind="test.far", congress_id=district.pk)
    client = signed_in(district_staff)
    page = client.get(reverse("core:event_list"), {"date_to": "9999-12-31", "kind": "test.far"})
    # Then the form says which dates it takes, and the other filters still apply
    assert page.status_code == 200
    assert "Enter a date between 1900-01-01 and 2200-12-31." in page.content.decode()
    assert "test.far" in page.content.decode()
    early = client.get(reverse("core:event_list"), {"date_from": "0001-01-01"})
    assert early.status_code == 200 and early.context["form"].errors["date_from"]
    # and the selector itself takes any date
    far = EventFilters(kind="test.far", date_from=dt.date(2000, 1, 1), date_to=dt.date.max)
    assert kinds(event_list_visible_to(user=district_staff, filters=far)) == {"test.far"}


def test_nul_bytes_in_the_filters_are_dropped(signed_in, district, district_staff, city_staff):
    # PostgreSQL refuses a NUL byte in a text parameter; the filters drop it instead of failing.
    record_event(actor=city_staff, kind="test.nul", congress_id=district.pk)
    found = event_list_visible_to(
        user=district_staff, filters=EventFilters(kind="test.n\x00ul", actor="a\x00")
    )
    assert list(found) == []
    found = event_list_visible_to(user=district_staff, filters=EventFilters(kind="test.n\x00ul"))
    assert kinds(found) == {"test.nul"}
    page = signed_in(district_staff).get(reverse("core:event_list"), {"kind": "test.n\x00ul"})
    assert page.status_code == 200
    assert [e.kind for e in page.context["page"].object_list] == ["test.nul"]


# --- events stay as written ---------------------------------------------------------------------


def _all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _all_url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


def test_no_page_edits_or_deletes_an_event():
    names = [n for n in _all_url_names() if not n.startswith("admin:")]
    event_pages = [n for n in names if "event" in n.lower()]
    assert "core:event_list" in event_pages
    writes = ("add", "create", "edit", "update", "change", "delete", "remove", "purge", "import")
    assert [n for n in event_pages if any(w in n.lower() for w in writes)] == []


def test_the_log_page_does_not_accept_writes(signed_in, superuser):
    client = signed_in(superuser)
    assert client.post(reverse("core:event_list"), {"kind": "x"}).status_code == 405


def test_kinds_read_as_words_with_their_code(signed_in, district, district_staff, city_staff):
    record_event(actor=city_staff, kind="calendar.day_added", congress_id=district.pk)
    record_event(actor=city_staff, kind="admin.unit.changed", congress_id=district.pk)
    html = signed_in(district_staff).get(reverse("core:event_list")).content.decode()
    assert "Calendar day added" in html and "calendar.day_added" in html
    assert "Undertaking unit corrected in the admin" in html


def test_no_application_code_updates_or_deletes_events():
    # The application never edits or deletes an event (lvzhi.core.audit); a purge would show up here.
    import re
    from pathlib import Path

    import lvzhi

    pattern = re.compile(r"\bEvent\.objects\b[^;\n]*\.(update|delete|bulk_update)\(")
    offenders = [
        f"{path}:{number}"
        for path in Path(lvzhi.__file__).parent.rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []
