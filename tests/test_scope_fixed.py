"""Scope by fixed expectations: what each demo account must never see, and the few lists whose contents are
known exactly, all written without the selectors (tests/test_scope_walk.py derives what a user "may see" from
the selectors it tests, so it cannot catch a selector that lets too much through).

Given the demo city's 东湖区 accounts, when they open the list pages and the API lists, then no record of
西岭区's tree shows: none of the names of its deputies, groups, stations, units, congresses or accounts (names
that occur nowhere outside that tree; see tests/scope_markers.py), and no API item whose congress is in it.
The 西岭区 staff account opens the same addresses and finds those names, so the searches are not idle.
"""

from __future__ import annotations

import re

import pytest

from lvzhi.org.models import Committee, Mandate, RoleAssignment, Unit
from lvzhi.org.roles import Role

from .scope_markers import CITY, EAST, WEST, api_items, login, text_of, tree, user, without_echo

pytestmark = pytest.mark.django_db

EAST_READERS = ["staff_a", "chair_a", "member_a", "station_a", "leader_a", "deputy_a"]

# API lists and how to read an item's congress.
API_LISTS = {
    "/api/v1/congresses": lambda item: item["id"],
    "/api/v1/deputies": lambda item: item["congress"]["id"],
    "/api/v1/units": lambda item: item["congress"]["id"],
    "/api/v1/groups": lambda item: item["congress"]["id"],
    "/api/v1/committees": lambda item: item["congress"]["id"],
    "/api/v1/stations": lambda item: item["congress"]["id"],
}
API_PARAMS = {"/api/v1/deputies": {"current": "false"}}


@pytest.fixture(scope="module")
def west(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        w = tree(WEST)
    assert len(w.people) >= 4 and w.groups and w.stations and w.units and w.congresses and w.accounts, w
    return w


def list_pages(w) -> list[tuple[str, dict]]:
    """The list pages, unfiltered and searched for the 西岭区 names (a leak on page 2 is found by the search)."""
    pages: list[tuple[str, dict]] = [
        ("/", {}),
        ("/org/deputies/", {"status": "all"}),
        ("/org/groups/", {}),
        ("/org/units/", {"state": "all"}),
        ("/stations/", {}),
        ("/org/congresses/", {}),
        ("/org/accounts/", {}),
        ("/core/events/", {}),
        ("/core/messages/", {}),
    ]
    pages += [("/org/deputies/", {"status": "all", "q": name}) for name in w.people[:4]]
    pages += [("/org/groups/", {"q": name}) for name in w.groups[:2]]
    pages += [("/org/units/", {"state": "all", "q": name}) for name in w.units[:2]]
    pages += [("/stations/", {"q": name}) for name in w.stations[:2]]
    pages += [("/org/accounts/", {"q": name}) for name in w.accounts[:2]]
    return pages


@pytest.mark.parametrize("username", EAST_READERS)
def test_no_record_of_the_sibling_district_shows_in_any_list(username, west):
    client = login(user(username))
    problems = []
    for path, params in list_pages(west):
        response = client.get(path, params)
        if response.status_code >= 500:
            problems.append(f"GET {path} {params} → {response.status_code}")
            continue
        if response.status_code != 200:
            continue  # a page this role may not open; its refusal holds no names either (checked below)
        leaked = west.found_in(without_echo(text_of(response), params.get("q", "")))
        if leaked:
            problems.append(f"GET {path} {params} shows 西岭区's {leaked[:5]}")
    for path, congress_of in API_LISTS.items():
        items = api_items(client, path, API_PARAMS.get(path))
        foreign = sorted({congress_of(i) for i in items} & west.congress_ids)
        if foreign:
            problems.append(f"GET {path} lists records of 西岭区's congresses {foreign}")
        leaked = west.found_in(str(items))
        if leaked:
            problems.append(f"GET {path} shows 西岭区's {leaked[:5]}")
    assert not problems, f"{username}:\n" + "\n".join(problems)


def test_the_sibling_district_staff_find_those_names_at_the_same_addresses(west):
    """The positive control: the searches above do find 西岭区's records for 西岭区's own staff."""
    client = login(user("staff_b"))
    for path, params in list_pages(west):
        if "q" not in params:
            continue
        response = client.get(path, params)
        assert response.status_code == 200, (path, params)
        assert params["q"] in without_echo(text_of(response), params["q"]), (path, params)
    deputies = api_items(client, "/api/v1/deputies", {"current": "false"})
    assert {d["congress"]["id"] for d in deputies} & west.congress_ids
    names = {d["person"]["name"] for d in deputies}
    assert set(west.people) <= names


def test_a_unit_handler_lists_exactly_its_own_unit():
    handler = user("handler_a")
    client = login(handler)
    assert list(
        RoleAssignment.objects.filter(user=handler, role=Role.UNIT_HANDLER, is_active=True).values_list(
            "unit__name", flat=True
        )
    ) == ["示范市教育局"]

    items = api_items(client, "/api/v1/units", {})
    assert [i["name"] for i in items] == ["示范市教育局"]

    body = text_of(client.get("/org/units/", {"state": "all"}))
    assert "示范市教育局" in body
    others = [
        n
        for n in Unit.objects.exclude(name="示范市教育局").values_list("name", flat=True)
        if n not in "示范市教育局"
    ]
    assert not [n for n in others if n in body]


def test_a_committee_s_staff_never_open_the_other_committee():
    committee_b = RoleAssignment.objects.get(
        user__username="committee_b", role=Role.COMMITTEE_STAFF, is_active=True
    ).committee
    assert committee_b.name == "教育科学文化卫生委员会" and committee_b.congress.name == CITY
    as_a, as_b = login(user("committee_a")), login(user("committee_b"))

    for url in (
        f"/org/committees/{committee_b.pk}/",
        f"/org/committees/{committee_b.pk}/edit/",
        f"/api/v1/committees/{committee_b.pk}",
    ):
        assert as_a.get(url).status_code in (403, 404), url
    assert as_b.get(f"/org/committees/{committee_b.pk}/").status_code == 200
    assert as_b.get(f"/api/v1/committees/{committee_b.pk}").status_code == 200

    ids = {i["id"] for i in api_items(as_a, "/api/v1/committees", {})}
    assert committee_b.pk not in ids
    assert ids == {
        RoleAssignment.objects.get(user__username="committee_a", role=Role.COMMITTEE_STAFF).committee_id
    }
    assert not Committee.objects.filter(pk__in=ids, name="教育科学文化卫生委员会").exists()


@pytest.mark.parametrize("username", ["deputy_a", "deputy_b"])
def test_a_deputy_lists_exactly_its_own_mandates(username):
    deputy = user(username)
    own = set(Mandate.objects.filter(person_id=deputy.person_id).values_list("pk", flat=True))
    client = login(deputy)

    api_ids = {i["id"] for i in api_items(client, "/api/v1/deputies", {"current": "false"})}
    page = text_of(client.get("/org/deputies/", {"status": "all"}))
    page_ids = {int(pk) for pk in re.findall(r"/org/deputies/(\d+)/", page)}

    assert api_ids == own
    assert page_ids == own
    if username == "deputy_a":
        # Two levels: 东湖区 and the city.
        congresses = set(Mandate.objects.filter(pk__in=own).values_list("congress__name", flat=True))
        assert congresses == {EAST, CITY}
        assert len(own) == 2
