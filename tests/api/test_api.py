"""The JSON API: token and session sign-in, scope, personal data, the OpenAPI document and its doc page."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.test import Client

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.org.models import ApiToken, GroupMembership
from lvzhi.org.roles import Role
from lvzhi.org.tokens import token_authenticate, token_create, token_revoke
from lvzhi.stations.models import StationDeputy
from tests.factories import (
    CommitteeFactory,
    CongressFactory,
    GroupFactory,
    MandateFactory,
    StationFactory,
    UnitFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A city with two sibling districts, each with a deputy, a unit, a group, a station, a committee."""
    city = CongressFactory(name="API测试市人民代表大会", short_name="API测试市人大", level="city")
    east = CongressFactory(name="API东区人民代表大会", short_name="API东区人大", parent=city)
    west = CongressFactory(name="API西区人民代表大会", short_name="API西区人大", parent=city)
    w = {"city": city, "east": east, "west": west}
    for key, congress in (("east", east), ("west", west)):
        m = MandateFactory(
            congress=congress, person__name=f"{key}代表甲", person__occupation=f"{key}公司经理"
        )
        w[f"{key}_mandate"] = m
        w[f"{key}_unit"] = UnitFactory(congress=congress, name=f"{key}区教育局", short_name=f"{key}教育局")
        group = GroupFactory(congress=congress, name=f"{key}第一代表小组", leader=m)
        GroupMembership.objects.create(group=group, mandate=m)
        w[f"{key}_group"] = group
        station = StationFactory(congress=congress, name=f"{key}街道代表联络站")
        StationDeputy.objects.create(station=station, mandate=m)
        w[f"{key}_station"] = station
        w[f"{key}_committee"] = CommitteeFactory(congress=congress, name=f"{key}财经委")
        staff = UserFactory(username=f"api_staff_{key}")
        grant(staff, Role.STAFF, congress)
        w[f"{key}_staff"] = staff
    return w


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- tokens ------------------------------------------------------------------------------------
def test_a_token_reads_the_api_as_its_user(world, client):
    # Given a token created by east's staff
    token, plaintext = token_create(user=world["east_staff"], name="statistics")
    # When a program calls /me with it
    response = client.get("/api/v1/me", **bearer(plaintext))
    # Then it is that user, and the token's last use is recorded
    assert response.status_code == 200
    assert response.json()["username"] == "api_staff_east"
    assert "staff" in response.json()["roles"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_the_hash_of_a_token_is_stored(world):
    token, plaintext = token_create(user=world["east_staff"], name="export")
    assert plaintext.startswith("lvz_") and len(plaintext) > 40
    assert plaintext not in (token.key_hash, token.prefix)
    assert plaintext[4:12] == token.prefix


def test_token_creation_and_revocation_are_security_events(world):
    token, _ = token_create(user=world["east_staff"], name="export")
    token_revoke(actor=world["east_staff"], token=token)
    kinds = list(
        Event.objects.filter(target_type__model="apitoken", target_id=str(token.pk), is_security=True)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["security.api_token_created", "security.api_token_revoked"]
    payloads = Event.objects.filter(
        target_type__model="apitoken", target_id=str(token.pk), is_security=True
    ).values_list("payload", flat=True)
    assert all(token.prefix not in json.dumps(p) for p in payloads)


def test_a_revoked_token_is_refused(world, client):
    token, plaintext = token_create(user=world["east_staff"], name="old")
    token_revoke(actor=world["east_staff"], token=token)
    response = client.get("/api/v1/me", **bearer(plaintext))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_of_a_deactivated_account_is_refused(world, client):
    _, plaintext = token_create(user=world["east_staff"], name="old")
    world["east_staff"].is_active = False
    world["east_staff"].save(update_fields=["is_active"])
    assert token_authenticate(plaintext) is None
    assert client.get("/api/v1/me", **bearer(plaintext)).status_code == 401


def test_an_unknown_token_is_refused_even_with_a_session(world, client):
    client.force_login(world["east_staff"])
    response = client.get("/api/v1/me", **bearer("lvz_not-a-real-token"))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_revoking_twice_is_refused(world):
    token, _ = token_create(user=world["east_staff"], name="t")
    token_revoke(actor=world["east_staff"], token=token)
    with pytest.raises(ServiceError) as err:
        token_revoke(actor=world["east_staff"], token=token)
    assert err.value.code == "token_already_revoked"


def test_nobody_revokes_another_users_token(world):
    token, _ = token_create(user=world["east_staff"], name="t")
    with pytest.raises(ServiceError) as err:
        token_revoke(actor=world["west_staff"], token=token)
    assert err.value.code == "not_your_token"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_needs_a_name_that_is_not_taken(world):
    with pytest.raises(ServiceError) as err:
        token_create(user=world["east_staff"], name="  ")
    assert err.value.code == "token_name_required"
    token_create(user=world["east_staff"], name="export")
    with pytest.raises(ServiceError) as err:
        token_create(user=world["east_staff"], name="export")
    assert err.value.code == "token_name_taken"


def test_last_used_is_written_at_most_once_a_minute(world):
    token, plaintext = token_create(user=world["east_staff"], name="busy")
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        token_authenticate(plaintext)
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        token_authenticate(plaintext)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        token_authenticate(plaintext)
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(seconds=61)


def test_a_token_of_an_account_that_must_change_its_password_is_refused(world, client):
    _, plaintext = token_create(user=world["east_staff"], name="t")
    world["east_staff"].must_change_password = True
    world["east_staff"].save(update_fields=["must_change_password"])
    response = client.get("/api/v1/deputies", **bearer(plaintext))
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


# --- the tokens page ---------------------------------------------------------------------------
def test_the_tokens_page_shows_a_new_token_once_and_revokes_it(world, client):
    client.force_login(world["east_staff"])
    # When the user creates a token on the page
    response = client.post("/org/tokens/", {"name": "报表程序"})
    assert response.status_code == 200
    shown = re.search(r'id="new-token">(lvz_[^<]+)<', response.content.decode())
    assert shown, "the new token is shown"
    plaintext = shown.group(1)
    assert client.get("/api/v1/me", **bearer(plaintext)).status_code == 200
    # Then the list shows it, but never the token again
    listing = client.get("/org/tokens/").content.decode()
    assert "报表程序" in listing and plaintext not in listing
    # When it is revoked from the page, the API refuses it
    token = ApiToken.objects.get(user=world["east_staff"], name="报表程序")
    response = client.post(f"/org/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert Client().get("/api/v1/me", **bearer(plaintext)).status_code == 401


def test_the_tokens_page_keeps_what_was_typed_on_a_refusal(world, client):
    client.force_login(world["east_staff"])
    client.post("/org/tokens/", {"name": "export"})
    response = client.post("/org/tokens/", {"name": "export"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="export"' in body and 'id="new-token"' not in body
    assert 'class="errorlist"' in body


def test_nobody_revokes_another_users_token_from_the_page(world, client):
    token, _ = token_create(user=world["east_staff"], name="t")
    client.force_login(world["west_staff"])
    assert client.post(f"/org/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- session -----------------------------------------------------------------------------------
def test_a_signed_in_browser_reads_the_api(world, client):
    client.force_login(world["east_staff"])
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "api_staff_east"


def test_a_session_write_needs_the_csrf_token(world):
    token, _ = token_create(user=world["east_staff"], name="t")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["east_staff"])
    # Without the token the write is refused and nothing changes
    response = browser.delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    token.refresh_from_db()
    assert token.revoked_at is None
    # With it (as the doc page sends it) the write goes through
    browser.get("/org/tokens/")
    csrf = browser.cookies["csrftoken"].value
    response = browser.delete(f"/api/v1/tokens/{token.pk}", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_write_needs_no_csrf_token(world):
    token, plaintext = token_create(user=world["east_staff"], name="t")
    response = Client(enforce_csrf_checks=True).delete(f"/api/v1/tokens/{token.pk}", **bearer(plaintext))
    assert response.status_code == 200
    assert response.json()["revoked_at"]


def test_without_credentials_the_api_answers_401_json(client):
    response = client.get("/api/v1/deputies")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"]


# --- scope -------------------------------------------------------------------------------------
def _names(response) -> set[str]:
    return {row["name"] for row in response.json()["items"]}


def test_lists_hold_only_records_in_scope(world, client):
    client.force_login(world["east_staff"])
    deputies = client.get("/api/v1/deputies?limit=500").json()["items"]
    people = {d["person"]["name"] for d in deputies}
    assert "east代表甲" in people and "west代表甲" not in people
    assert {"east区教育局"} <= _names(client.get("/api/v1/units?limit=500"))
    assert "west区教育局" not in _names(client.get("/api/v1/units?limit=500"))
    assert "west第一代表小组" not in _names(client.get("/api/v1/groups?limit=500"))
    assert "west街道代表联络站" not in _names(client.get("/api/v1/stations?limit=500"))
    assert "west财经委" not in _names(client.get("/api/v1/committees?limit=500"))
    congresses = _names(client.get("/api/v1/congresses?limit=500"))
    assert "API东区人民代表大会" in congresses and "API西区人民代表大会" not in congresses


@pytest.mark.parametrize(
    "path",
    [
        "deputies/{west_mandate}",
        "units/{west_unit}",
        "groups/{west_group}",
        "stations/{west_station}",
        "committees/{west_committee}",
        "congresses/{west}",
    ],
)
def test_a_record_outside_scope_is_404(world, client, path):
    client.force_login(world["east_staff"])
    ids = {k: v.pk for k, v in world.items()}
    response = client.get("/api/v1/" + path.format(**ids))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": response.json()["detail"]}
    # ... while its own staff read it
    client.force_login(world["west_staff"])
    assert client.get("/api/v1/" + path.format(**ids)).status_code == 200


def test_deputy_detail_lists_groups_and_stations(world, client):
    client.force_login(world["east_staff"])
    body = client.get(f"/api/v1/deputies/{world['east_mandate'].pk}").json()
    assert body["person"]["name"] == "east代表甲"
    assert [g["name"] for g in body["groups"]] == ["east第一代表小组"]
    assert [s["name"] for s in body["stations"]] == ["east街道代表联络站"]
    station = client.get(f"/api/v1/stations/{world['east_station'].pk}").json()
    assert [d["name"] for d in station["deputies"]] == ["east代表甲"]


def test_filters_like_the_pages(world, client):
    client.force_login(world["east_staff"])
    other = MandateFactory(
        congress=world["east"], person__name="east代表乙", person__occupation="东区医院院长"
    )
    assert _person_names(client.get("/api/v1/deputies", {"q": "医院"})) == {"east代表乙"}
    assert "east代表乙" in _person_names(client.get("/api/v1/deputies", {"station": "none"}))
    assert "east代表甲" not in _person_names(client.get("/api/v1/deputies", {"station": "none"}))
    other.end_date = dt.date(2023, 1, 1)
    other.end_reason = "resigned"
    other.save()
    assert "east代表乙" not in _person_names(client.get("/api/v1/deputies"))
    assert "east代表乙" in _person_names(client.get("/api/v1/deputies", {"current": "false"}))


def _person_names(response) -> set[str]:
    return {d["person"]["name"] for d in response.json()["items"]}


def test_lists_are_paginated(world, client):
    client.force_login(world["east_staff"])
    for i in range(3):
        MandateFactory(congress=world["east"], person__name=f"east翻页{i}")
    first = client.get("/api/v1/deputies", {"limit": 2, "offset": 0}).json()
    second = client.get("/api/v1/deputies", {"limit": 2, "offset": 2}).json()
    assert first["count"] == second["count"] >= 4
    assert len(first["items"]) == 2
    assert {d["id"] for d in first["items"]}.isdisjoint({d["id"] for d in second["items"]})


def test_bad_input_answers_422_with_a_code(world, client):
    client.force_login(world["east_staff"])
    response = client.get("/api/v1/deputies", {"limit": "many"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["errors"][0]["loc"][-1] == "limit"


def test_nul_bytes_in_query_parameters_are_dropped(world, client):
    # PostgreSQL refuses a NUL byte in a text parameter; a search with one must not answer 500.
    client.force_login(world["east_staff"])
    response = client.get("/api/v1/deputies", {"q": "east代\x00表"})
    assert response.status_code == 200
    assert _person_names(response) == {"east代表甲"}
    for path, params in [
        ("/api/v1/deputies", {"station": "no\x00ne"}),
        ("/api/v1/stations", {"deputies": "no\x00ne"}),
        ("/api/v1/units", {"kind": "\x00"}),
    ]:
        assert client.get(path, params).status_code in {200, 422}, path


def test_nul_bytes_in_a_json_body_are_dropped(world, client):
    client.force_login(world["east_staff"])
    response = client.post("/api/v1/tokens", {"name": "统\x00计"}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["name"] == "统计"


def test_an_unknown_api_address_answers_json_404(world, client):
    client.force_login(world["east_staff"])
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_refused_step_answers_with_its_code(world, client):
    token, _ = token_create(user=world["east_staff"], name="t")
    token_revoke(actor=world["east_staff"], token=token)
    client.force_login(world["east_staff"])
    response = client.delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 409
    assert response.json()["code"] == "token_already_revoked"
    assert response.json()["detail"]
    response = client.post("/api/v1/tokens", {"name": " "}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "token_name_required"


def test_tokens_through_the_api_are_the_callers_own(world, client):
    theirs, _ = token_create(user=world["west_staff"], name="west's")
    client.force_login(world["east_staff"])
    created = client.post("/api/v1/tokens", {"name": "cli"}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["token"].startswith("lvz_")
    listed = client.get("/api/v1/tokens").json()["items"]
    assert [t["name"] for t in listed] == ["cli"]
    assert "token" not in listed[0] and "key_hash" not in listed[0]
    assert client.delete(f"/api/v1/tokens/{theirs.pk}").status_code == 404


# --- personal data -----------------------------------------------------------------------------
def test_no_mobile_number_anywhere_in_the_api(world, client):
    # Given deputies and accounts with mobile numbers
    mobiles = {world["east_mandate"].person.mobile}
    world["east_staff"].mobile = "13700001111"
    world["east_staff"].save(update_fields=["mobile"])
    mobiles.add("13700001111")
    client.force_login(world["east_staff"])
    # When every list and detail is read
    paths = ["me", "congresses", "deputies", "units", "groups", "committees", "stations"]
    bodies = [client.get(f"/api/v1/{p}?limit=500").content.decode() for p in paths]
    bodies += [
        client.get(f"/api/v1/deputies/{world['east_mandate'].pk}").content.decode(),
        client.get(f"/api/v1/groups/{world['east_group'].pk}").content.decode(),
        client.get(f"/api/v1/stations/{world['east_station'].pk}").content.decode(),
        client.get(f"/api/v1/congresses/{world['east'].pk}").content.decode(),
    ]
    # Then no answer holds a mobile number, nor a field named like one
    assert all(m and m not in body for m in mobiles for body in bodies)
    assert all('"mobile"' not in body for body in bodies)
    assert "east代表甲" in bodies[2]  # the deputies list was really read


# --- the document and its page -----------------------------------------------------------------
def test_the_openapi_document_is_valid_and_lists_the_routes(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] and doc["info"]["version"] == "1"
    for path in [
        "/api/v1/me",
        "/api/v1/deputies",
        "/api/v1/deputies/{pk}",
        "/api/v1/stations",
        "/api/v1/stations/{pk}",
        "/api/v1/units",
        "/api/v1/groups",
        "/api/v1/committees",
        "/api/v1/congresses",
    ]:
        assert path in doc["paths"], path
    schemes = doc["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}
    # Every $ref points at a schema the document defines.
    refs = set(re.findall(r'"\$ref": ?"#/components/schemas/([^"]+)"', json.dumps(doc)))
    assert refs <= set(doc["components"]["schemas"])
    # No person's mobile is even a field of the published shapes.
    fields = {f for schema in doc["components"]["schemas"].values() for f in schema.get("properties", {})}
    assert "name" in fields and not {"mobile", "phone_number", "birth_date"} & fields


def test_the_doc_page_loads_its_assets_from_this_site(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the page names its scripts and styles"
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))], "no CDN"
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
