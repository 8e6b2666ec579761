"""Registering, editing and ending deputies, leave periods, the deputy page and the filtered deputy list."""

import datetime as dt

import pytest
from django.urls import reverse

from lvzhi.core.errors import ServiceError
from lvzhi.org.models import ElectoralUnit, GroupMembership, Mandate, MandateLeave, Person, Term
from lvzhi.org.services import people
from lvzhi.stations.models import StationDeputy
from tests.factories import GroupFactory, MandateFactory, StationFactory

from .manage_world import TODAY, build_world, events

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build_world()


def deputy_form(w, **overrides):
    data = {
        "name": "林晓红",
        "gender": "F",
        "birth_date": "1978-03-09",
        "ethnicity": "汉族",
        "party": "中共党员",
        "occupation": "东湖街道社区卫生服务中心主任",
        "mobile": "13912345678",
        "term": w.term_a.pk,
        "start_date": "2024-03-01",
        "is_grassroots": "on",
        "fields": ["health", "social"],
    }
    data.update(overrides)
    return data


# --- registering --------------------------------------------------------------------------------


def test_staff_register_a_deputy_elected_mid_term(w):
    unit = ElectoralUnit.objects.create(congress=w.district_a, kind="district", name="第三选区")
    page = w.client(w.staff_a).post(reverse("org:deputy_create"), deputy_form(w, electoral_unit=unit.pk))
    mandate = Mandate.objects.get(congress=w.district_a, person__name="林晓红")
    assert page.status_code == 302 and page.url == reverse("org:deputy_detail", args=[mandate.pk])
    assert mandate.congress == w.district_a and mandate.term == w.term_a
    assert (mandate.start_date, mandate.electoral_unit, mandate.is_grassroots) == (D(2024, 3, 1), unit, True)
    assert mandate.fields == ["health", "social"]
    assert mandate.person.congress == w.district_a and mandate.person.mobile == "13912345678"
    [created] = events("mandate.created", mandate)
    assert created.payload["person"] == mandate.person.pk and created.actor == w.staff_a
    # The log refers to the person by id and never copies the name or the mobile.
    assert "林晓红" not in str(created.payload) and "13912345678" not in str(created.payload)
    assert len(events("person.created", mandate.person)) == 1


