"""Undertaking units: create, edit, deactivate and reactivate, and the searchable list."""

import pytest
from django.urls import reverse

from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Unit
from lvzhi.org.services import units
from tests.factories import UnitFactory

from .manage_world import TODAY, build_world, events

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build_world()


def unit_form(w, **overrides):
    data = {
        "congress": w.district_a.pk,
        "kind": "department",
        "name": "东湖区住房和城乡建设局",
        "short_name": "区住建局",
    }
    data.update(overrides)
    return data


def test_staff_add_a_unit_with_full_and_short_name(w):
    page = w.client(w.staff_a).post(reverse("org:unit_create"), unit_form(w))
    assert page.status_code == 302
    unit = Unit.objects.get(congress=w.district_a, name="东湖区住房和城乡建设局")
    assert (unit.congress, unit.short_name, unit.is_active) == (w.district_a, "区住建局", True)
    [event] = events("unit.created", unit)
    assert event.actor == w.staff_a and event.congress_id == w.district_a.pk


def test_a_full_name_used_twice_is_refused_and_the_form_keeps_what_was_typed(w):
    UnitFactory(congress=w.district_a, name="东湖区住房和城乡建设局")
    page = w.client(w.staff_a).post(reverse("org:unit_create"), unit_form(w, short_name="住建"))
    assert page.status_code == 200
    assert "already has a unit with that full name" in page.content.decode()
    assert 'value="住建"' in page.content.decode()
    assert Unit.objects.filter(congress=w.district_a, name="东湖区住房和城乡建设局").count() == 1
    with pytest.raises(ServiceError) as refused:
        units.unit_create(
            actor=w.staff_a,
            congress=w.district_a,
            kind="department",
            name="东湖区住房和城乡建设局",
            short_name="x",
        )
    assert refused.value.code == "duplicate_name"


def test_staff_cannot_add_a_unit_to_another_congress(w):
    page = w.client(w.staff_a).post(reverse("org:unit_create"), unit_form(w, congress=w.district_b.pk))
    assert page.status_code == 200 and "congress" in page.context["form"].errors
    with pytest.raises(ServiceError) as refused:
        units.unit_create(
            actor=w.staff_a,
            congress=w.district_b,
            kind="department",
            name="西岭区教育局",
            short_name="教育局",
        )
    assert refused.value.code == "not_allowed"
    assert w.client(w.deputy_a).get(reverse("org:unit_create")).status_code == 403


def test_staff_rename_a_unit_and_the_log_keeps_both_names(w):
    unit = UnitFactory(congress=w.district_a, name="东湖区教育局", short_name="教育局")
    page = w.client(w.staff_a).post(
        reverse("org:unit_edit", args=[unit.pk]),
        {"kind": "department", "name": "东湖区教育体育局", "short_name": "教体局"},
    )
    assert page.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "东湖区教育体育局"
    [event] = events("unit.updated", unit)
    assert event.payload["changes"]["name"] == ["东湖区教育局", "东湖区教育体育局"]


def test_staff_deactivate_and_reactivate_a_unit(w):
    unit = UnitFactory(congress=w.district_a)
    client = w.client(w.staff_a)
    assert client.post(reverse("org:unit_set_active", args=[unit.pk]), {"active": "0"}).status_code == 302
    unit.refresh_from_db()
    assert not unit.is_active
    assert unit not in client.get(reverse("org:unit_list")).context["page"].object_list
    assert unit in client.get(reverse("org:unit_list"), {"state": "inactive"}).context["page"].object_list
    client.post(reverse("org:unit_set_active", args=[unit.pk]), {"active": "1"})
    unit.refresh_from_db()
    assert unit.is_active
    assert [e.kind for e in events("unit.deactivated", unit) + events("unit.reactivated", unit)] == [
        "unit.deactivated",
        "unit.reactivated",
    ]
    with pytest.raises(ServiceError) as refused:
        units.unit_set_active(actor=w.staff_a, unit=unit, active=True)
    assert refused.value.code == "already_active"


def test_unit_writes_are_closed_to_siblings_the_city_and_handlers(w):
    unit = UnitFactory(congress=w.district_a, name="东湖区水利局")
    edit = {"kind": "department", "name": "改名", "short_name": "改"}
    assert w.client(w.staff_b).get(reverse("org:unit_edit", args=[unit.pk])).status_code == 404
    assert (
        w.client(w.staff_b).post(reverse("org:unit_set_active", args=[unit.pk]), {"active": "0"}).status_code
        == 404
    )
    assert w.client(w.city_staff).post(reverse("org:unit_edit", args=[unit.pk]), edit).status_code == 403
    assert (
        w.client(w.city_staff)
        .post(reverse("org:unit_set_active", args=[unit.pk]), {"active": "0"})
        .status_code
        == 403
    )
    unit.refresh_from_db()
    assert unit.name == "东湖区水利局" and unit.is_active
    assert events("unit.updated", unit) == [] and events("unit.deactivated", unit) == []


def test_the_list_searches_full_and_short_names_and_links_only_what_staff_may_edit(w):
    mine = UnitFactory(congress=w.district_a, name="东湖区卫生健康委员会", short_name="区卫健委")
    below = UnitFactory(congress=w.town_a, name="东湖街道办事处", short_name="街道办")
    UnitFactory(congress=w.district_b, name="西岭区卫生健康委员会", short_name="区卫健委")
    client = w.client(w.staff_a)
    found = client.get(reverse("org:unit_list"), {"q": "卫健委"})
    assert list(found.context["page"].object_list) == [mine]
    assert set(client.get(reverse("org:unit_list"), {"q": "街道"}).context["page"].object_list) == {below}
    html = client.get(reverse("org:unit_list")).content.decode()
    assert reverse("org:unit_edit", args=[mine.pk]) in html
    assert reverse("org:unit_edit", args=[below.pk]) not in html  # read-only below


def test_the_unit_list_does_not_query_per_row(w, django_assert_max_num_queries):
    for _ in range(30):
        UnitFactory(congress=w.district_a)
    client = w.client(w.staff_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("org:unit_list"))
    assert len(page.context["page"].object_list) == 30
