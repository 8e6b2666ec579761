"""Odd input on the staff pages never answers 500: ids that are not ASCII numbers, NUL bytes in searches."""

import pytest
from django.urls import reverse

from lvzhi.org.models import CommitteeMembership, GroupMembership, Mandate, Person
from lvzhi.stations.models import StationDeputy
from tests.factories import CommitteeFactory, GroupFactory, MandateFactory, StationFactory

from .manage_world import TODAY, build_world

pytestmark = pytest.mark.django_db

# "²".isdigit() is True but int("²") raises; "٣" (Arabic-Indic three) is a digit int() accepts.
ODD_IDS = ["²", "٣", "-1", "1e3", "9" * 40, " ", "\x00"]


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    world = build_world()
    Person.objects.filter(pk=world.mandate_a.person_id).update(name="林晓红")
    return world


@pytest.mark.parametrize("raw", ODD_IDS)
def test_the_deputy_list_ignores_an_odd_congress_term_or_group(w, raw):
    client = w.client(w.staff_a)
    for key in ("congress", "term", "group"):
        page = client.get(reverse("org:deputy_list"), {key: raw})
        assert page.status_code == 200, key
        # An odd filter is ignored: the list shows what it shows without it.
        assert w.mandate_a in page.context["page"].object_list


@pytest.mark.parametrize("raw", ["²", "٣", "9" * 40])
def test_list_pages_ignore_an_odd_congress(w, raw):
    client = w.client(w.staff_a)
    for name in ("org:unit_list", "org:group_list", "stations:list"):
        assert client.get(reverse(name), {"congress": raw}).status_code == 200, name


@pytest.mark.parametrize("raw", ["²", "٣"])
def test_posted_odd_ids_are_refused_politely(w, raw):
    client = w.client(w.staff_a)
    group = GroupFactory(congress=w.district_a)
    page = client.post(reverse("org:group_member_add", args=[group.pk]), {"mandate": raw})
    assert page.status_code == 302 and not GroupMembership.objects.filter(group=group).exists()

    committee = CommitteeFactory(congress=w.district_a)
    page = client.post(
        reverse("org:committee_detail", args=[committee.pk]),
        {"person": raw, "position": "member", "start_date": "2025-06-01"},
    )
    assert page.status_code == 200 and not CommitteeMembership.objects.filter(committee=committee).exists()

    station = StationFactory(congress=w.district_a)
    page = client.post(reverse("stations:assign", args=[station.pk]), {"mandate": raw})
    assert page.status_code == 302 and not StationDeputy.objects.filter(station=station).exists()

    before = Mandate.objects.count()
    data = {
        "name": "新代表",
        "mobile": "13911112222",
        "term": w.term_a.pk,
        "start_date": "2025-01-01",
        "existing_person": raw,
    }
    page = client.post(reverse("org:deputy_create"), data)
    # The odd id names nobody: the deputy is registered as a new person.
    assert page.status_code == 302 and Mandate.objects.count() == before + 1


def test_a_nul_byte_in_a_search_is_dropped(w):
    """PostgreSQL refuses a NUL byte in a text parameter (DataError, a 500); the search drops it."""
    client = w.client(w.staff_a)
    page = client.get(reverse("org:deputy_list"), {"q": "林晓\x00红"})
    assert page.status_code == 200 and set(page.context["page"].object_list) == {w.mandate_a}

    group = GroupFactory(congress=w.district_a, name="东湖第一代表小组")
    page = client.get(reverse("org:group_list"), {"q": "东湖\x00第一"})
    assert list(page.context["page"].object_list) == [group]
    page = client.get(reverse("org:group_detail", args=[group.pk]), {"q": "林晓\x00"})
    assert [m.pk for m in page.context["candidates"]] == [w.mandate_a.pk]

    committee = CommitteeFactory(congress=w.district_a)
    page = client.get(reverse("org:committee_detail", args=[committee.pk]), {"q": "林\x00晓"})
    assert [p.pk for p in page.context["form"].fields["person"].queryset] == [w.mandate_a.person_id]

    assert client.get(reverse("org:unit_list"), {"q": "教育\x00局"}).status_code == 200

    station = StationFactory(congress=w.district_a, name="东湖街道代表联络站")
    page = client.get(reverse("stations:list"), {"q": "东湖\x00街道"})
    assert list(page.context["page"].object_list) == [station]
    page = client.get(reverse("stations:detail", args=[station.pk]), {"q": "林\x00晓红"})
    assert [m.pk for m in page.context["candidates"]] == [w.mandate_a.pk]


def test_the_api_deputy_list_is_the_pages_search(w):
    """The API calls the page's deputy_search: the same filters give the same deputies."""
    grassroots = MandateFactory(congress=w.district_a, term=w.term_a, is_grassroots=True)
    client = w.client(w.staff_a)
    api = client.get("/api/v1/deputies", {"congress": w.district_a.pk, "grassroots": "true"})
    page = client.get(reverse("org:deputy_list"), {"congress": w.district_a.pk, "grassroots": "yes"})
    assert [d["id"] for d in api.json()["items"]] == [m.pk for m in page.context["page"].object_list]
    assert [d["id"] for d in api.json()["items"]] == [grassroots.pk]
    # A NUL byte in the API's search is dropped as on the page.
    api = client.get("/api/v1/deputies", {"q": "林晓\x00红"})
    assert api.status_code == 200 and [d["id"] for d in api.json()["items"]] == [w.mandate_a.pk]


def test_the_api_station_list_is_the_pages_search(w):
    empty = StationFactory(congress=w.district_a)
    full = StationFactory(congress=w.district_a)
    StationDeputy.objects.create(station=full, mandate=w.mandate_a)
    client = w.client(w.staff_a)
    api = client.get("/api/v1/stations", {"congress": w.district_a.pk, "deputies": "none"})
    page = client.get(reverse("stations:list"), {"congress": w.district_a.pk, "deputies": "none"})
    assert [s["id"] for s in api.json()["items"]] == [s.pk for s in page.context["page"].object_list]
    assert [s["id"] for s in api.json()["items"]] == [empty.pk]
    assert client.get("/api/v1/stations", {"congress": w.district_a.pk}).json()["count"] == 2


def test_huge_ids_in_the_address_or_a_choice_are_not_found(w):
    client = w.client(w.staff_a)
    huge = "9" * 30
    assert client.get(f"/org/deputies/{huge}/").status_code == 404
    assert client.get(f"/stations/{huge}/").status_code == 404
    data = {"name": "新代表", "term": huge, "start_date": "2025-01-01", "electoral_unit": huge}
    page = client.post(reverse("org:deputy_create"), data)
    assert page.status_code == 200 and "term" in page.context["form"].errors