def test_a_start_outside_the_term_is_refused_and_the_form_keeps_what_was_typed(w):
    page = w.client(w.staff_a).post(reverse("org:deputy_create"), deputy_form(w, start_date="2021-12-31"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "The mandate must start within its term" in html
    assert 'value="林晓红"' in html and 'value="13912345678"' in html
    assert not Person.objects.filter(congress=w.district_a, name="林晓红").exists()


def test_the_refusal_codes_of_registering(w):
    other_unit = ElectoralUnit.objects.create(congress=w.district_b, kind="district", name="西岭第一选区")
    base = {"actor": w.staff_a, "term": w.term_a, "person_data": {"name": "甲"}, "start_date": D(2024, 1, 1)}
    for overrides, code in [
        ({"start_date": D(2027, 1, 1)}, "start_outside_term"),
        ({"electoral_unit": other_unit}, "bad_electoral_unit"),
        ({"person_data": {"name": " "}}, "required"),
        ({"person_data": {"name": "甲", "mobile": "12345"}}, "bad_mobile"),
        ({"fields": ["astrology"]}, "bad_field"),
        ({"term": w.term_b}, "not_allowed"),
    ]:
        with pytest.raises(ServiceError) as refused:
            people.deputy_create(**{**base, **overrides})
        assert refused.value.code == code
    assert not Person.objects.filter(congress=w.district_a, name="甲").exists()


def test_the_same_name_and_mobile_offers_to_add_the_mandate_to_that_person(w):
    # A township deputy the district staff can see is elected to the district as well: two levels, one person.
    person = w.mandate_town.person
    data = deputy_form(w, name=person.name, mobile=person.mobile)
    client = w.client(w.staff_a)
    offer = client.post(reverse("org:deputy_create"), data)
    assert offer.status_code == 200
    assert [p.pk for p in offer.context["matches"]] == [person.pk]
    assert "Add the mandate to this person" in offer.content.decode()
    assert not Mandate.objects.filter(person=person, term=w.term_a).exists()

    added = client.post(reverse("org:deputy_create"), {**data, "existing_person": person.pk})
    assert added.status_code == 302
    assert set(person.mandates.values_list("congress_id", flat=True)) == {w.town_a.pk, w.district_a.pk}
    assert Person.objects.filter(name=person.name, mobile=person.mobile).count() == 1
    [created] = events("mandate.created", person.mandates.get(congress=w.district_a))
    assert created.payload["existing_person"] is True


def test_a_person_outside_scope_is_not_offered_and_cannot_be_named(w):
    stranger = w.mandate_b.person  # a deputy of the sibling district
    client = w.client(w.staff_a)
    page = client.post(
        reverse("org:deputy_create"),
        {**deputy_form(w, name=stranger.name, mobile=stranger.mobile), "existing_person": stranger.pk},
    )
    assert page.status_code == 200
    assert "That person was not found." in page.content.decode()
    assert not Mandate.objects.filter(person=stranger, term=w.term_a).exists()


def test_a_person_holds_one_mandate_per_term(w):
    with pytest.raises(ServiceError) as refused:
        people.deputy_create(
            actor=w.staff_a,
            term=w.term_a,
            person_data={},
            start_date=D(2024, 1, 1),
            existing_person=w.mandate_a.person,
        )
    assert refused.value.code == "already_deputy"


def test_registering_is_for_staff_only(w):
    assert w.client(w.deputy_a).get(reverse("org:deputy_create")).status_code == 403
    assert w.client(w.chair_a).post(reverse("org:deputy_create"), deputy_form(w)).status_code == 403
    # A sibling's staff cannot pick another district's term: the choice is not offered.
    page = w.client(w.staff_b).post(reverse("org:deputy_create"), deputy_form(w))
    assert page.status_code == 200 and "term" in page.context["form"].errors
    assert not Person.objects.filter(congress=w.district_a, name="林晓红").exists()


# --- editing ------------------------------------------------------------------------------------


def test_staff_edit_a_deputy_and_the_log_names_fields_not_values(w):
    mandate = w.mandate_a
    data = deputy_form(w, name="王新名", mobile="13700001111", start_date="2022-01-01")
    del data["term"]
    page = w.client(w.staff_a).post(reverse("org:deputy_edit", args=[mandate.pk]), data)
    assert page.status_code == 302
    mandate.refresh_from_db()
    assert (
        mandate.person.name == "王新名" and mandate.is_grassroots and mandate.fields == ["health", "social"]
    )
    [event] = events("mandate.updated", mandate)
    assert "name" in event.payload["person_fields"] and "mobile" in event.payload["person_fields"]
    assert "王新名" not in str(event.payload) and "13700001111" not in str(event.payload)
    assert event.payload["changes"]["is_grassroots"] == [False, True]


def test_an_edit_cannot_start_the_mandate_outside_its_term(w):
    data = deputy_form(w, start_date="2030-01-01")
    page = w.client(w.staff_a).post(reverse("org:deputy_edit", args=[w.mandate_a.pk]), data)
    assert page.status_code == 200 and 'value="2030-01-01"' in page.content.decode()
    w.mandate_a.refresh_from_db()
    assert w.mandate_a.start_date == D(2022, 1, 1)


def test_editing_is_closed_to_siblings_readers_and_the_deputy(w):
    url = reverse("org:deputy_edit", args=[w.mandate_a.pk])
    assert w.client(w.staff_b).get(url).status_code == 404
    assert w.client(w.staff_b).post(url, deputy_form(w)).status_code == 404
    assert w.client(w.city_staff).post(url, deputy_form(w)).status_code == 403
    assert w.client(w.deputy_a).post(url, deputy_form(w)).status_code == 403
    w.mandate_a.person.refresh_from_db()
    assert w.mandate_a.person.name != "林晓红"


# --- ending a mandate, leave --------------------------------------------------------------------


def test_staff_end_a_mandate_with_its_reason(w):
    page = w.client(w.staff_a).post(
        reverse("org:deputy_end", args=[w.mandate_a.pk]),
        {"end_date": "2025-05-31", "reason": "resigned", "note": "常委会第十二次会议接受辞职"},
    )
    assert page.status_code == 302
    w.mandate_a.refresh_from_db()
    assert (w.mandate_a.end_date, w.mandate_a.end_reason) == (D(2025, 5, 31), "resigned")
    [event] = events("mandate.ended", w.mandate_a)
    assert (event.from_state, event.to_state) == ("current", "ended")
    assert event.payload["reason"] == "resigned" and event.note == "常委会第十二次会议接受辞职"
    # The ended deputy leaves the default (serving) list and shows under "ended".
    client = w.client(w.staff_a)
    assert w.mandate_a not in client.get(reverse("org:deputy_list")).context["page"].object_list
    assert (
        w.mandate_a in client.get(reverse("org:deputy_list"), {"status": "ended"}).context["page"].object_list
    )


def test_a_mandate_ends_once_and_not_before_it_started(w):
    page = w.client(w.staff_a).post(
        reverse("org:deputy_end", args=[w.mandate_a.pk]), {"end_date": "2021-01-01", "reason": "recalled"}
    )
    assert page.status_code == 200 and "A mandate cannot end before it started." in page.content.decode()
    people.mandate_end(actor=w.staff_a, mandate=w.mandate_a, end_date=D(2025, 1, 1), reason="recalled")
    with pytest.raises(ServiceError) as refused:
        people.mandate_end(actor=w.staff_a, mandate=w.mandate_a, end_date=D(2025, 2, 1), reason="resigned")
    assert refused.value.code == "already_ended"


def test_ending_is_closed_to_siblings_and_readers(w):
    data = {"end_date": "2025-05-31", "reason": "resigned"}
    assert w.client(w.staff_b).post(reverse("org:deputy_end", args=[w.mandate_a.pk]), data).status_code == 404
    assert (
        w.client(w.city_staff).post(reverse("org:deputy_end", args=[w.mandate_a.pk]), data).status_code == 403
    )
    assert (
        w.client(w.deputy_a).post(reverse("org:deputy_end", args=[w.mandate_a.pk]), data).status_code == 403
    )
    w.mandate_a.refresh_from_db()
    assert w.mandate_a.end_date is None


def test_staff_record_a_leave_period(w):
    page = w.client(w.staff_a).post(
        reverse("org:deputy_leave", args=[w.mandate_a.pk]),
        {"start_date": "2025-03-01", "end_date": "2025-05-31", "reason": "外派挂职"},
    )
    assert page.status_code == 302
    leave = MandateLeave.objects.get(mandate=w.mandate_a)
    [event] = events("mandate.leave_recorded", w.mandate_a)
    assert event.payload == {"leave": leave.pk, "start": "2025-03-01", "end": "2025-05-31"}


@pytest.mark.parametrize(
    "start, end, code",
    [
        (D(2025, 5, 1), D(2025, 6, 15), "leave_overlap"),
        (D(2021, 12, 1), D(2022, 1, 15), "leave_outside_mandate"),
        (D(2025, 8, 1), D(2025, 7, 1), "dates_out_of_order"),
    ],
)
def test_leave_refusals(w, start, end, code):
    people.mandate_leave_record(
        actor=w.staff_a, mandate=w.mandate_a, start_date=D(2025, 3, 1), end_date=D(2025, 5, 31), reason="挂职"
    )
    with pytest.raises(ServiceError) as refused:
        people.mandate_leave_record(
            actor=w.staff_a, mandate=w.mandate_a, start_date=start, end_date=end, reason="病假"
        )
    assert refused.value.code == code


def test_leave_is_closed_to_siblings_and_the_deputy(w):
    data = {"start_date": "2025-03-01", "end_date": "2025-05-31", "reason": "挂职"}
    assert (
        w.client(w.staff_b).post(reverse("org:deputy_leave", args=[w.mandate_a.pk]), data).status_code == 404
    )
    assert (
        w.client(w.deputy_a).post(reverse("org:deputy_leave", args=[w.mandate_a.pk]), data).status_code == 403
    )
    assert not MandateLeave.objects.filter(mandate=w.mandate_a).exists()


# --- the deputy page ----------------------------------------------------------------------------


def test_the_deputy_page_shows_the_person_the_mandate_and_its_history(w):
    station = StationFactory(congress=w.district_a, name="东湖街道代表联络站")
    StationDeputy.objects.create(station=station, mandate=w.mandate_a)
    group = GroupFactory(congress=w.district_a, name="东湖第一代表小组")
    GroupMembership.objects.create(group=group, mandate=w.mandate_a)
    city_mandate = MandateFactory(congress=w.city, term=w.term_city, person=w.mandate_a.person)
    people.mandate_leave_record(
        actor=w.staff_a,
        mandate=w.mandate_a,
        start_date=D(2025, 6, 1),
        end_date=D(2025, 6, 30),
        reason="外派挂职",
    )
    page = w.client(w.staff_a).get(reverse("org:deputy_detail", args=[w.mandate_a.pk]))
    html = page.content.decode()
    assert "东湖街道代表联络站" in html and "东湖第一代表小组" in html and "外派挂职" in html
    assert "on leave" in html and "mandate.leave_recorded" in html
    mobile = w.mandate_a.person.mobile
    # Even the managing staff see the mobile masked until they ask for it (see test_manage_privacy).
    assert mobile not in html and f"{mobile[:3]}****{mobile[-4:]}" in html
    assert reverse("org:deputy_edit", args=[w.mandate_a.pk]) in html
    # The city mandate is in the city's scope, not the district's: the district staff do not see it.
    assert reverse("org:deputy_detail", args=[city_mandate.pk]) not in html
    city_page = (
        w.client(w.city_staff).get(reverse("org:deputy_detail", args=[w.mandate_a.pk])).content.decode()
    )
    assert reverse("org:deputy_detail", args=[city_mandate.pk]) in city_page


def test_city_staff_read_a_district_deputy_without_edit_buttons_or_the_full_mobile(w):
    page = w.client(w.city_staff).get(reverse("org:deputy_detail", args=[w.mandate_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("org:deputy_edit", args=[w.mandate_a.pk]) not in html
    assert reverse("org:deputy_end", args=[w.mandate_a.pk]) not in html
    mobile = w.mandate_a.person.mobile
    assert mobile not in html and f"{mobile[:3]}****{mobile[-4:]}" in html


def test_a_sibling_cannot_read_the_deputy_page(w):
    assert w.client(w.staff_b).get(reverse("org:deputy_detail", args=[w.mandate_a.pk])).status_code == 404


# --- the deputy list ----------------------------------------------------------------------------


def listed(client, **params):
    page = client.get(reverse("org:deputy_list"), params)
    assert page.status_code == 200
    return set(page.context["page"].object_list)


def test_the_list_filters_by_congress_term_grassroots_group_field_and_station(w):
    old_term = Term.objects.create(
        congress=w.district_a, number=16, start_date=D(2017, 1, 1), end_date=D(2021, 12, 31)
    )
    old = MandateFactory(
        congress=w.district_a, term=old_term, start_date=D(2017, 1, 1), end_date=D(2021, 12, 31)
    )
    grassroots = MandateFactory(congress=w.district_a, term=w.term_a, is_grassroots=True, fields=["health"])
    stationed = MandateFactory(congress=w.district_a, term=w.term_a, fields=["urban", "law"])
    StationDeputy.objects.create(station=StationFactory(congress=w.district_a), mandate=stationed)
    group = GroupFactory(congress=w.district_a)
    GroupMembership.objects.create(group=group, mandate=grassroots)
    client = w.client(w.staff_a)
    a = w.district_a.pk
    assert listed(client, congress=a) == {w.mandate_a, grassroots, stationed}
    assert listed(client, congress=w.town_a.pk) == {w.mandate_town}
    assert listed(client, congress=a, status="ended") == {old}
    assert listed(client, congress=a, status="all", term=old_term.pk) == {old}
    assert listed(client, congress=a, grassroots="yes") == {grassroots}
    assert listed(client, congress=a, grassroots="no") == {w.mandate_a, stationed}
    assert listed(client, congress=a, group=group.pk) == {grassroots}
    assert listed(client, congress=a, field="law") == {stationed}
    assert listed(client, congress=a, field="health") == {grassroots}
    assert listed(client, congress=a, station="none") == {w.mandate_a, grassroots}
    assert listed(client, q=stationed.person.name) == {stationed}
    # The sibling's deputies are never listed, whatever the filter says.
    assert listed(client, congress=w.district_b.pk) == set()


def test_a_sibling_group_does_not_filter_the_list(w):
    foreign = GroupFactory(congress=w.district_b)
    GroupMembership.objects.create(group=foreign, mandate=w.mandate_b)
    assert listed(w.client(w.staff_a), group=foreign.pk) == set()


def test_the_list_costs_the_same_queries_for_five_deputies_or_forty(w, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            m = MandateFactory(congress=w.district_a, term=w.term_a, is_grassroots=True)
            m.electoral_unit = ElectoralUnit.objects.create(
                congress=w.district_a, kind="district", name=f"选区{m.pk}"
            )
            m.save()

    client = w.client(w.staff_a)
    add(5)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("org:deputy_list"), {"congress": w.district_a.pk}).status_code == 200
    add(35)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("org:deputy_list"), {"congress": w.district_a.pk}).status_code == 200
