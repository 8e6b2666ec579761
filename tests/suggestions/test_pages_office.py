"""The deputy-affairs office's pages of the loop, used as city_staff would: the review queue, accepting,
returning, merging, the presidium, assigning one by one and in a batch, extensions, the office's decision,
the units' returns and the filtered list. Each step: the happy path, the refusal shown on the form (which
keeps what was typed), the sibling district's staff (404) and the deputy or handler (403), the event."""

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from lvzhi.core.models import Event
from lvzhi.org.models import Committee, CongressSetting, Unit
from lvzhi.suggestions.models import Assignment, Suggestion
from lvzhi.suggestions.services import drafting, handling, replies, review
from lvzhi.suggestions.workflow import State
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build()


def client_for(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")  # the messages asserted are the English msgids
    c.force_login(user)
    return c


@pytest.fixture
def staff(w):
    return client_for(w.staff)


def url(name, s=None, **query):
    u = reverse(f"suggestions:{name}", args=[s.pk] if s is not None else [])
    return u + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def text(response) -> str:
    return response.content.decode()


def kinds(s) -> list[str]:
    return list(
        Event.objects.filter(target_id=str(s.pk), kind__startswith="suggestion.")
        .order_by("id")
        .values_list("kind", flat=True)
    )


def submitted(w, title="关于进一步改善我市老旧小区供热质量的建议", **kw):
    return drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft(title=title, **kw))


def accepted(w, title="关于进一步改善我市老旧小区供热质量的建议", **kw):
    return review.suggestion_accept(actor=w.staff, suggestion=submitted(w, title, **kw))


def assigned(w, title="关于进一步改善我市老旧小区供热质量的建议"):
    s = accepted(w, title)
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=w.unit, co_units=[w.unit_b])
    s.refresh_from_db()
    return s


def other_unit(w) -> Unit:
    return (
        Unit.objects.filter(congress=w.city, is_active=True)
        .exclude(pk__in=[w.unit.pk, w.unit_b.pk])
        .order_by("pk")
        .first()
    )


# --- the review queue and the panel -------------------------------------------------------------
def test_the_queue_lists_the_congress_submissions_oldest_first_with_overdue_marked(w, staff, time_machine):
    time_machine.move_to(TODAY - dt.timedelta(days=14), tick=False)
    old = submitted(w, "关于规范城区共享单车停放秩序的建议")
    time_machine.move_to(TODAY, tick=False)
    new = submitted(w, "关于增设城区公共充电桩的建议")
    body = text(staff.get(url("office_queue")))
    assert body.index(old.title) < body.index(new.title)
    row_old = body[body.index(old.title) : body.index(new.title)]
    row_new = body[body.index(new.title) :].split("</tr>")[0]
    assert old.assign_due.isoformat() in row_old and "overdue" in row_old
    assert new.assign_due.isoformat() in row_new and "overdue" not in row_new
    # A sibling district's office has its own queue.
    assert old.title not in text(client_for(w.staff_b).get(url("office_queue")))
    assert client_for(w.deputy).get(url("office_queue")).status_code == 403


def test_the_panel_offers_accept_with_the_committee_of_the_field_and_return(w, staff):
    s = submitted(w, field="education")
    committee = review.default_committee(s)
    assert committee is not None
    body = text(staff.get(reverse("suggestions:detail", args=[s.pk])))
    assert url("office_accept", s) in body and url("office_return", s) in body
    assert re.search(rf'<option value="{committee.pk}" selected>', body)
    deputy_page = text(client_for(w.deputy).get(reverse("suggestions:detail", args=[s.pk])))
    assert url("office_accept", s) not in deputy_page


# --- accept and return ----------------------------------------------------------------------------
def test_accepting_numbers_it_and_records_the_event(w, staff):
    s = submitted(w)
    committee = Committee.objects.filter(congress=w.city, kind="special").order_by("-pk").first()
    response = staff.post(url("office_accept", s), {"committee": committee.pk}, follow=True)
    s.refresh_from_db()
    assert (s.state, s.committee) == (State.ACCEPTED, committee) and s.number
    assert f"Accepted as No. {s.number}." in text(response)
    assert kinds(s)[-1] == "suggestion.accept"


