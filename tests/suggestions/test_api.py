"""The suggestions API: scoped reads, the figures as numerators and denominators, and steps through the
same services as the pages (a refused step answers with the service's code and status)."""

import json

import pytest
from django.test import Client

from lvzhi.core.models import Event
from lvzhi.org.tokens import token_create
from lvzhi.suggestions import stats
from lvzhi.suggestions.models import Assignment
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
