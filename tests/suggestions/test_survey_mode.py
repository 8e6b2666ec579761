"""How a congress rates replies (the `reply_rating` setting): by the deputies, by a third-party survey only
(Zhangdian), or both; and what an imported survey answer does to the loop in each mode."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import Workbook, load_workbook

from lvzhi.core.calendar import due_after_months
from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event, Notification
from lvzhi.org.congress_settings import setting_for, validate_value
from lvzhi.org.models import CongressSetting
from lvzhi.org.tokens import token_create
from lvzhi.suggestions import stats
from lvzhi.suggestions.deadlines import deadline_sweep
from lvzhi.suggestions.models import Assignment, Evaluation, Suggestion, SurveyAnswer
from lvzhi.suggestions.selectors import suggestion_list_visible_to
from lvzhi.suggestions.selectors_deputy import to_evaluate
from lvzhi.suggestions.services import drafting, handling, replies, review, survey
from lvzhi.suggestions.workflow import State
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db
DAY = TODAY.date()
TEXT = "经研究，我局已将该问题纳入明年工作计划，并将加强督促落实。"
SURVEY_ONLY = (
    "This congress rates replies by a third-party survey: you do not evaluate here; the survey will phone you "
    "to ask how satisfied you are."
)


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    world = build()
    world.clock = time_machine
    return world


def set_mode(w, mode):
    CongressSetting.objects.update_or_create(congress=w.city, key="reply_rating", defaults={"value": mode})


def later(w, days):
    """Move the clock `days` after TODAY; the date."""
    w.clock.move_to(TODAY + dt.timedelta(days=days), tick=False)
    return DAY + dt.timedelta(days=days)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def says(response, msgid):
    with translation.override("zh-hans"):
        message = translation.gettext(msgid)
    assert escape(message) in response.content.decode(), message


def lead(s):
    return s.assignments.get(role=Assignment.Role.LEAD, is_active=True)


def replied(w, *, cosign=False, result_code="A", **reply_kw):
    s = w.draft(title="关于第三方测评方式的建议")
    if cosign:
        signer = drafting.signer_invite(actor=w.deputy, suggestion=s, mandate=w.co_mandate)
        drafting.signer_respond(actor=w.cosigner, signer=signer, confirm=True)
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=s)
    s = review.suggestion_accept(actor=w.staff, suggestion=s)
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=w.unit)
    reply_again(w, s, result_code=result_code, **reply_kw)
    return s


def reply_again(w, s, *, result_code="A", **reply_kw):
    replies.reply_submit(actor=w.handler, assignment=lead(s), text=TEXT, result_code=result_code, **reply_kw)
    s.refresh_from_db()
    assert s.state == State.REPLIED


def answers_file(rows):
    """A filled-in survey file: rows of (suggestion, mandate, rating, date, note)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["survey"])
    ws.append([str(h) for h in survey.HEADERS])
    for s, mandate, rating, day, note in rows:
        ws.append([s.pk, "", s.title, "", "", mandate.pk, "", "", rating, day, note])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def run_import(w, rows):
    result = survey.survey_import(actor=w.staff, congress=w.city, file=answers_file(rows))
    assert not result.errors, result.errors
    return result


def steps_of(s):
    return list(
        Event.objects.filter(target_id=str(s.pk), kind__startswith="suggestion.eval_")
        .order_by("pk")
        .values_list("kind", flat=True)
    )


# --- the setting ------------------------------------------------------------------------------------
def test_the_deputies_rate_by_default_and_staff_choose_the_survey_on_the_settings_page(w):
    assert setting_for(w.city, "reply_rating") == "deputies"
    url = reverse("org:congress_settings", args=[w.city.pk])
    c = client_for(w.staff)
    page = c.get(url).content.decode()
    assert "如何评价答复" in page and "由代表评价答复" in page
    bad = c.post(url, {"key": "reply_rating", "action": "set", "reply_rating-value": "maybe"})
    assert bad.status_code == 200 and 'id="setting-reply_rating"' in bad.content.decode()
    assert setting_for(w.city, "reply_rating") == "deputies"
    ok = c.post(url, {"key": "reply_rating", "action": "set", "reply_rating-value": "survey"})
    assert ok.status_code == 302 and setting_for(w.city, "reply_rating") == "survey"
    assert "仅由第三方调查" in c.get(url).content.decode()
    event = Event.objects.filter(kind="congress.setting_set").order_by("-pk").first()
    assert event.payload == {"key": "reply_rating", "old": None, "new": "survey"}
    with pytest.raises(ValueError):
        validate_value("reply_rating", "everyone")
    assert (
        client_for(w.deputy).post(url, {"key": "reply_rating", "reply_rating-value": "both"}).status_code
        == 403
    )
    assert setting_for(w.city, "reply_rating") == "survey"


