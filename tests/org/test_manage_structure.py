"""The congress page and the staff writes of its structure: terms, sessions, committees, electoral units."""

import datetime as dt

import pytest
from django.urls import reverse

from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Committee, CommitteeMembership, ElectoralUnit, Session, Term
from lvzhi.org.selectors import congress_period_on
from lvzhi.org.services import committees, structure
from tests.factories import CommitteeFactory, PersonFactory

from .manage_world import TODAY, build_world, events

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build_world()


def add_session(w, term, number, start, end):
    return structure.session_create(actor=w.admin, term=term, number=number, start_date=start, end_date=end)


# --- in session or in recess ----------------------------------------------------------------------


def test_a_day_inside_a_session_is_in_session_and_names_it(w):
    add_session(w, w.term_a, 4, D(2025, 1, 10), D(2025, 1, 13))
    period = congress_period_on(congress=w.district_a, day=D(2025, 1, 12))
    assert period.in_session
    assert (period.session.number, period.term.number) == (4, 17)


def test_a_day_between_sessions_is_recess_within_the_term(w):
    add_session(w, w.term_a, 4, D(2025, 1, 10), D(2025, 1, 13))
    period = congress_period_on(congress=w.district_a, day=D(2025, 1, 14))
    assert not period.in_session
    assert period.term == w.term_a


def test_a_day_outside_every_term_has_no_term():
    w = build_world()
    period = congress_period_on(congress=w.district_a, day=D(2030, 1, 1))
    assert period.term is None and not period.in_session


def test_the_congress_page_says_today_is_in_session(w):
    add_session(w, w.term_a, 4, D(2025, 6, 1), D(2025, 6, 4))
    page = w.client(w.staff_a).get(reverse("org:congress_detail", args=[w.district_a.pk]))
    assert "in session (session 4 of term 17)" in page.content.decode()


def test_the_congress_page_says_recess_between_sessions(w):
    add_session(w, w.term_a, 3, D(2025, 1, 6), D(2025, 1, 9))
    page = w.client(w.staff_a).get(reverse("org:congress_detail", args=[w.district_a.pk]))
    assert "in recess (term 17)" in page.content.decode()


def test_the_congress_page_shows_parent_children_committees_and_electoral_units(w):
    committee = CommitteeFactory(congress=w.district_a, name="财政经济委员会")
    CommitteeMembership.objects.create(
        committee=committee, person=w.mandate_a.person, start_date=D(2022, 1, 1)
    )
    ElectoralUnit.objects.create(congress=w.district_a, kind="district", name="第一选区")
    page = w.client(w.staff_a).get(reverse("org:congress_detail", args=[w.district_a.pk]))
    html = page.content.decode()
    assert w.town_a.short_name in html  # a child
    assert w.city.name in html  # the parent, named even if not readable
    assert "财政经济委员会" in html and w.mandate_a.person.name in html
    assert "第一选区" in html


def test_the_congress_page_lists_committee_members_without_a_query_per_committee(
    w, django_assert_max_num_queries
):
    for i in range(8):
        committee = CommitteeFactory(congress=w.district_a)
        for _ in range(3):
            CommitteeMembership.objects.create(
                committee=committee, person=PersonFactory(congress=w.district_a), start_date=D(2022, 1, 1)
            )
        Term.objects.create(
            congress=w.district_a,
            number=i + 1,
            start_date=D(1980 + i * 5, 1, 1),
            end_date=D(1984 + i * 5, 1, 1),
        )
    client = w.client(w.staff_a)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("org:congress_detail", args=[w.district_a.pk])).status_code == 200


# --- terms ----------------------------------------------------------------------------------------


def test_staff_add_a_term_through_the_page(w):
    page = w.client(w.staff_a).post(
        reverse("org:term_create", args=[w.district_a.pk]),
        {"number": "18", "start_date": "2027-01-01", "end_date": "2031-12-31"},
    )
    assert page.status_code == 302
    term = Term.objects.get(congress=w.district_a, number=18)
    [event] = events("term.created", term)
    assert event.actor == w.staff_a and event.congress_id == w.district_a.pk


def test_an_overlapping_term_is_refused_and_the_form_keeps_what_was_typed(w):
    page = w.client(w.staff_a).post(
        reverse("org:term_create", args=[w.district_a.pk]),
        {"number": "18", "start_date": "2026-06-01", "end_date": "2031-05-31"},
    )
    assert page.status_code == 200
    assert "The dates overlap another term of this congress." in page.content.decode()
    assert 'value="2026-06-01"' in page.content.decode()
    assert not Term.objects.filter(congress=w.district_a, number=18).exists()
    with pytest.raises(ServiceError) as refused:
        structure.term_create(
            actor=w.staff_a,
            congress=w.district_a,
            number=18,
            start_date=D(2026, 6, 1),
            end_date=D(2031, 5, 31),
        )
    assert refused.value.code == "term_overlap"