def test_accepting_twice_is_refused_on_the_form_which_keeps_the_committee(w, staff):
    s = accepted(w)
    committee = Committee.objects.filter(congress=w.city, kind="special").order_by("-pk").first()
    response = staff.post(url("office_accept", s), {"committee": committee.pk})
    assert response.status_code == 200
    assert "is not possible while the suggestion is" in text(response)
    assert re.search(rf'<option value="{committee.pk}" selected>', text(response))
    assert kinds(s).count("suggestion.accept") == 1


def test_returning_needs_a_reason_and_keeps_what_was_typed(w, staff):
    s = submitted(w)
    response = staff.post(url("office_return", s), {"reason": "  "})
    assert "Give the reason." in text(response)
    s.refresh_from_db()
    assert s.state == State.SUBMITTED
    response = staff.post(url("office_return", s), {"reason": "请补充具体小区名单"}, follow=True)
    s.refresh_from_db()
    assert (s.state, s.return_reason) == (State.RETURNED, "请补充具体小区名单")
    assert kinds(s)[-1] == "suggestion.return"
    # A second return is refused, and the typed reason stays on the form.
    response = staff.post(url("office_return", s), {"reason": "再次退回的理由"})
    assert "is not possible while the suggestion is" in text(response) and "再次退回的理由" in text(response)


def test_only_the_office_of_the_congress_may_act(w):
    s = submitted(w)
    staff_b, deputy = client_for(w.staff_b), client_for(w.deputy)
    names = ("office_accept", "office_return", "office_merge", "office_assign", "office_decide")
    for name in (*names, "office_committee"):
        assert staff_b.get(url(name, s)).status_code == 404, name
        assert staff_b.post(url(name, s), {"reason": "x"}).status_code == 404, name
        assert deputy.get(url(name, s)).status_code == 403, name
        assert deputy.post(url(name, s), {"reason": "x"}).status_code == 403, name
    s.refresh_from_db()
    assert s.state == State.SUBMITTED and kinds(s)[-1] == "suggestion.submit"
    # A handler reads the suggestions assigned to its unit, and may not act as the office on them.
    handled = assigned(w, "关于加强中小学课后服务的建议")
    handler = client_for(w.handler)
    assert handler.get(url("office_extend", handled)).status_code == 403
    assert (
        handler.post(url("office_extend", handled), {"until": "2027-04-01", "reason": "x"}).status_code == 403
    )
    assert handled.assignments.get(role="lead").extended_due is None


# --- merge ----------------------------------------------------------------------------------------
def test_merge_searches_by_title_or_number_and_merges(w, staff):
    main = accepted(w, "关于老旧小区供热管网改造的建议")
    dup = submitted(w, "关于改善老旧小区冬季供热的建议")
    body = text(staff.get(url("office_merge", dup, q="供热管网")))
    assert main.title in body
    assert main.title in text(staff.get(url("office_merge", dup, q=f"第{main.number}号")))
    assert main.title not in text(staff.get(url("office_merge", dup, q="菜市场")))
    # Nothing picked: refused, the note kept.
    response = staff.post(url("office_merge", dup, q="供热管网"), {"note": "内容相近"})
    assert "Choose the suggestion to merge it into." in text(response) and "内容相近" in text(response)
    # A suggestion of another congress is not a choice.
    foreign = Suggestion.objects.exclude(congress=w.city).exclude(state="draft").first()
    response = staff.post(url("office_merge", dup), {"into": foreign.pk, "note": "x"})
    assert "Select a valid choice" in text(response)
    staff.post(url("office_merge", dup), {"into": main.pk, "note": "内容相近"})
    dup.refresh_from_db()
    assert (dup.state, dup.merged_into) == (State.MERGED, main)
    assert kinds(dup)[-1] == "suggestion.merge"