# --- survey only: the deputies do not rate ------------------------------------------------------------
def test_in_survey_mode_deputies_get_no_evaluate_button_and_a_clear_refusal(w):
    set_mode(w, "survey")
    s = replied(w)
    told = Notification.objects.get(recipient=w.deputy, cause=f"suggestion:{s.pk}:replied:1", channel="inbox")
    assert "第三方测评" in told.subject and "请评价" not in told.subject
    assert replies.rating_mode(s) == "survey" and not to_evaluate(user=w.deputy).filter(pk=s.pk).exists()
    c = client_for(w.deputy)
    page = c.get(reverse("suggestions:detail", args=[s.pk]))
    url = reverse("suggestions:evaluate", args=[s.pk])
    assert url not in page.content.decode()
    says(page, SURVEY_ONLY)
    says(c.get(url), SURVEY_ONLY)
    refused = c.post(url, {"rating": "satisfied"}, follow=True)
    says(refused, SURVEY_ONLY)
    with pytest.raises(ServiceError) as exc:
        replies.evaluation_submit(actor=w.deputy, suggestion=s, mandate=w.mandate, rating="satisfied")
    assert exc.value.code == "survey_only"
    _token, plaintext = token_create(user=w.deputy, name="测试")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}").post(
        f"/api/v1/suggestions/{s.pk}/evaluate", {"rating": "satisfied"}, content_type="application/json"
    )
    assert api.status_code == 409 and api.json()["code"] == "survey_only"
    s.refresh_from_db()
    assert s.state == State.REPLIED and not Evaluation.objects.filter(reply__suggestion=s).exists()


def test_in_survey_mode_the_window_neither_reminds_nor_closes_the_round(w):
    set_mode(w, "survey")
    s = replied(w)
    for days in (1, 13, 30, 60):
        deadline_sweep(DAY + dt.timedelta(days=days))
    s.refresh_from_db()
    assert s.state == State.REPLIED  # waits for the survey, not for a window
    assert not Notification.objects.filter(
        cause__startswith=f"suggestion:{s.pk}:deadline:evaluation"
    ).exists()


def test_survey_answers_all_satisfied_close_the_suggestion(w):
    set_mode(w, "survey")
    s = replied(w, cosign=True)
    day = later(w, 5)
    result = run_import(w, [(s, w.mandate, "满意", day, ""), (s, w.co_mandate, "基本满意", day, "")])
    s.refresh_from_db()
    assert (s.state, result.moved) == (State.CLOSED, {s.pk: State.CLOSED})
    assert s.closed_at is not None
    event = Event.objects.get(target_id=str(s.pk), kind="suggestion.eval_close")
    assert event.actor_id == w.staff.pk and (event.from_state, event.to_state) == ("replied", "closed")
    assert event.payload["source"] == "survey"
    assert event.payload["answers"] == {str(w.mandate.pk): "satisfied", str(w.co_mandate.pk): "basic"}


def test_one_dissatisfied_survey_answer_sends_it_back_once_then_the_office_decides(w):
    set_mode(w, "survey")
    s = replied(w, cosign=True)
    day = later(w, 5)
    run_import(w, [(s, w.mandate, "满意", day, ""), (s, w.co_mandate, "不满意", day, "还没解决")])
    s.refresh_from_db()
    assert s.state == State.REHANDLING
    a = lead(s)
    assert a.reply_due == due_after_months(day, 1)  # a new reply within a month of the import
    assert Notification.objects.filter(recipient=w.handler, cause=f"suggestion:{s.pk}:rehandle:1").exists()
    # The same file again: the answers have already acted; nothing moves twice.
    run_import(w, [(s, w.mandate, "满意", day, ""), (s, w.co_mandate, "不满意", day, "还没解决")])
    assert steps_of(s) == ["suggestion.eval_rehandle"]

    later(w, 20)
    reply_again(w, s)  # round 2
    # The first round's answers (given before this reply) say nothing about it.
    run_import(w, [(s, w.co_mandate, "不满意", day, "还没解决")])
    s.refresh_from_db()
    assert s.state == State.REPLIED
    day2 = later(w, 25)
    result = run_import(w, [(s, w.co_mandate, "不满意", day2, "仍未解决")])
    s.refresh_from_db()
    assert (s.state, result.moved) == (State.STAFF_DECISION, {s.pk: State.STAFF_DECISION})
    assert steps_of(s) == ["suggestion.eval_rehandle", "suggestion.eval_to_office"]
    assert Notification.objects.filter(
        recipient=w.staff, cause__startswith=f"suggestion:{s.pk}:to_office:"
    ).exists()


