"""The closed loop through its services: every step, its refusals, the denied roles, the events."""

import datetime as dt

import pytest

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event, Notification
from lvzhi.suggestions.models import Assignment, Evaluation, Suggestion
from lvzhi.suggestions.services import drafting, handling, replies, review
from lvzhi.suggestions.workflow import State
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build()


def steps(suggestion):
    return list(
        Event.objects.filter(target_id=str(suggestion.pk), kind__startswith="suggestion.")
        .order_by("id")
        .values_list("kind", "from_state", "to_state")
    )


def refused(code, fn, **kw):
    with pytest.raises(ServiceError) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.message
    return exc.value


def submitted(w, **kw):
    s = w.draft(**kw)
    return drafting.suggestion_submit(actor=w.deputy, suggestion=s)


def assigned(w, **kw):
    s = review.suggestion_accept(actor=w.staff, suggestion=submitted(w, **kw))
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=w.unit, co_units=[w.unit_b])
    s.refresh_from_db()
    return s


def lead(s):
    return s.assignments.get(role=Assignment.Role.LEAD, is_active=True)


def test_a_recess_suggestion_goes_from_draft_to_a_numbered_acceptance(w):
    s = w.draft()
    assert s.state == State.DRAFT and s.session is None
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=s)
    assert s.state == State.SUBMITTED
    assert s.received_on == dt.date(2026, 11, 26)
    assert s.assign_due == dt.date(2026, 12, 3)  # 5 working days after Thursday 26 Nov
    assert Notification.objects.filter(
        recipient=w.staff, cause__startswith=f"suggestion:{s.pk}:submitted"
    ).exists()
    s = review.suggestion_accept(actor=w.staff, suggestion=s)
    assert (s.state, s.series) == (State.ACCEPTED, "R2026") and s.number
    second = review.suggestion_accept(
        actor=w.staff, suggestion=submitted(w, title="关于加强学校门前交通秩序管理的建议")
    )
    assert second.number == s.number + 1
    assert steps(s)[-1] == ("suggestion.accept", "submitted", "accepted")


def test_the_office_can_return_it_for_revision_and_the_deputy_resubmits(w):
    s = submitted(w)
    refused("reason_required", review.suggestion_return, actor=w.staff, suggestion=s, reason=" ")
    s = review.suggestion_return(actor=w.staff, suggestion=s, reason="请补充具体小区名单")
    assert s.state == State.RETURNED and s.return_reason == "请补充具体小区名单"
    s = drafting.suggestion_update(
        actor=w.deputy,
        suggestion=s,
        title=s.title,
        field="urban",
        body=s.body + "涉及幸福里、朝阳小区。",
        kind="suggestion",
    )
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=s)
    assert s.state == State.SUBMITTED


def test_steps_that_do_not_apply_are_refused_and_change_nothing(w):
    s = w.draft()
    refused("step_not_allowed", review.suggestion_accept, actor=w.staff, suggestion=s)  # a draft
    refused("lead_unit_required", handling.suggestion_assign, actor=w.staff, suggestion=s, lead_unit=None)
    refused("step_not_allowed", handling.suggestion_assign, actor=w.staff, suggestion=s, lead_unit=w.unit)
    s.refresh_from_db()
    assert s.state == State.DRAFT and not s.assignments.exists()


def test_other_roles_are_denied(w):
    s = submitted(w)
    refused("not_permitted", review.suggestion_accept, actor=w.staff_b, suggestion=s)  # a sibling district
    refused("not_permitted", review.suggestion_accept, actor=w.deputy, suggestion=s)
    refused("not_permitted", drafting.suggestion_withdraw, actor=w.cosigner, suggestion=s)
    refused(
        "not_your_mandate",
        drafting.suggestion_create,
        actor=w.deputy,
        mandate=w.co_mandate,
        title="关于某事的建议",
        field="other",
        body="x" * 30,
    )


def test_a_motion_needs_its_cosigners_and_then_goes_to_the_presidium(w, settings):
    from lvzhi.org.models import CongressSetting

    CongressSetting.objects.update_or_create(
        congress=w.city, key="motion_cosigner_minimum", defaults={"value": 1}
    )
    s = w.draft(kind=Suggestion.Kind.MOTION)
    refused("motion_needs_cosigners", drafting.suggestion_submit, actor=w.deputy, suggestion=s)
    signer = drafting.signer_invite(actor=w.deputy, suggestion=s, mandate=w.co_mandate)
    refused("not_permitted", drafting.signer_respond, actor=w.deputy, signer=signer, confirm=True)
    drafting.signer_respond(actor=w.cosigner, signer=signer, confirm=True)
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=s)
    refused("motion_goes_to_presidium", review.suggestion_accept, actor=w.staff, suggestion=s)
    s = review.suggestion_to_presidium(actor=w.staff, suggestion=s)
    s = review.presidium_decide(actor=w.staff, suggestion=s, decision="as_suggestion")
    assert (s.state, s.kind) == (State.ACCEPTED, Suggestion.Kind.SUGGESTION) and s.number