def test_a_term_number_used_twice_is_refused(w):
    with pytest.raises(ServiceError) as refused:
        structure.term_create(
            actor=w.staff_a,
            congress=w.district_a,
            number=17,
            start_date=D(2030, 1, 1),
            end_date=D(2034, 1, 1),
        )
    assert refused.value.code == "duplicate_number"


def test_a_term_cannot_shrink_away_from_its_sessions(w):
    add_session(w, w.term_a, 4, D(2025, 1, 10), D(2025, 1, 13))
    with pytest.raises(ServiceError) as refused:
        structure.term_update(
            actor=w.staff_a, term=w.term_a, number=17, start_date=D(2022, 1, 1), end_date=D(2024, 12, 31)
        )
    assert refused.value.code == "sessions_outside_term"


def test_editing_a_term_records_old_and_new_dates(w):
    page = w.client(w.staff_a).post(
        reverse("org:term_edit", args=[w.term_a.pk]),
        {"number": "17", "start_date": "2022-01-01", "end_date": "2026-12-30"},
    )
    assert page.status_code == 302
    [event] = events("term.updated", w.term_a)
    assert event.payload["changes"] == {"end_date": ["2026-12-31", "2026-12-30"]}


def test_a_sibling_districts_staff_cannot_reach_the_term_pages(w):
    client = w.client(w.staff_b)
    assert client.get(reverse("org:congress_detail", args=[w.district_a.pk])).status_code == 404
    post = client.post(
        reverse("org:term_create", args=[w.district_a.pk]),
        {"number": "18", "start_date": "2027-01-01", "end_date": "2031-12-31"},
    )
    assert post.status_code == 404
    assert client.post(reverse("org:term_edit", args=[w.term_a.pk]), {}).status_code == 404
    assert not Term.objects.filter(congress=w.district_a, number=18).exists()


def test_city_staff_read_a_district_but_cannot_change_it(w):
    client = w.client(w.city_staff)
    page = client.get(reverse("org:congress_detail", args=[w.district_a.pk]))
    assert page.status_code == 200
    assert reverse("org:term_create", args=[w.district_a.pk]) not in page.content.decode()
    post = client.post(
        reverse("org:term_create", args=[w.district_a.pk]),
        {"number": "18", "start_date": "2027-01-01", "end_date": "2031-12-31"},
    )
    assert post.status_code == 403
    with pytest.raises(ServiceError) as refused:
        structure.term_create(
            actor=w.city_staff,
            congress=w.district_a,
            number=18,
            start_date=D(2027, 1, 1),
            end_date=D(2031, 1, 1),
        )
    assert refused.value.code == "not_allowed"


def test_a_deputy_reads_its_congress_but_cannot_add_a_term(w):
    client = w.client(w.deputy_a)
    assert client.get(reverse("org:congress_detail", args=[w.district_a.pk])).status_code == 200
    post = client.post(
        reverse("org:term_create", args=[w.district_a.pk]),
        {"number": "18", "start_date": "2027-01-01", "end_date": "2031-12-31"},
    )
    assert post.status_code == 403


# --- sessions -------------------------------------------------------------------------------------


def test_staff_add_a_session_through_the_page(w):
    page = w.client(w.staff_a).post(
        reverse("org:session_create", args=[w.term_a.pk]),
        {"number": "4", "start_date": "2025-01-10", "end_date": "2025-01-13"},
    )
    assert page.status_code == 302
    session = Session.objects.get(term=w.term_a, number=4)
    [event] = events("session.created", session)
    assert event.payload["term"] == w.term_a.pk and event.congress_id == w.district_a.pk


def test_a_session_outside_its_term_is_refused_on_the_form(w):
    page = w.client(w.staff_a).post(
        reverse("org:session_create", args=[w.term_a.pk]),
        {"number": "6", "start_date": "2027-01-10", "end_date": "2027-01-13"},
    )
    assert page.status_code == 200
    assert "A session must fall inside its term" in page.content.decode()
    assert not Session.objects.filter(term=w.term_a).exists()


@pytest.mark.parametrize(
    "start, end, code",
    [
        (D(2025, 1, 12), D(2025, 1, 15), "session_overlap"),
        (D(2025, 1, 20), D(2025, 1, 18), "dates_out_of_order"),
        (D(2021, 12, 30), D(2022, 1, 2), "session_outside_term"),
    ],
)
def test_sessions_refused(w, start, end, code):
    add_session(w, w.term_a, 4, D(2025, 1, 10), D(2025, 1, 13))
    with pytest.raises(ServiceError) as refused:
        add_session(w, w.term_a, 5, start, end)
    assert refused.value.code == code


