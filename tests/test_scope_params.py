"""Ids outside the URL path: a sibling's id in a query string or a form body finds nothing and changes nothing.

tests/test_scope_walk.py puts a sibling's id into every URL path. Pages also take ids in `?congress=`,
`?group=`, `?term=`, `?person=`, in form fields (`existing_person`, `person`, `mandate`, `target`,
`congress`, `term`, `electoral_unit`, `lower_congress`, a notification `id`) and search text (`?q=`) that
finds records. Given the demo city, when an account of 东湖区 sends the id (or the name) of a record of 西岭区's
tree, then the answer holds none of 西岭区's names (tests/scope_markers.py), the API lists are empty, no row of
the application's tables is added or changed, and no event names the record.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lvzhi.core.models import Event, Notification
from lvzhi.core.notifications import notify
from lvzhi.org.models import (
    Committee,
    Congress,
    DeputyGroup,
    ElectoralUnit,
    GroupMembership,
    Mandate,
    RoleAssignment,
    Term,
    Unit,
    User,
)
from lvzhi.org.roles import Role
from lvzhi.stations.models import Station, StationDeputy

from .scope_markers import EAST, WEST, api_items, login, text_of, tree, user, without_echo

pytestmark = pytest.mark.django_db


# --- the two sides, read from the tables ----------------------------------------------------------
@dataclass
class Side:
    congress: Congress
    term: Term
    group: DeputyGroup
    station: Station
    unit: Unit
    committee: Committee
    electoral_unit: ElectoralUnit
    mandate: Mandate  # a serving deputy of the congress, member of `group` and entered into `station`
    account: User  # an account of the congress other than the staff's own


def side(congress_name: str, staff: str, station_staff: str, leader: str) -> Side:
    congress = Congress.objects.get(name=congress_name)
    today = timezone.localdate()
    term = Term.objects.get(congress=congress, start_date__lte=today, end_date__gte=today)
    station = RoleAssignment.objects.get(user__username=station_staff, role=Role.STATION_STAFF).station
    leader_person = User.objects.get(username=leader).person_id
    group = DeputyGroup.objects.get(leader__person_id=leader_person, congress=congress)
    members = set(GroupMembership.objects.filter(group=group).values_list("mandate_id", flat=True))
    in_station = set(StationDeputy.objects.filter(station=station).values_list("mandate_id", flat=True))
    serving = (
        Mandate.objects.current(today)
        .filter(congress=congress)
        .exclude(pk=group.leader_id)
        .exclude(person__mandates__congress__in=Congress.objects.exclude(pk=congress.pk))
        .order_by("pk")
    )
    mandate = serving.filter(pk__in=members & in_station).first() or serving.filter(pk__in=members).first()
    return Side(
        congress=congress,
        term=term,
        group=group,
        station=station,
        unit=Unit.objects.filter(congress=congress, is_active=True).order_by("pk").first(),
        committee=Committee.objects.filter(congress=congress).order_by("pk").first(),
        electoral_unit=ElectoralUnit.objects.filter(congress=congress).order_by("pk").first(),
        mandate=mandate,
        account=User.objects.filter(congress=congress, is_active=True, is_superuser=False)
        .exclude(username=staff)
        .exclude(roles__role=Role.STAFF)
        .order_by("pk")
        .first(),
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        east = side(EAST, "staff_a", "station_a", "leader_a")
        west = side(WEST, "staff_b", "station_b", "leader_b")
        markers = tree(WEST, people=10_000)
        # The west deputy's name is one of the markers, so finding it anywhere is a leak.
        assert west.mandate and west.mandate.person.name in markers.people
        assert east.mandate and east.mandate.person.name and east.account and west.unit and west.committee
    return east, west, markers


# --- what "nothing changed" means ----------------------------------------------------------------
def app_models():
    for config in apps.get_app_configs():
        if config.name.startswith("lvzhi."):
            for model in config.get_models():
                if model is not Event:
                    yield model


def snapshot() -> dict[str, tuple[int, str]]:
    """Each application table's row count and a digest of its rows (events are checked apart)."""
    out = {}
    for model in app_models():
        rows = list(model._default_manager.order_by("pk").values_list())
        out[model._meta.label] = (len(rows), hashlib.sha1(repr(rows).encode()).hexdigest())
    return out