# --- the presidium --------------------------------------------------------------------------------
def test_a_motion_goes_to_the_presidium_and_its_decision_is_recorded(w, staff):
    CongressSetting.objects.update_or_create(
        congress=w.city, key="motion_cosigner_minimum", defaults={"value": 1}
    )
    m = w.draft(kind=Suggestion.Kind.MOTION, title="关于制定城市供热管理条例的议案")
    signer = drafting.signer_invite(actor=w.deputy, suggestion=m, mandate=w.co_mandate)
    drafting.signer_respond(actor=w.cosigner, signer=signer, confirm=True)
    m = drafting.suggestion_submit(actor=w.deputy, suggestion=m)
    detail = text(staff.get(reverse("suggestions:detail", args=[m.pk])))
    assert url("office_to_presidium", m) in detail and url("office_accept", m) not in detail
    staff.post(url("office_to_presidium", m))
    m.refresh_from_db()
    assert m.state == State.PRESIDIUM and kinds(m)[-1] == "suggestion.to_presidium"
    # On the agenda without a committee: refused, the note kept.
    response = staff.post(
        url("office_presidium", m), {"decision": "agenda", "committee": "", "note": "主席团第二次会议"}
    )
    assert "Name the special committee it is referred to." in text(response)
    assert "主席团第二次会议" in text(response)
    committee = Committee.objects.filter(congress=w.city, kind="special").first()
    response = staff.post(
        url("office_presidium", m), {"decision": "agenda", "committee": committee.pk}, follow=True
    )
    m.refresh_from_db()
    assert (m.state, m.committee, m.presidium_decision) == (State.REFERRED, committee, "agenda")
    assert kinds(m)[-1] == "suggestion.presidium_refer"
    assert str(committee) in text(response)


# --- assignment -----------------------------------------------------------------------------------
def test_assigning_a_lead_and_co_units_then_adding_a_co_unit(w, staff):
    s = accepted(w)
    body = text(staff.get(url("office_assign", s, q="教育")))
    assert w.unit.name in body and w.unit_b.name not in body  # the unit search
    # No lead unit: refused; the ticked co-unit and the meeting name stay.
    response = staff.post(url("office_assign", s), {"co_units": [w.unit_b.pk], "batch": "第一次交办会"})
    assert "Choose the lead unit." in text(response)
    assert re.search(rf'value="{w.unit_b.pk}"[^>]*checked', text(response)) and "第一次交办会" in text(
        response
    )
    response = staff.post(
        url("office_assign", s), {"lead_unit": w.unit.pk, "co_units": [w.unit_b.pk]}, follow=True
    )
    s.refresh_from_db()
    assert s.state == State.ASSIGNED
    assert {(a.unit, a.role) for a in s.assignments.all()} == {(w.unit, "lead"), (w.unit_b, "co")}
    assert w.unit.name in text(response) and kinds(s)[-1] == "suggestion.assign"
    # Later: co-units only (the lead unit is not offered again).
    body = text(staff.get(url("office_assign", s)))
    assert 'name="lead_unit"' not in body
    third = other_unit(w)
    staff.post(url("office_assign", s), {"co_units": [third.pk]})
    assert s.assignments.filter(unit=third, role="co", is_active=True).exists()


def test_a_batch_assigns_every_chosen_row(w, staff):
    first, second = accepted(w, "关于增设城区公共充电桩的建议"), accepted(w, "关于加强学校周边交通管理的建议")
    page = text(staff.get(url("office_batch")))
    assert first.title in page and second.title in page
    data = {
        "batch": "2026年闭会期间集中交办会",
        f"lead_{first.pk}": w.unit.pk,
        f"lead_{second.pk}": w.unit_b.pk,
        f"co_{second.pk}": [w.unit.pk],
    }
    response = staff.post(url("office_batch"), data, follow=True)
    assert "2 suggestions assigned" in text(response)
    for s in (first, second):
        s.refresh_from_db()
        assert s.state == State.ASSIGNED and kinds(s)[-1] == "suggestion.assign"
    assert set(Assignment.objects.filter(suggestion__in=[first, second]).values_list("batch", flat=True)) == {
        "2026年闭会期间集中交办会"
    }