def test_a_promise_reply_is_tracked_and_its_second_evaluation_is_also_by_survey(w):
    set_mode(w, "survey")
    s = replied(w, result_code="B", promised_work="完成幸福里小区管网改造", promised_by=dt.date(2027, 6, 30))
    day = later(w, 3)
    run_import(w, [(s, w.mandate, "满意", day, "")])
    s.refresh_from_db()
    assert s.state == State.PROMISED
    later(w, 40)
    replies.promise_report(actor=w.handler, assignment=lead(s), text="幸福里小区管网改造已完工并通过验收。")
    s.refresh_from_db()
    assert s.state == State.PROMISE_REPORTED
    assert not to_evaluate(user=w.deputy).filter(pk=s.pk).exists()
    # The export asks about the promise carried out.
    with translation.override("zh-hans"):
        ws = load_workbook(
            io.BytesIO(survey.survey_export(actor=w.staff, congress=w.city, year=DAY.year))
        ).active
    [row] = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == s.pk]
    assert "承诺" in row[4]
    day2 = later(w, 45)
    run_import(w, [(s, w.mandate, "基本满意", day2, "")])
    s.refresh_from_db()
    assert s.state == State.CLOSED
    event = Event.objects.get(target_id=str(s.pk), kind="suggestion.eval_close")
    assert event.payload["stage"] == "promise" and event.from_state == "promise_reported"


def test_a_dissatisfied_survey_on_the_promise_carried_out_goes_to_the_office(w):
    set_mode(w, "survey")
    s = replied(w, result_code="B", promised_work="完成幸福里小区管网改造", promised_by=dt.date(2027, 6, 30))
    run_import(w, [(s, w.mandate, "满意", later(w, 3), "")])
    later(w, 40)
    replies.promise_report(actor=w.handler, assignment=lead(s), text="幸福里小区管网改造已完工并通过验收。")
    run_import(w, [(s, w.mandate, "不满意", later(w, 45), "只改了一半")])
    s.refresh_from_db()
    assert s.state == State.STAFF_DECISION


# --- deputies and both: a dissatisfied survey answer counts like a dissatisfied rating ----------------
def test_in_both_mode_deputies_rate_and_a_dissatisfied_survey_answer_sends_it_back(w):
    set_mode(w, "both")
    s = replied(w, cosign=True)
    c = client_for(w.deputy)
    page = c.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert reverse("suggestions:evaluate", args=[s.pk]) in page and 'id="survey-mode"' in page
    day = later(w, 2)
    run_import(w, [(s, w.mandate, "满意", day, "")])  # satisfied: the deputies' own round goes on
    s.refresh_from_db()
    assert s.state == State.REPLIED and to_evaluate(user=w.deputy).filter(pk=s.pk).exists()
    run_import(w, [(s, w.co_mandate, "不满意", day, "没有面商")])
    s.refresh_from_db()
    assert s.state == State.REHANDLING  # at once: one dissatisfied rating decides the round
    with pytest.raises(ServiceError) as exc:
        replies.evaluation_submit(actor=w.deputy, suggestion=s, mandate=w.mandate, rating="satisfied")
    assert exc.value.code == "step_not_allowed"


@pytest.mark.parametrize("mode", ["deputies", "both"])
def test_a_dissatisfied_survey_after_closing_reopens_once_then_the_office_decides(w, mode):
    set_mode(w, mode)
    s = replied(w)
    replies.evaluation_submit(actor=w.deputy, suggestion=s, mandate=w.mandate, rating="satisfied")
    s.refresh_from_db()
    assert s.state == State.CLOSED
    run_import(w, [(s, w.mandate, "不满意", later(w, 10), "被满意了")])
    s.refresh_from_db()
    assert (s.state, s.closed_at) == (State.REHANDLING, None)
    event = Event.objects.get(target_id=str(s.pk), kind="suggestion.eval_rehandle")
    assert (event.from_state, event.to_state, event.payload["source"]) == ("closed", "rehandling", "survey")

    later(w, 20)
    reply_again(w, s)
    replies.evaluation_submit(actor=w.deputy, suggestion=s, mandate=w.mandate, rating="satisfied")
    s.refresh_from_db()
    assert s.state == State.CLOSED
    run_import(w, [(s, w.mandate, "不满意", later(w, 30), "仍然没解决")])
    s.refresh_from_db()
    assert s.state == State.STAFF_DECISION  # re-handled once already: the office decides
    replies.office_decide(actor=w.staff, suggestion=s, rehandle=False, reason="已按政策答复，予以办结")
    s.refresh_from_db()
    assert s.state == State.CLOSED
    run_import(w, [(s, w.mandate, "不满意", DAY + dt.timedelta(days=30), "仍然没解决")])  # the same again
    s.refresh_from_db()
    assert s.state == State.CLOSED