def test_a_session_number_used_twice_in_a_term_is_refused(w):
    add_session(w, w.term_a, 4, D(2025, 1, 10), D(2025, 1, 13))
    with pytest.raises(ServiceError) as refused:
        add_session(w, w.term_a, 4, D(2026, 1, 10), D(2026, 1, 13))
    assert refused.value.code == "duplicate_number"


def test_editing_a_session_may_not_overlap_another(w):
    add_session(w, w.term_a, 3, D(2024, 1, 10), D(2024, 1, 13))
    fourth = add_session(w, w.term_a, 4, D(2025, 1, 10), D(2025, 1, 13))
    page = w.client(w.staff_a).post(
        reverse("org:session_edit", args=[fourth.pk]),
        {"number": "4", "start_date": "2024-01-12", "end_date": "2024-01-14"},
    )
    assert page.status_code == 200
    fourth.refresh_from_db()
    assert fourth.start_date == D(2025, 1, 10)
    ok = w.client(w.staff_a).post(
        reverse("org:session_edit", args=[fourth.pk]),
        {"number": "4", "start_date": "2025-01-11", "end_date": "2025-01-14"},
    )
    assert ok.status_code == 302
    assert events("session.updated", fourth)[0].payload["changes"]["start_date"] == [
        "2025-01-10",
        "2025-01-11",
    ]


def test_session_pages_are_closed_to_siblings_and_readers(w):
    session = add_session(w, w.term_a, 4, D(2025, 1, 10), D(2025, 1, 13))
    data = {"number": "5", "start_date": "2026-01-10", "end_date": "2026-01-13"}
    assert (
        w.client(w.staff_b).post(reverse("org:session_create", args=[w.term_a.pk]), data).status_code == 404
    )
    assert w.client(w.staff_b).get(reverse("org:session_edit", args=[session.pk])).status_code == 404
    assert (
        w.client(w.chair_a).post(reverse("org:session_create", args=[w.term_a.pk]), data).status_code == 403
    )
    assert not Session.objects.filter(term=w.term_a, number=5).exists()


# --- committees -----------------------------------------------------------------------------------


def test_staff_add_a_special_committee_with_its_fields(w):
    page = w.client(w.staff_a).post(
        reverse("org:committee_create", args=[w.district_a.pk]),
        {
            "kind": "special",
            "name": "教育科学文化卫生委员会",
            "short_name": "教科文卫委",
            "fields": ["education", "health"],
        },
    )
    committee = Committee.objects.get(congress=w.district_a, name="教育科学文化卫生委员会")
    assert page.status_code == 302 and page.url == reverse("org:committee_detail", args=[committee.pk])
    assert committee.fields == ["education", "health"]
    [event] = events("committee.created", committee)
    assert event.payload == {"kind": "special", "fields": ["education", "health"]}


def test_a_second_standing_committee_is_refused(w):
    CommitteeFactory(congress=w.district_a, kind="standing", name="常务委员会")
    page = w.client(w.staff_a).post(
        reverse("org:committee_create", args=[w.district_a.pk]), {"kind": "standing", "name": "另一个常委会"}
    )
    assert page.status_code == 200
    assert "already has its standing committee" in page.content.decode()
    assert 'value="另一个常委会"' in page.content.decode()


def test_a_township_has_no_standing_committee(w):
    with pytest.raises(ServiceError) as refused:
        committees.committee_create(actor=w.admin, congress=w.town_a, kind="standing", name="常委会")
    assert refused.value.code == "no_standing_committee"


def test_staff_add_and_end_a_committee_member(w):
    committee = CommitteeFactory(congress=w.district_a)
    person = w.mandate_a.person
    client = w.client(w.staff_a)
    search = client.get(reverse("org:committee_detail", args=[committee.pk]), {"q": person.name})
    assert person.name in search.content.decode()
    added = client.post(
        reverse("org:committee_detail", args=[committee.pk]) + f"?q={person.name}",
        {"person": person.pk, "position": "vice_chair", "start_date": "2025-06-01"},
    )
    assert added.status_code == 302
    seat = CommitteeMembership.objects.get(committee=committee, person=person)
    assert seat.position == "vice_chair"
    assert events("committee.member_added", committee)[0].payload["person"] == person.pk
    ended = client.post(reverse("org:committee_member_end", args=[seat.pk]), {"end_date": "2025-06-02"})
    assert ended.status_code == 302
    seat.refresh_from_db()
    assert seat.end_date == D(2025, 6, 2)
    assert events("committee.member_ended", committee)[0].payload["membership"] == seat.pk


