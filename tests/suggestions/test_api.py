"""The suggestions API: scoped reads, the figures as numerators and denominators, and steps through the
same services as the pages (a refused step answers with the service's code and status)."""

import json

import pytest
from django.test import Client

from lvzhi.core.models import Event
from lvzhi.org.models import Session
from lvzhi.org.tokens import token_create
from lvzhi.suggestions import stats
from lvzhi.suggestions.models import Assignment, Suggestion
from lvzhi.suggestions.selectors import suggestion_list_visible_to
from lvzhi.suggestions.services import drafting, handling, review
from lvzhi.suggestions.workflow import State
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db
TEXT = "经研究，我局已将该问题纳入明年工作计划，并将加强督促落实。"


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    _clients.clear()
    return build()


_clients: dict = {}


def api(user) -> Client:
    if user.pk in _clients:
        return _clients[user.pk]
    _token, plaintext = token_create(user=user, name=f"测试-{user.username}")
    _clients[user.pk] = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return _clients[user.pk]


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def submitted(w, title="关于接口测试的建议"):
    return drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft(title=title))


def test_a_sibling_districts_staff_cannot_read_the_citys_suggestions(w):
    s = review.suggestion_accept(actor=w.staff, suggestion=submitted(w))
    other = api(w.staff_b)
    response = other.get(f"/api/v1/suggestions/{s.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    listed = other.get("/api/v1/suggestions", {"limit": 500}).json()
    assert s.pk not in {r["id"] for r in listed["items"]}
    assert post(other, f"/api/v1/suggestions/{s.pk}/assign", {"lead_unit_id": w.unit.pk}).status_code == 404

    mine = api(w.staff)
    body = mine.get(f"/api/v1/suggestions/{s.pk}").json()
    assert (body["number"], body["state"], body["title"]) == (s.number, "accepted", s.title)
    listed = mine.get(
        "/api/v1/suggestions", {"congress": w.city.pk, "state": "accepted", "limit": 500}
    ).json()
    assert s.pk in {r["id"] for r in listed["items"]} and listed["count"] == len(listed["items"])
    assert all(r["state"] == "accepted" for r in listed["items"])


def test_a_step_through_the_api_runs_the_service_and_a_refusal_keeps_its_code(w):
    s = submitted(w)
    staff = api(w.staff)
    response = post(staff, f"/api/v1/suggestions/{s.pk}/accept", {})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted" and response.json()["number"]
    assert Event.objects.filter(kind="suggestion.accept", target_id=str(s.pk), actor=w.staff).exists()
    again = post(staff, f"/api/v1/suggestions/{s.pk}/accept", {})
    assert again.status_code == 409 and again.json()["code"] == "step_not_allowed"

    response = post(staff, f"/api/v1/suggestions/{s.pk}/assign", {"lead_unit_id": w.unit.pk})
    assert response.status_code == 200
    assert response.json()["units"][0]["id"] == w.unit.pk and response.json()["reply_due"]
    # the other unit's handler is not the lead unit
    assert post(
        api(w.handler_b), f"/api/v1/suggestions/{s.pk}/reply", {"text": TEXT, "result_code": "A"}
    ).status_code in (403, 404)
    short = post(api(w.handler), f"/api/v1/suggestions/{s.pk}/reply", {"text": "太短", "result_code": "A"})
    assert short.status_code == 400 and short.json()["code"] == "text_required"
    response = post(api(w.handler), f"/api/v1/suggestions/{s.pk}/reply", {"text": TEXT, "result_code": "A"})
    assert response.status_code == 200 and response.json()["result_class"] == "A"
    response = post(api(w.deputy), f"/api/v1/suggestions/{s.pk}/evaluate", {"rating": "satisfied"})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == State.CLOSED
    assert body["evaluations"] == [
        {"round": 1, "stage": "reply", "rating": "satisfied", "mandate_id": w.mandate.pk}
    ]


def test_the_office_returns_a_suggestion_through_the_api(w):
    s = submitted(w)
    refused = post(api(w.staff), f"/api/v1/suggestions/{s.pk}/return", {"reason": " "})
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    response = post(api(w.staff), f"/api/v1/suggestions/{s.pk}/return", {"reason": "请补充材料"})
    assert response.status_code == 200 and response.json()["state"] == State.RETURNED


def test_the_figures_answer_numerators_and_denominators_that_recompute_from_the_records(w):
    s = review.suggestion_accept(actor=w.staff, suggestion=submitted(w))
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=w.unit)
    response = api(w.staff).get("/api/v1/suggestions/figures", {"congress": w.city.pk})
    assert response.status_code == 200
    body = response.json()
    figures = {f["key"]: f for f in body["figures"]}
    expected = stats.compute(
        stats.scoped(suggestion_list_visible_to(user=w.staff), stats.FigureScope(congress=w.city)),
        day=TODAY.date(),
        congress=w.city,
    )
    for v in expected.figures:
        assert (figures[v.key]["numerator"], figures[v.key]["denominator"]) == (v.numerator, v.denominator)
    # recomputed from the listed records
    rows = api(w.staff).get("/api/v1/suggestions", {"congress": w.city.pk, "limit": 500}).json()
    submitted_rows = [r for r in rows["items"] if r["submitted_at"] and r["state"] != "draft"]
    assert figures["submitted"]["numerator"] == len(submitted_rows)
    accepted = [r for r in submitted_rows if r["accepted_at"]]
    assert figures["accepted"]["numerator"] == len(accepted)
    leads = [r for r in submitted_rows if any(u["role"] == Assignment.Role.LEAD for u in r["units"])]
    assert figures["face_to_face"]["denominator"] == len(leads)
    assert figures["accepted"]["definition"]
    # outside the figures' readers
    assert api(w.deputy).get("/api/v1/suggestions/figures").status_code == 403


