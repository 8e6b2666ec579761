"""What the fixed-expectation scope tests look for, read from the tables directly (never through a selector).

The demo city (tests/conftest.py builds it once per test session) has two sibling districts, 东湖区 (the "a"
accounts) and 西岭区 (the "b" accounts). `tree(WEST)` gathers the congresses of 西岭区's tree (西岭区 and
its townships) and the texts that betray its records: names that occur in no record outside that tree, so
finding one in a page of an "a" account can only mean a 西岭区 record leaked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.test import Client

from lvzhi.org.models import (
    Committee,
    Congress,
    DeputyGroup,
    ElectoralUnit,
    Mandate,
    Person,
    RoleAssignment,
    Unit,
    User,
)
from lvzhi.org.roles import Role
from lvzhi.stations.models import Station

CITY = "示范市人民代表大会"
EAST = "东湖区人民代表大会"
WEST = "西岭区人民代表大会"

# A full mainland mobile number, not inside a longer run of letters or digits (a CSRF token, an id).
FULL_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user(username: str) -> User:
    return User.objects.select_related("person", "congress").get(username=username)


def text_of(response) -> str:
    """The body as text; JSON re-dumped with Chinese as Chinese, so names are found whatever the escaping."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content  # a download
    body = raw.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            body = json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            pass
    return body


def without_echo(body: str, typed: str) -> str:
    """The body without the form fields that echo what was typed (the search box, a `next` address)."""
    if not typed:
        return body
    return re.sub(r'value="[^"]*' + re.escape(typed) + r'[^"]*"', 'value=""', body)


def api_items(client: Client, path: str, params: dict | None = None, limit: int = 500) -> list[dict]:
    """Every item of an API list, page by page (limit/offset)."""
    items: list[dict] = []
    offset = 0
    while True:
        response = client.get(path, {**(params or {}), "limit": limit, "offset": offset})
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        data = response.json()
        items += data["items"]
        offset += limit
        if offset >= data["count"] or not data["items"]:
            return items


def congress_ids_under(name: str) -> set[int]:
    root = Congress.objects.get(name=name)
    return set(Congress.objects.filter(path__startswith=root.path).values_list("pk", flat=True))


@dataclass
class Tree:
    """One congress's tree (the congress and those below it) and the texts that betray its records."""

    congress_ids: set[int]
    people: list[str]  # names of people registered there who hold mandates there only
    groups: list[str]
    stations: list[str]
    units: list[str]
    congresses: list[str]
    accounts: list[str]  # usernames

    @property
    def markers(self) -> list[str]:
        return self.people + self.groups + self.stations + self.units + self.congresses + self.accounts

    def found_in(self, body: str) -> list[str]:
        return [m for m in self.markers if m in body]


def tree(name: str, people: int = 6) -> Tree:
    ids = congress_ids_under(name)
    inside_people = Person.objects.filter(congress_id__in=ids).exclude(
        pk__in=Mandate.objects.exclude(congress_id__in=ids).values("person_id")
    )
    outside_people = Person.objects.exclude(pk__in=inside_people.values("pk"))
    # Every text a record outside the tree may show; a marker must occur in none of them.
    corpus: list[str] = []
    for model, fields in (
        (Congress, ("name", "short_name", "region_name")),
        (Committee, ("name", "short_name")),
        (ElectoralUnit, ("name",)),
        (DeputyGroup, ("name",)),
        (Unit, ("name", "short_name")),
        (Station, ("name", "address")),
        (User, ("username", "full_name")),
    ):
        rows = model.objects.all()
        if model is Congress:
            rows = rows.exclude(pk__in=ids)
        elif model is User:
            rows = rows.exclude(congress_id__in=ids)
        else:
            rows = rows.exclude(congress_id__in=ids)
        for values in rows.values_list(*fields):
            corpus += [v for v in values if v]
    for values in outside_people.values_list("name", "occupation"):
        corpus += [v for v in values if v]
    # The inside people's other texts too (an occupation may name a unit or a village of another district).
    inside_names = list(inside_people.order_by("pk").values_list("name", flat=True))
    blob = "\n".join(corpus)

    def distinctive(texts, others=()) -> list[str]:
        seen = []
        for t in texts:
            if len(t) >= 3 and t not in blob and not any(t in o for o in others if o != t) and t not in seen:
                seen.append(t)
        return seen

    return Tree(
        congress_ids=ids,
        people=distinctive(inside_names, inside_names)[:people],
        groups=distinctive(
            DeputyGroup.objects.filter(congress_id__in=ids).order_by("pk").values_list("name", flat=True)
        ),
        stations=distinctive(
            Station.objects.filter(congress_id__in=ids).order_by("pk").values_list("name", flat=True)
        ),
        units=distinctive(
            Unit.objects.filter(congress_id__in=ids).order_by("pk").values_list("name", flat=True)
        ),
        congresses=distinctive(
            Congress.objects.filter(pk__in=ids).order_by("path").values_list("name", flat=True)
        ),
        accounts=distinctive(
            User.objects.filter(congress_id__in=ids)
            .exclude(username__startswith="dep")
            .order_by("pk")
            .values_list("username", flat=True)
        ),
    )


def managed_mobiles(reader: User) -> set[str]:
    """The mobiles a reader may see in full: their own, and those of the people and accounts of the congresses
    they are deputy-affairs staff of (read from the role table, not from a selector)."""
    own = {reader.mobile, reader.person.mobile if reader.person_id else ""}
    if reader.is_superuser:
        return set(Person.objects.values_list("mobile", flat=True)) | set(
            User.objects.values_list("mobile", flat=True)
        )
    act = set(
        RoleAssignment.objects.filter(user=reader, role=Role.STAFF, is_active=True).values_list(
            "congress_id", flat=True
        )
    )
    people = Person.objects.filter(congress_id__in=act) | Person.objects.filter(mandates__congress_id__in=act)
    accounts = User.objects.filter(congress_id__in=act)
    return (
        {m for m in own if m}
        | set(people.values_list("mobile", flat=True))
        | set(accounts.values_list("mobile", flat=True))
        | set(accounts.exclude(person=None).values_list("person__mobile", flat=True))
        | handled_citizen_mobiles(reader)
    )


def handled_citizen_mobiles(reader: User) -> set[str]:
    """Citizens' mobiles the reader's inbox shows in full: of the opinions that reached the reader as a
    deputy, and of those left at or passed to a station the reader is staff of (the role table, not a
    selector)."""
    from lvzhi.opinions.models import Opinion

    stations = RoleAssignment.objects.filter(user=reader, role=Role.STATION_STAFF, is_active=True)
    handled = Opinion.objects.filter(station_id__in=stations.values("station_id"))
    if reader.person_id:
        handled |= Opinion.objects.filter(person_id=reader.person_id)
    return set(handled.exclude(phone="").values_list("phone", flat=True))


def owner_of_mobile(number: str) -> str:
    person = Person.objects.filter(mobile=number).first()
    if person:
        return f"person {person.pk} {person.name}"
    account = User.objects.filter(mobile=number).first()
    if account:
        return f"account {account.username}"
    return "nobody on record"
