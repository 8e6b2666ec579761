"""The unit handler's pages: my assignments, the unit's panel on the suggestion page, and each step through
its page (happy path, refusal shown with the form kept, another unit's handler denied, the event written)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lvzhi.core.models import Event
from lvzhi.org.congress_settings import RESULT_CLASSES_ABCD
from lvzhi.org.models import CongressSetting, Unit
from lvzhi.suggestions.models import Assignment, Attachment, Consultation, Reply
from lvzhi.suggestions.services import drafting, handling, replies, review
from lvzhi.suggestions.workflow import State
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db
BACKEND = "lvzhi.org.auth.UsernameOrMobileBackend"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REPLY_TEXT = "经研究，我局已将学校周边交通秩序纳入专项整治，增设护学岗二十处，并与交警部门建立联动机制。"


@pytest.fixture
def w(time_machine, settings, tmp_path):
    time_machine.move_to(TODAY, tick=False)
    settings.MEDIA_ROOT = tmp_path
    return build()


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user, backend=BACKEND)
    return client


def assigned(w, *, co=True, title="关于加强学校门前交通秩序管理的建议"):
    """A suggestion assigned today: lead unit handler_a's 教育局, co-unit handler_b's 住建局."""
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft(title=title))
    s = review.suggestion_accept(actor=w.staff, suggestion=s)
    handling.suggestion_assign(
        actor=w.staff, suggestion=s, lead_unit=w.unit, co_units=[w.unit_b] if co else []
    )
    s.refresh_from_db()
    return s


def lead(s):
    return s.assignments.get(role=Assignment.Role.LEAD, is_active=True)


def co(s):
    return s.assignments.get(role=Assignment.Role.CO, is_active=True)


def url(name, s):
    return reverse(f"suggestions:{name}", args=[s.pk])


def events(s, kind):
    return list(Event.objects.filter(target_id=str(s.pk), kind=kind).order_by("id"))


def text(response) -> str:
    return response.content.decode()


def letter(name="答复函.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def reply_data(**kw):
    data = {"text": REPLY_TEXT, "result_code": "A", "signed_by": "局长 王建国", "file": letter()}
    data.update(kw)
    return data


# --- my assignments -------------------------------------------------------------------------------
def test_my_assignments_show_role_due_date_and_days_left(w, time_machine, django_assert_max_num_queries):
    s = assigned(w)
    page = client_for(w.handler).get(reverse("suggestions:unit_assignments"))
    row = next(r for r in page.context["rows"] if r["a"].suggestion_id == s.pk)
    assert (row["a"].role, row["clock"].due) == ("lead", dt.date(2027, 2, 26))  # three months
    assert row["clock_text"] == "92 days left"
    assert "Lead unit" in text(page) and "not acknowledged" in text(page)
    # the co-unit's clock is its opinion, due in one month
    row_b = next(
        r
        for r in client_for(w.handler_b).get(reverse("suggestions:unit_assignments")).context["rows"]
        if r["a"].suggestion_id == s.pk
    )
    assert (row_b["a"].role, row_b["clock"].due, row_b["clock_text"]) == (
        "co",
        dt.date(2026, 12, 28),  # a month, moved off the weekend
        "32 days left",
    )
    # the list does not grow its queries with its rows
    client = client_for(w.handler)
    with django_assert_max_num_queries(12):
        client.get(reverse("suggestions:unit_assignments"))


def test_the_deadline_in_force_counts_an_extension_and_overdue_shows(w, time_machine):
    s = assigned(w, co=False)
    handling.assignment_extend(
        actor=w.staff, assignment=lead(s), until=dt.date(2027, 4, 30), reason="涉及跨部门协调"
    )
    time_machine.move_to(dt.datetime(2027, 3, 10, 10, tzinfo=TODAY.tzinfo), tick=False)
    client = client_for(w.handler)
    page = client.get(reverse("suggestions:unit_assignments"), {"show": "overdue"})
    assert s.pk not in {r["a"].suggestion_id for r in page.context["rows"]}  # extended: not late yet
    row = next(
        r
        for r in client.get(reverse("suggestions:unit_assignments")).context["rows"]
        if r["a"].suggestion_id == s.pk
    )
    assert (row["clock"].due, row["clock_text"]) == (dt.date(2027, 4, 30), "51 days left")
    time_machine.move_to(dt.datetime(2027, 5, 3, 10, tzinfo=TODAY.tzinfo), tick=False)
    page = client_for(w.handler).get(reverse("suggestions:unit_assignments"), {"show": "overdue"})
    row = next(r for r in page.context["rows"] if r["a"].suggestion_id == s.pk)
    assert row["clock_text"] == "Overdue by 3 days"


def test_filters_and_the_returned_section(w):
    s = assigned(w)
    client = client_for(w.handler)
    new = client.get(reverse("suggestions:unit_assignments"), {"show": "new"})
    assert s.pk in {r["a"].suggestion_id for r in new.context["rows"]}
    handling.assignment_acknowledge(actor=w.handler, assignment=lead(s))
    new = client.get(reverse("suggestions:unit_assignments"), {"show": "new"})
    assert s.pk not in {r["a"].suggestion_id for r in new.context["rows"]}
    replied = client.get(reverse("suggestions:unit_assignments"), {"state": "replied"})
    assert s.pk not in {r["a"].suggestion_id for r in replied.context["rows"]}
    # a returned assignment moves to the returned/finished section
    handling.assignment_return(actor=w.handler_b, assignment=co(s), reason="不属于我局职责")
    page = client_for(w.handler_b).get(reverse("suggestions:unit_assignments"))
    assert s.pk not in {r["a"].suggestion_id for r in page.context["rows"]}
    assert s.pk in {a.suggestion_id for a in page.context["done"]}
    assert "不属于我局职责" in text(page)


# --- the panel on the suggestion page --------------------------------------------------------------
def test_the_panel_shows_only_to_handlers_of_an_assigned_unit(w):
    s = assigned(w)
    page = client_for(w.handler).get(url("detail", s))
    assert [p["assignment"].unit_id for p in page.context["unit"]["panels"]] == [w.unit.pk]
    assert "Acknowledge" in text(page) and url("unit_reply", s) in text(page)
    assert url("unit_opinion", s) not in text(page)  # the lead unit replies, it sends no opinion
    page_b = client_for(w.handler_b).get(url("detail", s))
    assert url("unit_opinion", s) in text(page_b) and url("unit_reply", s) not in text(page_b)
    assert client_for(w.staff).get(url("detail", s)).context["unit"] == {}


# --- acknowledge --------------------------------------------------------------------------------------
def test_acknowledge_from_the_panel(w):
    s = assigned(w)
    client = client_for(w.handler)
    page = client.post(url("unit_acknowledge", s), follow=True)
    assert "Assignment acknowledged." in text(page)
    assert lead(s).acknowledged_at is not None
    assert events(s, "suggestion.acknowledge")[0].actor == w.handler
    again = client.post(url("unit_acknowledge", s), follow=True)
    assert "Already acknowledged." in text(again)
    assert len(events(s, "suggestion.acknowledge")) == 1


def test_another_units_handler_is_denied_every_step(w):
    s = assigned(w, co=False)  # handler_b's unit has no part in it
    client = client_for(w.handler_b)
    for name in (
        "unit_acknowledge",
        "unit_return",
        "unit_progress",
        "unit_consultation",
        "unit_opinion",
        "unit_reply",
        "unit_promise",
    ):
        assert client.post(url(name, s), {"text": "x" * 30, "reason": "x"}).status_code == 404, name
    assert client.get(url("unit_reply", s)).status_code == 404
    assert lead(s).acknowledged_at is None and not s.replies.exists()
    assert not Event.objects.filter(target_id=str(s.pk), actor=w.handler_b).exists()


def test_a_co_units_handler_cannot_name_the_lead_units_assignment(w):
    s = assigned(w)
    client = client_for(w.handler_b)
    response = client.post(url("unit_acknowledge", s), {"assignment": lead(s).pk})
    assert response.status_code == 404 and lead(s).acknowledged_at is None
    response = client.post(url("unit_reply", s), {"assignment": lead(s).pk, **reply_data()})
    assert response.status_code == 404 and not s.replies.exists()


# --- return (退办) ------------------------------------------------------------------------------------
def test_a_co_unit_returns_its_assignment_within_the_window(w):
    s = assigned(w)
    client = client_for(w.handler_b)
    page = client.get(url("unit_return", s))
    assert "2026-12-01" in text(page)  # three working days after Thursday 26 Nov
    response = client.post(url("unit_return", s), {"reason": "该事项属于教育部门职责，非我局职能"})
    assert response.status_code == 302
    a = s.assignments.get(unit=w.unit_b)
    assert not a.is_active and a.return_reason == "该事项属于教育部门职责，非我局职能"
    assert events(s, "suggestion.co_return")[0].actor == w.handler_b


def test_after_the_window_the_assignment_stands(w, time_machine):
    s = assigned(w)
    time_machine.move_to(dt.datetime(2026, 12, 2, 10, tzinfo=TODAY.tzinfo), tick=False)
    client = client_for(w.handler)
    page = client.get(url("detail", s))
    assert "ended on 2026-12-01; the assignment stands" in text(page)
    assert url("unit_return", s) not in text(page)
    response = client.post(url("unit_return", s), {"reason": "应由住建部门主办"})
    assert response.status_code == 200
    assert "ended on 2026-12-01; the assignment stands" in text(response)
    assert "应由住建部门主办" in text(response)  # the form keeps what was typed
    assert lead(s).is_active and not events(s, "suggestion.lead_return")


def test_a_lead_unit_return_sends_the_suggestion_back_to_the_office(w):
    s = assigned(w, co=False)
    response = client_for(w.handler).post(url("unit_return", s), {"reason": "应由住建部门主办"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.state == State.ACCEPTED
    assert events(s, "suggestion.lead_return")[0].to_state == State.ACCEPTED


# --- progress and face-to-face consultation -----------------------------------------------------------
def test_record_progress_from_the_panel(w):
    s = assigned(w)
    client = client_for(w.handler)
    response = client.post(url("unit_progress", s), {"text": "已召开专题会议研究"}, follow=True)
    assert "Progress recorded." in text(response) and "已召开专题会议研究" in text(response)
    assert events(s, "suggestion.progress")[0].actor == w.handler
    replies.reply_submit(actor=w.handler, assignment=lead(s), text=REPLY_TEXT, result_code="A")
    refused = client.post(url("unit_progress", s), {"text": "补充进展情况"})
    assert refused.status_code == 200
    assert "is not possible while the suggestion is" in text(refused) and "补充进展情况" in text(refused)
    assert len(events(s, "suggestion.progress")) == 1


def test_record_a_face_to_face_consultation(w):
    s = assigned(w)
    client = client_for(w.handler)
    data = {
        "held_on": "2026-11-26",
        "method": "site",
        "participants": "分管副局长、领衔代表",
        "deputy_view": "代表认可整改思路",
    }
    assert client.post(url("unit_consultation", s), data).status_code == 302
    c = Consultation.objects.get(assignment=lead(s))
    assert (c.method, c.participants, c.deputy_view) == ("site", "分管副局长、领衔代表", "代表认可整改思路")
    assert events(s, "suggestion.consult")[0].payload["method"] == "site"
    page = client.get(url("detail", s))
    assert "分管副局长、领衔代表" in text(page) and "代表认可整改思路" in text(page)
    refused = client.post(url("unit_consultation", s), {**data, "held_on": "2026-12-05"})
    assert refused.status_code == 200
    assert "not in the future" in text(refused) and "分管副局长、领衔代表" in text(refused)
    assert Consultation.objects.filter(assignment=lead(s)).count() == 1


# --- the co-unit's opinion ------------------------------------------------------------------------------
def test_a_co_unit_sends_its_opinion_and_the_lead_unit_sees_it_and_who_is_late(w, time_machine):
    s = assigned(w)
    third = (
        Unit.objects.filter(congress=w.city, is_active=True).exclude(pk__in=[w.unit.pk, w.unit_b.pk]).first()
    )
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=None, co_units=[third])
    client_b = client_for(w.handler_b)
    response = client_b.post(url("unit_opinion", s), {"text": "建议将周边道路改造纳入计划"})
    assert response.status_code == 302
    assert s.assignments.get(unit=w.unit_b).co_opinion.text == "建议将周边道路改造纳入计划"
    assert events(s, "suggestion.co_opinion")[0].payload["on_time"] is True
    # sent twice: refused, the form kept
    again = client_b.post(url("unit_opinion", s), {"text": "再次补充意见"})
    assert again.status_code == 200 and "already sent" in text(again) and "再次补充意见" in text(again)
    # the lead unit: one opinion in, the other co-unit late after its month
    time_machine.move_to(dt.datetime(2026, 12, 29, 10, tzinfo=TODAY.tzinfo), tick=False)
    page = client_for(w.handler).get(url("detail", s))
    rows = {r["assignment"].unit_id: r for r in page.context["unit"]["panels"][0]["co_opinions"]}
    assert rows[w.unit_b.pk]["opinion"].text == "建议将周边道路改造纳入计划" and not rows[w.unit_b.pk]["late"]
    assert rows[third.pk]["opinion"] is None and rows[third.pk]["late"]
    assert "建议将周边道路改造纳入计划" in text(page) and "Not sent yet" in text(page)


def test_only_a_co_unit_sends_an_opinion(w):
    s = assigned(w)
    client = client_for(w.handler)  # the lead unit
    assert "Only a co-unit sends an opinion" in text(client.get(url("unit_opinion", s)))
    refused = client.post(url("unit_opinion", s), {"text": "主办单位的意见"})
    assert refused.status_code == 200 and "Only a co-unit sends an opinion" in text(refused)
    assert not events(s, "suggestion.co_opinion")


# --- the reply ------------------------------------------------------------------------------------------
def test_the_lead_unit_replies(w):
    s = assigned(w)
    client = client_for(w.handler)
    page = client.get(url("unit_reply", s))
    assert "已解决或基本解决" in text(page) and "Signed by (head of unit)" in text(page)
    response = client.post(url("unit_reply", s), reply_data())
    assert response.status_code == 302
    reply = Reply.objects.get(suggestion=s)
    assert (reply.result_code, reply.is_solved, reply.signed_by, reply.on_time) == (
        "A",
        True,
        "局长 王建国",
        True,
    )
    assert (reply.letter.kind, reply.letter.name, reply.letter.file.read()) == ("letter", "答复函.pdf", PDF)
    assert events(s, "suggestion.reply")[0].payload["letter"] == reply.letter_id
    letter_url = reverse("suggestions:attachment", args=[reply.letter_id])
    assert letter_url in text(client.get(url("detail", s)))
    assert client_for(w.deputy).get(letter_url).status_code == 200  # the deputy reads the letter
    s.refresh_from_db()
    assert s.state == State.REPLIED
    assert events(s, "suggestion.reply")[0].actor == w.handler
    # replying twice: the page says why, and a second reply is refused
    page = client.get(url("unit_reply", s))
    assert "is not possible while the suggestion is" in text(page)
    refused = client.post(url("unit_reply", s), reply_data(text=REPLY_TEXT + "补充"))
    assert refused.status_code == 200 and Reply.objects.filter(suggestion=s).count() == 1


def test_a_promise_needs_the_work_and_date_and_reference_only_its_reason(w):
    s = assigned(w)
    client = client_for(w.handler)
    refused = client.post(url("unit_reply", s), reply_data(result_code="B"))
    assert refused.status_code == 200
    assert "Say what work is promised and by when." in text(refused) and REPLY_TEXT in text(refused)
    refused = client.post(url("unit_reply", s), reply_data(result_code="C"))
    assert "Say why it can only be kept for reference." in text(refused)
    assert not Reply.objects.filter(suggestion=s).exists()
    response = client.post(
        url("unit_reply", s),
        reply_data(result_code="B", promised_work="明年完成周边道路改造", promised_by="2027-09-30"),
    )
    assert response.status_code == 302
    reply = Reply.objects.get(suggestion=s)
    assert (reply.is_promise, reply.promised_by) == (True, dt.date(2027, 9, 30))


def test_the_result_classes_are_the_congresss_own_set(w):
    CongressSetting.objects.update_or_create(
        congress=w.city, key="result_classes", defaults={"value": RESULT_CLASSES_ABCD}
    )
    s = assigned(w)
    client = client_for(w.handler)
    assert "D · 留作参考" in text(client.get(url("unit_reply", s)))
    response = client.post(
        url("unit_reply", s), reply_data(result_code="D", reference_reason="受用地条件限制")
    )
    assert response.status_code == 302
    assert Reply.objects.get(suggestion=s).is_reference


def test_a_co_unit_cannot_reply(w):
    s = assigned(w)
    client = client_for(w.handler_b)
    assert "Only the lead unit replies" in text(client.get(url("unit_reply", s)))
    refused = client.post(url("unit_reply", s), reply_data())
    assert refused.status_code == 200 and "Only the lead unit replies" in text(refused)
    assert not Reply.objects.filter(suggestion=s).exists()


# --- the promise carried out ------------------------------------------------------------------------
def test_the_lead_unit_reports_the_promise_carried_out(w):
    s = assigned(w, co=False)
    replies.reply_submit(
        actor=w.handler,
        assignment=lead(s),
        text=REPLY_TEXT,
        result_code="B",
        promised_work="明年完成周边道路改造",
        promised_by=dt.date(2027, 9, 30),
    )
    replies.evaluation_submit(actor=w.deputy, suggestion=s, mandate=w.mandate, rating="satisfied")
    s.refresh_from_db()
    assert s.state == State.PROMISED
    client = client_for(w.handler)
    page = client.get(url("detail", s))
    assert "明年完成周边道路改造" in text(page) and url("unit_promise", s) in text(page)
    assert s.pk in {
        r["a"].suggestion_id
        for r in client.get(reverse("suggestions:unit_assignments"), {"show": "promise"}).context["rows"]
    }
    refused = client.post(url("unit_promise", s), {"text": "已完成"})
    assert refused.status_code == 200 and "Describe what was done." in text(refused)
    response = client.post(url("unit_promise", s), {"text": "周边道路改造已于九月底完工并通过验收"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.state == State.PROMISE_REPORTED
    assert events(s, "suggestion.report_promise")[0].actor == w.handler


def test_the_letter_must_be_a_real_document(w):
    s = assigned(w)
    client = client_for(w.handler)
    refused = client.post(url("unit_reply", s), reply_data(file=letter("答复函.pdf", b"MZ not a pdf")))
    assert refused.status_code == 200
    assert "is not a .pdf file" in text(refused) and REPLY_TEXT in text(refused)
    missing = reply_data()
    del missing["file"]
    assert client.post(url("unit_reply", s), missing).status_code == 200
    assert not Reply.objects.filter(suggestion=s).exists()
    assert not Attachment.objects.filter(suggestion=s).exists()


# --- the handler's home tiles -------------------------------------------------------------------------
def tile_counts(client) -> dict[str, int]:
    page = client.get(reverse("home"))
    return {
        t.url.split("=")[-1]: t.count for t in page.context["sections"]["Unit handler"] if "?show=" in t.url
    }


def listed(client, show) -> set[int]:
    page = client.get(reverse("suggestions:unit_assignments"), {"show": show})
    return {r["a"].suggestion_id for r in page.context["rows"]}


def test_the_home_page_counts_what_waits_for_the_unit(w, time_machine):
    client = client_for(w.handler)
    before = tile_counts(client)
    assert set(before) == {"new", "soon", "overdue", "rehandling", "promise"}
    s = assigned(w)
    assert tile_counts(client)["new"] == before["new"] + 1 and s.pk in listed(client, "new")
    handling.assignment_acknowledge(actor=w.handler, assignment=lead(s))
    assert tile_counts(client)["new"] == before["new"] and s.pk not in listed(client, "new")
    # the reply due date (2027-02-26) comes within 15 days, then passes; each tile counts its list
    for day in (dt.date(2027, 2, 15), dt.date(2027, 3, 2)):
        time_machine.move_to(dt.datetime(day.year, day.month, day.day, 10, tzinfo=TODAY.tzinfo), tick=False)
        client = client_for(w.handler)
        counts = tile_counts(client)
        assert (s.pk in listed(client, "soon")) == (day <= dt.date(2027, 2, 26))
        for key, count in counts.items():
            page = client.get(reverse("suggestions:unit_assignments"), {"show": key})
            assert page.context["page"].paginator.count == count, (day, key)
    assert s.pk in listed(client, "overdue") and s.pk not in listed(client, "soon")
    assert "My assignments" in text(client.get(reverse("home")))  # in the navigation