def test_a_batch_is_all_or_nothing_and_shows_the_error_on_its_row(w, staff):
    good = accepted(w, "关于增设城区公共充电桩的建议")
    bad = assigned(w, "关于加强学校周边交通管理的建议")
    handling.assignment_return(
        actor=w.handler, assignment=bad.assignments.get(role="lead"), reason="不属于本单位职责"
    )
    # The lead unit returned it; the co-unit stays assigned, and choosing it again fails in the service.
    data = {
        "batch": "第二次集中交办会",
        f"lead_{good.pk}": w.unit.pk,
        f"lead_{bad.pk}": other_unit(w).pk,
        f"co_{bad.pk}": [w.unit_b.pk],
    }
    response = staff.post(url("office_batch"), data)
    body = text(response)
    assert "Nothing was assigned" in body
    bad_row = body[body.index(f'id="row-{bad.pk}"') :].split("</tr>")[0]
    assert "A unit is already assigned to this suggestion." in bad_row
    good_row = body[body.index(f'id="row-{good.pk}"') :].split("</tr>")[0]
    assert re.search(rf'<option value="{w.unit.pk}" selected>', good_row)  # what was chosen stays
    assert "第二次集中交办会" in body
    good.refresh_from_db()
    assert good.state == State.ACCEPTED and not good.assignments.exists()
    # A row's own mistakes are shown all at once, before anything is tried.
    response = staff.post(url("office_batch"), {"batch": "x", f"co_{good.pk}": [w.unit.pk]})
    assert "Choose the lead unit, or clear the co-units." in text(response)
    assert "Choose a lead unit for at least one suggestion." in text(
        staff.post(url("office_batch"), {"batch": "x"})
    )


def test_the_batch_page_is_the_own_congress_only(w):
    s = accepted(w)
    staff_b = client_for(w.staff_b)
    assert s.title not in text(staff_b.get(url("office_batch")))
    response = staff_b.post(url("office_batch"), {"batch": "x", f"lead_{s.pk}": w.unit.pk})
    assert response.status_code == 200 and "assigned meanwhile" in text(response)
    s.refresh_from_db()
    assert s.state == State.ACCEPTED
    assert client_for(w.handler).get(url("office_batch")).status_code == 403


# --- extensions, returns, the office's decision ---------------------------------------------------
def test_an_extension_shows_the_maximum_and_is_refused_beyond_it(w, staff):
    s = assigned(w)
    assert "2027-05-26" in text(staff.get(url("office_extend", s)))  # six months from the assignment
    response = staff.post(url("office_extend", s), {"until": "2027-06-30", "reason": "需跨年度协调资金"})
    assert "no later than 2027-05-26" in text(response) and "需跨年度协调资金" in text(response)
    staff.post(url("office_extend", s), {"until": "2027-04-30", "reason": "需跨年度协调资金"})
    lead = s.assignments.get(role="lead")
    assert lead.extended_due == dt.date(2027, 4, 30) and lead.due == dt.date(2027, 4, 30)
    assert kinds(s)[-1] == "suggestion.extend"


def test_units_returns_are_listed_for_reassignment(w, staff):
    s = assigned(w)
    handling.assignment_return(
        actor=w.handler, assignment=s.assignments.get(role="lead"), reason="供热属于住建部门职责"
    )
    body = text(staff.get(url("office_returned")))
    assert s.title in body and "供热属于住建部门职责" in body and url("office_assign", s) in body
    assert s.title not in text(client_for(w.staff_b).get(url("office_returned")))
    staff.post(url("office_assign", s), {"lead_unit": other_unit(w).pk})
    assert "Reassigned" in text(staff.get(url("office_returned")))


def _to_staff_decision(w) -> Suggestion:
    s = assigned(w)
    lead = s.assignments.get(role="lead")
    for round_ in (1, 2):
        replies.reply_submit(
            actor=w.handler,
            assignment=lead,
            text="经研究，我局已将该小区纳入明年改造计划。" * 2,
            result_code="A",
        )
        replies.evaluation_submit(
            actor=w.deputy,
            suggestion=s,
            mandate=w.mandate,
            rating="dissatisfied",
            comment=f"第{round_}次不满意",
        )
        s.refresh_from_db()
    assert s.state == State.STAFF_DECISION
    return s