# --- anyone can recompute the figures from the listed records ------------------------------------------
HANDLING = {State.ASSIGNED, State.REHANDLING}


def every_row(client, **query) -> list[dict]:
    rows, offset = [], 0
    while True:
        page = client.get("/api/v1/suggestions", {**query, "limit": 500, "offset": offset}).json()
        rows += page["items"]
        offset += 500
        if offset >= page["count"]:
            return rows


def recompute(rows: list[dict], day: str) -> dict:
    """The figures' definitions, applied by hand to the API's rows (ISO dates compare as text)."""
    rows = [r for r in rows if r["submitted_at"] and r["state"] != State.DRAFT]
    out: dict = {}

    def put(key, den, num) -> None:
        den = [r for r in rows if den(r)]
        out[key] = (sum(1 for r in den if num(r)), len(den))

    def latest(r):
        return max(r["replies"], key=lambda x: x["round"]) if r["replies"] else None

    def rated(r, round_, stage=None):
        return [
            e for e in r["evaluations"] if e["round"] == round_ and (stage is None or e["stage"] == stage)
        ]

    def ok(evaluations):
        return evaluations and all(e["rating"] != "dissatisfied" for e in evaluations)

    def final(r):
        last = latest(r)["round"]
        promise = rated(r, last, "promise")
        return ok(promise) if promise else ok(rated(r, last, "reply"))

    replied = lambda r: any(x["round"] == 1 for x in r["replies"])  # noqa: E731
    put("submitted", lambda r: True, lambda r: True)
    put("accepted", lambda r: True, lambda r: r["accepted_at"])
    put(
        "assigned_on_time",
        lambda r: (
            r["assign_due"]
            and r["accepted_at"]
            and not r["merged_into_id"]
            and (r["first_assigned_on"] or r["assign_due"] < day)
        ),
        lambda r: r["first_assigned_on"] and r["first_assigned_on"] <= r["assign_due"],
    )
    put("replied_on_time", replied, lambda r: any(x["round"] == 1 and x["on_time"] for x in r["replies"]))
    put(
        "closed", lambda r: r["accepted_at"] and not r["merged_into_id"], lambda r: r["state"] == State.CLOSED
    )
    put("overdue", lambda r: r["state"] in HANDLING, lambda r: r["reply_due"] and r["reply_due"] < day)
    put("solved", replied, lambda r: latest(r)["solved"])
    for code in {x["result_class"] for r in rows for x in r["replies"]} | {"A", "B", "C"}:
        put(f"class:{code}", replied, lambda r, code=code: latest(r)["result_class"] == code)
    put(
        "face_to_face",
        lambda r: any(u["role"] == Assignment.Role.LEAD for u in r["units"]),
        lambda r: any(c["face_to_face"] for c in r["consultations"]),
    )
    put("satisfied_first", lambda r: rated(r, 1, "reply"), lambda r: ok(rated(r, 1, "reply")))
    put("satisfied_final", lambda r: r["replies"] and rated(r, latest(r)["round"]), final)
    return out


