"""The figures of the loop: computed from the records, numerators and denominators equal to hand counts, the
lists behind them, their Excel export, and the sum over lower congresses."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from lvzhi.core.models import Event
from lvzhi.org.models import Congress, User
from lvzhi.suggestions import figure_columns, stats
from lvzhi.suggestions.models import Assignment, Consultation, Suggestion, SurveyAnswer
from lvzhi.suggestions.selectors import suggestion_list_visible_to
from lvzhi.suggestions.services import drafting, handling, replies, review
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db
DAY = TODAY.date()
TEXT = "经研究，我局已将该问题纳入明年工作计划，并将加强督促落实。"


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build()


def figures_of(user, congress, **kw):
    qs = stats.scoped(suggestion_list_visible_to(user=user), stats.FigureScope(congress=congress, **kw))
    return stats.compute(qs, day=DAY, congress=congress)


def pairs(result) -> dict:
    out = {v.key: (v.numerator, v.denominator) for v in result.figures + result.classes}
    for row in result.units:
        for key, v in row.values.items():
            out[f"unit{row.unit_id}:{key}"] = (v.numerator, v.denominator)
    return out


def delta(after: dict, before: dict) -> dict:
    keys = set(after) | set(before)
    d = {
        k: tuple(a - b for a, b in zip(after.get(k, (0, 0)), before.get(k, (0, 0)), strict=True))
        for k in keys
    }
    return {k: v for k, v in d.items() if v != (0, 0)}


def lead(s):
    return s.assignments.get(role=Assignment.Role.LEAD, is_active=True)


def submitted(w, title):
    return drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft(title=title))


def assigned(w, title, *, late_assignment=False):
    s = review.suggestion_accept(actor=w.staff, suggestion=submitted(w, title))
    if late_assignment:
        Suggestion.objects.filter(pk=s.pk).update(assign_due=DAY - dt.timedelta(days=1))
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=w.unit)
    s.refresh_from_db()
    return s


def reply(w, s, code, **kw):
    if code == "C":
        kw.setdefault("reference_reason", "受财力所限，暂作参考。")
    return replies.reply_submit(actor=w.handler, assignment=lead(s), text=TEXT, result_code=code, **kw)


def rate(w, s, rating):
    comment = "仍未解决" if rating == "dissatisfied" else ""
    replies.evaluation_submit(actor=w.deputy, suggestion=s, mandate=w.mandate, rating=rating, comment=comment)


def small_world(w) -> dict:
    """Six recess suggestions of the city, each a case the figures must count (by hand: see the test)."""
    s1 = assigned(w, "关于图表测试一的建议")  # face to face, A, satisfied: closed
    handling.consultation_record(
        actor=w.handler, assignment=lead(s1), held_on=DAY, method="visit", participants="局长、代表"
    )
    reply(w, s1, "A")
    rate(w, s1, "satisfied")
    s2 = assigned(w, "关于图表测试二的建议")  # phone only; C dissatisfied, then A satisfied: closed
    handling.consultation_record(
        actor=w.handler, assignment=lead(s2), held_on=DAY, method="phone", participants="科长、代表"
    )
    reply(w, s2, "C")
    rate(w, s2, "dissatisfied")
    reply(w, s2, "A")
    rate(w, s2, "satisfied")
    s3 = assigned(w, "关于图表测试三的建议")  # being handled, its reply deadline passed: overdue now
    Assignment.objects.filter(pk=lead(s3).pk).update(reply_due=DAY - dt.timedelta(days=1))
    s4 = assigned(w, "关于图表测试四的建议", late_assignment=True)  # assigned late, replied late (C)
    Assignment.objects.filter(pk=lead(s4).pk).update(reply_due=DAY - dt.timedelta(days=2))
    reply(w, s4, "C")
    s5 = submitted(w, "关于图表测试五的建议")  # returned for revision
    review.suggestion_return(actor=w.staff, suggestion=s5, reason="请补充材料")
    s6 = submitted(w, "关于图表测试六的建议")  # waiting for review, its assignment deadline ahead
    SurveyAnswer.objects.create(suggestion=s1, mandate=w.mandate, rating="satisfied", surveyed_on=DAY)
    SurveyAnswer.objects.create(suggestion=s4, mandate=w.mandate, rating="dissatisfied", surveyed_on=DAY)
    return {"s1": s1, "s2": s2, "s3": s3, "s4": s4, "s5": s5, "s6": s6}


def test_the_figures_equal_the_hand_counted_numerators_and_denominators(w):
    before = pairs(figures_of(w.staff, w.city))
    small_world(w)
    after = figures_of(w.staff, w.city)
    u = f"unit{w.unit.pk}"
    assert delta(pairs(after), before) == {
        "submitted": (6, 6),
        "accepted": (4, 6),  # s5 returned, s6 waiting
        "assigned_on_time": (3, 4),  # s4 was assigned after its deadline
        "replied_on_time": (2, 3),  # s4's first reply came after the deadline; s3 not replied
        "closed": (2, 4),
        "overdue": (1, 1),  # s3 is the one being handled, and it is late
        "solved": (2, 3),  # latest replies: A, A, C
        "class:A": (2, 3),
        "class:C": (1, 3),  # s2's first C does not count: its latest reply is A
        "class:B": (0, 3),
        "face_to_face": (1, 4),  # a phone call is not face to face
        "satisfied_first": (1, 2),  # s2 was first rated dissatisfied; s4 not rated
        "satisfied_final": (2, 2),
        "survey": (1, 2),
        f"{u}:face_to_face": (1, 4),
        f"{u}:replied_on_time": (2, 3),
        f"{u}:satisfied_first": (1, 2),
    }
    v = after.get("satisfied_first")
    assert v.rate == round(100 * v.numerator / v.denominator, 1)
    assert all(str(f.definition) for f in after.figures)


def test_each_number_lists_exactly_the_suggestions_it_counts(w):
    small_world(w)
    qs = stats.scoped(suggestion_list_visible_to(user=w.staff), stats.FigureScope(congress=w.city))
    result = stats.compute(qs, day=DAY, congress=w.city)
    for v in result.figures + result.classes:
        for part, expected in (("num", v.numerator), ("den", v.denominator)):
            assert stats.figure_list(qs, key=v.key, part=part, day=DAY).count() == expected, (v.key, part)
    titles = set(stats.figure_list(qs, key="overdue", part="num", day=DAY).values_list("title", flat=True))
    assert "关于图表测试三的建议" in titles and "关于图表测试四的建议" not in titles


def columns(s) -> tuple:
    s.refresh_from_db()
    return (s.lead_unit_id, s.first_reply_on_time, s.latest_reply_solved, s.met_face_to_face, s.first_rating)


def test_the_stored_figure_columns_follow_every_step_of_the_loop(w):
    s = assigned(w, "关于图表列跟随的建议")
    assert columns(s) == (w.unit.pk, None, False, False, "")
    handling.consultation_record(
        actor=w.handler, assignment=lead(s), held_on=DAY, method="phone", participants="代表"
    )
    assert columns(s)[3] is False  # a phone call is not face to face
    handling.consultation_record(
        actor=w.handler, assignment=lead(s), held_on=DAY, method="visit", participants="局长、代表"
    )
    assert columns(s)[3] is True
    reply(w, s, "C")
    assert columns(s) == (w.unit.pk, True, False, True, "")
    rate(w, s, "dissatisfied")
    assert columns(s)[4] == Suggestion.FirstRating.DISSATISFIED
    reply(w, s, "A")  # the second round solves it; the first reply's rating and timeliness stay
    rate(w, s, "satisfied")
    assert columns(s) == (w.unit.pk, True, True, True, Suggestion.FirstRating.DISSATISFIED)

    returned = assigned(w, "关于退办后无主办单位的建议")
    handling.assignment_return(actor=w.handler, assignment=lead(returned), reason="不属于我局职责")
    assert columns(returned)[0] is None  # waiting for a new lead unit
    assert figure_columns.out_of_date() == []


def test_the_figures_page_shows_the_figures_with_their_definitions_and_links(w, client):
    small_world(w)
    client.force_login(w.staff)
    response = client.get(reverse("suggestions:figures"), {"congress": w.city.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert str(stats.BY_KEY["satisfied_first"].definition) in page
    url = reverse("suggestions:figure_list")
    assert f"{url}?congress={w.city.pk}&amp;figure=overdue&amp;part=num" in page
    listed = client.get(url, {"congress": w.city.pk, "figure": "overdue", "part": "num"}).content.decode()
    assert "关于图表测试三的建议" in listed and "关于图表测试一的建议" not in listed


def test_a_list_is_rendered_once_until_a_suggestion_changes(w, client, django_capture_on_commit_callbacks):
    small_world(w)
    client.force_login(w.staff)
    url = reverse("suggestions:figure_list")
    dissatisfied = {"congress": w.city.pk, "figure": "satisfied_first", "part": "miss"}
    connection.run_on_commit = []  # what a commit does in production: the world's changes are everyone's
    before = client.get(url, dissatisfied).context["count"]
    assert before >= 1
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, dissatisfied)
    assert again.context["count"] == before and "关于图表测试二的建议" in again.content.decode()
    assert not any('"suggestions_suggestion"' in q["sql"] for q in queries)  # read from the cache

    with django_capture_on_commit_callbacks(execute=True):  # the steps' transaction commits
        s = assigned(w, "关于列表缓存的建议")
        reply(w, s, "C")
        rate(w, s, "dissatisfied")
    connection.run_on_commit = []
    changed = client.get(url, dissatisfied)
    assert changed.context["count"] == before + 1 and "关于列表缓存的建议" in changed.content.decode()


def test_the_figures_page_takes_a_fixed_number_of_queries(w, client):
    client.force_login(w.staff)
    client.get(reverse("suggestions:figures"))  # warm the caches (settings, sessions)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("suggestions:figures"), {"congress": w.city.pk, "lower": "1"})
    small_world(w)
    with CaptureQueriesContext(connection) as after:
        response = client.get(reverse("suggestions:figures"), {"congress": w.city.pk, "lower": "1"})
    assert response.status_code == 200
    assert len(after) <= 25, [q["sql"][:120] for q in after]
    assert len(after) == len(before)


def test_the_list_exports_to_excel_without_mobile_numbers_and_the_export_is_recorded(w, client):
    small_world(w)
    client.force_login(w.staff)
    response = client.get(
        reverse("suggestions:figure_export"),
        {"congress": w.city.pk, "figure": "replied_on_time", "part": "den"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[1], rows[2:]
    assert len(header) == 13
    titles = {r[1] for r in body}
    assert {"关于图表测试一的建议", "关于图表测试二的建议", "关于图表测试四的建议"} <= titles
    mine = next(r for r in body if r[1] == "关于图表测试四的建议")
    assert w.deputy.person.name in mine[2] and w.unit.name in mine[5] and mine[8] == "留作参考"
    mobiles = {m for m in User.objects.exclude(mobile="").values_list("mobile", flat=True) if m}
    mobiles |= {w.deputy.person.mobile} - {""}
    text = " ".join(str(c) for r in rows for c in r if c is not None)
    assert not any(m in text for m in mobiles)
    event = Event.objects.filter(kind="security.export", actor=w.staff).latest("id")
    assert (
        event.is_security
        and event.payload["figure"] == "replied_on_time"
        and event.payload["rows"] == len(body)
    )


def test_the_figures_are_for_staff_chairs_and_committee_staff(w):
    deputy = Client()
    deputy.force_login(w.deputy)
    assert deputy.get(reverse("suggestions:figures")).status_code == 403
    assert deputy.get(reverse("suggestions:figure_export")).status_code == 403
    handler = Client()
    handler.force_login(w.handler)
    assert handler.get(reverse("suggestions:figure_list")).status_code == 403
    chair = Client()
    chair.force_login(User.objects.get(username="city_chair"))
    assert chair.get(reverse("suggestions:figures")).status_code == 200


def test_a_sibling_district_does_not_count_the_citys_suggestions(w):
    small_world(w)
    city_own = figures_of(w.staff, w.city).get("submitted").numerator
    assert city_own >= 6
    west = Congress.objects.get(pk=w.staff_b.congress_id)
    # staff_b cannot choose the city: the scope falls back to its own congress
    client = Client()
    client.force_login(w.staff_b)
    page = client.get(reverse("suggestions:figures"), {"congress": w.city.pk}).content.decode()
    assert west.name in page and "关于图表测试" not in page
    listed = client.get(reverse("suggestions:figure_list"), {"congress": w.city.pk}).content.decode()
    assert "关于图表测试" not in listed


def test_lower_congresses_add_up_by_numerators_and_denominators(w):
    small_world(w)
    whole = figures_of(w.staff, w.city, include_lower=True)
    parts = [
        pairs(figures_of(w.staff, c))
        for c in Congress.objects.filter(path__startswith=w.city.path).order_by("pk")
    ]
    for v in whole.figures:
        n = sum(p.get(v.key, (0, 0))[0] for p in parts)
        d = sum(p.get(v.key, (0, 0))[1] for p in parts)
        assert (v.numerator, v.denominator) == (n, d), v.key
        assert v.rate == (round(100 * n / d, 1) if d else None)
    assert whole.get("submitted").numerator > figures_of(w.staff, w.city).get("submitted").numerator


def test_a_recess_or_session_filter_narrows_the_figures(w):
    small_world(w)
    recess = figures_of(w.staff, w.city, recess=True).get("submitted").numerator
    everything = figures_of(w.staff, w.city).get("submitted").numerator
    this_year = figures_of(w.staff, w.city, year=2026, recess=True).get("submitted").numerator
    assert 6 <= this_year <= recess <= everything
    assert figures_of(w.staff, w.city, unit_id=w.unit_b.pk).get("face_to_face").denominator == (
        Suggestion.objects.filter(
            congress=w.city,
            assignments__unit=w.unit_b,
            assignments__role="lead",
            assignments__is_active=True,
        )
        .exclude(state="draft")
        .count()
    )


def test_consultations_by_phone_never_count_as_face_to_face(w):
    s = assigned(w, "关于电话沟通的建议")
    handling.consultation_record(
        actor=w.handler,
        assignment=lead(s),
        held_on=DAY,
        method=Consultation.Method.PHONE,
        participants="代表",
    )
    qs = suggestion_list_visible_to(user=w.staff).filter(pk=s.pk)
    assert stats.figure_list(qs, key="face_to_face", part="num", day=DAY).count() == 0
    assert stats.figure_list(qs, key="face_to_face", part="den", day=DAY).count() == 1


def test_each_ranked_unit_links_to_every_figure_of_that_unit(w, client):
    small_world(w)
    client.force_login(w.staff)
    page = client.get(reverse("suggestions:figures"), {"congress": w.city.pk}).content.decode()
    link = f"{reverse('suggestions:figures')}?congress={w.city.pk}&amp;unit={w.unit.pk}"
    assert link in page
    narrowed = client.get(reverse("suggestions:figures"), {"congress": w.city.pk, "unit": w.unit.pk})
    assert narrowed.status_code == 200
    ranked = next(u for u in figures_of(w.staff, w.city).units if u.unit_id == w.unit.pk)
    own = figures_of(w.staff, w.city, unit_id=w.unit.pk)
    for key, v in ranked.values.items():
        assert (v.numerator, v.denominator) == (own.get(key).numerator, own.get(key).denominator), key
    # The narrowed page's lists carry the unit, so each number lists the unit's suggestions only.
    url = reverse("suggestions:figure_list")
    assert f"{url}?congress={w.city.pk}&amp;unit={w.unit.pk}&amp;figure=closed&amp;part=num" in (
        narrowed.content.decode()
    )
