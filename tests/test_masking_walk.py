"""Masking: no page a reader opens shows the full mobile number of a person it does not manage.

Mobile numbers are shown in full only to the deputy-affairs staff who manage the person or account (their own
congress's), and to the person themself; everyone else reads 138****1234. Given the demo city, when a
read-only reader walks every page of the site (read from the resolver, so pages added later are walked too) on
a few records of each kind it can open, then no 11-digit mobile of anyone on record but the reader and those it
manages appears in any answer, HTML or JSON.

The readers: a chair (reads a whole district, manages nothing), the city's staff (manages the city's people,
reads the districts'), a station's staff, a group leader and a standing-committee member.
"""

from __future__ import annotations

import re

import pytest

from lvzhi.core.models import CalendarDay
from lvzhi.opinions.models import Opinion
from lvzhi.org.models import Mandate, Person, RoleAssignment, User
from lvzhi.org.roles import Role

from .scope_markers import EAST, FULL_MOBILE, login, managed_mobiles, owner_of_mobile, text_of, user
from .test_scope_walk import ID_PARAM, KINDS, PARAM_VALUES, SESSION_ENDING, site_patterns

pytestmark = pytest.mark.django_db

READERS = ["chair_a", "city_staff", "station_a", "leader_a", "member_a"]
MASKED_MOBILE = re.compile(r"1[3-9][0-9]\*{4}[0-9]{4}")
PER_KIND = 1  # records of each kind a reader opens
# Kinds whose pages show people: walked on more records.
PEOPLE_KINDS = {"mandate": 4, "person": 2, "account": 3, "group": 2, "station": 2, "committee": 2}
PEOPLE_KINDS["opinion"] = 3  # a station's inbox items: the citizen's mobile, in full to the handler only


def _act_congresses(reader) -> set[int]:
    return set(
        RoleAssignment.objects.filter(user=reader, role=Role.STAFF, is_active=True).values_list(
            "congress_id", flat=True
        )
    )


def sample(kind_key: str, reader) -> list[int]:
    """A few records of the kind the reader may open, those of congresses it does not manage first."""
    kind = KINDS[kind_key]
    if kind.visible is None:
        first = CalendarDay.objects.order_by("pk").values_list("pk", flat=True).first()
        return [first or 1]
    rows = kind.visible(reader)
    fields = {f.name for f in rows.model._meta.get_fields()}
    act = _act_congresses(reader)
    if act and "congress" in fields:
        rows = rows.exclude(congress_id__in=act)
    if act and kind_key == "mandate":
        # A district deputy who is not also a deputy of the reader's own congress.
        rows = rows.exclude(person__mandates__congress_id__in=act)
    limit = PEOPLE_KINDS.get(kind_key, PER_KIND)
    return list(rows.order_by("pk").values_list("pk", flat=True)[:limit])


def urls_for(reader) -> list[str]:
    urls = []
    cache: dict[str, list[int]] = {}
    for pattern in site_patterns():
        if pattern.name in SESSION_ENDING:
            continue
        ids = pattern.id_params()
        if not ids:
            if all(name in PARAM_VALUES for name, _ in pattern.params):
                urls.append(pattern.url(PARAM_VALUES) + ("?limit=500" if pattern.is_api else ""))
            continue
        kinds = {param: pattern.kind_of(param) for param in ids}
        if None in kinds.values() or any(k not in KINDS for k in kinds.values()):
            continue  # reported by tests/test_scope_walk.py
        main = ids[0]
        for key in set(kinds.values()):
            cache.setdefault(key, sample(key, reader))
        for record in cache[kinds[main]]:
            values = {}
            for name, _conv in pattern.params:
                if name == main:
                    values[name] = record
                elif ID_PARAM.match(name):
                    values[name] = (cache[kinds[name]] or [0])[0]
                else:
                    values[name] = PARAM_VALUES[name]
            urls.append(pattern.url(values))
    return urls


@pytest.mark.parametrize("username", READERS)
def test_no_page_shows_a_full_mobile_the_reader_does_not_manage(username):
    reader = user(username)
    allowed = managed_mobiles(reader)
    known = set(Person.objects.values_list("mobile", flat=True)) | set(
        User.objects.values_list("mobile", flat=True)
    )
    known |= set(Opinion.objects.exclude(phone="").values_list("phone", flat=True))  # citizens' mobiles
    client = login(reader)
    problems, opened, masked = [], 0, 0
    for url in urls_for(reader):
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"GET {url} → {response.status_code}")
            continue
        if response.status_code != 200:
            continue
        opened += 1
        body = text_of(response)
        masked += bool(MASKED_MOBILE.search(body))
        shown = {m for m in FULL_MOBILE.findall(body) if m in known and m not in allowed}
        for number in sorted(shown):
            problems.append(f"GET {url} shows {number} ({owner_of_mobile(number)})")
    assert opened >= 10, f"{username} opened only {opened} pages: the walk is idle"
    # ... and it opened pages that do show people's numbers (masked), so a full one would have been seen.
    assert masked, f"{username} opened no page that shows a (masked) mobile number"
    assert not problems, f"{username}:\n" + "\n".join(problems)


def test_a_reader_reads_a_deputy_s_number_masked():
    """The walk's check and the pages agree on the format: a chair of the district reads its deputy's number
    masked on the deputy's page and in no other form."""
    mandate = Mandate.objects.filter(congress__name=EAST).exclude(person__mobile="").order_by("pk").first()
    number = mandate.person.mobile
    body = text_of(login(user("chair_a")).get(f"/org/deputies/{mandate.pk}/"))
    assert f"{number[:3]}****{number[-4:]}" in body
    assert MASKED_MOBILE.search(body) and number not in FULL_MOBILE.findall(body)
