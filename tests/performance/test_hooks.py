"""The platform records what it already knows: a submitted suggestion for its author and confirmed
co-signers, an opinion the deputy answered as receiving citizens — once each, confirmed, linked to the
source, inside the source's own transaction."""

from __future__ import annotations

import pytest

from lvzhi.opinions.models import Opinion
from lvzhi.opinions.services.handling import opinion_reply
from lvzhi.org.models import User
from lvzhi.performance.models import Participation
from lvzhi.suggestions.services.drafting import (
    signer_invite,
    signer_respond,
    suggestion_create,
    suggestion_submit,
)
from lvzhi.suggestions.services.review import suggestion_return

pytestmark = pytest.mark.django_db

BODY = "建议在湖滨路东段增设路灯并定期巡查维护，保障居民夜间出行安全。"


def test_a_submitted_suggestion_counts_once_for_its_author_and_co_signer(world):
    s = suggestion_create(
        actor=world.a_user, mandate=world.a, title="关于增设路灯的建议", field="urban", body=BODY
    )
    signer = signer_invite(actor=world.a_user, suggestion=s, mandate=world.c)
    signer_respond(actor=world.c_user, signer=signer, confirm=True)
    signer_invite(actor=world.a_user, suggestion=s, mandate=world.b)  # invited, never confirmed
    suggestion_submit(actor=world.a_user, suggestion=s)
    rows = Participation.objects.filter(source_type="suggestions.suggestion", source_id=s.pk)
    assert {p.mandate_id for p in rows} == {world.a.pk, world.c.pk}
    assert {(p.status, p.kind.code) for p in rows} == {("confirmed", "suggestion")}
    assert rows.first().activity.title == "关于增设路灯的建议"
    # Returned for revision and submitted again: still once each.
    suggestion_return(actor=world.staff, suggestion=s, reason="请补充具体位置")
    suggestion_submit(actor=world.a_user, suggestion=s)
    assert rows.count() == 2


def test_a_refused_submission_records_nothing(world):
    from lvzhi.core.errors import ServiceError

    s = suggestion_create(
        actor=world.a_user,
        mandate=world.a,
        title="关于设立议案的议案",
        field="urban",
        body=BODY,
        kind="motion",
    )
    with pytest.raises(ServiceError):
        suggestion_submit(actor=world.a_user, suggestion=s)
    assert not Participation.objects.filter(source_type="suggestions.suggestion", source_id=s.pk).exists()


@pytest.fixture
def deputy_a():
    return User.objects.get(username="deputy_a")


def test_an_opinion_the_deputy_answers_counts_as_receiving_citizens(deputy_a):
    opinion = Opinion.objects.filter(person_id=deputy_a.person_id, state="new").order_by("pk").first()
    opinion_reply(actor=deputy_a, opinion=opinion, body="已转交街道办理，本周内修复。")
    p = Participation.objects.get(source_type="opinions.opinion", source_id=opinion.pk)
    assert (p.mandate_id, p.kind.code, p.status) == (opinion.mandate_id, "reception", "confirmed")
    opinion.refresh_from_db()
    opinion_reply(actor=deputy_a, opinion=opinion, body="路灯已修复，感谢反映。")
    assert Participation.objects.filter(source_type="opinions.opinion", source_id=opinion.pk).count() == 1


def test_an_opinion_answered_by_the_office_counts_for_no_one(deputy_a):
    staff_a = User.objects.get(username="staff_a")
    opinion = (
        Opinion.objects.filter(
            person_id=deputy_a.person_id, state="new", congress__in=staff_a.roles.values("congress")
        )
        .order_by("-pk")
        .first()
    )
    opinion_reply(actor=staff_a, opinion=opinion, body="已受理，正在转交相关部门。")
    assert not Participation.objects.filter(source_type="opinions.opinion", source_id=opinion.pk).exists()