def events_naming(records, since: int, congress_ids: set[int]) -> list[str]:
    found = []
    wanted = {(ContentType.objects.get_for_model(r).pk, str(r.pk)) for r in records}
    for e in Event.objects.filter(pk__gt=since):
        values = e.payload.values() if isinstance(e.payload, dict) else []
        if (
            (e.target_type_id, e.target_id) in wanted
            or e.congress_id in congress_ids
            or any(v in {r.pk for r in records} for v in values if isinstance(v, int))
        ):
            found.append(
                f"{e.kind} target={e.target_type_id}:{e.target_id} congress={e.congress_id} {e.payload}"
            )
    return found


# --- GET: query strings ----------------------------------------------------------------------------
def get_cases(east: Side, west: Side, markers, reader: str) -> list[tuple[str, dict]]:
    name = west.mandate.person.name
    cases = [
        ("/org/deputies/", {"status": "all", "congress": west.congress.pk}),
        ("/org/deputies/", {"status": "all", "term": west.term.pk}),
        ("/org/deputies/", {"status": "all", "group": west.group.pk}),
        ("/org/deputies/", {"congress": west.congress.pk, "term": west.term.pk, "group": west.group.pk}),
        ("/org/units/", {"state": "all", "congress": west.congress.pk}),
        ("/org/groups/", {"congress": west.congress.pk}),
        ("/stations/", {"congress": west.congress.pk}),
    ]
    if reader == "staff_a":
        cases += [
            ("/org/accounts/new/", {"person": west.mandate.person_id}),
            # Search boxes on the staff's own records find candidates: never the sibling's deputies.
            (f"/org/committees/{east.committee.pk}/", {"q": name}),
            (f"/org/groups/{east.group.pk}/", {"q": name}),
            (f"/stations/{east.station.pk}/", {"q": name}),
        ]
    return cases


API_FILTERS = [
    ("/api/v1/congresses", "parent"),
    ("/api/v1/deputies", "congress"),
    ("/api/v1/units", "congress"),
    ("/api/v1/groups", "congress"),
    ("/api/v1/committees", "congress"),
    ("/api/v1/stations", "congress"),
]


@pytest.mark.parametrize("reader", ["staff_a", "chair_a", "member_a", "station_a", "leader_a", "deputy_a"])
def test_a_sibling_s_id_in_a_query_string_finds_nothing(reader, world):
    east, west, markers = world
    client = login(user(reader))
    problems = []
    for path, params in get_cases(east, west, markers, reader):
        response = client.get(path, params)
        if response.status_code >= 500:
            problems.append(f"GET {path} {params} → {response.status_code}")
            continue
        leaked = markers.found_in(without_echo(text_of(response), params.get("q", "")))
        if leaked:
            problems.append(f"GET {path} {params} → {response.status_code} shows 西岭区's {leaked[:5]}")
    for path, param in API_FILTERS:
        params = {param: west.congress.pk}
        if path.endswith("deputies"):
            params["current"] = "false"
        items = api_items(client, path, params)
        if items:
            problems.append(f"GET {path} {params} lists {len(items)} of 西岭区's records")
    assert not problems, f"{reader}:\n" + "\n".join(problems)


def test_a_sibling_s_deputy_template_is_not_handed_out(world):
    """The import template lists the congress's electoral units and stations: ?congress= of a sibling must
    give the staff's own congress's template."""
    from openpyxl import load_workbook

    east, west, markers = world
    response = login(user("staff_a")).get(
        "/org/import/deputies/template.xlsx", {"congress": west.congress.pk}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = " ".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    )
    assert not markers.found_in(cells)
    assert any(
        s in cells for s in Station.objects.filter(congress=east.congress).values_list("name", flat=True)
    )


def test_the_search_controls_find_the_own_records(world):
    """The positive control of the searches above: the same search finds the staff's own deputy."""
    east, west, markers = world
    client = login(user("staff_a"))
    own = east.mandate.person.name
    assert own in without_echo(text_of(client.get("/org/deputies/", {"status": "all", "q": own})), own)
    assert api_items(client, "/api/v1/deputies", {"congress": east.congress.pk})


# --- POST: form bodies -----------------------------------------------------------------------------
@dataclass
class Post:
    url: str
    data: dict
    records: list  # the sibling's records whose ids are sent