def test_a_person_sits_once_on_a_committee(w):
    committee = CommitteeFactory(congress=w.district_a)
    committees.committee_member_add(
        actor=w.staff_a,
        committee=committee,
        person=w.mandate_a.person,
        position="member",
        start_date=D(2025, 1, 1),
    )
    with pytest.raises(ServiceError) as refused:
        committees.committee_member_add(
            actor=w.staff_a,
            committee=committee,
            person=w.mandate_a.person,
            position="member",
            start_date=D(2025, 1, 1),
        )
    assert refused.value.code == "already_member"


def test_a_person_outside_scope_cannot_be_seated(w):
    committee = CommitteeFactory(congress=w.district_a)
    page = w.client(w.staff_a).post(
        reverse("org:committee_detail", args=[committee.pk]),
        {"person": w.mandate_b.person.pk, "position": "member", "start_date": "2025-06-01"},
    )
    assert page.status_code == 200
    assert not CommitteeMembership.objects.filter(committee=committee).exists()
    with pytest.raises(ServiceError) as refused:
        committees.committee_member_add(
            actor=w.staff_a,
            committee=committee,
            person=w.mandate_b.person,
            position="member",
            start_date=D(2025, 1, 1),
        )
    assert refused.value.code == "not_found"


def test_committee_writes_are_closed_to_siblings_and_to_the_city(w):
    committee = CommitteeFactory(congress=w.district_a)
    data = {"person": w.mandate_a.person.pk, "position": "member", "start_date": "2025-06-01"}
    assert (
        w.client(w.staff_b).post(reverse("org:committee_detail", args=[committee.pk]), data).status_code
        == 404
    )
    assert (
        w.client(w.city_staff).post(reverse("org:committee_detail", args=[committee.pk]), data).status_code
        == 403
    )
    assert w.client(w.staff_b).get(reverse("org:committee_edit", args=[committee.pk])).status_code == 404
    assert not CommitteeMembership.objects.filter(committee=committee).exists()


def test_renaming_a_committee_keeps_both_names_in_the_log(w):
    committee = CommitteeFactory(congress=w.district_a, name="旧名委员会")
    page = w.client(w.staff_a).post(
        reverse("org:committee_edit", args=[committee.pk]), {"kind": "special", "name": "新名委员会"}
    )
    assert page.status_code == 302
    assert events("committee.updated", committee)[0].payload["changes"]["name"] == [
        "旧名委员会",
        "新名委员会",
    ]


# --- electoral units ------------------------------------------------------------------------------


def test_city_staff_add_an_electoral_unit_elected_by_a_district(w):
    page = w.client(w.city_staff).post(
        reverse("org:electoral_unit_create", args=[w.city.pk]),
        {"kind": "unit", "name": "东湖区选举单位", "lower_congress": w.district_a.pk},
    )
    assert page.status_code == 302
    unit = ElectoralUnit.objects.get(congress=w.city, name="东湖区选举单位")
    assert unit.lower_congress == w.district_a
    assert events("electoral_unit.created", unit)[0].payload["lower_congress"] == w.district_a.pk


def test_an_electoral_unit_name_is_used_once_per_congress(w):
    ElectoralUnit.objects.create(congress=w.district_a, kind="district", name="第一选区")
    page = w.client(w.staff_a).post(
        reverse("org:electoral_unit_create", args=[w.district_a.pk]), {"kind": "district", "name": "第一选区"}
    )
    assert page.status_code == 200
    assert ElectoralUnit.objects.filter(congress=w.district_a, name="第一选区").count() == 1
    with pytest.raises(ServiceError) as refused:
        structure.electoral_unit_create(
            actor=w.staff_a, congress=w.district_a, kind="district", name="第一选区"
        )
    assert refused.value.code == "duplicate_name"


def test_the_electing_congress_must_be_one_level_down(w):
    with pytest.raises(ServiceError) as refused:
        structure.electoral_unit_create(
            actor=w.city_staff, congress=w.city, kind="unit", name="乡镇单位", lower_congress=w.town_a
        )
    assert refused.value.code == "bad_lower_congress"


def test_electoral_unit_pages_are_closed_to_siblings_and_readers(w):
    unit = ElectoralUnit.objects.create(congress=w.district_a, kind="district", name="第二选区")
    assert w.client(w.staff_b).get(reverse("org:electoral_unit_edit", args=[unit.pk])).status_code == 404
    assert (
        w.client(w.deputy_a)
        .post(reverse("org:electoral_unit_edit", args=[unit.pk]), {"kind": "district", "name": "x"})
        .status_code
        == 403
    )
    assert (
        w.client(w.staff_b)
        .post(reverse("org:electoral_unit_create", args=[w.district_a.pk]), {"kind": "district", "name": "x"})
        .status_code
        == 404
    )
    unit.refresh_from_db()
    assert unit.name == "第二选区"