def test_the_office_decides_after_repeated_dissatisfaction(w, staff):
    s = _to_staff_decision(w)
    body = text(staff.get(url("office_decide", s)))
    assert "第2次不满意" in body
    response = staff.post(url("office_decide", s), {"reason": "请再次办理"})
    assert "Choose to close it or to have it handled again." in text(response) and "请再次办理" in text(
        response
    )
    response = staff.post(url("office_decide", s), {"decision": "close", "reason": ""})
    assert "Give the reason." in text(response)
    staff.post(url("office_decide", s), {"decision": "rehandle", "reason": "请再次办理"})
    s.refresh_from_db()
    assert s.state == State.REHANDLING and kinds(s)[-1] == "suggestion.decide_rehandle"
    assert (
        client_for(w.deputy).post(url("office_decide", s), {"decision": "close", "reason": "x"}).status_code
        == 403
    )


# --- the supervising committee (对口督办) ------------------------------------------------------------
def test_the_office_changes_the_supervising_committee_with_a_reason(w, staff):
    s = accepted(w)  # field "urban": the committee of that field supervises it
    before = s.committee
    assert before is not None
    other = Committee.objects.filter(congress=w.city, kind="special").exclude(pk=before.pk).order_by("pk")[0]
    detail = text(staff.get(reverse("suggestions:detail", args=[s.pk])))
    assert url("office_committee", s) in detail and before.name in detail
    page = text(staff.get(url("office_committee", s)))
    for c in Committee.objects.filter(congress=w.city, kind="special"):
        assert f'<option value="{c.pk}"' in page  # every special committee of the congress
    assert re.search(rf'<option value="{before.pk}" selected>', page)
    assert (
        not Committee.objects.filter(kind="special")
        .exclude(congress=w.city)
        .filter(pk__in=[int(v) for v in re.findall(r'<option value="(\d+)"', page)])
    )
    # No reason: refused; the committee chosen stays on the form.
    response = staff.post(url("office_committee", s), {"committee": other.pk, "reason": " "})
    assert "Give the reason." in text(response)
    assert re.search(rf'<option value="{other.pk}" selected>', text(response))
    # The same committee again: refused; the reason typed stays.
    response = staff.post(url("office_committee", s), {"committee": before.pk, "reason": "职责调整"})
    assert "already supervised by this committee" in text(response) and "职责调整" in text(response)
    # A committee of another congress is not a choice.
    foreign = Committee.objects.filter(kind="special").exclude(congress=w.city).first()
    response = staff.post(url("office_committee", s), {"committee": foreign.pk, "reason": "职责调整"})
    assert "Select a valid choice" in text(response) and "职责调整" in text(response)
    s.refresh_from_db()
    assert s.committee == before and "suggestion.committee_set" not in kinds(s)

    response = staff.post(
        url("office_committee", s), {"committee": other.pk, "reason": "职责调整"}, follow=True
    )
    s.refresh_from_db()
    assert s.committee == other and s.state == State.ACCEPTED
    assert f"Now supervised by {other.name}." in text(response)
    event = Event.objects.filter(target_id=str(s.pk), kind="suggestion.committee_set").get()
    assert event.actor == w.staff and event.payload == {"from": before.pk, "to": other.pk}
    assert "职责调整" in event.note and before.name in event.note and other.name in event.note
    assert "职责调整" in text(response)  # the timeline shows the reason