def _new_deputy(east: Side) -> dict:
    return {
        "name": "参数走查代表",
        "gender": "F",
        "mobile": "13912340001",
        "term": east.term.pk,
        "start_date": east.term.start_date.isoformat(),
    }


def _xlsx(east: Side):
    from lvzhi.org.roster import template_workbook

    return SimpleUploadedFile("roster.xlsx", template_workbook("deputies", east.congress))


def _grant(east: Side, role: Role, kind: str, record) -> Post:
    return Post(
        f"/org/accounts/{east.account.pk}/roles/",
        {"role": role.value, "target": f"{kind}:{record.pk}"},
        [record],
    )


# Each case: (东湖区's side, 西岭区's side) → what 东湖区's staff posts.
POST_CASES: dict[str, Callable[[Side, Side], Post]] = {
    "deputy_create.existing_person": lambda e, w: Post(
        "/org/deputies/new/", {**_new_deputy(e), "existing_person": w.mandate.person_id}, [w.mandate.person]
    ),
    "deputy_create.term": lambda e, w: Post(
        "/org/deputies/new/", {**_new_deputy(e), "term": w.term.pk}, [w.term]
    ),
    "deputy_create.electoral_unit": lambda e, w: Post(
        "/org/deputies/new/", {**_new_deputy(e), "electoral_unit": w.electoral_unit.pk}, [w.electoral_unit]
    ),
    "deputy_edit.electoral_unit": lambda e, w: Post(
        f"/org/deputies/{e.mandate.pk}/edit/",
        {
            "name": e.mandate.person.name,
            "mobile": e.mandate.person.mobile,
            "start_date": e.mandate.start_date.isoformat(),
            "electoral_unit": w.electoral_unit.pk,
        },
        [w.electoral_unit],
    ),
    "committee_detail.person": lambda e, w: Post(
        f"/org/committees/{e.committee.pk}/",
        {"person": w.mandate.person_id, "position": "member", "start_date": timezone.localdate().isoformat()},
        [w.mandate.person],
    ),
    "group_member_add.mandate": lambda e, w: Post(
        f"/org/groups/{e.group.pk}/members/add/", {"mandate": w.mandate.pk}, [w.mandate]
    ),
    "group_member_remove.mandate": lambda e, w: Post(
        f"/org/groups/{e.group.pk}/members/remove/", {"mandate": w.mandate.pk}, [w.mandate]
    ),
    "group_leader.mandate": lambda e, w: Post(
        f"/org/groups/{e.group.pk}/leader/", {"mandate": w.mandate.pk}, [w.mandate]
    ),
    "station_assign.mandate": lambda e, w: Post(
        f"/stations/{e.station.pk}/assign/", {"mandate": w.mandate.pk}, [w.mandate]
    ),
    "station_unassign.mandate": lambda e, w: Post(
        f"/stations/{e.station.pk}/unassign/", {"mandate": w.mandate.pk}, [w.mandate]
    ),
    "role_grant.target_congress": lambda e, w: _grant(e, Role.CHAIR, "congress", w.congress),
    "role_grant.target_committee": lambda e, w: _grant(e, Role.COMMITTEE_STAFF, "committee", w.committee),
    "role_grant.target_station": lambda e, w: _grant(e, Role.STATION_STAFF, "station", w.station),
    "role_grant.target_unit": lambda e, w: _grant(e, Role.UNIT_HANDLER, "unit", w.unit),
    "account_create.congress": lambda e, w: Post(
        "/org/accounts/new/",
        {"congress": w.congress.pk, "username": "param_walk_1", "full_name": "参数走查"},
        [w.congress],
    ),
    "account_create.person": lambda e, w: Post(
        "/org/accounts/new/",
        {"congress": e.congress.pk, "username": "param_walk_2", "person": w.mandate.person_id},
        [w.mandate.person],
    ),
    "unit_create.congress": lambda e, w: Post(
        "/org/units/new/",
        {
            "congress": w.congress.pk,
            "kind": Unit.Kind.choices[0][0],
            "name": "参数走查局",
            "short_name": "走查局",
        },
        [w.congress],
    ),
    "group_create.congress": lambda e, w: Post(
        "/org/groups/new/",
        {"congress": w.congress.pk, "kind": DeputyGroup.Kind.choices[0][0], "name": "参数走查小组"},
        [w.congress],
    ),
    "station_create.congress": lambda e, w: Post(
        "/stations/new/",
        {
            "congress": w.congress.pk,
            "kind": Station.Kind.choices[0][0],
            "name": "参数走查联络站",
            "address": "走查路1号",
        },
        [w.congress],
    ),
    "electoral_unit_create.lower_congress": lambda e, w: Post(
        f"/org/congresses/{e.congress.pk}/electoral-units/new/",
        {"kind": ElectoralUnit.Kind.choices[0][0], "name": "参数走查选区", "lower_congress": w.congress.pk},
        [w.congress],
    ),
    "import_deputies.congress": lambda e, w: Post(
        "/org/import/deputies/",
        {"congress": w.congress.pk, "term": w.term.pk, "file": _xlsx(e)},
        [w.congress],
    ),
    "import_units.congress": lambda e, w: Post(
        "/org/import/units/", {"congress": w.congress.pk, "file": _xlsx(e)}, [w.congress]
    ),
    "import_term_change.congress": lambda e, w: Post(
        "/org/import/new-term/",
        {
            "congress": w.congress.pk,
            "number": 99,
            "start_date": "2031-01-01",
            "end_date": "2035-12-31",
            "file": _xlsx(e),
        },
        [w.congress],
    ),
}


