"""Deputy groups: create and edit, members in and out, the leader."""

import pytest
from django.urls import reverse

from lvzhi.core.errors import ServiceError
from lvzhi.org.models import DeputyGroup, GroupMembership, User
from lvzhi.org.scope import scope_for
from lvzhi.org.services import groups
from tests.factories import GroupFactory, MandateFactory

from .manage_world import TODAY, build_world, events

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build_world()


def test_staff_add_a_group(w):
    page = w.client(w.staff_a).post(
        reverse("org:group_create"),
        {"congress": w.district_a.pk, "kind": "professional", "name": "东湖教育专业组"},
    )
    group = DeputyGroup.objects.get(congress=w.district_a, name="东湖教育专业组")
    assert page.status_code == 302 and page.url == reverse("org:group_detail", args=[group.pk])
    assert (group.congress, group.kind) == (w.district_a, "professional")
    assert events("group.created", group)[0].actor == w.staff_a


def test_a_group_name_used_twice_is_refused(w):
    GroupFactory(congress=w.district_a, name="东湖第一代表小组")
    page = w.client(w.staff_a).post(
        reverse("org:group_create"),
        {"congress": w.district_a.pk, "kind": "group", "name": "东湖第一代表小组"},
    )
    assert page.status_code == 200 and "already has a group of that name" in page.content.decode()
    with pytest.raises(ServiceError) as refused:
        groups.group_create(actor=w.staff_a, congress=w.district_a, kind="group", name="东湖第一代表小组")
    assert refused.value.code == "duplicate_name"


def test_staff_find_and_add_members_of_any_visible_level_then_set_the_leader(w):
    group = GroupFactory(congress=w.district_a)
    client = w.client(w.staff_a)
    search = client.get(reverse("org:group_detail", args=[group.pk]), {"q": w.mandate_town.person.name})
    assert list(search.context["candidates"]) == [w.mandate_town]
    for mandate in (w.mandate_a, w.mandate_town):
        assert (
            client.post(reverse("org:group_member_add", args=[group.pk]), {"mandate": mandate.pk}).status_code
            == 302
        )
    assert set(group.members.all()) == {w.mandate_a, w.mandate_town}
    assert [e.payload["mandate"] for e in events("group.member_added", group)] == [
        w.mandate_a.pk,
        w.mandate_town.pk,
    ]

    client.post(reverse("org:group_leader", args=[group.pk]), {"mandate": w.mandate_a.pk})
    group.refresh_from_db()
    assert group.leader == w.mandate_a
    assert events("group.leader_set", group)[0].payload == {"old_leader": None, "new_leader": w.mandate_a.pk}
    # The leader's account now holds the group-leader role, scoped to this group.
    assert group.pk in scope_for(User.objects.get(pk=w.deputy_a.pk)).led_group_ids


def test_the_leader_must_be_a_member(w):
    group = GroupFactory(congress=w.district_a)
    page = w.client(w.staff_a).post(
        reverse("org:group_leader", args=[group.pk]), {"mandate": w.mandate_a.pk}, follow=True
    )
    assert "The leader must be a member of the group." in page.content.decode()
    group.refresh_from_db()
    assert group.leader is None
    with pytest.raises(ServiceError) as refused:
        groups.group_set_leader(actor=w.staff_a, group=group, mandate=w.mandate_a)
    assert refused.value.code == "not_member"


def test_removing_the_leader_clears_the_leader(w):
    group = GroupFactory(congress=w.district_a)
    groups.group_add_member(actor=w.staff_a, group=group, mandate=w.mandate_a)
    groups.group_set_leader(actor=w.staff_a, group=group, mandate=w.mandate_a)
    page = w.client(w.staff_a).post(
        reverse("org:group_member_remove", args=[group.pk]), {"mandate": w.mandate_a.pk}
    )
    assert page.status_code == 302
    group.refresh_from_db()
    assert group.leader is None and not group.members.exists()
    assert events("group.member_removed", group)[0].payload["was_leader"] is True


def test_members_come_from_the_staffs_scope_and_serve_now(w):
    group = GroupFactory(congress=w.district_a)
    with pytest.raises(ServiceError) as refused:
        groups.group_add_member(actor=w.staff_a, group=group, mandate=w.mandate_b)
    assert refused.value.code == "not_found"
    page = w.client(w.staff_a).post(
        reverse("org:group_member_add", args=[group.pk]), {"mandate": w.mandate_b.pk}, follow=True
    )
    assert "That deputy was not found." in page.content.decode()
    ended = MandateFactory(
        congress=w.district_a, term=w.term_a, end_date=TODAY.date().replace(day=1), end_reason="resigned"
    )
    with pytest.raises(ServiceError) as refused:
        groups.group_add_member(actor=w.staff_a, group=group, mandate=ended)
    assert refused.value.code == "mandate_ended"
    groups.group_add_member(actor=w.staff_a, group=group, mandate=w.mandate_a)
    with pytest.raises(ServiceError) as refused:
        groups.group_add_member(actor=w.staff_a, group=group, mandate=w.mandate_a)
    assert refused.value.code == "already_member"
    assert list(group.members.all()) == [w.mandate_a]


def test_group_writes_are_closed_to_siblings_the_city_and_the_leader(w):
    group = GroupFactory(congress=w.district_a)
    groups.group_add_member(actor=w.staff_a, group=group, mandate=w.mandate_a)
    groups.group_set_leader(actor=w.staff_a, group=group, mandate=w.mandate_a)
    add = reverse("org:group_member_add", args=[group.pk])
    assert w.client(w.staff_b).post(add, {"mandate": w.mandate_town.pk}).status_code == 404
    assert w.client(w.staff_b).get(reverse("org:group_edit", args=[group.pk])).status_code == 404
    assert w.client(w.city_staff).post(add, {"mandate": w.mandate_town.pk}).status_code == 403
    # The group's own leader reads the group but does not manage its membership.
    assert w.client(w.deputy_a).get(reverse("org:group_detail", args=[group.pk])).status_code == 200
    assert w.client(w.deputy_a).post(add, {"mandate": w.mandate_town.pk}).status_code == 403
    assert list(group.members.all()) == [w.mandate_a]


def test_staff_rename_a_group(w):
    group = GroupFactory(congress=w.district_a, name="旧组名")
    page = w.client(w.staff_a).post(
        reverse("org:group_edit", args=[group.pk]), {"kind": "contact", "name": "新组名"}
    )
    assert page.status_code == 302
    assert events("group.updated", group)[0].payload["changes"] == {
        "kind": ["group", "contact"],
        "name": ["旧组名", "新组名"],
    }


def test_group_pages_do_not_query_per_row(w, django_assert_max_num_queries):
    group = GroupFactory(congress=w.district_a)
    for _ in range(20):
        GroupMembership.objects.create(
            group=group, mandate=MandateFactory(congress=w.district_a, term=w.term_a)
        )
        GroupFactory(congress=w.district_a, leader=MandateFactory(congress=w.district_a, term=w.term_a))
    client = w.client(w.staff_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("org:group_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("org:group_detail", args=[group.pk])).status_code == 200