def test_the_committee_is_changed_only_while_the_suggestion_is_accepted_and_open(w, staff):
    s = submitted(w)
    committee = Committee.objects.filter(congress=w.city, kind="special").order_by("pk")[0]
    assert "This is not possible while the suggestion is" in text(staff.get(url("office_committee", s)))
    assert url("office_committee", s) not in text(staff.get(reverse("suggestions:detail", args=[s.pk])))
    response = staff.post(url("office_committee", s), {"committee": committee.pk, "reason": "职责调整"})
    assert "can only be changed while the suggestion is accepted and open" in text(response)
    assert "职责调整" in text(response)
    s.refresh_from_db()
    assert s.committee_id is None and "suggestion.committee_set" not in kinds(s)
    # Being handled: still possible; the unit's handler and the committee's own staff may not.
    handled = assigned(w, "关于加强中小学课后服务的建议")
    assert url("office_committee", handled) in text(
        staff.get(reverse("suggestions:detail", args=[handled.pk]))
    )
    other = Committee.objects.filter(congress=w.city, kind="special").exclude(pk=handled.committee_id)[0]
    handler = client_for(w.handler)
    assert handler.get(url("office_committee", handled)).status_code == 403
    data = {"committee": other.pk, "reason": "x"}
    assert handler.post(url("office_committee", handled), data).status_code == 403
    assert client_for(w.staff_b).post(url("office_committee", handled), data).status_code == 404
    handled.refresh_from_db()
    assert handled.committee_id != other.pk


# --- the office's list ----------------------------------------------------------------------------
def test_the_list_filters_and_counts_each_state(w, staff, time_machine):
    s1 = assigned(w, "关于加强中小学课后服务的建议")
    s2 = accepted(w, "关于增设城区公共充电桩的建议", field="transport")
    body = text(staff.get(url("office_list", state="accepted")))
    assert s2.title in body and s1.title not in body
    n_accepted = Suggestion.objects.filter(congress=w.city, state="accepted").count()
    assert re.search(rf"Accepted <b>{n_accepted}</b>", body)
    assert "state=accepted" in body
    assert s2.title in text(staff.get(url("office_list", field="transport")))
    assert s1.title not in text(staff.get(url("office_list", field="transport")))
    assert s1.title in text(staff.get(url("office_list", unit=w.unit_b.pk)))
    assert s2.title not in text(staff.get(url("office_list", unit=w.unit_b.pk)))
    assert s1.title in text(staff.get(url("office_list", period="recess")))
    assert s1.title not in text(staff.get(url("office_list", period="session")))
    committee = Committee.objects.filter(congress=w.city, kind="special").exclude(pk=s2.committee_id).first()
    review.suggestion_set_committee(actor=w.staff, suggestion=s2, committee=committee, reason="按领域调整")
    assert s2.title in text(staff.get(url("office_list", committee=committee.pk)))
    # Overdue: past the lead unit's reply deadline and not replied.
    assert s1.title not in text(staff.get(url("office_list", overdue=1)))
    time_machine.move_to(TODAY + dt.timedelta(days=100), tick=False)
    body = text(client_for(w.staff).get(url("office_list", overdue="on")))  # a new sign-in, 100 days on
    assert s1.title in body and "overdue" in body
    # A sibling district's staff lists its own congress only.
    assert s1.title not in text(client_for(w.staff_b).get(url("office_list")))


def test_the_list_finds_a_suggestion_by_words_of_its_title_or_its_number(w, staff):
    s1 = assigned(w, "关于加强中小学课后服务的建议")
    s2 = accepted(w, "关于增设城区公共充电桩的建议", field="transport")
    body = text(staff.get(url("office_list"), {"q": "充电桩"}))
    assert s2.title in body and s1.title not in body
    assert 'value="充电桩"' in body  # the words stay in the search box
    body = text(staff.get(url("office_list"), {"q": f"第{s1.number}号"}))
    assert s1.title in body and s2.title not in body
    assert staff.get(url("office_list"), {"q": "建" * 300}).status_code == 200  # too long: dropped, a page
    assert staff.get(url("office_list"), {"q": "²"}).status_code == 200  # a digit int() cannot read