def test_the_figures_recompute_from_the_listed_records_for_each_slice(w):
    from tests.suggestions.test_figures import small_world

    made = small_world(w)  # every case the figures must count, beside the demo city's own suggestions
    # Two of them as if put forward during the city's session (only the session's slice reads it).
    session = Session.objects.filter(term__congress=w.city).order_by("pk").first()
    Suggestion.objects.filter(pk__in=[made["s1"].pk, made["s4"].pk]).update(session=session)
    staff = api(w.staff)
    committee = (
        Suggestion.objects.filter(congress=w.city, committee__isnull=False)
        .values_list("committee_id", flat=True)
        .first()
    )
    slices = [{}, {"unit": w.unit.pk}, {"committee": committee}, {"year": 2026}, {"session": session.pk}]
    checked = 0
    for where in slices:
        body = staff.get("/api/v1/suggestions/figures", {"congress": w.city.pk, **where}).json()
        given = {
            v["key"]: (v["numerator"], v["denominator"]) for v in body["figures"] + body["result_classes"]
        }
        mine = recompute(every_row(staff, congress=w.city.pk, **where), body["day"])
        for key, pair in mine.items():
            if key in given or pair != (0, 0) or not key.startswith("class:"):
                assert given[key] == pair, (where, key)
                checked += 1
        assert given["submitted"][0] > 0, where
    assert checked >= 5 * 12
    # The unit's row of the ranking is the same as the unit's slice.
    whole = staff.get("/api/v1/suggestions/figures", {"congress": w.city.pk}).json()
    row = next(u for u in whole["units"] if u["unit_id"] == w.unit.pk)
    mine = recompute(every_row(staff, congress=w.city.pk, unit=w.unit.pk), whole["day"])
    for v in row["figures"]:
        assert (v["numerator"], v["denominator"]) == mine[v["key"]], v["key"]


def test_a_listed_row_shows_what_the_figures_count(w):
    from tests.suggestions.test_figures import small_world

    made = small_world(w)
    rows = {r["id"]: r for r in every_row(api(w.staff), congress=w.city.pk, unit=w.unit.pk)}
    s2 = rows[made["s2"].pk]  # a phone call; C dissatisfied, then A satisfied
    assert [(x["round"], x["result_class"], x["solved"]) for x in s2["replies"]] == [
        (1, "C", False),
        (2, "A", True),
    ]
    assert [(c["method"], c["face_to_face"]) for c in s2["consultations"]] == [("phone", False)]
    assert s2["first_assigned_on"] == TODAY.date().isoformat()
    s4 = rows[made["s4"].pk]  # replied late; a dissatisfied survey answer
    assert s4["replies"][0]["on_time"] is False
    assert [a["rating"] for a in s4["survey_answers"]] == ["dissatisfied"]
    assert made["s5"].pk not in rows and made["s6"].pk not in rows  # not assigned to the unit
    # Slices outside the sane span are dropped, as the figures drop them; odd ids answer nothing.
    assert api(w.staff).get("/api/v1/suggestions", {"year": 99999, "limit": 1}).status_code == 200
    odd = api(w.staff).get("/api/v1/suggestions", {"unit": 10**20, "limit": 1})
    assert odd.status_code in (200, 422)