def test_a_file_with_a_bad_row_moves_nothing(w):
    set_mode(w, "survey")
    s = replied(w)
    day = later(w, 5)
    f = answers_file([(s, w.mandate, "不满意", day, ""), (s, w.mandate, "很好", day, "")])
    result = survey.survey_import(actor=w.staff, congress=w.city, file=f)
    assert [n for n, _m in result.errors] == [4] and not result.moved
    s.refresh_from_db()
    assert s.state == State.REPLIED and not SurveyAnswer.objects.filter(suggestion=s).exists()
    assert not steps_of(s)


# --- the pages and the figures --------------------------------------------------------------------
def test_the_detail_pages_show_the_survey_answers_beside_the_evaluations(w):
    set_mode(w, "both")
    s = replied(w)
    replies.evaluation_submit(actor=w.deputy, suggestion=s, mandate=w.mandate, rating="satisfied")
    run_import(w, [(s, w.mandate, "不满意", later(w, 3), "问题仍在")])
    office = client_for(w.staff).get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "问题仍在" in office and "第1轮" in office
    mine = client_for(w.deputy).get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "问题仍在" in mine and 'id="survey-mode"' in mine
    page = client_for(w.staff).get(reverse("suggestions:survey") + f"?congress={w.city.pk}&year={DAY.year}")
    assert page.context["mode"] == "both"
    row = next(r for r in page.context["rows"] if r["suggestion"].pk == s.pk)
    assert row["answer"].rating == "dissatisfied" and row["suggestion"].state == State.REHANDLING


def figures(w):
    qs = stats.scoped(suggestion_list_visible_to(user=w.staff), stats.FigureScope(congress=w.city))
    return stats.compute(qs, day=DAY, congress=w.city)


def test_survey_satisfaction_counts_the_latest_reply_apart_from_the_evaluations(w):
    before = figures(w)
    set_mode(w, "survey")
    s = replied(w, cosign=True)
    run_import(w, [(s, w.co_mandate, "不满意", later(w, 3), "")])  # round 1: dissatisfied
    later(w, 20)
    reply_again(w, s)
    run_import(w, [(s, w.mandate, "满意", later(w, 25), "")])  # round 2: satisfied (the other not reached)
    s.refresh_from_db()
    assert s.state == State.CLOSED
    after = figures(w)

    def delta(key):
        a, b = after.get(key), before.get(key)
        return (a.numerator - b.numerator, a.denominator - b.denominator)

    assert delta("survey") == (1, 1)  # the first round's dissatisfied answer is not about the latest reply
    assert delta("satisfied_first") == (0, 0) and delta("satisfied_final") == (0, 0)  # no deputy rated
    assert stats.figure_list(Suggestion.objects.filter(pk=s.pk), key="survey", part="num", day=DAY).exists()


def test_in_survey_mode_the_office_closes_a_reply_the_survey_could_not_rate(w):
    set_mode(w, "survey")
    s = replied(w)
    detail = reverse("suggestions:detail", args=[s.pk])
    url = reverse("suggestions:office_close_unsurveyed", args=[s.pk])
    staff = client_for(w.staff)
    assert url in staff.get(detail).content.decode()
    # no reason: refused, the suggestion still waits for the survey
    blank = staff.post(url, {"reason": "  "})
    assert blank.status_code == 200
    says(blank, "Give the reason.")
    s.refresh_from_db()
    assert s.state == State.REPLIED
    # the deputy may not, and the unit may not
    assert client_for(w.deputy).post(url, {"reason": "x"}).status_code in (403, 404)
    assert client_for(w.handler).post(url, {"reason": "x"}).status_code in (403, 404)
    s.refresh_from_db()
    assert s.state == State.REPLIED
    done = staff.post(url, {"reason": "三次电话均未接通"})
    assert done.status_code == 302
    s.refresh_from_db()
    assert s.state == State.CLOSED and s.closed_at is not None
    event = Event.objects.filter(target_id=str(s.pk), kind="suggestion.close_unsurveyed").get()
    assert event.from_state == State.REPLIED and event.note == "三次电话均未接通"


def test_where_deputies_rate_the_office_cannot_close_a_reply_before_the_evaluation(w):
    s = replied(w)  # the default: the deputies rate
    url = reverse("suggestions:office_close_unsurveyed", args=[s.pk])
    assert url not in client_for(w.staff).get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    with pytest.raises(ServiceError) as refused:
        replies.office_close_unsurveyed(actor=w.staff, suggestion=s, reason="想提前办结")
    assert refused.value.code == "deputies_rate"
    s.refresh_from_db()
    assert s.state == State.REPLIED
    assert not Event.objects.filter(target_id=str(s.pk), kind="suggestion.close_unsurveyed").exists()
