"""What the staff pages show around a record: only what the reader's selectors let them read, in a fixed
number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from lvzhi.org.models import CommitteeMembership, Congress, GroupMembership
from lvzhi.org.roles import Role
from tests.factories import (
    CommitteeFactory,
    CongressFactory,
    GroupFactory,
    MandateFactory,
    PersonFactory,
    UserFactory,
    grant,
)

from .manage_world import TODAY, build_world

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build_world()


# --- a group's members ----------------------------------------------------------------------------


def test_a_deputy_reads_their_group_but_only_themself_among_its_members(w):
    group = GroupFactory(congress=w.district_a, name="东湖第一代表小组")
    other = MandateFactory(congress=w.district_a, term=w.term_a, person__name="邻座代表")
    for m in (w.mandate_a, other):
        GroupMembership.objects.create(group=group, mandate=m)
    url = reverse("org:group_detail", args=[group.pk])

    page = w.client(w.deputy_a).get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "东湖第一代表小组" in html
    assert [gm.mandate_id for gm in page.context["members"]] == [w.mandate_a.pk]
    assert "邻座代表" not in html and reverse("org:deputy_detail", args=[other.pk]) not in html

    # The staff of the group's congress read every member.
    staff_page = w.client(w.staff_a).get(url)
    assert {gm.mandate_id for gm in staff_page.context["members"]} == {w.mandate_a.pk, other.pk}


def test_the_leader_is_named_but_linked_only_for_who_may_read_them(w):
    leader = MandateFactory(congress=w.district_a, term=w.term_a, person__name="组长代表")
    group = GroupFactory(congress=w.district_a, leader=leader)
    for m in (w.mandate_a, leader):
        GroupMembership.objects.create(group=group, mandate=m)
    html = w.client(w.deputy_a).get(reverse("org:group_detail", args=[group.pk])).content.decode()
    assert "组长代表" in html and reverse("org:deputy_detail", args=[leader.pk]) not in html


# --- a congress's committees ----------------------------------------------------------------------


def test_the_congress_page_lists_only_the_committees_the_reader_may_read(w):
    finance = CommitteeFactory(congress=w.city, name="财政经济委员会")
    education = CommitteeFactory(congress=w.city, name="教育科学文化卫生委员会")
    CommitteeMembership.objects.create(
        committee=education, person=PersonFactory(name="教科委员"), start_date=D(2022, 1, 1)
    )
    committee_staff = UserFactory(congress=w.city)
    grant(committee_staff, Role.COMMITTEE_STAFF, w.city, committee=finance)
    url = reverse("org:congress_detail", args=[w.city.pk])

    html = w.client(committee_staff).get(url).content.decode()
    assert "财政经济委员会" in html
    assert "教育科学文化卫生委员会" not in html and "教科委员" not in html

    staff_html = w.client(w.city_staff).get(url).content.decode()
    assert "财政经济委员会" in staff_html and "教科委员" in staff_html


def test_a_deputy_reads_their_congress_without_its_committees(w):
    committee = CommitteeFactory(congress=w.district_a, name="东湖财经委")
    CommitteeMembership.objects.create(
        committee=committee, person=PersonFactory(name="财经委员"), start_date=D(2022, 1, 1)
    )
    page = w.client(w.deputy_a).get(reverse("org:congress_detail", args=[w.district_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "东湖财经委" not in html and "财经委员" not in html


# --- a deputy's groups ----------------------------------------------------------------------------


def test_a_deputy_page_links_only_the_groups_the_reader_may_open(w):
    group = GroupFactory(congress=w.district_a, name="东湖第一代表小组")
    GroupMembership.objects.create(group=group, mandate=w.mandate_a)
    member = UserFactory(congress=w.district_a)
    grant(member, Role.SC_MEMBER, w.district_a)  # reads the district's deputies, not its groups
    url = reverse("org:deputy_detail", args=[w.mandate_a.pk])
    group_url = reverse("org:group_detail", args=[group.pk])

    html = w.client(member).get(url).content.decode()
    assert "东湖第一代表小组" in html and group_url not in html
    assert w.client(member).get(group_url).status_code == 404
    assert group_url in w.client(w.staff_a).get(url).content.decode()


# --- query counts ---------------------------------------------------------------------------------


def test_the_congress_list_names_parents_without_a_query_per_row(w, django_assert_max_num_queries):
    client = w.client(w.city_staff)

    def add(n):
        for _ in range(n):
            CongressFactory(parent=w.district_b, level=Congress.Level.TOWNSHIP)

    add(2)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("org:congress_list")).status_code == 200
    add(30)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("org:congress_list"))
    assert len(page.context["congresses"]) == 4 + 32


def test_the_committee_page_does_not_query_per_member(w, django_assert_max_num_queries):
    committee = CommitteeFactory(congress=w.district_a)
    client = w.client(w.staff_a)

    def add(n):
        for _ in range(n):
            CommitteeMembership.objects.create(
                committee=committee, person=PersonFactory(congress=w.district_a), start_date=D(2022, 1, 1)
            )

    add(2)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("org:committee_detail", args=[committee.pk])).status_code == 200
    add(25)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("org:committee_detail", args=[committee.pk])).status_code == 200


def test_the_deputy_page_does_not_query_per_group_or_station(w, django_assert_max_num_queries):
    from lvzhi.stations.models import StationDeputy
    from tests.factories import StationFactory

    client = w.client(w.staff_a)
    url = reverse("org:deputy_detail", args=[w.mandate_a.pk])

    def add(n):
        for _ in range(n):
            GroupMembership.objects.create(group=GroupFactory(congress=w.district_a), mandate=w.mandate_a)
            StationDeputy.objects.create(station=StationFactory(congress=w.district_a), mandate=w.mandate_a)

    add(1)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    add(15)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
