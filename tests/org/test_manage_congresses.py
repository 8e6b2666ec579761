"""Adding congresses (who may, at which level), and the one refusal every org write shares."""

import pytest

from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Congress
from lvzhi.org.services import people, units
from lvzhi.org.services.guards import require_manage
from lvzhi.org.services.structure import congress_create
from lvzhi.stations import services as station_services
from tests.factories import StationFactory

from .manage_world import TODAY, build_world, events

pytestmark = pytest.mark.django_db
L = Congress.Level


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build_world()


def create(actor, *, level, parent=None, **kwargs):
    return congress_create(
        actor=actor,
        name="新设人民代表大会",
        short_name="新设人大",
        level=level,
        region_name="新设区",
        parent=parent,
        **kwargs,
    )


def refused(code, fn, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as err:
        fn(*args, **kwargs)
    assert err.value.code == code
    return err.value


# --- congress_create ------------------------------------------------------------------------------


def test_city_staff_add_a_district_below_their_city(w):
    district = create(w.city_staff, level=L.COUNTY, parent=w.city)
    assert district.parent == w.city and district.path == f"{w.city.path}{district.pk}/"
    [event] = events("congress.created", district)
    assert event.actor == w.city_staff and event.payload == {"parent": w.city.pk}


def test_district_staff_add_a_township_and_an_admin_adds_anywhere(w):
    assert create(w.staff_a, level=L.TOWNSHIP, parent=w.district_a).parent == w.district_a
    assert create(w.admin, level=L.TOWNSHIP, parent=w.district_b).parent == w.district_b


def test_staff_cannot_add_below_a_congress_they_do_not_manage(w):
    for actor, parent in [
        (w.staff_b, w.district_a),  # a sibling
        (w.staff_a, w.town_a),  # below their own: read-only
        (w.city_staff, w.district_a),  # above: read-only
        (w.chair_a, w.district_a),  # a chair reads, does not act
        (w.deputy_a, w.district_a),
        (None, w.district_a),  # no actor at all
    ]:
        err = refused("not_allowed", create, actor, level=L.TOWNSHIP, parent=parent)
        assert err.status == 403
    assert not Congress.objects.filter(name="新设人民代表大会").exists()


def test_only_an_admin_adds_a_top_level_congress(w):
    err = refused("not_allowed", create, w.city_staff, level=L.PROVINCE)
    assert err.status == 403
    refused("not_allowed", create, None, level=L.PROVINCE)
    root = create(w.admin, level=L.PROVINCE)
    assert root.parent is None and root.path == f"/{root.pk}/"


@pytest.mark.parametrize("level", [L.CITY, L.TOWNSHIP, L.NATIONAL, "galaxy"])
def test_a_congress_sits_exactly_one_level_below_its_parent(w, level):
    # Below a city comes a county-level congress, nothing else.
    refused("bad_level", create, w.admin, level=level, parent=w.city)


def test_nothing_sits_below_a_township(w):
    refused("bad_level", create, w.admin, level=L.TOWNSHIP, parent=w.town_a)


def test_the_system_builds_a_tree_with_no_actor_but_keeps_the_levels(w):
    # The demo generator's way in: no actor, so no actor's check; the level rule still holds.
    root = create(None, level=L.PROVINCE, system=True)
    assert create(None, level=L.CITY, parent=root, system=True).parent == root
    refused("bad_level", create, None, level=L.TOWNSHIP, parent=root, system=True)
    # A person's request never passes as the system.
    with pytest.raises(ValueError):
        create(w.staff_a, level=L.TOWNSHIP, parent=w.district_a, system=True)


# --- the one refusal ------------------------------------------------------------------------------


def test_every_org_and_station_write_refuses_with_the_same_403(w):
    errors = [
        refused("not_allowed", require_manage, w.staff_b, w.district_a.pk),
        refused(
            "not_allowed",
            people.mandate_leave_record,
            actor=w.staff_b,
            mandate=w.mandate_a,
            start_date=TODAY.date(),
            end_date=TODAY.date(),
            reason="病假",
        ),
        refused(
            "not_allowed",
            units.unit_create,
            actor=w.staff_b,
            congress=w.district_a,
            kind="gov",
            name="x",
            short_name="",
        ),
        refused(
            "not_allowed",
            station_services.station_set_active,
            actor=w.staff_b,
            station=StationFactory(congress=w.district_a),
            active=False,
        ),
    ]
    assert {e.status for e in errors} == {403}
    assert len({e.message for e in errors}) == 1
