"""Scope: staff and chairs read their congress and every one below, act on their own only, never a sibling's."""

import pytest

from lvzhi.org.models import Congress
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for
from lvzhi.org.selectors import (
    congress_list_visible_to,
    group_list_visible_to,
    mandate_list_visible_to,
    unit_list_visible_to,
)
from lvzhi.stations.models import StationDeputy
from lvzhi.stations.selectors import station_list_visible_to
from tests.factories import (
    CongressFactory,
    GroupFactory,
    MandateFactory,
    PersonFactory,
    StationFactory,
    UnitFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = CongressFactory(level=Congress.Level.CITY)
    east, west = CongressFactory(parent=city), CongressFactory(parent=city)
    east_town = CongressFactory(parent=east, level=Congress.Level.TOWNSHIP)
    return {
        "city": city,
        "east": east,
        "west": west,
        "east_town": east_town,
        "m_city": MandateFactory(congress=city),
        "m_east": MandateFactory(congress=east),
        "m_west": MandateFactory(congress=west),
        "m_east_town": MandateFactory(congress=east_town),
    }


def ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_district_staff_reads_own_and_lower_congresses_never_a_sibling(world):
    staff = UserFactory()
    grant(staff, Role.STAFF, world["east"])
    visible = ids(mandate_list_visible_to(user=staff))
    assert world["m_east"].pk in visible and world["m_east_town"].pk in visible
    assert world["m_west"].pk not in visible and world["m_city"].pk not in visible
    s = scope_for(staff)
    assert s.can_act_in(world["east"].pk)
    assert not s.can_act_in(world["east_town"].pk)  # read-only below
    assert not s.can_act_in(world["west"].pk)
    assert ids(congress_list_visible_to(user=staff)) == {world["east"].pk, world["east_town"].pk}


def test_city_chair_reads_everything_below_but_acts_nowhere(world):
    chair = UserFactory()
    grant(chair, Role.CHAIR, world["city"])
    assert ids(mandate_list_visible_to(user=chair)) >= {
        world[k].pk for k in ("m_city", "m_east", "m_west", "m_east_town")
    }
    assert not scope_for(chair).can_act_in(world["city"].pk)


def test_deputy_sees_only_its_own_mandates(world):
    person = world["m_east"].person
    second = MandateFactory(congress=world["city"], person=person)  # the same person at city level
    deputy = UserFactory(person=person)
    assert ids(mandate_list_visible_to(user=deputy)) == {world["m_east"].pk, second.pk}
    assert Role.DEPUTY in scope_for(deputy).roles


def test_ended_mandate_is_not_a_deputy_role(world):
    import datetime as dt

    m = MandateFactory(congress=world["west"], end_date=dt.date(2023, 1, 1), end_reason="resigned")
    assert Role.DEPUTY not in scope_for(UserFactory(person=m.person)).roles


def test_station_staff_sees_its_station_and_its_deputies_only(world):
    mine, other = StationFactory(congress=world["east"]), StationFactory(congress=world["west"])
    StationDeputy.objects.create(station=mine, mandate=world["m_city"])  # a city deputy in a district station
    StationDeputy.objects.create(station=other, mandate=world["m_west"])
    user = UserFactory()
    grant(user, Role.STATION_STAFF, world["east"], station=mine)
    assert ids(station_list_visible_to(user=user)) == {mine.pk}
    assert ids(mandate_list_visible_to(user=user)) == {world["m_city"].pk}


def test_unit_handler_sees_its_unit_only(world):
    mine, other = UnitFactory(congress=world["city"]), UnitFactory(congress=world["city"])
    user = UserFactory()
    grant(user, Role.UNIT_HANDLER, world["city"], unit=mine)
    assert ids(unit_list_visible_to(user=user)) == {mine.pk}
    assert other.pk not in ids(unit_list_visible_to(user=user))
    assert not mandate_list_visible_to(user=user).exists()


def test_group_leader_sees_its_group_members(world):
    group = GroupFactory(congress=world["east"], leader=world["m_east"])
    group.members.add(world["m_east"], world["m_east_town"])
    other_group = GroupFactory(congress=world["west"])
    leader = UserFactory(person=world["m_east"].person)
    s = scope_for(leader)
    assert Role.GROUP_LEADER in s.roles
    assert ids(group_list_visible_to(user=leader)) == {group.pk}
    assert other_group.pk not in ids(group_list_visible_to(user=leader))
    assert world["m_east_town"].pk in ids(mandate_list_visible_to(user=leader))


def test_roles_union(world):
    """One person with two roles sees the union of both scopes."""
    user = UserFactory(person=PersonFactory(congress=world["west"]))
    MandateFactory(congress=world["west"], person=user.person)
    grant(user, Role.STAFF, world["east"])
    visible = ids(mandate_list_visible_to(user=user))
    assert world["m_east"].pk in visible
    assert world["m_west"].pk not in visible  # a fellow deputy's mandate stays invisible
    assert {Role.STAFF, Role.DEPUTY} <= scope_for(user).roles


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not mandate_list_visible_to(user=AnonymousUser()).exists()