def test_merged_suggestions_credit_every_author(w):
    main = review.suggestion_accept(actor=w.staff, suggestion=submitted(w))
    other = drafting.suggestion_create(
        actor=w.cosigner,
        mandate=w.co_mandate,
        title="关于老旧小区供热改造的建议",
        field="urban",
        body="供热管网老化严重，建议尽快改造，保障群众温暖过冬。",
    )
    other = drafting.suggestion_submit(actor=w.cosigner, suggestion=other)
    other = review.suggestion_merge(actor=w.staff, suggestion=other, into=main)
    assert other.state == State.MERGED and other.merged_into == main
    assert main.signers.filter(mandate=w.co_mandate, role="merged").exists()


def test_assignment_sets_each_clock_from_the_congress_settings(w):
    s = assigned(w)
    a = lead(s)
    assert s.state == State.ASSIGNED
    assert a.return_due == dt.date(2026, 12, 1)  # 3 working days
    assert a.reply_due == dt.date(2027, 2, 26)  # three calendar months
    co = s.assignments.get(role="co")
    assert co.opinion_due == dt.date(2026, 12, 28)  # Dec 26 is a Saturday: next working day
    assert Notification.objects.filter(recipient=w.handler, channel="sms").exists()


def test_a_unit_returns_a_misassignment_within_its_window_only(w, time_machine):
    from lvzhi.org.models import Unit

    s = assigned(w)
    refused(
        "not_permitted", handling.assignment_return, actor=w.handler_b, assignment=lead(s), reason="不属于"
    )
    handling.assignment_return(actor=w.handler, assignment=lead(s), reason="供热属于住建部门职责")
    s.refresh_from_db()
    assert s.state == State.ACCEPTED  # back with the office; nothing is lost
    assert s.assignments.filter(is_active=False, return_reason="供热属于住建部门职责").exists()
    other = (
        Unit.objects.filter(congress=w.city, is_active=True).exclude(pk__in=[w.unit.pk, w.unit_b.pk]).first()
    )
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=other, co_units=[])
    s.refresh_from_db()
    assert s.state == State.ASSIGNED and lead(s).unit == other
    time_machine.move_to(TODAY + dt.timedelta(days=10), tick=False)
    co = s.assignments.get(role="co", is_active=True)
    refused(
        "return_window_closed", handling.assignment_return, actor=w.handler_b, assignment=co, reason="晚了"
    )


def test_two_replies_for_the_same_round_are_refused(w):
    s = assigned(w)
    reply = replies.reply_submit(
        actor=w.handler,
        assignment=lead(s),
        text="经研究，我局已将该小区纳入明年改造计划。" * 2,
        result_code="A",
        signed_by="张局长",
    )
    assert reply.round == 1 and reply.is_solved and reply.on_time
    refused(
        "step_not_allowed",
        replies.reply_submit,
        actor=w.handler,
        assignment=lead(s),
        text="再次答复内容足够长足够长足够长足够长",
        result_code="A",
    )


def test_promise_replies_need_the_work_and_date(w):
    s = assigned(w)
    refused(
        "promise_required",
        replies.reply_submit,
        actor=w.handler,
        assignment=lead(s),
        text="已列入计划逐步解决，正在推进前期工作。" * 2,
        result_code="B",
    )
    refused(
        "result_invalid",
        replies.reply_submit,
        actor=w.handler,
        assignment=lead(s),
        text="已列入计划逐步解决，正在推进前期工作。" * 2,
        result_code="Z",
    )


def test_satisfied_evaluation_closes_it(w):
    s = assigned(w)
    replies.reply_submit(
        actor=w.handler, assignment=lead(s), text="已完成管网改造，供热温度达标。" * 3, result_code="A"
    )
    refused(
        "not_concerned",
        replies.evaluation_submit,
        actor=w.cosigner,
        suggestion=s,
        mandate=w.co_mandate,
        rating="satisfied",
    )
    replies.evaluation_submit(actor=w.deputy, suggestion=s, mandate=w.mandate, rating="satisfied")
    s.refresh_from_db()
    assert s.state == State.CLOSED and s.closed_at
    refused(
        "step_not_allowed",
        replies.evaluation_submit,
        actor=w.deputy,
        suggestion=s,
        mandate=w.mandate,
        rating="satisfied",
    )