def test_the_list_exports_to_excel_with_the_same_filters(w, staff):
    from openpyxl import load_workbook

    s1 = assigned(w, "关于加强中小学课后服务的建议")
    s2 = accepted(w, "关于增设城区公共充电桩的建议", field="transport")
    s3 = accepted(w, "关于优化公交线路的建议", field="transport")
    page = text(staff.get(url("office_list", field="transport", state="accepted")))
    export = url("office_export") + "?" + "field=transport&amp;state=accepted"
    assert export in page or url("office_export") + "?state=accepted&amp;field=transport" in page

    def rows(**query):
        response = staff.get(url("office_export", **query))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        return list(sheet.iter_rows(values_only=True))[2:]

    got = rows(field="transport", state="accepted")
    expected = Suggestion.objects.filter(congress=w.city, field="transport", state="accepted")
    assert sorted(r[1] for r in got) == sorted(expected.values_list("title", flat=True))
    assert {s2.title, s3.title} <= {r[1] for r in got} and s1.title not in {r[1] for r in got}
    mine = next(r for r in got if r[1] == s2.title)
    assert mine[0] == f"No. {s2.number}" and mine[4] == "Accepted" and w.deputy.person.name in mine[2]
    assert mine[10] == s2.committee.name and mine[11].date() == s2.received_on
    # The unit filter: a co-unit's suggestions; its units column names both units.
    got = rows(unit=w.unit_b.pk)
    assert s1.title in {r[1] for r in got} and s2.title not in {r[1] for r in got}
    row = next(r for r in got if r[1] == s1.title)
    assert w.unit.name in row[5] and w.unit_b.name in row[5]
    # The export is recorded with its filters.
    event = Event.objects.filter(kind="security.export", actor=w.staff).latest("id")
    assert event.payload["what"] == "office_list" and event.payload["unit"] == str(w.unit_b.pk)
    assert event.payload["rows"] == len(got)
    # A sibling district's office exports its own congress only; a deputy none.
    response = client_for(w.staff_b).get(url("office_export", congress=w.city.pk))
    assert response.status_code == 200 and s1.title.encode() not in response.content
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert s1.title not in {r[1] for r in sheet.iter_rows(values_only=True)}
    assert client_for(w.deputy).get(url("office_export")).status_code == 403


def test_the_list_costs_the_same_queries_however_many_rows(w, staff, django_assert_max_num_queries):
    for i in range(3):
        assigned(w, f"关于改善第{i}片区供热质量的建议")
    with django_assert_max_num_queries(16):
        first = staff.get(url("office_list"))
    for i in range(6):
        assigned(w, f"关于加强第{i}所学校周边管理的建议")
    with django_assert_max_num_queries(16):
        second = staff.get(url("office_list"))
    assert first.status_code == second.status_code == 200
    assert "关于加强第5所学校周边管理的建议" in text(second)


# --- the office's home tiles ----------------------------------------------------------------------
def test_the_home_page_shows_what_waits_for_the_office(w, staff, time_machine):
    from django.utils import translation

    from lvzhi.suggestions.home import office_tiles_for

    def tiles(user):
        with translation.override("en"):
            return {t.label: t for t in office_tiles_for(user)}

    before = tiles(w.staff)
    time_machine.move_to(TODAY - dt.timedelta(days=14), tick=False)
    submitted(w, "关于规范城区共享单车停放秩序的建议")  # its assignment is overdue by today
    time_machine.move_to(TODAY, tick=False)
    s = assigned(w)
    handling.assignment_return(actor=w.handler, assignment=s.assignments.get(role="lead"), reason="不属于")
    after = tiles(w.staff)
    review_tile = after["Suggestions to review"]
    assert review_tile.count == before["Suggestions to review"].count + 1 and review_tile.urgent
    assert review_tile.url == url("office_queue")
    assert after["Accepted, to be assigned"].count == before["Accepted, to be assigned"].count + 1
    assert after["Returned by units, to reassign"].count == before["Returned by units, to reassign"].count + 1
    body = text(staff.get(reverse("home")))
    assert "Suggestions to review" in body and url("office_returned") in body
    assert "Review and assign" in body  # the menu
    assert tiles(w.deputy) == {} and tiles(w.handler) == {}
    # A sibling district's office counts its own congress only.
    assert tiles(w.staff_b)["Suggestions to review"].count == 0
