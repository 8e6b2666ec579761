"""The third-party satisfaction survey: the export the survey company phones from (each deputy concerned, with
the mobile number, recorded), the import back (all or nothing), and dissatisfied answers flagged."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event, Notification
from lvzhi.org.models import User
from lvzhi.suggestions.models import Assignment, SurveyAnswer
from lvzhi.suggestions.services import drafting, handling, replies, review, survey
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db
DAY = TODAY.date()
TEXT = "经研究，我局已将该问题纳入明年工作计划，并将加强督促落实。"


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build()


def _replied(w, title, *, cosign=False):
    s = w.draft(title=title)
    if cosign:
        signer = drafting.signer_invite(actor=w.deputy, suggestion=s, mandate=w.co_mandate)
        drafting.signer_respond(actor=w.cosigner, signer=signer, confirm=True)
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=s)
    s = review.suggestion_accept(actor=w.staff, suggestion=s)
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=w.unit)
    lead = s.assignments.get(role=Assignment.Role.LEAD, is_active=True)
    replies.reply_submit(actor=w.handler, assignment=lead, text=TEXT, result_code="A")
    s.refresh_from_db()
    return s


@pytest.fixture
def two(w):
    """A replied suggestion with a confirmed co-signer, and a closed one (the deputy was satisfied)."""
    replied = _replied(w, "关于满意度调查一的建议", cosign=True)
    closed = _replied(w, "关于满意度调查二的建议")
    replies.evaluation_submit(actor=w.deputy, suggestion=closed, mandate=w.mandate, rating="satisfied")
    closed.refresh_from_db()
    assert (replied.state, closed.state) == ("replied", "closed")
    return replied, closed


def _export(w):
    with translation.override("zh-hans"):
        data = survey.survey_export(actor=w.staff, congress=w.city, year=DAY.year)
    return load_workbook(io.BytesIO(data)).active


def _mine(ws, ids):
    return [row for row in ws.iter_rows(min_row=3) if row[0].value in ids]


def test_the_export_lists_each_deputy_concerned_with_the_mobile_and_is_recorded(w, two):
    replied, closed = two
    before = Event.objects.filter(kind="security.export").count()
    ws = _export(w)
    header = [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))]
    assert header[1:3] == ["编号", "标题"] and header[-3:] == ["满意度", "调查日期", "备注"]
    rows = _mine(ws, {replied.pk, closed.pk})
    got = {(r[0].value, r[5].value) for r in rows}
    assert got == {(replied.pk, w.mandate.pk), (replied.pk, w.co_mandate.pk), (closed.pk, w.mandate.pk)}
    by_mandate = {r[5].value: r for r in rows if r[0].value == replied.pk}
    assert by_mandate[w.co_mandate.pk][6].value == w.co_mandate.person.name
    assert (by_mandate[w.co_mandate.pk][7].value or "") == w.co_mandate.person.mobile
    assert by_mandate[w.mandate.pk][3].value == w.unit.name
    assert all(r[8].value is None for r in rows)
    event = Event.objects.filter(kind="security.export").order_by("-pk").first()
    assert Event.objects.filter(kind="security.export").count() == before + 1
    assert event.payload["what"] == "survey" and replied.pk in event.payload["suggestion_ids"]
    assert w.mandate.person.mobile not in str(event.payload) or not w.mandate.person.mobile


def _fill(ws, ids, answers):
    """answers: {(suggestion_id, mandate_id): (rating, date, note)}"""
    for row in ws.iter_rows(min_row=3):
        key = (row[0].value, row[5].value)
        if row[0].value in ids and key in answers:
            row[8].value, row[9].value, row[10].value = answers[key]
    out = io.BytesIO()
    ws.parent.save(out)
    out.seek(0)
    return out


def test_a_good_file_creates_and_updates_answers(w, two):
    replied, closed = two
    ids = {replied.pk, closed.pk}
    f = _fill(
        _export(w),
        ids,
        {
            (replied.pk, w.mandate.pk): ("满意", dt.date(2026, 11, 20), "电话回访"),
            (replied.pk, w.co_mandate.pk): ("基本满意", "2026-11-21", None),
        },
    )
    result = survey.survey_import(actor=w.staff, congress=w.city, file=f)
    assert (result.created, result.errors) == (2, [])
    answer = SurveyAnswer.objects.get(suggestion=replied, mandate=w.mandate)
    assert (answer.rating, answer.surveyed_on, answer.note) == (
        "satisfied",
        dt.date(2026, 11, 20),
        "电话回访",
    )
    f = _fill(_export(w), ids, {(replied.pk, w.mandate.pk): ("不满意", "2026/11/22", "")})
    result = survey.survey_import(actor=w.staff, congress=w.city, file=f)
    assert (result.created, result.updated) == (0, 1)
    assert SurveyAnswer.objects.get(suggestion=replied, mandate=w.mandate).rating == "dissatisfied"
    # given before the reply (2026-11-26), the answer is about no round of it: recorded, the state unchanged
    replied.refresh_from_db()
    assert replied.state == "replied" and not result.moved
    assert Event.objects.filter(kind=survey.DISSATISFIED, target_id=replied.pk).exists()


def test_a_file_with_bad_rows_saves_nothing_and_lists_every_row(w, two):
    replied, closed = two
    ws = _export(w)
    _fill(ws, {replied.pk}, {(replied.pk, w.mandate.pk): ("满意", "2026-11-20", "")})
    ws.append([999999999, "", "", "", "", w.mandate.pk, "", "", "满意", "2026-11-20"])
    ws.append([closed.pk, "", "", "", "", w.co_mandate.pk, "", "", "满意", "2026-11-20"])
    ws.append([closed.pk, "", "", "", "", w.mandate.pk, "", "", "很好", "2026-11-20"])
    ws.append([closed.pk, "", "", "", "", w.mandate.pk, "", "", "满意", "明天"])
    ws.append([closed.pk, "", "", "", "", w.mandate.pk, "", "", "满意", "2026-12-30"])
    out = io.BytesIO()
    ws.parent.save(out)
    out.seek(0)
    last = ws.max_row
    with translation.override("zh-hans"):
        result = survey.survey_import(actor=w.staff, congress=w.city, file=out)
    assert [n for n, _m in result.errors] == [last - 4, last - 3, last - 2, last - 1, last]
    assert "找不到该建议" in result.errors[0][1] and "不是这件建议的相关代表" in result.errors[1][1]
    assert "满意度有误" in result.errors[2][1] and "调查日期有误" in result.errors[3][1]
    assert not SurveyAnswer.objects.filter(suggestion__in=[replied, closed]).exists()


def test_a_dissatisfied_answer_on_a_closed_suggestion_reopens_it_for_handling_again(w, two):
    replied, closed = two
    f = _fill(_export(w), {closed.pk}, {(closed.pk, w.mandate.pk): ("不满意", "2026-11-26", "没解决")})
    client = Client()
    client.force_login(w.staff)
    url = reverse("suggestions:survey") + f"?congress={w.city.pk}&year={DAY.year}"
    response = client.post(url, {"file": _upload(f)}, follow=True)
    assert response.status_code == 200
    closed.refresh_from_db()
    assert (closed.state, closed.closed_at) == ("rehandling", None)  # not yet re-handled: handled again
    page = response.content.decode()
    assert "重新办理中" in page  # its state, on the survey page
    assert Notification.objects.filter(
        recipient=w.handler, cause=f"suggestion:{closed.pk}:rehandle:1"
    ).exists()
    row = next(r for r in response.context["rows"] if r["suggestion"] == closed)
    assert row["evaluation"].rating == "satisfied" and row["answer"].rating == "dissatisfied"
    assert replied not in list(response.context["flagged"])


def _upload(f):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("survey.xlsx", f.getvalue())


def test_a_bad_file_on_the_page_lists_the_rows_and_saves_nothing(w, two):
    replied, _closed = two
    ws = _export(w)
    ws.append([replied.pk, "", "", "", "", w.mandate.pk, "", "", "maybe", "2026-11-20"])
    out = io.BytesIO()
    ws.parent.save(out)
    client = Client()
    client.force_login(w.staff)
    url = reverse("suggestions:survey") + f"?congress={w.city.pk}&year={DAY.year}"
    response = client.post(url, {"file": _upload(out)})
    assert response.status_code == 200 and response.context["report"].errors
    assert not SurveyAnswer.objects.filter(suggestion=replied).exists()


@pytest.mark.parametrize("username", ["staff_b", "deputy_a", "handler_a"])
def test_other_roles_are_refused(w, two, username):
    replied, closed = two
    user = User.objects.get(username=username)
    with pytest.raises(ServiceError) as exc:
        survey.survey_export(actor=user, congress=w.city, year=DAY.year)
    assert exc.value.code == "not_permitted"
    f = _fill(_export(w), {replied.pk}, {(replied.pk, w.mandate.pk): ("满意", "2026-11-20", "")})
    with pytest.raises(ServiceError):
        survey.survey_import(actor=user, congress=w.city, file=f)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("suggestions:survey") + f"?congress={w.city.pk}")
    export = client.get(reverse("suggestions:survey_export") + f"?congress={w.city.pk}")
    if username == "staff_b":  # a sibling district's staff: their own congress only, never the city's
        assert page.context["congress"] != w.city
        assert not [r for r in page.context["rows"] if r["suggestion"].pk in (replied.pk, closed.pk)]
        ids = [row[0].value for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=3)]
        assert replied.pk not in ids and closed.pk not in ids
    else:
        assert (page.status_code, export.status_code) == (403, 403)
    assert not SurveyAnswer.objects.filter(suggestion=replied).exists()


def test_the_suggestion_page_shows_the_survey_answer_next_to_the_evaluation(w, two):
    _replied, closed = two
    SurveyAnswer.objects.create(
        suggestion=closed, mandate=w.mandate, rating="dissatisfied", surveyed_on=DAY, note="问题仍在"
    )
    client = Client()
    client.force_login(w.staff)
    page = client.get(reverse("suggestions:detail", args=[closed.pk])).content.decode()
    assert "问题仍在" in page and "不满意" in page and "满意" in page