def test_dissatisfied_sends_it_back_once_then_the_office_decides(w):
    s = assigned(w)
    replies.reply_submit(
        actor=w.handler, assignment=lead(s), text="我局将加强监管，督促供热企业整改。" * 2, result_code="A"
    )
    refused(
        "comment_required",
        replies.evaluation_submit,
        actor=w.deputy,
        suggestion=s,
        mandate=w.mandate,
        rating="dissatisfied",
    )
    replies.evaluation_submit(
        actor=w.deputy, suggestion=s, mandate=w.mandate, rating="dissatisfied", comment="没有具体措施"
    )
    s.refresh_from_db()
    assert s.state == State.REHANDLING
    assert lead(s).reply_due == dt.date(2026, 12, 28)  # one month, moved off the weekend
    replies.reply_submit(
        actor=w.handler,
        assignment=lead(s),
        text="已制定改造方案并公示，明年十月前完成。" * 2,
        result_code="A",
    )
    replies.evaluation_submit(
        actor=w.deputy, suggestion=s, mandate=w.mandate, rating="dissatisfied", comment="仍不满意"
    )
    s.refresh_from_db()
    assert s.state == State.STAFF_DECISION
    s = replies.office_decide(actor=w.staff, suggestion=s, rehandle=False, reason="已尽最大努力，予以办结")
    assert s.state == State.CLOSED


def test_a_promise_is_evaluated_twice(w):
    s = assigned(w)
    replies.reply_submit(
        actor=w.handler,
        assignment=lead(s),
        text="已列入明年改造计划，预计十月完成。" * 2,
        result_code="B",
        promised_work="完成幸福里小区供热管网改造",
        promised_by=dt.date(2027, 10, 31),
    )
    replies.evaluation_submit(actor=w.deputy, suggestion=s, mandate=w.mandate, rating="basic")
    s.refresh_from_db()
    assert s.state == State.PROMISED
    replies.promise_report(actor=w.handler, assignment=lead(s), text="幸福里小区管网改造已完工并通过验收。")
    s.refresh_from_db()
    assert s.state == State.PROMISE_REPORTED
    replies.evaluation_submit(actor=w.deputy, suggestion=s, mandate=w.mandate, rating="satisfied")
    s.refresh_from_db()
    assert s.state == State.CLOSED
    assert set(Evaluation.objects.filter(reply__suggestion=s).values_list("stage", flat=True)) == {
        "reply",
        "promise",
    }


def test_silence_is_not_satisfaction(w, time_machine):
    s = assigned(w)
    replies.reply_submit(
        actor=w.handler, assignment=lead(s), text="已完成管网改造，供热温度达标。" * 3, result_code="A"
    )
    assert replies.evaluation_window_close(suggestion=s) is None  # the window is still open
    time_machine.move_to(TODAY + dt.timedelta(days=30), tick=False)
    s = replies.evaluation_window_close(suggestion=s)
    assert s.state == State.CLOSED
    assert not Evaluation.objects.filter(reply__suggestion=s).exists()


def test_an_extension_is_approved_up_to_six_months(w):
    s = assigned(w)
    refused(
        "extension_invalid",
        handling.assignment_extend,
        actor=w.staff,
        assignment=lead(s),
        until=dt.date(2027, 7, 1),
        reason="情况复杂",
    )
    a = handling.assignment_extend(
        actor=w.staff, assignment=lead(s), until=dt.date(2027, 5, 20), reason="情况复杂"
    )
    assert a.due == dt.date(2027, 5, 20)
    refused(
        "not_permitted",
        handling.assignment_extend,
        actor=w.handler,
        assignment=lead(s),
        until=dt.date(2027, 5, 21),
        reason="x",
    )


def test_units_record_consultations_progress_and_co_opinions(w):
    s = assigned(w)
    co = s.assignments.get(role="co")
    handling.assignment_acknowledge(actor=w.handler, assignment=lead(s))
    refused("already_acknowledged", handling.assignment_acknowledge, actor=w.handler, assignment=lead(s))
    handling.consultation_record(
        actor=w.handler,
        assignment=lead(s),
        held_on=dt.date(2026, 11, 26),
        method="visit",
        participants="李局长、代表本人",
        deputy_view="认可改造思路",
    )
    handling.progress_record(actor=w.handler, assignment=lead(s), text="已完成现场踏勘")
    refused("not_co_unit", handling.co_opinion_send, actor=w.handler, assignment=lead(s), text="x")
    handling.co_opinion_send(actor=w.handler_b, assignment=co, text="建议结合老旧小区改造统筹实施")
    refused("already_sent", handling.co_opinion_send, actor=w.handler_b, assignment=co, text="again")
    kinds = [k for k, _f, _t in steps(s)]
    assert {
        "suggestion.acknowledge",
        "suggestion.consult",
        "suggestion.progress",
        "suggestion.co_opinion",
    } <= set(kinds)