@pytest.mark.parametrize("case", POST_CASES)
def test_a_sibling_s_id_in_a_form_body_changes_nothing(case, world):
    east, west, markers = world
    post = POST_CASES[case](east, west)
    client = login(user("staff_a"))
    before, last_event = snapshot(), Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = client.post(post.url, post.data, follow=True)

    assert response.status_code < 500, (case, response.status_code)
    after = snapshot()
    changed = sorted(label for label in after if after[label] != before[label])
    assert not changed, f"{case}: POST {post.url} changed {changed}"
    assert not events_naming(post.records, last_event, markers.congress_ids), case
    leaked = markers.found_in(text_of(response))
    assert not leaked, f"{case}: POST {post.url} → {response.status_code} shows 西岭区's {leaked[:5]}"


def test_the_form_bodies_are_right_for_the_own_records(world):
    """The positive control: the same bodies with the staff's own ids do change things, so a refusal above is
    the sibling id's doing, not a malformed form."""
    east, west, markers = world
    client = login(user("staff_a"))
    own = (
        Mandate.objects.current()
        .filter(congress=east.congress)
        .exclude(group_memberships__group=east.group)
        .order_by("pk")
        .first()
    )
    client.post(f"/org/groups/{east.group.pk}/members/add/", {"mandate": own.pk})
    assert GroupMembership.objects.filter(group=east.group, mandate=own).exists()

    before = Mandate.objects.count()
    response = client.post(
        "/org/deputies/new/",
        {
            "name": "参数走查代表",
            "gender": "F",
            "mobile": "13912340001",
            "term": east.term.pk,
            "start_date": east.term.start_date.isoformat(),
            "electoral_unit": east.electoral_unit.pk,
        },
    )
    assert response.status_code == 302 and Mandate.objects.count() == before + 1

    before = RoleAssignment.objects.filter(user=east.account).count()
    client.post(
        f"/org/accounts/{east.account.pk}/roles/",
        {"role": Role.STATION_STAFF.value, "target": f"station:{east.station.pk}"},
    )
    assert RoleAssignment.objects.filter(user=east.account).count() == before + 1

    client.post(
        "/org/units/new/",
        {
            "congress": east.congress.pk,
            "kind": Unit.Kind.choices[0][0],
            "name": "参数走查局",
            "short_name": "走查局",
        },
    )
    assert Unit.objects.filter(name="参数走查局", congress=east.congress).exists()


def test_a_sibling_s_notification_cannot_be_marked_read(world):
    staff_b = user("staff_b")
    note = notify(recipient=staff_b, cause="param-walk", subject="走查通知")[0]
    response = login(user("staff_a")).post("/core/messages/read/", {"id": note.pk}, follow=True)
    assert response.status_code < 500
    note.refresh_from_db()
    assert note.read_at is None
    assert "走查通知" not in text_of(response)
    assert Notification.objects.filter(recipient=staff_b, read_at__isnull=True, pk=note.pk).exists()
